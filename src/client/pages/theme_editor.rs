//! `/theme`: the designer's theme editor, reached with a portal link of intent `theme`. Token
//! controls on one side, a live preview on the other; the edited theme is applied to the page
//! as CSS variables as the designer types, and "Publish" saves it through the API's checks.

mod controls;
mod preview;

use super::PageHeading;
use crate::api::theme::{ProblemKind, Theme, ThemeInput, ThemeProblem};
use crate::client::api::{self, ApiError};
use crate::client::components::error_notice::ErrorNotice;
use crate::client::components::require_session::RequireSession;
use crate::client::style::scoped;
use crate::core::theme::{check, stylesheet};
use controls::{GeneralControls, PaletteControls};
use leptos::prelude::*;
use preview::{ContrastPanel, Preview};
use std::collections::BTreeMap;
use stylers_macro::style_str;

/// The `<style>` element the edited theme is written into, after the published theme's link.
const PREVIEW_STYLE_ID: &str = "portico-theme-preview";

/// The editor's shared state, provided to the controls.
#[derive(Clone, Copy)]
pub(crate) struct Editor {
    /// The theme as edited.
    theme: RwSignal<Theme>,
    /// Problems the server named at the last "Publish", by field; cleared as a field is edited.
    problems: RwSignal<BTreeMap<String, String>>,
    /// Invalid values found in the browser by the server's own check, as the designer types.
    live: Memo<Vec<ThemeProblem>>,
}

impl Editor {
    /// What is wrong with a field: the server's word if it spoke last, else the live check's.
    fn problem(&self, field: &str) -> Option<String> {
        self.problems.with(|p| p.get(field).cloned()).or_else(|| {
            self.live.with(|l| l.iter().find(|p| p.field == field && p.kind == ProblemKind::Invalid).map(|p| p.message.clone()))
        })
    }
}

/// The theme editor screen.
#[component]
pub fn ThemeEditor() -> impl IntoView {
    view! {
        <RequireSession>
            <EditorPage/>
        </RequireSession>
    }
}

/// Where the published theme stands.
#[derive(Clone)]
enum Load {
    Loading,
    Failed(ApiError),
    Ready,
}

fn document() -> Option<web_sys::Document> {
    web_sys::window().and_then(|w| w.document())
}

/// Writes the edited theme's stylesheet into the page; only CSS variables change.
fn write_preview(css: &str) {
    let Some(doc) = document() else { return };
    let el = match doc.get_element_by_id(PREVIEW_STYLE_ID) {
        Some(el) => el,
        None => {
            let Ok(el) = doc.create_element("style") else { return };
            el.set_id(PREVIEW_STYLE_ID);
            // Last in <head>, so it wins over the published theme's stylesheet.
            if let Some(head) = doc.head() {
                let _ = head.append_child(&el);
            }
            el
        }
    };
    el.set_text_content(Some(css));
}

