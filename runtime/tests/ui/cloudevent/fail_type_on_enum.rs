use hookforge::cloudevents::CloudEvent;
use hookforge::serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
#[serde(crate = "hookforge::serde")]
struct Data {
    value: u8,
}

#[derive(CloudEvent)]
#[cloudevent(type = "com.example.all", source = "/s")]
enum Events {
    #[cloudevent(type = "com.example.a")]
    A(Data),
    // No second error: the misplaced `type` above was meant for this one.
    B(Data),
}

fn main() {}
