//! End-to-end delivery over loopback: 10,000 webhooks from a sender process
//! to a receiver process that fails 30% of requests at random, with one of
//! the two killed (SIGKILL) and restarted mid-run.
//!
//! Afterwards every webhook must have been handled exactly once or sit in
//! the dead-letter queue; a replay of the queue then delivers the rest. The
//! receiver's `handled` table has one row per handled webhook, so a webhook
//! handled twice shows up as two rows.

use std::collections::{HashMap, HashSet};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant, SystemTime};

use hookforge::client::{SenderConfig, Webhook, WebhookSender};
use hookforge::outbox::sqlite::SqliteOutbox;
use hookforge::outbox::{DeadLetterFilter, OutboxStore};
use hookforge::signing::Signer;

const SECRET: &str = "whsec_ZTJlLWRlbGl2ZXJ5LXRlc3Qtc2VjcmV0LWtleSE=";
const EVENTS: usize = 10_000;
const FAIL_RATIO: &str = "0.3";
/// How long the whole run may take before the test fails.
const RUN_LIMIT: Duration = Duration::from_secs(600);

/// Which process the test kills mid-run.
#[derive(Debug, Clone, Copy)]
enum Victim {
    Receiver,
    Sender,
}

#[test]
fn receiver_killed_mid_run() {
    run_scenario(Victim::Receiver);
}

#[test]
fn sender_killed_mid_run() {
    run_scenario(Victim::Sender);
}

fn run_scenario(victim: Victim) {
    let folder = TempFolder::new(match victim {
        Victim::Receiver => "receiver-killed",
        Victim::Sender => "sender-killed",
    });
    let address = free_address();
    let endpoint = format!("http://{address}/hooks/acme");
    let outbox_path = folder.path().join("outbox.sqlite3");
    let receiver_db = folder.path().join("receiver.sqlite3");

    let mut receiver = Process::spawn(receiver_command(&address, &receiver_db));
    wait_until_listening(&address);
    let ids = enqueue(&outbox_path, &endpoint);
    let mut sender = Process::spawn(sender_command(&outbox_path));

    // Kill the victim once about a third of the webhooks are handled.
    let started = Instant::now();
    wait_for(started, "a third of the webhooks handled", || {
        handled_rows(&receiver_db).len() >= EVENTS / 3
    });
    match victim {
        Victim::Receiver => {
            receiver.kill();
            std::thread::sleep(Duration::from_millis(300));
            receiver = Process::spawn(receiver_command(&address, &receiver_db));
        }
        Victim::Sender => {
            sender.kill();
            std::thread::sleep(Duration::from_millis(300));
            sender = Process::spawn(sender_command(&outbox_path));
        }
    }

    wait_for(started, "the outbox to drain", || {
        counts(&outbox_path).pending == 0
    });
    let dead = dead_ids(&outbox_path);
    let handled = handled_rows(&receiver_db);
    assert_handled_at_most_once(&handled);
    let handled_ids: HashSet<&String> = handled.keys().collect();
    for id in &ids {
        assert!(
            handled_ids.contains(id) || dead.contains(id),
            "webhook {id} was neither handled nor dead-lettered"
        );
    }
    eprintln!(
        "{victim:?} killed: drained in {:?}; {} handled, {} dead-lettered before replay",
        started.elapsed(),
        handled.len(),
        dead.len()
    );
    assert!(
        !dead.is_empty(),
        "a 30% failure rate over five attempts should leave some dead letters to replay"
    );

    // Replay until the dead-letter queue is empty: a replayed webhook can
    // fail five times again, rarely.
    for _round in 0..5 {
        if counts(&outbox_path).dead == 0 {
            break;
        }
        let replayed = block_on(async {
            let store = SqliteOutbox::open(&outbox_path).expect("open outbox");
            store
                .replay(&DeadLetterFilter::default(), SystemTime::now())
                .await
                .expect("replay")
        });
        assert!(replayed > 0);
        wait_for(started, "the replay to drain", || {
            counts(&outbox_path).pending == 0
        });
    }
    assert_eq!(
        counts(&outbox_path).dead,
        0,
        "dead letters left after 5 replays"
    );

    let handled = handled_rows(&receiver_db);
    assert_handled_at_most_once(&handled);
    let handled_ids: HashSet<&String> = handled.keys().collect();
    let expected: HashSet<&String> = ids.iter().collect();
    assert_eq!(handled_ids.len(), EVENTS, "handled webhooks");
    assert_eq!(handled_ids, expected);

    sender.stop();
    receiver.stop();
}

