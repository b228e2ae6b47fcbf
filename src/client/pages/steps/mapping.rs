//! Step 6: which attribute fills each profile field, checked live against what the last test
//! received, then activation.

use super::super::PageHeading;
use super::go_live::GoLive;
use super::test_run::TestRun;
use crate::api::connection::Connection;
use crate::api::mapping::{AttributeMapping, NAME_ID_SOURCE};
use crate::api::protocol::Protocol;
use crate::api::test_sign_in::{ReceivedAttribute, TestOutcome};
use crate::client::api::{self, ApiError};
use crate::client::components::error_notice::ErrorNotice;
use crate::client::components::prose::Prose;
use crate::client::hooks::Latest;
use crate::client::routes::Step;
use crate::client::style::scoped;
use crate::core::{catalog, mapping};
use leptos::prelude::*;
use std::collections::BTreeMap;
use stylers_macro::style_str;

/// One profile field of the form.
#[derive(Clone)]
struct Row {
    /// Key in the mapping (`email`, `first_name`, …, or a custom attribute name).
    key: String,
    label: String,
    hint: String,
    required: bool,
    value: RwSignal<String>,
}

fn email_hint(protocol: Protocol) -> &'static str {
    match protocol {
        Protocol::Saml => "Required. The attribute with the user's email address, or the NameID when your identity provider sends the email there.",
        Protocol::Oidc => "Required. The user's email address.",
    }
}

fn rows(conn: &Connection) -> Vec<Row> {
    let m = &conn.attribute_mapping;
    let subject = match conn.protocol {
        Protocol::Saml => "the NameID",
        Protocol::Oidc => "the `sub` claim",
    };
    let mut out = vec![
        (
            "email",
            mapping::field_label("email"),
            email_hint(conn.protocol).to_owned(),
            true,
            m.email.clone(),
        ),
        (
            "first_name",
            mapping::field_label("first_name"),
            String::new(),
            false,
            m.first_name.clone(),
        ),
        (
            "last_name",
            mapping::field_label("last_name"),
            String::new(),
            false,
            m.last_name.clone(),
        ),
        (
            "name",
            mapping::field_label("name"),
            "Used for first and last name when those do not arrive.".to_owned(),
            false,
            m.name.clone(),
        ),
        (
            "groups",
            mapping::field_label("groups"),
            "Optional. Every value becomes a group.".to_owned(),
            false,
            m.groups.clone(),
        ),
        (
            "idp_id",
            mapping::field_label("idp_id"),
            format!("Leave empty to use {subject}, which is stable for each user."),
            false,
            m.idp_id.clone(),
        ),
    ]
    .into_iter()
    .map(|(k, l, h, r, v)| Row {
        key: k.into(),
        label: l.into(),
        hint: h,
        required: r,
        value: RwSignal::new(v.unwrap_or_default()),
    })
    .collect::<Vec<_>>();
    for c in &conn.custom_attributes {
        out.push(Row {
            key: c.name.clone(),
            label: c.name.clone(),
            hint: c.description.clone().unwrap_or_default(),
            required: c.required,
            value: RwSignal::new(m.custom.get(&c.name).cloned().unwrap_or_default()),
        });
    }
    out
}

fn to_mapping(rows: &[Row], custom_names: &[String]) -> AttributeMapping {
    let get = |k: &str| {
        rows.iter()
            .find(|r| r.key == k)
            .map(|r| r.value.get())
            .filter(|v| !v.trim().is_empty())
    };
    let custom: BTreeMap<String, String> = custom_names
        .iter()
        .filter_map(|n| get(n).map(|v| (n.clone(), v)))
        .collect();
    AttributeMapping {
        idp_id: get("idp_id"),
        email: get("email"),
        first_name: get("first_name"),
        last_name: get("last_name"),
        name: get("name"),
        groups: get("groups"),
        custom,
    }
}

