//! Which transport an operation's generated code uses.
//!
//! Each transport gets its own client and router code; an operation on a
//! protocol without one gets no code and a warning. A new transport adds a
//! variant here and its emitter.

use crate::model::{AsyncApi, Channel};

/// A transport the generator writes code for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Transport {
    /// Webhooks: signed HTTP POSTs through the outbox, received by an axum
    /// router.
    Http,
}

/// Returns the transport of operations on `channel`, or the first protocol
/// among the channel's servers that no transport supports.
///
/// The channel's servers are those it lists, or every server of the
/// document when it lists none. A channel without any server (as webhook
/// documents often are) is HTTP.
pub(super) fn transport(api: &AsyncApi, channel: &Channel) -> Result<Transport, String> {
    let names: Vec<&String> = if channel.servers.is_empty() {
        api.servers.keys().collect()
    } else {
        channel.servers.iter().collect()
    };
    for name in names {
        let Some(server) = api.servers.get(name) else {
            continue;
        };
        let protocol = server.protocol.to_ascii_lowercase();
        if !matches!(protocol.as_str(), "http" | "https") {
            return Err(server.protocol.clone());
        }
    }
    Ok(Transport::Http)
}
