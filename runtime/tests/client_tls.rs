//! The webhook sender over HTTPS and mutual TLS, against a rustls endpoint
//! on loopback whose certificates come from a CA made at test time, with a
//! SQLite outbox in a temporary folder.
#![cfg(all(feature = "tls", feature = "sqlite"))]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use hookforge::client::{SenderConfig, Webhook, WebhookSender};
use hookforge::outbox::sqlite::SqliteOutbox;
use hookforge::outbox::{DeadLetterFilter, Delivery, OutboxStore};
use hookforge::retry::RetryPolicy;
use hookforge::signing::{Signer, SigningKey, Verifier, VerifyingKey};
use http_body_util::{BodyExt, Empty};
use hyper::body::{Bytes, Incoming};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::WebPkiClientVerifier;

/// Environment variables that [`system_roots_trusted`] passes to its child
/// test process.
const CHILD_URL_VARIABLE: &str = "HOOKFORGE_TLS_TEST_URL";
const CHILD_IDENTITY_VARIABLE: &str = "HOOKFORGE_TLS_TEST_IDENTITY";

/// A CA, a server certificate for 127.0.0.1 and a client certificate, all
/// made at test time.
struct TestPki {
    ca_pem: String,
    server_chain: Vec<CertificateDer<'static>>,
    server_key_der: Vec<u8>,
    /// The client certificate followed by its PKCS#8 key, as
    /// [`reqwest::Identity::from_pem`] reads it.
    client_identity_pem: String,
}

impl TestPki {
    fn new() -> Self {
        let ca_key = KeyPair::generate().expect("CA key");
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "hookforge test CA");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let ca_cert = ca_params.self_signed(&ca_key).expect("CA certificate");
        let ca = Issuer::new(ca_params, ca_key);

        let server_key = KeyPair::generate().expect("server key");
        let mut server_params =
            CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
                .expect("server params");
        server_params
            .distinguished_name
            .push(DnType::CommonName, "hookforge test endpoint");
        server_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let server_cert = server_params
            .signed_by(&server_key, &ca)
            .expect("server certificate");

        let client_key = KeyPair::generate().expect("client key");
        let mut client_params =
            CertificateParams::new(Vec::<String>::new()).expect("client params");
        client_params
            .distinguished_name
            .push(DnType::CommonName, "hookforge test sender");
        client_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        let client_cert = client_params
            .signed_by(&client_key, &ca)
            .expect("client certificate");

        Self {
            ca_pem: ca_cert.pem(),
            server_chain: vec![server_cert.der().clone(), ca_cert.der().clone()],
            server_key_der: server_key.serialize_der(),
            client_identity_pem: format!("{}{}", client_cert.pem(), client_key.serialize_pem()),
        }
    }

    fn ca_certificate(&self) -> reqwest::Certificate {
        reqwest::Certificate::from_pem(self.ca_pem.as_bytes()).expect("CA certificate PEM")
    }

    fn client_identity(&self) -> reqwest::Identity {
        reqwest::Identity::from_pem(self.client_identity_pem.as_bytes())
            .expect("client identity PEM")
    }

    /// A server configuration that requires a client certificate issued by
    /// the test CA.
    fn server_config(&self) -> rustls::ServerConfig {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(self.server_chain[1].clone())
            .expect("CA as client root");
        let client_verifier =
            WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                .build()
                .expect("client verifier");
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.server_key_der.clone()));
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_client_cert_verifier(client_verifier)
            .with_single_cert(self.server_chain.clone(), key)
            .expect("server certificate and key")
    }
}

/// One request as the endpoint received it.
#[derive(Debug, Clone)]
struct Received {
    headers: http::HeaderMap,
    body: Bytes,
    /// How many certificates the client presented in the handshake.
    client_certificates: usize,
}

/// An HTTPS endpoint that requires mutual TLS, answers 204 to every
/// request and records requests and failed handshakes.
#[derive(Clone, Default)]
struct TlsEndpoint {
    received: Arc<Mutex<Vec<Received>>>,
    handshake_errors: Arc<Mutex<Vec<String>>>,
}

impl TlsEndpoint {
    fn received(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }

    fn handshake_errors(&self) -> Vec<String> {
        self.handshake_errors.lock().expect("lock").clone()
    }

    /// Waits up to 2 s for `count` failed handshakes, because the server
    /// task may record a failure after the sender has already recorded its
    /// side of it.
    async fn wait_for_handshake_errors(&self, count: usize) -> Vec<String> {
        let started = Instant::now();
        loop {
            let errors = self.handshake_errors();
            if errors.len() >= count || started.elapsed() > Duration::from_secs(2) {
                return errors;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    async fn serve(&self, config: rustls::ServerConfig) -> SocketAddr {
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("address");
        let endpoint = self.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let endpoint = endpoint.clone();
                let acceptor = acceptor.clone();
                tokio::spawn(async move { endpoint.serve_connection(acceptor, stream).await });
            }
        });
        address
    }

