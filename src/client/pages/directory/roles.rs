//! Step 4: the groups the provider actually sent, each with one of the vendor's roles. Every
//! change asks the server (after a short pause in the changes) how many users each role would
//! get; nothing is saved until the admin saves. Without roles declared by the vendor the step
//! says so and can be skipped.

use super::{Loaded, StepLinks};
use crate::api::directory::{DirectoryGroup, RoleMapping, RoleMappingView};
use crate::client::api::{self, ApiError};
use crate::client::components::error_notice::ErrorNotice;
use crate::client::hooks::{pause, Latest};
use crate::client::pages::PageHeading;
use crate::client::routes::DirectoryStep;
use crate::client::style::scoped;
use leptos::prelude::*;
use std::collections::BTreeMap;
use stylers_macro::style_str;

/// How long the changes must pause before the preview is asked for.
const PREVIEW_DEBOUNCE_MS: u32 = 400;

/// "1 user", "3 users".
pub fn users(n: u64) -> String {
    if n == 1 {
        "1 user".into()
    } else {
        format!("{n} users")
    }
}

/// Map groups to roles.
#[component]
pub fn RolesStep(
    /// The directory being set up.
    dir: Loaded,
) -> impl IntoView {
    let id = dir.directory.id.clone();
    let load_id = id.clone();
    let data = LocalResource::new(move || {
        let id = load_id.clone();
        async move {
            let groups = api::directory_groups(&id).await?;
            let view = api::role_mapping(&id).await?;
            Ok::<_, ApiError>((groups.data, view))
        }
    });
    let name = dir.provider_name();
    view! {
        <div class="card stack">
            <PageHeading text="Give your groups their roles"/>
            <Transition fallback=|| view! { <p class="muted" role="status">"Loading your groups…"</p> }>
                {move || {
                    let (id, name) = (id.clone(), name.clone());
                    Suspend::new(async move {
                        match data.await {
                            Err(e) => view! {
                                <ErrorNotice error=Signal::derive(move || Some(e.clone()))/>
                                <StepLinks id=id.clone() back=DirectoryStep::Connect next=DirectoryStep::Attributes skip=true/>
                            }.into_any(),
                            Ok((_, view)) if view.roles.roles.is_empty() => view! {
                                <p data-no-roles>"This app has no roles to give: everyone your directory sends gets the same access. There is nothing to map."</p>
                                <StepLinks id=id.clone() back=DirectoryStep::Connect next=DirectoryStep::Attributes/>
                            }.into_any(),
                            Ok((groups, _)) if groups.is_empty() => view! {
                                <p data-no-groups>{format!(
                                    "No group has arrived from {name} yet. Assign groups to the app in {name} (or push them), \
                                     wait for its next sync, then come back here. You can also map roles later from the directory page."
                                )}</p>
                                <StepLinks id=id.clone() back=DirectoryStep::Connect next=DirectoryStep::Attributes skip=true/>
                            }.into_any(),
                            Ok((groups, view)) => view! { <RoleForm id groups view/> }.into_any(),
                        }
                    })
                }}
            </Transition>
        </div>
    }
}

