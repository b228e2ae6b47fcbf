//! `/directory`: the organization's directory, its state, counts and latest requests, or a way
//! to start one.

use crate::api::directory::{Directory, DirectoryState, DirectoryStatus};
use crate::client::api::{self, ApiError};
use crate::client::components::error_notice::ErrorNotice;
use crate::client::components::require_session::RequireSession;
use crate::client::components::sync_log::SyncLog;
use crate::client::pages::PageHeading;
use crate::client::routes::{self, DirectoryStep};
use crate::client::style::scoped;
use crate::core::cert::format_datetime;
use leptos::prelude::*;
use stylers_macro::style_str;

/// Where a directory's setup continues: the guide while the provider has not called yet, the
/// roles once it has.
pub fn resume_href(d: &Directory) -> String {
    match d.state {
        DirectoryState::Pending => DirectoryStep::Connect.href(&d.id),
        DirectoryState::Active | DirectoryState::Inactive => DirectoryStep::Roles.href(&d.id),
    }
}

/// The directory sync home.
#[component]
pub fn DirectoryHome() -> impl IntoView {
    view! {
        <RequireSession>
            <DirectoryList/>
        </RequireSession>
    }
}

#[component]
fn DirectoryList() -> impl IntoView {
    let list = LocalResource::new(api::directories);
    let providers = LocalResource::new(api::directory_providers);
    view! {
        <div class="card stack">
            <PageHeading text="Directory sync"/>
            <p>"Connect your directory so your team's accounts are created, updated and removed here automatically, as you manage them in your identity provider."</p>
            <Transition fallback=|| view! { <p class="muted" role="status">"Loading your directory…"</p> }>
                {move || Suspend::new(async move {
                    let names = providers.await.unwrap_or_default();
                    match list.await {
                        Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                        Ok(l) if l.is_empty() => view! {
                            <p class="muted">"No directory yet. Setting one up takes about fifteen minutes; you will need admin access to your identity provider."</p>
                            <div><a class="button primary" href=routes::NEW_DIRECTORY data-start-directory>"Set up directory sync"</a></div>
                        }.into_any(),
                        Ok(l) => l.into_iter().map(|d| {
                            let name = names.iter().find(|p| p.key == d.provider).map(|p| p.name.clone())
                                .unwrap_or_else(|| d.provider.clone());
                            view! { <DirectoryCard directory=d name/> }
                        }).collect_view().into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

/// One directory: state, counts, the way to continue, and its latest requests.
#[component]
fn DirectoryCard(directory: Directory, name: String) -> impl IntoView {
    let class = scoped(style_str! {
        section {
            padding: var(--space-3);
            border: var(--border-width) solid var(--color-border);
            border-radius: var(--radius-md);
        }
        .head {
            display: flex;
            flex-wrap: wrap;
            align-items: center;
            gap: var(--space-3);
        }
        .name {
            flex: 1;
            min-width: 10rem;
        }
    });
    let status_id = directory.id.clone();
    let status = LocalResource::new(move || {
        let id = status_id.clone();
        async move { api::directory_status(&id).await }
    });
    let (badge, label) = match directory.state {
        DirectoryState::Active => ("badge success", "Active"),
        DirectoryState::Pending => ("badge warning", "Waiting for the first request"),
        DirectoryState::Inactive => ("badge danger", "Switched off"),
    };
    let last = directory
        .last_sync_at
        .map(|t| format!("Last sync {}.", format_datetime(t.unix())))
        .unwrap_or_else(|| "No sync yet.".into());
    let (action, href) = match directory.state {
        DirectoryState::Pending => ("Continue setup", resume_href(&directory)),
        _ => ("Map groups to roles", resume_href(&directory)),
    };
    let heading_id = format!("dir-{}", directory.id);
    let labelled_by = heading_id.clone();
    view! { class=class,
        <section class="stack" aria-labelledby=labelled_by data-directory=directory.id.clone()
            data-state=format!("{:?}", directory.state).to_lowercase()>
            <div class="head">
                <div class="name">
                    <h2 id=heading_id>{name.clone()}</h2>
                    <div class="muted">{format!("{} users · {} groups · {last}", directory.user_count, directory.group_count)}</div>
                </div>
                <span class=badge>{label}</span>
                <a class="button" href=href>{action}<span class="visually-hidden">{format!(" ({name})")}</span></a>
            </div>
            <p><a href=DirectoryStep::Instructions.href(&directory.id)>"Setup instructions and token"</a></p>
            <details>
                <summary>"Sync log"</summary>
                <Transition fallback=|| view! { <p class="muted" role="status">"Loading the sync log…"</p> }>
                    {move || Suspend::new(async move {
                        let s: Result<DirectoryStatus, ApiError> = status.await;
                        match s {
                            Ok(s) => view! { <SyncLog entries=Signal::stored(s.recent)/> }.into_any(),
                            Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                        }
                    })}
                </Transition>
                <button type="button" class="button" on:click=move |_| status.refetch()>"Refresh"</button>
            </details>
        </section>
    }
}
