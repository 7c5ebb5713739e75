//! Backoff, `Retry-After` parsing, classification and the retry decision.
#![cfg(feature = "delivery")]

use std::time::{Duration, SystemTime};

use hookforge::retry::{
    classify, parse_retry_after, AttemptOutcome, DeadLetterReason, NextStep, RetryPolicy, Verdict,
};
use http::StatusCode;

/// 1_000_000_000 seconds after the epoch: Sun, 09 Sep 2001 01:46:40 GMT.
fn billennium() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000)
}

/// Computes min(cap, base * 2^retry) by repeated doubling, independently of
/// the policy's own arithmetic.
fn expected_ceiling(policy: &RetryPolicy, retry: u32) -> Duration {
    let mut ceiling = policy.base;
    for _ in 0..retry {
        if ceiling >= policy.cap {
            break;
        }
        ceiling = ceiling.saturating_mul(2);
    }
    ceiling.min(policy.cap)
}

#[test]
fn jitter_stays_within_ceiling() {
    let policy = RetryPolicy {
        base: Duration::from_millis(250),
        cap: Duration::from_secs(90),
        ..RetryPolicy::default()
    };
    let mut rng = fastrand::Rng::with_seed(7);
    for retry in 0..40 {
        let ceiling = expected_ceiling(&policy, retry);
        for _ in 0..2_000 {
            let delay = policy.backoff(retry, &mut || rng.f64());
            assert!(
                delay <= ceiling,
                "retry {retry}: {delay:?} above ceiling {ceiling:?}"
            );
        }
    }
}

#[test]
fn jitter_mean_is_half_ceiling() {
    let policy = RetryPolicy {
        base: Duration::from_secs(1),
        cap: Duration::from_secs(3600),
        ..RetryPolicy::default()
    };
    let mut rng = fastrand::Rng::with_seed(42);
    for retry in [0, 3, 8, 20] {
        let ceiling = expected_ceiling(&policy, retry).as_secs_f64();
        let samples: Vec<f64> = (0..20_000)
            .map(|_| policy.backoff(retry, &mut || rng.f64()).as_secs_f64())
            .collect();
        let mean = samples.iter().sum::<f64>() / samples.len() as f64;
        let min = samples.iter().copied().fold(f64::INFINITY, f64::min);
        let max = samples.iter().copied().fold(0.0, f64::max);

        // The standard error of the mean is ceiling / sqrt(12 * 20_000),
        // about 0.002 of the ceiling, so 0.02 is ten standard errors.
        let relative_mean = mean / ceiling;
        assert!(
            (relative_mean - 0.5).abs() < 0.02,
            "retry {retry}: mean {relative_mean} of the ceiling"
        );
        assert!(min / ceiling < 0.01, "retry {retry}: smallest sample {min}");
        assert!(max / ceiling > 0.99, "retry {retry}: largest sample {max}");
    }
}

#[test]
fn jitter_extremes_hit_zero_and_ceiling() {
    let policy = RetryPolicy::default();
    assert_eq!(policy.backoff(2, &mut || 0.0), Duration::ZERO);
    assert_eq!(policy.backoff(2, &mut || 1.0), Duration::from_secs(4));
    assert_eq!(policy.backoff(2, &mut || 0.25), Duration::from_secs(1));
}

#[test]
fn jitter_clamps_bad_random_values() {
    let policy = RetryPolicy::default();
    assert_eq!(policy.backoff(1, &mut || f64::NAN), Duration::ZERO);
    assert_eq!(policy.backoff(1, &mut || -3.0), Duration::ZERO);
    assert_eq!(policy.backoff(1, &mut || 7.0), Duration::from_secs(2));
    assert_eq!(
        policy.backoff(1, &mut || f64::INFINITY),
        Duration::from_secs(2)
    );
}

#[test]
fn huge_retry_numbers_do_not_overflow() {
    let policy = RetryPolicy::default();
    for retry in [31, 32, 63, 64, 65, 127, 128, 1_000, u32::MAX - 1, u32::MAX] {
        assert_eq!(
            policy.backoff(retry, &mut || 1.0),
            policy.cap,
            "retry {retry}"
        );
        assert!(
            policy.backoff(retry, &mut || 0.5) <= policy.cap,
            "retry {retry}"
        );
    }

    let unbounded = RetryPolicy {
        base: Duration::from_secs(u64::MAX / 2),
        cap: Duration::MAX,
        ..RetryPolicy::default()
    };
    for retry in [0, 1, 2, 64, u32::MAX] {
        let delay = unbounded.backoff(retry, &mut || 1.0);
        assert!(delay >= unbounded.base, "retry {retry}: {delay:?}");
        let delay = unbounded.backoff(retry, &mut || 0.999_999);
        assert!(delay >= unbounded.base / 2, "retry {retry}: {delay:?}");
    }
}