/// The mapping table, its live preview and the save button.
#[component]
fn RoleForm(id: String, groups: Vec<DirectoryGroup>, view: RoleMappingView) -> impl IntoView {
    let class = scoped(style_str! {
        .scroll {
            overflow-x: auto;
        }
        select {
            max-width: 100%;
        }
        .preview {
            list-style: none;
            padding: 0;
            display: flex;
            flex-wrap: wrap;
            gap: var(--space-2);
        }
    });
    let roles = StoredValue::new(view.roles.roles.clone());
    let default_name = view.roles.default_role.as_ref().and_then(|d| {
        view.roles
            .roles
            .iter()
            .find(|r| &r.slug == d)
            .map(|r| r.name.clone())
    });
    let mapping = RwSignal::new(view.mapping.clone());
    let preview = RwSignal::new(view.preview.clone());
    let error = RwSignal::new(None::<ApiError>);
    let preview_id = id.clone();
    // Only the latest change's preview counts; a change during the pause replaces the run.
    let ask_preview = Latest::new(move |(delay, m): &(u32, BTreeMap<String, String>)| {
        let (delay, body, id) = (
            *delay,
            RoleMapping { mapping: m.clone() },
            preview_id.clone(),
        );
        async move {
            pause(delay).await;
            match api::preview_role_mapping(&id, &body).await {
                Ok(v) => {
                    error.set(None);
                    preview.set(v.preview);
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let previewing = ask_preview.pending();
    let set_role = move |group: String, slug: String| {
        mapping.update(|m| {
            if slug.is_empty() {
                m.remove(&group);
            } else {
                m.insert(group, slug);
            }
        });
        ask_preview.dispatch_after(PREVIEW_DEBOUNCE_MS, mapping.get_untracked());
    };
    let save = super::save_then_go(
        id.clone(),
        DirectoryStep::Attributes,
        error,
        |id, mapping| async move { api::save_role_mapping(&id, &RoleMapping { mapping }).await },
    );
    let (saving, saved) = (save.pending(), save.value());
    let busy = Signal::derive(move || saving.get() || saved.get() == Some(true));
    let preview_line = move || {
        preview.with(|p| {
            let mut parts = roles.with_value(|rs| {
                rs.iter()
                    .map(|r| (r.name.clone(), p.get(&r.slug).copied().unwrap_or(0)))
                    .collect::<Vec<_>>()
            });
            if let Some(n) = p.get("") {
                parts.push(("No role".into(), *n));
            }
            parts
        })
    };
    view! { class=class,
        <p>"Choose the role each group gives its members in the app."</p>
        {default_name.map(|d| view! { <p class="muted">{format!("Users in no mapped group get the default role, {d}.")}</p> })}
        <ErrorNotice error=error/>
        <div class="scroll">
            <table class="data">
                <caption class="visually-hidden">"Groups received from your directory and the role each gives"</caption>
                <thead><tr>
                    <th scope="col">"Group"</th>
                    <th scope="col">"Members"</th>
                    <th scope="col">"Role"</th>
                </tr></thead>
                <tbody>
                    {groups.into_iter().map(|g| {
                        let select_id = format!("role-{}", g.id);
                        let group_id = g.id.clone();
                        let current = g.id.clone();
                        let initial = mapping.with_untracked(|m| m.get(&g.id).cloned());
                        view! { class=class,
                            <tr data-group=g.id.clone()>
                                <td><label for=select_id.clone()>{g.name.clone()}</label></td>
                                <td>{users(g.user_count)}</td>
                                <td>
                                    <select id=select_id disabled=move || busy.get()
                                        prop:value=move || mapping.with(|m| m.get(&current).cloned().unwrap_or_default())
                                        on:change=move |ev| set_role(group_id.clone(), event_target_value(&ev))>
                                        <option value="">"No role from this group"</option>
                                        // `selected` too: the select's value may be set before its options exist.
                                        {roles.with_value(|rs| rs.iter().map(|r| view! {
                                            <option value=r.slug.clone() selected=initial.as_deref() == Some(r.slug.as_str())>{r.name.clone()}</option>
                                        }).collect_view())}
                                    </select>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <section aria-labelledby="preview-heading" class="stack tight">
            <h2 id="preview-heading">"With this mapping"</h2>
            // The live region wraps the list: a role on the list itself would hide its items'
            // list semantics from assistive technology.
            <div role="status" aria-live="polite" aria-busy=move || previewing.get().to_string() data-role-preview>
                <ul class="preview">
                    {move || preview_line().into_iter().map(|(name, n)| view! {
                        <li class="badge">{format!("{name}: {}", users(n))}</li>
                    }).collect_view()}
                </ul>
            </div>
        </section>
        <div class="actions">
            <a class="button" href=DirectoryStep::Connect.href(&id)>"Back"</a>
            <div class="row">
                <a href=DirectoryStep::Attributes.href(&id)>"Skip for now"</a>
                <button type="button" class="button primary" data-save-roles disabled=move || busy.get()
                    on:click=move |_| { save.dispatch_local(mapping.get_untracked()); }>
                    {move || if busy.get() { "Saving…" } else { "Save roles" }}
                </button>
            </div>
        </div>
    }
}
