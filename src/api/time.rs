//! The one time format on the wire: an instant travels as an RFC 3339 string in UTC
//! (`"2026-12-03T06:12:22Z"`), and is held as whole unix seconds on both sides.
//!
//! Pure on purpose (no `time` or `chrono`): the client needs it too, and the calendar arithmetic is a few
//! lines (days from the civil date, after Howard Hinnant's public-domain algorithm).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// An instant, to the second. Serialises as RFC 3339 in UTC; reads RFC 3339 with any offset (fractions of
/// a second are dropped), and, for records stored before times were strings, whole unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(i64);

/// Earliest and latest instants held (years 0000 and 9999): anything outside does not fit RFC 3339.
const MIN_UNIX: i64 = -62_167_219_200;
const MAX_UNIX: i64 = 253_402_300_799;

impl Timestamp {
    /// The instant `unix` seconds after 1970-01-01T00:00:00Z, clamped to the years RFC 3339 can write.
    pub const fn from_unix(unix: i64) -> Self {
        Timestamp(if unix < MIN_UNIX {
            MIN_UNIX
        } else if unix > MAX_UNIX {
            MAX_UNIX
        } else {
            unix
        })
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    pub const fn unix(self) -> i64 {
        self.0
    }

    /// Reads an RFC 3339 date-time (`2026-12-03T06:12:22Z`, `…22.5+01:00`, lower-case `t`/`z` too).
    pub fn parse(s: &str) -> Result<Self, TimestampError> {
        let b = s.as_bytes();
        if b.len() < 20 || b.len() > 40 {
            return Err(TimestampError);
        }
        let num = |range: std::ops::Range<usize>| -> Result<i64, TimestampError> {
            let part = b.get(range).ok_or(TimestampError)?;
            if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
                return Err(TimestampError);
            }
            Ok(part.iter().fold(0i64, |n, d| n * 10 + i64::from(d - b'0')))
        };
        let sep = |i: usize, ok: &[u8]| {
            if ok.contains(&b[i]) {
                Ok(())
            } else {
                Err(TimestampError)
            }
        };
        sep(4, b"-")?;
        sep(7, b"-")?;
        sep(10, b"Tt ")?;
        sep(13, b":")?;
        sep(16, b":")?;
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
        let mut rest = &b[19..];
        if rest.first() == Some(&b'.') {
            let digits = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if digits == 0 {
                return Err(TimestampError);
            }
            rest = &rest[1 + digits..];
        }
        let offset = match rest {
            [b'Z' | b'z'] => 0,
            [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
                let two = |a: u8, b: u8| -> Result<i64, TimestampError> {
                    if a.is_ascii_digit() && b.is_ascii_digit() {
                        Ok(i64::from(a - b'0') * 10 + i64::from(b - b'0'))
                    } else {
                        Err(TimestampError)
                    }
                };
                let (h, m) = (two(*h1, *h2)?, two(*m1, *m2)?);
                if h > 23 || m > 59 {
                    return Err(TimestampError);
                }
                let minutes = h * 60 + m;
                if *sign == b'-' {
                    -minutes * 60
                } else {
                    minutes * 60
                }
            }
            _ => return Err(TimestampError),
        };
        // A leap second (":60") is read as the last second of its minute.
        if !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
        {
            return Err(TimestampError);
        }
        if second > 60 {
            return Err(TimestampError);
        }
        let seconds =
            days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second.min(59);
        Ok(Timestamp::from_unix(seconds - offset))
    }

    /// The calendar date and time of day in UTC: (year, month, day, hour, minute, second).
    pub fn to_utc(self) -> (i64, i64, i64, i64, i64, i64) {
        let days = self.0.div_euclid(86_400);
        let secs = self.0.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        (y, m, d, secs / 3600, secs % 3600 / 60, secs % 60)
    }
}

/// The text was not an RFC 3339 date-time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimestampError;

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("expected an RFC 3339 date-time such as 2026-12-03T06:12:22Z")
    }
}