#[test]
fn zero_base_never_waits() {
    let policy = RetryPolicy {
        base: Duration::ZERO,
        ..RetryPolicy::default()
    };
    assert_eq!(policy.backoff(0, &mut || 1.0), Duration::ZERO);
    assert_eq!(policy.backoff(u32::MAX, &mut || 1.0), Duration::ZERO);
}

#[test]
fn retry_after_delta_seconds() {
    let now = billennium();
    let cases = [
        ("0", 0),
        ("1", 1),
        ("120", 120),
        (" 30\t", 30),
        ("007", 7),
        ("18446744073709551615", u64::MAX),
        ("99999999999999999999999", u64::MAX),
    ];
    for (value, seconds) in cases {
        assert_eq!(
            parse_retry_after(value, now),
            Some(Duration::from_secs(seconds)),
            "value {value:?}"
        );
    }
}

#[test]
fn retry_after_http_dates() {
    let now = billennium();
    let cases = [
        // IMF-fixdate, RFC 850 and asctime forms of the same instant.
        ("Sun, 09 Sep 2001 01:47:40 GMT", 60),
        ("Sunday, 09-Sep-01 01:47:40 GMT", 60),
        ("Sun Sep  9 01:47:40 2001", 60),
        ("Sun, 09 Sep 2001 01:46:40 GMT", 0),
    ];
    for (value, seconds) in cases {
        assert_eq!(
            parse_retry_after(value, now),
            Some(Duration::from_secs(seconds)),
            "value {value:?}"
        );
    }

    let later = httpdate::fmt_http_date(now + Duration::from_secs(3 * 3600));
    assert_eq!(
        parse_retry_after(&later, now),
        Some(Duration::from_secs(3 * 3600))
    );
}

#[test]
fn retry_after_past_date_is_zero() {
    let now = billennium();
    assert_eq!(
        parse_retry_after("Sat, 01 Jan 2000 00:00:00 GMT", now),
        Some(Duration::ZERO)
    );
    assert_eq!(
        parse_retry_after("Sun, 09 Sep 2001 01:46:39 GMT", now),
        Some(Duration::ZERO)
    );
}

#[test]
fn retry_after_rejects_garbage() {
    let now = billennium();
    let garbage = [
        "",
        "   ",
        "-5",
        "+5",
        "1.5",
        "10s",
        "5 0",
        "0x10",
        "soon",
        "Sun, 32 Sep 2001 01:46:40 GMT",
        "Sun, 09 Sep 2001 25:46:40 GMT",
        "Sun, 09 Sep 2001 01:46:40 UTC",
        "2001-09-09T01:46:40Z",
        "١٢",
    ];
    for value in garbage {
        assert_eq!(parse_retry_after(value, now), None, "value {value:?}");
    }
}

#[test]
fn classification_covers_every_status() {
    for code in 100..=999u16 {
        let status = StatusCode::from_u16(code).expect("codes 100 to 999 are valid");
        let expected = match code {
            200..=299 => Verdict::Delivered,
            408 | 429 => Verdict::Retry,
            500..=599 => Verdict::Retry,
            _ => Verdict::GiveUp,
        };
        assert_eq!(
            classify(&AttemptOutcome::Response(status)),
            expected,
            "status {code}"
        );
    }
}

