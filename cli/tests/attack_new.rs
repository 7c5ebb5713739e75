//! Hostile input against `hookforge send` and `hookforge new`: base URLs
//! that would move the request, endless responses and redirects, devices
//! given as documents, and document text that would break the generated
//! project's files.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use common::TempDir;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// One operation that the provider receives, with one example.
const ONE_EXAMPLE: &str = r#"
asyncapi: 3.0.0
info: {title: T, version: '1'}
channels:
  items:
    address: /items
    messages:
      created:
        payload: {type: object}
        examples:
          - payload: {id: 1}
operations:
  receiveItem:
    action: receive
    channel: {$ref: '#/channels/items'}
"#;

fn hookforge(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hookforge"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .env("HOOKFORGE_WEBHOOK_SECRET", SECRET)
        .output()
        .expect("hookforge runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Reads one request's head from `stream` and returns its request line.
fn read_request_line(stream: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    text.lines().next().unwrap_or_default().to_owned()
}

/// Accepts connections on a loopback port and responds to each request
/// with 204, sending the request lines to the returned channel.
fn recording_server() -> (u16, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    let (lines, received) = mpsc::channel();
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let line = read_request_line(&mut stream);
            let _ = stream.write_all(b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n");
            if lines.send(line).is_err() {
                return;
            }
        }
    });
    (port, received)
}

#[test]
fn send_rejects_base_url_with_query_or_fragment() {
    let temp = TempDir::new("attack-send-url");
    let spec = temp.write("spec.yaml", ONE_EXAMPLE);
    let spec = spec.to_str().expect("UTF-8 path");
    let (port, received) = recording_server();
    for suffix in ["/base?tenant=1", "/base#part", "?x"] {
        let to = format!("http://127.0.0.1:{port}{suffix}");
        let output = hookforge(
            &[
                "send",
                "--examples",
                spec,
                "--side",
                "provider",
                "--to",
                &to,
            ],
            &temp.path,
        );
        assert_eq!(
            output.status.code(),
            Some(2),
            "--to {to}: {}",
            stdout(&output)
        );
        assert!(stderr(&output).contains("--to"), "{}", stderr(&output));
    }
    assert!(
        received.recv_timeout(Duration::from_millis(200)).is_err(),
        "a request was sent for a rejected URL"
    );
}

#[test]
fn send_keeps_base_url_path() {
    let temp = TempDir::new("attack-send-base");
    let spec = temp.write("spec.yaml", ONE_EXAMPLE);
    let spec = spec.to_str().expect("UTF-8 path");
    let (port, received) = recording_server();
    let to = format!("HTTP://127.0.0.1:{port}/hooks/");
    let output = hookforge(
        &[
            "send",
            "--examples",
            spec,
            "--side",
            "provider",
            "--to",
            &to,
        ],
        &temp.path,
    );
    assert!(
        output.status.success(),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    let line = received
        .recv_timeout(Duration::from_secs(5))
        .expect("a request");
    assert_eq!(line, "POST /hooks/items HTTP/1.1");
}

#[test]
fn send_stops_reading_endless_response() {
    let temp = TempDir::new("attack-send-endless");
    let spec = temp.write("spec.yaml", ONE_EXAMPLE);
    let spec = spec.to_str().expect("UTF-8 path");
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    thread::spawn(move || {
        let Ok((mut stream, _)) = listener.accept() else {
            return;
        };
        read_request_line(&mut stream);
        let head =
            b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 1099511627776\r\n\r\n";
        if stream.write_all(head).is_err() {
            return;
        }
        // Writes until the client closes the connection.
        let chunk = vec![b'a'; 64 * 1024];
        while stream.write_all(&chunk).is_ok() {}
    });

    let started = Instant::now();
    let to = format!("http://127.0.0.1:{port}");
    let output = hookforge(
        &[
            "send",
            "--examples",
            spec,
            "--side",
            "provider",
            "--to",
            &to,
            "--timeout",
            "20",
        ],
        &temp.path,
    );
    let elapsed = started.elapsed();
    assert!(
        output.status.success(),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(stdout(&output).contains("200 OK"), "{}", stdout(&output));
    assert!(
        elapsed < Duration::from_secs(15),
        "send read the response for {elapsed:?}"
    );
}

#[test]
fn send_does_not_follow_redirects() {
    let temp = TempDir::new("attack-send-redirect");
    let spec = temp.write("spec.yaml", ONE_EXAMPLE);
    let spec = spec.to_str().expect("UTF-8 path");
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    let (lines, received) = mpsc::channel();
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let line = read_request_line(&mut stream);
            let answer: &[u8] = if line.starts_with("POST /items ") {
                b"HTTP/1.1 302 Found\r\nlocation: /elsewhere\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            } else {
                b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            };
            let _ = stream.write_all(answer);
            if lines.send(line).is_err() {
                return;
            }
        }
    });

    let to = format!("http://127.0.0.1:{port}");
    let output = hookforge(
        &[
            "send",
            "--examples",
            spec,
            "--side",
            "provider",
            "--to",
            &to,
        ],
        &temp.path,
    );
    assert_eq!(
        output.status.code(),
        Some(1),
        "a redirect counted as accepted: {}",
        stdout(&output)
    );
    assert!(stdout(&output).contains("302"), "{}", stdout(&output));
    let first = received
        .recv_timeout(Duration::from_secs(5))
        .expect("a request");
    assert_eq!(first, "POST /items HTTP/1.1");
    assert!(
        received.recv_timeout(Duration::from_millis(200)).is_err(),
        "the redirect was followed"
    );
}

