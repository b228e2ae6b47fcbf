//! The DNS-host how-tos for domain verification, compiled into the binary by `build.rs`.

use crate::api::dns_hosts::DnsHostGuide;
use std::sync::OnceLock;

static DNS_HOSTS_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/dns_hosts.json"));

/// Every DNS host guide, by name, parsed once.
pub fn all() -> &'static [DnsHostGuide] {
    static HOSTS: OnceLock<Vec<DnsHostGuide>> = OnceLock::new();
    HOSTS.get_or_init(|| serde_json::from_str(DNS_HOSTS_JSON).unwrap_or_default())
}

/// The guide for a key (its file name), e.g. `cloudflare`.
pub fn find(key: &str) -> Option<&'static DnsHostGuide> {
    all().iter().find(|g| g.key == key)
}