/// The mapping step.
#[component]
pub fn MappingStep(
    /// The connection.
    conn: Connection,
) -> impl IntoView {
    let class = scoped(style_str! {
        .grid {
            display: grid;
            grid-template-columns: minmax(8rem, 12rem) minmax(0, 1fr) minmax(0, 1fr);
            gap: var(--space-3);
            align-items: start;
        }
        .grid input {
            width: 100%;
        }
        .seen {
            font-size: var(--font-size-sm);
            overflow-wrap: anywhere;
        }
        .grid .choice {
            display: flex;
            gap: var(--space-2);
            align-items: baseline;
            font-weight: normal;
            margin-top: var(--space-2);
        }
        .grid .choice input {
            width: auto;
            flex: none;
        }
        @media (max-width: 40rem) {
            .grid {
                grid-template-columns: 1fr;
            }
        }
    });
    let idp = catalog::in_sentence(&conn.idp);
    let form = rows(&conn);
    let custom_names: Vec<String> = conn
        .custom_attributes
        .iter()
        .map(|c| c.name.clone())
        .collect();
    let defs = conn.custom_attributes.clone();
    let tested_ok = conn.last_test_result == Some(TestOutcome::Success);
    let error = RwSignal::new(None::<ApiError>);
    let field_errors = RwSignal::new(BTreeMap::<String, String>::new());
    let saved = RwSignal::new(false);
    let id = conn.id.clone();

    // What the last test received, to suggest names and show values beside each field.
    let received = LocalResource::new({
        let (id, last) = (id.clone(), conn.last_test_id.clone());
        move || {
            let (id, last) = (id.clone(), last.clone());
            async move {
                match last {
                    Some(t) => api::test(&id, &t).await.ok().map(|t| {
                        (
                            t.attributes,
                            t.profile.map(|p| p.idp_id).unwrap_or_default(),
                        )
                    }),
                    None => None,
                }
            }
        }
    });
    let attrs =
        Signal::derive(move || received.get().flatten().map(|(a, _)| a).unwrap_or_default());
    let subject =
        Signal::derive(move || received.get().flatten().map(|(_, s)| s).unwrap_or_default());
    // An IdP that sends only a NameID leaves no attributes, yet the test still says something.
    let tested =
        Signal::derive(move || !attrs.get().is_empty() || !subject.get().trim().is_empty());
    let saml = conn.protocol == Protocol::Saml;
    let email_value = form.iter().find(|r| r.key == "email").map(|r| r.value);
    // Preselect the NameID when the last test says so (no email attribute arrived, the NameID is
    // an address); the admin still saves it, and the note says why it changed.
    let preselected = RwSignal::new(false);
    Effect::new({
        let (form, custom_names, defs) = (form.clone(), custom_names.clone(), defs.clone());
        move |done: Option<bool>| {
            if done == Some(true) || !tested.get() {
                return done.unwrap_or(false);
            }
            let m = to_mapping(&form, &custom_names);
            let n = mapping::normalize(
                &subject.get_untracked(),
                &attrs.get_untracked(),
                &m,
                &defs,
                &[],
            );
            let offered = n
                .issues
                .iter()
                .any(|i| i.field == "email" && i.suggestion.as_deref() == Some(NAME_ID_SOURCE));
            if let (true, Some(v)) = (offered, email_value) {
                v.set(NAME_ID_SOURCE.to_owned());
                preselected.set(true);
            }
            true
        }
    });

    // The shared mapping logic, run here as the admin types.
    let preview = {
        let (form, custom_names, defs) = (form.clone(), custom_names.clone(), defs.clone());
        Memo::new(move |_| {
            let m = to_mapping(&form, &custom_names);
            let before_save = mapping::check(&m, &defs);
            let a = attrs.get();
            let issues = if tested.get() {
                mapping::normalize(&subject.get(), &a, &m, &defs, &[]).issues
            } else {
                Vec::new()
            };
            (before_save, issues)
        })
    };

    let suggest_rows = form.clone();
    let test_run = TestRun::new(error);
    let save_action = {
        let (form, custom_names, id) = (form.clone(), custom_names.clone(), id.clone());
        // Cancelled if the admin leaves first: the test must not start for a page that is gone.
        Latest::new(move |then_test: &bool| {
            let m = to_mapping(&form, &custom_names);
            let (id, then_test) = (id.clone(), *then_test);
            error.set(None);
            saved.set(false);
            async move {
                match api::set_mapping(&id, &m).await {
                    Ok(_) => {
                        field_errors.set(BTreeMap::new());
                        saved.set(true);
                        if then_test {
                            test_run.start(id);
                        }
                    }
                    Err(e) => {
                        field_errors.set(e.fields());
                        error.set(Some(e));
                    }
                }
            }
        })
    };
    let save = move |then_test: bool| {
        save_action.dispatch(then_test);
    };
    let saving = save_action.pending();
    let busy = move || saving.get() || test_run.busy();
    let save_only = move |_| save(false);
    let save_and_test = move |_| save(true);
    view! { class=class,
        <div class="card stack">
            <PageHeading text="Attributes"/>
            <p>{format!("Choose which attribute from {idp} fills each field of the profile your application receives. The names come from your last test; the value it carried is shown beside each one.")}</p>
            <datalist id="received-attributes">
                // Each name offered with the value it carried, so the admin picks by what they see.
                {move || attrs.get().into_iter().map(|a| {
                    let sample: String = a.values.join(", ").chars().take(60).collect();
                    view! { <option value=a.name.clone() label=sample></option> }
                }).collect_view()}
            </datalist>
            <div class="grid" role="group" aria-label="Attribute mapping">
                {form.iter().map(|r| {
                    let input_id = format!("map-{}", r.key);
                    let hint_id = format!("{input_id}-hint");
                    let err_key = if ["email", "first_name", "last_name", "name", "groups", "idp_id"].contains(&r.key.as_str()) { r.key.clone() } else { format!("custom.{}", r.key) };
                    let err_key2 = err_key.clone();
                    let problem = Signal::derive(move || {
                        field_errors.with(|f| f.get(&err_key).cloned()).or_else(|| preview.with(|(b, _)| b.get(&err_key).cloned()))
                    });
                    let value = r.value;
                    let seen = Signal::derive(move || {
                        let a = attrs.get();
                        if !tested.get() { return None; }
                        let source = value.get();
                        if source.trim().is_empty() { return Some("—".to_owned()); }
                        if mapping::is_name_id(&source) { return Some(format!("Last test: {}", subject.get().trim())); }
                        Some(match mapping::find(&a, source.trim()) {
                            Some(ReceivedAttribute { values, .. }) => format!("Last test: {}", values.join(", ")),
                            None => "Did not arrive in the last test".to_owned(),
                        })
                    });
                    let label = if r.required { format!("{} (required)", r.label) } else { r.label.clone() };
                    // The email may come from the NameID instead of an attribute: a box beside the
                    // text, so typing a name and choosing the NameID stay one field.
                    let name_id_choice = (r.key == "email" && (saml || mapping::is_name_id(&value.get_untracked()))).then(|| {
                        let choice_label = move || match subject.get().trim() {
                            "" => "Use the NameID".to_owned(),
                            s => format!("Use the NameID ({s})"),
                        };
                        view! { class=class,
                            <label class="seen choice">
                                <input type="checkbox" data-map-name-id prop:checked=move || mapping::is_name_id(&value.get())
                                    on:change=move |ev| {
                                        preselected.set(false);
                                        value.set(if event_target_checked(&ev) { NAME_ID_SOURCE.to_owned() } else { String::new() });
                                    }/>
                                <span>{choice_label}</span>
                            </label>
                            {move || preselected.get().then(|| view! { class=class,
                                <p class="muted seen" role="status" data-name-id-preselected>
                                    "Your last test sent no email attribute, but its NameID is an email address, so it is chosen here. Save the mapping to use it."
                                </p>
                            })}
                        }
                    });
                    view! { class=class,
                        <label for=input_id.clone()>{label}</label>
                        <div>
                            <input id=input_id.clone() type="text" list="received-attributes" autocomplete="off" spellcheck="false"
                                aria-describedby=hint_id.clone()
                                aria-invalid=move || problem.get().map(|_| "true")
                                data-map-field=err_key2
                                prop:value=move || { let v = value.get(); if mapping::is_name_id(&v) { String::new() } else { v } }
                                placeholder=move || mapping::is_name_id(&value.get()).then_some("Read from the NameID")
                                on:input=move |ev| value.set(event_target_value(&ev))/>
                            {name_id_choice}
                            <p id=hint_id class="muted seen">{r.hint.clone()}</p>
                            {move || problem.get().map(|p| view! { <p class="notice error seen" role="alert">{p}</p> })}
                        </div>
                        <p class="seen" aria-live="polite">{move || seen.get().unwrap_or_default()}</p>
                    }
                }).collect_view()}
            </div>
            {move || {
                let issues = preview.with(|(_, i)| i.clone());
                let rows = suggest_rows.clone();
                (!issues.is_empty()).then(|| view! {
                    <div class="notice warning" data-mapping-preview>
                        <p><strong>"Compared with your last test:"</strong></p>
                        <ul class="stack">{issues.into_iter().map(|i| {
                            // A remark that knows the right attribute fills the field in one click.
                            let target = rows.iter().find(|r| r.key == i.field).map(|r| r.value);
                            let fill = i.suggestion.clone().zip(target).map(|(source, value)| {
                                let what = if mapping::is_name_id(&source) {
                                    view! { "Use the NameID" }.into_any()
                                } else {
                                    view! { "Use " <code>{source.clone()}</code> }.into_any()
                                };
                                view! {
                                    <button type="button" class="button" data-use-suggestion=i.field.clone()
                                        on:click=move |_| { preselected.set(false); value.set(source.clone()); }>{what}</button>
                                }
                            });
                            view! { <li><Prose text=i.message/>" "{fill}</li> }
                        }).collect_view()}</ul>
                    </div>
                })
            }}
            <ErrorNotice error=error/>
            {move || saved.get().then(|| view! { <p class="notice success" role="status">"Mapping saved. Run the test again to see the result."</p> })}
            <div class="actions">
                <a class="button" href=Step::Test.href(&conn.id)>"Back to the test"</a>
                <div class="row">
                    <button type="button" class="button" disabled=busy on:click=save_only>"Save mapping"</button>
                    <button type="button" class="button" disabled=busy on:click=save_and_test>"Save and test again"</button>
                </div>
            </div>
            <GoLive id=id.clone() state=conn.state tested_ok error blocked=Signal::derive(busy)/>
        </div>
    }
}
