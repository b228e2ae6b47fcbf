//! OpenID Connect details: issuer (discovery is checked by the server), client ID, and a
//! write-only client secret.

use super::draft::{draft_saver, draft_str};
use crate::api::connection::{Connection, OidcInput};
use crate::client::api::{self, ApiError};
use crate::client::components::error_notice::ErrorNotice;
use crate::client::components::field::{Field, FieldKind};
use crate::client::routes::Step;
use crate::core::validate;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// The OIDC form.
#[component]
pub fn OidcForm(
    /// The connection being set up.
    conn: Connection,
) -> impl IntoView {
    let saved = conn.oidc.clone();
    let secret_set = saved.as_ref().is_some_and(|o| o.client_secret_set);
    let issuer = RwSignal::new(
        saved
            .as_ref()
            .map(|o| o.issuer.clone())
            .unwrap_or_else(|| draft_str(&conn.draft, "issuer")),
    );
    let client_id = RwSignal::new(
        saved
            .as_ref()
            .map(|o| o.client_id.clone())
            .unwrap_or_else(|| draft_str(&conn.draft, "client_id")),
    );
    let secret = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let local = RwSignal::new(std::collections::BTreeMap::<&'static str, String>::new());
    let id = conn.id.clone();
    let saver = draft_saver(id.clone());
    let draft = {
        Callback::new(move |()| {
            // The secret is never part of a draft.
            saver.dispatch_local(
                serde_json::json!({ "issuer": issuer.get_untracked(), "client_id": client_id.get_untracked() }),
            );
        })
    };
    let field_error = move |name: &'static str| {
        Signal::derive(move || {
            local
                .with(|l| l.get(name).cloned())
                .or_else(|| error.with(|e| e.as_ref().and_then(|e| e.field(name))))
        })
    };
    // A saved secret is only sent to the provider and client it was entered for (the server
    // refuses otherwise); say so before the admin submits.
    let (saved_issuer, saved_client) = saved
        .as_ref()
        .map(|o| (o.issuer.clone(), o.client_id.clone()))
        .unwrap_or_default();
    let repair_needed = move || -> Option<&'static str> {
        // Read untracked: this runs in the submit handler.
        let same =
            |a: &str, b: &str| a.trim().trim_end_matches('/') == b.trim().trim_end_matches('/');
        if !secret_set {
            None
        } else if !same(&issuer.get_untracked(), &saved_issuer) {
            Some("The issuer changed: enter the client secret again. A saved secret is only ever sent to the provider it was entered for.")
        } else if !same(&client_id.get_untracked(), &saved_client) {
            Some("The client ID changed: enter the client secret that belongs to it.")
        } else {
            None
        }
    };
    let navigate = use_navigate();
    let save = Action::new_local(move |input: &OidcInput| {
        let (id, input, navigate) = (id.clone(), input.clone(), navigate.clone());
        async move {
            match api::set_oidc(&id, &input).await {
                Ok(_) => navigate(&Step::Review.href(&id), Default::default()),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let busy = save.pending();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut problems = std::collections::BTreeMap::new();
        if let Err(m) = validate::web_url(&issuer.get_untracked(), false) {
            problems.insert("issuer", m);
        }
        if let Err(m) = validate::identifier(&client_id.get_untracked(), "client ID") {
            problems.insert("client_id", m);
        }
        if secret.get_untracked().trim().is_empty() {
            if !secret_set {
                problems.insert("client_secret", "Enter the client secret.".to_string());
            } else if let Some(why) = repair_needed() {
                problems.insert("client_secret", why.to_string());
            }
        }
        let has_problems = !problems.is_empty();
        local.set(problems);
        error.set(None);
        if has_problems {
            return;
        }
        draft.run(());
        let input = OidcInput {
            issuer: issuer.get_untracked(),
            client_id: client_id.get_untracked(),
            client_secret: Some(secret.get_untracked()).filter(|s| !s.trim().is_empty()),
        };
        save.dispatch_local(input);
    };
    let secret_hint = if secret_set {
        "A client secret is saved for this issuer and client ID. Leave this empty to keep it, or enter a new one to replace it."
    } else {
        "Stored encrypted and never shown again."
    };
    view! {
        <form class="stack" on:submit=submit novalidate>
            <ErrorNotice error=error/>
            <Field id="oidc-issuer" label="Issuer URL" kind=FieldKind::Url value=issuer error=field_error("issuer")
                placeholder="https://login.example.com" on_blur=draft
                hint="The base address of your identity provider; we read its /.well-known/openid-configuration."/>
            <Field id="oidc-client-id" label="Client ID" value=client_id error=field_error("client_id") on_blur=draft/>
            <Field id="oidc-client-secret" label="Client secret" kind=FieldKind::Password value=secret
                error=field_error("client_secret") hint=secret_hint/>
            <div class="actions">
                <a class="button" href=Step::Configure.href(&conn.id)>"Back"</a>
                <button type="submit" class="button primary" disabled=move || busy.get()>
                    {move || if busy.get() { "Checking…" } else { "Check and continue" }}
                </button>
            </div>
        </form>
    }
}
