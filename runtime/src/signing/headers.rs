//! The three Standard Webhooks headers.

use http::HeaderMap;

use super::VerifyError;

/// Name of the header with the message id, identical on every retry.
pub const HEADER_ID: &str = "webhook-id";
/// Name of the header with the attempt time in integer Unix seconds.
pub const HEADER_TIMESTAMP: &str = "webhook-timestamp";
/// Name of the header with the space-separated `version,base64` entries.
pub const HEADER_SIGNATURE: &str = "webhook-signature";

/// The header values that verification reads, borrowed from a request.
///
/// ```
/// use hookforge::signing::{WebhookHeaders, HEADER_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP};
///
/// let mut map = http::HeaderMap::new();
/// map.insert(HEADER_ID, "msg_1".parse()?);
/// map.insert(HEADER_TIMESTAMP, "1700000000".parse()?);
/// map.insert(HEADER_SIGNATURE, "v1,AAAA".parse()?);
/// let headers = WebhookHeaders::from_header_map(&map)?;
/// assert_eq!(headers.id, "msg_1");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebhookHeaders<'a> {
    /// The `webhook-id` value.
    pub id: &'a str,
    /// The `webhook-timestamp` value, unparsed, because the signature
    /// covers its exact text.
    pub timestamp: &'a str,
    /// The `webhook-signature` value.
    pub signature: &'a str,
}

impl<'a> WebhookHeaders<'a> {
    /// Reads the three headers from `headers`. When a header occurs more
    /// than once, the first value is used.
    ///
    /// # Errors
    ///
    /// [`VerifyError::MissingHeader`] when a header is absent or empty, and
    /// [`VerifyError::InvalidHeader`] when its value is not visible ASCII.
    pub fn from_header_map(headers: &'a HeaderMap) -> Result<Self, VerifyError> {
        Ok(WebhookHeaders {
            id: read(headers, HEADER_ID)?,
            timestamp: read(headers, HEADER_TIMESTAMP)?,
            signature: read(headers, HEADER_SIGNATURE)?,
        })
    }

    /// Checks that no value is empty, because an empty value means the
    /// sender left the header out.
    pub(crate) fn check_present(&self) -> Result<(), VerifyError> {
        for (name, value) in [
            (HEADER_ID, self.id),
            (HEADER_TIMESTAMP, self.timestamp),
            (HEADER_SIGNATURE, self.signature.trim_matches(' ')),
        ] {
            if value.is_empty() {
                return Err(VerifyError::MissingHeader { name });
            }
        }
        Ok(())
    }
}

fn read<'a>(headers: &'a HeaderMap, name: &'static str) -> Result<&'a str, VerifyError> {
    let value = headers
        .get(name)
        .ok_or(VerifyError::MissingHeader { name })?;
    let text = value
        .to_str()
        .map_err(|_| VerifyError::InvalidHeader { name })?;
    if text.is_empty() {
        return Err(VerifyError::MissingHeader { name });
    }
    Ok(text)
}
