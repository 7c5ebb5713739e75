use hookforge::cloudevents::CloudEvent;
use hookforge::serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, CloudEvent)]
#[serde(crate = "hookforge::serde")]
#[cloudevent(type = "com.example.t", source = "/s")]
struct Wrapper<T> {
    value: T,
}

fn main() {
    let _ = hookforge::cloudevents::Event::try_from(Wrapper { value: 1_u8 });
}
