//! The editor's token controls: every palette colour of a mode as text plus a colour picker,
//! and the theme's general settings (name, font, radius, density).

use super::{text, Editor};
use crate::api::theme::{Density, Palette, Theme};
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
        .pair {
            display: flex;
            gap: var(--space-2);
            align-items: center;
        }
        .pair input[type="color"] {
            inline-size: var(--space-7);
            block-size: var(--space-6);
            padding: 0;
            border: var(--border-width) solid var(--color-border);
            border-radius: var(--radius-sm);
            background: var(--color-surface);
        }
        .pair input[type="text"] {
            flex: 1;
            min-width: 0;
        }
    });
    view! { class=class,
        <fieldset class="colors">
            <legend>{legend}</legend>
            {COLORS.iter().map(|&(name, label)| view! { <ColorControl mode name label scope=class/> }).collect_view()}
        </fieldset>
    }
}

/// One colour: a text input (any CSS colour the theme accepts) and a picker bound to it.
#[component]
fn ColorControl(
    mode: &'static str,
    name: &'static str,
    label: &'static str,
    /// The fieldset's scoped class, so `.pair` here is styled by it.
    scope: &'static str,
) -> impl IntoView {
    let class = scope;
    let ed = use_context::<Editor>();
    let Some(ed) = ed else { return ().into_any() };
    let key = format!("{mode}.{name}");
    let id = format!("color-{mode}-{name}");
    let error_id = format!("{id}-error");
    let value = move || ed.theme.with(|t| get(t, mode, name));
    // The picker only speaks #rrggbb: a colour being typed shows the default until it parses.
    let swatch = move || {
        parse_color(&value())
            .map(|c| c.hex())
            .unwrap_or_else(|_| get(&default_theme(), mode, name))
    };
    let error = {
        let key = key.clone();
        move || ed.problem(&key)
    };
    let edit = {
        let key = key.clone();
        move |v: String| {
            ed.problems.update(|p| {
                p.remove(&key);
            });
            ed.theme.update(|t| set(t, mode, name, v));
        }
    };
    let edit2 = edit.clone();
    let invalid = {
        let error = error.clone();
        move || error().is_some().then_some("true")
    };
    let described = {
        let (error, error_id) = (error.clone(), error_id.clone());
        move || error().is_some().then(|| error_id.clone())
    };
    view! { class=class,
        <div class="stack" style="gap: var(--space-1)">
            <label for=id.clone()>{label}</label>
            <div class="pair">
                <input type="color" aria-label=format!("{label}, {mode} mode: colour picker")
                    prop:value=swatch on:input=move |ev| edit(event_target_value(&ev))/>
                <input type="text" id=id class="mono" spellcheck="false" autocomplete="off"
                    data-color=key aria-invalid=invalid aria-describedby=described
                    prop:value=value on:input=move |ev| edit2(event_target_value(&ev))/>
            </div>
            {move || error().map(|e| view! { <p id=error_id.clone() class="field-error" aria-live="polite">{e}</p> })}
        </div>
    }
    .into_any()
}

/// Display name, font family, corner radius and density.
#[component]
pub fn GeneralControls() -> impl IntoView {
    let Some(ed) = use_context::<Editor>() else {
        return ().into_any();
    };
    let name = move || {
        ed.theme
            .with(|t| t.display_name.clone().unwrap_or_default())
    };
    let font = move || ed.theme.with(|t| t.font_family.clone().unwrap_or_default());
    let radius = move || {
        ed.theme
            .with(|t| t.radius_px.map(|r| r.to_string()).unwrap_or_default())
    };
    let compact = move || ed.theme.with(|t| t.density == Density::Compact);
    view! {
        <fieldset class="stack">
            <legend>"General"</legend>
            <div class="stack" style="gap: var(--space-1)">
                <label for="theme-display-name">"Display name"</label>
                <input type="text" id="theme-display-name" autocomplete="off"
                    aria-invalid=ed.invalid("display_name")
                    prop:value=name on:input=move |ev| { ed.touched("display_name"); ed.theme.update(|t| t.display_name = text(event_target_value(&ev))) }/>
                {ed.error_view("display_name")}
            </div>
            <div class="stack" style="gap: var(--space-1)">
                <label for="theme-font">"Font family"</label>
                <p id="theme-font-hint" class="muted">"A CSS font list, e.g. \"Inter\", system-ui, sans-serif; blank keeps the system font."</p>
                <input type="text" id="theme-font" autocomplete="off" spellcheck="false" aria-describedby="theme-font-hint"
                    aria-invalid=ed.invalid("font_family")
                    prop:value=font on:input=move |ev| { ed.touched("font_family"); ed.theme.update(|t| t.font_family = text(event_target_value(&ev))) }/>
                {ed.error_view("font_family")}
            </div>
            <div class="stack" style="gap: var(--space-1)">
                <label for="theme-radius">"Corner radius (pixels)"</label>
                <input type="number" id="theme-radius" min="0" max=RADIUS_MAX.to_string() step="1"
                    aria-invalid=ed.invalid("radius_px")
                    prop:value=radius on:input=move |ev| {
                        ed.touched("radius_px");
                        let v = event_target_value(&ev);
                        // Out-of-range numbers are kept (saturated) so the check can say what is wrong.
                        let parsed = v.trim().parse::<u32>().ok().map(|n| n.min(u32::from(u8::MAX)) as u8);
                        if v.trim().is_empty() || parsed.is_some() {
                            ed.theme.update(|t| t.radius_px = parsed);
                        }
                    }/>
                {ed.error_view("radius_px")}
            </div>
            <div class="stack" style="gap: var(--space-1)">
                <label for="theme-density">"Density"</label>
                <select id="theme-density" prop:value=move || if compact() { "compact" } else { "comfortable" }
                    on:change=move |ev| {
                        let d = if event_target_value(&ev) == "compact" { Density::Compact } else { Density::Comfortable };
                        ed.theme.update(|t| t.density = d);
                    }>
                    <option value="comfortable">"Comfortable"</option>
                    <option value="compact">"Compact"</option>
                </select>
            </div>
        </fieldset>
    }
    .into_any()
}
