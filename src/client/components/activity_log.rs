//! A connection's or a domain's recent activity, in a fold: the same facts the vendor's event
//! log holds (configured, tested, activated, certificate warnings, verified), so the IT admin
//! and the vendor's support talk about the same things.

use crate::api::activity::ActivityEntry;
use crate::api::event::EventType;
use crate::client::api;
use crate::client::components::error_notice::ErrorNotice;
use crate::client::style::scoped;
use leptos::prelude::*;
use stylers_macro::style_str;

/// Whose activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActivityOf {
    /// A connection, by id.
    Connection(String),
    /// A domain, by id.
    Domain(String),
}

/// What happened, in the admin's words.
fn sentence(e: &ActivityEntry) -> String {
    match e.r#type {
        EventType::ConnectionCreated => "Setup started".into(),
        EventType::ConnectionConfigured => "Settings saved".into(),
        EventType::ConnectionActivated => {
            "Activated: your team signs in through this connection".into()
        }
        EventType::ConnectionDeactivated => {
            "Deactivated: sign-ins no longer use this connection".into()
        }
        EventType::ConnectionTestSucceeded => "Test sign-in succeeded".into(),
        EventType::ConnectionTestFailed => "Test sign-in failed".into(),
        EventType::ConnectionCertificateExpiring => match e.days_until_expiry {
            Some(1) => "The signing certificate expires tomorrow".into(),
            Some(d) => format!("The signing certificate expires in {d} days"),
            None => "The signing certificate expires soon".into(),
        },
        EventType::ConnectionCertificateRotated => {
            "A new signing certificate was picked up from the metadata".into()
        }
        EventType::DomainCreated => "Domain added".into(),
        EventType::DomainVerified => "Ownership verified".into(),
        EventType::DomainVerificationFailed => {
            "Verification failed: the record was not found in time".into()
        }
        other => other.as_str().into(),
    }
}

/// The fold; its list loads when first opened.
#[component]
pub fn ActivityLog(
    /// The connection or domain.
    of: ActivityOf,
) -> impl IntoView {
    let class = scoped(style_str! {
        details {
            flex-basis: 100%;
            min-width: 0;
        }
        ol {
            list-style: none;
            padding: 0;
            margin: var(--space-2) 0 0;
            display: flex;
            flex-direction: column;
            gap: var(--space-1);
        }
        time {
            color: var(--color-text-muted);
            font-variant-numeric: tabular-nums;
            margin-inline-end: var(--space-2);
        }
    });
    let open = RwSignal::new(false);
    let log = LocalResource::new(move || {
        let of = of.clone();
        async move {
            if !open.get() {
                return None;
            }
            Some(match &of {
                ActivityOf::Connection(id) => api::connection_activity(id).await,
                ActivityOf::Domain(id) => api::domain_activity(id).await,
            })
        }
    });
    let item = move |e: ActivityEntry| {
        let when = crate::core::cert::format_datetime(e.created_at.unix());
        let text = sentence(&e);
        view! { class=class,
            <li data-activity=e.r#type.as_str()>
                <time datetime=e.created_at.to_string()>{when}</time>
                {text}
                {e.code.map(|c| view! { " " <code>{c}</code> })}
            </li>
        }
    };
    view! { class=class,
        <details on:toggle=move |ev| {
            use wasm_bindgen::JsCast;
            let is_open = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok()).is_some_and(|d| d.open());
            open.set(is_open);
        }>
            <summary>"Recent activity"</summary>
            {move || match log.get().flatten() {
                None => view! { <p class="muted" role="status">"Loading activity…"</p> }.into_any(),
                Some(Err(e)) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                Some(Ok(l)) if l.data.is_empty() => view! { <p class="muted">"Nothing has happened here yet."</p> }.into_any(),
                Some(Ok(l)) => view! { class=class,
                    <ol aria-label="Recent activity, newest first">{l.data.into_iter().map(item).collect_view()}</ol>
                }.into_any(),
            }}
        </details>
    }
}
