//! Hostile input against `hookforge webhook` and `hookforge dlq`: secrets
//! that are not regular files, huge bodies on stdin, stores that are not
//! outboxes and malformed filters.

use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

mod common;

use common::TempDir;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn hookforge() -> Command {
    Command::new(env!("CARGO_BIN_EXE_hookforge"))
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn text(path: &Path) -> &str {
    path.to_str().expect("UTF-8 temp path")
}

/// Waits up to `limit` for `child`, and kills it when it is still running.
fn wait_or_kill(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let started = Instant::now();
    while started.elapsed() < limit {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

fn verify_args(secret_flag: &str, secret: &str, body: &str) -> Vec<String> {
    [
        "webhook",
        "verify",
        secret_flag,
        secret,
        "--id",
        "msg_1",
        "--timestamp",
        "1700000000",
        "--signature",
        "v1,AAAA",
        "--now",
        "1700000000",
        body,
    ]
    .map(str::to_owned)
    .to_vec()
}

#[test]
fn missing_secret_env_is_usage_error() {
    let temp = TempDir::new("attack-env");
    let body = temp.write("body", "{}");
    let output = hookforge()
        .args(verify_args(
            "--secret-env",
            "HF_ATTACK_UNSET_VARIABLE",
            text(&body),
        ))
        .env_remove("HF_ATTACK_UNSET_VARIABLE")
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("HF_ATTACK_UNSET_VARIABLE is not set"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn secret_file_directory_is_usage_error() {
    let temp = TempDir::new("attack-dir");
    let body = temp.write("body", "{}");
    let output = hookforge()
        .args(verify_args("--secret-file", text(&temp.path), text(&body)))
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("failed to read the secret file"),
        "{}",
        stderr(&output)
    );
}

/// A FIFO with no writer blocks `open` forever, so `--secret-file` must
/// reject one before opening it instead of hanging with no message.
#[test]
fn secret_file_fifo_fails_fast() {
    let temp = TempDir::new("attack-fifo");
    let fifo = temp.path.join("secret.fifo");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let body = temp.write("body", "{}");
    let mut child = hookforge()
        .args(verify_args("--secret-file", text(&fifo), text(&body)))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let status = wait_or_kill(&mut child, Duration::from_secs(5));
    assert_eq!(
        status.and_then(|status| status.code()),
        Some(2),
        "still running after 5 s"
    );
}

/// `/dev/zero` as the secret file never ends, so reading it whole would
/// run until memory runs out. A `whsec_` key has fewer than 100
/// characters, so the command must fail at once. The address space is
/// capped at 512 MiB here so a regression cannot exhaust the machine.
#[test]
fn secret_file_size_is_capped() {
    let temp = TempDir::new("attack-zero");
    let body = temp.write("body", "{}");
    let command = format!(
        "ulimit -v 524288; exec '{}' {}",
        env!("CARGO_BIN_EXE_hookforge"),
        verify_args("--secret-file", "/dev/zero", text(&body)).join(" ")
    );
    let started = Instant::now();
    let mut child = Command::new("sh")
        .args(["-c", &command])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let status = wait_or_kill(&mut child, Duration::from_secs(20));
    let mut message = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut pipe, &mut message);
    }
    assert_eq!(
        status.and_then(|status| status.code()),
        Some(2),
        "{message}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "took {:?}: {message}",
        started.elapsed()
    );
    assert!(!message.contains("memory"), "{message}");
}

/// `verify -` reads the whole body from stdin into memory before it
/// checks anything. Peak RSS is measured with `/usr/bin/time -f %M` while
/// 256 MiB go through stdin.
#[test]
#[ignore = "known gap: webhook verify buffers the whole stdin body"]
fn verify_streams_large_stdin() {
    let mut child = Command::new("/usr/bin/time")
        .args(["-f", "max-rss-kib %M", env!("CARGO_BIN_EXE_hookforge")])
        .args(verify_args("--secret-env", "HF_ATTACK_SECRET", "-"))
        .env("HF_ATTACK_SECRET", SECRET)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn /usr/bin/time");
    {
        let mut stdin = child.stdin.take().expect("stdin");
        let chunk = vec![b'a'; 1 << 20];
        for _ in 0..256 {
            stdin.write_all(&chunk).expect("write stdin");
        }
    }
    let output = child.wait_with_output().expect("wait");
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{message}");
    let max_rss_kib: u64 = message
        .lines()
        .find_map(|line| line.strip_prefix("max-rss-kib "))
        .and_then(|value| value.trim().parse().ok())
        .expect("max RSS printed");
    assert!(
        max_rss_kib < 64 * 1024,
        "peak RSS {max_rss_kib} KiB for a 256 MiB body"
    );
}

fn dlq(args: &[&str]) -> Output {
    hookforge()
        .arg("dlq")
        .args(args)
        .output()
        .expect("run hookforge")
}

#[test]
fn dlq_rejects_non_sqlite_file_unchanged() {
    let temp = TempDir::new("attack-text");
    let file = temp.write("notes.txt", "not a database\n".repeat(100));
    let before = std::fs::read(&file).expect("read");
    let output = dlq(&["list", "--store", &format!("sqlite:{}", text(&file))]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert_eq!(
        std::fs::read(&file).expect("read"),
        before,
        "the file was modified"
    );
}

/// An empty file is a valid empty SQLite database, so `dlq list` must
/// report that it contains no outbox instead of creating one in it.
#[test]
fn dlq_list_leaves_empty_file_empty() {
    let temp = TempDir::new("attack-empty");
    let file = temp.write("empty.db", "");
    let output = dlq(&["list", "--store", &format!("sqlite:{}", text(&file))]);
    let size = std::fs::metadata(&file).expect("metadata").len();
    assert_eq!(
        size,
        0,
        "dlq list wrote {size} bytes; exit {:?}: {}",
        output.status.code(),
        stderr(&output)
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("not a Hookforge outbox"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn dlq_rejects_directory_and_bad_store() {
    let temp = TempDir::new("attack-store");
    for store in [
        format!("sqlite:{}", text(&temp.path)),
        "sqlite:".to_owned(),
        "mysql://root@127.0.0.1/db".to_owned(),
        "SQLITE:/tmp/x".to_owned(),
    ] {
        let output = dlq(&["list", "--store", &store]);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{store}: {}",
            stderr(&output)
        );
    }
}

/// Port 1 on loopback is closed: the command fails at once and does not
/// echo the password of the connection URL.
#[test]
fn dlq_postgres_closed_port_fails_fast() {
    let started = Instant::now();
    let output = dlq(&[
        "list",
        "--store",
        "postgres://admin:s3cret@127.0.0.1:1/test",
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert!(!stderr(&output).contains("s3cret"), "{}", stderr(&output));
}

#[test]
fn dlq_rejects_bad_since_values() {
    let temp = TempDir::new("attack-since");
    let file = temp.write("x.db", "");
    let store = format!("sqlite:{}", text(&file));
    for since in [
        "",
        "yesterday",
        "-1",
        "1e9",
        "99999999999999999999999",
        "2026-13-01T00:00:00Z",
        "2026-02-30T00:00:00Z",
        "2026-01-01T24:00:01Z",
        "2026-01-01T00:00:00",
        "2026-01-01T00:00:00+99:00",
        "\u{661}\u{662}",
    ] {
        let output = dlq(&["list", "--store", &store, "--since", since]);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{since:?}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn dlq_purge_needs_filter_or_all() {
    let temp = TempDir::new("attack-purge");
    let file = temp.write("x.db", "");
    let output = dlq(&["purge", "--store", &format!("sqlite:{}", text(&file))]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--all"), "{}", stderr(&output));
}
