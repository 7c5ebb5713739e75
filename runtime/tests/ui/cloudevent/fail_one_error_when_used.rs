//! The type stays usable after a misuse: only the misuse is reported, not
//! the conversions below.

use hookforge::cloudevents::{CloudEvent, Event};
use hookforge::serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, CloudEvent)]
#[serde(crate = "hookforge::serde")]
#[cloudevent(source = "/s")]
struct Untyped {
    #[cloudevent(id)]
    key: String,
}

fn convert(value: &Untyped) -> Result<Untyped, Box<dyn std::error::Error>> {
    let event = Event::try_from(value)?;
    let owned = Event::try_from(Untyped { key: value.key.clone() })?;
    drop(owned);
    Ok(Untyped::try_from(event)?)
}

fn main() {
    let _ = convert(&Untyped { key: "k".to_owned() });
}
