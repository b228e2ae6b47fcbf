//! The `/sso` page's list of connections (the `sso_home` chunk): each connection's state, where
//! its setup continues, its certificates' health, and its sign-in and activity logs.

use super::NoConnectionYet;
use crate::api::connection::{ConnectionOverview, ConnectionState};
use crate::client::api;
use crate::client::components::activity_log::{ActivityLog, ActivityOf};
use crate::client::components::error_notice::ErrorNotice;
use crate::client::components::sign_in_log::SignInLog;
use crate::client::routes::Step;
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

/// The organization's connections (the `sso_home` chunk's screen), fetched as it appears.
#[component]
pub fn ConnectionsList() -> impl IntoView {
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
    view! { class=class,
        <Transition fallback=|| view! { <p class="muted" role="status">"Loading connections…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                    // Removed since the session was loaded.
                    Ok(l) if l.data.is_empty() => view! { <NoConnectionYet/> }.into_any(),
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
    }
}
