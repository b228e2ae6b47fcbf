//! CNAME and address lookups, for custom hostnames (domain verification asks for TXT records;
//! see the parent module).

use super::{fqdn, is_negative, seconds, DnsChecker};
use hickory_resolver::proto::rr::RecordType;

/// What DNS says a hostname is: the target of its CNAME, and the addresses it resolves to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostRecords {
    /// The CNAME's target, lowercase, without the trailing dot.
    pub cname: Option<String>,
    /// A and AAAA addresses (through the CNAME, if any).
    pub addresses: Vec<std::net::IpAddr>,
    /// Set when a lookup failed (rather than finding nothing).
    pub error: Option<String>,
}

impl DnsChecker {
    /// The CNAME and addresses of `name`, asked of the recursive resolver (no cache of ours), for
    /// custom hostnames. An IP address given as `name` is its own single address.
    pub async fn host_records(&self, name: &str) -> HostRecords {
        if let Ok(ip) = name.parse::<std::net::IpAddr>() {
            return HostRecords {
                addresses: vec![ip],
                ..HostRecords::default()
            };
        }
        let Some(qname) = fqdn(name) else {
            return HostRecords {
                error: Some(format!("{name} is not a valid DNS name.")),
                ..HostRecords::default()
            };
        };
        let mut out = HostRecords::default();
        let work = async {
            self.throttle().await;
            match self
                .recursive
                .lookup(qname.clone(), RecordType::CNAME)
                .await
            {
                Ok(found) => {
                    out.cname = found.iter().find_map(|r| match r {
                        hickory_resolver::proto::rr::RData::CNAME(c) => {
                            Some(c.0.to_ascii().trim_end_matches('.').to_ascii_lowercase())
                        }
                        _ => None,
                    });
                }
                Err(e) if is_negative(&e) => {}
                Err(e) => out.error = Some(format!("The CNAME lookup failed: {e}.")),
            }
            self.throttle().await;
            match self.recursive.lookup_ip(qname.clone()).await {
                Ok(found) => out.addresses = found.iter().collect(),
                Err(e) if is_negative(&e) => {}
                Err(e) => {
                    out.error = out
                        .error
                        .take()
                        .or(Some(format!("The address lookup failed: {e}.")))
                }
            }
        };
        if tokio::time::timeout(self.timeout, work).await.is_err() {
            return HostRecords {
                error: Some(format!(
                    "No DNS server answered within {}.",
                    seconds(self.timeout)
                )),
                ..HostRecords::default()
            };
        }
        out.addresses.sort();
        out.addresses.dedup();
        out
    }
}
