//! `/setup?token=…`: redeems the setup link by a POST from the app (so link scanners that
//! prefetch the URL cannot burn it), then moves on without the token in the address bar.

use super::PageHeading;
use crate::api::ErrorCode;
use crate::client::api::{self, ApiError};
use crate::client::components::error_notice::ErrorNotice;
use crate::client::session::{landing, use_session};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

/// The link landing page.
#[component]
pub fn Setup() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let token = use_query_map().with_untracked(|q| q.get("token")).filter(|t| !t.trim().is_empty());
    let failure = RwSignal::new(None::<ApiError>);
    // Where "Continue your setup" goes, when the admin still has a session.
    let has_session = RwSignal::new(None::<&'static str>);
    match token {
        Some(token) => leptos::task::spawn_local(async move {
            match api::redeem(&token).await {
                Ok(info) => {
                    let to = landing(&info);
                    session.set(info);
                    navigate(to, NavigateOptions { replace: true, ..Default::default() });
                }
                Err(e) => {
                    // An admin reopening a used link may still have the session it started.
                    if let Ok(info) = api::session().await {
                        has_session.set(Some(landing(&info)));
                        session.set(info);
                    }
                    failure.set(Some(e));
                }
            }
        }),
        None => failure.set(Some(ApiError::Api(crate::api::ErrorDetail::new(ErrorCode::LinkUnknown)))),
    }
    move || match failure.get() {
        None => view! { <p class="muted" role="status">"Opening your setup link…"</p> }.into_any(),
        Some(e) => {
            let (title, body) = match e.code() {
                Some(ErrorCode::LinkExpired) => (
                    "This setup link has expired",
                    "Setup links work for a limited time to keep your organization safe. Ask your vendor for a new link; anything you saved before is kept.",
                ),
                Some(ErrorCode::LinkUsed) => (
                    "This setup link has already been used",
                    "Each setup link can be opened only once. If you opened it earlier, continue in that browser tab, or ask your vendor for a new link.",
                ),
                Some(ErrorCode::LinkUnknown) => (
                    "This setup link is not valid",
                    "Check that you copied the whole link from your vendor's message. If it still does not work, ask your vendor for a new link.",
                ),
                _ => ("We could not open your setup link", "Something went wrong while opening the link. Reload the page to try again."),
            };
            let problem = e.code().map(|c| c.as_str()).unwrap_or("network");
            let show_detail = !matches!(e.code(), Some(ErrorCode::LinkExpired | ErrorCode::LinkUsed | ErrorCode::LinkUnknown));
            view! {
                <div class="card" data-link-problem=problem>
                    <PageHeading text=title/>
                    <p>{body}</p>
                    {move || has_session.get().map(|href| view! {
                        <p><a class="button primary" href=href>"Continue your setup"</a></p>
                    })}
                    {show_detail.then(|| view! { <ErrorNotice error=Signal::derive(move || Some(e.clone()))/> })}
                </div>
            }
            .into_any()
        }
    }
}
