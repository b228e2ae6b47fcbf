//! Branding: the default theme, the checks a theme must pass before it is saved (including
//! WCAG contrast), and the stylesheet of CSS custom properties a theme becomes.
//!
//! The server runs [`check`] before saving and serves [`stylesheet`] at a URL carrying
//! [`version`]; the designer's editor runs the same functions in the browser as they type.
//! Components never see a theme: they read `var(--…)` tokens (see `style/tokens.css`), and the
//! stylesheet only changes those tokens' values.

use sha2::{Digest, Sha256};

use super::validate;
use crate::api::theme::{ContrastPair, Density, Palette, ProblemKind, Theme, ThemeProblem};

pub mod asset;
mod color;
mod css;
mod css_guard;
pub mod samples;
#[cfg(test)]
mod tests;

pub use color::{contrast_ratio, parse_color, Rgb};
pub use css::{scope_custom_css, ASSET_PREFIX, CUSTOM_CSS_MAX, ROOT_ID, ROOT_SELECTOR};

/// Longest display name, in characters.
pub const DISPLAY_NAME_MAX: usize = 60;
/// Largest corner radius, in pixels.
pub const RADIUS_MAX: u8 = 24;
/// Corner radius when the theme sets none, in pixels.
pub const RADIUS_DEFAULT: u8 = 8;
/// Most footer links.
pub const FOOTER_LINKS_MAX: usize = 5;
/// Longest footer link label, in characters.
pub const FOOTER_LABEL_MAX: usize = 40;
/// Longest font-family list, in characters.
pub const FONT_FAMILY_MAX: usize = 200;
/// Longest asset id, in characters.
pub const ASSET_ID_MAX: usize = 128;
/// The font stack used when a theme names none (`--font-body` in `style/tokens.css`).
pub const SYSTEM_FONT_STACK: &str =
    "system-ui, -apple-system, \"Segoe UI\", Roboto, \"Helvetica Neue\", Arial, sans-serif";

/// The parsed colors of one mode.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Colors {
    background: Rgb,
    surface: Rgb,
    text: Rgb,
    muted_text: Rgb,
    primary: Rgb,
    on_primary: Rgb,
    border: Rgb,
    focus_ring: Rgb,
    success: Rgb,
    warning: Rgb,
    danger: Rgb,
}

/// The tokens a palette does not set, worked out from the ones it does.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Derived {
    surface_alt: Rgb,
    primary_hover: Rgb,
    success_bg: Rgb,
    warning_bg: Rgb,
    danger_bg: Rgb,
}

/// Everything about one mode that the stylesheet writes.
struct Mode {
    colors: Colors,
    derived: Derived,
    shadow: &'static str,
}

const LIGHT: Colors = Colors {
    background: Rgb::new(0xf6, 0xf7, 0xf9),
    surface: Rgb::new(0xff, 0xff, 0xff),
    text: Rgb::new(0x1b, 0x1f, 0x24),
    muted_text: Rgb::new(0x4f, 0x57, 0x63),
    primary: Rgb::new(0x28, 0x48, 0xc7),
    on_primary: Rgb::new(0xff, 0xff, 0xff),
    border: Rgb::new(0xc9, 0xd0, 0xda),
    focus_ring: Rgb::new(0x1a, 0x4f, 0xd6),
    success: Rgb::new(0x1d, 0x7a, 0x3e),
    warning: Rgb::new(0x8a, 0x53, 0x00),
    danger: Rgb::new(0xb3, 0x26, 0x1e),
};

