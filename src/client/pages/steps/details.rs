//! Step 3: the IdP's values, by the method its catalog entry says it delivers them.

use super::super::PageHeading;
use super::oidc_form::OidcForm;
use super::saml_form::SamlForm;
use crate::api::connection::Connection;
use crate::api::protocol::Protocol;
use crate::core::catalog;
use leptos::prelude::*;

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
