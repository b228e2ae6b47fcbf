//! `/theme`: the designer's theme editor, reached with a portal link of intent `theme`. Token
//! controls on one side, a live preview on the other; the edited theme is applied to the page
//! as CSS variables as the designer types, and "Publish" saves it through the API's checks.

mod content;
mod controls;
mod preview;

use super::theme_preview::Screen;
use super::PageHeading;
use crate::api::theme::{ProblemKind, Theme, ThemeInput, ThemeProblem};
use crate::client::api::{self, ApiError};
use crate::client::components::error_notice::ErrorNotice;
use crate::client::components::field::FieldValue;
use crate::client::components::require_session::RequireSession;
use crate::client::hooks::Latest;
use crate::client::session::use_session;
use crate::client::style::scoped;
use crate::core::theme::check;
use content::{AssetControls, ContentControls, CustomCssControl};
use controls::{GeneralControls, PaletteControls};
use leptos::prelude::*;
use preview::{ContrastPanel, Preview};
use std::collections::BTreeMap;
use stylers_macro::style_str;

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

/// Blank means "not set", as in the JSON.
fn text(v: String) -> Option<String> {
    Some(v).filter(|v| !v.trim().is_empty())
}

impl Editor {
    /// A field's problem, for a [`Field`](crate::client::components::field::Field).
    fn error(self, key: impl Into<String>) -> Signal<Option<String>> {
        let key = key.into();
        Signal::derive(move || self.problem(&key))
    }

    /// The id of a field's error paragraph: `<key>-error`, dots as dashes, as [`Editor::error_view`].
    fn error_id(key: &str) -> String {
        format!("{}-error", key.replace('.', "-"))
    }

    /// A text token of the theme as a field's value: editing it clears the server's word on it.
    fn text_value(
        self,
        key: &'static str,
        get: fn(&Theme) -> Option<String>,
        set: fn(&mut Theme, Option<String>),
    ) -> FieldValue {
        FieldValue::new(
            move || self.theme.with(|t| get(t).unwrap_or_default()),
            move |v| {
                self.touched(key);
                self.theme.update(|t| set(t, text(v)));
            },
        )
    }

    /// A field's error paragraph, with the id its input points at (`<key>-error`, dots as dashes).
    fn error_view(self, key: impl Into<String>) -> impl IntoView {
        let key = key.into();
        let id = format!("{}-error", key.replace('.', "-"));
        move || {
            self.problem(&key)
                .map(|e| view! { <p id=id.clone() class="field-error" aria-live="polite">{e}</p> })
        }
    }

    /// `aria-invalid` for a field.
    fn invalid(self, key: &str) -> impl Fn() -> Option<&'static str> + Clone + 'static {
        let key = key.to_owned();
        move || self.problem(&key).map(|_| "true")
    }

    /// A server problem is cleared once its field is edited again.
    fn touched(self, key: &str) {
        self.problems.update(|p| {
            p.remove(key);
        });
    }

