use hookforge::cloudevents::CloudEvent;
use hookforge::serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, CloudEvent)]
#[serde(crate = "hookforge::serde")]
#[cloudevent(type = "com.example.a", source = "/s")]
#[cloudevent(type = "com.example.b")]
struct Twice {
    value: u8,
}

fn main() {}
