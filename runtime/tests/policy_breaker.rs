//! Circuit breaker transitions, driven by explicit times and a fake clock.
#![cfg(feature = "delivery")]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hookforge::breaker::{
    BreakerConfig, BreakerRegistry, BreakerState, CircuitBreaker, Clock, Rejected,
};
use hookforge::retry::AttemptOutcome;
use http::StatusCode;

const ENDPOINT: &str = "https://hooks.example.test/orders";

fn secs(seconds: u64) -> Duration {
    Duration::from_secs(seconds)
}

/// A breaker that trips only on the failure ratio.
fn ratio_config() -> BreakerConfig {
    BreakerConfig {
        failure_ratio: 0.5,
        window: secs(60),
        min_requests: 10,
        consecutive_failures: 0,
        cool_down: secs(30),
        half_open_probes: 1,
    }
}

/// A breaker that trips only on consecutive failures.
fn consecutive_config(failures: u32) -> BreakerConfig {
    BreakerConfig {
        min_requests: u32::MAX,
        consecutive_failures: failures,
        ..ratio_config()
    }
}

fn succeed(breaker: &mut CircuitBreaker, now: Instant) {
    let permit = breaker
        .try_acquire(now)
        .expect("breaker lets the attempt through");
    breaker.record_success(permit, now);
}

fn fail(breaker: &mut CircuitBreaker, now: Instant) {
    let permit = breaker
        .try_acquire(now)
        .expect("breaker lets the attempt through");
    breaker.record_failure(permit, now);
}

/// Opens a breaker configured by `consecutive_config(1)` at `now`.
fn opened_breaker(config: BreakerConfig, now: Instant) -> CircuitBreaker {
    let mut breaker = CircuitBreaker::new(ENDPOINT, config);
    fail(&mut breaker, now);
    assert_eq!(breaker.state(), BreakerState::Open);
    breaker
}

#[test]
fn ratio_trips_once_min_requests_reached() {
    let start = Instant::now();
    let mut breaker = CircuitBreaker::new(ENDPOINT, ratio_config());
    for _ in 0..3 {
        succeed(&mut breaker, start);
    }
    for _ in 0..6 {
        fail(&mut breaker, start);
    }
    // 6 of 9 failed, but fewer than 10 attempts are in the window.
    assert_eq!(breaker.state(), BreakerState::Closed);

    fail(&mut breaker, start + secs(1));
    assert_eq!(breaker.state(), BreakerState::Open);
}

#[test]
fn ratio_at_threshold_trips() {
    let start = Instant::now();
    let mut breaker = CircuitBreaker::new(ENDPOINT, ratio_config());
    for _ in 0..5 {
        succeed(&mut breaker, start);
    }
    for _ in 0..4 {
        fail(&mut breaker, start);
    }
    assert_eq!(breaker.state(), BreakerState::Closed);
    // The tenth attempt makes it 5 failures of 10: exactly the threshold.
    fail(&mut breaker, start);
    assert_eq!(breaker.state(), BreakerState::Open);
}

#[test]
fn ratio_below_threshold_stays_closed() {
    let start = Instant::now();
    let mut breaker = CircuitBreaker::new(ENDPOINT, ratio_config());
    for round in 0..20 {
        let now = start + Duration::from_millis(round * 100);
        // Two successes per failure: a third of attempts fail.
        succeed(&mut breaker, now);
        succeed(&mut breaker, now);
        fail(&mut breaker, now);
        assert_eq!(breaker.state(), BreakerState::Closed, "round {round}");
    }
}

#[test]
fn min_requests_not_reached_stays_closed() {
    let start = Instant::now();
    let mut breaker = CircuitBreaker::new(ENDPOINT, ratio_config());
    for attempt in 0..9 {
        fail(&mut breaker, start + secs(attempt));
    }
    assert_eq!(breaker.state(), BreakerState::Closed);
}

