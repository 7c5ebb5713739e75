use hookforge::cloudevents::CloudEvent;
use hookforge::serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Serialize, Deserialize, CloudEvent)]
#[serde(crate = "hookforge::serde")]
#[cloudevent(type = "com.example.t", source = "/s")]
struct Labelled {
    #[cloudevent(extension)]
    labels: BTreeMap<String, String>,
}

fn main() {}