#[test]
fn classification_of_named_statuses() {
    let table = [
        (StatusCode::CONTINUE, Verdict::GiveUp),
        (StatusCode::OK, Verdict::Delivered),
        (StatusCode::ACCEPTED, Verdict::Delivered),
        (StatusCode::NO_CONTENT, Verdict::Delivered),
        (StatusCode::MOVED_PERMANENTLY, Verdict::GiveUp),
        (StatusCode::TEMPORARY_REDIRECT, Verdict::GiveUp),
        (StatusCode::PERMANENT_REDIRECT, Verdict::GiveUp),
        (StatusCode::BAD_REQUEST, Verdict::GiveUp),
        (StatusCode::UNAUTHORIZED, Verdict::GiveUp),
        (StatusCode::NOT_FOUND, Verdict::GiveUp),
        (StatusCode::REQUEST_TIMEOUT, Verdict::Retry),
        (StatusCode::GONE, Verdict::GiveUp),
        (StatusCode::PAYLOAD_TOO_LARGE, Verdict::GiveUp),
        (StatusCode::TOO_MANY_REQUESTS, Verdict::Retry),
        (StatusCode::INTERNAL_SERVER_ERROR, Verdict::Retry),
        (StatusCode::NOT_IMPLEMENTED, Verdict::Retry),
        (StatusCode::BAD_GATEWAY, Verdict::Retry),
        (StatusCode::SERVICE_UNAVAILABLE, Verdict::Retry),
        (StatusCode::GATEWAY_TIMEOUT, Verdict::Retry),
    ];
    for (status, verdict) in table {
        assert_eq!(
            classify(&AttemptOutcome::Response(status)),
            verdict,
            "status {status}"
        );
    }
}

#[test]
fn classification_without_response() {
    assert_eq!(classify(&AttemptOutcome::ConnectionFailed), Verdict::Retry);
    assert_eq!(classify(&AttemptOutcome::TimedOut), Verdict::Retry);
    assert_eq!(classify(&AttemptOutcome::InvalidRequest), Verdict::GiveUp);
}

fn policy_for_steps() -> RetryPolicy {
    RetryPolicy {
        base: Duration::from_secs(10),
        cap: Duration::from_secs(100),
        max_attempts: 5,
        deadline: Duration::from_secs(1_000),
        max_retry_after: Duration::from_secs(300),
    }
}

#[test]
fn next_attempt_passes_through_final_verdicts() {
    let policy = policy_for_steps();
    let start = billennium();
    let step = policy.next_attempt(1, start, start, Verdict::Delivered, None, &mut || 1.0);
    assert_eq!(step, NextStep::Delivered);

    let step = policy.next_attempt(
        1,
        start,
        start,
        Verdict::GiveUp,
        Some(Duration::from_secs(5)),
        &mut || 1.0,
    );
    assert_eq!(
        step,
        NextStep::DeadLetter(DeadLetterReason::PermanentFailure)
    );
}

#[test]
fn next_attempt_uses_backoff_of_previous_failures() {
    let policy = policy_for_steps();
    let start = billennium();
    let now = start + Duration::from_secs(50);
    // After k attempts the ceiling is base * 2^(k - 1), capped at 100 s.
    for (attempts, ceiling) in [(1, 10), (2, 20), (3, 40), (4, 80)] {
        let step = policy.next_attempt(attempts, start, now, Verdict::Retry, None, &mut || 1.0);
        assert_eq!(
            step,
            NextStep::RetryAt(now + Duration::from_secs(ceiling)),
            "after {attempts} attempts"
        );
    }
}

#[test]
fn next_attempt_treats_zero_attempts_as_one() {
    let policy = policy_for_steps();
    let start = billennium();
    let step = policy.next_attempt(0, start, start, Verdict::Retry, None, &mut || 1.0);
    assert_eq!(step, NextStep::RetryAt(start + Duration::from_secs(10)));
}

#[test]
fn retry_after_longer_than_backoff_wins() {
    let policy = policy_for_steps();
    let start = billennium();
    let step = policy.next_attempt(
        1,
        start,
        start,
        Verdict::Retry,
        Some(Duration::from_secs(120)),
        &mut || 0.5,
    );
    assert_eq!(step, NextStep::RetryAt(start + Duration::from_secs(120)));
}

#[test]
fn retry_after_shorter_than_backoff_is_ignored() {
    let policy = policy_for_steps();
    let start = billennium();
    let step = policy.next_attempt(
        3,
        start,
        start,
        Verdict::Retry,
        Some(Duration::ZERO),
        &mut || 0.5,
    );
    assert_eq!(step, NextStep::RetryAt(start + Duration::from_secs(20)));
}

#[test]
fn retry_after_is_clamped() {
    let policy = policy_for_steps();
    let start = billennium();
    let step = policy.next_attempt(
        1,
        start,
        start,
        Verdict::Retry,
        Some(Duration::from_secs(86_400)),
        &mut || 0.0,
    );
    assert_eq!(step, NextStep::RetryAt(start + Duration::from_secs(300)));
}

