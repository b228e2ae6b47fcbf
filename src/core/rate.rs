//! Fixed-window rate limits with a bounded memory: how many requests a key (a client address,
//! a connection) may make per window, and how long to wait once it made them all.
//!
//! The keys come from outside, so the table never grows past its capacity and never keeps a
//! long key: keys are cut to [`MAX_KEY_BYTES`] and, when the table is full, windows that ended
//! are dropped first, then the oldest windows. The clock is passed in.

use std::collections::HashMap;

/// Longest key kept, in bytes (longer ones are cut, so a key costs bounded memory).
pub const MAX_KEY_BYTES: usize = 64;

/// One limit: `allowed` requests per `window_seconds` and key; `allowed == 0` means no limit.
/// Keys are whatever identifies a sender (an address, a connection id, an environment id).
#[derive(Debug)]
pub struct FixedWindow<K = String> {
    allowed: u32,
    window_seconds: i64,
    capacity: usize,
    windows: HashMap<K, (i64, u32)>,
    /// When ended windows were last dropped: at most once a second, so a full table costs a
    /// sweep per second rather than one per request.
    swept_at: i64,
}

impl<K: std::hash::Hash + Eq + Clone> FixedWindow<K> {
    /// A limit of `allowed` per `window_seconds`, remembering at most `capacity` keys.
    pub fn new(allowed: u32, window_seconds: i64, capacity: usize) -> FixedWindow<K> {
        FixedWindow {
            allowed,
            window_seconds: window_seconds.max(1),
            capacity: capacity.max(8),
            windows: HashMap::new(),
            swept_at: i64::MIN,
        }
    }

    /// Whether `key` has used its allowance in its current window (without counting).
    pub fn over(&self, key: &K, now: i64) -> bool {
        self.allowed > 0
            && self
                .windows
                .get(key)
                .is_some_and(|(start, n)| now < start + self.window_seconds && *n >= self.allowed)
    }

    /// Counts one request by `key` at `now` and returns its count in the current window.
    pub fn count(&mut self, key: &K, now: i64) -> u32 {
        if !self.windows.contains_key(key) && self.windows.len() >= self.capacity {
            self.make_room(now);
        }
        let window = self.windows.entry(key.clone()).or_insert((now, 0));
        if now >= window.0 + self.window_seconds {
            *window = (now, 0);
        }
        window.1 = window.1.saturating_add(1);
        window.1
    }

    /// Whether `key` is remembered.
    pub fn contains(&self, key: &K) -> bool {
        self.windows.contains_key(key)
    }

    /// How many keys are remembered.
    pub fn len(&self) -> usize {
        self.windows.len()
    }

    /// Whether no key is remembered.
    pub fn is_empty(&self) -> bool {
        self.windows.is_empty()
    }

    /// Drops ended windows (once a second at most); if that is not enough, the oldest eighth,
    /// in one pass for the next newcomers. Only counts are lost, never an answer.
    fn make_room(&mut self, now: i64) {
        if self.swept_at != now {
            self.swept_at = now;
            let span = self.window_seconds;
            self.windows.retain(|_, (start, _)| now < *start + span);
        }
        if self.windows.len() >= self.capacity {
            let mut by_age: Vec<(i64, K)> = self
                .windows
                .iter()
                .map(|(k, (start, _))| (*start, k.clone()))
                .collect();
            let (oldest, _, _) =
                by_age.select_nth_unstable_by_key(self.capacity / 8, |(start, _)| *start);
            for (_, k) in oldest.iter() {
                self.windows.remove(k);
            }
        }
    }
}

impl FixedWindow<String> {
    /// Counts one request by `key` (cut to [`MAX_KEY_BYTES`]) unless it is over its allowance:
    /// `Ok`, or the seconds until its window ends (for `Retry-After`).
    pub fn hit(&mut self, key: &str, now: i64) -> Result<(), u64> {
        if self.allowed == 0 {
            return Ok(());
        }
        let key = cut(key).to_owned();
        if self.over(&key, now) {
            let start = self.windows.get(&key).map_or(now, |(s, _)| *s);
            return Err((start + self.window_seconds - now).max(1) as u64);
        }
        self.count(&key, now);
        Ok(())
    }
}

/// The address a client is counted under: an IPv6 client usually holds a whole /64, so that
/// is one client; an IPv4-mapped address is its IPv4 address.
pub fn client_key(ip: std::net::IpAddr) -> std::net::IpAddr {
    use std::net::{IpAddr, Ipv6Addr};
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !((1u128 << 64) - 1))),
        },
        v4 => v4,
    }
}

/// `key` cut to at most [`MAX_KEY_BYTES`], on a character boundary.
fn cut(key: &str) -> &str {
    if key.len() <= MAX_KEY_BYTES {
        return key;
    }
    let mut end = MAX_KEY_BYTES;
    while !key.is_char_boundary(end) {
        end -= 1;
    }
    &key[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_gets_its_allowance_then_waits_for_the_window_to_end() {
        let mut l = FixedWindow::new(3, 60, 100);
        for _ in 0..3 {
            assert_eq!(l.hit("a", 1000), Ok(()));
        }
        assert_eq!(l.hit("a", 1010), Err(50));
        // Another key is counted on its own.
        assert_eq!(l.hit("b", 1010), Ok(()));
        assert_eq!(l.hit("a", 1060), Ok(()));
    }

    #[test]
    fn zero_means_no_limit() {
        let mut l = FixedWindow::new(0, 60, 1);
        for i in 0..1000 {
            assert_eq!(l.hit(&i.to_string(), 0), Ok(()));
        }
        assert!(l.is_empty());
    }

    #[test]
    fn memory_stays_bounded_whatever_the_keys() {
        let mut l = FixedWindow::new(5, 60, 1000);
        let long = "x".repeat(1_500_000);
        for i in 0..20_000 {
            let _ = l.hit(&format!("{i}{long}"), i64::from(i) / 100);
        }
        assert!(l.len() <= 1000, "{}", l.len());
        assert!(l.windows.keys().all(|k| k.len() <= MAX_KEY_BYTES));
        // Keys cut to the same prefix share a window: nobody gets extra tries by padding.
        let mut l = FixedWindow::new(1, 60, 10);
        assert_eq!(l.hit(&format!("{long}a"), 0), Ok(()));
        assert!(l.hit(&format!("{long}b"), 0).is_err());
    }

    #[test]
    fn an_ipv6_client_is_its_64_and_a_mapped_address_its_ipv4() {
        let a: std::net::IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: std::net::IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        assert_eq!(client_key(a), client_key(b));
        assert_ne!(
            client_key(a),
            client_key("2001:db8:1:3::1".parse().unwrap())
        );
        assert_eq!(
            client_key("::ffff:198.51.100.7".parse().unwrap()),
            "198.51.100.7".parse::<std::net::IpAddr>().unwrap()
        );
    }

    #[test]
    fn multibyte_keys_are_cut_on_a_character_boundary() {
        let k = "é".repeat(100);
        assert!(cut(&k).len() <= MAX_KEY_BYTES && cut(&k).chars().all(|c| c == 'é'));
    }
}
