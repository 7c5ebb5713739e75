//! Delivery throughput on loopback: events per second from the first send
//! until the receiver's handler has run for every event.
//!
//! Configurations, each driven with [`CONCURRENCY`] requests or sends in
//! flight and measured [`RUNS`] times in this one process:
//!
//! 1. `baseline`: a bare reqwest client posting to a bare axum handler that
//!    returns 204, with no signing, outbox or idempotency;
//! 2. `sqlite+memory`: `WebhookSender` over `SqliteOutbox` (a file in a
//!    temporary folder) to an axum route built by `WebhookReceiver::route`
//!    with a `Verifier` and `MemoryIdempotency`;
//! 3. `sqlite+sqlite`: the same with `SqliteIdempotency` on the receiver;
//! 4. `postgres+memory`: the same as 2 over `PostgresOutbox`, skipped with
//!    a message when PostgreSQL at 127.0.0.1:5432 is unreachable.
//!
//! Each hookforge configuration runs two ways. `concurrent`: the worker is
//! running, [`CONCURRENCY`] tasks call `send` for all events, and the
//! clock runs from the first send until the handler has counted every
//! event ("end to end"); "enqueue" is the time until the last `send`
//! returned. `prefilled`: all events are enqueued first, then the worker
//! starts, and "drain" is the time from its start until the handler has
//! counted every event. The second way isolates the worker's delivery rate
//! from the cost of enqueueing.
//!
//! Every run uses a fresh outbox (file or schema), receiver and idempotency
//! store. The body of each event is 1,024 bytes of JSON.
//!
//! Run with `cargo bench -p hookforge --bench delivery --all-features`.
//! `HOOKFORGE_BENCH_EVENTS` and `HOOKFORGE_BENCH_RUNS` override the event
//! count and the number of runs. `HOOKFORGE_BENCH_ONLY`, a comma-separated
//! list of configuration names such as `sqlite+memory`, limits the run to
//! those and the baseline, for example under a profiler.

use std::error::Error;
use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use hookforge::client::{SenderConfig, Webhook, WebhookSender};
use hookforge::idempotency::memory::MemoryIdempotency;
use hookforge::idempotency::sqlite::SqliteIdempotency;
use hookforge::idempotency::IdempotencyStore;
use hookforge::outbox::sqlite::SqliteOutbox;
use hookforge::outbox::{
    AttemptFailure, DeadLetterFilter, Delivery, DeliveryId, NewDelivery, OutboxCounts, OutboxStore,
    StoreError,
};
use hookforge::server::{VerifiedWebhook, WebhookReceiver};
use hookforge::signing::{Signer, SigningKey, Verifier, VerifyingKey};
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::task::JoinSet;

/// Events delivered per run, unless `HOOKFORGE_BENCH_EVENTS` sets another.
const EVENTS: usize = 5_000;
/// The configurations after the baseline, by the names the output uses.
const CONFIGURATIONS: [&str; 3] = ["sqlite+memory", "sqlite+sqlite", "postgres+memory"];
/// Runs per configuration, unless `HOOKFORGE_BENCH_RUNS` sets another.
const RUNS: usize = 5;
/// Requests (baseline) or sends and attempts (hookforge) in flight at once.
const CONCURRENCY: usize = 32;
/// The size of each event's JSON body, in bytes.
const BODY_BYTES: usize = 1024;
/// How long a run may take before it counts as failed.
const RUN_TIMEOUT: Duration = Duration::from_secs(600);
/// The PostgreSQL server of configuration 4.
#[cfg(feature = "postgres")]
const POSTGRES: &str = "host=127.0.0.1 port=5432 user=postgres dbname=test connect_timeout=5";

type BenchResult<T> = Result<T, Box<dyn Error + Send + Sync>>;

fn main() -> BenchResult<()> {
    let events = env_count("HOOKFORGE_BENCH_EVENTS", EVENTS)?;
    let runs = env_count("HOOKFORGE_BENCH_RUNS", RUNS)?;
    let selected = selected_configurations()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run_all(events, runs, &selected))
}

