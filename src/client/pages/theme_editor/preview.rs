//! The editor's live preview (the portal's own screens, in an iframe) and the contrast panel.

use super::Editor;
use crate::client::pages::theme_preview::{PreviewMessage, Screen};
use crate::client::routes;
use crate::client::style::scoped;
use crate::core::theme::contrast_pairs;
use leptos::prelude::*;
use stylers_macro::style_str;
use wasm_bindgen::JsValue;

/// The portal's screens in the theme being edited: the `/theme/preview` page in an iframe, as
/// wide as a desktop window or a phone, sent the theme whenever it changes.
#[component]
pub fn Preview(
    /// `light` or `dark`.
    #[prop(into)]
    mode: Signal<&'static str>,
    /// A phone's width instead of the column's.
    #[prop(into)]
    phone: Signal<bool>,
    /// Which screen.
    #[prop(into)]
    screen: Signal<Screen>,
) -> impl IntoView {
    let class = scoped(style_str! {
        .frame {
            display: block;
            inline-size: 100%;
            border: var(--border-width) solid var(--color-border);
            border-radius: var(--radius-md);
            background: var(--color-bg);
        }
        .frame.phone {
            inline-size: 375px;
            max-inline-size: 100%;
            margin-inline: auto;
        }
    });
    let Some(ed) = use_context::<Editor>() else {
        return ().into_any();
    };
    let frame = NodeRef::<leptos::html::Iframe>::new();
    let height = RwSignal::new(600u32);
    let ready = RwSignal::new(false);
    let send = move || {
        let Some(win) = frame.get_untracked().and_then(|f| f.content_window()) else {
            return;
        };
        let msg = PreviewMessage::Show {
            theme: Box::new(ed.theme.get_untracked()),
            mode: mode.get_untracked().to_owned(),
            screen: screen.get_untracked(),
        };
        msg.post(&win);
    };
    let handle = window_event_listener(leptos::ev::message, move |ev| {
        // Only our own iframe's messages count.
        let ours = frame
            .get_untracked()
            .and_then(|f| f.content_window())
            .map(JsValue::from);
        if ours.is_none() || ev.source().map(JsValue::from) != ours {
            return;
        }
        match PreviewMessage::receive(&ev) {
            Some(PreviewMessage::Ready) => {
                ready.set(true);
                send();
            }
            Some(PreviewMessage::Height { height: h }) => height.set(h.clamp(200, 20_000)),
            _ => {}
        }
    });
    on_cleanup(move || handle.remove());
    Effect::new(move |_| {
        ed.theme.track();
        mode.track();
        screen.track();
        if ready.get() {
            send();
        }
    });
    view! { class=class,
        <iframe node_ref=frame class="frame" class:phone=move || phone.get() src=routes::THEME_PREVIEW data-theme-preview
            title="Preview of the portal's screens in this theme"
            style:block-size=move || format!("{}px", height.get())></iframe>
    }
    .into_any()
}

/// Pairs below WCAG AA, recomputed as the designer types.
#[component]
pub fn ContrastPanel() -> impl IntoView {
    let Some(ed) = use_context::<Editor>() else {
        return ().into_any();
    };
    let failing = Memo::new(move |_| {
        ed.theme.with(|t| {
            contrast_pairs(t)
                .into_iter()
                .filter(|p| p.ratio < p.required)
                .collect::<Vec<_>>()
        })
    });
    view! {
        <section class="stack" aria-labelledby="contrast-heading">
            <h2 id="contrast-heading">"Contrast"</h2>
            <p role="status" aria-live="polite" data-contrast-summary>{move || match failing.with(Vec::len) {
                0 => "Every pair meets WCAG AA.".to_owned(),
                1 => "1 pair is below WCAG AA.".to_owned(),
                n => format!("{n} pairs are below WCAG AA."),
            }}</p>
            <ul data-contrast-failing>
                {move || failing.get().into_iter().map(|p| {
                    // Truncated like the server's message, so 4.497 never reads as a passing 4.50.
                    let shown = (p.ratio * 100.0).floor() / 100.0;
                    view! { <li>{format!("{} mode: {} on {} is {shown:.2}:1, needs {}:1", p.mode, p.foreground, p.background, p.required)}</li> }
                }).collect_view()}
            </ul>
        </section>
    }
    .into_any()
}
