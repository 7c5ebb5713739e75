use hookforge::cloudevents::CloudEvent;
use hookforge::serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, CloudEvent)]
#[serde(crate = "hookforge::serde")]
#[cloudevent(type = "com.example.t", source = "/s", subject = "fixed")]
struct Subjects {
    #[cloudevent(subject)]
    topic: String,
}

fn main() {}
