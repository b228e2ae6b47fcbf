//! Branding: the theme a vendor sets for the portal (`GET/PUT /api/v1/theme`, and the same per
//! organization), the problems validation reports, and the contrast pairs it measures.
//!
//! The rules live in [`crate::core::theme`]; these are only the shapes on the wire.

#[cfg(feature = "server")]
use crate::api::contract as rule;
use serde::{Deserialize, Serialize};

/// The colors of one mode (light or dark). Each is a CSS color: `#rgb`, `#rrggbb` or `rgb(…)`,
/// always opaque.
///
/// The few tokens not listed here (alternate surface, primary hover, the status backgrounds)
/// are derived from these when the stylesheet is built.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Palette {
    /// The page behind the cards (`--color-bg`).
    #[cfg_attr(feature = "server", schemars(regex(pattern = rule::COLOR)))]
    pub background: String,
    /// Cards, inputs and secondary buttons (`--color-surface`).
    #[cfg_attr(feature = "server", schemars(regex(pattern = rule::COLOR)))]
    pub surface: String,
    /// Body text (`--color-text`).
    #[cfg_attr(feature = "server", schemars(regex(pattern = rule::COLOR)))]
    pub text: String,
    /// Hints and secondary text (`--color-text-muted`).
    #[cfg_attr(feature = "server", schemars(regex(pattern = rule::COLOR)))]
    pub muted_text: String,
    /// Primary buttons and links (`--color-primary`).
    #[cfg_attr(feature = "server", schemars(regex(pattern = rule::COLOR)))]
    pub primary: String,
    /// Text on primary buttons (`--color-on-primary`).
    #[cfg_attr(feature = "server", schemars(regex(pattern = rule::COLOR)))]
    pub on_primary: String,
    /// Card and input borders (`--color-border`).
    #[cfg_attr(feature = "server", schemars(regex(pattern = rule::COLOR)))]
    pub border: String,
    /// The keyboard focus outline (`--color-focus`).
    #[cfg_attr(feature = "server", schemars(regex(pattern = rule::COLOR)))]
    pub focus_ring: String,
    /// Success text and borders (`--color-success`).
    #[cfg_attr(feature = "server", schemars(regex(pattern = rule::COLOR)))]
    pub success: String,
    /// Warning text and borders (`--color-warning`).
    #[cfg_attr(feature = "server", schemars(regex(pattern = rule::COLOR)))]
    pub warning: String,
    /// Error text and borders (`--color-danger`).
    #[cfg_attr(feature = "server", schemars(regex(pattern = rule::COLOR)))]
    pub danger: String,
}

/// How much room the portal leaves around things.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Density {
    /// The default spacing.
    #[default]
    Comfortable,
    /// About three quarters of the default spacing, for vendors whose product is dense.
    Compact,
}

/// A link in the portal's footer, such as terms of service or a privacy policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FooterLink {
    /// The link text (at most 40 characters).
    pub label: String,
    /// An `https://` URL, or a path on the portal's own origin.
    pub url: String,
}

/// A vendor's theme: everything the portal needs to wear the vendor's brand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Theme {
    /// The name shown in the portal's header (at most 60 characters).
    #[serde(default)]
    pub display_name: Option<String>,
    /// Colors in light mode.
    pub light: Palette,
    /// Colors in dark mode.
    pub dark: Palette,
    /// A CSS font-family list, e.g. `"Inter", system-ui, sans-serif`; `None` keeps the system stack.
    #[serde(default)]
    pub font_family: Option<String>,
    /// An uploaded WOFF2 font (its asset id), used first, before `font_family`.
    #[serde(default)]
    pub font_file: Option<String>,
    /// Corner radius of buttons and inputs in pixels, 0 to 24 (cards get a little more, small
    /// badges a little less); `None` keeps 8.
    #[serde(default)]
    #[cfg_attr(feature = "server", schemars(range(max = 24)))]
    pub radius_px: Option<u8>,
    /// Spacing: comfortable (default) or compact.
    #[serde(default)]
    pub density: Density,
    /// The address the portal offers when an admin needs help.
    #[serde(default)]
    pub support_email: Option<String>,
    /// A help page: an `https://` URL or a path on the portal's own origin.
    #[serde(default)]
    pub support_url: Option<String>,
    /// Up to five footer links.
    #[serde(default)]
    pub footer_links: Vec<FooterLink>,
    /// Last-mile CSS. It is scoped under the portal root and may not load anything from
    /// elsewhere; see [`crate::core::theme::scope_custom_css`].
    #[serde(default)]
    pub custom_css: Option<String>,
    /// Asset id of the logo shown in light mode.
    #[serde(default)]
    pub logo_light: Option<String>,
    /// Asset id of the logo shown in dark mode (the light one is used when absent).
    #[serde(default)]
    pub logo_dark: Option<String>,
    /// Asset id of the favicon.
    #[serde(default)]
    pub favicon: Option<String>,
}

/// `PUT /api/v1/theme` (and the per-organization override): a theme to save.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ThemeInput {
    /// The theme.
    pub theme: Theme,
    /// Save even though some text is hard to read against its background (the
    /// [`ProblemKind::LowContrast`] problems). Invalid values are refused regardless.
    #[serde(default)]
    pub accept_low_contrast: bool,
}

