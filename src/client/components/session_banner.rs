//! Warns before the session ends, and says clearly when it has.

use crate::client::api;
use crate::client::session::{now_secs, use_session};
use leptos::prelude::*;
use std::time::Duration;

/// Minutes before expiry at which the warning appears.
const WARN_SECONDS: i64 = 5 * 60;

/// The warning strip under the header.
#[component]
pub fn SessionBanner() -> impl IntoView {
    let session = use_session();
    let tick = RwSignal::new(now_secs());
    if let Ok(handle) = set_interval_with_handle(move || tick.set(now_secs()), Duration::from_secs(5)) {
        on_cleanup(move || handle.clear());
    }
    let remaining = move || session.remaining(tick.get());
    let extend = move |_| {
        leptos::task::spawn_local(async move {
            if let Ok(info) = api::session().await {
                session.set(info);
            }
        });
    };
    view! {
        {move || {
            let lost = session.lost.get() || remaining().is_some_and(|r| r <= 0);
            if lost {
                Some(view! {
                    <div class="page" style="padding-bottom:0">
                        <div class="notice error" role="alert">
                            <strong>"Your setup session has ended. "</strong>
                            "Everything you entered so far was saved. Ask your vendor for a new setup link to continue where you left off."
                        </div>
                    </div>
                }.into_any())
            } else if let Some(r) = remaining().filter(|r| *r <= WARN_SECONDS) {
                let minutes = (r + 59) / 60;
                Some(view! {
                    <div class="page" style="padding-bottom:0">
                        <div class="notice warning row" role="status">
                            <span>{format!("Your session ends in about {minutes} minute{} because of inactivity.", if minutes == 1 { "" } else { "s" })}</span>
                            <button class="button" on:click=extend>"Stay signed in"</button>
                        </div>
                    </div>
                }.into_any())
            } else {
                None
            }
        }}
    }
}
