use hookforge::cloudevents::CloudEvent;

#[derive(CloudEvent)]
#[cloudevent(type = "com.example.t", source = "/s")]
struct Pair(u8, u8);

fn main() {}