/// Reads `HOOKFORGE_BENCH_ONLY`, or selects every configuration when it is
/// not set.
fn selected_configurations() -> BenchResult<Vec<&'static str>> {
    let Ok(list) = std::env::var("HOOKFORGE_BENCH_ONLY") else {
        return Ok(CONFIGURATIONS.to_vec());
    };
    let mut selected = Vec::new();
    for name in list
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
    {
        match CONFIGURATIONS.iter().find(|known| **known == name) {
            Some(known) => selected.push(*known),
            None => {
                return Err(format!(
                    "HOOKFORGE_BENCH_ONLY names an unknown configuration {name:?}; \
                     expected some of {CONFIGURATIONS:?}"
                )
                .into())
            }
        }
    }
    Ok(selected)
}

/// Reads a positive count from the environment variable `name`.
fn env_count(name: &str, default: usize) -> BenchResult<usize> {
    match std::env::var(name) {
        Ok(text) => match text.parse::<usize>() {
            Ok(count) if count > 0 => Ok(count),
            _ => Err(format!("{name} must be a positive integer, not {text:?}").into()),
        },
        Err(_) => Ok(default),
    }
}

async fn run_all(events: usize, runs: usize, selected: &[&str]) -> BenchResult<()> {
    println!(
        "delivery bench: {events} events of {BODY_BYTES} bytes, {CONCURRENCY} in flight, \
         {runs} runs per configuration, {} tokio worker threads",
        std::thread::available_parallelism().map_or(0, usize::from)
    );
    let body = Bytes::from(event_body(0));
    let mut rows = Vec::new();

    let mut samples = Vec::new();
    for run in 0..runs {
        let sample = baseline(events, &body).await?;
        println!("baseline run {run}: {sample}");
        samples.push(sample);
    }
    rows.push(Row::new("baseline", Mode::Concurrent, samples));

    if selected.contains(&"sqlite+memory") {
        for mode in [Mode::Concurrent, Mode::Prefilled] {
            let mut samples = Vec::new();
            for run in 0..runs {
                let folder = TempFolder::new(&format!("sqlite-memory-{run}"))?;
                let outbox = SqliteOutbox::open(folder.path.join("outbox.sqlite3"))?;
                let sample =
                    hookforge_run(outbox, MemoryIdempotency::new(events), mode, events).await?;
                println!("sqlite+memory {mode:?} run {run}: {sample}");
                samples.push(sample);
            }
            rows.push(Row::new("sqlite+memory", mode, samples));
        }
    }

    if selected.contains(&"sqlite+sqlite") {
        for mode in [Mode::Concurrent, Mode::Prefilled] {
            let mut samples = Vec::new();
            for run in 0..runs {
                let folder = TempFolder::new(&format!("sqlite-sqlite-{run}"))?;
                let outbox = SqliteOutbox::open(folder.path.join("outbox.sqlite3"))?;
                let idempotency =
                    SqliteIdempotency::open(folder.path.join("receiver.sqlite3")).await?;
                let sample = hookforge_run(outbox, idempotency, mode, events).await?;
                println!("sqlite+sqlite {mode:?} run {run}: {sample}");
                samples.push(sample);
            }
            rows.push(Row::new("sqlite+sqlite", mode, samples));
        }
    }

    if selected.contains(&"postgres+memory") {
        rows.extend(postgres_rows(events, runs).await?);
    }

    print_table(events, &rows);
    match peak_rss_kib() {
        Some(kib) => println!("peak RSS of the bench process (VmHWM): {kib} KiB"),
        None => println!("peak RSS not available: /proc/self/status has no VmHWM line"),
    }
    Ok(())
}

#[cfg(feature = "postgres")]
async fn postgres_rows(events: usize, runs: usize) -> BenchResult<Vec<Row>> {
    use hookforge::outbox::postgres::PostgresOutbox;

    let admin = match tokio_postgres::connect(POSTGRES, tokio_postgres::NoTls).await {
        Ok((client, connection)) => {
            tokio::spawn(connection);
            client
        }
        Err(error) => {
            println!(
                "postgres+memory skipped: PostgreSQL at 127.0.0.1:5432 is unreachable ({error})"
            );
            return Ok(Vec::new());
        }
    };
    let mut rows = Vec::new();
    for mode in [Mode::Concurrent, Mode::Prefilled] {
        let mut samples = Vec::new();
        for run in 0..runs {
            let schema = format!("hf_bench_delivery_{}_{run}", std::process::id());
            let drop_schema = format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
            admin.batch_execute(&drop_schema).await?;
            let outbox = PostgresOutbox::connect(POSTGRES, &schema).await?;
            let sample = hookforge_run(outbox, MemoryIdempotency::new(events), mode, events).await;
            admin.batch_execute(&drop_schema).await?;
            let sample = sample?;
            println!("postgres+memory {mode:?} run {run}: {sample}");
            samples.push(sample);
        }
        rows.push(Row::new("postgres+memory", mode, samples));
    }
    Ok(rows)
}

