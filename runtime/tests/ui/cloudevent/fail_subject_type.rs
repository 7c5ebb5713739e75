use hookforge::cloudevents::{CloudEvent, Event};
use hookforge::serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, CloudEvent)]
#[serde(crate = "hookforge::serde")]
#[cloudevent(type = "com.example.t", source = "/s")]
struct Numbered {
    #[cloudevent(subject)]
    topic: u32,
}

fn main() {
    let event = Event::try_from(Numbered { topic: 1 }).ok();
    let _ = event.map(Numbered::try_from);
}
