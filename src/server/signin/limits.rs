//! How many IdP answers (ACS posts, OIDC callbacks) and sign-in starts the public endpoints
//! take per minute, by client address and, for unsolicited answers, by connection.

/// Per-minute limits on the IdP answers the public ACS URLs and OIDC callbacks take, by client
/// address and by connection, so one sender cannot keep the signature checks busy for all.
pub struct AnswerLimits {
    per_address: std::sync::Mutex<crate::core::rate::FixedWindow>,
    per_connection: std::sync::Mutex<crate::core::rate::FixedWindow>,
    /// `sign_in.failed` events per connection (see [`AnswerLimits::log_failure`]).
    failure_events: std::sync::Mutex<crate::core::rate::FixedWindow>,
}

/// Addresses and connections remembered by [`AnswerLimits`] (a bounded table each).
const ANSWER_LIMIT_KEYS: usize = 50_000;

impl AnswerLimits {
    /// The limits the settings ask for.
    pub fn new(settings: &crate::server::config::Settings) -> AnswerLimits {
        use crate::core::rate::FixedWindow;
        AnswerLimits {
            per_address: std::sync::Mutex::new(FixedWindow::new(
                settings.signin_rate_per_address,
                60,
                ANSWER_LIMIT_KEYS,
            )),
            per_connection: std::sync::Mutex::new(FixedWindow::new(
                settings.signin_rate_per_connection,
                60,
                ANSWER_LIMIT_KEYS,
            )),
            failure_events: std::sync::Mutex::new(FixedWindow::new(
                settings.signin_failure_events_per_connection,
                60,
                ANSWER_LIMIT_KEYS,
            )),
        }
    }

    /// A table, even if a thread panicked holding it (its counts are still counts).
    fn lock(
        m: &std::sync::Mutex<crate::core::rate::FixedWindow>,
    ) -> std::sync::MutexGuard<'_, crate::core::rate::FixedWindow> {
        m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Counts one request from `address` (an IPv6 client by its /64) to the public sign-in
    /// endpoints; `Err` holds the seconds to wait.
    pub fn admit(&self, address: Option<std::net::IpAddr>, now: i64) -> Result<(), u64> {
        match address {
            Some(ip) => Self::lock(&self.per_address)
                .hit(&crate::core::rate::client_key(ip).to_string(), now),
            None => Ok(()),
        }
    }

    /// Counts one unsolicited answer to a connection (one that is checked in full before it can
    /// be trusted). Answers to our own requests are not counted, so nobody can spend a
    /// connection's budget for the sign-ins it started.
    pub fn admit_unsolicited(&self, connection_id: &str, now: i64) -> Result<(), u64> {
        Self::lock(&self.per_connection).hit(connection_id, now)
    }

    /// Whether a failed sign-in of this connection is logged as a `sign_in.failed` event.
    /// Anyone who reaches the public endpoints can make sign-ins fail; past the per-minute
    /// limit (`PORTICO_SIGNIN_FAILURE_EVENTS_PER_CONNECTION`) a failure is still in the
    /// connection's sign-in log but is no event, so a flood cannot fill the event log and every
    /// webhook endpoint's queue.
    pub fn log_failure(&self, connection_id: &str, now: i64) -> bool {
        Self::lock(&self.failure_events)
            .hit(connection_id, now)
            .is_ok()
    }
}
