//! Errors from verifying a webhook.

/// The reason a webhook failed verification.
///
/// Messages name the failed check and the header involved. They never
/// contain an expected signature or key material, so they are safe to log
/// and to return to the sender.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// A required header is absent or empty.
    #[error("the {name} header is missing or empty")]
    MissingHeader {
        /// The header name, such as `webhook-id`.
        name: &'static str,
    },
    /// A header value is not visible ASCII, so it cannot be read as text.
    #[error("the {name} header contains bytes that are not visible ASCII")]
    InvalidHeader {
        /// The header name.
        name: &'static str,
    },
    /// `webhook-timestamp` is not an integer within `i64`.
    #[error("webhook-timestamp {value:?} is not an integer number of Unix seconds")]
    MalformedTimestamp {
        /// The header value, cut to 40 characters.
        value: String,
    },
    /// `webhook-timestamp` has 13 digits, the length of a Unix time in
    /// milliseconds.
    #[error(
        "webhook-timestamp {value:?} looks like Unix milliseconds: the header must be \
         Unix seconds"
    )]
    TimestampInMilliseconds {
        /// The header value.
        value: String,
    },
    /// `webhook-timestamp` is further in the past than the tolerance.
    #[error(
        "webhook-timestamp {timestamp} is {seconds} s old, more than the tolerance of \
         {tolerance_seconds} s"
    )]
    TimestampTooOld {
        /// The parsed timestamp, in Unix seconds.
        timestamp: i64,
        /// How far before now it lies, in seconds.
        seconds: u128,
        /// The tolerance, in seconds.
        tolerance_seconds: u64,
    },
    /// `webhook-timestamp` is further in the future than the tolerance.
    #[error(
        "webhook-timestamp {timestamp} is {seconds} s in the future, more than the \
         tolerance of {tolerance_seconds} s (check the sender's clock)"
    )]
    TimestampTooNew {
        /// The parsed timestamp, in Unix seconds.
        timestamp: i64,
        /// How far after now it lies, in seconds.
        seconds: u128,
        /// The tolerance, in seconds.
        tolerance_seconds: u64,
    },
    /// `webhook-signature` has entries of versions this verifier checks,
    /// but none of them matches the content under any key.
    #[error(
        "no signature in webhook-signature matches the body under any configured key \
         (signature entries checked: {checked})"
    )]
    NoMatchingSignature {
        /// How many entries of a checked version were tried.
        checked: usize,
    },
    /// `webhook-signature` has no entry of a version that this verifier
    /// has keys for (`v1` needs an HMAC secret, `v1a` an Ed25519 public
    /// key).
    #[error(
        "webhook-signature has no entry of a version this verifier checks ({expected}); \
         versions found: {found}"
    )]
    NoSupportedSignature {
        /// The versions the configured keys check, such as `v1`.
        expected: String,
        /// The versions found in the header, or `none`.
        found: String,
    },
    /// `webhook-signature` has more entries of checked versions than the
    /// verifier tries, which bounds the work one request can cause.
    #[error(
        "webhook-signature has {count} entries of checked versions, more than the \
         maximum of {max}"
    )]
    TooManySignatures {
        /// The number of entries of checked versions.
        count: usize,
        /// The maximum tried.
        max: usize,
    },
}
