//! One file per routed screen; the wizard's steps live in `steps/`.

pub mod directory;
pub mod domains;
pub mod home;
pub mod not_found;
pub mod setup;
pub mod sso;
pub mod steps;
pub mod theme_editor;
pub mod theme_preview;
pub mod wizard;

use leptos::prelude::*;

/// A page's main heading, focused when the page appears so screen readers announce it.
#[component]
pub fn PageHeading(
    /// The heading text (it may change, as a waiting page's does once connected; focus stays).
    #[prop(into)]
    text: Signal<String>,
) -> impl IntoView {
    let node = NodeRef::<leptos::html::H1>::new();
    // In the theme editor's preview the page is a sample: moving focus there would take it
    // from the designer's controls.
    let sample = use_context::<InPreview>().is_some();
    Effect::new(move |_| {
        if sample {
            return;
        }
        if let Some(el) = node.get() {
            let _ = el.focus();
        }
    });
    view! { <h1 tabindex="-1" node_ref=node>{move || text.get()}</h1> }
}

/// Provided by the theme editor's preview: the screens inside are samples, shown for their
/// looks, so they do not move focus.
#[derive(Debug, Clone, Copy)]
pub struct InPreview;
