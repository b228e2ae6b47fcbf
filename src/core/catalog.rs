//! The identity-provider catalog: one table, shared by the portal and the server.
//!
//! Adding an IdP means adding a row here (and a logo in `public/logos/`), not a component.

use crate::api::protocol::Protocol;

/// How an IdP hands over its SAML metadata, so the wizard offers that method first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetadataDelivery {
    /// A URL the IdP publishes.
    Url,
    /// A file the admin downloads and uploads.
    File,
    /// Fields copied by hand.
    Manual,
    /// Not SAML: an OIDC issuer.
    Issuer,
}

/// One entry of the catalog: an IdP and protocol pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdpEntry {
    /// Stable key, stored on connections (e.g. `okta-saml`).
    pub key: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Protocol.
    pub protocol: Protocol,
    /// Logo file under `public/logos/`.
    pub logo: &'static str,
    /// Words the search box also matches.
    pub aliases: &'static str,
    /// How the IdP delivers its side.
    pub delivery: MetadataDelivery,
    /// What the IdP calls the metadata it gives out, for the instructions.
    pub metadata_label: &'static str,
    /// Attribute names the IdP sends by default: email, first name, last name, groups.
    pub default_attributes: [&'static str; 4],
}

const SAML_STD: [&str; 4] = ["email", "firstName", "lastName", "groups"];
const OIDC_STD: [&str; 4] = ["email", "given_name", "family_name", "groups"];
const MS_CLAIMS: [&str; 4] = [
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
    "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
];

macro_rules! idp {
    ($key:literal, $name:literal, $proto:ident, $logo:literal, $aliases:literal, $delivery:ident, $label:literal, $attrs:expr) => {
        IdpEntry {
            key: $key,
            name: $name,
            protocol: Protocol::$proto,
            logo: $logo,
            aliases: $aliases,
            delivery: MetadataDelivery::$delivery,
            metadata_label: $label,
            default_attributes: $attrs,
        }
    };
}

