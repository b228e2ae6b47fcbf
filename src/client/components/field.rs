//! A labelled input with its hint and error, wired for assistive technology.

use leptos::prelude::*;

/// What kind of control to render.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// One line of text.
    Text,
    /// A URL.
    Url,
    /// A secret, never echoed back.
    Password,
    /// Several lines, monospaced (XML, PEM).
    Multiline,
}

/// A form field. Its error is linked with `aria-describedby` and read out politely when it
/// appears; the form's error notice announces that something needs attention.
#[component]
pub fn Field(
    /// Unique id of the control.
    id: &'static str,
    /// Visible label.
    label: &'static str,
    /// The value, two-way.
    value: RwSignal<String>,
    /// The field's current problem, if any.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// Kind of control.
    #[prop(default = FieldKind::Text)]
    kind: FieldKind,
    /// Help shown under the label.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// Placeholder text.
    #[prop(optional)]
    placeholder: &'static str,
    /// Called when the admin leaves the field.
    #[prop(optional, into)]
    on_blur: Option<Callback<()>>,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described = {
        let (h, e) = (hint_id.clone(), error_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
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
    let control = match kind {
        FieldKind::Multiline => view! {
            <textarea id=id class="mono" spellcheck="false" placeholder=placeholder
                aria-invalid=invalid aria-describedby=described.clone()
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
                on:blur=blur></textarea>
        }
        .into_any(),
        _ => {
            let (input_type, autocomplete) = match kind {
                FieldKind::Url => ("url", "off"),
                // Keeps browsers from filling the admin's own password into a client secret.
                FieldKind::Password => ("password", "new-password"),
                _ => ("text", "off"),
            };
            view! {
                <input id=id type=input_type placeholder=placeholder autocomplete=autocomplete spellcheck="false"
                    aria-invalid=invalid aria-describedby=described.clone()
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                    on:blur=blur/>
            }
            .into_any()
        }
    };
    view! {
        <div class="stack" style="gap: var(--space-1)">
            <label for=id>{label}</label>
            {hint.map(|h| view! { <p id=hint_id class="muted">{h}</p> })}
            {control}
            {move || error.get().map(|e| view! { <p id=error_id.clone() class="field-error" aria-live="polite">{e}</p> })}
        </div>
    }
}
