//! Step 3: the IdP's values, by the method its catalog entry says it delivers them.

use super::super::PageHeading;
use super::oidc_form::OidcForm;
use super::saml_form::SamlForm;
use crate::api::portal::{Connection, Protocol};
use crate::client::api;
use crate::core::catalog;
use leptos::prelude::*;

/// Saves the admin's input so far on the server, so an ended session loses nothing: dispatch
/// the draft to it.
pub fn draft_saver(connection_id: String) -> Action<serde_json::Value, ()> {
    Action::new_local(move |draft: &serde_json::Value| {
        let (id, draft) = (connection_id.clone(), draft.clone());
        async move {
            // A failed draft save is not worth interrupting the admin for; the submit reports errors.
            let _ = api::save_draft(&id, draft).await;
        }
    })
}

/// A string field of the stored draft.
pub fn draft_str(draft: &serde_json::Value, key: &str) -> String {
    draft
        .get(key)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_owned()
}

/// Give us your values.
#[component]
pub fn DetailsStep(
    /// The connection being set up.
    conn: Connection,
) -> impl IntoView {
    let idp = catalog::in_sentence(&conn.idp);
    let form = match conn.protocol {
        Protocol::Saml => view! { <SamlForm conn=conn.clone()/> }.into_any(),
        Protocol::Oidc => view! { <OidcForm conn=conn.clone()/> }.into_any(),
    };
    view! {
        <div class="card">
            <PageHeading text=format!("Enter {idp}'s details")/>
            {form}
        </div>
    }
}
