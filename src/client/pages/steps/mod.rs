//! The wizard's steps, one component each.

pub mod configure;
pub mod details;
pub mod draft;
pub mod fix_actions;
pub mod go_live;
pub mod mapping;
pub mod oidc_form;
pub mod provider;
pub mod review;
pub mod saml_form;
pub mod test;
pub mod test_run;

use crate::api::connection::Connection;
use crate::client::api;
use crate::client::components::error_notice::ErrorNotice;
use crate::client::routes::{self, Step};
use leptos::prelude::*;
use leptos_router::components::Redirect;

/// Builds the screen of a step after the provider for a connection id.
pub type StepFor = fn(Step, String) -> AnyView;

/// The screen of `step` (after the provider) for connection `id`: loads the connection, then
/// shows the step. `client::chunks::sso_steps` hands this function out, so these steps and the
/// connection's decoder are downloaded when first needed, not on the first visit.
pub fn step_for(step: Step, id: String) -> AnyView {
    view! { <WithConnection step id/> }.into_any()
}

/// Loads the connection, then shows the step.
#[component]
fn WithConnection(step: Step, id: String) -> impl IntoView {
    let load_id = id.clone();
    let conn = LocalResource::new(move || {
        let id = load_id.clone();
        async move { api::connection(&id).await }
    });
    view! {
        <Transition fallback=|| view! { <p class="muted" role="status">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match conn.await {
                    Ok(c) => step_view(step, c),
                    Err(e) => view! {
                        <div class="card">
                            <h1>"We could not load this connection"</h1>
                            <ErrorNotice error=Signal::derive(move || Some(e.clone()))/>
                            <p><a href=routes::SSO>"Back to your connections"</a></p>
                        </div>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The screen of `step` for connection `c`: every step after the provider (which needs no
/// connection and is part of the first visit).
fn step_view(step: Step, c: Connection) -> AnyView {
    match step {
        Step::Provider => view! { <Redirect path=routes::NEW_CONNECTION/> }.into_any(),
        Step::Configure => view! { <configure::ConfigureStep conn=c/> }.into_any(),
        Step::Details => view! { <details::DetailsStep conn=c/> }.into_any(),
        Step::Review => view! { <review::ReviewStep conn=c/> }.into_any(),
        Step::Test => view! { <test::TestStep conn=c/> }.into_any(),
        Step::Mapping => view! { <mapping::MappingStep conn=c/> }.into_any(),
    }
}