#[component]
fn EditorPage() -> impl IntoView {
    let class = scoped(style_str! {
        .editor {
            display: grid;
            grid-template-columns: minmax(18rem, 26rem) 1fr;
            gap: var(--space-5);
            align-items: start;
        }
        @media (max-width: 60rem) {
            .editor {
                grid-template-columns: 1fr;
            }
        }
        .json {
            inline-size: 100%;
            min-block-size: 12rem;
        }
    });
    let theme = RwSignal::new(crate::core::theme::default_theme());
    let problems = RwSignal::new(BTreeMap::<String, String>::new());
    let live = Memo::new(move |_| theme.with(check));
    let ed = Editor { theme, problems, live };
    provide_context(ed);
    let load = RwSignal::new(Load::Loading);
    leptos::task::spawn_local(async move {
        match api::theme().await {
            Ok(t) => {
                theme.try_set(t);
                load.try_set(Load::Ready);
            }
            Err(e) => {
                load.try_set(Load::Failed(e));
            }
        }
    });

    // The edited theme replaces the published one on this page at once.
    Effect::new(move |_| theme.with(|t| write_preview(&stylesheet(t))));
    // The preview's mode uses the portal's own switch (data-theme on the root); the admin's
    // saved choice comes back when the editor goes away, as does the published theme.
    let root = document().and_then(|d| d.document_element());
    let saved_scheme = root.as_ref().and_then(|r| r.get_attribute("data-theme"));
    let mode = RwSignal::new(if saved_scheme.as_deref() == Some("dark") { "dark" } else { "light" });
    Effect::new(move |_| {
        let m = mode.get();
        if let Some(r) = document().and_then(|d| d.document_element()) {
            let _ = r.set_attribute("data-theme", m);
        }
    });
    on_cleanup(move || {
        if let Some(doc) = document() {
            if let Some(el) = doc.get_element_by_id(PREVIEW_STYLE_ID) {
                el.remove();
            }
            if let Some(r) = doc.document_element() {
                let _ = match &saved_scheme {
                    Some(s) => r.set_attribute("data-theme", s),
                    None => r.remove_attribute("data-theme"),
                };
            }
        }
    });

    let phone = RwSignal::new(false);
    let json = RwSignal::new(String::new());
    let json_error = RwSignal::new(None::<String>);
    let status = RwSignal::new(String::new());
    let export = move |_| {
        json_error.set(None);
        json.set(theme.with(|t| serde_json::to_string_pretty(t).unwrap_or_default()));
        status.set("The theme's JSON is in the box below: copy it into your repository.".into());
    };
    let import = move |_| {
        let text = json.get_untracked();
        // A theme, or a whole request body ({"theme": …}) as `portico theme export` writes it.
        let parsed = serde_json::from_str::<Theme>(&text)
            .or_else(|e| serde_json::from_str::<ThemeInput>(&text).map(|i| i.theme).map_err(|_| e));
        match parsed {
            Ok(t) => {
                theme.set(t);
                problems.set(BTreeMap::new());
                json_error.set(None);
                status.set("Imported: the preview shows the theme. Publish to use it in the portal.".into());
            }
            Err(e) => json_error.set(Some(format!("This is not a theme we can read: {e}. Paste the JSON of a theme, as Export gives it."))),
        }
    };

    let accept_low = RwSignal::new(false);
    let publishing = RwSignal::new(false);
    let publish_error = RwSignal::new(None::<ApiError>);
    let publish = move |_| {
        if publishing.get_untracked() {
            return;
        }
        publishing.set(true);
        publish_error.set(None);
        status.set(String::new());
        let input = ThemeInput { theme: theme.get_untracked(), accept_low_contrast: accept_low.get_untracked() };
        leptos::task::spawn_local(async move {
            match api::publish_theme(&input).await {
                Ok(_) => {
                    problems.try_set(BTreeMap::new());
                    status.try_set("Published: every portal link of this environment now wears this theme.".into());
                }
                Err(e) => {
                    problems.try_set(e.fields());
                    publish_error.try_set(Some(e));
                }
            }
            publishing.try_set(false);
        });
    };

    view! { class=class,
        <div class="stack">
            <div class="card stack">
                <PageHeading text="Theme editor"/>
                <p>"Change the tokens on the left; the preview on the right and this page follow as you type. Nothing reaches the portal until you publish."</p>
                <p class="visually-hidden" role="status" aria-live="polite">{move || status.get()}</p>
                {move || match load.get() {
                    Load::Loading => view! { <p class="muted" role="status">"Loading the published theme…"</p> }.into_any(),
                    Load::Failed(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                    Load::Ready => ().into_any(),
                }}
            </div>
            <div class="editor">
                <form class="card stack" aria-label="Theme tokens" novalidate on:submit=|ev: leptos::ev::SubmitEvent| ev.prevent_default()>
                    <GeneralControls/>
                    <PaletteControls mode="light" legend="Light mode colours"/>
                    <PaletteControls mode="dark" legend="Dark mode colours"/>
                </form>
                <div class="stack">
                    <section class="card stack" aria-labelledby="preview-heading">
                        <h2 id="preview-heading">"Preview"</h2>
                        <div class="row" role="group" aria-label="Preview mode">
                            <button type="button" class="button" data-preview-mode="light"
                                aria-pressed=move || (mode.get() == "light").to_string() on:click=move |_| mode.set("light")>"Light"</button>
                            <button type="button" class="button" data-preview-mode="dark"
                                aria-pressed=move || (mode.get() == "dark").to_string() on:click=move |_| mode.set("dark")>"Dark"</button>
                        </div>
                        <div class="row" role="group" aria-label="Preview width">
                            <button type="button" class="button" aria-pressed=move || (!phone.get()).to_string() on:click=move |_| phone.set(false)>"Desktop"</button>
                            <button type="button" class="button" aria-pressed=move || phone.get().to_string() on:click=move |_| phone.set(true)>"Phone"</button>
                        </div>
                        <Preview phone/>
                    </section>
                    <div class="card stack">
                        <ContrastPanel/>
                    </div>
                    <section class="card stack" aria-labelledby="publish-heading">
                        <h2 id="publish-heading">"Publish"</h2>
                        <label>
                            <input type="checkbox" data-accept-low-contrast prop:checked=move || accept_low.get()
                                on:change=move |ev| accept_low.set(event_target_checked(&ev))/>
                            " Publish even though some pairs are below AA contrast"
                        </label>
                        <ErrorNotice error=publish_error/>
                        {move || (!problems.with(BTreeMap::is_empty)).then(|| view! {
                            <ul class="notice error" data-publish-problems aria-label="Problems to fix">
                                {problems.get().into_iter().map(|(f, m)| view! { <li><code>{f}</code>": "{m}</li> }).collect_view()}
                            </ul>
                        })}
                        <p class="muted" data-publish-status>{move || status.get()}</p>
                        <div class="actions">
                            <button type="button" class="button primary" data-publish
                                aria-disabled=move || publishing.get().then_some("true") on:click=publish>
                                {move || if publishing.get() { "Publishing…" } else { "Publish" }}
                            </button>
                        </div>
                    </section>
                    <section class="card stack" aria-labelledby="json-heading">
                        <h2 id="json-heading">"Theme JSON"</h2>
                        <label for="theme-json">"Paste a theme to import it, or export the one you are editing"</label>
                        <textarea id="theme-json" class="mono json" spellcheck="false"
                            aria-invalid=move || json_error.with(|e| e.is_some()).then_some("true")
                            aria-describedby=move || json_error.with(|e| e.is_some()).then_some("theme-json-error")
                            prop:value=move || json.get() on:input=move |ev| json.set(event_target_value(&ev))></textarea>
                        {move || json_error.get().map(|e| view! { <p id="theme-json-error" class="field-error" role="alert" style="color: var(--color-danger); font-weight: 600">{e}</p> })}
                        <div class="actions">
                            <button type="button" class="button" data-export on:click=export>"Export JSON"</button>
                            <button type="button" class="button" data-import on:click=import>"Import JSON"</button>
                        </div>
                    </section>
                </div>
            </div>
        </div>
    }
}
