use hookforge::cloudevents::CloudEvent;

#[derive(CloudEvent)]
#[cloudevent(source = "/s")]
enum Events {
    #[cloudevent(type = "com.example.a")]
    Named(#[cloudevent(id)] String),
}

fn main() {}
