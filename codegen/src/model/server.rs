//! Servers and their variables.

use indexmap::IndexMap;

use super::bindings::ServerBindings;
use super::reader::{scalar_text, Located, Reader};
use super::{Extensions, ExternalDocs, Location, SecurityRequirement, Tag};

/// A message broker or endpoint (the Server Object), in the 3.0 shape.
#[derive(Clone, Debug, PartialEq)]
pub struct Server {
    /// Host name, optionally with port and `{variables}`, such as
    /// `broker.example.com:1883`. A 2.x `url` is split into `host` and
    /// `pathname` the way the 3.0 `host` field is defined.
    pub host: String,
    /// Protocol, such as `mqtt`, `kafka` or `ws`. For a 2.x server without
    /// `protocol`, the scheme of its `url`.
    pub protocol: String,
    /// Version of the protocol.
    pub protocol_version: Option<String>,
    /// Path to the resource on the host, such as `/production`.
    pub pathname: Option<String>,
    /// Short title.
    pub title: Option<String>,
    /// Short summary.
    pub summary: Option<String>,
    /// Description, CommonMark allowed.
    pub description: Option<String>,
    /// Variables used in `host` and `pathname`, by name.
    pub variables: IndexMap<String, ServerVariable>,
    /// Alternative security requirements; any one of them suffices.
    pub security: Vec<SecurityRequirement>,
    /// Tags of the server.
    pub tags: Vec<Tag>,
    /// Further documentation.
    pub external_docs: Option<ExternalDocs>,
    /// Protocol-specific settings.
    pub bindings: ServerBindings,
    /// `x-` extensions.
    pub extensions: Extensions,
    /// Location of the server object.
    pub location: Location,
}

/// A variable in a server's host or path (the Server Variable Object).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ServerVariable {
    /// Allowed values; empty when any value is allowed.
    pub allowed_values: Vec<String>,
    /// Value used when none is given.
    pub default: Option<String>,
    /// Description of the variable.
    pub description: Option<String>,
    /// Example values.
    pub examples: Vec<String>,
    /// `x-` extensions.
    pub extensions: Extensions,
}

impl Reader<'_> {
    /// Reads the servers of `root`; entries that are not objects are
    /// skipped.
    pub(crate) fn servers(&self, root: &Located<'_>) -> IndexMap<String, Server> {
        let Some(servers) = root.field("servers") else {
            return IndexMap::new();
        };
        servers
            .entries()
            .into_iter()
            .filter_map(|(name, server)| Some((name, self.server(self.object(server)?))))
            .collect()
    }

    fn server(&self, server: Located<'_>) -> Server {
        let mut protocol = server.string("protocol");
        let (host, pathname) = if self.version.is_v2() {
            let url = server.string("url").unwrap_or_default();
            let (scheme, host, pathname) = split_url(&url);
            if protocol.is_none() {
                protocol = scheme;
            }
            (host, pathname)
        } else {
            (
                server.string("host").unwrap_or_default(),
                server.string("pathname"),
            )
        };
        Server {
            host,
            protocol: protocol.unwrap_or_default(),
            protocol_version: server.string("protocolVersion"),
            pathname,
            title: server.string("title"),
            summary: server.string("summary"),
            description: server.string("description"),
            variables: self.server_variables(&server),
            security: self.security(&server),
            tags: self.tags(&server, "tags"),
            external_docs: self.external_docs(&server, "externalDocs"),
            bindings: self.server_bindings(&server),
            extensions: server.extensions(),
            location: server.location(),
        }
    }

    fn server_variables(&self, server: &Located<'_>) -> IndexMap<String, ServerVariable> {
        let Some(variables) = server.field("variables") else {
            return IndexMap::new();
        };
        variables
            .entries()
            .into_iter()
            .filter_map(|(name, variable)| {
                let variable = self.object(variable)?;
                Some((name, server_variable(&variable)))
            })
            .collect()
    }
}

/// Reads a Server Variable Object.
pub(crate) fn server_variable(variable: &Located<'_>) -> ServerVariable {
    ServerVariable {
        allowed_values: scalar_list(variable, "enum"),
        default: variable.node.get("default").and_then(scalar_text),
        description: variable.string("description"),
        examples: scalar_list(variable, "examples"),
        extensions: variable.extensions(),
    }
}

/// Reads the scalars under `key` as text. Other items are skipped.
pub(crate) fn scalar_list(parent: &Located<'_>, key: &str) -> Vec<String> {
    parent
        .field(key)
        .map(|list| {
            list.items()
                .iter()
                .filter_map(|item| scalar_text(item.node))
                .collect()
        })
        .unwrap_or_default()
}

/// Splits a 2.x server `url` into its scheme, host and pathname: the
/// scheme is what precedes `://`, the host runs to the next `/`, and the
/// pathname is the rest from that `/` on.
fn split_url(url: &str) -> (Option<String>, String, Option<String>) {
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (Some(scheme.to_owned()), rest),
        None => (None, url),
    };
    match rest.find('/') {
        Some(slash) => {
            let (host, path) = rest.split_at(slash);
            (scheme, host.to_owned(), Some(path.to_owned()))
        }
        None => (scheme, rest.to_owned(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::split_url;

    #[test]
    fn split_url_separates_scheme_host_and_path() {
        let cases = [
            (
                "mqtt://broker.example.com:1883",
                Some("mqtt"),
                "broker.example.com:1883",
                None,
            ),
            (
                "ws://api.example.com/v1/events",
                Some("ws"),
                "api.example.com",
                Some("/v1/events"),
            ),
            ("{host}:{port}", None, "{host}:{port}", None),
            ("localhost/path", None, "localhost", Some("/path")),
            ("", None, "", None),
        ];
        for (url, scheme, host, path) in cases {
            let (got_scheme, got_host, got_path) = split_url(url);
            assert_eq!(got_scheme.as_deref(), scheme, "scheme of {url}");
            assert_eq!(got_host, host, "host of {url}");
            assert_eq!(got_path.as_deref(), path, "pathname of {url}");
        }
    }
}
