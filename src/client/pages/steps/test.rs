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
use crate::client::hooks::Latest;
use crate::client::pages::steps::fix_actions::{FixActions, GuideExcerpt};
use crate::client::routes::Step;
use crate::core::catalog;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// How long a test started in a new tab is waited for (the server's own limit).
const POPUP_WAIT_MS: u32 = 15 * 60 * 1000;
/// How often the frame asks whether the test in the new tab has an answer.
const POPUP_POLL_MS: u32 = 2000;

/// Starting test sign-ins: sends the browser to the IdP for a new test. Shared with the mapping
/// step's "test again" and the fix buttons.
///
/// Inside a vendor's page (an iframe), identity providers refuse to show their sign-in page, so
/// the test runs in a new tab instead: it is opened at once, while the click still counts as
/// the admin's (browsers block tabs opened later), and this page waits for the answer. Leaving
/// the page stops the waiting (the run is cancelled with the component).
#[derive(Clone, Copy)]
pub struct TestRun {
    /// `true` once the browser is on its way to the IdP or the result (stay busy until then).
    run: Latest<String, bool>,
}

impl TestRun {
    /// A starter that reports a refused start in `error`.
    pub fn new(error: RwSignal<Option<ApiError>>) -> Self {
        let run = Latest::new(move |id: &String| {
            error.set(None);
            // Opened now, synchronously with the click (see above).
            let popup = if crate::client::embed::framed() {
                web_sys::window().and_then(|w| {
                    w.open_with_url_and_target("about:blank", "_blank")
                        .ok()
                        .flatten()
                })
            } else {
                None
            };
            let id = id.clone();
            async move {
                match api::start_test(&id).await {
                    Ok(started) => match popup {
                        Some(tab) => {
                            let _ = tab.location().set_href(&started.url);
                            wait_for_answer(id, started.test_id).await
                        }
                        // A full navigation: the IdP's sign-in page cannot live inside our app.
                        None => {
                            if let Some(w) = web_sys::window() {
                                let _ = w.location().assign(&started.url);
                            }
                            true
                        }
                    },
                    Err(e) => {
                        if let Some(tab) = popup {
                            let _ = tab.close();
                        }
                        error.set(Some(e));
                        false
                    }
                }
            }
        });
        Self { run }
    }

    /// Starts a test of the connection `id`.
    pub fn start(&self, id: String) {
        self.run.dispatch(id);
    }

    /// Whether a test is starting or awaited.
    pub fn busy(&self) -> bool {
        self.run.pending().get() || self.run.value().with(|v| *v == Some(true))
    }
}

/// Polls a test run in another tab until the IdP has answered, then shows its result here
/// (`true`); `false` when the server's limit passed without an answer.
async fn wait_for_answer(connection_id: String, test_id: String) -> bool {
    let mut waited = 0;
    while waited < POPUP_WAIT_MS {
        gloo_timers::future::TimeoutFuture::new(POPUP_POLL_MS).await;
        waited += POPUP_POLL_MS;
        if let Ok(t) = api::test(&connection_id, &test_id).await {
            if t.outcome != TestOutcome::Pending {
                let href = format!("{}&test={test_id}", Step::Test.href(&connection_id));
                if let Some(w) = web_sys::window() {
                    let _ = w.location().assign(&href);
                }
                return true;
            }
        }
    }
    false
}

/// Whether this tab was opened by the portal's own page to run a test (see [`start_test`]):
/// the portal page that opened it shows the result, so this tab only says it is done.
pub fn opened_for_a_test() -> bool {
    let Some(w) = web_sys::window() else {
        return false;
    };
    let Ok(opener) = w.opener() else { return false };
    if opener.is_null() || opener.is_undefined() {
        return false;
    }
    // The opener lives in another realm, where `instanceof Window` is false: no checked cast.
    let opener: web_sys::Window = wasm_bindgen::JsCast::unchecked_into(opener);
    // Reading another origin's location throws: only our own page counts.
    matches!((opener.location().origin(), w.location().origin()), (Ok(a), Ok(b)) if a == b)
}

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
