//! Security schemes and the security requirements of servers and
//! operations.

use indexmap::IndexMap;

use super::reader::{Located, Reader};
use super::Extensions;

/// An authentication method of a server or operation (the Security Scheme
/// Object).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SecurityScheme {
    /// The `type` field, such as `userPassword`, `httpApiKey`, `oauth2` or
    /// `X509`, as written.
    pub scheme_type: String,
    /// Description of the scheme.
    pub description: Option<String>,
    /// Name of the header, query or cookie parameter (`httpApiKey`).
    pub name: Option<String>,
    /// The `in` field: `user`, `password`, `query`, `header` or `cookie`.
    pub location: Option<String>,
    /// HTTP authorization scheme (`http`), such as `bearer`.
    pub scheme: Option<String>,
    /// Format of a bearer token (`http` with `bearer`).
    pub bearer_format: Option<String>,
    /// OAuth 2 flows (`oauth2`).
    pub flows: Option<OAuthFlows>,
    /// OpenID Connect discovery URL (`openIdConnect`).
    pub open_id_connect_url: Option<String>,
    /// Scopes the API needs (3.x `scopes`, for `oauth2` and
    /// `openIdConnect`).
    pub scopes: Vec<String>,
    /// `x-` extensions.
    pub extensions: Extensions,
}

/// The OAuth 2 flows of a scheme (the OAuth Flows Object).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OAuthFlows {
    /// The implicit flow.
    pub implicit: Option<OAuthFlow>,
    /// The resource owner password flow.
    pub password: Option<OAuthFlow>,
    /// The client credentials flow.
    pub client_credentials: Option<OAuthFlow>,
    /// The authorization code flow.
    pub authorization_code: Option<OAuthFlow>,
    /// `x-` extensions.
    pub extensions: Extensions,
}

/// One OAuth 2 flow (the OAuth Flow Object).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OAuthFlow {
    /// Authorization URL.
    pub authorization_url: Option<String>,
    /// Token URL.
    pub token_url: Option<String>,
    /// Refresh URL.
    pub refresh_url: Option<String>,
    /// Scope name to description: 3.x `availableScopes`, 2.x `scopes`.
    pub available_scopes: IndexMap<String, String>,
    /// `x-` extensions.
    pub extensions: Extensions,
}

/// One alternative way to satisfy security: every scheme listed in it
/// applies together.
///
/// A 2.x Security Requirement Object may name several schemes; a 3.x
/// `security` entry is one scheme.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SecurityRequirement {
    /// The schemes that apply together.
    pub schemes: Vec<RequiredScheme>,
}

/// A scheme required by a [`SecurityRequirement`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RequiredScheme {
    /// Key of the scheme under `components.securitySchemes`, when it is
    /// defined there (always in 2.x, for a `$ref` to it in 3.x).
    pub name: Option<String>,
    /// The scheme; `None` when `name` is not defined (the validator reports
    /// that).
    pub scheme: Option<SecurityScheme>,
    /// Scopes required (2.x: the requirement's list; 3.x: the scheme's
    /// `scopes`).
    pub scopes: Vec<String>,
}

impl Reader<'_> {
    /// Reads a Security Scheme Object.
    pub(crate) fn security_scheme(&self, scheme: &Located<'_>) -> SecurityScheme {
        SecurityScheme {
            scheme_type: scheme.string("type").unwrap_or_default(),
            description: scheme.string("description"),
            name: scheme.string("name"),
            location: scheme.string("in"),
            scheme: scheme.string("scheme"),
            bearer_format: scheme.string("bearerFormat"),
            flows: self
                .object_field(scheme, "flows")
                .map(|flows| self.oauth_flows(&flows)),
            open_id_connect_url: scheme.string("openIdConnectUrl"),
            scopes: scheme.strings("scopes"),
            extensions: scheme.extensions(),
        }
    }

    fn oauth_flows(&self, flows: &Located<'_>) -> OAuthFlows {
        let flow = |key: &str| {
            let flow = self.object_field(flows, key)?;
            let scopes_key = if self.version.is_v2() {
                "scopes"
            } else {
                "availableScopes"
            };
            let available_scopes = flow
                .field(scopes_key)
                .map(|scopes| {
                    scopes
                        .entries()
                        .into_iter()
                        .map(|(name, text)| {
                            let text = text.node.as_str().unwrap_or_default().to_owned();
                            (name, text)
                        })
                        .collect()
                })
                .unwrap_or_default();
            Some(OAuthFlow {
                authorization_url: flow.string("authorizationUrl"),
                token_url: flow.string("tokenUrl"),
                refresh_url: flow.string("refreshUrl"),
                available_scopes,
                extensions: flow.extensions(),
            })
        };
        OAuthFlows {
            implicit: flow("implicit"),
            password: flow("password"),
            client_credentials: flow("clientCredentials"),
            authorization_code: flow("authorizationCode"),
            extensions: flows.extensions(),
        }
    }

    /// Reads the `security` list of a server or operation.
    pub(crate) fn security(&self, parent: &Located<'_>) -> Vec<SecurityRequirement> {
        let Some(list) = parent.field("security") else {
            return Vec::new();
        };
        if self.version.is_v2() {
            list.items()
                .iter()
                .filter_map(|item| self.requirement_v2(item))
                .collect()
        } else {
            list.items()
                .into_iter()
                .filter_map(|item| self.requirement_v3(item))
                .collect()
        }
    }

    /// Reads a 2.x Security Requirement Object: scheme names mapped to
    /// scopes.
    fn requirement_v2(&self, item: &Located<'_>) -> Option<SecurityRequirement> {
        item.node.as_mapping()?;
        let schemes = item
            .entries()
            .into_iter()
            .map(|(name, scopes)| {
                let scheme = self
                    .component(&["securitySchemes", &name])
                    .map(|scheme| self.security_scheme(&scheme));
                RequiredScheme {
                    scopes: scopes
                        .items()
                        .iter()
                        .filter_map(|s| s.node.as_str().map(str::to_owned))
                        .collect(),
                    name: Some(name),
                    scheme,
                }
            })
            .collect();
        Some(SecurityRequirement { schemes })
    }

    /// Reads a 3.x `security` entry: a Security Scheme Object or a
    /// reference to one.
    fn requirement_v3(&self, item: Located<'_>) -> Option<SecurityRequirement> {
        let name = self
            .resolve_once(&item)
            .and_then(|target| match target.pointer.tokens() {
                [components, schemes, name]
                    if target.file == self.document.root_file()
                        && components == "components"
                        && schemes == "securitySchemes" =>
                {
                    Some(name.clone())
                }
                _ => None,
            });
        let scheme = self.object(item)?;
        let scheme = self.security_scheme(&scheme);
        Some(SecurityRequirement {
            schemes: vec![RequiredScheme {
                name,
                scopes: scheme.scopes.clone(),
                scheme: Some(scheme),
            }],
        })
    }
}
