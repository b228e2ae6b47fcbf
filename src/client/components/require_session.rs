//! Shows its children only with a live session, loading it first after a reload.

use crate::client::api::{self, ApiError};
use crate::client::components::error_notice::ErrorNotice;
use crate::client::session::use_session;
use leptos::prelude::*;

/// Gate for screens that need the admin's session.
#[component]
pub fn RequireSession(children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    let error = RwSignal::new(None);
    if session.info.get_untracked().is_none() {
        let load = Action::new_local(move |(): &()| async move {
            match api::session().await {
                Ok(info) => session.set(info),
                Err(e) => {
                    if e.code() == Some(crate::api::ErrorCode::SessionMissing) {
                        crate::client::embed::send(crate::api::embed::EventData::SessionExpired {});
                    }
                    session.lost.set(true);
                    error.set(Some(e));
                }
            }
        });
        load.dispatch_local(());
    }
    let children = StoredValue::new(children);
    // Only whether there is a session decides: a session that changes (extended, a connection
    // counted) must not rebuild the screen and lose what the admin is typing.
    let live = Memo::new(move |_| session.info.with(Option::is_some));
    move || {
        if live.get() {
            children.with_value(|c| c()).into_any()
        } else if session.lost.get() {
            view! { <SessionEnded error=Signal::derive(move || error.get())/> }.into_any()
        } else {
            view! { <p class="muted" role="status">"Loading…"</p> }.into_any()
        }
    }
}

/// The screen an admin sees once their setup session is gone: what happened, that nothing was
/// lost, and how to continue.
#[component]
pub fn SessionEnded(
    /// Why, when it was something other than an expired or missing session.
    #[prop(into)]
    error: Signal<Option<ApiError>>,
) -> impl IntoView {
    view! {
        <div class="card" data-session-ended>
            <h1 tabindex="-1">"Your setup session has ended"</h1>
            <p>"For your security, setup sessions end after a period of inactivity. Anything you entered was saved."</p>
            <p>"Ask your vendor for a new setup link and open it to continue where you left off."</p>
            {move || error.get().filter(|e| e.code() != Some(crate::api::ErrorCode::SessionMissing)).map(|e| view! { <ErrorNotice error=Signal::derive(move || Some(e.clone()))/> })}
        </div>
    }
}