#[test]
fn consecutive_failures_trip() {
    let start = Instant::now();
    let mut breaker = CircuitBreaker::new(ENDPOINT, consecutive_config(3));
    fail(&mut breaker, start);
    fail(&mut breaker, start);
    assert_eq!(breaker.state(), BreakerState::Closed);
    fail(&mut breaker, start);
    assert_eq!(breaker.state(), BreakerState::Open);
}

#[test]
fn success_resets_consecutive_count() {
    let start = Instant::now();
    let mut breaker = CircuitBreaker::new(ENDPOINT, consecutive_config(3));
    for _ in 0..10 {
        fail(&mut breaker, start);
        fail(&mut breaker, start);
        succeed(&mut breaker, start);
    }
    assert_eq!(breaker.state(), BreakerState::Closed);
}

#[test]
fn zero_consecutive_threshold_never_trips() {
    let start = Instant::now();
    let mut breaker = CircuitBreaker::new(ENDPOINT, consecutive_config(0));
    for _ in 0..100 {
        fail(&mut breaker, start);
    }
    assert_eq!(breaker.state(), BreakerState::Closed);
}

#[test]
fn window_slides_old_results_out() {
    let start = Instant::now();
    let config = ratio_config();

    // Nine failures at the start, then one more after the window passed:
    // only one attempt remains in the window.
    let mut breaker = CircuitBreaker::new(ENDPOINT, config);
    for _ in 0..9 {
        fail(&mut breaker, start);
    }
    fail(&mut breaker, start + secs(67));
    assert_eq!(breaker.state(), BreakerState::Closed);

    // The same tenth failure inside the window trips the breaker.
    let mut breaker = CircuitBreaker::new(ENDPOINT, config);
    for _ in 0..9 {
        fail(&mut breaker, start);
    }
    fail(&mut breaker, start + secs(30));
    assert_eq!(breaker.state(), BreakerState::Open);

    // A result counts for at least the whole window.
    let mut breaker = CircuitBreaker::new(ENDPOINT, config);
    for _ in 0..9 {
        fail(&mut breaker, start);
    }
    fail(&mut breaker, start + secs(60));
    assert_eq!(breaker.state(), BreakerState::Open);
}

#[test]
fn window_slides_old_successes_out() {
    let start = Instant::now();
    let mut breaker = CircuitBreaker::new(ENDPOINT, ratio_config());
    for _ in 0..20 {
        succeed(&mut breaker, start);
    }
    for _ in 0..9 {
        fail(&mut breaker, start + secs(50));
    }
    // 9 failures of 29 attempts.
    assert_eq!(breaker.state(), BreakerState::Closed);

    // At 70 s the early successes have left the window, so the window holds
    // 10 failures of 10 attempts.
    fail(&mut breaker, start + secs(70));
    assert_eq!(breaker.state(), BreakerState::Open);
}

#[test]
fn open_breaker_rejects_until_cool_down() {
    let start = Instant::now();
    let mut breaker = opened_breaker(consecutive_config(1), start);

    let rejected = breaker
        .try_acquire(start)
        .expect_err("breaker rejects the attempt");
    assert_eq!(rejected, Rejected { retry_in: secs(30) });
    let rejected = breaker
        .try_acquire(start + secs(25))
        .expect_err("breaker rejects the attempt");
    assert_eq!(rejected.retry_in, secs(5));
    assert_eq!(breaker.state(), BreakerState::Open);

    let probe = breaker
        .try_acquire(start + secs(30))
        .expect("cool-down has passed");
    assert!(probe.is_probe());
    assert_eq!(breaker.state(), BreakerState::HalfOpen);
    breaker.release(probe);
}

