//! The directory-provider catalog: one table of the directories an IT admin can connect for
//! directory sync (SCIM 2.0), shared by the portal and the server.
//!
//! Each row has a setup guide, `public/directory-guides/<key>.md`, rendered at build time and
//! served by `server::guides::directory_find`. The labels here are the provider's own names for
//! the two values we hand out (the SCIM base URL and the bearer token); the guides' copy boxes
//! carry the same labels, which the tests check.

/// One directory provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DirectoryEntry {
    /// Stable key, stored on directories and sent by the vendor API (e.g. `entra_id`).
    pub key: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Logo file under `public/logos/` (shared with the IdP catalog).
    pub logo: &'static str,
    /// Words the search box also matches (lower case).
    pub aliases: &'static str,
    /// Whether the provider can push users and groups to a custom app over SCIM 2.0. When false
    /// (Google Workspace), the guide says what to do instead and has no values to copy.
    pub scim: bool,
    /// The provider's label for the field where our SCIM base URL goes; `None` when not SCIM.
    pub base_url_label: Option<&'static str>,
    /// The provider's label for the field where our bearer token goes; `None` when not SCIM.
    pub token_label: Option<&'static str>,
    /// Roughly how many minutes pass between the provider's sync cycles, when it runs on a
    /// schedule rather than on each change: the portal tells the admin how long a change may
    /// take and points at the provider's "sync now" action. `None` when unknown or immediate.
    pub sync_cycle_minutes: Option<u32>,
}

macro_rules! scim {
    ($key:literal, $name:literal, $logo:literal, $aliases:literal, $url:literal, $token:literal, $cycle:expr) => {
        DirectoryEntry {
            key: $key,
            name: $name,
            logo: $logo,
            aliases: $aliases,
            scim: true,
            base_url_label: Some($url),
            token_label: Some($token),
            sync_cycle_minutes: $cycle,
        }
    };
}

/// The catalog, in the order the portal shows it.
pub const DIRECTORY_CATALOG: &[DirectoryEntry] = &[
    // Okta pushes each change as it happens; the token goes in the Authorization header field
    // shown once the authentication mode is "HTTP Header".
    scim!(
        "okta",
        "Okta",
        "okta.svg",
        "okta workforce",
        "SCIM connector base URL",
        "Authorization",
        None
    ),
    // Entra ID's provisioning service runs on a fixed cycle of about 40 minutes.
    scim!(
        "entra_id",
        "Microsoft Entra ID",
        "entra.svg",
        "azure ad active directory microsoft office 365",
        "Tenant URL",
        "Secret Token",
        Some(40)
    ),
    scim!(
        "onelogin",
        "OneLogin",
        "onelogin.svg",
        "one login",
        "SCIM Base URL",
        "SCIM Bearer Token",
        None
    ),
    scim!(
        "jumpcloud",
        "JumpCloud",
        "jumpcloud.svg",
        "jump cloud",
        "Base URL",
        "Token Key",
        None
    ),
    scim!(
        "pingone",
        "PingOne",
        "pingone.svg",
        "ping identity",
        "SCIM base URL",
        "OAuth Access Token",
        None
    ),
    // Through the SCIM Provisioner add-on; PingFederate's built-in outbound SCIM speaks 1.1 only.
    scim!(
        "pingfederate",
        "PingFederate",
        "pingfederate.svg",
        "ping identity federate",
        "SCIM URL",
        "Access Token",
        None
    ),
    scim!(
        "rippling",
        "Rippling",
        "rippling.svg",
        "rippling hris",
        "SCIM Base URL",
        "Bearer Token",
        None
    ),
    // Google Workspace provisions only to apps in its own catalog, never to a custom SCIM app.
    DirectoryEntry {
        key: "google_workspace",
        name: "Google Workspace",
        logo: "google.svg",
        aliases: "gsuite g suite google apps",
        scim: false,
        base_url_label: None,
        token_label: None,
        sync_cycle_minutes: None,
    },
    scim!(
        "generic",
        "Other SCIM 2.0 directory",
        "saml.svg",
        "custom scim any other",
        "SCIM base URL",
        "Bearer token",
        None
    ),
];

impl DirectoryEntry {
    /// How sentences name this provider: "Okta", but "your directory" for the generic entry.
    pub fn in_sentence(&self) -> &'static str {
        if self.key == "generic" {
            "your directory"
        } else {
            self.name
        }
    }
}

/// Finds a provider by key.
pub fn find(key: &str) -> Option<&'static DirectoryEntry> {
    DIRECTORY_CATALOG.iter().find(|e| e.key == key)
}