/// A document whose title and version contain a DELETE character and
/// Unicode direction controls; titles reach Cargo.toml and main.rs.
const CONTROL_TITLE: &str = r#"
asyncapi: 3.0.0
info:
  title: "Shop \u007f\u202etitle\u2066 {{ x }} {% raw %} */"
  version: "1\u202e"
channels:
  items:
    address: /items
    messages:
      created:
        payload: {type: object}
        examples:
          - payload: {id: 1}
operations:
  receiveItem:
    action: receive
    channel: {$ref: '#/channels/items'}
"#;

fn has_direction_control(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
    })
}

#[test]
fn new_survives_control_characters_in_title() {
    let temp = TempDir::new("attack-new-title");
    let spec = temp.write("spec.yaml", CONTROL_TITLE);
    let spec = spec.to_str().expect("UTF-8 path");
    let output = hookforge(
        &["new", "shop", "--from", spec, "--side", "provider", "--yes"],
        &temp.path,
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let project = temp.path.join("shop");

    let manifest = project.join("Cargo.toml");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let metadata = Command::new(cargo)
        .args([
            "metadata",
            "--no-deps",
            "--offline",
            "--format-version",
            "1",
        ])
        .arg("--manifest-path")
        .arg(&manifest)
        .output()
        .expect("cargo metadata runs");
    assert!(
        metadata.status.success(),
        "Cargo.toml does not parse: {}",
        stderr(&metadata)
    );

    for file in [
        "build.rs",
        "src/main.rs",
        "src/config.rs",
        "src/provider.rs",
    ] {
        let text = std::fs::read_to_string(project.join(file)).expect("project file");
        assert!(
            !has_direction_control(&text),
            "{file} contains a direction control that rustc rejects"
        );
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "{file} contains a control character"
        );
    }
}

/// Runs hookforge with `args` and kills it after `limit`; returns its
/// exit code, or `None` when it was still running.
fn exit_code_within(args: &[&str], dir: &Path, limit: Duration) -> Option<i32> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hookforge"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .env("HOOKFORGE_WEBHOOK_SECRET", SECRET)
        .spawn()
        .expect("hookforge starts");
    let started = Instant::now();
    while started.elapsed() < limit {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return status.code();
        }
        thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

#[test]
#[cfg(unix)]
fn new_and_send_reject_a_device_as_document() {
    let temp = TempDir::new("attack-new-device");
    let limit = Duration::from_secs(10);
    let code = exit_code_within(
        &["new", "shop", "--from", "/dev/zero", "--yes"],
        &temp.path,
        limit,
    );
    assert!(matches!(code, Some(1 | 2)), "new gave {code:?}");
    assert!(!temp.path.join("shop").exists(), "a project was written");
    let code = exit_code_within(
        &[
            "send",
            "--examples",
            "/dev/zero",
            "--to",
            "http://127.0.0.1:9",
        ],
        &temp.path,
        limit,
    );
    assert!(matches!(code, Some(1 | 2)), "send gave {code:?}");
}

#[test]
fn send_rejects_param_no_address_uses() {
    let temp = TempDir::new("attack-send-param");
    let spec = temp.write("spec.yaml", ONE_EXAMPLE);
    let spec = spec.to_str().expect("UTF-8 path");
    let (port, received) = recording_server();
    let to = format!("http://127.0.0.1:{port}");
    let output = hookforge(
        &[
            "send",
            "--examples",
            spec,
            "--side",
            "provider",
            "--to",
            &to,
            "--param",
            "tenantld=t1",
        ],
        &temp.path,
    );
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    assert!(stderr(&output).contains("tenantld"), "{}", stderr(&output));
    assert!(
        received.recv_timeout(Duration::from_millis(200)).is_err(),
        "a request was sent despite the unknown parameter"
    );
}
