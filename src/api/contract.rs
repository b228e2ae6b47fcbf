//! The value rules of the wire types, as the JSON Schema patterns the OpenAPI document
//! publishes (`#[schemars(regex(pattern = …))]` on the fields). Each mirrors the check the
//! server makes (named on each constant), so a request the document calls valid is accepted
//! and one it calls invalid is refused. The checks stay the authority and report with their
//! own codes; rules no pattern can state (a public suffix, a duplicate, colour contrast) are
//! listed where the contract test allows their `422` (`.ci/api-contract.toml`).
//!
//! Written for both ECMA-262 and Python regular expressions (no `\p{…}`).

/// A display name (`core::validate::name`): something besides spaces, no control characters.
pub const NAME: &str = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$";

/// A vendor's external id (`core::validate::external_id`): no spaces or control characters
/// (around it, spaces are trimmed).
pub const EXTERNAL_ID: &str = r"^\s*[^\s\x00-\x1f\x7f-\x9f]+\s*$";

/// A domain name (`core::validate::domain`, `server::domains::normalize`): two or more labels of
/// letters, digits and inner hyphens, the last not all digits.
pub const DOMAIN: &str = r"^\s*([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?\s*$";

/// An absolute `http(s)` URL with a host (`core::validate::web_url`).
pub const WEB_URL: &str = r"^\s*https?://([^\s\x00-\x1f\x7f-\x9f/?#@]*@)?[^\s\x00-\x1f\x7f-\x9f/?#@:][^\s\x00-\x1f\x7f-\x9f/?#@]*([/?#][^\s\x00-\x1f\x7f-\x9f]*)?\s*$";

/// A redirect URI (`server::go_live::check_redirect_uri`): `https` with a host, or `http` on
/// localhost, with no fragment or wildcard.
pub const REDIRECT_URI: &str = r"^(https://[A-Za-z0-9.-]+|http://(localhost|127\.0\.0\.1|\[::1\]))(:[0-9]{1,4})?(/[A-Za-z0-9._~/-]*)?(\?[A-Za-z0-9._~=&-]*)?$";

/// An allowed parent origin (`core::embed::parse_origin`): `https://host[:port]`, or `http` on
/// localhost.
pub const ORIGIN: &str = r"^(https://[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+|http://(localhost|127\.0\.0\.1))(:[1-9][0-9]{0,3})?$";

/// A custom profile attribute's name (`PUT /api/v1/custom_attributes`): snake_case, up to 64.
pub const ATTRIBUTE_NAME: &str = r"^[a-z][a-z0-9_]{0,63}$";

/// A DNS label for the domain-verification record (`server::domains::DomainSettings::check`).
pub const DNS_LABEL: &str = r"^[A-Za-z0-9_][A-Za-z0-9_-]{0,62}$";

/// A colour of a theme palette (`core::theme::parse_color`): `#rgb`, `#rrggbb` or `rgb(…)`.
pub const COLOR: &str = r"^\s*(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}|[Rr][Gg][Bb]\([^)]*\))\s*$";

/// A webhook endpoint's description (`server::webhooks::check_description`): no control
/// characters.
pub const DESCRIPTION: &str = r"^[^\x00-\x1f\x7f-\x9f]*$";

/// A directory provider that can push SCIM (a key of `core::directory_catalog` with `scim`).
pub const DIRECTORY_PROVIDER: &str =
    r"^(okta|entra_id|onelogin|jumpcloud|pingone|pingfederate|rippling|generic)$";

/// A role's slug (surrounding spaces are trimmed).
pub const ROLE_SLUG: &str = r"^\s*[a-z0-9_-]{1,40}\s*$";
