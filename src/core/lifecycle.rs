//! Where a certificate stands in its life, the same on both sides.

/// Days before expiry from which a certificate counts as expiring soon.
pub const EXPIRING_SOON_DAYS: i64 = 30;

/// A certificate's state at a given time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertState {
    /// Valid for more than [`EXPIRING_SOON_DAYS`].
    Valid,
    /// Valid for this many more whole days (0 means "expires today").
    ExpiringSoon(i64),
    /// Past its not-after time: sign-in fails until the IdP rotates it.
    Expired,
}

impl CertState {
    /// The state of a certificate ending at `not_after`, at `now` (both unix seconds).
    pub fn at(not_after: i64, now: i64) -> CertState {
        if now >= not_after {
            CertState::Expired
        } else {
            let days = (not_after - now) / 86_400;
            if days < EXPIRING_SOON_DAYS {
                CertState::ExpiringSoon(days)
            } else {
                CertState::Valid
            }
        }
    }

    /// A short label for people.
    pub fn label(self) -> String {
        match self {
            CertState::Valid => "Valid".into(),
            CertState::ExpiringSoon(0) => "Expires today".into(),
            CertState::ExpiringSoon(1) => "Expires tomorrow".into(),
            CertState::ExpiringSoon(d) => format!("Expires in {d} days"),
            CertState::Expired => "Expired".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_around_the_boundaries() {
        let day = 86_400;
        assert_eq!(CertState::at(100 * day, 0), CertState::Valid);
        assert_eq!(CertState::at(30 * day, 0), CertState::Valid);
        assert_eq!(CertState::at(30 * day - 1, 0), CertState::ExpiringSoon(29));
        assert_eq!(CertState::at(10, 0), CertState::ExpiringSoon(0));
        assert_eq!(CertState::at(10, 10), CertState::Expired);
        assert_eq!(CertState::ExpiringSoon(1).label(), "Expires tomorrow");
        assert_eq!(CertState::Expired.label(), "Expired");
    }
}
