use hookforge::cloudevents::CloudEvent;

#[derive(CloudEvent)]
#[cloudevent(source = "/s")]
enum Events {
    #[cloudevent(type = "com.example.a")]
    Empty,
}

fn main() {}
