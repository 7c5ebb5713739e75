use hookforge::cloudevents::CloudEvent;
use hookforge::serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, CloudEvent)]
#[serde(crate = "hookforge::serde")]
#[cloudevent(type = "com.example.t", source = "/s")]
struct TwoIds {
    #[cloudevent(id)]
    first: String,
    #[cloudevent(id)]
    second: String,
}

fn main() {}