const DARK: Colors = Colors {
    background: Rgb::new(0x11, 0x14, 0x18),
    surface: Rgb::new(0x1a, 0x1f, 0x25),
    text: Rgb::new(0xe8, 0xeb, 0xef),
    muted_text: Rgb::new(0xa9, 0xb1, 0xbc),
    primary: Rgb::new(0x8a, 0xa4, 0xff),
    on_primary: Rgb::new(0x0b, 0x12, 0x33),
    border: Rgb::new(0x3a, 0x43, 0x4e),
    focus_ring: Rgb::new(0x9d, 0xb4, 0xff),
    success: Rgb::new(0x6f, 0xd0, 0x8e),
    warning: Rgb::new(0xf0, 0xb3, 0x57),
    danger: Rgb::new(0xff, 0x8a, 0x80),
};

/// The hand-tuned derived tokens of `style/tokens.css`, kept whenever a theme leaves their
/// inputs at the defaults, so the default theme's stylesheet changes nothing on screen.
const LIGHT_DERIVED: Derived = Derived {
    surface_alt: Rgb::new(0xee, 0xf1, 0xf5),
    primary_hover: Rgb::new(0x1f, 0x3a, 0xa6),
    success_bg: Rgb::new(0xe5, 0xf4, 0xea),
    warning_bg: Rgb::new(0xfd, 0xf1, 0xdc),
    danger_bg: Rgb::new(0xfb, 0xe9, 0xe7),
};

const DARK_DERIVED: Derived = Derived {
    surface_alt: Rgb::new(0x23, 0x2a, 0x32),
    primary_hover: Rgb::new(0xa9, 0xbc, 0xff),
    success_bg: Rgb::new(0x16, 0x32, 0x22),
    warning_bg: Rgb::new(0x3a, 0x2a, 0x10),
    danger_bg: Rgb::new(0x3d, 0x17, 0x14),
};

const LIGHT_SHADOW: &str = "0 1px 2px rgba(16, 24, 40, 0.08)";
/// Shadows vanish on dark backgrounds; tokens.css turns them off in dark mode.
const DARK_SHADOW: &str = "none";

/// How far the alternate surface moves from the surface toward the text color.
const SURFACE_ALT_MIX: f64 = 0.06;
/// How far the hovered primary moves toward the text color: darker on light themes, lighter
/// on dark ones, so hovering always adds contrast against the page.
const PRIMARY_HOVER_MIX: f64 = 0.20;
/// How much of a status color tints the page background for its notice background.
const STATUS_BG_MIX: f64 = 0.12;

/// Spacing steps `--space-1` … `--space-7` in rem, as in `style/tokens.css`.
const SPACE_REM: [f64; 7] = [0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0];
/// Compact density's share of the comfortable spacing.
const COMPACT_SPACE: f64 = 0.75;

/// The colors the portal draws on top of each other, the WCAG AA ratio each needs, and how to
/// say it to a designer. Text needs 4.5:1; the focus ring is a non-text indicator and needs
/// 3:1 (WCAG 1.4.11). Borders are left out: WCAG does not require decorative borders to
/// contrast, inputs are also marked by their labels and surface, and the default light border
/// (#c9d0da on white, 1.5:1) is deliberately soft. Derived colors are not listed either: the
/// status backgrounds carry the body text, which stays close to its contrast on the page.
const PAIRS: [(&str, &str, f64, &str); 12] = [
    ("text", "background", 4.5, "Body text on the page"),
    ("text", "surface", 4.5, "Body text on cards"),
    ("muted_text", "background", 4.5, "Muted text on the page"),
    ("muted_text", "surface", 4.5, "Muted text on cards"),
    ("primary", "background", 4.5, "Links on the page"),
    ("primary", "surface", 4.5, "Links on cards"),
    ("on_primary", "primary", 4.5, "Text on primary buttons"),
    ("success", "surface", 4.5, "Success text on cards"),
    ("warning", "surface", 4.5, "Warning text on cards"),
    ("danger", "surface", 4.5, "Error text on cards"),
    (
        "focus_ring",
        "background",
        3.0,
        "The focus ring on the page",
    ),
    ("focus_ring", "surface", 3.0, "The focus ring on cards"),
];

