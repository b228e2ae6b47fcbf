//! Step 5: a real sign-in through the admin's IdP, its result, and the history of attempts.
//!
//! `?test=…` in the URL selects the attempt shown, so the page the IdP sends the browser back
//! to is this step, and the back button walks through earlier attempts.

use super::super::PageHeading;
use crate::api::portal::{Connection, ConnectionState, Protocol};
use crate::api::signin::TestOutcome;
use crate::client::api::{self, ApiError};
use crate::client::components::error_notice::ErrorNotice;
use crate::client::components::test_result::TestResult;
use crate::client::pages::wizard::Step;
use crate::core::catalog;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Sends the browser to the IdP for a new test. Shared with the mapping step's "test again".
pub fn start_test(id: String, busy: RwSignal<bool>, error: RwSignal<Option<ApiError>>) {
    busy.set(true);
    error.set(None);
    leptos::task::spawn_local(async move {
        match api::start_test(&id).await {
            Ok(started) => {
                // A full navigation: the IdP's sign-in page cannot live inside our app.
                if let Some(w) = web_sys::window() {
                    let _ = w.location().assign(&started.url);
                }
            }
            Err(e) => {
                error.set(Some(e));
                busy.set(false);
            }
        }
    });
}

/// The test sign-in step.
#[component]
pub fn TestStep(
    /// The connection being tested.
    conn: Connection,
) -> impl IntoView {
    let query = use_query_map();
    let idp = catalog::find(&conn.idp).map(|e| e.name).unwrap_or("your identity provider");
    let selected = Memo::new({
        let last = conn.last_test_id.clone();
        move |_| query.with(|q| q.get("test")).filter(|t| !t.is_empty()).or_else(|| last.clone())
    });
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
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
        move |_| start_test(id.clone(), busy, error)
    };
    let mapping_href = Step::Mapping.href(&conn.id);
    view! {
        <div class="card stack">
            <PageHeading text="Test sign-in"/>
            <p>{format!("We will send you to {idp}. Sign in as {who} — your own account is fine. {idp} sends you back here, and we show exactly what arrived, or what to change if something is wrong.")}</p>
            {(!complete).then(|| view! { <p class="notice warning">"Save the connection first (the Review step)."</p> })}
            <ErrorNotice error=error/>
            <div class="actions">
                <a class="button" href=Step::Review.href(&conn.id)>"Back to review"</a>
                <button type="button" class="button primary" data-start-test disabled=move || busy.get() || !complete on:click=start>
                    {move || if busy.get() { format!("Opening {idp}…") } else { format!("Test sign-in with {idp}") }}
                </button>
            </div>
            <Transition fallback=|| view! { <p class="muted" role="status">"Loading the result…"</p> }>
                {move || {
                    let mapping_href = mapping_href.clone();
                    Suspend::new(async move {
                    match result.await {
                        Ok(Some(t)) => {
                            let success = t.outcome == TestOutcome::Success;
                            let href = mapping_href.clone();
                            view! {
                                <section aria-label="Test result" class="stack">
                                    <TestResult test=t idp_name=idp/>
                                    {success.then(|| view! {
                                        <div class="actions"><span></span><a class="button primary" href=href>"Next: check the attributes"</a></div>
                                    })}
                                </section>
                            }.into_any()
                        }
                        Ok(None) => view! { <p class="muted">"No test yet."</p> }.into_any(),
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
                                        <li><a href=href>{crate::core::cert::format_datetime(t.started_at)}</a>{format!(" — {label}")}
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
