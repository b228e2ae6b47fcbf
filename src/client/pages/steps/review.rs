//! Step 4: a summary of what will be saved, then save.

use super::super::PageHeading;
use crate::api::connection::{Connection, ConnectionState};
use crate::client::api::{self, ApiError};
use crate::client::components::error_notice::ErrorNotice;
use crate::client::routes::Step;
use crate::client::session::now_secs;
use crate::core::catalog;
use crate::core::lifecycle::CertState;
use leptos::prelude::*;

fn date(t: crate::api::time::Timestamp) -> String {
    crate::core::cert::format_date(t.unix())
}

/// Review and save.
#[component]
pub fn ReviewStep(
    /// The connection being set up.
    conn: Connection,
) -> impl IntoView {
    // "Okta (SAML)", but "Other SAML 2.0" alone: its name already says the protocol.
    let entry = catalog::find(&conn.idp);
    let idp = entry.map(|e| e.name).unwrap_or("Identity provider");
    let generic = entry.is_none_or(|e| e.key.starts_with("generic-"));
    let labelled = move |protocol: &str| {
        if generic {
            idp.to_owned()
        } else {
            format!("{idp} ({protocol})")
        }
    };
    let state = RwSignal::new(conn.state);
    let error = RwSignal::new(None::<ApiError>);
    let complete = conn.saml.is_some() || conn.oidc.is_some();
    let id = conn.id.clone();
    let save_action = Action::new_local(move |(): &()| {
        let id = id.clone();
        async move {
            match api::save_connection(&id).await {
                Ok(c) => {
                    crate::client::embed::send(
                        crate::api::embed::EventData::ConnectionConfigured {
                            connection_id: c.id.clone(),
                            idp: c.idp.clone(),
                        },
                    );
                    state.set(c.state)
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let busy = save_action.pending();
    let save = move |_| {
        error.set(None);
        save_action.dispatch_local(());
    };
    let summary = match (&conn.saml, &conn.oidc) {
        (Some(s), _) => view! {
            <dl class="stack">
                <div><dt class="muted">"Identity provider"</dt><dd>{labelled("SAML")}</dd></div>
                <div><dt class="muted">"Entity ID (issuer)"</dt><dd><code>{s.idp_entity_id.clone()}</code></dd></div>
                <div><dt class="muted">"Single sign-on URL"</dt><dd><code>{s.sso_url.clone()}</code></dd></div>
                {s.certificates.iter().map(|c| {
                    let state = CertState::at(c.not_after.unix(), now_secs());
                    let notice = match state {
                        CertState::Valid => None,
                        CertState::ExpiringSoon(_) => Some(("notice warning", "Ask your identity provider for the next certificate soon, then update this connection with its new metadata.")),
                        CertState::Expired => Some(("notice error", "Sign-in will fail until your identity provider uses a new certificate. Create one there, then upload the new metadata.")),
                    };
                    view! {
                        <div data-cert-state=state.label()><dt class="muted">"Signing certificate"</dt>
                        <dd>
                            <strong>{state.label()}</strong>{format!(": {}, valid until {}", c.subject, date(c.not_after))}<br/>
                            <code>{c.sha256_fingerprint.clone()}</code>
                            {notice.map(|(class, text)| view! { <p class=class>{text}</p> })}
                        </dd></div>
                    }
                }).collect_view()}
                {s.refresh.clone().map(|r| view! {
                    <div data-refresh><dt class="muted">"Metadata updates"</dt>
                    <dd>
                        {format!("Re-read daily from {}; next check {}.", s.metadata_url.clone().unwrap_or_default(), date(r.next_check_at))}
                        {r.last_error.map(|e| view! { <p class="notice warning">{format!("The last check failed: {e} The configuration above stays in use until the URL works again.")}</p> })}
                    </dd></div>
                })}
                {(s.certificate_history.len() > 1).then(|| view! {
                    <div><dt class="muted">"Certificate history"</dt>
                    <dd><ul>{s.certificate_history.iter().map(|e| view! {
                        <li>{format!("{}: {} {} (valid until {})", date(e.at), if e.kind == crate::api::connection::CertificateChangeKind::Added { "added" } else { "removed" }, e.subject, date(e.not_after))}</li>
                    }).collect_view()}</ul></dd></div>
                })}
            </dl>
        }.into_any(),
        (None, Some(o)) => view! {
            <dl class="stack">
                <div><dt class="muted">"Identity provider"</dt><dd>{labelled("OpenID Connect")}</dd></div>
                <div><dt class="muted">"Issuer"</dt><dd><code>{o.issuer.clone()}</code></dd></div>
                <div><dt class="muted">"Client ID"</dt><dd><code>{o.client_id.clone()}</code></dd></div>
                <div><dt class="muted">"Client secret"</dt><dd>{if o.client_secret_set { "Set (hidden)" } else { "Not set" }}</dd></div>
            </dl>
        }.into_any(),
        (None, None) => view! {
            <p class="notice warning">"This connection has no identity provider details yet."</p>
        }.into_any(),
    };
    let test_id = conn.id.clone();
    view! {
        <div class="card">
            <PageHeading text="Review and save"/>
            {summary}
            <ErrorNotice error=error/>
            {move || (state.get() != ConnectionState::Draft).then(|| view! {
                <div class="notice success" role="status">
                    <strong>"Your connection is saved. "</strong>
                    "Next, sign in once through it to prove it works."
                </div>
            })}
            <div class="actions">
                <a class="button" href=Step::Details.href(&conn.id)>{if complete { "Edit details" } else { "Enter details" }}</a>
                {move || if state.get() != ConnectionState::Draft {
                    view! { <a class="button primary" href=Step::Test.href(&test_id)>"Next: test sign-in"</a> }.into_any()
                } else {
                    view! {
                        <button type="button" class="button primary" disabled=move || busy.get() || !complete on:click=save>
                            {move || if busy.get() { "Saving…" } else { "Save connection" }}
                        </button>
                    }.into_any()
                }}
            </div>
        </div>
    }
}