fn palette_of(c: &Colors) -> Palette {
    Palette {
        background: c.background.hex(),
        surface: c.surface.hex(),
        text: c.text.hex(),
        muted_text: c.muted_text.hex(),
        primary: c.primary.hex(),
        on_primary: c.on_primary.hex(),
        border: c.border.hex(),
        focus_ring: c.focus_ring.hex(),
        success: c.success.hex(),
        warning: c.warning.hex(),
        danger: c.danger.hex(),
    }
}

/// A palette's fields by their JSON names, in declaration order.
fn palette_fields(p: &Palette) -> [(&'static str, &str); 11] {
    [
        ("background", &p.background),
        ("surface", &p.surface),
        ("text", &p.text),
        ("muted_text", &p.muted_text),
        ("primary", &p.primary),
        ("on_primary", &p.on_primary),
        ("border", &p.border),
        ("focus_ring", &p.focus_ring),
        ("success", &p.success),
        ("warning", &p.warning),
        ("danger", &p.danger),
    ]
}

/// Parses a palette; a color that does not parse falls back to the default, so a stylesheet
/// can always be written (an unchecked theme never produces broken CSS).
fn resolve(p: &Palette, fallback: &Colors) -> Colors {
    let pick = |s: &str, d: Rgb| parse_color(s).unwrap_or(d);
    Colors {
        background: pick(&p.background, fallback.background),
        surface: pick(&p.surface, fallback.surface),
        text: pick(&p.text, fallback.text),
        muted_text: pick(&p.muted_text, fallback.muted_text),
        primary: pick(&p.primary, fallback.primary),
        on_primary: pick(&p.on_primary, fallback.on_primary),
        border: pick(&p.border, fallback.border),
        focus_ring: pick(&p.focus_ring, fallback.focus_ring),
        success: pick(&p.success, fallback.success),
        warning: pick(&p.warning, fallback.warning),
        danger: pick(&p.danger, fallback.danger),
    }
}

/// Works out the tokens a palette lacks. Each derived token keeps its hand-tuned default while
/// the colors it is made from are unchanged; otherwise:
/// - `surface_alt` (hovered secondary buttons, table stripes): the surface moved 6% toward the
///   text color, so it reads as "a step from the surface" in light and dark alike;
/// - `primary_hover`: the primary moved 20% toward the text color;
/// - `success_bg`, `warning_bg`, `danger_bg` (notice backgrounds): the page background tinted
///   with 12% of the status color, pale enough that body text on it keeps its contrast.
fn derive(c: &Colors, default: &Colors, tuned: &Derived) -> Derived {
    let keep =
        |unchanged: bool, tuned: Rgb, computed: Rgb| if unchanged { tuned } else { computed };
    let status_bg = |status: Rgb, default_status: Rgb, tuned: Rgb| {
        keep(
            status == default_status && c.background == default.background,
            tuned,
            c.background.mix(status, STATUS_BG_MIX),
        )
    };
    Derived {
        surface_alt: keep(
            c.surface == default.surface && c.text == default.text,
            tuned.surface_alt,
            c.surface.mix(c.text, SURFACE_ALT_MIX),
        ),
        primary_hover: keep(
            c.primary == default.primary && c.text == default.text,
            tuned.primary_hover,
            c.primary.mix(c.text, PRIMARY_HOVER_MIX),
        ),
        success_bg: status_bg(c.success, default.success, tuned.success_bg),
        warning_bg: status_bg(c.warning, default.warning, tuned.warning_bg),
        danger_bg: status_bg(c.danger, default.danger, tuned.danger_bg),
    }
}

/// The built-in theme: exactly the values of `style/tokens.css`, no name, no links, no CSS.
pub fn default_theme() -> Theme {
    Theme {
        display_name: None,
        light: palette_of(&LIGHT),
        dark: palette_of(&DARK),
        font_family: None,
        font_file: None,
        radius_px: None,
        density: Density::Comfortable,
        support_email: None,
        support_url: None,
        footer_links: Vec::new(),
        custom_css: None,
        logo_light: None,
        logo_dark: None,
        favicon: None,
    }
}

/// Every foreground/background pair the portal draws, in both modes (light first), with its
/// contrast ratio and the WCAG AA minimum:
///
/// | foreground | background | required | where |
/// |---|---|---|---|
/// | text | background, surface | 4.5 | body text on the page and on cards |
/// | muted_text | background, surface | 4.5 | hints and secondary text |
/// | primary | background, surface | 4.5 | links |
/// | on_primary | primary | 4.5 | primary button labels |
/// | success, warning, danger | surface | 4.5 | status text on cards |
/// | focus_ring | background, surface | 3.0 | the keyboard focus outline |
///
/// Borders are not measured (see the module source for why). A pair with a color that does not
/// parse is left out; [`check`] reports that color as invalid instead.
pub fn contrast_pairs(t: &Theme) -> Vec<ContrastPair> {
    let mut pairs = Vec::new();
    for (mode, palette) in [("light", &t.light), ("dark", &t.dark)] {
        let fields = palette_fields(palette);
        let color = |name: &str| {
            fields
                .iter()
                .find(|(n, _)| *n == name)
                .and_then(|(_, v)| parse_color(v).ok())
        };
        for (fg, bg, required, _) in PAIRS {
            if let (Some(f), Some(b)) = (color(fg), color(bg)) {
                pairs.push(ContrastPair {
                    mode: mode.into(),
                    foreground: fg.into(),
                    background: bg.into(),
                    ratio: contrast_ratio(f, b),
                    required,
                });
            }
        }
    }
    pairs
}

/// Every problem with a theme, in field order, low-contrast ones last.
///
/// [`ProblemKind::Invalid`] problems block saving; [`ProblemKind::LowContrast`] ones block
/// unless the request sets `accept_low_contrast`. A low-contrast problem sits on the
/// foreground's field (`light.on_primary`) and names the background in its message. Blank
/// optional texts count as absent.
pub fn check(t: &Theme) -> Vec<ThemeProblem> {
    let mut problems = Vec::new();
    let mut invalid = |field: &str, message: String| {
        problems.push(ThemeProblem {
            field: field.into(),
            message,
            kind: ProblemKind::Invalid,
        });
    };

    if let Some(name) = present(&t.display_name) {
        if name.chars().count() > DISPLAY_NAME_MAX {
            invalid(
                "display_name",
                format!("Use a display name of at most {DISPLAY_NAME_MAX} characters."),
            );
        } else if name.chars().any(char::is_control) {
            invalid(
                "display_name",
                "Remove line breaks and other control characters from the display name.".into(),
            );
        }
    }
    for (mode, palette) in [("light", &t.light), ("dark", &t.dark)] {
        for (name, value) in palette_fields(palette) {
            if let Err(message) = parse_color(value) {
                invalid(&format!("{mode}.{name}"), message);
            }
        }
    }
    if let Some(font) = present(&t.font_family) {
        if let Err(message) = check_font_family(font) {
            invalid("font_family", message);
        }
    }
    if let Some(r) = t.radius_px.filter(|&r| r > RADIUS_MAX) {
        invalid(
            "radius_px",
            format!("Use a corner radius from 0 to {RADIUS_MAX} pixels, not {r}."),
        );
    }
    if let Some(email) = present(&t.support_email) {
        if let Err(message) = check_email(email) {
            invalid("support_email", message);
        }
    }
    if let Some(url) = present(&t.support_url) {
        if let Err(message) = check_link(url) {
            invalid("support_url", message);
        }
    }
    if t.footer_links.len() > FOOTER_LINKS_MAX {
        invalid(
            "footer_links",
            format!(
                "Use at most {FOOTER_LINKS_MAX} footer links; remove {}.",
                t.footer_links.len() - FOOTER_LINKS_MAX
            ),
        );
    }
    for (i, link) in t.footer_links.iter().enumerate() {
        let label = link.label.trim();
        if label.is_empty() {
            invalid(
                &format!("footer_links.{i}.label"),
                "Enter the link's text, such as Privacy.".into(),
            );
        } else if label.chars().count() > FOOTER_LABEL_MAX {
            invalid(
                &format!("footer_links.{i}.label"),
                format!("Use a label of at most {FOOTER_LABEL_MAX} characters."),
            );
        } else if label.chars().any(char::is_control) {
            invalid(
                &format!("footer_links.{i}.label"),
                "Remove line breaks and other control characters from the label.".into(),
            );
        }
        if let Err(message) = check_link(link.url.trim()) {
            invalid(&format!("footer_links.{i}.url"), message);
        }
    }
    if let Some(css) = present(&t.custom_css) {
        if let Err(message) = scope_custom_css(css) {
            invalid("custom_css", message);
        }
    }
    for (field, value) in [
        ("logo_light", &t.logo_light),
        ("logo_dark", &t.logo_dark),
        ("favicon", &t.favicon),
        ("font_file", &t.font_file),
    ] {
        if let Some(id) = present(value) {
            if id.chars().count() > ASSET_ID_MAX
                || id.chars().any(|c| c.is_whitespace() || c.is_control())
            {
                invalid(
                    field,
                    "Use the asset id the upload returned (a short text without spaces).".into(),
                );
            }
        }
    }

    for pair in contrast_pairs(t) {
        if pair.ratio >= pair.required {
            continue;
        }
        let what = PAIRS
            .iter()
            .find(|(f, b, _, _)| *f == pair.foreground && *b == pair.background)
            .map_or("Text", |p| p.3);
        // Truncated, not rounded: 4.497 must not be shown as a failing "4.50".
        let shown = (pair.ratio * 100.0).floor() / 100.0;
        problems.push(ThemeProblem {
            field: format!("{}.{}", pair.mode, pair.foreground),
            message: format!(
                "{what} in {} mode is hard to see: contrast is {shown:.2}:1 where WCAG AA asks for at least {}:1. \
                 Make {} or {} lighter or darker, or save anyway with accept_low_contrast.",
                pair.mode, pair.required, pair.foreground, pair.background
            ),
            kind: ProblemKind::LowContrast,
        });
    }
    problems
}

/// The trimmed text of an optional field, or `None` when absent or blank.
fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// A CSS font-family list of plain names: letters, digits, spaces, hyphens, commas and quotes,
/// with each quoted name closed. Nothing that could end the declaration (`;`, `}`) or load a
/// file (`url(`) can pass.
fn check_font_family(font: &str) -> Result<(), String> {
    if font.chars().count() > FONT_FAMILY_MAX {
        return Err(format!(
            "Use a font list of at most {FONT_FAMILY_MAX} characters."
        ));
    }
    if let Some(c) = font
        .chars()
        .find(|&c| !(c.is_alphanumeric() || matches!(c, ' ' | '"' | '\'' | ',' | '-')))
    {
        return Err(format!(
            "Use only letters, digits, spaces, hyphens, commas and quotes in the font list, like \
                \"Inter\", system-ui, sans-serif (remove {c:?})."
        ));
    }
    for name in font.split(',').map(str::trim) {
        if name.is_empty() {
            return Err("Remove the empty name between commas in the font list.".into());
        }
        let quoted = name.starts_with(['"', '\'']);
        let balanced = quoted
            && name.len() >= 2
            && name.ends_with(&name[..1])
            && !name[1..name.len() - 1].contains(['"', '\'']);
        if (quoted && !balanced) || (!quoted && name.contains(['"', '\''])) {
            return Err(format!(
                "Put each font name in matching quotes, or none: {name} is not closed properly."
            ));
        }
    }
    Ok(())
}

/// An email address: something, an `@`, and a domain name.
fn check_email(email: &str) -> Result<(), String> {
    const EXAMPLE: &str = "Enter an email address like support@example.com.";
    let Some((local, domain)) = email.rsplit_once('@') else {
        return Err(EXAMPLE.into());
    };
    if email.len() > 254
        || local.is_empty()
        || local.len() > 64
        || local
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>()[],;:\"\\@".contains(c))
    {
        return Err(EXAMPLE.into());
    }
    validate::domain(domain)
        .map(|_| ())
        .map_err(|e| format!("{EXAMPLE} {e}"))
}

