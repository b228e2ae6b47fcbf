//! The setup guides, compiled into the binary by `build.rs`.

use crate::api::guide::Guide;
use std::sync::OnceLock;

static GUIDES_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/guides.json"));

/// Every guide, parsed once.
pub fn all() -> &'static [Guide] {
    static GUIDES: OnceLock<Vec<Guide>> = OnceLock::new();
    GUIDES.get_or_init(|| serde_json::from_str(GUIDES_JSON).unwrap_or_default())
}

/// The guide for a catalog key.
pub fn find(key: &str) -> Option<&'static Guide> {
    all().iter().find(|g| g.key == key)
}