#[cfg(not(feature = "postgres"))]
async fn postgres_rows(_events: usize, _runs: usize) -> BenchResult<Vec<Row>> {
    println!("postgres+memory skipped: built without the `postgres` feature");
    Ok(Vec::new())
}

/// Returns a JSON object of exactly [`BODY_BYTES`] bytes.
fn event_body(sequence: usize) -> Vec<u8> {
    let head = format!(r#"{{"type":"invoice.paid","sequence":{sequence},"padding":""#);
    let tail = "\"}";
    let padding = BODY_BYTES.saturating_sub(head.len() + tail.len());
    let mut body = head.into_bytes();
    body.resize(body.len() + padding, b'x');
    body.extend_from_slice(tail.as_bytes());
    body
}

/// Counts handled events and wakes the waiter when all have arrived.
struct Counter {
    handled: AtomicUsize,
    target: usize,
    all_handled: Notify,
}

impl Counter {
    fn new(target: usize) -> Arc<Self> {
        Arc::new(Self {
            handled: AtomicUsize::new(0),
            target,
            all_handled: Notify::new(),
        })
    }

    fn record(&self) {
        if self.handled.fetch_add(1, Ordering::SeqCst) + 1 == self.target {
            // `notify_one` keeps a permit when no task waits yet.
            self.all_handled.notify_one();
        }
    }

    async fn wait(&self) -> BenchResult<()> {
        tokio::time::timeout(RUN_TIMEOUT, self.all_handled.notified())
            .await
            .map_err(|_| {
                format!(
                    "timed out after {RUN_TIMEOUT:?} with {} of {} events handled",
                    self.handled.load(Ordering::SeqCst),
                    self.target
                )
            })?;
        Ok(())
    }
}

/// Serves `app` on 127.0.0.1 with an OS-chosen port and returns the
/// webhook URL and the server task, which the caller aborts.
async fn serve(app: Router) -> BenchResult<(String, tokio::task::JoinHandle<()>)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let server = tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, app).await {
            eprintln!("bench server failed: {error}");
        }
    });
    Ok((format!("http://{address}/hooks"), server))
}

/// The order of the sends and the worker's start in a hookforge run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Sends run while the worker delivers.
    Concurrent,
    /// All sends finish before the worker starts.
    Prefilled,
}

/// One run's timings.
#[derive(Debug, Clone)]
struct Sample {
    /// Time from the first send until the last `send` returned, or `None`
    /// for the baseline, which has no outbox.
    enqueue: Option<Duration>,
    /// Time from the first send (concurrent) or the worker's start
    /// (prefilled) until the handler counted every event.
    delivery: Duration,
    /// The outbox call statistics, from [`StoreStats::summary`].
    store: Option<String>,
}

impl std::fmt::Display for Sample {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(enqueue) = self.enqueue {
            write!(f, "enqueue {:.3} s, ", enqueue.as_secs_f64())?;
        }
        write!(f, "delivery {:.3} s", self.delivery.as_secs_f64())?;
        if let Some(store) = &self.store {
            write!(f, "\n    outbox: {store}")?;
        }
        Ok(())
    }
}