#[test]
fn half_open_limits_probes() {
    let start = Instant::now();
    let config = BreakerConfig {
        half_open_probes: 2,
        ..consecutive_config(1)
    };
    let mut breaker = opened_breaker(config, start);
    let now = start + secs(31);

    let first = breaker.try_acquire(now).expect("first probe");
    let second = breaker.try_acquire(now).expect("second probe");
    assert!(first.is_probe());
    assert!(second.is_probe());
    let rejected = breaker
        .try_acquire(now)
        .expect_err("breaker rejects the attempt");
    assert_eq!(rejected.retry_in, config.cool_down);

    // A released probe frees its slot.
    breaker.release(second);
    let third = breaker.try_acquire(now).expect("slot freed by release");
    assert!(breaker.try_acquire(now).is_err());

    breaker.record_success(first, now);
    breaker.record_success(third, now);
    assert_eq!(breaker.state(), BreakerState::Closed);
}

#[test]
fn zero_probes_means_one() {
    let start = Instant::now();
    let config = BreakerConfig {
        half_open_probes: 0,
        ..consecutive_config(1)
    };
    let mut breaker = opened_breaker(config, start);
    let probe = breaker.try_acquire(start + secs(30)).expect("one probe");
    assert!(breaker.try_acquire(start + secs(30)).is_err());
    breaker.record_success(probe, start + secs(30));
    assert_eq!(breaker.state(), BreakerState::Closed);
}

#[test]
fn all_probes_must_succeed_to_close() {
    let start = Instant::now();
    let config = BreakerConfig {
        half_open_probes: 3,
        ..consecutive_config(1)
    };
    let mut breaker = opened_breaker(config, start);
    let now = start + secs(30);
    let probes: Vec<_> = (0..3)
        .map(|_| breaker.try_acquire(now).expect("probe"))
        .collect();

    let mut probes = probes.into_iter();
    for _ in 0..2 {
        let probe = probes.next().expect("three probes");
        breaker.record_success(probe, now);
        assert_eq!(breaker.state(), BreakerState::HalfOpen);
    }
    let last = probes.next().expect("three probes");
    breaker.record_success(last, now);
    assert_eq!(breaker.state(), BreakerState::Closed);
}

#[test]
fn probe_failure_reopens() {
    let start = Instant::now();
    let config = BreakerConfig {
        half_open_probes: 2,
        ..consecutive_config(1)
    };
    let mut breaker = opened_breaker(config, start);
    let probe_time = start + secs(30);
    let good = breaker.try_acquire(probe_time).expect("probe");
    let bad = breaker.try_acquire(probe_time).expect("probe");

    breaker.record_success(good, probe_time);
    let failed_at = probe_time + secs(2);
    breaker.record_failure(bad, failed_at);
    assert_eq!(breaker.state(), BreakerState::Open);

    // The new cool-down runs from the probe failure.
    let rejected = breaker
        .try_acquire(failed_at + secs(10))
        .expect_err("breaker rejects the attempt");
    assert_eq!(rejected.retry_in, secs(20));
}

#[test]
fn late_probe_result_after_reopen_is_ignored() {
    let start = Instant::now();
    let config = BreakerConfig {
        half_open_probes: 2,
        ..consecutive_config(1)
    };
    let mut breaker = opened_breaker(config, start);
    let now = start + secs(30);
    let bad = breaker.try_acquire(now).expect("probe");
    let slow = breaker.try_acquire(now).expect("probe");
    breaker.record_failure(bad, now);
    assert_eq!(breaker.state(), BreakerState::Open);

    // The second probe of the previous half-open period finishes late.
    breaker.record_success(slow, now + secs(1));
    assert_eq!(breaker.state(), BreakerState::Open);
}

#[test]
fn stale_closed_permit_cannot_close_half_open() {
    let start = Instant::now();
    let mut breaker = CircuitBreaker::new(ENDPOINT, consecutive_config(1));
    let slow = breaker.try_acquire(start).expect("closed");
    fail(&mut breaker, start);
    assert_eq!(breaker.state(), BreakerState::Open);

    let probe = breaker.try_acquire(start + secs(30)).expect("probe");
    // A success that started while closed says nothing about recovery.
    breaker.record_success(slow, start + secs(31));
    assert_eq!(breaker.state(), BreakerState::HalfOpen);
    breaker.record_failure(probe, start + secs(31));
    assert_eq!(breaker.state(), BreakerState::Open);
}

