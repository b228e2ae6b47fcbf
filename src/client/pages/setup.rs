//! `/setup?token=…`: redeems the setup link by a POST from the page's script (so link scanners
//! that only prefetch the URL cannot burn it), then moves on without the token in the address
//! bar. In a visible, unframed tab the page's loader (Trunk.toml) has already sent that POST
//! while the app downloaded; `api::redeem` takes its answer over.

use super::PageHeading;
use crate::api::ErrorCode;
use crate::client::api::{self, ApiError};
use crate::client::components::error_notice::ErrorNotice;
use crate::client::embed;
use crate::client::routes;
use crate::client::session::{landing, use_session};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

/// What the admin is told when the browser refuses the session cookie inside a frame.
const COOKIES_BLOCKED: &str = "Your browser does not allow this setup to keep you signed in while it is shown inside another site (third-party cookies are blocked).";

/// The link landing page.
#[component]
pub fn Setup() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let token = use_query_map()
        .with_untracked(|q| q.get("token"))
        .filter(|t| !t.trim().is_empty());
    let failure = RwSignal::new(None::<ApiError>);
    // Where "Continue your setup" goes, when the admin still has a session.
    let has_session = RwSignal::new(None::<&'static str>);
    // Inside a frame the browser may refuse the session cookie (third-party cookies blocked):
    // the link is then only held, and the page offers it again in a new tab, where it works.
    let blocked = RwSignal::new(None::<String>);
    // Redeeming uses the link up: a mutation, whatever happens to this page meanwhile.
    let redeem = Action::new_local(move |token: &String| {
        let (token, navigate) = (token.clone(), navigate.clone());
        async move {
            let framed = embed::framed();
            match api::redeem(&token, framed).await {
                Ok(info) if framed => {
                    embed::set_organization(&info.organization_id);
                    // The first request with the cookie proves it is kept (and uses up the link).
                    match api::session().await {
                        Ok(info) => {
                            let to = landing(&info);
                            session.set(info);
                            navigate(
                                to,
                                NavigateOptions {
                                    replace: true,
                                    ..Default::default()
                                },
                            );
                        }
                        Err(e) if e.code() == Some(ErrorCode::SessionMissing) => {
                            // Not the session ending: it never started here.
                            session.lost.set(false);
                            embed::ready();
                            embed::error("cookies_blocked", COOKIES_BLOCKED);
                            blocked.set(Some(routes::setup_with_token(&String::from(
                                js_sys::encode_uri_component(&token),
                            ))));
                        }
                        Err(e) => {
                            embed::ready();
                            embed::error(
                                e.code().map(|c| c.as_str()).unwrap_or("network"),
                                &e.message(),
                            );
                            failure.set(Some(e));
                        }
                    }
                }
                Ok(info) => {
                    let to = landing(&info);
                    session.set(info);
                    navigate(
                        to,
                        NavigateOptions {
                            replace: true,
                            ..Default::default()
                        },
                    );
                }
                Err(e) => {
                    // An admin reopening a used link may still have the session it started.
                    if let Ok(info) = api::session().await {
                        has_session.set(Some(landing(&info)));
                        session.set(info);
                    }
                    embed::ready();
                    embed::error(
                        e.code().map(|c| c.as_str()).unwrap_or("network"),
                        &e.message(),
                    );
                    failure.set(Some(e));
                }
            }
        }
    });
    match token {
        Some(token) => {
            redeem.dispatch_local(token);
        }
        None => {
            embed::ready();
            failure.set(Some(ApiError::Api(crate::api::ErrorDetail::new(
                ErrorCode::LinkUnknown,
            ))));
        }
    }
    let blocked_view = move || {
        blocked.get().map(|href| {
            view! {
                <div class="card" data-link-problem="cookies_blocked">
                    <PageHeading text="Open the setup in a new tab"/>
                    <p>{COOKIES_BLOCKED}</p>
                    <p>"Your setup link still works there: nothing was used up or lost."</p>
                    <p><a class="button primary" href=href target="_blank" rel="noopener" data-open-new-tab>"Open in a new tab"</a></p>
                </div>
            }
        })
    };
    move || match failure.get() {
        None if blocked.with(Option::is_some) => blocked_view().into_any(),
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
            let show_detail = !matches!(
                e.code(),
                Some(ErrorCode::LinkExpired | ErrorCode::LinkUsed | ErrorCode::LinkUnknown)
            );
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