#[test]
fn max_attempts_turns_retry_into_dead_letter() {
    let policy = policy_for_steps();
    let start = billennium();
    let step = policy.next_attempt(4, start, start, Verdict::Retry, None, &mut || 0.0);
    assert_eq!(step, NextStep::RetryAt(start));

    for attempts in [5, 6, u32::MAX] {
        let step = policy.next_attempt(attempts, start, start, Verdict::Retry, None, &mut || 0.0);
        assert_eq!(
            step,
            NextStep::DeadLetter(DeadLetterReason::AttemptsExhausted { attempts }),
            "after {attempts} attempts"
        );
    }
}

#[test]
fn one_attempt_policy_never_retries() {
    for max_attempts in [0, 1] {
        let policy = RetryPolicy {
            max_attempts,
            ..policy_for_steps()
        };
        let start = billennium();
        let step = policy.next_attempt(1, start, start, Verdict::Retry, None, &mut || 0.0);
        assert_eq!(
            step,
            NextStep::DeadLetter(DeadLetterReason::AttemptsExhausted { attempts: 1 }),
            "max_attempts {max_attempts}"
        );
    }
}

#[test]
fn deadline_turns_retry_into_dead_letter() {
    let policy = policy_for_steps();
    let start = billennium();
    let deadline = DeadLetterReason::DeadlineExceeded {
        deadline: Duration::from_secs(1_000),
    };

    // A retry landing exactly on the deadline is still made.
    let now = start + Duration::from_secs(990);
    let step = policy.next_attempt(1, start, now, Verdict::Retry, None, &mut || 1.0);
    assert_eq!(step, NextStep::RetryAt(start + Duration::from_secs(1_000)));

    let now = start + Duration::from_secs(991);
    let step = policy.next_attempt(1, start, now, Verdict::Retry, None, &mut || 1.0);
    assert_eq!(step, NextStep::DeadLetter(deadline));

    // A long Retry-After can push the retry past the deadline too.
    let now = start + Duration::from_secs(800);
    let step = policy.next_attempt(
        1,
        start,
        now,
        Verdict::Retry,
        Some(Duration::from_secs(250)),
        &mut || 0.0,
    );
    assert_eq!(step, NextStep::DeadLetter(deadline));
}

#[test]
fn clock_behind_first_attempt_still_retries() {
    let policy = policy_for_steps();
    let start = billennium();
    let now = start - Duration::from_secs(30);
    let step = policy.next_attempt(1, start, now, Verdict::Retry, None, &mut || 1.0);
    assert_eq!(step, NextStep::RetryAt(now + Duration::from_secs(10)));
}

#[test]
fn times_near_end_of_time_do_not_panic() {
    let policy = RetryPolicy {
        deadline: Duration::MAX,
        ..policy_for_steps()
    };
    let start = billennium();
    let step = policy.next_attempt(1, start, start, Verdict::Retry, None, &mut || 1.0);
    assert_eq!(step, NextStep::RetryAt(start + Duration::from_secs(10)));

    let far = RetryPolicy {
        base: Duration::MAX,
        cap: Duration::MAX,
        max_retry_after: Duration::MAX,
        ..policy_for_steps()
    };
    let step = far.next_attempt(1, start, start, Verdict::Retry, None, &mut || 1.0);
    assert!(matches!(
        step,
        NextStep::DeadLetter(DeadLetterReason::DeadlineExceeded { .. })
    ));
}

#[test]
fn default_schedule_ends_by_attempts_within_deadline() {
    let policy = RetryPolicy::default();
    let start = billennium();
    let mut now = start;
    let mut attempts = 1;
    let step = loop {
        match policy.next_attempt(attempts, start, now, Verdict::Retry, None, &mut || 1.0) {
            NextStep::RetryAt(at) => {
                now = at;
                attempts += 1;
            }
            other => break other,
        }
    };
    assert_eq!(
        step,
        NextStep::DeadLetter(DeadLetterReason::AttemptsExhausted { attempts: 25 })
    );
    // Ceilings 1 s to 2048 s (sum 4095 s), then twelve at 1 h.
    let elapsed = now.duration_since(start).expect("time moved forward");
    assert_eq!(elapsed, Duration::from_secs(4_095 + 12 * 3_600));
    assert!(elapsed < policy.deadline);
}

#[test]
fn dead_letter_reasons_read_as_sentences() {
    assert_eq!(
        DeadLetterReason::AttemptsExhausted { attempts: 8 }.to_string(),
        "gave up after 8 attempts"
    );
    assert_eq!(
        DeadLetterReason::DeadlineExceeded {
            deadline: Duration::from_secs(60)
        }
        .to_string(),
        "the next retry would start after the 60s deadline"
    );
}