/// Runs configuration 1 once.
async fn baseline(events: usize, body: &Bytes) -> BenchResult<Sample> {
    let counter = Counter::new(events);
    let handler_counter = Arc::clone(&counter);
    let app = Router::new().route(
        "/hooks",
        post(move |_body: Bytes| {
            handler_counter.record();
            async { StatusCode::NO_CONTENT }
        }),
    );
    let (url, server) = serve(app).await?;
    // With the `tls` feature reqwest is built without a crypto provider and
    // panics unless one is installed. An error means one is installed.
    #[cfg(feature = "tls")]
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CONCURRENCY)
        .build()?;

    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut posters = JoinSet::new();
    for _ in 0..CONCURRENCY {
        let client = client.clone();
        let url = url.clone();
        let body = body.clone();
        let next = Arc::clone(&next);
        posters.spawn(async move {
            while next.fetch_add(1, Ordering::Relaxed) < events {
                let response = client
                    .post(&url)
                    .header("content-type", "application/json")
                    .body(body.clone())
                    .send()
                    .await?;
                if response.status() != StatusCode::NO_CONTENT {
                    return Err(format!("baseline endpoint answered {}", response.status()).into());
                }
            }
            BenchResult::Ok(())
        });
    }
    join_all(posters).await?;
    counter.wait().await?;
    let delivery = started.elapsed();
    server.abort();
    Ok(Sample {
        enqueue: None,
        delivery,
        store: None,
    })
}

/// Waits for every task and returns the first error.
async fn join_all(mut tasks: JoinSet<BenchResult<()>>) -> BenchResult<()> {
    while let Some(joined) = tasks.join_next().await {
        joined??;
    }
    Ok(())
}

/// Runs one hookforge configuration once: `outbox` on the sending side,
/// `idempotency` on the receiving side.
async fn hookforge_run<O, I>(
    outbox: O,
    idempotency: I,
    mode: Mode,
    events: usize,
) -> BenchResult<Sample>
where
    O: OutboxStore,
    I: IdempotencyStore,
{
    let key = SigningKey::hmac_from_bytes(b"hookforge delivery bench key, 32+")?;
    let counter = Counter::new(events);
    let handler_counter = Arc::clone(&counter);
    let receiver = WebhookReceiver::new(Verifier::new(vec![VerifyingKey::from(&key)]), idempotency);
    let route = receiver.route(move |_webhook: VerifiedWebhook| {
        handler_counter.record();
        async { StatusCode::NO_CONTENT }
    });
    let (url, server) = serve(Router::new().route("/hooks", route)).await?;

    let config = SenderConfig {
        concurrency: CONCURRENCY,
        pool_max_idle_per_host: CONCURRENCY,
        ..SenderConfig::default()
    };
    let stats = Arc::new(StoreStats::default());
    let outbox = Observed {
        inner: outbox,
        stats: Arc::clone(&stats),
    };
    let sender = WebhookSender::new(outbox, Signer::new(vec![key]), config)?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let shutdown = async {
        let _ = stopped.await;
    };

    let (enqueue, delivery, worker) = match mode {
        Mode::Concurrent => {
            let worker = spawn_worker(&sender, shutdown);
            let started = Instant::now();
            send_all(&sender, &url, events).await?;
            let enqueue = started.elapsed();
            counter.wait().await?;
            (enqueue, started.elapsed(), worker)
        }
        Mode::Prefilled => {
            let started = Instant::now();
            send_all(&sender, &url, events).await?;
            let enqueue = started.elapsed();
            let worker_started = Instant::now();
            let worker = spawn_worker(&sender, shutdown);
            counter.wait().await?;
            (enqueue, worker_started.elapsed(), worker)
        }
    };

    wait_until_drained(sender.store()).await?;
    let _ = stop.send(());
    worker.await?;
    server.abort();
    let handled = counter.handled.load(Ordering::SeqCst);
    if handled != events {
        return Err(format!("the handler ran {handled} times for {events} events").into());
    }
    Ok(Sample {
        enqueue: Some(enqueue),
        delivery,
        store: Some(stats.summary(events)),
    })
}

