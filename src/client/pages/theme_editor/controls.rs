//! The editor's token controls: every palette colour of a mode as text plus a colour picker,
//! and the theme's general settings (name, font, radius, density).

use super::Editor;
use crate::api::theme::{Density, Palette, Theme};
use crate::client::components::field::{Field, FieldKind, FieldValue};
use crate::client::style::scoped;
use crate::core::theme::{default_theme, parse_color, RADIUS_MAX};
use leptos::prelude::*;
use stylers_macro::style_str;

/// The palette's fields by wire name, with the label a designer reads.
const COLORS: [(&str, &str); 11] = [
    ("background", "Page background"),
    ("surface", "Surface (cards, inputs)"),
    ("text", "Text"),
    ("muted_text", "Muted text"),
    ("primary", "Primary"),
    ("on_primary", "Text on primary"),
    ("border", "Border"),
    ("focus_ring", "Focus ring"),
    ("success", "Success"),
    ("warning", "Warning"),
    ("danger", "Danger"),
];

/// The palette of `mode` (`light` or `dark`).
fn palette<'a>(t: &'a Theme, mode: &str) -> &'a Palette {
    if mode == "dark" {
        &t.dark
    } else {
        &t.light
    }
}

/// The field `name` of a palette; the names are the fixed ones of [`COLORS`].
fn field<'a>(p: &'a mut Palette, name: &str) -> Option<&'a mut String> {
    Some(match name {
        "background" => &mut p.background,
        "surface" => &mut p.surface,
        "text" => &mut p.text,
        "muted_text" => &mut p.muted_text,
        "primary" => &mut p.primary,
        "on_primary" => &mut p.on_primary,
        "border" => &mut p.border,
        "focus_ring" => &mut p.focus_ring,
        "success" => &mut p.success,
        "warning" => &mut p.warning,
        "danger" => &mut p.danger,
        _ => return None,
    })
}

fn get(t: &Theme, mode: &str, name: &str) -> String {
    let mut p = palette(t, mode).clone();
    field(&mut p, name).map(|v| v.clone()).unwrap_or_default()
}

fn set(t: &mut Theme, mode: &str, name: &str, value: String) {
    let p = if mode == "dark" {
        &mut t.dark
    } else {
        &mut t.light
    };
    if let Some(f) = field(p, name) {
        *f = value;
    }
}

/// The colours of one mode, as a fieldset.
#[component]
pub fn PaletteControls(
    /// `light` or `dark`.
    mode: &'static str,
    /// The fieldset's legend.
    legend: &'static str,
) -> impl IntoView {
    let class = scoped(style_str! {
        .colors {
            display: grid;
            gap: var(--space-3);
            border: var(--border-width) solid var(--color-border);
            border-radius: var(--radius-md);
            padding: var(--space-3) var(--space-4);
        }
    });
    view! { class=class,
        <fieldset class="colors">
            <legend>{legend}</legend>
            {COLORS.iter().map(|&(name, label)| view! { <ColorControl mode name label/> }).collect_view()}
        </fieldset>
    }
}

/// One colour: a text input (any CSS colour the theme accepts) and a picker bound to it.
#[component]
fn ColorControl(mode: &'static str, name: &'static str, label: &'static str) -> impl IntoView {
    let ed = use_context::<Editor>();
    let Some(ed) = ed else { return ().into_any() };
    let key = format!("{mode}.{name}");
    let value = move || ed.theme.with(|t| get(t, mode, name));
    // The picker only speaks #rrggbb: a colour being typed shows the default until it parses.
    let swatch = Signal::derive(move || {
        parse_color(&value())
            .map(|c| c.hex())
            .unwrap_or_else(|_| get(&default_theme(), mode, name))
    });
    let edit = {
        let key = key.clone();
        move |v: String| {
            ed.problems.update(|p| {
                p.remove(&key);
            });
            ed.theme.update(|t| set(t, mode, name, v));
        }
    };
    view! {
        <Field id=format!("color-{mode}-{name}") label=label kind=FieldKind::Color
            value=FieldValue::new(value, edit) error=ed.error(key.clone()) swatch
            picker_label=format!("{label}, {mode} mode: colour picker") color_key=key/>
    }
    .into_any()
}

/// Display name, font family, corner radius and density.
#[component]
pub fn GeneralControls() -> impl IntoView {
    let Some(ed) = use_context::<Editor>() else {
        return ().into_any();
    };
    let radius = move || {
        ed.theme
            .with(|t| t.radius_px.map(|r| r.to_string()).unwrap_or_default())
    };
    let compact = move || ed.theme.with(|t| t.density == Density::Compact);
    view! {
        <fieldset class="stack">
            <legend>"General"</legend>
            <Field id="theme-display-name" label="Display name" error_id=Editor::error_id("display_name")
                value=ed.text_value("display_name", |t| t.display_name.clone(), |t, v| t.display_name = v)
                error=ed.error("display_name")/>
            <Field id="theme-font" label="Font family" error_id=Editor::error_id("font_family")
                hint="A CSS font list, e.g. \"Inter\", system-ui, sans-serif; blank keeps the system font."
                value=ed.text_value("font_family", |t| t.font_family.clone(), |t, v| t.font_family = v)
                error=ed.error("font_family")/>
            <Field id="theme-radius" label="Corner radius (pixels)" error_id=Editor::error_id("radius_px")
                kind=FieldKind::Number { min: 0, max: u32::from(RADIUS_MAX) }
                value=FieldValue::new(radius, move |v: String| {
                    ed.touched("radius_px");
                    // Out-of-range numbers are kept (saturated) so the check can say what is wrong.
                    let parsed = v.trim().parse::<u32>().ok().map(|n| n.min(u32::from(u8::MAX)) as u8);
                    if v.trim().is_empty() || parsed.is_some() {
                        ed.theme.update(|t| t.radius_px = parsed);
                    }
                })
                error=ed.error("radius_px")/>
            <Field id="theme-density" label="Density" error=Signal::stored(None::<String>)
                kind=FieldKind::Select(&[("comfortable", "Comfortable"), ("compact", "Compact")])
                value=FieldValue::new(
                    move || if compact() { "compact" } else { "comfortable" }.to_owned(),
                    move |v: String| {
                        let d = if v == "compact" { Density::Compact } else { Density::Comfortable };
                        ed.theme.update(|t| t.density = d);
                    },
                )/>
        </fieldset>
    }
    .into_any()
}
