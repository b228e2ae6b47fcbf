//! Step 1: a searchable grid of identity providers, driven by the shared catalog.

use super::super::PageHeading;
use crate::api::protocol::Protocol;
use crate::client::api;
use crate::client::components::error_notice::ErrorNotice;
use crate::client::routes::Step;
use crate::client::style::scoped;
use crate::core::catalog;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use stylers_macro::style_str;

/// Choose the identity provider.
#[component]
pub fn ProviderStep() -> impl IntoView {
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
        .proto {
            font-size: var(--font-size-sm);
            color: var(--color-text-muted);
        }
    });
    let search = RwSignal::new(String::new());
    let error = RwSignal::new(None);
    let navigate = use_navigate();
    let session = crate::client::session::use_session();
    let create = Action::new_local(move |key: &&'static str| {
        let (key, navigate) = (*key, navigate.clone());
        async move {
            match api::create_connection(key).await {
                // Stays busy until the next step replaces this one.
                Ok(c) => {
                    session.connection_created();
                    navigate(&Step::Configure.href(&c.id), Default::default());
                    true
                }
                Err(e) => {
                    error.set(Some(e));
                    false
                }
            }
        }
    });
    let (pending, created) = (create.pending(), create.value());
    let busy = Signal::derive(move || pending.get() || created.get() == Some(true));
    let choose = move |key: &'static str| {
        if busy.get_untracked() {
            return;
        }
        create.dispatch_local(key);
    };
    let matches = move || search.with(|q| catalog::search(q).collect::<Vec<_>>());
    view! { class=class,
        <div class="card">
            <PageHeading text="Which identity provider does your organization use?"/>
            <p class="muted">"Pick the service your team signs in with. If yours is not listed, choose “Other SAML 2.0” or “Other OpenID Connect”."</p>
            <div role="search" class="stack tight">
                <label for="idp-search">"Search identity providers"</label>
                <input id="idp-search" type="search" placeholder="Okta, Entra ID, Google…" autocomplete="off"
                    prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev))/>
            </div>
            <p class="visually-hidden" role="status">{move || format!("{} providers shown", matches().len())}</p>
            <ErrorNotice error=error/>
            <ul class="grid" aria-label="Identity providers">
                {move || matches().into_iter().map(|e| {
                    let proto = match e.protocol { Protocol::Saml => "SAML", Protocol::Oidc => "OpenID Connect" };
                    view! { class=class,
                        <li>
                            <button type="button" class="idp" data-idp=e.key disabled=move || busy.get()
                                on:click=move |_| choose(e.key)>
                                <img src=format!("/logos/{}", e.logo) alt=""/>
                                <span>{e.name}</span>
                                <span class="proto">{proto}</span>
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || matches().is_empty().then(|| view! {
                <p>"No provider matches. Choose “Other SAML 2.0” or “Other OpenID Connect” below."</p>
                <button type="button" class="button" on:click=move |_| search.set(String::new())>"Show all providers"</button>
            })}
        </div>
    }
}
