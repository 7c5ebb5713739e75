use hookforge::cloudevents::CloudEvent;
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
    #[cloudevent(type = "com.example.a")]
    B(Data),
}

fn main() {}