    async fn serve_connection(
        self,
        acceptor: tokio_rustls::TlsAcceptor,
        stream: tokio::net::TcpStream,
    ) {
        let tls = match acceptor.accept(stream).await {
            Ok(tls) => tls,
            Err(error) => {
                self.handshake_errors
                    .lock()
                    .expect("lock")
                    .push(error.to_string());
                return;
            }
        };
        let client_certificates = tls.get_ref().1.peer_certificates().map_or(0, <[_]>::len);
        let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
            let received = self.received.clone();
            async move {
                let (parts, body) = request.into_parts();
                let body = body.collect().await?.to_bytes();
                received.lock().expect("lock").push(Received {
                    headers: parts.headers,
                    body,
                    client_certificates,
                });
                let response = hyper::Response::builder()
                    .status(hyper::StatusCode::NO_CONTENT)
                    .body(Empty::<Bytes>::new())
                    .expect("response");
                Ok::<_, hyper::Error>(response)
            }
        });
        let _ = hyper::server::conn::http1::Builder::new()
            .serve_connection(hyper_util::rt::TokioIo::new(tls), service)
            .await;
    }
}

fn key() -> SigningKey {
    SigningKey::hmac_from_bytes(b"client tls test key, 32 bytes long").expect("key")
}

fn fast_config() -> SenderConfig {
    SenderConfig {
        request_timeout: Duration::from_secs(2),
        lease: Duration::from_secs(5),
        poll_interval: Duration::from_millis(20),
        retry: RetryPolicy {
            base: Duration::from_millis(10),
            cap: Duration::from_millis(50),
            max_attempts: 3,
            deadline: Duration::from_secs(60),
            max_retry_after: Duration::from_secs(2),
        },
        ..SenderConfig::default()
    }
}

struct Fixture {
    sender: WebhookSender<SqliteOutbox>,
    endpoint: TlsEndpoint,
    url: String,
    _folder: TempFolder,
}

async fn fixture(pki: &TestPki, config: SenderConfig) -> Fixture {
    let folder = TempFolder::new();
    let store = SqliteOutbox::open(folder.0.join("outbox.sqlite3")).expect("open outbox");
    let sender = WebhookSender::new(store, Signer::new(vec![key()]), config).expect("sender");
    let endpoint = TlsEndpoint::default();
    let address = endpoint.serve(pki.server_config()).await;
    Fixture {
        sender,
        endpoint,
        url: format!("https://{address}/hooks"),
        _folder: folder,
    }
}

/// Runs the worker until the outbox has no pending row, or fails after 20 s.
async fn drain(sender: &WebhookSender<SqliteOutbox>) {
    let worker = sender.clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        worker
            .run(async {
                let _ = stopped.await;
            })
            .await;
    });
    let started = Instant::now();
    loop {
        let counts = sender.store().counts().await.expect("counts");
        if counts.pending == 0 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "outbox did not drain: {counts:?}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let _ = stop.send(());
    task.await.expect("worker");
}

async fn dead_letters(sender: &WebhookSender<SqliteOutbox>) -> Vec<Delivery> {
    sender
        .store()
        .list_dead(&DeadLetterFilter::default())
        .await
        .expect("list dead letters")
}

/// Sends one webhook to the fixture's endpoint, drains the outbox and
/// checks that the endpoint received it signed over mutual TLS.
async fn assert_delivered_over_mutual_tls(fixture: &Fixture) {
    let body = br#"{"invoice":"in_1","amount":1050}"#.to_vec();
    let webhook = Webhook::new(&fixture.url, "invoice.paid", body.clone());
    let accepted = fixture.sender.send(webhook).await.expect("send");
    drain(&fixture.sender).await;

    let received = fixture.endpoint.received();
    assert_eq!(received.len(), 1, "one request over TLS");
    let request = &received[0];
    assert_eq!(request.body.as_ref(), body.as_slice());
    assert_eq!(
        request.client_certificates, 1,
        "the sender presents its client certificate"
    );
    let webhook_id = request
        .headers
        .get("webhook-id")
        .and_then(|value| value.to_str().ok());
    assert_eq!(webhook_id, Some(accepted.webhook_id.as_str()));
    let verifier = Verifier::new(vec![VerifyingKey::from(&key())]);
    verifier
        .verify_header_map(&request.headers, &request.body, SystemTime::now())
        .expect("signature verifies");
    assert!(fixture.endpoint.handshake_errors().is_empty());
    assert!(dead_letters(&fixture.sender).await.is_empty());
}

#[tokio::test]
async fn mutual_tls_delivers_signed() {
    let pki = TestPki::new();
    let config = SenderConfig {
        extra_root_certificates: vec![pki.ca_certificate()],
        client_identity: Some(pki.client_identity()),
        ..fast_config()
    };
    let fixture = fixture(&pki, config).await;
    assert_delivered_over_mutual_tls(&fixture).await;
}