impl std::error::Error for TimestampError {}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, mo, d, h, mi, s) = self.to_utc();
        write!(f, "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 date-time")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Timestamp, E> {
                Timestamp::parse(v).map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Timestamp, E> {
                Ok(Timestamp::from_unix(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Timestamp, E> {
                Ok(Timestamp::from_unix(i64::try_from(v).unwrap_or(i64::MAX)))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(feature = "server")]
impl schemars::JsonSchema for Timestamp {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Timestamp".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date-time",
            "description": "An instant in RFC 3339, in UTC (e.g. 2026-12-03T06:12:22Z).",
        })
    }
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (months 1–12). Counting from 0000-03-01 puts
/// February, with its leap day, at the end of each year, and 400-year eras of 146,097 days then repeat.
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date (year, month 1–12, day) of a day count since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_utc_seconds() {
        assert_eq!(Timestamp::from_unix(0).to_string(), "1970-01-01T00:00:00Z");
        assert_eq!(
            Timestamp::from_unix(1_795_000_000).to_string(),
            "2026-11-18T11:06:40Z"
        );
        assert_eq!(
            Timestamp::from_unix(951_782_400).to_string(),
            "2000-02-29T00:00:00Z"
        );
        assert_eq!(Timestamp::from_unix(-1).to_string(), "1969-12-31T23:59:59Z");
        assert_eq!(
            Timestamp::from_unix(i64::MAX).to_string(),
            "9999-12-31T23:59:59Z"
        );
        assert_eq!(
            Timestamp::from_unix(i64::MIN).to_string(),
            "0000-01-01T00:00:00Z"
        );
    }

    #[test]
    fn reads_what_it_writes_for_every_day_of_four_centuries() {
        // Every day from 1900 to 2300 (leap rules of 1900, 2000 and 2100 included), at a time of day that moves.
        let mut t = -2_208_988_800;
        while t < 10_413_792_000 {
            let ts = Timestamp::from_unix(t);
            assert_eq!(Timestamp::parse(&ts.to_string()), Ok(ts), "{ts}");
            t += 86_400 + 3_601;
        }
    }

    #[test]
    fn reads_offsets_fractions_and_lower_case() {
        let at = |s| Timestamp::parse(s).map(Timestamp::unix);
        assert_eq!(at("2026-11-18T11:06:40Z"), Ok(1_795_000_000));
        assert_eq!(at("2026-11-18t11:06:40z"), Ok(1_795_000_000));
        assert_eq!(at("2026-11-18T12:36:40+01:30"), Ok(1_795_000_000));
        assert_eq!(at("2026-11-18T06:06:40-05:00"), Ok(1_795_000_000));
        assert_eq!(at("2026-11-18T11:06:40.999999Z"), Ok(1_795_000_000));
        assert_eq!(at("2016-12-31T23:59:60Z"), Ok(1_483_228_799));
    }

    #[test]
    fn refuses_what_is_not_a_date_time() {
        for s in [
            "",
            "2026-11-18",
            "2026-11-18T11:06:40",
            "2026-13-18T11:06:40Z",
            "2026-02-29T11:06:40Z",
            "2026-11-31T11:06:40Z",
            "2026-11-18T24:00:00Z",
            "2026-11-18T11:60:00Z",
            "2026-11-18T11:06:61Z",
            "2026-11-18T11:06:40.Z",
            "2026-11-18T11:06:40+0100",
            "2026-11-18T11:06:40+24:00",
            "2026-11-18T11:06:40Z ",
            "+026-11-18T11:06:40Z",
            "２026-11-18T11:06:40Z",
        ] {
            assert_eq!(Timestamp::parse(s), Err(TimestampError), "{s:?}");
        }
    }

    #[test]
    fn travels_as_a_string_and_reads_stored_unix_seconds() {
        let ts = Timestamp::from_unix(1_795_000_000);
        assert_eq!(
            serde_json::to_string(&ts).ok().as_deref(),
            Some("\"2026-11-18T11:06:40Z\"")
        );
        assert_eq!(
            serde_json::from_str::<Timestamp>("\"2026-11-18T11:06:40Z\"").ok(),
            Some(ts)
        );
        assert_eq!(
            serde_json::from_str::<Timestamp>("1795000000").ok(),
            Some(ts)
        );
        assert!(serde_json::from_str::<Timestamp>("\"yesterday\"").is_err());
        assert!(serde_json::from_str::<Timestamp>("null").is_err());
    }
}
