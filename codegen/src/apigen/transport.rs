//! Which transport an operation's generated code uses.
//!
//! Each transport gets its own client and receiving code; an operation on a
//! protocol without one gets no code and a warning. A new transport adds a
//! variant here and its emitter.

use crate::model::{AsyncApi, Channel};

/// A transport the generator writes code for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// Webhooks: signed HTTP POSTs through the outbox, received by an axum
    /// router.
    Http,
    /// Signed messages on NATS subjects, published through a
    /// `::hookforge::transport::Transport` and received from a
    /// `NatsReceiver`.
    Nats,
}

/// The reason the operations of a channel get no code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum NoTransport {
    /// A server of the channel uses a protocol without a transport.
    Protocol(String),
    /// The channel's servers use both HTTP and NATS.
    Mixed,
}

/// Returns the transport of operations on `channel`.
///
/// The channel's servers are those it lists, or every server of the
/// document when it lists none. The rule:
///
/// - no server at all (as webhook documents often are), or only `http`
///   and `https` servers: HTTP;
/// - only `nats` servers: NATS;
/// - any server of another protocol: [`NoTransport::Protocol`] naming the
///   first such protocol, even when other servers are HTTP or NATS,
///   because the generated code would serve only part of the channel;
/// - HTTP and NATS servers together: [`NoTransport::Mixed`]. Listing only
///   the servers of one protocol on the channel picks that transport.
pub(super) fn transport(api: &AsyncApi, channel: &Channel) -> Result<Transport, NoTransport> {
    let names: Vec<&String> = if channel.servers.is_empty() {
        api.servers.keys().collect()
    } else {
        channel.servers.iter().collect()
    };
    let (mut http, mut nats) = (false, false);
    for name in names {
        let Some(server) = api.servers.get(name) else {
            continue;
        };
        match server.protocol.to_ascii_lowercase().as_str() {
            "http" | "https" => http = true,
            "nats" => nats = true,
            _ => return Err(NoTransport::Protocol(server.protocol.clone())),
        }
    }
    match (http, nats) {
        (true, true) => Err(NoTransport::Mixed),
        (false, true) => Ok(Transport::Nats),
        _ => Ok(Transport::Http),
    }
}