    /// What is wrong with a field: the server's word if it spoke last, else the live check's.
    fn problem(&self, field: &str) -> Option<String> {
        self.problems.with(|p| p.get(field).cloned()).or_else(|| {
            self.live.with(|l| {
                l.iter()
                    .find(|p| p.field == field && p.kind == ProblemKind::Invalid)
                    .map(|p| p.message.clone())
            })
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

/// Where "Publish" saves the theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// The environment's theme, for every organization without one of its own.
    Environment,
    /// This organization's own theme.
    Organization,
}

/// Where the published theme stands.
#[derive(Clone)]
enum Load {
    Loading,
    Failed(ApiError),
    Ready,
}

#[component]
fn EditorPage() -> impl IntoView {
    let class = scoped(style_str! {
        .choices {
            gap: var(--space-2);
        }
        .editor {
            display: grid;
            grid-template-columns: minmax(18rem, 26rem) minmax(0, 1fr);
            gap: var(--space-5);
            align-items: start;
            inline-size: min(94vw, 90rem);
            margin-inline: calc((100% - min(94vw, 90rem)) / 2);
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
    let ed = Editor {
        theme,
        problems,
        live,
    };
    provide_context(ed);
    let load = RwSignal::new(Load::Loading);
    let target = RwSignal::new(Target::Environment);
    // The organization's own theme, when it has one: its admins see that instead.
    let org_theme = RwSignal::new(None::<Theme>);
    let session = use_session();
    let org_name = move || {
        session.info.with(|i| {
            i.as_ref()
                .map(|i| i.organization_name.clone())
                .unwrap_or_default()
        })
    };
    // Cancelled if the editor leaves the page first.
    let loader = Latest::new(move |(): &()| async move {
        let (env, org) = (api::theme().await, api::organization_theme().await);
        match (env, org) {
            (Ok(t), Ok(o)) => {
                theme.set(t);
                org_theme.set((!o.inherited).then_some(o.theme));
                load.set(Load::Ready);
            }
            (Err(e), _) | (_, Err(e)) => {
                load.set(Load::Failed(e));
            }
        }
    });
    loader.dispatch(());

    // The editor itself keeps the published theme (a theme being edited may well be
    // unreadable); the preview wears the edited one, in the mode chosen here.
    let mode = RwSignal::new("light");
    let screen = RwSignal::new(Screen::All);
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
        let parsed = serde_json::from_str::<Theme>(&text).or_else(|e| {
            serde_json::from_str::<ThemeInput>(&text)
                .map(|i| i.theme)
                .map_err(|_| e)
        });
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
    let publish_error = RwSignal::new(None::<ApiError>);
    let publish_action = Action::new_local(move |(to, input): &(Target, ThemeInput)| {
        let (to, input) = (*to, input.clone());
        async move {
            let done = match to {
                Target::Environment => api::publish_theme(&input).await.map(|_| "Published: every organization of this environment now wears this theme, except those with a theme of their own.".to_owned()),
                Target::Organization => api::publish_organization_theme(&input).await.map(|o| {
                    org_theme.set(Some(o.theme));
                    format!("Published for {} only: its admins now see this theme.", org_name())
                }),
            };
            match done {
                Ok(message) => {
                    problems.set(BTreeMap::new());
                    status.set(message);
                }
                Err(e) => {
                    problems.set(e.fields());
                    publish_error.set(Some(e));
                }
            }
        }
    });
    let publishing = publish_action.pending();
    let publish = move |_| {
        if publishing.get_untracked() {
            return;
        }
        publish_error.set(None);
        status.set(String::new());
        let input = ThemeInput {
            theme: theme.get_untracked(),
            accept_low_contrast: accept_low.get_untracked(),
        };
        let to = target.get_untracked();
        publish_action.dispatch_local((to, input));
    };

    let edit_org = move |_| {
        if let Some(t) = org_theme.get_untracked() {
            theme.set(t);
            problems.set(BTreeMap::new());
            target.set(Target::Organization);
            status.set(format!("Editing {}'s own theme.", org_name()));
        }
    };
    let remove_action = Action::new_local(move |(): &()| async move {
        match api::remove_organization_theme().await {
            Ok(()) => {
                org_theme.set(None);
                target.set(Target::Environment);
                status.set(format!(
                    "{} wears the environment's theme again.",
                    org_name()
                ));
            }
            Err(e) => {
                publish_error.set(Some(e));
            }
        }
    });
    let removing = remove_action.pending();
    let remove_org = move |_| {
        if removing.get_untracked() {
            return;
        }
        publish_error.set(None);
        remove_action.dispatch_local(());
    };

    view! { class=class,
        <div class="stack">
            <div class="card stack">
                <PageHeading text="Theme editor"/>
                <p>"Change the tokens on the left; the preview shows the portal's screens in your theme as you type. Nothing reaches the portal until you publish."</p>
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
                    <AssetControls/>
                    <ContentControls/>
                    <CustomCssControl/>
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
                        <div class="stack tight">
                            <label for="preview-screen">"Screen"</label>
                            <select id="preview-screen" data-preview-screen
                                on:change=move |ev| { if let Some(s) = Screen::parse(&event_target_value(&ev)) { screen.set(s) } }>
                                {Screen::ALL.iter().map(|s| view! { <option value=s.slug() selected=*s == Screen::All>{s.label()}</option> }).collect_view()}
                            </select>
                        </div>
                        <Preview mode phone screen/>
                    </section>
                    <div class="card stack">
                        <ContrastPanel/>
                    </div>
                    <section class="card stack" aria-labelledby="publish-heading">
                        <h2 id="publish-heading">"Publish"</h2>
                        <fieldset class="stack choices">
                            <legend>"Publish this theme for"</legend>
                            <label>
                                <input type="radio" name="publish-target" value="environment" data-target="environment"
                                    prop:checked=move || target.get() == Target::Environment on:change=move |_| target.set(Target::Environment)/>
                                " Every organization in this environment"
                            </label>
                            <label>
                                <input type="radio" name="publish-target" value="organization" data-target="organization"
                                    prop:checked=move || target.get() == Target::Organization on:change=move |_| target.set(Target::Organization)/>
                                {move || format!(" Only {} (its own theme, which its admins see instead)", org_name())}
                            </label>
                        </fieldset>
                        {move || org_theme.with(Option::is_some).then(|| view! {
                            <div class="notice warning stack" data-org-override>
                                <p>{format!("{} has a theme of its own: its admins see that one, not the environment's.", org_name())}</p>
                                <div class="actions">
                                    <button type="button" class="button" data-edit-org-theme on:click=edit_org>{format!("Edit {}'s theme", org_name())}</button>
                                    <button type="button" class="button" data-remove-org-theme aria-disabled=move || removing.get().then_some("true") on:click=remove_org>
                                        {format!("Remove {}'s theme", org_name())}
                                    </button>
                                </div>
                            </div>
                        })}
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
                        {move || json_error.get().map(|e| view! { <p id="theme-json-error" class="field-error" role="alert">{e}</p> })}
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
