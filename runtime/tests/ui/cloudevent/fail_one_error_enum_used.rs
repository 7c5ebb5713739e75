//! An enum with a misused variant stays usable: only the misuse is
//! reported, not the conversions or the match below.

use hookforge::cloudevents::{CloudEvent, Event};
use hookforge::serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
#[serde(crate = "hookforge::serde")]
struct Data {
    value: u8,
}

#[derive(CloudEvent)]
#[cloudevent(source = "/s")]
enum Events {
    #[cloudevent(type = "com.example.a")]
    A(Data),
    #[cloudevent(type = "com.example.b")]
    B {
        #[cloudevent(extension = "Tenant")]
        tenant: String,
    },
}

fn main() {
    let event = Event::try_from(Events::A(Data { value: 1 })).ok();
    match event.map(Events::try_from) {
        Some(Ok(Events::A(data))) => assert_eq!(data.value, 1),
        Some(Ok(Events::B { tenant })) => assert!(!tenant.is_empty()),
        Some(Err(_)) | None => {}
    }
}
