//! The `/directory` page's directories (the `directory` chunk): each one's state, counts, the
//! way to continue its setup, and its latest requests.

use super::home::NoDirectoryYet;
use crate::api::directory::{Directory, DirectoryState, DirectoryStatus};
use crate::client::api::{self, ApiError};
use crate::client::components::error_notice::ErrorNotice;
use crate::client::components::sync_log::SyncLog;
use crate::client::routes::DirectoryStep;
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

/// The organization's directories (the `directory` chunk's screen), each named after its
/// provider in the directory catalog, fetched as it appears.
#[component]
pub fn DirectoryCards() -> impl IntoView {
    let list = LocalResource::new(api::directories);
    let providers = LocalResource::new(api::directory_providers);
    view! {
        <Transition fallback=|| view! { <p class="muted" role="status">"Loading your directory…"</p> }>
            {move || Suspend::new(async move {
                let names = providers.await.unwrap_or_default();
                match list.await {
                    Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                    // Removed since the session was loaded.
                    Ok(l) if l.is_empty() => view! { <NoDirectoryYet/> }.into_any(),
                    Ok(l) => l.into_iter().map(|d| {
                        let name = names.iter().find(|p| p.key == d.provider).map(|p| p.name.clone())
                            .unwrap_or_else(|| d.provider.clone());
                        view! { <DirectoryCard directory=d name/> }
                    }).collect_view().into_any(),
                }
            })}
        </Transition>
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
