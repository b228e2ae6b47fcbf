//! A global cap on DNS queries per second, shared by every check.

use std::sync::Mutex;
use std::time::Duration;

/// Caps how many DNS queries per second go out, shared by every task that holds it: a token
/// bucket holding one token, so queries are spaced evenly rather than sent in bursts.
///
/// It paces with the monotonic clock (`tokio::time::Instant`), not the time of day, so it does
/// not take the application's clock.
///
/// ```ignore
/// let limiter = Arc::new(RateLimiter::new(500));
/// limiter.acquire().await; // then send one query
/// ```
pub struct RateLimiter {
    /// Tokens per second; `None` when unlimited.
    rate: Option<f64>,
    state: Mutex<Bucket>,
}

struct Bucket {
    /// May go below zero: each waiter reserves its token up front, which queues them fairly.
    tokens: f64,
    last: tokio::time::Instant,
}

impl RateLimiter {
    /// Allows `qps` acquisitions per second; 0 means no limit.
    pub fn new(qps: u32) -> RateLimiter {
        RateLimiter {
            rate: (qps > 0).then_some(f64::from(qps)),
            state: Mutex::new(Bucket {
                tokens: 1.0,
                last: tokio::time::Instant::now(),
            }),
        }
    }

    /// Waits until one more query may be sent. A caller that gives up while waiting still uses
    /// its slot, which only ever makes the rate lower.
    pub async fn acquire(&self) {
        let Some(rate) = self.rate else { return };
        let wait = {
            // A poisoned lock only means another task panicked mid-update; the numbers are
            // still usable.
            let mut b = self.state.lock().unwrap_or_else(|e| e.into_inner());
            let now = tokio::time::Instant::now();
            b.tokens = (b.tokens + now.duration_since(b.last).as_secs_f64() * rate).min(1.0);
            b.last = now;
            b.tokens -= 1.0;
            if b.tokens >= 0.0 {
                Duration::ZERO
            } else {
                Duration::from_secs_f64(-b.tokens / rate)
            }
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }
}
