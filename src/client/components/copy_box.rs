//! A read-only value with a Copy button and "Copied" feedback.

use crate::client::hooks::{pause, Latest};
use crate::client::style::scoped;
use leptos::prelude::*;
use stylers_macro::style_str;

/// One of our values for the admin to paste into their IdP.
#[component]
pub fn CopyBox(
    /// Unique id of the input.
    #[prop(into)]
    id: String,
    /// Label, ideally the name the IdP's console uses too.
    label: String,
    /// The value.
    value: String,
    /// Extra help under the label.
    #[prop(optional, into)]
    hint: Option<String>,
) -> impl IntoView {
    let class = scoped(style_str! {
        .copy {
            display: flex;
            gap: var(--space-2);
        }
        .copy textarea {
            flex: 1;
            min-width: 0;
            resize: none;
            overflow: hidden;
            overflow-wrap: anywhere;
            word-break: break-all;
            min-height: 2.75rem;
        }
        .tight {
            gap: var(--space-1);
        }
        .status {
            min-height: var(--space-5);
            color: var(--color-success);
            font-size: var(--font-size-sm);
            font-weight: 600;
        }
    });
    let state = RwSignal::new(None::<&'static str>);
    let input = NodeRef::<leptos::html::Textarea>::new();
    // Each click starts a new message: it aborts the previous click's run, timer included, so
    // only the latest message's timer clears it; the box leaving the page aborts it too.
    let copy_run = Latest::new(move |v: &String| {
        let v = v.clone();
        async move {
            let promise = window().navigator().clipboard().write_text(&v);
            let copied = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
            let linger = if copied {
                state.set(Some("Copied"));
                3
            } else {
                // Clipboard access can be blocked (e.g. in an iframe): select it for Ctrl+C instead.
                if let Some(el) = input.get_untracked() {
                    let _ = el.focus();
                    el.select();
                }
                state.set(Some("Selected: press Ctrl+C (or Cmd+C) to copy"));
                10
            };
            pause(linger * 1000).await;
            state.set(None);
        }
    });
    let copy_value = value.clone();
    let copy = move |_| copy_run.dispatch(copy_value.clone());
    let hint_id = format!("{id}-hint");
    let rows = value.chars().count().div_ceil(56).clamp(1, 6);
    let has_hint = hint.is_some();
    view! { class=class,
        <div class="stack tight">
            <label for=id.clone()>{label.clone()}</label>
            {hint.map(|h| view! { <p id=hint_id.clone() class="muted">{h}</p> })}
            <div class="copy">
                // A text area, not an input: long URLs wrap instead of being cut off. It grows
                // to its content where `field-sizing` is supported; `rows` guesses elsewhere.
                <textarea id=id class="mono" readonly node_ref=input rows=rows spellcheck="false"
                    aria-describedby=has_hint.then(|| hint_id.clone())
                    on:focus=move |_| { if let Some(el) = input.get_untracked() { el.select(); } }
                    prop:value=value></textarea>
                <button type="button" class="button" on:click=copy aria-label=format!("Copy {label}")>"Copy"</button>
            </div>
            <p class="status" role="status" aria-live="polite">{move || state.get().unwrap_or("")}</p>
        </div>
    }
}
