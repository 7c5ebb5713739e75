use hookforge::cloudevents::CloudEvent;
use hookforge::serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, CloudEvent)]
#[serde(crate = "hookforge::serde")]
#[cloudevent(type = "com.example.t", source = "/s")]
struct Valued {
    #[cloudevent(id = "order")]
    key: String,
}

fn main() {}
