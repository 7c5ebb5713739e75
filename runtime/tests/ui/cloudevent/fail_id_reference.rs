use hookforge::cloudevents::CloudEvent;

#[derive(CloudEvent)]
#[cloudevent(type = "com.example.t", source = "/s")]
struct Borrowed {
    #[cloudevent(id)]
    key: &'static str,
}

fn main() {}
