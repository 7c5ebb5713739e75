//! Configuration from the environment.

use std::env;
use std::fmt;
use std::net::SocketAddr;

use hookforge::signing::{Verifier, VerifyingKey};

/// The variable that holds the Standard Webhooks secret.
pub const SECRET_ENV: &str = "HOOKFORGE_WEBHOOK_SECRET";

/// The variable that holds the provider's listening address.
pub const PROVIDER_ADDR_ENV: &str = "HOOKFORGE_PROVIDER_LISTEN_ADDR";

/// The variable that holds the consumer's listening address.
pub const CONSUMER_ADDR_ENV: &str = "HOOKFORGE_CONSUMER_LISTEN_ADDR";

/// The settings of a run.
pub struct Config {
    /// Checks the signatures of received webhooks.
    pub verifier: Verifier,
    /// Where the provider's receiver listens.
    pub provider_addr: SocketAddr,
    /// Where the consumer's receiver listens.
    pub consumer_addr: SocketAddr,
}

impl Config {
    /// Reads the configuration. `HOOKFORGE_WEBHOOK_SECRET` is required: one
    /// secret (`whsec_...`, or `whpk_...` for Ed25519), or several
    /// separated by spaces while a secret is being rotated.
    pub fn from_env() -> Result<Config, ConfigError> {
        let secrets = env::var(SECRET_ENV).map_err(|_| ConfigError::MissingSecret)?;
        let mut keys = Vec::new();
        for secret in secrets.split_whitespace() {
            let key: VerifyingKey = secret
                .parse()
                .map_err(|error| ConfigError::InvalidSecret(format!("{error}")))?;
            keys.push(key);
        }
        if keys.is_empty() {
            return Err(ConfigError::MissingSecret);
        }
        Ok(Config {
            verifier: Verifier::new(keys),
            provider_addr: address(PROVIDER_ADDR_ENV, "127.0.0.1:3000")?,
            consumer_addr: address(CONSUMER_ADDR_ENV, "127.0.0.1:3001")?,
        })
    }
}

/// Reads a socket address from `name`, or returns `default`.
fn address(name: &'static str, default: &str) -> Result<SocketAddr, ConfigError> {
    let text = env::var(name).unwrap_or_else(|_| default.to_owned());
    text.parse()
        .map_err(|_| ConfigError::InvalidAddress { name, value: text })
}

/// A setting that is missing or invalid.
#[derive(Debug)]
pub enum ConfigError {
    /// The secret variable is unset or empty.
    MissingSecret,
    /// A secret is not a Standard Webhooks key.
    InvalidSecret(String),
    /// An address variable is not `IP:PORT`.
    InvalidAddress {
        /// The variable.
        name: &'static str,
        /// Its value.
        value: String,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::MissingSecret => write!(
                f,
                "{SECRET_ENV} is not set; export the Standard Webhooks secret that senders sign with \
                 (for a local test, the one in .env.example)"
            ),
            ConfigError::InvalidSecret(error) => write!(
                f,
                "{SECRET_ENV} is not a Standard Webhooks secret ({error}); expected whsec_ followed by base64"
            ),
            ConfigError::InvalidAddress { name, value } => write!(
                f,
                "{name}={value:?} is not a socket address; expected IP:PORT such as 127.0.0.1:8080"
            ),
        }
    }
}

impl std::error::Error for ConfigError {}
