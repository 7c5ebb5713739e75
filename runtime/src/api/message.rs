//! A message with typed headers.

/// A message whose schema declares headers: the payload, sent as the body,
/// and the headers, sent as HTTP headers.
///
/// Generated code uses it for every message with a headers schema; a
/// message without one is its payload type alone.
///
/// ```
/// use hookforge::api::Message;
///
/// #[derive(Debug, PartialEq)]
/// struct Headers { request_id: String }
///
/// let message = Message::new("body", Headers { request_id: "r1".into() });
/// assert_eq!(message.headers.request_id, "r1");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Message<P, H> {
    /// The body.
    pub payload: P,
    /// The application headers.
    pub headers: H,
}

impl<P, H> Message<P, H> {
    /// Creates a message from its payload and headers.
    pub fn new(payload: P, headers: H) -> Self {
        Self { payload, headers }
    }
}
