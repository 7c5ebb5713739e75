use hookforge::cloudevents::CloudEvent;
use hookforge::serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
#[serde(crate = "hookforge::serde")]
struct Key {
    part: u8,
}

#[derive(Serialize, Deserialize, CloudEvent)]
#[serde(crate = "hookforge::serde")]
#[cloudevent(type = "com.example.t", source = "/s")]
struct Keyed {
    #[cloudevent(id)]
    key: Key,
}

fn main() {}
