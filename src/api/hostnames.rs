//! Custom hostnames (`/api/v1/custom_domains`): the portal under the vendor's own name, such
//! as `sso.vendor.com`, once DNS points that name at the environment's hostname.

#[cfg(feature = "server")]
use crate::api::contract as rule;
use crate::api::time::Timestamp;
use serde::{Deserialize, Serialize};

/// Where a custom hostname stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CustomDomainState {
    /// Waiting for the DNS record; checked again on a schedule.
    Pending,
    /// DNS points at us: the portal answers on this hostname.
    Active,
}

/// What a check of the hostname's DNS found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum HostnameOutcome {
    /// A CNAME to the environment's hostname.
    Cname,
    /// A and/or AAAA records on the environment's own addresses (an apex domain).
    Addresses,
    /// A CNAME or addresses, but pointing elsewhere (see `seen`).
    WrongTarget,
    /// It points at this server, but nothing in DNS shows it is this environment's: the
    /// server's addresses (and, without a base domain, its hostname) are shared by every
    /// environment on it. The TXT record in `ownership_record` is missing or has another value.
    OwnershipUnproven,
    /// Neither a CNAME nor an address.
    NoRecord,
    /// The lookup itself failed; retried later.
    LookupError,
}

/// One check's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct HostnameCheck {
    /// What was found.
    pub outcome: HostnameOutcome,
    /// The CNAME target or addresses seen, for the vendor to compare.
    #[serde(default)]
    pub seen: Vec<String>,
    /// A sentence saying what was found and what to do.
    pub message: String,
    /// When the check ran.
    pub checked_at: Timestamp,
}

/// A DNS record the vendor creates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct DnsRecord {
    /// `CNAME` for `dns_record` (apex names, which cannot have one, may use A/AAAA records with
    /// the addresses of `value` instead); `TXT` for `ownership_record`.
    #[serde(rename = "type")]
    pub record_type: String,
    /// The record's name: the custom hostname itself, or `_portico.<hostname>` for the TXT.
    pub name: String,
    /// The CNAME's target (the environment's own hostname), or the TXT record's exact value.
    pub value: String,
}

/// A custom hostname.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct CustomDomain {
    /// `host_...`
    pub id: String,
    /// ASCII, lowercase.
    pub hostname: String,
    /// Where it stands.
    pub state: CustomDomainState,
    /// The record that sends the hostname to Portico.
    pub dns_record: DnsRecord,
    /// The TXT record that shows the hostname is this environment's (`_portico.<hostname>`,
    /// a value made for this environment and hostname). Needed unless `dns_record` is a CNAME
    /// to a hostname this environment has alone (its `<name>.<base domain>`); always accepted.
    /// With it, a hostname another environment registered but cannot prove moves here.
    pub ownership_record: DnsRecord,
    /// The portal's address on this hostname, once active (`https://sso.vendor.com`).
    pub url: String,
    /// When it was created.
    pub created_at: Timestamp,
    /// The last check.
    pub last_checked_at: Option<Timestamp>,
    /// The last check's result.
    pub last_check: Option<HostnameCheck>,
    /// The next automatic check.
    pub next_check_at: Option<Timestamp>,
    /// When it went live.
    pub activated_at: Option<Timestamp>,
    /// Set on an active hostname whose record has since changed; it stays active.
    pub warning: Option<String>,
}

/// `POST /api/v1/custom_domains`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateCustomDomain {
    /// The hostname, e.g. `sso.vendor.com`.
    #[cfg_attr(feature = "server", schemars(regex(pattern = rule::DOMAIN)))]
    pub hostname: String,
}

/// A list of custom hostnames, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct CustomDomainList {
    /// Oldest first.
    pub data: Vec<CustomDomain>,
}
