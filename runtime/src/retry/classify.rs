//! Outcomes of delivery attempts, and the decision whether to retry them.

use http::StatusCode;

/// Result of one delivery attempt, as the sender observed it.
///
/// # Example
///
/// ```
/// use hookforge::retry::{classify, AttemptOutcome, Verdict};
/// use http::StatusCode;
///
/// assert_eq!(classify(&AttemptOutcome::Response(StatusCode::NO_CONTENT)), Verdict::Delivered);
/// assert_eq!(classify(&AttemptOutcome::Response(StatusCode::SERVICE_UNAVAILABLE)), Verdict::Retry);
/// assert_eq!(classify(&AttemptOutcome::Response(StatusCode::GONE)), Verdict::GiveUp);
/// assert_eq!(classify(&AttemptOutcome::TimedOut), Verdict::Retry);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AttemptOutcome {
    /// The endpoint sent a response with this status.
    Response(StatusCode),
    /// No response arrived because the connection could not be opened or
    /// broke before the response: DNS failure, refused connection, TLS
    /// handshake failure, reset.
    ConnectionFailed,
    /// The attempt ran past its time limit before a complete response.
    TimedOut,
    /// The request cannot succeed as it is, however often it is sent: an
    /// invalid URL, a payload over the sender's size limit, a header value
    /// that cannot be encoded.
    InvalidRequest,
}

/// The decision [`classify`] makes about one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// The endpoint accepted the webhook (a 2xx response).
    Delivered,
    /// The failure may be temporary, so another attempt may succeed.
    Retry,
    /// The failure is permanent: sending again would fail the same way.
    GiveUp,
}

/// Classifies an attempt as delivered, worth retrying, or permanently failed.
///
/// | outcome | verdict |
/// |---------|---------|
/// | 2xx | [`Verdict::Delivered`] |
/// | 408 Request Timeout, 429 Too Many Requests, any 5xx | [`Verdict::Retry`] |
/// | connection failure, timeout | [`Verdict::Retry`] |
/// | 1xx, 3xx, other 4xx, status 600 and above | [`Verdict::GiveUp`] |
/// | invalid request | [`Verdict::GiveUp`] |
///
/// Redirects (3xx) are not followed and count as permanent failures. The
/// signed payload was addressed to the URL the subscriber registered, and
/// sending it to wherever a `Location` header points would let that
/// endpoint forward events to hosts that no subscriber registered. A moved
/// endpoint has to be updated by its owner. A final 1xx status means the
/// endpoint broke the HTTP exchange, which a retry would not fix.
pub fn classify(outcome: &AttemptOutcome) -> Verdict {
    match outcome {
        AttemptOutcome::Response(status) => classify_status(*status),
        AttemptOutcome::ConnectionFailed | AttemptOutcome::TimedOut => Verdict::Retry,
        AttemptOutcome::InvalidRequest => Verdict::GiveUp,
    }
}

fn classify_status(status: StatusCode) -> Verdict {
    if status.is_success() {
        Verdict::Delivered
    } else if status == StatusCode::REQUEST_TIMEOUT
        || status == StatusCode::TOO_MANY_REQUESTS
        || status.is_server_error()
    {
        Verdict::Retry
    } else {
        Verdict::GiveUp
    }
}
