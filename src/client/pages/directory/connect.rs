//! Step 3: wait for the provider's first SCIM request. The page asks for the directory's status
//! every few seconds while it is visible and shows, without a reload, when the first request
//! arrived, how many users and groups came, and the latest failures with what to do about them.

use super::Loaded;
use crate::api::directory::{DirectoryState, DirectoryStatus};
use crate::api::guide::{GuideBlock, GuideTopic};
use crate::client::api::{self, ApiError};
use crate::client::components::error_notice::ErrorNotice;
use crate::client::components::sync_log::SyncLog;
use crate::client::hooks::{pause, Latest};
use crate::client::pages::PageHeading;
use crate::client::routes::DirectoryStep;
use crate::core::cert::format_datetime;
use leptos::prelude::*;

/// How often the status is asked for while the page is visible.
pub const POLL_MS: u32 = 3_000;

/// Whether the browser shows the page (a hidden tab does not poll).
fn page_visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_none_or(|d| !d.hidden())
}

/// Asks for `id`'s status now and then every [`POLL_MS`] while the page is visible; the answers
/// land in `status` (errors in `error`, cleared by the next answer). Aborted with its component.
pub fn poll_status(
    id: String,
    status: RwSignal<Option<DirectoryStatus>>,
    error: RwSignal<Option<ApiError>>,
) {
    let run = Latest::new(move |(): &()| {
        let id = id.clone();
        async move {
            loop {
                if page_visible() {
                    match api::directory_status(&id).await {
                        Ok(s) => {
                            error.set(None);
                            status.set(Some(s));
                        }
                        Err(e) => error.set(Some(e)),
                    }
                }
                pause(POLL_MS).await;
            }
        }
    });
    run.dispatch(());
}

/// The live line read out to screen readers when it changes.
pub fn summary(s: &DirectoryStatus, provider: &str) -> String {
    let d = &s.directory;
    match (s.first_request_at, d.state) {
        (_, DirectoryState::Inactive) => {
            "This directory is switched off: its requests are refused.".into()
        }
        (None, _) => format!("Waiting for the first request from {provider}…"),
        (Some(at), _) => format!(
            "Connected: first request received {}. {} users and {} groups synced so far.",
            format_datetime(at.unix()),
            d.user_count,
            d.group_count,
        ),
    }
}

/// Wait for the first request.
#[component]
pub fn ConnectStep(
    /// The directory being set up.
    dir: Loaded,
) -> impl IntoView {
    let status = RwSignal::new(None::<DirectoryStatus>);
    let error = RwSignal::new(None::<ApiError>);
    let id = dir.directory.id.clone();
    poll_status(id.clone(), status, error);
    let name = dir.provider_name();
    let connected = Memo::new(move |_| {
        status.with(|s| s.as_ref().is_some_and(|s| s.first_request_at.is_some()))
    });
    // The embedding page hears once per visit that the provider's first request succeeded.
    let (event_id, event_provider) = (id.clone(), dir.directory.provider.clone());
    Effect::new(move |sent: Option<bool>| {
        if sent == Some(true) {
            return true;
        }
        if !connected.get() {
            return false;
        }
        crate::client::embed::send(crate::api::embed::EventData::DirectoryActive {
            directory_id: event_id.clone(),
            provider: event_provider.clone(),
        });
        true
    });
    let cycle = dir.provider.as_ref().and_then(|p| p.sync_cycle_minutes);
    let key = dir.directory.provider.clone();
    let guide = LocalResource::new(move || {
        let key = key.clone();
        async move { api::directory_guide(&key).await }
    });
    let live_name = name.clone();
    let failures = move || {
        status.with(|s| {
            s.as_ref()
                .map(|s| {
                    s.recent
                        .iter()
                        .filter(|e| e.status >= 400)
                        .take(3)
                        .cloned()
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    view! {
        <div class="card stack">
            <PageHeading text=Signal::derive({
                let name = name.clone();
                move || if connected.get() {
                    format!("Connected to {name}")
                } else {
                    format!("Waiting for {name}'s first request")
                }
            })/>
            <p>{format!("Once provisioning is turned on, {name} sends its users and groups here. This page updates by itself.")}</p>
            <p class="notice" role="status" aria-live="polite" data-directory-live>
                {move || status.with(|s| match s {
                    Some(s) => summary(s, &live_name),
                    None => "Checking…".into(),
                })}
            </p>
            <ErrorNotice error=error/>
            {cycle.map(|m| view! {
                <p data-sync-cycle>{format!(
                    "{name} syncs on a schedule, every {m} minutes, so its first request can take that long. \
                     To send it now, use “Provision on demand” as the guide below shows."
                )}</p>
            })}
            {move || (!connected.get()).then(|| view! {
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let start = guide.await.ok().and_then(|g| g.steps.into_iter().find(|s| s.topic == Some(GuideTopic::Start)));
                        start.map(|s| {
                            let blocks = s.blocks.into_iter().filter_map(|b| match b {
                                GuideBlock::Html(h) => Some(view! { <div inner_html=h></div> }),
                                GuideBlock::Copy(_) => None,
                            }).collect_view();
                            view! {
                                <section class="stack" aria-labelledby="start-heading">
                                    <h2 id="start-heading">{s.title}</h2>
                                    {blocks}
                                </section>
                            }
                        })
                    })}
                </Transition>
            })}
            {move || {
                let f = failures();
                (!f.is_empty()).then(|| view! {
                    <section class="notice error stack" aria-labelledby="failures-heading" data-sync-failures>
                        <h2 id="failures-heading">"Latest problems"</h2>
                        <ul>
                            {f.into_iter().map(|e| view! {
                                <li>
                                    <strong>{e.summary}</strong>
                                    {e.explanation.map(|x| view! { <p>{x}</p> })}
                                </li>
                            }).collect_view()}
                        </ul>
                    </section>
                })
            }}
            <section class="stack" aria-labelledby="log-heading">
                <h2 id="log-heading">"Latest requests"</h2>
                <SyncLog entries=Signal::derive(move || status.with(|s| s.as_ref().map(|s| s.recent.clone()).unwrap_or_default()))/>
            </section>
            <div class="actions">
                <a class="button" href=DirectoryStep::Instructions.href(&id)>"Back"</a>
                <a class=move || if connected.get() { "button primary" } else { "button" }
                    href=DirectoryStep::Roles.href(&id)>
                    {move || if connected.get() { "Continue" } else { "Skip for now" }}
                </a>
            </div>
        </div>
    }
}