/// `PUT /api/v1/theme` and `PUT /api/v1/organizations/{id}/theme`: a [`ThemeInput`], or what
/// `GET` returns (a [`Theme`], or an organization's [`OrganizationTheme`], whose `inherited` is
/// ignored), so a theme read can be written back as it is. Only a `ThemeInput` can accept low
/// contrast.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum ThemeWrite {
    /// `{"theme": …, "accept_low_contrast": …}`.
    Input(ThemeInput),
    /// `{"theme": …, "inherited": …}`, as `GET /api/v1/organizations/{id}/theme` returns it.
    Organization(OrganizationTheme),
    /// The theme itself, as `GET /api/v1/theme` returns it.
    Theme(Theme),
}

impl<'de> Deserialize<'de> for ThemeWrite {
    /// Picks the shape by its keys, so serde's message names the field of that shape (an
    /// untagged enum would only say that no shape matched).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let v = serde_json::Value::deserialize(d)?;
        let keys = v.as_object();
        let has = |k: &str| keys.is_some_and(|o| o.contains_key(k));
        let parsed = if has("theme") && has("inherited") && !has("accept_low_contrast") {
            serde_json::from_value(v).map(ThemeWrite::Organization)
        } else if has("theme") {
            serde_json::from_value(v).map(ThemeWrite::Input)
        } else {
            serde_json::from_value(v).map(ThemeWrite::Theme)
        };
        parsed.map_err(D::Error::custom)
    }
}

impl From<ThemeWrite> for ThemeInput {
    fn from(w: ThemeWrite) -> ThemeInput {
        match w {
            ThemeWrite::Input(i) => i,
            ThemeWrite::Organization(OrganizationTheme { theme, .. })
            | ThemeWrite::Theme(theme) => ThemeInput {
                theme,
                accept_low_contrast: false,
            },
        }
    }
}

/// What kind of problem a [`ThemeProblem`] is, which decides whether it blocks saving.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// The value cannot be used; the theme is refused until it is fixed.
    Invalid,
    /// Two colors are too close for comfortable reading (WCAG AA); saving needs
    /// `accept_low_contrast`.
    LowContrast,
}

/// One thing wrong with a theme, attached to the field it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct ThemeProblem {
    /// The field, as a dotted path: `light.primary`, `footer_links.2.url`, `custom_css`.
    pub field: String,
    /// What to change, in plain English.
    pub message: String,
    /// Whether it blocks saving outright.
    pub kind: ProblemKind,
}

/// A foreground and background color the portal draws together, with their measured and
/// required contrast.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct ContrastPair {
    /// `light` or `dark`.
    pub mode: String,
    /// The foreground's palette field, e.g. `on_primary`.
    pub foreground: String,
    /// The background's palette field, e.g. `primary`.
    pub background: String,
    /// The WCAG contrast ratio, from 1 (identical) to 21 (black on white).
    pub ratio: f64,
    /// The ratio WCAG AA asks for: 4.5 for text, 3 for other things one must see (focus ring).
    pub required: f64,
}

/// `GET /portal/api/branding`: the parts of the theme the portal shows as content (the colours
/// arrive as the stylesheet).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct Branding {
    /// The vendor's product name, shown in the header.
    #[serde(default)]
    pub display_name: Option<String>,
    /// Where admins can ask for help.
    #[serde(default)]
    pub support_email: Option<String>,
    /// A help page.
    #[serde(default)]
    pub support_url: Option<String>,
    /// Terms, privacy and similar.
    #[serde(default)]
    pub footer_links: Vec<FooterLink>,
    /// The logo for light backgrounds, if one was uploaded.
    #[serde(default)]
    pub logo_light_url: Option<String>,
    /// The logo for dark backgrounds (the light one is used when there is none).
    #[serde(default)]
    pub logo_dark_url: Option<String>,
}

impl From<&Theme> for Branding {
    fn from(t: &Theme) -> Branding {
        Branding {
            display_name: t.display_name.clone(),
            support_email: t.support_email.clone(),
            support_url: t.support_url.clone(),
            footer_links: t.footer_links.clone(),
            logo_light_url: t
                .logo_light
                .as_ref()
                .map(|id| format!("{}{id}", crate::core::theme::ASSET_PREFIX)),
            logo_dark_url: t
                .logo_dark
                .as_ref()
                .or(t.logo_light.as_ref())
                .map(|id| format!("{}{id}", crate::core::theme::ASSET_PREFIX)),
        }
    }
}

/// `POST /api/v1/theme/assets?kind=logo|favicon|font`: the stored file, to reference from a
/// theme by `id` (`logo_light`, `logo_dark`, `favicon`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct UploadedAsset {
    /// Reference it by this in the theme.
    pub id: String,
    /// Where it is served.
    pub url: String,
    /// What the server judged it to be, from its content.
    pub content_type: String,
    /// Size in bytes.
    pub size: usize,
}

/// `GET/PUT /api/v1/organizations/{id}/theme` (and the designer's `/portal/api/theme/organization`):
/// the theme an organization's admins see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct OrganizationTheme {
    /// The organization's own theme, or the environment's when it has none.
    pub theme: Theme,
    /// True when the organization has no theme of its own and `theme` is the environment's.
    pub inherited: bool,
}
