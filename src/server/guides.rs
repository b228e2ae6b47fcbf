//! The setup guides, compiled into the binary by `build.rs`: the SSO guides (one per IdP catalog
//! key) and the directory-sync guides (one per directory catalog key).

use crate::api::guide::{DirectoryGuide, Guide};
use std::sync::OnceLock;

static GUIDES_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/guides.json"));
static DIRECTORY_GUIDES_JSON: &str =
    include_str!(concat!(env!("OUT_DIR"), "/directory_guides.json"));

/// Every guide, parsed once.
pub fn all() -> &'static [Guide] {
    static GUIDES: OnceLock<Vec<Guide>> = OnceLock::new();
    GUIDES.get_or_init(|| serde_json::from_str(GUIDES_JSON).unwrap_or_default())
}

/// The guide for a catalog key.
pub fn find(key: &str) -> Option<&'static Guide> {
    all().iter().find(|g| g.key == key)
}

/// Every directory-sync guide (`core::directory_catalog`), in key order, parsed once. The build
/// has checked them, so this is empty only if the build wrote something this type cannot read,
/// which the tests catch.
pub fn directory_all() -> &'static [DirectoryGuide] {
    static GUIDES: OnceLock<Vec<DirectoryGuide>> = OnceLock::new();
    GUIDES.get_or_init(|| serde_json::from_str(DIRECTORY_GUIDES_JSON).unwrap_or_default())
}

/// The directory-sync guide for a directory catalog key (`okta`, `entra_id`, …).
pub fn directory_find(key: &str) -> Option<&'static DirectoryGuide> {
    directory_all().iter().find(|g| g.key == key)
}