#[test]
fn closing_starts_a_fresh_window() {
    let start = Instant::now();
    let mut breaker = CircuitBreaker::new(ENDPOINT, ratio_config());
    for _ in 0..10 {
        fail(&mut breaker, start);
    }
    assert_eq!(breaker.state(), BreakerState::Open);
    succeed(&mut breaker, start + secs(30));
    assert_eq!(breaker.state(), BreakerState::Closed);

    // The ten failures from before the breaker opened no longer count.
    for _ in 0..9 {
        fail(&mut breaker, start + secs(31));
    }
    assert_eq!(breaker.state(), BreakerState::Closed);
}

/// A clock that moves only when a test advances it.
struct FakeClock {
    now: Mutex<Instant>,
}

impl FakeClock {
    fn new() -> Arc<Self> {
        Arc::new(Self {
            now: Mutex::new(Instant::now()),
        })
    }

    fn advance(&self, by: Duration) {
        let mut now = self.now.lock().expect("clock lock");
        *now += by;
    }
}

impl Clock for FakeClock {
    fn now(&self) -> Instant {
        *self.now.lock().expect("clock lock")
    }
}

#[test]
fn registry_keeps_endpoints_apart() {
    let clock = FakeClock::new();
    let registry = BreakerRegistry::with_clock(consecutive_config(2), Arc::clone(&clock));
    for _ in 0..2 {
        registry.try_acquire("a").expect("closed").failure();
    }
    registry.try_acquire("b").expect("closed").failure();

    assert_eq!(registry.state("a"), BreakerState::Open);
    assert_eq!(registry.state("b"), BreakerState::Closed);
    assert_eq!(registry.state("never-seen"), BreakerState::Closed);
    assert!(registry.try_acquire("a").is_err());
    assert!(registry.try_acquire("b").is_ok());
}

#[test]
fn registry_follows_fake_clock() {
    let clock = FakeClock::new();
    let registry = BreakerRegistry::with_clock(consecutive_config(1), Arc::clone(&clock));
    registry.try_acquire(ENDPOINT).expect("closed").failure();

    clock.advance(secs(12));
    let rejected = registry
        .try_acquire(ENDPOINT)
        .expect_err("breaker rejects the attempt");
    assert_eq!(rejected.retry_in, secs(18));

    clock.advance(secs(18));
    let probe = registry.try_acquire(ENDPOINT).expect("cool-down over");
    assert!(probe.is_probe());
    assert_eq!(probe.endpoint(), ENDPOINT);
    assert_eq!(registry.state(ENDPOINT), BreakerState::HalfOpen);
    probe.success();
    assert_eq!(registry.state(ENDPOINT), BreakerState::Closed);
}

#[test]
fn dropped_probe_frees_its_slot() {
    let clock = FakeClock::new();
    let registry = BreakerRegistry::with_clock(consecutive_config(1), Arc::clone(&clock));
    registry.try_acquire(ENDPOINT).expect("closed").failure();
    clock.advance(secs(30));

    let probe = registry.try_acquire(ENDPOINT).expect("probe");
    assert!(registry.try_acquire(ENDPOINT).is_err());
    drop(probe);
    let probe = registry.try_acquire(ENDPOINT).expect("slot freed by drop");
    probe.failure();
    assert_eq!(registry.state(ENDPOINT), BreakerState::Open);
}

