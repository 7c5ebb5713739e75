//! Success and failure counts over a sliding time window.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// Buckets per window: results leave the window in steps of a tenth of it.
const BUCKETS: u32 = 10;

/// Counts of results over the last `span`, kept in [`BUCKETS`] buckets so
/// that memory stays bounded whatever the request rate.
///
/// A result counts for at least `span` and less than `span * 1.1`, because
/// a bucket leaves the window only once its newest possible result is older
/// than `span`.
#[derive(Debug, Clone)]
pub(super) struct SlidingWindow {
    span: Duration,
    bucket_width: Duration,
    buckets: VecDeque<Bucket>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    start: Instant,
    successes: u32,
    failures: u32,
}

/// Results inside the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct WindowCounts {
    pub(super) total: u64,
    pub(super) failures: u64,
}

impl SlidingWindow {
    pub(super) fn new(span: Duration) -> Self {
        Self {
            span,
            bucket_width: span / BUCKETS,
            buckets: VecDeque::with_capacity(BUCKETS as usize + 1),
        }
    }

    pub(super) fn record(&mut self, now: Instant, success: bool) {
        self.evict(now);
        let width = self.bucket_width;
        let reuse_last = self
            .buckets
            .back()
            .is_some_and(|bucket| now.saturating_duration_since(bucket.start) < width);
        if !reuse_last {
            self.buckets.push_back(Bucket {
                start: now,
                successes: 0,
                failures: 0,
            });
        }
        if let Some(bucket) = self.buckets.back_mut() {
            if success {
                bucket.successes = bucket.successes.saturating_add(1);
            } else {
                bucket.failures = bucket.failures.saturating_add(1);
            }
        }
    }

    pub(super) fn counts(&mut self, now: Instant) -> WindowCounts {
        self.evict(now);
        let mut counts = WindowCounts {
            total: 0,
            failures: 0,
        };
        for bucket in &self.buckets {
            counts.total += u64::from(bucket.successes) + u64::from(bucket.failures);
            counts.failures += u64::from(bucket.failures);
        }
        counts
    }

    fn evict(&mut self, now: Instant) {
        let max_age = self.span.saturating_add(self.bucket_width);
        while self
            .buckets
            .front()
            .is_some_and(|bucket| now.saturating_duration_since(bucket.start) >= max_age)
        {
            self.buckets.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_in_one_bucket_share_it() {
        let start = Instant::now();
        let mut window = SlidingWindow::new(Duration::from_secs(10));
        for offset in 0..10 {
            window.record(start + Duration::from_millis(offset * 99), offset % 2 == 0);
        }
        assert_eq!(window.buckets.len(), 1);
        assert_eq!(
            window.counts(start + Duration::from_secs(1)),
            WindowCounts {
                total: 10,
                failures: 5
            }
        );
    }

    #[test]
    fn buckets_stay_bounded() {
        let start = Instant::now();
        let mut window = SlidingWindow::new(Duration::from_secs(10));
        for offset in 0..10_000 {
            window.record(start + Duration::from_millis(offset * 7), false);
        }
        assert!(window.buckets.len() <= BUCKETS as usize + 1);
    }

    #[test]
    fn zero_span_keeps_nothing() {
        let start = Instant::now();
        let mut window = SlidingWindow::new(Duration::ZERO);
        window.record(start, false);
        assert_eq!(window.counts(start).total, 0);
    }
}
