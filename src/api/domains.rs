//! Domain verification: the bodies of the portal (`/portal/api/domains`) and vendor
//! (`/api/v1/organizations/{id}/domains`, `/api/v1/domains/{id}`) APIs.

#[cfg(feature = "server")]
use crate::api::contract as rule;
use crate::api::time::Timestamp;
use serde::{Deserialize, Serialize};

/// Where a domain's proof of ownership stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DomainState {
    /// Waiting for the TXT record; checked again and again.
    Pending,
    /// Proven (by DNS, or marked by the vendor).
    Verified,
    /// Not proven within the window; the admin can retry.
    Failed,
}

impl DomainState {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            DomainState::Pending => "pending",
            DomainState::Verified => "verified",
            DomainState::Failed => "failed",
        }
    }

    /// Parses a wire name.
    pub fn parse(s: &str) -> Option<DomainState> {
        match s {
            "pending" => Some(DomainState::Pending),
            "verified" => Some(DomainState::Verified),
            "failed" => Some(DomainState::Failed),
            _ => None,
        }
    }
}

/// What one DNS check saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum LookupOutcome {
    /// Our record is there.
    Found,
    /// The name does not exist (NXDOMAIN).
    NoSuchName,
    /// The name exists but has no TXT record.
    NoTxt,
    /// TXT records exist, none with our value (see `values`).
    WrongValue,
    /// The lookup itself failed (SERVFAIL, timeout, refused): retried, not counted as missing.
    LookupError,
}

/// The result of the last check, as shown to the admin and the vendor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct CheckResult {
    /// What was seen.
    pub outcome: LookupOutcome,
    /// Every TXT value found at the name (multi-string records joined), so a typo is visible.
    #[serde(default)]
    pub values: Vec<String>,
    /// The lookup error, for `lookup_error`.
    #[serde(default)]
    pub error: Option<String>,
    /// Which server answered: `authoritative (ns1.example.net)` or `recursive`.
    #[serde(default)]
    pub source: Option<String>,
    /// When the check ran.
    pub checked_at: Timestamp,
}

/// A domain of an organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct Domain {
    /// `dom_...`
    pub id: String,
    /// The domain in ASCII (punycode for internationalized names), as stored and matched.
    pub domain: String,
    /// The domain as people write it (Unicode).
    pub display_name: String,
    /// Where it stands.
    pub state: DomainState,
    /// Always `TXT`.
    pub record_type: String,
    /// The full name of the record to create, e.g. `_portico-challenge.acme.com`.
    pub record_name: String,
    /// The value to put in it, e.g. `portico-verification=3f9c…`.
    pub record_value: String,
    /// When it was created.
    pub created_at: Timestamp,
    /// The last check.
    pub last_checked_at: Option<Timestamp>,
    /// What it saw.
    pub last_result: Option<CheckResult>,
    /// The next automatic check, while one is scheduled.
    pub next_check_at: Option<Timestamp>,
    /// When it was verified.
    pub verified_at: Option<Timestamp>,
    /// `dns` or `manual`.
    pub verification_method: Option<String>,
    /// Who marked it verified, for `manual`.
    pub verified_by: Option<String>,
    /// When our record was last seen in DNS.
    pub record_last_seen_at: Option<Timestamp>,
    /// Set on a verified domain whose record has since disappeared: it stays verified.
    pub warning: Option<String>,
    /// When a pending domain becomes `failed`.
    pub fails_at: Option<Timestamp>,
}

/// A list of domains.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct DomainList {
    /// Oldest first.
    pub data: Vec<Domain>,
}

/// `POST .../domains`: add a domain to prove.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AddDomain {
    /// A registrable domain or a subdomain of one, in Unicode or ASCII.
    #[cfg_attr(feature = "server", schemars(regex(pattern = rule::DOMAIN)))]
    pub domain: String,
}

/// `POST /api/v1/domains/{id}/verify`: the vendor vouches for the domain.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct VerifyDomain {
    /// Who decided (an email or name), kept with the domain.
    #[serde(default)]
    pub verified_by: Option<String>,
}
