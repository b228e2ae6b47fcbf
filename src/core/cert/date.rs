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

// Both conversions count from 0000-03-01 so that February, with its leap day, ends each
// year; eras of 400 years (146 097 days) then repeat exactly.
pub(crate) fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = era * 400 + year_of_era + i64::from(month <= 2);
    (year, month, day)
}

pub(crate) fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = year - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    era * 146_097 + year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year - 719_468
}

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