#[tokio::test]
async fn missing_identity_retried_then_dead() {
    let pki = TestPki::new();
    let config = SenderConfig {
        extra_root_certificates: vec![pki.ca_certificate()],
        ..fast_config()
    };
    let fixture = fixture(&pki, config).await;
    let webhook = Webhook::new(&fixture.url, "invoice.paid", b"{}".to_vec());
    fixture.sender.send(webhook).await.expect("send");
    drain(&fixture.sender).await;

    assert!(
        fixture.endpoint.received().is_empty(),
        "no request gets past a handshake without a client certificate"
    );
    let server_errors = fixture.endpoint.wait_for_handshake_errors(3).await;
    assert_eq!(server_errors.len(), 3, "one handshake per attempt");
    assert!(
        server_errors[0].contains("no certificates"),
        "server error: {}",
        server_errors[0]
    );
    let dead = dead_letters(&fixture.sender).await;
    assert_eq!(dead.len(), 1);
    assert_eq!(
        dead[0].attempts, 3,
        "a rejected handshake is a connection failure, so it is retried"
    );
    let error = dead[0].last_error.as_deref().unwrap_or_default();
    assert!(
        error.contains("CertificateRequired"),
        "last error names the TLS alert: {error}"
    );
}

#[tokio::test]
async fn unknown_server_ca_rejected() {
    let pki = TestPki::new();
    let config = SenderConfig {
        client_identity: Some(pki.client_identity()),
        ..fast_config()
    };
    let fixture = fixture(&pki, config).await;
    let webhook = Webhook::new(&fixture.url, "invoice.paid", b"{}".to_vec());
    fixture.sender.send(webhook).await.expect("send");
    drain(&fixture.sender).await;

    assert!(fixture.endpoint.received().is_empty());
    let server_errors = fixture.endpoint.wait_for_handshake_errors(3).await;
    assert_eq!(server_errors.len(), 3, "the sender aborts each handshake");
    assert!(
        server_errors[0].contains("UnknownCA"),
        "server error: {}",
        server_errors[0]
    );
    let dead = dead_letters(&fixture.sender).await;
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].attempts, 3, "an untrusted certificate is retried");
    let error = dead[0].last_error.as_deref().unwrap_or_default();
    assert!(
        error.contains("invalid peer certificate"),
        "last error names the certificate failure: {error}"
    );
    assert!(
        error.contains("UnknownIssuer"),
        "last error names the unknown CA: {error}"
    );
}

#[test]
fn default_config_loads_system_roots() {
    // reqwest builds the platform verifier in `build`, which fails on Linux
    // when no system root can be loaded and no extra root is set.
    SenderConfig::default()
        .http_client()
        .expect("client with the system's roots");
}

/// Runs [`system_roots_child`] in a child process whose `SSL_CERT_FILE`
/// names the test CA, so the CA becomes that process's only system root.
/// A child process keeps the variable away from the other tests.
#[tokio::test]
async fn system_roots_trusted() {
    let pki = TestPki::new();
    let folder = TempFolder::new();
    let ca_file = folder.0.join("ca.pem");
    std::fs::write(&ca_file, &pki.ca_pem).expect("write CA file");
    let endpoint = TlsEndpoint::default();
    let address = endpoint.serve(pki.server_config()).await;

    let output = tokio::process::Command::new(std::env::current_exe().expect("test binary"))
        .args(["system_roots_child", "--exact", "--ignored", "--nocapture"])
        .env("SSL_CERT_FILE", &ca_file)
        .env_remove("SSL_CERT_DIR")
        .env(CHILD_URL_VARIABLE, format!("https://{address}/hooks"))
        .env(CHILD_IDENTITY_VARIABLE, &pki.client_identity_pem)
        .output()
        .await
        .expect("run child test");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "child test failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("1 passed"),
        "child test did not run:\n{stdout}"
    );
    assert_eq!(
        endpoint.received().len(),
        1,
        "the child delivered one webhook"
    );
}

/// The child half of [`system_roots_trusted`]: a sender with no extra root
/// delivers to the endpoint that the parent started.
#[tokio::test]
#[ignore = "run by system_roots_trusted with SSL_CERT_FILE set"]
async fn system_roots_child() {
    let (Ok(url), Ok(identity)) = (
        std::env::var(CHILD_URL_VARIABLE),
        std::env::var(CHILD_IDENTITY_VARIABLE),
    ) else {
        panic!("{CHILD_URL_VARIABLE} and {CHILD_IDENTITY_VARIABLE} must be set; run system_roots_trusted instead");
    };
    let folder = TempFolder::new();
    let store = SqliteOutbox::open(folder.0.join("outbox.sqlite3")).expect("open outbox");
    let config = SenderConfig {
        client_identity: Some(
            reqwest::Identity::from_pem(identity.as_bytes()).expect("client identity PEM"),
        ),
        ..fast_config()
    };
    let sender = WebhookSender::new(store, Signer::new(vec![key()]), config).expect("sender");
    let webhook = Webhook::new(&url, "invoice.paid", b"{}".to_vec());
    sender.send(webhook).await.expect("send");
    drain(&sender).await;

    let dead = dead_letters(&sender).await;
    assert!(
        dead.is_empty(),
        "delivery failed: {:?}",
        dead.first()
            .and_then(|delivery| delivery.last_error.as_deref())
    );
}

struct TempFolder(PathBuf);

impl TempFolder {
    fn new() -> Self {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let index = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("hookforge-tls-{}-{index}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp folder");
        Self(path)
    }
}

impl Drop for TempFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
