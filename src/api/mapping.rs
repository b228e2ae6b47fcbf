//! Attribute mapping: how what the IdP sends becomes the profile the vendor's app receives,
//! and the vendor's custom profile attributes.

#[cfg(feature = "server")]
use crate::api::contract as rule;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The normalized profile the vendor's app receives.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct Profile {
    /// The user's id at the IdP (NameID or `sub` unless mapped otherwise).
    pub idp_id: String,
    /// Email address.
    pub email: Option<String>,
    /// Given name.
    pub first_name: Option<String>,
    /// Family name.
    pub last_name: Option<String>,
    /// Group names or ids.
    #[serde(default)]
    pub groups: Vec<String>,
    /// The vendor's own attributes, by name.
    #[serde(default)]
    pub custom_attributes: BTreeMap<String, String>,
}

/// What a mapping remark is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum MappingIssueKind {
    /// A mapped attribute did not arrive, or arrived empty.
    SourceMissing,
    /// The email source holds something that is not an email address.
    NotAnEmail,
    /// A required custom attribute has no source.
    RequiredUnmapped,
    /// A value looks like it belongs to another field.
    LooksMisplaced,
    /// The email's domain is not verified yet (the test passes; production would refuse).
    DomainUnverified,
}

/// A remark about the mapping, found by applying it to what a test received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct MappingIssue {
    /// What kind of remark.
    pub kind: MappingIssueKind,
    /// The profile field concerned (`email`, `first_name`, a custom attribute name …).
    pub field: String,
    /// What to do, in a sentence.
    pub message: String,
    /// A received attribute name that would be a better source, when one is, or `$nameid` when
    /// the NameID is the email address to use.
    #[serde(default)]
    pub suggestion: Option<String>,
    /// Whether this blocks the test from succeeding.
    #[serde(default)]
    pub blocking: bool,
}

/// The mapping source that reads the SAML NameID (or the OIDC `sub`) instead of an attribute.
/// Accepted for `email` and `idp_id`; `$` keeps it apart from any real attribute name.
pub const NAME_ID_SOURCE: &str = "$nameid";

/// How attributes become a profile: for each field, the received attribute name to read.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AttributeMapping {
    /// Source of `idp_id`; empty (or `$nameid`) means the SAML NameID or the OIDC `sub`.
    #[serde(default)]
    pub idp_id: Option<String>,
    /// Source of `email` (required): an attribute name, or `$nameid` to read the email from the
    /// SAML NameID (the OIDC `sub`), for IdPs that send the email only there. The value it
    /// carries must still be an email address, or the sign-in fails with `email_invalid`.
    #[serde(default)]
    pub email: Option<String>,
    /// Source of `first_name`.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Source of `last_name`.
    #[serde(default)]
    pub last_name: Option<String>,
    /// Source of a full name, split into first and last when those do not arrive.
    #[serde(default)]
    pub name: Option<String>,
    /// Source of `groups`.
    #[serde(default)]
    pub groups: Option<String>,
    /// Sources of the vendor's custom attributes, by custom attribute name.
    #[serde(default)]
    pub custom: BTreeMap<String, String>,
}

/// A custom profile attribute the vendor defines for an environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CustomAttribute {
    /// snake_case name, as it appears in `custom_attributes`.
    #[cfg_attr(feature = "server", schemars(regex(pattern = rule::ATTRIBUTE_NAME)))]
    pub name: String,
    /// Whether a test fails without it.
    #[serde(default)]
    pub required: bool,
    /// Shown to the admin next to the field.
    #[serde(default)]
    pub description: Option<String>,
}

/// `GET/PUT /api/v1/custom_attributes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CustomAttributeList {
    /// All of the environment's custom attributes.
    pub data: Vec<CustomAttribute>,
}
