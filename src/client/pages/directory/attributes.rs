//! Step 5: the app's custom attributes, each read from a SCIM attribute the provider sends, as
//! in the single sign-on wizard's attribute mapping. For each, a choice among the attributes the
//! directory's newest users actually hold, shown with a value one of them has, or "Not mapped".
//! Attributes named after a well-known SCIM attribute (`department`, `title`…) come chosen.
//! Nothing is saved until the admin saves; without custom attributes declared by the vendor the
//! step says so and can be skipped.

use super::{Loaded, StepLinks};
use crate::api::directory_attributes::{DirectoryAttributeMapping, DirectoryAttributeMappingView};
use crate::client::api::{self, ApiError};
use crate::client::components::error_notice::ErrorNotice;
use crate::client::pages::directory::roles::users;
use crate::client::pages::PageHeading;
use crate::client::routes::DirectoryStep;
use crate::client::style::scoped;
use crate::core::scim::attributes::label;
use leptos::prelude::*;
use std::collections::BTreeMap;
use stylers_macro::style_str;

/// Map the app's custom attributes.
#[component]
pub fn AttributesStep(
    /// The directory being set up.
    dir: Loaded,
) -> impl IntoView {
    let id = dir.directory.id.clone();
    let load_id = id.clone();
    let data = LocalResource::new(move || {
        let id = load_id.clone();
        async move { api::directory_attribute_mapping(&id).await }
    });
    let name = dir.provider_name();
    view! {
        <div class="card stack">
            <PageHeading text="Fill in the app's user attributes"/>
            <Transition fallback=|| view! { <p class="muted" role="status">"Loading the attributes…"</p> }>
                {move || {
                    let (id, name) = (id.clone(), name.clone());
                    Suspend::new(async move {
                        match data.await {
                            Err(e) => view! {
                                <ErrorNotice error=Signal::derive(move || Some(e.clone()))/>
                                <StepLinks id=id.clone() back=DirectoryStep::Roles next=DirectoryStep::Done skip=true/>
                            }.into_any(),
                            Ok(view) if view.custom_attributes.is_empty() => view! {
                                <p data-no-attributes>"This app asks for no extra attributes about your users: there is nothing to map."</p>
                                <StepLinks id=id.clone() back=DirectoryStep::Roles next=DirectoryStep::Done/>
                            }.into_any(),
                            Ok(view) => view! { <AttributeForm id name view/> }.into_any(),
                        }
                    })
                }}
            </Transition>
        </div>
    }
}

/// One `<option>` of a source choice: its path and the text shown.
fn option_text(path: &str, sample: &str, count: u64) -> String {
    format!("{} — e.g. “{sample}” ({})", label(path), users(count))
}

/// The attributes table and the save button.
#[component]
fn AttributeForm(id: String, name: String, view: DirectoryAttributeMappingView) -> impl IntoView {
    let class = scoped(style_str! {
        .scroll {
            overflow-x: auto;
        }
        select {
            max-width: 100%;
        }
    });
    // Every declared attribute, `""` for "not mapped", so saving records the admin's choice not
    // to map one the server would otherwise suggest a source for.
    let initial: BTreeMap<String, String> = view
        .custom_attributes
        .iter()
        .map(|c| {
            let chosen = view.mapping.get(&c.name).cloned().unwrap_or_default();
            (c.name.clone(), chosen)
        })
        .collect();
    let choices = RwSignal::new(initial);
    let received = StoredValue::new(view.received.clone());
    let error = RwSignal::new(None::<ApiError>);
    let save = super::save_then_go(
        id.clone(),
        DirectoryStep::Done,
        error,
        |id, mapping| async move {
            api::save_directory_attribute_mapping(&id, &DirectoryAttributeMapping { mapping }).await
        },
    );
    let (saving, saved) = (save.pending(), save.value());
    let busy = Signal::derive(move || saving.get() || saved.get() == Some(true));
    let examined = view.users_examined;
    view! { class=class,
        <p>"The app keeps these details about each user. Choose the attribute your directory sends for each; the values shown come from your users."</p>
        {(examined == 0).then(|| view! {
            <p class="notice warning" data-no-users>{format!(
                "No user has arrived from {name} yet, so there are no attributes to choose from. \
                 Assign users to the app in {name}, wait for its next sync, then come back here."
            )}</p>
        })}
        {(examined > 0).then(|| view! {
            <p class="muted">{format!("Attributes and values seen on the {} most recently added.", users(examined))}</p>
        })}
        <ErrorNotice error=error/>
        <div class="scroll">
            <table class="data">
                <caption class="visually-hidden">"The app's user attributes and the directory attribute each is read from"</caption>
                <thead><tr>
                    <th scope="col">"Attribute"</th>
                    <th scope="col">"Read from"</th>
                </tr></thead>
                <tbody>
                    {view.custom_attributes.into_iter().map(|c| {
                        let select_id = format!("attribute-{}", c.name);
                        let (set_name, current, problem_key) = (c.name.clone(), c.name.clone(), format!("mapping.{}", c.name));
                        let initial = choices.with_untracked(|m| m.get(&c.name).cloned().unwrap_or_default());
                        let problem = Signal::derive(move || error.with(|e| e.as_ref().and_then(|e| e.field(&problem_key))));
                        // A saved or suggested source no user holds yet still shows as chosen.
                        let unseen = (!initial.is_empty()
                            && received.with_value(|r| !r.iter().any(|a| a.path == initial)))
                            .then(|| initial.clone());
                        let required = c.required;
                        let missing = {
                            let name = c.name.clone();
                            move || required && choices.with(|m| m.get(&name).is_none_or(String::is_empty))
                        };
                        let title = if required { format!("{} (required)", c.name) } else { c.name.clone() };
                        view! { class=class,
                            <tr data-attribute=c.name.clone()>
                                <td>
                                    <label for=select_id.clone()><code>{title}</code></label>
                                    {c.description.clone().map(|d| view! { <p class="muted">{d}</p> })}
                                </td>
                                <td>
                                    <select id=select_id disabled=move || busy.get()
                                        aria-invalid=move || problem.get().map(|_| "true")
                                        prop:value=move || choices.with(|m| m.get(&current).cloned().unwrap_or_default())
                                        on:change=move |ev| {
                                            let v = event_target_value(&ev);
                                            choices.update(|m| { m.insert(set_name.clone(), v); });
                                        }>
                                        <option value="" selected=initial.is_empty()>"Not mapped"</option>
                                        // `selected` too: the select's value may be set before its options exist.
                                        {unseen.map(|p| view! {
                                            <option value=p.clone() selected=true>{format!("{} — no user has it yet", label(&p))}</option>
                                        })}
                                        {received.with_value(|r| r.iter().map(|a| view! {
                                            <option value=a.path.clone() selected=a.path == initial>
                                                {option_text(&a.path, &a.sample, a.user_count)}
                                            </option>
                                        }).collect_view())}
                                    </select>
                                    {move || problem.get().map(|p| view! { <p class="notice error" role="alert">{p}</p> })}
                                    {move || missing().then(|| view! { <p class="muted" data-required-unmapped>"The app needs this attribute: choose where it comes from."</p> })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <div class="actions">
            <a class="button" href=DirectoryStep::Roles.href(&id)>"Back"</a>
            <div class="row">
                <a href=DirectoryStep::Done.href(&id)>"Skip for now"</a>
                <button type="button" class="button primary" data-save-attributes disabled=move || busy.get()
                    on:click=move |_| { save.dispatch_local(choices.get_untracked()); }>
                    {move || if busy.get() { "Saving…" } else { "Save attributes" }}
                </button>
            </div>
        </div>
    }
}
