//! Custom hostnames (`/api/v1/custom_domains`): the portal under the vendor's own name, such
//! as `sso.vendor.com`, once DNS points that name at the environment's hostname.

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
    /// Unix seconds.
    pub checked_at: i64,
}

/// The DNS record the vendor creates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct DnsRecord {
    /// Always `CNAME` (apex names, which cannot have one, may use A/AAAA records with the
    /// addresses of `value` instead).
    #[serde(rename = "type")]
    pub record_type: String,
    /// The record's name: the custom hostname itself.
    pub name: String,
    /// Where it points: the environment's own hostname.
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
    /// The record to create.
    pub dns_record: DnsRecord,
    /// The portal's address on this hostname, once active (`https://sso.vendor.com`).
    pub url: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub last_checked_at: Option<i64>,
    /// The last check's result.
    pub last_check: Option<HostnameCheck>,
    /// Unix seconds of the next automatic check.
    pub next_check_at: Option<i64>,
    /// Unix seconds.
    pub activated_at: Option<i64>,
    /// Set on an active hostname whose record has since changed; it stays active.
    pub warning: Option<String>,
}

/// `POST /api/v1/custom_domains`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateCustomDomain {
    /// The hostname, e.g. `sso.vendor.com`.
    pub hostname: String,
}

/// A list of custom hostnames, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct CustomDomainList {
    /// Oldest first.
    pub data: Vec<CustomDomain>,
}
