use hookforge::cloudevents::CloudEvent;

#[derive(CloudEvent)]
#[cloudevent(source = "/s")]
enum Events {
    #[cloudevent(type = "com.example.a")]
    Pair(u8, u8),
}

fn main() {}
