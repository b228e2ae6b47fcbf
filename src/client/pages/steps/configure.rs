//! Step 2: our values, each with a copy button, and what to do with them in the IdP.

use super::super::PageHeading;
use crate::api::portal::{Connection, Protocol};
use crate::client::components::copy_box::CopyBox;
use crate::client::pages::wizard::Step;
use crate::core::catalog;
use leptos::prelude::*;

/// Copy our values.
#[component]
pub fn ConfigureStep(
    /// The connection being set up.
    conn: Connection,
) -> impl IntoView {
    let entry = catalog::find(&conn.idp);
    let idp = catalog::in_sentence(&conn.idp);
    let bring = entry.map(|e| e.metadata_label).unwrap_or("metadata");
    let sp = conn.sp.clone();
    let body = match conn.protocol {
        Protocol::Saml => view! {
            <ol class="stack">
                <li>{format!("In {idp}'s admin console, create a new SAML 2.0 application (sometimes called an “enterprise application” or “custom app”).")}</li>
                <li>"Paste the values below into the fields with the same or similar names."</li>
                <li>"Set the name ID to the user's email address, and assign the people or groups who should sign in."</li>
                <li>{format!("Come back with {idp}'s “{bring}” for the next step.")}</li>
            </ol>
            <CopyBox id="sp-acs-url" label="ACS URL".to_string() value=sp.acs_url.clone()
                hint="Also called “Reply URL”, “Single sign-on URL” or “Assertion Consumer Service URL”."/>
            <CopyBox id="sp-entity-id" label="SP Entity ID".to_string() value=sp.entity_id.clone()
                hint="Also called “Identifier”, “Audience URI” or “Audience restriction”."/>
            <CopyBox id="sp-metadata-url" label="SP metadata URL".to_string() value=sp.metadata_url.clone()
                hint="Some identity providers can read all our values from this address."/>
            <p><a href=sp.metadata_url.clone() download="portico-sp-metadata.xml">"Download our metadata XML"</a></p>
        }
        .into_any(),
        Protocol::Oidc => view! {
            <ol class="stack">
                <li>{format!("In {idp}'s admin console, create a new OpenID Connect web application.")}</li>
                <li>"Add the redirect URI below to the application's allowed redirect (callback) URIs."</li>
                <li>"Allow the scopes openid, email and profile, and assign the people or groups who should sign in."</li>
                <li>"Keep the issuer URL, client ID and client secret at hand for the next step."</li>
            </ol>
            <CopyBox id="sp-redirect-uri" label="Redirect URI".to_string() value=sp.redirect_uri.clone()
                hint="Also called “Sign-in redirect URI”, “Callback URL” or “Reply URL”."/>
        }
        .into_any(),
    };
    view! {
        <div class="card">
            <PageHeading text=format!("Add this application in {idp}")/>
            {body}
            <div class="actions">
                <a class="button" href="/sso/setup/provider">"Back"</a>
                <a class="button primary" href=Step::Details.href(&conn.id)>"Continue"</a>
            </div>
        </div>
    }
}
