//! A labelled control with its hint and error, wired for assistive technology: the one form
//! field of the portal, from a connection's issuer URL to a theme's colours.

use crate::client::style::scoped;
use leptos::prelude::*;
use stylers_macro::style_str;

/// What kind of control to render.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// One line of text.
    Text,
    /// A URL.
    Url,
    /// An email address.
    Email,
    /// A secret, never echoed back.
    Password,
    /// Several lines, monospaced (XML, PEM).
    Multiline,
    /// A whole number from `min` to `max`.
    Number {
        /// Smallest value offered.
        min: u32,
        /// Largest value offered.
        max: u32,
    },
    /// A CSS colour: a monospaced text input (any colour the theme accepts) and a colour picker
    /// bound to it (see [`Field`]'s `swatch`).
    Color,
    /// One of fixed options, as `(value, label)`.
    Select(&'static [(&'static str, &'static str)]),
}

/// Where a field's value comes from and goes to.
///
/// Usually a signal of its own (`value=signal`); a field that edits part of a larger value
/// (a theme's token) reads and writes through [`FieldValue::new`].
#[derive(Clone, Copy)]
pub struct FieldValue {
    get: Signal<String>,
    set: Callback<String>,
}

impl FieldValue {
    /// A value read by `get` and written by `set`, on every keystroke.
    pub fn new(
        get: impl Fn() -> String + Send + Sync + 'static,
        set: impl Fn(String) + Send + Sync + 'static,
    ) -> Self {
        Self {
            get: Signal::derive(get),
            set: Callback::new(set),
        }
    }
}

impl From<RwSignal<String>> for FieldValue {
    fn from(s: RwSignal<String>) -> Self {
        Self {
            get: s.into(),
            set: Callback::new(move |v| s.set(v)),
        }
    }
}

/// A form field. Its error is linked with `aria-describedby` and read out politely when it
/// appears; the form's error notice announces that something needs attention.
#[component]
pub fn Field(
    /// Unique id of the control.
    #[prop(into)]
    id: String,
    /// Visible label.
    #[prop(into)]
    label: String,
    /// The value, two-way.
    #[prop(into)]
    value: FieldValue,
    /// The field's current problem, if any.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// Kind of control.
    #[prop(default = FieldKind::Text)]
    kind: FieldKind,
    /// Help shown under the label.
    #[prop(optional, into)]
    hint: Option<String>,
    /// Placeholder text.
    #[prop(optional)]
    placeholder: &'static str,
    /// Called when the admin leaves the field.
    #[prop(optional, into)]
    on_blur: Option<Callback<()>>,
    /// The error's element id, when it is not `<id>-error` (the theme editor names errors by
    /// the field's key in the theme, as the server does).
    #[prop(optional, into)]
    error_id: Option<String>,
    /// For [`FieldKind::Color`]: what the picker shows, since it only speaks `#rrggbb` (the
    /// value itself while unset).
    #[prop(optional, into)]
    swatch: Option<Signal<String>>,
    /// For [`FieldKind::Color`]: the picker's accessible name.
    #[prop(optional, into)]
    picker_label: Option<String>,
    /// For [`FieldKind::Color`]: the token's key, as the text input's `data-color`.
    #[prop(optional, into)]
    color_key: Option<String>,
) -> impl IntoView {
    let class = scoped(style_str! {
        .color-pair {
            display: flex;
            gap: var(--space-2);
            align-items: center;
        }
        .color-pair input[type="color"] {
            inline-size: var(--space-7);
            block-size: var(--space-6);
            padding: 0;
            border: var(--border-width) solid var(--color-border);
            border-radius: var(--radius-sm);
            background: var(--color-surface);
        }
        .color-pair input[type="text"] {
            flex: 1;
            min-width: 0;
        }
    });
    let hint_id = format!("{id}-hint");
    let error_id = error_id.unwrap_or_else(|| format!("{id}-error"));
    let has_hint = hint.is_some();
    let described = {
        let (h, e) = (hint_id.clone(), error_id.clone());
        move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(h.clone());
            }
            if error.with(|e| e.is_some()) {
                ids.push(e.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let invalid = move || error.with(|e| e.is_some()).then_some("true");
    let blur = move |_| {
        if let Some(cb) = on_blur {
            cb.run(());
        }
    };
    let FieldValue { get, set } = value;
    let input = move |ev| set.run(event_target_value(&ev));
    let control = match kind {
        FieldKind::Multiline => view! {
            <textarea id=id.clone() class="mono" spellcheck="false" placeholder=placeholder
                aria-invalid=invalid aria-describedby=described.clone()
                prop:value=get
                on:input=input
                on:blur=blur></textarea>
        }
        .into_any(),
        FieldKind::Select(options) => view! {
            <select id=id.clone() aria-invalid=invalid aria-describedby=described.clone()
                prop:value=get on:change=input on:blur=blur>
                {options.iter().map(|(v, l)| view! { <option value=*v>{*l}</option> }).collect_view()}
            </select>
        }
        .into_any(),
        FieldKind::Color => {
            let swatch = swatch.unwrap_or(get);
            view! { class=class,
                <div class="color-pair">
                    <input type="color" aria-label=picker_label prop:value=swatch on:input=input/>
                    <input type="text" id=id.clone() class="mono" spellcheck="false" autocomplete="off"
                        data-color=color_key aria-invalid=invalid aria-describedby=described.clone()
                        prop:value=get on:input=input on:blur=blur/>
                </div>
            }
            .into_any()
        }
        FieldKind::Number { min, max } => view! {
            <input id=id.clone() type="number" min=min.to_string() max=max.to_string() step="1"
                aria-invalid=invalid aria-describedby=described.clone()
                prop:value=get on:input=input on:blur=blur/>
        }
        .into_any(),
        _ => {
            let (input_type, autocomplete) = match kind {
                FieldKind::Url => ("url", "off"),
                FieldKind::Email => ("email", "off"),
                // Keeps browsers from filling the admin's own password into a client secret.
                FieldKind::Password => ("password", "new-password"),
                _ => ("text", "off"),
            };
            view! {
                <input id=id.clone() type=input_type placeholder=placeholder autocomplete=autocomplete spellcheck="false"
                    aria-invalid=invalid aria-describedby=described.clone()
                    prop:value=get
                    on:input=input
                    on:blur=blur/>
            }
            .into_any()
        }
    };
    view! { class=class,
        <div class="stack tight">
            <label for=id>{label}</label>
            {hint.map(|h| view! { <p id=hint_id class="muted">{h}</p> })}
            {control}
            {move || error.get().map(|e| view! { <p id=error_id.clone() class="field-error" aria-live="polite">{e}</p> })}
        </div>
    }
}
