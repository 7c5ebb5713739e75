//! The CloudEvents HTTP protocol binding 1.0.2, in binary and structured
//! modes, with the JSON event format 1.0.
//!
//! - [`to_structured`] puts the whole event in the body as JSON, under
//!   `Content-Type: application/cloudevents+json`.
//! - [`to_binary`] sends each attribute as a `ce-` header and the data as
//!   the body.
//! - [`from_http`] decodes either mode, chosen by the `Content-Type`, and
//!   [`from_http_batch`] decodes a JSON batch.
//!
//! Signed webhooks use structured mode, because a Standard Webhooks
//! signature covers the body but not the `ce-` headers (see
//! [`to_binary`]).
//!
//! Only CloudEvents 1.0 is encoded and decoded. The encoders and decoders
//! are written here over the cloudevents-sdk core types, without the
//! SDK's HTTP integrations.
//!
//! # Example
//!
//! ```
//! use hookforge::cloudevents::http::{from_http, to_binary, to_structured};
//! use hookforge::cloudevents::sdk::{AttributesReader, EventBuilder, EventBuilderV10};
//!
//! let event = EventBuilderV10::new()
//!     .id("evt_1")
//!     .source("/billing")
//!     .ty("invoice.paid")
//!     .extension("tenant", "acme")
//!     .build()?;
//! for (headers, body) in [to_structured(&event)?, to_binary(&event)?] {
//!     let decoded = from_http(&headers, &body)?;
//!     assert_eq!(decoded.id(), "evt_1");
//!     assert_eq!(decoded.extension("tenant"), event.extension("tenant"));
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod assemble;
mod attributes;
mod binary;
mod decode;
mod error;
mod media;
mod name;
mod percent;
mod structured;

pub use binary::{to_binary, HEADER_PREFIX};
pub use decode::{from_http, from_http_batch};
pub use error::{DecodeError, EncodeError};
pub use media::{BATCH_JSON, STRUCTURED_JSON};
pub use name::{check_extension_name, ExtensionNameError, NameAdvice, RECOMMENDED_MAX_NAME_LEN};
pub use percent::{percent_decode, percent_encode, PercentDecodeError};
pub use structured::{to_structured, to_structured_batch};
