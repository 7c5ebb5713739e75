use hookforge::cloudevents::CloudEvent;
use hookforge::serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, CloudEvent)]
#[serde(crate = "hookforge::serde")]
#[cloudevent(source = "/s")]
struct Untyped {
    value: u8,
}

fn main() {}