/// Stores the webhooks through the public sender API, as an application
/// would, without running a worker. Returns their webhook ids.
fn enqueue(outbox_path: &Path, endpoint: &str) -> Vec<String> {
    block_on(async {
        let store = SqliteOutbox::open(outbox_path).expect("open outbox");
        let signer = Signer::new(vec![SECRET.parse().expect("secret")]);
        let sender =
            WebhookSender::new(store, signer, SenderConfig::default()).expect("sender config");
        let mut ids = Vec::with_capacity(EVENTS);
        for index in 0..EVENTS {
            let payload = serde_json::json!({"invoice": index, "amount": 1050});
            let webhook = Webhook::json(endpoint, "invoice.paid", &payload).expect("payload");
            let accepted = sender.send(webhook).await.expect("send");
            ids.push(accepted.webhook_id);
        }
        ids
    })
}

fn assert_handled_at_most_once(handled: &HashMap<String, usize>) {
    let twice: Vec<_> = handled.iter().filter(|(_, count)| **count > 1).collect();
    assert!(
        twice.is_empty(),
        "webhooks handled more than once: {twice:?}"
    );
}

/// Webhook id → number of `handled` rows.
fn handled_rows(database: &Path) -> HashMap<String, usize> {
    let mut rows = HashMap::new();
    if !database.exists() {
        return rows;
    }
    let connection =
        rusqlite::Connection::open_with_flags(database, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open receiver database");
    connection
        .busy_timeout(Duration::from_secs(10))
        .expect("busy timeout");
    let Ok(mut statement) = connection.prepare("SELECT webhook_id FROM handled") else {
        // The receiver has not created its table yet.
        return rows;
    };
    let ids = statement
        .query_map([], |row| row.get::<_, String>(0))
        .expect("query handled");
    for id in ids {
        *rows.entry(id.expect("row")).or_insert(0) += 1;
    }
    rows
}

fn counts(outbox_path: &Path) -> hookforge::outbox::OutboxCounts {
    block_on(async {
        let store = SqliteOutbox::open(outbox_path).expect("open outbox");
        store.counts().await.expect("counts")
    })
}

fn dead_ids(outbox_path: &Path) -> HashSet<String> {
    block_on(async {
        let store = SqliteOutbox::open(outbox_path).expect("open outbox");
        let dead = store
            .list_dead(&DeadLetterFilter::default())
            .await
            .expect("list dead");
        dead.into_iter().map(|row| row.message.webhook_id).collect()
    })
}

fn wait_for(started: Instant, what: &str, mut done: impl FnMut() -> bool) {
    while !done() {
        assert!(
            started.elapsed() < RUN_LIMIT,
            "timed out after {RUN_LIMIT:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn wait_until_listening(address: &str) {
    let started = Instant::now();
    while std::net::TcpStream::connect(address).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "receiver did not listen on {address}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn free_address() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    let address = listener.local_addr().expect("local address");
    address.to_string()
}

fn receiver_command(address: &str, database: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_e2e_receiver"));
    command
        .arg(address)
        .arg(database)
        .arg(FAIL_RATIO)
        .env("HOOKFORGE_E2E_SECRET", SECRET);
    command
}

fn sender_command(outbox_path: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_e2e_sender"));
    command.arg(outbox_path).env("HOOKFORGE_E2E_SECRET", SECRET);
    command
}

fn block_on<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
        .block_on(future)
}

/// A child process that is killed when the test ends, pass or fail.
struct Process(Child);

impl Process {
    fn spawn(mut command: Command) -> Self {
        Self(command.spawn().expect("spawn a test process"))
    }

    /// Sends SIGKILL and waits, like a crash.
    fn kill(&mut self) {
        self.0.kill().expect("kill");
        self.0.wait().expect("wait");
    }

    /// Stops the process at the end of a passing run.
    fn stop(mut self) {
        self.kill();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A folder under the system temp folder, removed on drop.
struct TempFolder(PathBuf);

impl TempFolder {
    fn new(label: &str) -> Self {
        let path = std::env::temp_dir().join(format!(
            "hookforge-e2e-{label}-{}-{}",
            std::process::id(),
            SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_or(0, |elapsed| elapsed.as_nanos())
        ));
        std::fs::create_dir_all(&path).expect("create temp folder");
        Self(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
