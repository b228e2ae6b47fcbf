//! Step 5: a real sign-in through the admin's IdP, its result, and the history of attempts.
//!
//! `?test=…` in the URL selects the attempt shown, so the page the IdP sends the browser back
//! to is this step, and the back button walks through earlier attempts.

use super::super::PageHeading;
use super::test_run::TestRun;
use crate::api::connection::{Connection, ConnectionState};
use crate::api::protocol::Protocol;
use crate::api::test_sign_in::TestOutcome;
use crate::client::api::{self, ApiError};
use crate::client::components::error_notice::ErrorNotice;
use crate::client::components::test_result::TestResult;
use crate::client::pages::steps::fix_actions::{FixActions, GuideExcerpt};
use crate::client::routes::Step;
use crate::core::catalog;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The new tab's last page: the result is in the original window.
#[component]
pub fn TestDoneInTab() -> impl IntoView {
    // Tabs a script opened may be closed by script; if the browser refuses, the text stays.
    set_timeout(
        || {
            if let Some(w) = web_sys::window() {
                let _ = w.close();
            }
        },
        std::time::Duration::from_millis(1500),
    );
    view! {
        <div class="card stack" data-test-done-in-tab>
            <PageHeading text="Your test sign-in is finished"/>
            <p>"The result is waiting in the setup page you came from. You can close this tab."</p>
        </div>
    }
}

/// The test sign-in step.
#[component]
pub fn TestStep(
    /// The connection being tested.
    conn: Connection,
) -> impl IntoView {
    let query = use_query_map();
    // "Okta", or "your identity provider" for the generic entries (never "Other SAML 2.0").
    let idp = catalog::in_sentence(&conn.idp);
    let selected = Memo::new({
        let last = conn.last_test_id.clone();
        move |_| {
            query
                .with(|q| q.get("test"))
                .filter(|t| !t.is_empty())
                .or_else(|| last.clone())
        }
    });
    let error = RwSignal::new(None::<ApiError>);
    let test_run = TestRun::new(error);
    let busy = move || test_run.busy();
    let id = conn.id.clone();
    let result = LocalResource::new({
        let id = id.clone();
        move || {
            let (id, test) = (id.clone(), selected.get());
            async move {
                match test {
                    Some(t) => api::test(&id, &t).await.map(Some),
                    None => Ok(None),
                }
            }
        }
    });
    let history = LocalResource::new({
        let id = id.clone();
        move || {
            let id = id.clone();
            async move { api::tests(&id).await }
        }
    });
    let complete = conn.state != ConnectionState::Draft;
    let who = match conn.protocol {
        Protocol::Saml => "a user assigned to the app",
        Protocol::Oidc => "a user allowed to use the app",
    };
    let start = {
        let id = id.clone();
        move |_| test_run.start(id.clone())
    };
    let mapping_href = Step::Mapping.href(&conn.id);
    let conn_for_fix = conn.clone();
    view! {
        <div class="card stack">
            <PageHeading text="Test sign-in"/>
            <p>{if crate::client::embed::framed() {
                format!("We will open {idp} in a new tab. Sign in there as {who} — your own account is fine. This page then shows exactly what arrived, or what to change if something is wrong.")
            } else {
                format!("We will send you to {idp}. Sign in as {who} — your own account is fine. {} sends you back here, and we show exactly what arrived, or what to change if something is wrong.", catalog::sentence_start(idp))
            }}</p>
            {(!complete).then(|| view! { <p class="notice warning">"Save the connection first (the Review step)."</p> })}
            <ErrorNotice error=error/>
            <div class="actions">
                <a class="button" href=Step::Review.href(&conn.id)>"Back to review"</a>
                <button type="button" class="button primary" data-start-test disabled=move || busy() || !complete on:click=start>
                    {move || if busy() { format!("Opening {idp}…") } else { format!("Test sign-in with {idp}") }}
                </button>
            </div>
            {move || (busy() && crate::client::embed::framed()).then(|| view! {
                <p class="notice warning" role="status" data-test-in-tab>{format!("Sign in with {idp} in the new tab. This page shows the result as soon as {idp} answers.")}</p>
            })}
            <Transition fallback=|| view! { <p class="muted" role="status">"Loading the result…"</p> }>
                {move || {
                    let (mapping_href, conn_for_fix) = (mapping_href.clone(), conn_for_fix.clone());
                    Suspend::new(async move {
                    match result.await {
                        Ok(Some(t)) => {
                            let success = t.outcome == TestOutcome::Success;
                            let href = mapping_href.clone();
                            let (next, topic) = t.diagnosis.as_ref().map(|d| (d.next.clone(), d.guide_topic)).unwrap_or_default();
                            let conn = conn_for_fix.clone();
                            let guide = topic.map(|topic| view! { <GuideExcerpt conn=conn.clone() topic/> });
                            view! {
                                <section aria-label="Test result" class="stack">
                                    <TestResult test=t idp_name=idp mapping_href=href.clone()>
                                        {(!next.is_empty()).then(|| view! { <FixActions conn=conn.clone() next=next.clone()/> })}
                                        {guide}
                                    </TestResult>
                                    {success.then(|| view! {
                                        <div class="actions"><span></span><a class="button primary" href=href>"Next: check the attributes"</a></div>
                                    })}
                                </section>
                            }.into_any()
                        }
                        Ok(None) => view! { <p class="muted">{move || if busy() { "Waiting for the answer…" } else { "No test yet." }}</p> }.into_any(),
                        Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                    }
                })}}
            </Transition>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let list = history.await.map(|l| l.data).unwrap_or_default();
                    (!list.is_empty()).then(|| view! {
                        <section aria-labelledby="history-heading">
                            <h2 id="history-heading">"Earlier attempts"</h2>
                            <ul class="stack" data-test-history>
                                {list.into_iter().map(|t| {
                                    let label = match t.outcome {
                                        TestOutcome::Success => "Succeeded".to_owned(),
                                        TestOutcome::Pending => "No answer".to_owned(),
                                        TestOutcome::Failure => format!("Failed: {}", t.diagnosis.as_ref().map(|d| d.title.clone()).unwrap_or_default()),
                                    };
                                    let href = format!("{}&test={}", Step::Test.href(&t.connection_id), t.id);
                                    view! {
                                        <li><a href=href>{crate::core::cert::format_datetime(t.started_at.unix())}</a>{format!(" — {label}")}
                                        {t.idp_initiated.then_some(" (started at the identity provider)")}</li>
                                    }
                                }).collect_view()}
                            </ul>
                        </section>
                    })
                })}
            </Transition>
        </div>
    }
}