/// The providers matching a search query (case-insensitive, every word on name or aliases).
pub fn search(query: &str) -> impl Iterator<Item = &'static DirectoryEntry> + '_ {
    let q = query.trim().to_lowercase();
    DIRECTORY_CATALOG.iter().filter(move |e| {
        q.split_whitespace().all(|w| {
            e.name.to_lowercase().contains(w) || e.aliases.contains(w) || (w == "scim" && e.scim)
        })
    })
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_published_provider_pattern_lists_exactly_the_scim_providers() {
        let keys: Vec<&str> = DIRECTORY_CATALOG
            .iter()
            .filter(|e| e.scim)
            .map(|e| e.key)
            .collect();
        assert_eq!(
            crate::api::contract::DIRECTORY_PROVIDER,
            format!("^({})$", keys.join("|"))
        );
    }

    use super::*;
    use std::path::Path;

    const REQUIRED: [&str; 9] = [
        "okta",
        "entra_id",
        "onelogin",
        "jumpcloud",
        "pingone",
        "pingfederate",
        "rippling",
        "google_workspace",
        "generic",
    ];

    fn guides_dir() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("public/directory-guides")
    }

    #[test]
    fn keys_are_unique_and_exactly_the_agreed_ones() {
        let mut keys = std::collections::HashSet::new();
        for e in DIRECTORY_CATALOG {
            assert!(keys.insert(e.key), "duplicate key {}", e.key);
        }
        let mut listed: Vec<_> = keys.into_iter().collect();
        listed.sort_unstable();
        let mut required = REQUIRED.to_vec();
        required.sort_unstable();
        assert_eq!(listed, required);
        for key in REQUIRED {
            assert_eq!(find(key).map(|e| e.key), Some(key));
        }
        assert!(find("myspace").is_none());
    }

    #[test]
    fn every_row_has_a_guide_file_and_every_guide_file_a_row() {
        for e in DIRECTORY_CATALOG {
            let path = guides_dir().join(format!("{}.md", e.key));
            assert!(
                path.exists(),
                "{} has no guide at {}",
                e.key,
                path.display()
            );
        }
        // The other way round: a guide file without a row would be built and never offered.
        let stems: Vec<String> = std::fs::read_dir(guides_dir())
            .map(|d| {
                d.filter_map(Result::ok)
                    .map(|f| f.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "md"))
                    .filter_map(|p| p.file_stem().and_then(|s| s.to_str()).map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(stems.len(), DIRECTORY_CATALOG.len(), "{stems:?}");
        for stem in stems {
            assert!(find(&stem).is_some(), "guide {stem}.md has no catalog row");
        }
    }

    #[test]
    fn every_logo_exists_in_public() {
        for e in DIRECTORY_CATALOG {
            let path = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("public/logos")
                .join(e.logo);
            assert!(path.exists(), "{} has no logo at {}", e.key, path.display());
        }
    }

    #[test]
    fn google_is_not_scim_and_only_scim_rows_name_their_fields() {
        assert!(!find("google_workspace").is_some_and(|e| e.scim));
        for e in DIRECTORY_CATALOG {
            assert_eq!(e.base_url_label.is_some(), e.scim, "{}", e.key);
            assert_eq!(e.token_label.is_some(), e.scim, "{}", e.key);
            assert_eq!(e.scim, e.key != "google_workspace", "{}", e.key);
        }
        assert_eq!(
            DIRECTORY_CATALOG.iter().filter(|e| e.scim).count(),
            REQUIRED.len() - 1
        );
    }

    #[test]
    fn entra_runs_on_a_forty_minute_cycle() {
        assert_eq!(
            find("entra_id").and_then(|e| e.sync_cycle_minutes),
            Some(40)
        );
        assert_eq!(
            find("entra_id").and_then(|e| e.base_url_label),
            Some("Tenant URL")
        );
        assert_eq!(
            find("entra_id").and_then(|e| e.token_label),
            Some("Secret Token")
        );
    }

    #[test]
    fn search_matches_names_aliases_and_scim() {
        let keys: Vec<_> = search("azure").map(|e| e.key).collect();
        assert_eq!(keys, ["entra_id"]);
        let ping: Vec<_> = search("ping").map(|e| e.key).collect();
        assert_eq!(ping, ["pingone", "pingfederate"]);
        assert_eq!(search("").count(), DIRECTORY_CATALOG.len());
        assert!(search("scim").all(|e| e.scim));
        assert_eq!(search("no such directory").count(), 0);
        assert_eq!(
            find("generic").map(DirectoryEntry::in_sentence),
            Some("your directory")
        );
        assert_eq!(find("okta").map(DirectoryEntry::in_sentence), Some("Okta"));
    }
}
