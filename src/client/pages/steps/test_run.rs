//! Starting a test sign-in, from the test step, the mapping step or a fix button, and noticing
//! the tab a framed portal opened for it.

use crate::api::test_sign_in::TestOutcome;
use crate::client::api::{self, ApiError};
use crate::client::hooks::Latest;
use crate::client::routes::Step;
use leptos::prelude::*;

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

/// Whether this tab was opened by the portal's own page to run a test (see [`TestRun`]):
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
