use hookforge::cloudevents::CloudEvent;

#[derive(CloudEvent)]
#[cloudevent(type = "com.example.t", source = "/s")]
union Bits {
    small: u8,
    large: u32,
}

fn main() {}
