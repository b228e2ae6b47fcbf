//! Date arithmetic for certificate windows and `validUntil`, with no date crate on purpose:
//! this module also runs in the browser.

/// Seconds in a day.
pub(crate) const SECS_PER_DAY: i64 = 86_400;

/// A Unix time as a `YYYY-MM-DD` date in UTC.
pub fn format_date(unix: i64) -> String {
    let (y, m, d) = civil_from_days(unix.div_euclid(SECS_PER_DAY));
    format!("{y:04}-{m:02}-{d:02}")
}

/// A Unix time as `YYYY-MM-DD HH:MM UTC`, for times people compare (test history, clocks).
pub fn format_datetime(unix: i64) -> String {
    let secs = unix.rem_euclid(SECS_PER_DAY);
    format!(
        "{} {:02}:{:02} UTC",
        format_date(unix),
        secs / 3600,
        (secs % 3600) / 60
    )
}

/// `14:52:07` (UTC): the time of day with seconds, for logs where several lines share a minute.
pub fn format_time_of_day(unix: i64) -> String {
    let secs = unix.rem_euclid(SECS_PER_DAY);
    format!(
        "{:02}:{:02}:{:02}",
        secs / 3600,
        (secs % 3600) / 60,
        secs % 60
    )
}

// The calendar itself is the wire's: one implementation for certificates and timestamps.
pub(crate) use crate::api::time::{civil_from_days, days_from_civil};

/// Parses an `xs:dateTime` such as `2026-06-22T18:39:53.000Z` to Unix seconds; a missing
/// zone is taken as UTC.
pub(crate) fn parse_xml_datetime(value: &str) -> Option<i64> {
    let v = value.trim();
    let num = |range: std::ops::Range<usize>| v.get(range)?.parse::<i64>().ok();
    let b = v.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' {
        return None;
    }
    let (month, day) = (num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let secs = days_from_civil(num(0..4)?, month, day) * SECS_PER_DAY
        + num(11..13)? * 3_600
        + num(14..16)? * 60
        + num(17..19)?;
    let zone = v
        .get(19..)?
        .trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
    let offset = match zone {
        "" | "Z" => 0,
        z if z.len() == 6 && (z.starts_with('+') || z.starts_with('-')) => {
            let minutes =
                z.get(1..3)?.parse::<i64>().ok()? * 60 + z.get(4..6)?.parse::<i64>().ok()?;
            if z.starts_with('-') {
                -minutes * 60
            } else {
                minutes * 60
            }
        }
        _ => return None,
    };
    Some(secs - offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_of_day_keep_their_seconds_and_dates_their_minutes() {
        // 2026-12-03T14:59:58Z
        let t = 1_796_309_998;
        assert_eq!(format_time_of_day(t), "14:59:58");
        assert_eq!(format_datetime(t), "2026-12-03 14:59 UTC");
        assert_eq!(format_time_of_day(-1), "23:59:59");
    }
}
