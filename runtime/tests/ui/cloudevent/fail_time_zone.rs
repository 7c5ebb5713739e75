use hookforge::cloudevents::chrono::{DateTime, FixedOffset};
use hookforge::cloudevents::CloudEvent;
use hookforge::serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, CloudEvent)]
#[serde(crate = "hookforge::serde")]
#[cloudevent(type = "com.example.t", source = "/s")]
struct Stamped {
    #[cloudevent(time)]
    at: DateTime<FixedOffset>,
}

fn main() {}
