//! `/directory/setup/:step?directory=…`: the directory sync wizard.

use super::HeldToken;
use super::{attributes, connect, instructions, load, provider, roles, Loaded};
use crate::client::components::error_notice::ErrorNotice;
use crate::client::components::require_session::RequireSession;
use crate::client::components::stepper::Stepper;
use crate::client::pages::PageHeading;
use crate::client::routes::{self, DirectoryStep};
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The wizard route.
#[component]
pub fn DirectoryWizard() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let step =
        Memo::new(move |_| params.with(|p| p.get("step").and_then(|s| DirectoryStep::parse(&s))));
    let directory_id =
        Memo::new(move |_| query.with(|q| q.get("directory")).filter(|c| !c.is_empty()));
    provide_context(HeldToken(RwSignal::new(None)));
    // Every earlier step is a link back once there is a directory; the provider too, since it
    // can change while the directory waits for its first request.
    let links = Signal::derive(move || {
        let current = step.get().map(DirectoryStep::index).unwrap_or(0);
        let id = directory_id.get();
        DirectoryStep::ALL
            .iter()
            .map(|s| {
                id.as_ref()
                    .filter(|_| s.index() < current)
                    .map(|id| s.href(id))
            })
            .collect::<Vec<_>>()
    });
    view! {
        <RequireSession>
            <Stepper steps=DirectoryStep::TITLES
                current=Signal::derive(move || step.get().map(DirectoryStep::index).unwrap_or(0)) links/>
            {move || match (step.get(), directory_id.get()) {
                (Some(DirectoryStep::Provider), id) => view! { <provider::ProviderStep current=id/> }.into_any(),
                (Some(step), Some(id)) => view! { <WithDirectory step id/> }.into_any(),
                // Unknown steps, or a later step without a directory, start over.
                _ => view! { <Redirect path=routes::NEW_DIRECTORY/> }.into_any(),
            }}
        </RequireSession>
    }
}

/// Loads the directory, then shows the step.
#[component]
fn WithDirectory(step: DirectoryStep, id: String) -> impl IntoView {
    let load_id = id.clone();
    let dir = LocalResource::new(move || {
        let id = load_id.clone();
        async move { load(&id).await }
    });
    view! {
        <Transition fallback=|| view! { <p class="muted" role="status">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match dir.await {
                    Ok(Some(d)) => step_view(step, d).into_any(),
                    Ok(None) => view! {
                        <div class="card">
                            <PageHeading text="This directory no longer exists"/>
                            <p><a href=routes::DIRECTORY>"Back to directory sync"</a></p>
                        </div>
                    }.into_any(),
                    Err(e) => view! {
                        <div class="card">
                            <PageHeading text="We could not load this directory"/>
                            <ErrorNotice error=Signal::derive(move || Some(e.clone()))/>
                            <p><a href=routes::DIRECTORY>"Back to directory sync"</a></p>
                        </div>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

fn step_view(step: DirectoryStep, d: Loaded) -> impl IntoView {
    match step {
        DirectoryStep::Provider => {
            view! { <provider::ProviderStep current=Some(d.directory.id)/> }.into_any()
        }
        DirectoryStep::Instructions => view! { <instructions::InstructionsStep dir=d/> }.into_any(),
        DirectoryStep::Connect => view! { <connect::ConnectStep dir=d/> }.into_any(),
        DirectoryStep::Roles => view! { <roles::RolesStep dir=d/> }.into_any(),
        DirectoryStep::Attributes => view! { <attributes::AttributesStep dir=d/> }.into_any(),
        DirectoryStep::Done => view! { <DoneStep dir=d/> }.into_any(),
    }
}

/// The end of the wizard.
#[component]
fn DoneStep(dir: Loaded) -> impl IntoView {
    let name = dir.provider_name();
    let d = dir.directory;
    view! {
        <div class="card stack">
            <PageHeading text="Directory sync is set up"/>
            <p>{format!(
                "{} now keeps your users and groups up to date: so far {} users and {} groups. \
                 People you remove from the app in {name} lose access here too.",
                crate::core::prose::capitalized(&name), d.user_count, d.group_count,
            )}</p>
            <div class="actions">
                <a class="button" href=DirectoryStep::Attributes.href(&d.id)>"Back"</a>
                <a class="button primary" href=routes::DIRECTORY
                    on:click=crate::client::embed::close_on_click("done", None)>"Done"</a>
            </div>
        </div>
    }
}
