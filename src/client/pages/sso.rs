//! `/sso`: the organization's connections and their state.

use super::PageHeading;
use crate::api::connection::{ConnectionOverview, ConnectionState};
use crate::client::api;
use crate::client::components::activity_log::{ActivityLog, ActivityOf};
use crate::client::components::error_notice::ErrorNotice;
use crate::client::components::require_session::RequireSession;
use crate::client::components::sign_in_log::SignInLog;
use crate::client::routes::{self, Step};
use crate::client::style::scoped;
use crate::core::catalog;
use crate::core::lifecycle::CertState;
use leptos::prelude::*;
use stylers_macro::style_str;

/// Where a connection's setup continues.
pub fn resume_href(c: &ConnectionOverview) -> String {
    let step = match (c.state, c.saml.is_some() || c.oidc.is_some()) {
        (ConnectionState::Active, _) => Step::Mapping,
        (ConnectionState::Configured, _) => Step::Test,
        (_, true) => Step::Review,
        _ => Step::Configure,
    };
    step.href(&c.id)
}

/// The connections overview.
#[component]
pub fn SsoHome() -> impl IntoView {
    view! {
        <RequireSession>
            <ConnectionsList/>
        </RequireSession>
    }
}

#[component]
fn ConnectionsList() -> impl IntoView {
    let class = scoped(style_str! {
        ul {
            list-style: none;
            padding: 0;
            display: flex;
            flex-direction: column;
            gap: var(--space-3);
        }
        li {
            display: flex;
            flex-wrap: wrap;
            align-items: center;
            gap: var(--space-3);
            padding: var(--space-3);
            border: var(--border-width) solid var(--color-border);
            border-radius: var(--radius-md);
        }
        li img {
            width: 2.5rem;
            height: 2.5rem;
        }
        .name {
            flex: 1;
            min-width: 10rem;
        }
    });
    let list = LocalResource::new(api::connections);
    // The vendor enabled directory sync for this link: offer it next to the connections.
    let session = crate::client::session::use_session();
    let dsync = move || {
        session.info.with(|i| {
            i.as_ref()
                .is_some_and(|i| i.intents.contains(&crate::api::vendor::Intent::Dsync))
        })
    };
    view! { class=class,
        <div class="card">
            <PageHeading text="Single sign-on"/>
            <p>"Connect your identity provider so your team signs in with their work accounts."</p>
            <Transition fallback=|| view! { <p class="muted" role="status">"Loading connections…"</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                        Ok(l) if l.data.is_empty() => view! {
                            <p class="muted">"No connection yet. Setting one up takes about ten minutes; you will need admin access to your identity provider."</p>
                        }.into_any(),
                        Ok(l) => view! { class=class,
                            <ul aria-label="Connections">
                                {l.data.into_iter().map(|c| {
                                    let entry = catalog::find(&c.idp);
                                    let name = entry.map(|e| e.name).unwrap_or("Identity provider");
                                    let logo = format!("/logos/{}", entry.map(|e| e.logo).unwrap_or("saml.svg"));
                                    let (badge, label) = match c.state {
                                        ConnectionState::Active => ("badge success", "Active"),
                                        ConnectionState::Configured => ("badge success", "Configured: test sign-in next"),
                                        ConnectionState::Draft => ("badge warning", "Draft: not finished"),
                                    };
                                    let href = resume_href(&c);
                                    // The connection's weakest certificate decides whether to flag it here.
                                    let now = crate::client::session::now_secs();
                                    let cert_alert = c.saml.as_ref().and_then(|s| {
                                        let states: Vec<CertState> = s.certificates.iter().map(|x| CertState::at(x.not_after.unix(), now)).collect();
                                        if !states.is_empty() && states.iter().all(|st| *st == CertState::Expired) {
                                            Some("Certificate expired")
                                        } else if states.iter().any(|st| matches!(st, CertState::ExpiringSoon(_) | CertState::Expired)) {
                                            Some("Certificate expiring")
                                        } else {
                                            None
                                        }
                                    });
                                    // Only a draft has setup left to continue.
                                    let action = if c.state == ConnectionState::Draft { "Continue setup" } else { "View" };
                                    view! { class=class,
                                        <li data-connection=c.id.clone() data-state=c.state.as_str()>
                                            <img src=logo alt=""/>
                                            <div class="name">
                                                <strong>{name}</strong>
                                                <div class="muted">{c.protocol.as_str().to_uppercase()}</div>
                                            </div>
                                            {cert_alert.map(|a| view! { class=class, <span class="badge warning" data-cert-alert>{a}</span> })}
                                            <span class=badge>{label}</span>
                                            <a class="button" href=href>{action}<span class="visually-hidden">{format!(" ({name})")}</span></a>
                                            {(c.state == ConnectionState::Active).then(|| view! { <SignInLog connection_id=c.id.clone()/> })}
                                            <ActivityLog of=ActivityOf::Connection(c.id.clone())/>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Transition>
            <div class="row">
                <a class="button primary" href=routes::NEW_CONNECTION>"Set up a new connection"</a>
                <a href=routes::DOMAINS>"Verify your email domains"</a>
                {move || dsync().then(|| view! {
                    <a href=routes::DIRECTORY data-directory-entry>"Set up directory sync"</a>
                })}
            </div>
        </div>
    }
}
