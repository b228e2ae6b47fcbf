//! Step 2: the IdP's own setup guide, with our values in live copy boxes where the guide asks
//! for them. If the guide cannot be loaded, generic instructions with every value stand in.

use super::super::PageHeading;
use crate::api::connection::{Connection, SpValues};
use crate::api::guide::Guide;
use crate::api::protocol::Protocol;
use crate::client::api;
use crate::client::components::copy_box::CopyBox;
use crate::client::components::flow_picture::FlowPicture;
use crate::client::components::guide_step::{copy_count, GuideStepBody};
use crate::client::routes::{self, Step};
use crate::client::style::scoped;
use crate::core::catalog;
use leptos::prelude::*;
use stylers_macro::style_str;

/// Copy our values.
#[component]
pub fn ConfigureStep(
    /// The connection being set up.
    conn: Connection,
) -> impl IntoView {
    let idp = catalog::in_sentence(&conn.idp);
    let key = conn.idp.clone();
    let guide = LocalResource::new(move || {
        let key = key.clone();
        async move { api::guide(&key).await }
    });
    let sp = conn.sp.clone();
    let protocol = conn.protocol;
    view! {
        <div class="card">
            <PageHeading text=format!("Add this application in {idp}")/>
            <FlowPicture protocol=conn.protocol idp=catalog::find(&conn.idp).filter(|e| !e.key.starts_with("generic-")).map(|e| e.name).unwrap_or("Your IdP")/>
            <Transition fallback=|| view! { <p class="muted" role="status">"Loading the instructions…"</p> }>
                {move || {
                    let sp = sp.clone();
                    Suspend::new(async move {
                        match guide.await {
                            Ok(g) => view! { <GuideSteps guide=g sp=sp.clone()/> }.into_any(),
                            Err(_) => view! { <GenericSteps protocol sp=sp.clone() idp/> }.into_any(),
                        }
                    })
                }}
            </Transition>
            {(protocol == Protocol::Saml).then(|| view! {
                <p><a href=conn.sp.metadata_url.clone() download="portico-sp-metadata.xml">"Download our SAML metadata XML"</a></p>
            })}
            <div class="actions">
                <a class="button" href=routes::NEW_CONNECTION>"Back"</a>
                <a class="button primary" href=Step::Details.href(&conn.id)>"Continue"</a>
            </div>
        </div>
    }
}

/// The guide's numbered steps.
#[component]
fn GuideSteps(guide: Guide, sp: SpValues) -> impl IntoView {
    let class = scoped(style_str! {
        ol {
            padding-left: var(--space-5);
            display: flex;
            flex-direction: column;
            gap: var(--space-5);
        }
        h2 {
            font-size: var(--font-size-md);
            margin-bottom: var(--space-2);
        }
        .body {
            display: flex;
            flex-direction: column;
            gap: var(--space-3);
        }
    });
    let mut before = 0;
    view! { class=class,
        <div class="muted" inner_html=guide.intro_html.clone()></div>
        <ol>
            {guide.steps.into_iter().enumerate().map(|(i, step)| {
                let title = step.title.clone();
                let numbered_from = before;
                before += copy_count(&step);
                view! { class=class,
                    <li>
                        <h2 id=format!("guide-step-{}", i + 1)>{title}</h2>
                        <div class="body"><GuideStepBody step sp=sp.clone() id_prefix="sp" numbered_from/></div>
                    </li>
                }
            }).collect_view()}
        </ol>
        <p class="notice success">{format!("When you are done, bring back: {}.", guide.bring.label)}</p>
    }
}

/// Instructions for any IdP, used when its guide cannot be loaded.
#[component]
fn GenericSteps(protocol: Protocol, sp: SpValues, idp: &'static str) -> impl IntoView {
    match protocol {
        Protocol::Saml => view! {
            <p>{format!("In {idp}'s admin console, create a SAML 2.0 application and paste these values into the fields with the same or similar names. Set the name ID to the user's email address, assign the people who should sign in, then bring back its metadata.")}</p>
            <CopyBox id="sp-acs-url" label="ACS URL".to_string() value=sp.acs_url.clone()
                hint="Also called “Reply URL”, “Single sign-on URL” or “Assertion Consumer Service URL”."/>
            <CopyBox id="sp-entity-id" label="SP Entity ID".to_string() value=sp.entity_id.clone()
                hint="Also called “Identifier”, “Audience URI” or “Audience restriction”."/>
            <CopyBox id="sp-metadata-url" label="SP metadata URL".to_string() value=sp.metadata_url.clone()/>
        }
        .into_any(),
        Protocol::Oidc => view! {
            <p>{format!("In {idp}'s admin console, create an OpenID Connect web application with the scopes openid, email and profile, add this redirect URI, and keep the issuer URL, client ID and client secret at hand.")}</p>
            <CopyBox id="sp-redirect-uri" label="Redirect URI".to_string() value=sp.redirect_uri.clone()/>
        }
        .into_any(),
    }
}
