//! After a failed test: the buttons that take the admin straight to the fix, and the one part
//! of the IdP's setup guide that explains it. The diagnosis decides which steps apply
//! (`core::diagnosis`); this file only turns each into a button or a link.

use super::test_run::TestRun;
use crate::api::connection::Connection;
use crate::api::guide::GuideTopic;
use crate::api::mapping::NAME_ID_SOURCE;
use crate::api::test_sign_in::NextStep;
use crate::client::api::{self, ApiError};
use crate::client::components::error_notice::ErrorNotice;
use crate::client::components::guide_step::GuideStepBody;
use crate::client::hooks::Latest;
use crate::client::routes::Step;
use crate::core::catalog;
use leptos::prelude::*;

/// The address of the "Your values" step, opened on the way to give the metadata again: by URL
/// when the connection has one (the IdP publishes the new certificate there), else as a file.
fn metadata_href(conn: &Connection) -> (String, &'static str) {
    let by_url = conn.saml.as_ref().and_then(|s| s.metadata_url.as_ref());
    match by_url {
        Some(_) => (
            format!("{}&method=metadata_url", Step::Details.href(&conn.id)),
            "Fetch the metadata again",
        ),
        None => (
            format!("{}&method=metadata_xml", Step::Details.href(&conn.id)),
            "Upload new metadata",
        ),
    }
}

/// One button or link per next step, the first one primary; "Test again" closes the row
/// whenever the fix happens outside the portal.
#[component]
pub fn FixActions(
    /// The connection tested.
    conn: Connection,
    /// The diagnosis's next steps, most useful first.
    next: Vec<NextStep>,
) -> impl IntoView {
    let idp = catalog::in_sentence(&conn.idp);
    let error = RwSignal::new(None::<ApiError>);
    let test_run = TestRun::new(error);
    // One click: read the email from what arrived, save, and run the test again.
    let use_as_email = {
        let (id, mapping) = (conn.id.clone(), conn.attribute_mapping.clone());
        // Cancelled if the admin leaves first: the test must not start for a page that is gone.
        Latest::new(move |source: &String| {
            let id = id.clone();
            let mut mapping = mapping.clone();
            mapping.email = Some(source.clone());
            error.set(None);
            async move {
                match api::set_mapping(&id, &mapping).await {
                    Ok(_) => test_run.start(id),
                    Err(e) => error.set(Some(e)),
                }
            }
        })
    };
    let saving = use_as_email.pending();
    let busy = move || saving.get() || test_run.busy();
    let test_again = {
        let id = conn.id.clone();
        move |_| test_run.start(id.clone())
    };
    let elsewhere = next
        .iter()
        .any(|s| matches!(s, NextStep::FixInIdp | NextStep::TestAgain));
    // Only the IdP can fix it: say so, rather than leave the admin looking for a button.
    let only_idp = next.first() == Some(&NextStep::FixInIdp);
    let mut primary = true;
    let mut take_primary = move || std::mem::replace(&mut primary, false);
    let steps = next
        .into_iter()
        .filter(|s| !matches!(s, NextStep::FixInIdp | NextStep::TestAgain))
        .map(|step| {
            let class = if take_primary() { "button primary" } else { "button" };
            match step {
                NextStep::UseAsEmail { source, value } => {
                    let what = if source == NAME_ID_SOURCE {
                        view! { "Use the NameID as the email" }.into_any()
                    } else {
                        view! { "Use " <code>{source.clone()}</code> " as the email" }.into_any()
                    };
                    let title = (!value.is_empty())
                        .then(|| format!("Saves the mapping and tests again; the email will be {value}"));
                    view! {
                        <button type="button" class=class data-fix="use_as_email" data-source=source.clone()
                            title=title disabled=busy
                            on:click=move |_| { use_as_email.dispatch(source.clone()); }>
                            {what}
                        </button>
                    }
                    .into_any()
                }
                NextStep::OpenMapping => view! {
                    <a class=class data-fix="open_mapping" href=Step::Mapping.href(&conn.id)>"Open the attribute mapping"</a>
                }
                .into_any(),
                NextStep::EditValues => view! {
                    <a class=class data-fix="edit_values" href=Step::Details.href(&conn.id)>"Edit your values"</a>
                }
                .into_any(),
                NextStep::UploadMetadata => {
                    let (href, label) = metadata_href(&conn);
                    view! { <a class=class data-fix="upload_metadata" href=href>{label}</a> }.into_any()
                }
                // Said above the buttons; "Test again" below stands for it.
                NextStep::FixInIdp | NextStep::TestAgain => ().into_any(),
            }
        })
        .collect_view();
    view! {
        <div class="stack" data-fix-actions>
            {only_idp.then(|| view! {
                <p data-fix="fix_in_idp">{format!("Nothing to change in this portal: make the change in {idp} as described above, then test again.")}</p>
            })}
            <div class="row">
                {steps}
                {elsewhere.then(|| {
                    let class = if take_primary() { "button primary" } else { "button" };
                    view! {
                        <button type="button" class=class data-fix="test_again" disabled=busy on:click=test_again>
                            {move || if busy() { "Starting the test…" } else { "Test again" }}
                        </button>
                    }
                })}
            </div>
            <ErrorNotice error=error/>
        </div>
    }
}

/// The step of the IdP's setup guide that fixes a failure, shown under the diagnosis.
#[component]
pub fn GuideExcerpt(
    /// The connection tested.
    conn: Connection,
    /// What the step is about.
    topic: GuideTopic,
) -> impl IntoView {
    let key = conn.idp.clone();
    let guide = LocalResource::new(move || {
        let key = key.clone();
        async move { api::guide(&key).await }
    });
    let sp = conn.sp.clone();
    let named = catalog::find(&conn.idp)
        .filter(|e| !e.key.starts_with("generic-"))
        .map(|e| format!("From the {} setup guide", e.name))
        .unwrap_or_else(|| "From the setup guide".to_owned());
    view! {
        <Transition fallback=|| ()>
            {move || {
                let (sp, named) = (sp.clone(), named.clone());
                Suspend::new(async move {
                    // No guide, or no step on this topic: the fix steps above stand alone.
                    let step = guide.await.ok()?.steps.into_iter().find(|s| s.topic == Some(topic))?;
                    Some(view! {
                        <details class="guide-excerpt" open=true data-guide-excerpt=topic.tag()>
                            <summary><strong>{format!("{named}: {}", step.title)}</strong></summary>
                            <div class="stack">
                                <GuideStepBody step sp id_prefix="fix-guide"/>
                            </div>
                        </details>
                    })
                })
            }}
        </Transition>
    }
}
