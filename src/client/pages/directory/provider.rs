//! Step 1: a searchable grid of directory providers. A provider that cannot push users over SCIM
//! (Google Workspace) shows its guide's explanation instead of continuing.

use crate::api::directory::DirectoryProvider;
use crate::client::api;
use crate::client::components::error_notice::ErrorNotice;
use crate::client::pages::PageHeading;
use crate::client::routes::DirectoryStep;
use crate::client::style::scoped;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use stylers_macro::style_str;

/// Whether `p` matches the search `query` (its name or aliases, ignoring case).
pub fn matches(p: &DirectoryProvider, query: &str) -> bool {
    let q = query.trim().to_lowercase();
    q.is_empty() || p.name.to_lowercase().contains(&q) || p.aliases.to_lowercase().contains(&q)
}

/// Choose the directory provider.
#[component]
pub fn ProviderStep(
    /// The directory being set up, when there is one already (its provider is then changed).
    current: Option<String>,
) -> impl IntoView {
    let class = scoped(style_str! {
        .grid {
            list-style: none;
            padding: 0;
            display: grid;
            grid-template-columns: repeat(auto-fill, minmax(10.5rem, 1fr));
            gap: var(--space-3);
        }
        .idp {
            width: 100%;
            height: 100%;
            display: flex;
            flex-direction: column;
            align-items: center;
            gap: var(--space-2);
            padding: var(--space-4) var(--space-2);
            border: var(--border-width) solid var(--color-border);
            border-radius: var(--radius-md);
            background: var(--color-surface);
            color: var(--color-text);
            font: inherit;
            cursor: pointer;
        }
        .idp:hover {
            border-color: var(--color-primary);
        }
        .idp:focus-visible {
            outline: 2px solid var(--color-focus);
            outline-offset: 2px;
        }
        .idp img {
            width: 3rem;
            height: 3rem;
        }
    });
    let providers = LocalResource::new(api::directory_providers);
    let search = RwSignal::new(String::new());
    let error = RwSignal::new(None);
    // The provider picked that cannot push SCIM: its guide explains what to do instead.
    let unsupported = RwSignal::new(None::<DirectoryProvider>);
    let navigate = use_navigate();
    let session = crate::client::session::use_session();
    let choose_action = Action::new_local(move |key: &String| {
        let (key, navigate, current) = (key.clone(), navigate.clone(), current.clone());
        async move {
            let saved = match &current {
                Some(id) => api::change_directory_provider(id, &key).await,
                None => {
                    let created = api::create_directory(&key).await;
                    if created.is_ok() {
                        session.directory_created();
                    }
                    created
                }
            };
            match saved {
                // Stays busy until the next step replaces this one.
                Ok(d) => {
                    navigate(&DirectoryStep::Instructions.href(&d.id), Default::default());
                    true
                }
                Err(e) => {
                    error.set(Some(e));
                    false
                }
            }
        }
    });
    let (pending, chosen) = (choose_action.pending(), choose_action.value());
    let busy = Signal::derive(move || pending.get() || chosen.get() == Some(true));
    let choose = move |p: DirectoryProvider| {
        if busy.get_untracked() {
            return;
        }
        error.set(None);
        if p.scim {
            unsupported.set(None);
            choose_action.dispatch_local(p.key);
        } else {
            unsupported.set(Some(p));
        }
    };
    view! { class=class,
        <div class="card">
            <PageHeading text="Which directory does your organization use?"/>
            <p class="muted">"Pick the service where you manage your team's accounts. It will create, update and remove their accounts here automatically."</p>
            <div role="search" class="stack tight">
                <label for="directory-search">"Search directory providers"</label>
                <input id="directory-search" type="search" placeholder="Okta, Entra ID, JumpCloud…" autocomplete="off"
                    prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev))/>
            </div>
            <ErrorNotice error=error/>
            <Transition fallback=|| view! { <p class="muted" role="status">"Loading providers…"</p> }>
                {move || Suspend::new(async move {
                    match providers.await {
                        Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                        Ok(all) => {
                            let all = StoredValue::new(all);
                            let shown = move || all.with_value(|l| {
                                search.with(|q| l.iter().filter(|p| matches(p, q)).cloned().collect::<Vec<_>>())
                            });
                            view! { class=class,
                                <p class="visually-hidden" role="status">{move || format!("{} providers shown", shown().len())}</p>
                                <ul class="grid" aria-label="Directory providers">
                                    {move || shown().into_iter().map(|p| {
                                        let (key, name, logo) = (p.key.clone(), p.name.clone(), format!("/logos/{}", p.logo));
                                        let pressed_key = p.key.clone();
                                        view! { class=class,
                                            <li>
                                                <button type="button" class="idp" data-directory-provider=key
                                                    aria-pressed=move || unsupported.with(|u| u.as_ref().is_some_and(|u| u.key == pressed_key)).to_string()
                                                    disabled=move || busy.get() on:click={
                                                        let p = p.clone();
                                                        move |_| choose(p.clone())
                                                    }>
                                                    <img src=logo alt=""/>
                                                    <span>{name}</span>
                                                </button>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                                {move || shown().is_empty().then(|| view! {
                                    <p>"No provider matches. If yours can provision users over SCIM 2.0, it will work here: ask your vendor which entry to pick."</p>
                                    <button type="button" class="button" on:click=move |_| search.set(String::new())>"Show all providers"</button>
                                })}
                            }.into_any()
                        }
                    }
                })}
            </Transition>
            {move || unsupported.get().map(|p| view! { <NoScim provider=p/> })}
        </div>
    }
}

/// Why a provider that cannot push SCIM cannot be connected, from its guide.
#[component]
fn NoScim(provider: DirectoryProvider) -> impl IntoView {
    let key = provider.key.clone();
    let guide = LocalResource::new(move || {
        let key = key.clone();
        async move { api::directory_guide(&key).await }
    });
    let name = provider.name.clone();
    let heading = NodeRef::<leptos::html::H2>::new();
    // The explanation replaces the next step: move the reader to it.
    Effect::new(move |_| {
        if let Some(el) = heading.get() {
            let _ = el.focus();
        }
    });
    view! {
        <section class="notice warning stack" aria-labelledby="no-scim-heading" data-no-scim>
            <h2 id="no-scim-heading" tabindex="-1" node_ref=heading>{format!("{name} cannot send users to us directly")}</h2>
            <Transition fallback=|| view! { <p class="muted" role="status">"Loading the explanation…"</p> }>
                {move || Suspend::new(async move {
                    match guide.await {
                        Ok(g) => {
                            let steps = g.steps.into_iter().flat_map(|s| s.blocks).filter_map(|b| match b {
                                crate::api::guide::GuideBlock::Html(h) => Some(view! { <div inner_html=h></div> }),
                                crate::api::guide::GuideBlock::Copy(_) => None,
                            }).collect_view();
                            view! { <div inner_html=g.intro_html></div>{steps} }.into_any()
                        }
                        Err(_) => view! {
                            <p>"This provider does not provision users over SCIM, so it cannot be connected here. Ask your vendor about other ways to bring your users in."</p>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