/// The catalog, in the order the portal shows it.
pub const CATALOG: &[IdpEntry] = &[
    idp!(
        "okta-saml",
        "Okta",
        Saml,
        "okta.svg",
        "okta workforce",
        Url,
        "Metadata URL",
        SAML_STD
    ),
    idp!(
        "okta-oidc",
        "Okta",
        Oidc,
        "okta.svg",
        "okta workforce",
        Issuer,
        "Issuer URL",
        OIDC_STD
    ),
    idp!(
        "entra-saml",
        "Microsoft Entra ID",
        Saml,
        "entra.svg",
        "azure ad active directory microsoft office 365",
        File,
        "Federation Metadata XML",
        MS_CLAIMS
    ),
    idp!(
        "entra-oidc",
        "Microsoft Entra ID",
        Oidc,
        "entra.svg",
        "azure ad active directory microsoft office 365",
        Issuer,
        "Issuer URL",
        OIDC_STD
    ),
    idp!(
        "google-saml",
        "Google Workspace",
        Saml,
        "google.svg",
        "gsuite g suite google apps",
        File,
        "IdP metadata",
        SAML_STD
    ),
    idp!(
        "onelogin-saml",
        "OneLogin",
        Saml,
        "onelogin.svg",
        "one login",
        Url,
        "Issuer URL",
        SAML_STD
    ),
    idp!(
        "onelogin-oidc",
        "OneLogin",
        Oidc,
        "onelogin.svg",
        "one login",
        Issuer,
        "Issuer URL",
        OIDC_STD
    ),
    idp!(
        "jumpcloud-saml",
        "JumpCloud",
        Saml,
        "jumpcloud.svg",
        "jump cloud",
        File,
        "IdP metadata",
        SAML_STD
    ),
    idp!(
        "pingone-saml",
        "PingOne",
        Saml,
        "pingone.svg",
        "ping identity",
        Url,
        "IDP Metadata URL",
        SAML_STD
    ),
    idp!(
        "pingone-oidc",
        "PingOne",
        Oidc,
        "pingone.svg",
        "ping identity",
        Issuer,
        "Issuer URL",
        OIDC_STD
    ),
    idp!(
        "pingfederate-saml",
        "PingFederate",
        Saml,
        "pingfederate.svg",
        "ping identity federate",
        Url,
        "Metadata URL",
        SAML_STD
    ),
    idp!(
        "adfs-saml",
        "ADFS",
        Saml,
        "adfs.svg",
        "active directory federation services microsoft windows server",
        Url,
        "Federation metadata URL",
        MS_CLAIMS
    ),
    idp!(
        "keycloak-saml",
        "Keycloak",
        Saml,
        "keycloak.svg",
        "red hat sso",
        Url,
        "SAML 2.0 Identity Provider Metadata",
        SAML_STD
    ),
    idp!(
        "keycloak-oidc",
        "Keycloak",
        Oidc,
        "keycloak.svg",
        "red hat sso",
        Issuer,
        "Issuer URL",
        OIDC_STD
    ),
    idp!(
        "auth0-saml",
        "Auth0",
        Saml,
        "auth0.svg",
        "okta customer identity",
        Url,
        "Identity Provider Metadata",
        SAML_STD
    ),
    idp!(
        "auth0-oidc",
        "Auth0",
        Oidc,
        "auth0.svg",
        "okta customer identity",
        Issuer,
        "Issuer URL",
        OIDC_STD
    ),
    idp!(
        "rippling-saml",
        "Rippling",
        Saml,
        "rippling.svg",
        "rippling",
        File,
        "IdP metadata",
        SAML_STD
    ),
    idp!(
        "duo-saml",
        "Duo",
        Saml,
        "duo.svg",
        "cisco duo security sso",
        File,
        "SAML metadata",
        SAML_STD
    ),
    idp!(
        "cyberark-saml",
        "CyberArk Identity",
        Saml,
        "cyberark.svg",
        "cyberark idaptive",
        File,
        "IdP metadata",
        SAML_STD
    ),
    idp!(
        "shibboleth-saml",
        "Shibboleth",
        Saml,
        "shibboleth.svg",
        "shibboleth idp university federation",
        Url,
        "IdP metadata URL",
        SAML_STD
    ),
    idp!(
        "generic-saml",
        "Other SAML 2.0",
        Saml,
        "saml.svg",
        "custom saml shibboleth any",
        File,
        "IdP metadata",
        SAML_STD
    ),
    idp!(
        "generic-oidc",
        "Other OpenID Connect",
        Oidc,
        "oidc.svg",
        "custom oidc oauth any",
        Issuer,
        "Issuer URL",
        OIDC_STD
    ),
];

/// IdPs whose guides (and usual setups) put the user's email in the NameID: their connections
/// start with the email read from the NameID, so a test passes even when no email attribute is
/// configured yet.
const NAME_ID_IS_EMAIL: &[&str] = &["google-saml", "jumpcloud-saml", "generic-saml"];

impl IdpEntry {
    /// Whether this IdP is usually set up to send the email as the NameID.
    pub fn name_id_is_email(&self) -> bool {
        NAME_ID_IS_EMAIL.contains(&self.key)
    }

    /// How sentences name this IdP: "Okta", but "your identity provider" for the generic entries.
    pub fn in_sentence(&self) -> &'static str {
        if self.key.starts_with("generic-") {
            "your identity provider"
        } else {
            self.name
        }
    }
}

/// How sentences name the IdP of a catalog key.
pub fn in_sentence(key: &str) -> &'static str {
    find(key)
        .map(IdpEntry::in_sentence)
        .unwrap_or("your identity provider")
}

/// `name` at the start of a sentence: "Your identity provider", "Okta".
pub fn sentence_start(name: &str) -> String {
    crate::core::prose::capitalized(name)
}

/// Finds an entry by key.
pub fn find(key: &str) -> Option<&'static IdpEntry> {
    CATALOG.iter().find(|e| e.key == key)
}

