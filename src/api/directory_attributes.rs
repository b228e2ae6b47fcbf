//! Directory users' custom attributes, mapped like single sign-on's: for each custom attribute
//! the vendor declared (`PUT /api/v1/custom_attributes`), the SCIM attribute a directory's users
//! give it. Read and saved by the IT admin in the portal's wizard
//! (`/portal/api/directories/{id}/attribute_mapping`) and by the vendor
//! (`/api/v1/directories/{id}/attribute_mapping`); the values then appear in each user's
//! `custom_attributes`.

use crate::api::mapping::CustomAttribute;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Most entries a saved mapping holds.
pub const ATTRIBUTE_MAPPING_MAX: usize = 200;

/// `PUT …/attribute_mapping`: custom attribute name → SCIM attribute path.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DirectoryAttributeMapping {
    /// Custom attribute name → the SCIM attribute path its value is read from: `title`,
    /// `name.formatted`, `addresses[type eq "work"].country`,
    /// `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter`. `""` maps it to
    /// nothing; a declared attribute left out keeps its suggested source, if it has one (see
    /// `suggested`). The whole mapping is replaced.
    pub mapping: BTreeMap<String, String>,
}

/// A SCIM attribute path the directory's users were seen with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct ReceivedScimAttribute {
    /// The path, as a mapping names it.
    pub path: String,
    /// A value one of the users has there (cut to 60 characters).
    pub sample: String,
    /// How many of the users looked at have a value there.
    pub user_count: u64,
}

/// The attribute mapping of a directory, with what it can be mapped from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct DirectoryAttributeMappingView {
    /// The vendor's custom attributes, in the order declared.
    pub custom_attributes: Vec<CustomAttribute>,
    /// The mapping in force: custom attribute name → SCIM attribute path, for every declared
    /// attribute that is mapped (saved, or suggested and not turned off).
    pub mapping: BTreeMap<String, String>,
    /// The source suggested for declared attributes named after a well-known SCIM attribute
    /// (`department`, `cost_center`, `title`…), applied unless a saved entry says otherwise.
    pub suggested: BTreeMap<String, String>,
    /// The attribute paths the directory's newest users hold, each with a sample value.
    pub received: Vec<ReceivedScimAttribute>,
    /// How many users `received` looked at (the newest, at most 500).
    pub users_examined: u64,
}
