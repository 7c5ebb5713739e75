use hookforge::cloudevents::CloudEvent;

#[derive(CloudEvent)]
#[cloudevent(type = "com.example.t", source = "/s")]
struct Nothing;

fn main() {}
