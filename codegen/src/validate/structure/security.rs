//! Security Scheme Object rules, one per `type`.

use super::rules::{field, Expect, Format, Kind, ObjectRule};
use crate::version::SpecVersion;

/// Returns the rule for a security scheme of type `scheme_type` in
/// `version`, or `None` when the version has no such type.
pub(super) fn rule(scheme_type: &str, version: SpecVersion) -> Option<&'static ObjectRule> {
    let v3 = version.is_v3();
    // SASL mechanisms arrived in 2.1.
    let sasl = v3 || version.minor() >= 1;
    Some(match scheme_type {
        "userPassword" | "X509" | "symmetricEncryption" | "asymmetricEncryption" => &TYPE_ONLY,
        "plain" | "scramSha256" | "scramSha512" | "gssapi" if sasl => &TYPE_ONLY,
        "apiKey" => &API_KEY,
        "httpApiKey" => &HTTP_API_KEY,
        "http" => &HTTP,
        "oauth2" if v3 => &OAUTH2_V3,
        "oauth2" => &OAUTH2_V2,
        "openIdConnect" if v3 => &OPEN_ID_CONNECT_V3,
        "openIdConnect" => &OPEN_ID_CONNECT_V2,
        _ => return None,
    })
}

/// Lists the `type` values `version` accepts, for messages.
pub(super) fn types(version: SpecVersion) -> &'static str {
    if version.is_v2() && version.minor() == 0 {
        "userPassword, apiKey, X509, symmetricEncryption, asymmetricEncryption, httpApiKey, http, oauth2, openIdConnect"
    } else {
        "userPassword, apiKey, X509, symmetricEncryption, asymmetricEncryption, httpApiKey, http, oauth2, openIdConnect, plain, scramSha256, scramSha512, gssapi"
    }
}

const TYPE: &str = "type";

static TYPE_ONLY: ObjectRule = ObjectRule {
    title: "Security Scheme Object",
    fields: &[
        field(TYPE, Expect::String),
        field("description", Expect::String),
    ],
    required: &[TYPE],
    extensible: true,
    closed: true,
};

static API_KEY: ObjectRule = ObjectRule {
    title: "Security Scheme Object",
    fields: &[
        field(TYPE, Expect::String),
        field("description", Expect::String),
        field("in", Expect::Enum(&["user", "password"])),
    ],
    required: &[TYPE, "in"],
    extensible: true,
    closed: true,
};

static HTTP_API_KEY: ObjectRule = ObjectRule {
    title: "Security Scheme Object",
    fields: &[
        field(TYPE, Expect::String),
        field("description", Expect::String),
        field("name", Expect::String),
        field("in", Expect::Enum(&["query", "header", "cookie"])),
    ],
    required: &[TYPE, "name", "in"],
    extensible: true,
    closed: true,
};

/// `bearerFormat` is only meaningful with `scheme: bearer`; the structure
/// checker reports it on other schemes.
static HTTP: ObjectRule = ObjectRule {
    title: "Security Scheme Object",
    fields: &[
        field(TYPE, Expect::String),
        field("description", Expect::String),
        field("scheme", Expect::String),
        field("bearerFormat", Expect::String),
    ],
    required: &[TYPE, "scheme"],
    extensible: true,
    closed: true,
};

static OAUTH2_V2: ObjectRule = ObjectRule {
    title: "Security Scheme Object",
    fields: &[
        field(TYPE, Expect::String),
        field("description", Expect::String),
        field("flows", Expect::Object(Kind::OAuthFlows)),
    ],
    required: &[TYPE, "flows"],
    extensible: true,
    // The official schemas leave the OAuth2 scheme open.
    closed: false,
};

static OAUTH2_V3: ObjectRule = ObjectRule {
    title: "Security Scheme Object",
    fields: &[
        field(TYPE, Expect::String),
        field("description", Expect::String),
        field("flows", Expect::Object(Kind::OAuthFlows)),
        field("scopes", Expect::ListOf(&Expect::String)),
    ],
    required: &[TYPE, "flows"],
    extensible: true,
    closed: false,
};

static OPEN_ID_CONNECT_V2: ObjectRule = ObjectRule {
    title: "Security Scheme Object",
    fields: &[
        field(TYPE, Expect::String),
        field("description", Expect::String),
        field("openIdConnectUrl", Expect::Format(Format::Uri)),
    ],
    required: &[TYPE, "openIdConnectUrl"],
    extensible: true,
    closed: true,
};

static OPEN_ID_CONNECT_V3: ObjectRule = ObjectRule {
    title: "Security Scheme Object",
    fields: &[
        field(TYPE, Expect::String),
        field("description", Expect::String),
        field("openIdConnectUrl", Expect::Format(Format::Uri)),
        field("scopes", Expect::ListOf(&Expect::String)),
    ],
    required: &[TYPE, "openIdConnectUrl"],
    extensible: true,
    closed: true,
};
