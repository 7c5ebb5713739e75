use hookforge::cloudevents::CloudEvent;
use hookforge::serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, CloudEvent)]
#[serde(crate = "hookforge::serde")]
#[cloudevent(type = "com.example.t", source = "/s")]
struct Twice {
    #[cloudevent(extension = "tenant")]
    tenant: String,
    #[cloudevent(extension = "tenant")]
    tenant_again: String,
}

fn main() {}