/// The entries matching a search query (case-insensitive, on name, aliases and protocol).
/// The catalog is ASCII (a test says so), so ASCII case folding finds everything, without the
/// Unicode case tables in the admin's first download.
pub fn search(query: &str) -> impl Iterator<Item = &'static IdpEntry> + '_ {
    let q = query.trim().to_ascii_lowercase();
    CATALOG.iter().filter(move |e| {
        q.is_empty()
            || q.split_whitespace().all(|w| {
                e.name.to_ascii_lowercase().contains(w)
                    || e.aliases.contains(w)
                    || e.protocol.as_str().contains(w)
                    || (w == "openid" && e.protocol == Protocol::Oidc)
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_entries_are_your_identity_provider_in_sentences() {
        assert_eq!(in_sentence("generic-saml"), "your identity provider");
        assert_eq!(in_sentence("generic-oidc"), "your identity provider");
        assert_eq!(in_sentence("okta-saml"), "Okta");
        assert_eq!(
            sentence_start(in_sentence("generic-saml")),
            "Your identity provider"
        );
        assert_eq!(sentence_start("Okta"), "Okta");
        assert_eq!(sentence_start(""), "");
    }

    #[test]
    fn keys_are_unique_and_say_their_protocol() {
        let mut keys = std::collections::HashSet::new();
        for e in CATALOG {
            assert!(keys.insert(e.key), "duplicate key {}", e.key);
            assert!(
                e.key.ends_with(e.protocol.as_str()),
                "{} should end with its protocol",
                e.key
            );
            assert_eq!(
                e.delivery == MetadataDelivery::Issuer,
                e.protocol == Protocol::Oidc,
                "{}",
                e.key
            );
        }
    }

    #[test]
    fn every_required_provider_is_listed() {
        for name in [
            "Okta",
            "Microsoft Entra ID",
            "Google Workspace",
            "OneLogin",
            "JumpCloud",
            "PingOne",
            "ADFS",
            "Keycloak",
            "Auth0",
            "Other SAML 2.0",
            "Other OpenID Connect",
        ] {
            assert!(CATALOG.iter().any(|e| e.name == name), "{name} missing");
        }
    }

    #[test]
    fn every_logo_exists_in_public() {
        for e in CATALOG {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("public/logos")
                .join(e.logo);
            assert!(path.exists(), "{} has no logo at {}", e.key, path.display());
        }
    }

    #[test]
    fn only_saml_entries_read_the_email_from_the_name_id() {
        for key in NAME_ID_IS_EMAIL {
            let e = find(key).unwrap_or_else(|| panic!("{key} is not in the catalog"));
            assert_eq!(e.protocol, Protocol::Saml, "{key}");
            assert!(e.name_id_is_email());
        }
        assert!(!find("okta-saml").is_some_and(IdpEntry::name_id_is_email));
    }

    #[test]
    fn search_matches_aliases_and_protocol() {
        let keys: Vec<_> = search("azure").map(|e| e.key).collect();
        assert_eq!(keys, ["entra-saml", "entra-oidc"]);
        let okta_oidc: Vec<_> = search("okta oidc").map(|e| e.key).collect();
        assert!(
            okta_oidc.contains(&"okta-oidc") && !okta_oidc.contains(&"okta-saml"),
            "{okta_oidc:?}"
        );
        assert_eq!(search("").count(), CATALOG.len());
        assert_eq!(search("no such idp").count(), 0);
        // Case does not matter, in the query or the catalog.
        let upper: Vec<_> = search("  OKTA OIDC ").map(|e| e.key).collect();
        assert_eq!(upper, okta_oidc);
    }

    /// `search` folds case for ASCII only: a catalog entry with another letter would be missed
    /// by a query typed in the other case.
    #[test]
    fn the_catalog_is_ascii_and_its_aliases_lower_case() {
        for e in CATALOG {
            assert!(e.name.is_ascii(), "{}", e.name);
            assert!(e.aliases.is_ascii(), "{}", e.aliases);
            assert_eq!(e.aliases, e.aliases.to_ascii_lowercase(), "{}", e.key);
        }
    }
}
