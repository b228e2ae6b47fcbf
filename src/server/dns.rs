// STUB until the dns-checker branch merges.
#![allow(missing_docs, dead_code)]
use crate::api::domains::{CheckResult, LookupOutcome};
pub enum TxtLookup { Records { values: Vec<String>, source: String }, NoSuchName { source: String }, NoTxt { source: String }, Error { message: String, source: String } }
#[derive(Clone)]
pub struct DnsChecker;
impl DnsChecker {
    pub fn new(_s: Option<Vec<std::net::SocketAddr>>, _t: std::time::Duration) -> Result<DnsChecker, String> { Ok(DnsChecker) }
    pub async fn txt(&self, _name: &str, _zone: &str) -> TxtLookup { TxtLookup::NoSuchName { source: "stub".into() } }
}
pub fn evaluate(_l: &TxtLookup, _e: &str, now: i64) -> CheckResult { CheckResult { outcome: LookupOutcome::NoSuchName, values: vec![], error: None, source: None, checked_at: now } }
pub struct RateLimiter;
impl RateLimiter { pub fn new(_q: u32) -> RateLimiter { RateLimiter } pub async fn acquire(&self) {} }
