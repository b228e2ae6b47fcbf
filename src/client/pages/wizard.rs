//! `/sso/setup/:step?connection=…`: the connection wizard. The step lives in the URL, so
//! reload and back/forward work; the list of steps is data, each step its own component.

use super::steps;
use crate::client::chunks;
use crate::client::components::lazy::Lazy;
use crate::client::components::require_session::RequireSession;
use crate::client::components::stepper::Stepper;
use crate::client::routes::{self, Step};
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_params_map, use_query_map};

/// How long after the catalog appears the next steps start downloading.
const PREFETCH_AFTER: std::time::Duration = std::time::Duration::from_secs(2);

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
        return view! { <Lazy load=|| Box::pin(chunks::test_done_in_tab()) view=|screen: chunks::Screen| screen()/> }
            .into_any();
    }
    // While the admin reads the catalog, the next steps download, so choosing is instant. Not
    // at once: on a slow network that download would compete with the catalog's own.
    if step.get_untracked() == Some(Step::Provider) {
        set_timeout(
            || {
                leptos::task::spawn_local(async {
                    // A failure is not remembered: the step itself retries and explains.
                    let _ = chunks::sso_steps().await;
                })
            },
            PREFETCH_AFTER,
        );
    }
    view! {
        <RequireSession>
            <Stepper steps=Step::TITLES current=Signal::derive(move || step.get().map(Step::index).unwrap_or(0)) links/>
            {move || match (step.get(), connection_id.get()) {
                (Some(Step::Provider), _) => view! { <steps::provider::ProviderStep/> }.into_any(),
                (Some(step), Some(id)) => view! {
                    <Lazy load=|| Box::pin(chunks::sso_steps()) view=move |f: steps::StepFor| f(step, id.clone())/>
                }.into_any(),
                // Unknown steps, or a later step without a connection, start over.
                _ => view! { <Redirect path=routes::NEW_CONNECTION/> }.into_any(),
            }}
        </RequireSession>
    }
    .into_any()
}
