use hookforge::cloudevents::CloudEvent;
use hookforge::serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
#[serde(crate = "hookforge::serde")]
struct Data {
    value: u8,
}

#[derive(CloudEvent)]
enum Events {
    #[cloudevent(type = "com.example.a", source = "/a")]
    A(Data),
    #[cloudevent(type = "com.example.b")]
    B(Data),
}

fn main() {}
