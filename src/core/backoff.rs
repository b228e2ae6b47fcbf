//! Retry schedules: how long to wait after the n-th failure in a row before trying again. One
//! policy type for every job that retries (metadata refresh, pending domain and hostname
//! checks, and later webhook deliveries), so each schedule is a value that reads as its
//! numbers and is tested as such.
//!
//! Pure: waits are whole seconds, the attempt count is the caller's, and the random share of
//! a jittered wait is passed in (a fraction in `[0, 1)`), so the same inputs give the same wait.

/// A retry schedule, with optional jitter (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The waits themselves.
    pub schedule: Schedule,
    /// The largest share of a wait added at random, in percent (0: none), so retries that
    /// failed together do not all come back in the same second.
    pub jitter_percent: i64,
}

/// How the wait grows with the number of failures in a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// The waits in order, one per failure; after the last, `then` between all later attempts,
    /// or, when `then` is `None`, no further attempt ([`Backoff::gives_up_after`]).
    Steps {
        /// Seconds to wait after the first, second, … failure.
        waits: &'static [i64],
        /// Seconds between attempts once `waits` are used up, if there are any more.
        then: Option<i64>,
    },
    /// `first` after the first failure, doubled after each further one, never more than `cap`.
    Doubling {
        /// Seconds to wait after the first failure.
        first: i64,
        /// The longest wait, in seconds.
        cap: i64,
    },
}

/// Webhook deliveries (not built yet): retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and
/// 14 h (about a day and a half in all), each wait plus up to a tenth at random, then given up.
pub const WEBHOOK_RETRY: Backoff = Backoff::steps(
    &[5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 14 * 3600],
    None,
)
.with_jitter(10);

impl Backoff {
    /// Fixed waits, then `then` forever (or nothing more, for `None`); no jitter.
    pub const fn steps(waits: &'static [i64], then: Option<i64>) -> Self {
        Backoff {
            schedule: Schedule::Steps { waits, then },
            jitter_percent: 0,
        }
    }

    /// `first`, doubled after each further failure, capped at `cap`; no jitter.
    pub const fn doubling(first: i64, cap: i64) -> Self {
        Backoff {
            schedule: Schedule::Doubling { first, cap },
            jitter_percent: 0,
        }
    }

    /// The same schedule with up to `percent` of each wait added at random.
    pub const fn with_jitter(self, percent: i64) -> Self {
        Backoff {
            jitter_percent: percent,
            ..self
        }
    }

    /// Seconds to wait after `failures` failures in a row (counted from 1; 0 or less counts
    /// as 1), without jitter. Past the end of a schedule that gives up, the last wait (callers
    /// ask [`gives_up_after`](Self::gives_up_after) whether to try at all).
    pub fn delay(&self, failures: i64) -> i64 {
        let n = failures.max(1);
        match self.schedule {
            Schedule::Steps { waits, then } => {
                let step = usize::try_from(n - 1).ok().and_then(|i| waits.get(i));
                match (step, then) {
                    (Some(&wait), _) => wait,
                    (None, Some(then)) => then,
                    (None, None) => waits.last().copied().unwrap_or(0),
                }
            }
            Schedule::Doubling { first, cap } => {
                // 2^62 already overflows any wait in seconds; the cap bounds the rest.
                let doublings = u32::try_from(n - 1).unwrap_or(u32::MAX).min(62);
                first.saturating_mul(1_i64 << doublings).min(cap)
            }
        }
    }

    /// [`delay`](Self::delay) plus its random share: `random` is a fraction in `[0, 1)` from the
    /// caller (values outside are clamped), times [`jitter_percent`](Self::jitter_percent) of
    /// the wait.
    pub fn delay_jittered(&self, failures: i64, random: f64) -> i64 {
        let wait = self.delay(failures);
        let share = wait as f64 * self.jitter_percent as f64 / 100.0;
        let extra = (share * random.clamp(0.0, 1.0)).floor() as i64;
        wait.saturating_add(extra.max(0))
    }

    /// After how many failures in a row no further attempt is made; `None` for schedules that
    /// retry forever.
    pub fn gives_up_after(&self) -> Option<i64> {
        match self.schedule {
            Schedule::Steps { waits, then: None } => i64::try_from(waits.len()).ok(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_taken_in_order_then_the_interval_repeats() {
        let b = Backoff::steps(&[60, 300, 900], Some(3600));
        let waits: Vec<i64> = (1..=6).map(|n| b.delay(n)).collect();
        assert_eq!(waits, [60, 300, 900, 3600, 3600, 3600]);
        // No failure yet counts as the first.
        assert_eq!(b.delay(0), 60);
        assert_eq!(b.delay(-4), 60);
        assert_eq!(b.gives_up_after(), None);
    }

    #[test]
    fn doubling_starts_at_first_and_stops_at_the_cap() {
        let b = Backoff::doubling(1800, 86_400);
        let waits: Vec<i64> = (1..=7).map(|n| b.delay(n)).collect();
        assert_eq!(waits, [1800, 3600, 7200, 14_400, 28_800, 57_600, 86_400]);
        assert_eq!(b.delay(i64::MAX), 86_400);
        assert_eq!(Backoff::doubling(i64::MAX / 2, i64::MAX).delay(5), i64::MAX);
        assert_eq!(b.gives_up_after(), None);
    }

    #[test]
    fn jitter_adds_at_most_its_share_and_only_when_asked() {
        let b = Backoff::steps(&[1000], Some(2000)).with_jitter(10);
        assert_eq!(b.delay_jittered(1, 0.0), 1000);
        assert_eq!(b.delay_jittered(1, 0.5), 1050);
        assert_eq!(b.delay_jittered(1, 0.999), 1099);
        assert_eq!(b.delay_jittered(2, 0.5), 2100);
        // Out-of-range randomness is clamped, never shortens or overshoots the wait.
        assert_eq!(b.delay_jittered(1, -3.0), 1000);
        assert_eq!(b.delay_jittered(1, 7.0), 1100);
        assert_eq!(b.delay_jittered(1, f64::NAN), 1000);
        // Without jitter the random share changes nothing.
        let plain = Backoff::steps(&[1000], None);
        assert_eq!(plain.delay_jittered(1, 0.9), 1000);
    }

    #[test]
    fn the_webhook_schedule_is_seven_retries_over_a_day_and_a_half_then_gives_up() {
        let waits: Vec<i64> = (1..=7).map(|n| WEBHOOK_RETRY.delay(n)).collect();
        assert_eq!(waits, [5, 300, 1800, 7200, 18_000, 36_000, 50_400]);
        assert_eq!(WEBHOOK_RETRY.gives_up_after(), Some(7));
        assert_eq!(WEBHOOK_RETRY.jitter_percent, 10);
        let total: i64 = waits.iter().sum();
        assert!((30 * 3600..36 * 3600).contains(&total), "{total}");
        // Each wait grows: a later retry never comes sooner than an earlier one.
        assert!(waits.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(WEBHOOK_RETRY.delay_jittered(7, 0.5), 50_400 + 2520);
    }
}
