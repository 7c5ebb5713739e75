//! A bad value on the enum is reported once, not once per variant.

use hookforge::cloudevents::CloudEvent;
use hookforge::serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
#[serde(crate = "hookforge::serde")]
struct Data {
    value: u8,
}

#[derive(CloudEvent)]
#[cloudevent(source = "/s", dataschema = "not a uri")]
enum Events {
    #[cloudevent(type = "com.example.a")]
    A(Data),
    #[cloudevent(type = "com.example.b")]
    B(Data),
}

fn main() {}