fn spawn_worker<O: OutboxStore>(
    sender: &WebhookSender<O>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> tokio::task::JoinHandle<()> {
    let worker = sender.clone();
    tokio::spawn(async move { worker.run(shutdown).await })
}

/// Sends `events` webhooks to `url` from [`CONCURRENCY`] tasks.
async fn send_all<O: OutboxStore>(
    sender: &WebhookSender<O>,
    url: &str,
    events: usize,
) -> BenchResult<()> {
    let next = Arc::new(AtomicUsize::new(0));
    let mut senders = JoinSet::new();
    for _ in 0..CONCURRENCY {
        let sender = sender.clone();
        let url = url.to_owned();
        let next = Arc::clone(&next);
        senders.spawn(async move {
            loop {
                let sequence = next.fetch_add(1, Ordering::Relaxed);
                if sequence >= events {
                    break;
                }
                let webhook = Webhook::new(&url, "invoice.paid", event_body(sequence))
                    .with_header("content-type", "application/json");
                sender.send(webhook).await?;
            }
            BenchResult::Ok(())
        });
    }
    join_all(senders).await
}

/// Waits until the outbox contains no pending row, so the next run starts
/// with the worker idle, and fails when a delivery was dead-lettered.
async fn wait_until_drained<O: OutboxStore>(store: &O) -> BenchResult<()> {
    let started = Instant::now();
    loop {
        let counts = store.counts().await?;
        if counts.dead > 0 {
            return Err(format!("{} deliveries were dead-lettered", counts.dead).into());
        }
        if counts.pending == 0 {
            return Ok(());
        }
        if started.elapsed() > RUN_TIMEOUT {
            return Err(format!(
                "{} deliveries still pending after {RUN_TIMEOUT:?}",
                counts.pending
            )
            .into());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The medians of one configuration's runs.
struct Row {
    name: &'static str,
    mode: Mode,
    enqueue: Option<Stats>,
    delivery: Stats,
}

impl Row {
    fn new(name: &'static str, mode: Mode, samples: Vec<Sample>) -> Self {
        let enqueue: Vec<Duration> = samples.iter().filter_map(|sample| sample.enqueue).collect();
        let delivery: Vec<Duration> = samples.iter().map(|sample| sample.delivery).collect();
        Self {
            name,
            mode,
            enqueue: Stats::of(enqueue),
            delivery: Stats::of(delivery).unwrap_or_default(),
        }
    }
}

/// Median, minimum and maximum of a set of durations.
#[derive(Debug, Clone, Copy, Default)]
struct Stats {
    median: Duration,
    min: Duration,
    max: Duration,
}

impl Stats {
    fn of(mut values: Vec<Duration>) -> Option<Self> {
        values.sort();
        let (min, max) = (*values.first()?, *values.last()?);
        let middle = values.len() / 2;
        let median = if values.len() % 2 == 0 {
            (values[middle - 1] + values[middle]) / 2
        } else {
            values[middle]
        };
        Some(Self { median, min, max })
    }
}

fn rate(events: usize, time: Duration) -> f64 {
    events as f64 / time.as_secs_f64()
}

/// Prints the Markdown table of medians, with each delivery median's
/// ratio to the baseline median of this run.
fn print_table(events: usize, rows: &[Row]) {
    let Some(baseline) = rows.iter().find(|row| row.name == "baseline") else {
        return;
    };
    let base = baseline.delivery.median;
    println!();
    println!("| configuration | mode | enqueue median (min–max) | enqueue events/s | delivery median (min–max) | delivery events/s | delivery time / baseline |");
    println!("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
    for row in rows {
        let enqueue = match row.enqueue {
            Some(stats) => (range(stats), format!("{:.0}", rate(events, stats.median))),
            None => ("–".to_owned(), "–".to_owned()),
        };
        let mode = match (row.name, row.mode) {
            ("baseline", _) => "–",
            (_, Mode::Concurrent) => "concurrent (end to end)",
            (_, Mode::Prefilled) => "prefilled (drain)",
        };
        println!(
            "| {} | {mode} | {} | {} | {} | {:.0} | {:.1}× |",
            row.name,
            enqueue.0,
            enqueue.1,
            range(row.delivery),
            rate(events, row.delivery.median),
            row.delivery.median.as_secs_f64() / base.as_secs_f64(),
        );
    }
    println!();
}

fn range(stats: Stats) -> String {
    format!(
        "{:.3} s ({:.3}–{:.3})",
        stats.median.as_secs_f64(),
        stats.min.as_secs_f64(),
        stats.max.as_secs_f64()
    )
}

/// Reads the process's peak resident set size from `/proc/self/status`.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// A folder under the system temporary folder, removed on drop.
struct TempFolder {
    path: PathBuf,
}

impl TempFolder {
    fn new(label: &str) -> BenchResult<Self> {
        let path = std::env::temp_dir().join(format!(
            "hookforge-bench-delivery-{}-{label}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path)?;
        Ok(Self { path })
    }
}

impl Drop for TempFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// An outbox wrapper that counts calls and the time spent in them, to show
/// how the worker uses the store. Only the methods a delivery run calls
/// are measured.
struct Observed<O> {
    inner: O,
    stats: Arc<StoreStats>,
}

/// Call counts and total wall time of outbox operations, the time including
/// the wait for the store's connection.
#[derive(Default)]
struct StoreStats {
    enqueue_calls: AtomicUsize,
    enqueue_nanos: AtomicUsize,
    claim_calls: AtomicUsize,
    claimed_rows: AtomicUsize,
    claim_nanos: AtomicUsize,
    complete_calls: AtomicUsize,
    complete_nanos: AtomicUsize,
}

impl StoreStats {
    fn add(&self, calls: &AtomicUsize, nanos: &AtomicUsize, started: Instant) {
        calls.fetch_add(1, Ordering::Relaxed);
        let elapsed = usize::try_from(started.elapsed().as_nanos()).unwrap_or(usize::MAX);
        nanos.fetch_add(elapsed, Ordering::Relaxed);
    }

    /// Formats calls per event, rows per claim and mean times per call.
    fn summary(&self, events: usize) -> String {
        let load = |value: &AtomicUsize| value.load(Ordering::Relaxed);
        let mean_ms = |nanos: &AtomicUsize, calls: &AtomicUsize| {
            load(nanos) as f64 / load(calls).max(1) as f64 / 1e6
        };
        format!(
            "enqueue {:.3} ms/call; claim_due {:.2} calls/event, {:.1} rows/call, {:.3} ms/call; \
             complete {:.3} ms/call",
            mean_ms(&self.enqueue_nanos, &self.enqueue_calls),
            load(&self.claim_calls) as f64 / events as f64,
            load(&self.claimed_rows) as f64 / load(&self.claim_calls).max(1) as f64,
            mean_ms(&self.claim_nanos, &self.claim_calls),
            mean_ms(&self.complete_nanos, &self.complete_calls),
        )
    }
}

impl<O: OutboxStore> OutboxStore for Observed<O> {
    async fn enqueue(
        &self,
        delivery: NewDelivery,
        now: SystemTime,
    ) -> Result<DeliveryId, StoreError> {
        let started = Instant::now();
        let result = self.inner.enqueue(delivery, now).await;
        let stats = &self.stats;
        stats.add(&stats.enqueue_calls, &stats.enqueue_nanos, started);
        result
    }

    async fn claim_due(
        &self,
        now: SystemTime,
        limit: u32,
        lease: Duration,
    ) -> Result<Vec<Delivery>, StoreError> {
        let started = Instant::now();
        let result = self.inner.claim_due(now, limit, lease).await;
        let stats = &self.stats;
        stats.add(&stats.claim_calls, &stats.claim_nanos, started);
        if let Ok(rows) = &result {
            stats.claimed_rows.fetch_add(rows.len(), Ordering::Relaxed);
        }
        result
    }

    async fn complete(&self, id: DeliveryId) -> Result<(), StoreError> {
        let started = Instant::now();
        let result = self.inner.complete(id).await;
        let stats = &self.stats;
        stats.add(&stats.complete_calls, &stats.complete_nanos, started);
        result
    }

    async fn retry_later(
        &self,
        id: DeliveryId,
        failure: AttemptFailure,
        retry_at: SystemTime,
    ) -> Result<(), StoreError> {
        self.inner.retry_later(id, failure, retry_at).await
    }

    async fn dead_letter(
        &self,
        id: DeliveryId,
        failure: AttemptFailure,
        now: SystemTime,
    ) -> Result<(), StoreError> {
        self.inner.dead_letter(id, failure, now).await
    }

    async fn list_dead(&self, filter: &DeadLetterFilter) -> Result<Vec<Delivery>, StoreError> {
        self.inner.list_dead(filter).await
    }

    async fn get(&self, id: DeliveryId) -> Result<Option<Delivery>, StoreError> {
        self.inner.get(id).await
    }

    async fn replay(&self, filter: &DeadLetterFilter, now: SystemTime) -> Result<u64, StoreError> {
        self.inner.replay(filter, now).await
    }

    async fn purge(&self, filter: &DeadLetterFilter) -> Result<u64, StoreError> {
        self.inner.purge(filter).await
    }

    async fn counts(&self) -> Result<OutboxCounts, StoreError> {
        self.inner.counts().await
    }
}
