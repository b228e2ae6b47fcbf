//! `/sso/setup/:step?connection=…`: the connection wizard. The step lives in the URL, so
//! reload and back/forward work; the list of steps is data, each step its own component.

use super::steps;
use crate::api::connection::Connection;
use crate::client::api;
use crate::client::components::error_notice::ErrorNotice;
use crate::client::components::require_session::RequireSession;
use crate::client::components::stepper::Stepper;
use crate::client::routes::{self, Step};
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The wizard route.
#[component]
pub fn Wizard() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let step = Memo::new(move |_| params.with(|p| p.get("step").and_then(|s| Step::parse(&s))));
    let connection_id = Memo::new(move |_| {
        query
            .with(|q| q.get("connection"))
            .filter(|c| !c.is_empty())
    });
    // A test run in a new tab (from an embedded portal) ends here: the page that opened the
    // tab shows the result, and with partitioned cookies this tab may not even have a session.
    // Every completed step is a link back, once there is a connection to go back to. The
    // provider is not: choosing again starts a new connection, which the overview offers.
    let links = Signal::derive(move || {
        let current = step.get().map(Step::index).unwrap_or(0);
        let id = connection_id.get();
        Step::ALL
            .iter()
            .map(|s| {
                let back = s.index() < current && *s != Step::Provider;
                id.as_ref().filter(|_| back).map(|id| s.href(id))
            })
            .collect::<Vec<_>>()
    });
    let in_tab = step.get_untracked() == Some(Step::Test)
        && query.with_untracked(|q| q.get("test").is_some())
        && steps::test_run::opened_for_a_test();
    if in_tab {
        return view! { <steps::test::TestDoneInTab/> }.into_any();
    }
    view! {
        <RequireSession>
            <Stepper steps=Step::TITLES current=Signal::derive(move || step.get().map(Step::index).unwrap_or(0)) links/>
            {move || match (step.get(), connection_id.get()) {
                (Some(Step::Provider), _) => view! { <steps::provider::ProviderStep/> }.into_any(),
                (Some(step), Some(id)) => view! { <WithConnection step id/> }.into_any(),
                // Unknown steps, or a later step without a connection, start over.
                _ => view! { <Redirect path=routes::NEW_CONNECTION/> }.into_any(),
            }}
        </RequireSession>
    }
    .into_any()
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
                    Ok(c) => step_view(step, c).into_any(),
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

fn step_view(step: Step, c: Connection) -> impl IntoView {
    match step {
        Step::Provider => view! { <steps::provider::ProviderStep/> }.into_any(),
        Step::Configure => view! { <steps::configure::ConfigureStep conn=c/> }.into_any(),
        Step::Details => view! { <steps::details::DetailsStep conn=c/> }.into_any(),
        Step::Review => view! { <steps::review::ReviewStep conn=c/> }.into_any(),
        Step::Test => view! { <steps::test::TestStep conn=c/> }.into_any(),
        Step::Mapping => view! { <steps::mapping::MappingStep conn=c/> }.into_any(),
    }
}
