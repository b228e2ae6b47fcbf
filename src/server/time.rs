//! Timestamps: stored as unix seconds, shown as RFC 3339.

use crate::api::time::Timestamp;

/// RFC 3339 for unix seconds (UTC); out-of-range values clamp to the years 0000 and 9999.
pub fn rfc3339(unix: i64) -> String {
    Timestamp::from_unix(unix).to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_utc() {
        assert_eq!(super::rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::rfc3339(1_795_000_000), "2026-11-18T11:06:40Z");
    }
}