/// A link the portal shows: an `https://` URL, or a path on the portal's own origin (`/help`).
fn check_link(url: &str) -> Result<(), String> {
    if url.is_empty() {
        return Err("Enter a URL.".into());
    }
    if url.starts_with('/') && !url.starts_with("//") {
        if url.len() > validate::URL_MAX {
            return Err(format!(
                "Use a URL of at most {} characters.",
                validate::URL_MAX
            ));
        }
        if url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '\\')
        {
            return Err("A path cannot contain spaces or backslashes.".into());
        }
        return Ok(());
    }
    if url
        .get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case("http://"))
        || url
            .get(..8)
            .is_some_and(|p| p.eq_ignore_ascii_case("https://"))
    {
        return validate::web_url(url, true).map(|_| ());
    }
    Err("Use an https:// URL, or a path on the portal such as /help.".into())
}

/// A number for CSS without float noise: `1`, `0.5`, `0.1875`.
fn css_number(n: f64) -> String {
    let s = format!("{n:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// `light` or `dark`: which the browser's own controls should match on this background. The
/// threshold is the luminance at which black and white text contrast equally.
fn scheme_of(background: Rgb) -> &'static str {
    if background.luminance() < 0.179 {
        "dark"
    } else {
        "light"
    }
}

fn write_colors(out: &mut String, indent: &str, m: &Mode) {
    let c = &m.colors;
    let d = &m.derived;
    let tokens = [
        ("--color-bg", c.background),
        ("--color-surface", c.surface),
        ("--color-surface-alt", d.surface_alt),
        ("--color-text", c.text),
        ("--color-text-muted", c.muted_text),
        ("--color-primary", c.primary),
        ("--color-primary-hover", d.primary_hover),
        ("--color-on-primary", c.on_primary),
        ("--color-border", c.border),
        ("--color-focus", c.focus_ring),
        ("--color-success", c.success),
        ("--color-success-bg", d.success_bg),
        ("--color-warning", c.warning),
        ("--color-warning-bg", d.warning_bg),
        ("--color-danger", c.danger),
        ("--color-danger-bg", d.danger_bg),
    ];
    for (name, color) in tokens {
        out.push_str(&format!("{indent}{name}: {};\n", color.hex()));
    }
    out.push_str(&format!("{indent}--shadow-card: {};\n", m.shadow));
}

/// The theme as a stylesheet of the tokens in `style/tokens.css`, loaded after it:
///
/// - `:root { … }`: `color-scheme`, `--font-body`, `--radius-sm/md/lg` (half, once and one and
///   a half times `radius_px`), `--space-1` … `--space-7` (75% in compact density), and every
///   color token for light mode, including the derived ones (see the source of `derive`);
/// - `:root[data-theme=light] { … }`: light colors again, so the portal's toggle wins over a
///   dark operating system;
/// - `@media (prefers-color-scheme: dark) { :root:not([data-theme=light]) { … } }` and
///   `:root[data-theme=dark] { … }`: the dark colors, following the system unless toggled;
/// - the custom CSS, scoped under the portal root ([`scope_custom_css`]).
///
/// Colors are written as lowercase `#rrggbb`. Values that would fail [`check`] are replaced by
/// defaults (an invalid color, font list or custom CSS) or clamped (radius), so the output is
/// always well-formed. The same theme always gives the same bytes, which [`version`] relies on.
pub fn stylesheet(t: &Theme) -> String {
    let light = resolve(&t.light, &LIGHT);
    let dark = resolve(&t.dark, &DARK);
    let light = Mode {
        colors: light,
        derived: derive(&light, &LIGHT, &LIGHT_DERIVED),
        shadow: LIGHT_SHADOW,
    };
    let dark = Mode {
        colors: dark,
        derived: derive(&dark, &DARK, &DARK_DERIVED),
        shadow: DARK_SHADOW,
    };
    let font = present(&t.font_family)
        .filter(|f| check_font_family(f).is_ok())
        .unwrap_or(SYSTEM_FONT_STACK);
    let radius = f64::from(t.radius_px.unwrap_or(RADIUS_DEFAULT).min(RADIUS_MAX));
    let space = match t.density {
        Density::Comfortable => 1.0,
        Density::Compact => COMPACT_SPACE,
    };

    let mut out = String::from(
        "/* Portico theme, generated from the theme's settings: change the \
        theme, not this file. */\n",
    );
    // An uploaded font comes first in the stack; the ids are checked to be plain, so they are
    // safe inside url().
    let uploaded = present(&t.font_file).filter(|id| {
        id.chars().count() <= ASSET_ID_MAX
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_')
    });
    let font = match uploaded {
        Some(id) => {
            out.push_str(&format!("@font-face {{\n  font-family: \"Portico Brand\";\n  src: url({ASSET_PREFIX}{id}) format(\"woff2\");\n  font-display: swap;\n}}\n"));
            format!("\"Portico Brand\", {font}")
        }
        None => font.to_owned(),
    };
    // The browser draws its own controls (radios, file buttons, scrollbars) light or dark by
    // `color-scheme`; a brand whose "light" palette is dark wants them dark in both modes.
    let (light_scheme, dark_scheme) = (
        scheme_of(light.colors.background),
        scheme_of(dark.colors.background),
    );
    let both = if light_scheme == dark_scheme {
        light_scheme.to_owned()
    } else {
        format!("{light_scheme} {dark_scheme}")
    };
    out.push_str(&format!(":root {{\n  color-scheme: {both};\n"));
    out.push_str(&format!("  --font-body: {font};\n"));
    for (name, factor) in [("sm", 0.5), ("md", 1.0), ("lg", 1.5)] {
        out.push_str(&format!(
            "  --radius-{name}: {}px;\n",
            css_number(radius * factor)
        ));
    }
    for (i, rem) in SPACE_REM.iter().enumerate() {
        out.push_str(&format!(
            "  --space-{}: {}rem;\n",
            i + 1,
            css_number(rem * space)
        ));
    }
    write_colors(&mut out, "  ", &light);
    out.push_str(&format!(
        "}}\n:root[data-theme=light] {{\n  color-scheme: {light_scheme};\n"
    ));
    write_colors(&mut out, "  ", &light);
    out.push_str("}\n@media (prefers-color-scheme: dark) {\n  :root:not([data-theme=light]) {\n");
    write_colors(&mut out, "    ", &dark);
    out.push_str(&format!(
        "  }}\n}}\n:root[data-theme=dark] {{\n  color-scheme: {dark_scheme};\n"
    ));
    write_colors(&mut out, "  ", &dark);
    out.push_str("}\n");
    if let Some(custom) = present(&t.custom_css).and_then(|css| scope_custom_css(css).ok()) {
        out.push_str("/* Custom CSS, scoped to the portal. */\n");
        out.push_str(&custom);
    }
    out
}

/// A short, stable version of a theme for its stylesheet's URL: the first 12 hex digits of the
/// SHA-256 of [`stylesheet`], so it changes exactly when the served bytes do.
pub fn version(t: &Theme) -> String {
    let digest = Sha256::digest(stylesheet(t).as_bytes());
    digest.iter().take(6).map(|b| format!("{b:02x}")).collect()
}