#[test]
fn permit_record_maps_outcomes() {
    let clock = FakeClock::new();
    let registry = BreakerRegistry::with_clock(consecutive_config(2), Arc::clone(&clock));

    // Answers the endpoint gave, however unwelcome, are not failures.
    for status in [StatusCode::OK, StatusCode::NOT_FOUND, StatusCode::GONE] {
        registry
            .try_acquire(ENDPOINT)
            .expect("closed")
            .record(&AttemptOutcome::Response(status));
        registry
            .try_acquire(ENDPOINT)
            .expect("closed")
            .record(&AttemptOutcome::InvalidRequest);
    }
    registry
        .try_acquire(ENDPOINT)
        .expect("closed")
        .record(&AttemptOutcome::Response(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(registry.state(ENDPOINT), BreakerState::Closed);

    // An invalid request between two failures does not reset the count.
    registry
        .try_acquire(ENDPOINT)
        .expect("closed")
        .record(&AttemptOutcome::InvalidRequest);
    registry
        .try_acquire(ENDPOINT)
        .expect("closed")
        .record(&AttemptOutcome::TimedOut);
    assert_eq!(registry.state(ENDPOINT), BreakerState::Open);
}

#[test]
fn concurrent_acquires_respect_probe_limit() {
    let clock = FakeClock::new();
    let config = BreakerConfig {
        half_open_probes: 3,
        ..consecutive_config(1)
    };
    let registry = BreakerRegistry::with_clock(config, Arc::clone(&clock));
    registry.try_acquire(ENDPOINT).expect("closed").failure();
    clock.advance(secs(30));

    let granted = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..8 {
            scope.spawn(|| {
                for _ in 0..50 {
                    if let Ok(permit) = registry.try_acquire(ENDPOINT) {
                        granted.lock().expect("granted lock").push(permit);
                    }
                }
            });
        }
    });
    let granted = granted.into_inner().expect("granted lock");
    assert_eq!(granted.len(), 3);
    assert!(granted.iter().all(|permit| permit.is_probe()));

    for permit in granted {
        permit.success();
    }
    assert_eq!(registry.state(ENDPOINT), BreakerState::Closed);
}

#[test]
fn rejection_reads_as_sentence() {
    let rejected = Rejected { retry_in: secs(5) };
    assert_eq!(
        rejected.to_string(),
        "the circuit breaker rejected the attempt, retry in 5s"
    );
}

/// A log event's level and fields, each value in `Debug` form.
type RecordedEvent = (tracing::Level, Vec<(String, String)>);

/// A subscriber that stores the level and fields of every event.
#[derive(Clone, Default)]
struct EventRecorder {
    events: Arc<Mutex<Vec<RecordedEvent>>>,
}

struct FieldVisitor<'a>(&'a mut Vec<(String, String)>);

impl tracing::field::Visit for FieldVisitor<'_> {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.push((field.name().to_owned(), value.to_owned()));
    }

    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push((field.name().to_owned(), format!("{value:?}")));
    }
}

impl tracing::Subscriber for EventRecorder {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }

    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        let mut fields = Vec::new();
        event.record(&mut FieldVisitor(&mut fields));
        let level = *event.metadata().level();
        self.events
            .lock()
            .expect("event lock")
            .push((level, fields));
    }

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

#[test]
fn transitions_are_logged_with_states() {
    let recorder = EventRecorder::default();
    let start = Instant::now();
    tracing::subscriber::with_default(recorder.clone(), || {
        let mut breaker = CircuitBreaker::new(ENDPOINT, consecutive_config(1));
        fail(&mut breaker, start);
        let probe = breaker.try_acquire(start + secs(30)).expect("probe");
        breaker.record_failure(probe, start + secs(30));
        let probe = breaker.try_acquire(start + secs(60)).expect("probe");
        breaker.record_success(probe, start + secs(60));
    });

    let events = recorder.events.lock().expect("event lock");
    let transitions: Vec<_> = events
        .iter()
        .map(|(level, fields)| {
            assert_eq!(field(fields, "endpoint"), Some(ENDPOINT), "{fields:?}");
            (
                *level,
                field(fields, "from").unwrap_or_default(),
                field(fields, "to").unwrap_or_default(),
            )
        })
        .collect();
    let expected = vec![
        (tracing::Level::WARN, "closed", "open"),
        (tracing::Level::INFO, "open", "half_open"),
        (tracing::Level::WARN, "half_open", "open"),
        (tracing::Level::INFO, "open", "half_open"),
        (tracing::Level::INFO, "half_open", "closed"),
    ];
    assert_eq!(transitions, expected);
}
