//! Settings of a [`WebhookSender`](super::WebhookSender).

use std::time::Duration;

use crate::breaker::{BreakerConfig, OpenPolicy};
use crate::retry::RetryPolicy;

/// Settings of a sender: HTTP limits, worker concurrency and the delivery
/// policies.
///
/// # HTTPS and mutual TLS
///
/// With the `tls` feature the sender speaks HTTPS through rustls with the
/// ring provider. reqwest 0.13 verifies server certificates with
/// rustls-platform-verifier: on Linux and the BSDs it trusts the roots that
/// rustls-native-certs loads (`SSL_CERT_FILE` or `SSL_CERT_DIR` when set,
/// otherwise the system bundle such as `/etc/ssl/certs`), and on macOS and
/// Windows it calls the operating system's verifier.
/// `extra_root_certificates` adds private certificate authorities to those
/// roots, and `client_identity` presents a client certificate to endpoints
/// that require mutual TLS. Both types come from reqwest 0.13, re-exported
/// as `hookforge::client::reqwest`.
///
/// ```no_run
/// # #[cfg(feature = "tls")]
/// # fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use hookforge::client::SenderConfig;
///
/// // The private CA that signed the endpoint's server certificate.
/// let ca = reqwest::Certificate::from_pem(&std::fs::read("ca.pem")?)?;
/// // `Identity::from_pem` takes one buffer with the certificate chain and
/// // the private key (PKCS#8, PKCS#1 or SEC1), so concatenate the files.
/// let mut identity = std::fs::read("client.crt")?;
/// identity.extend(std::fs::read("client.key")?);
///
/// let config = SenderConfig {
///     extra_root_certificates: vec![ca],
///     client_identity: Some(reqwest::Identity::from_pem(&identity)?),
///     ..SenderConfig::default()
/// };
/// # let _ = config;
/// # Ok(())
/// # }
/// ```
///
/// A failed handshake, such as an untrusted server certificate or an
/// endpoint that rejects the client certificate, counts as a connection
/// failure: the attempt is retried, and the TLS error is kept as the
/// delivery's last error.
#[derive(Debug, Clone)]
pub struct SenderConfig {
    /// Time limit of one attempt, from connecting to the end of the
    /// response headers. Default 30 s.
    pub request_timeout: Duration,
    /// Time limit for opening a connection. Default 10 s.
    pub connect_timeout: Duration,
    /// How long an idle pooled connection is kept. Default 90 s.
    pub pool_idle_timeout: Duration,
    /// Idle connections kept per host. Default 32.
    pub pool_max_idle_per_host: usize,
    /// The largest body [`send`](super::WebhookSender::send) accepts, in
    /// bytes. Default 1 MiB.
    pub max_payload_bytes: usize,
    /// Attempts in flight at once. Default 64.
    pub concurrency: usize,
    /// How long a claimed delivery is reserved for this worker. A worker
    /// that dies mid-attempt delays its deliveries by at most this much.
    /// Must exceed `request_timeout`. Default 2 min.
    pub lease: Duration,
    /// How often an idle worker looks for due deliveries that no local
    /// [`send`](super::WebhookSender::send) announced, such as retries
    /// coming due or rows enqueued by another process. Default 1 s.
    pub poll_interval: Duration,
    /// The `User-Agent` header of every attempt.
    pub user_agent: String,
    /// Backoff, attempt limit and deadline.
    pub retry: RetryPolicy,
    /// When an endpoint's circuit opens and closes again.
    pub breaker: BreakerConfig,
    /// The handling of a delivery whose endpoint's circuit is open.
    pub open_policy: OpenPolicy,
    /// A client certificate and key for endpoints that require mutual TLS,
    /// from [`reqwest::Identity::from_pem`]. Default none.
    #[cfg(feature = "tls")]
    pub client_identity: Option<reqwest::Identity>,
    /// Certificate authorities trusted in addition to the system's roots,
    /// from [`reqwest::Certificate::from_pem`] or
    /// [`reqwest::Certificate::from_der`]. Default empty.
    ///
    /// NOTE: on Linux, building the client fails when this list is empty
    /// and no system root could be loaded (for example a container image
    /// without a CA bundle), with "No CA certificates were loaded from the
    /// system". On Android, reqwest 0.13 rejects extra roots.
    #[cfg(feature = "tls")]
    pub extra_root_certificates: Vec<reqwest::Certificate>,
}

impl Default for SenderConfig {
    fn default() -> Self {
        Self {
            request_timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            pool_idle_timeout: Duration::from_secs(90),
            pool_max_idle_per_host: 32,
            max_payload_bytes: 1024 * 1024,
            concurrency: 64,
            lease: Duration::from_secs(120),
            poll_interval: Duration::from_secs(1),
            user_agent: concat!("hookforge/", env!("CARGO_PKG_VERSION")).to_owned(),
            retry: RetryPolicy::default(),
            breaker: BreakerConfig::default(),
            open_policy: OpenPolicy::Wait,
            #[cfg(feature = "tls")]
            client_identity: None,
            #[cfg(feature = "tls")]
            extra_root_certificates: Vec::new(),
        }
    }
}

/// A sender setting that cannot work.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The lease would expire while an attempt can still be running, so a
    /// second worker could send the same delivery concurrently.
    #[error(
        "lease {lease:?} must be longer than request_timeout {request_timeout:?}; raise the lease"
    )]
    LeaseTooShort {
        /// The configured lease.
        lease: Duration,
        /// The configured request timeout.
        request_timeout: Duration,
    },
    /// A zero concurrency would never attempt anything.
    #[error("concurrency must be at least 1")]
    ZeroConcurrency,
    /// reqwest rejected the client settings.
    #[error("cannot build the HTTP client: {0}")]
    Http(#[from] reqwest::Error),
}

impl SenderConfig {
    /// Checks that the settings can work together.
    pub fn check(&self) -> Result<(), ConfigError> {
        if self.lease <= self.request_timeout {
            return Err(ConfigError::LeaseTooShort {
                lease: self.lease,
                request_timeout: self.request_timeout,
            });
        }
        if self.concurrency == 0 {
            return Err(ConfigError::ZeroConcurrency);
        }
        Ok(())
    }

    /// Builds the pooled reqwest client these settings describe. Redirects
    /// are not followed (see [`crate::retry::classify`]).
    pub fn http_client(&self) -> Result<reqwest::Client, ConfigError> {
        let builder = reqwest::Client::builder()
            .timeout(self.request_timeout)
            .connect_timeout(self.connect_timeout)
            .pool_idle_timeout(self.pool_idle_timeout)
            .pool_max_idle_per_host(self.pool_max_idle_per_host)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(self.user_agent.clone());
        install_crypto_provider();
        #[cfg(feature = "tls")]
        let builder = {
            // Merging keeps the platform verifier and its system roots,
            // whereas `tls_certs_only` would drop them.
            let builder = builder.tls_certs_merge(self.extra_root_certificates.iter().cloned());
            match &self.client_identity {
                Some(identity) => builder.identity(identity.clone()),
                None => builder,
            }
        };
        Ok(builder.build()?)
    }
}

/// Installs ring as the process's rustls crypto provider, unless one is
/// installed already. Does nothing without the `tls` feature.
///
/// With `tls`, reqwest is built without a default provider (the default
/// would pull aws-lc, which needs cmake), and building a `reqwest::Client`
/// panics while none is installed. [`SenderConfig::http_client`] calls
/// this itself; call it before building a reqwest client of your own.
pub fn install_crypto_provider() {
    #[cfg(feature = "tls")]
    {
        // An error means a provider is installed already, which is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}
