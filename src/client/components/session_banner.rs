//! Warns before the session ends, and says clearly when it has.

use crate::client::api;
use crate::client::session::{now_secs, use_session};
use crate::client::style::scoped;
use leptos::prelude::*;
use std::time::Duration;
use stylers_macro::style_str;

/// Seconds before expiry at which the warning appears.
const WARN_SECONDS: i64 = 5 * 60;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Banner {
    Hidden,
    Warning,
    Ended,
}

/// The warning strip under the header.
#[component]
pub fn SessionBanner() -> impl IntoView {
    let class = scoped(style_str! {
        .banner {
            padding-bottom: 0;
        }
    });
    let session = use_session();
    let tick = RwSignal::new(now_secs());
    if let Ok(handle) =
        set_interval_with_handle(move || tick.set(now_secs()), Duration::from_secs(5))
    {
        on_cleanup(move || handle.clear());
    }
    let remaining = Memo::new(move |_| session.remaining(tick.get()));
    // Memos keep the DOM (and the focused button) in place while the clock ticks.
    let banner = Memo::new(move |_| match remaining.get() {
        // "Ended" only makes sense for a session the admin had; pages without one say so themselves.
        _ if session.info.with(Option::is_none) => Banner::Hidden,
        _ if session.lost.get() => Banner::Ended,
        Some(r) if r <= 0 => Banner::Ended,
        Some(r) if r <= WARN_SECONDS => Banner::Warning,
        _ => Banner::Hidden,
    });
    // Tell an embedding page, once per change (the memo only changes when the banner does).
    Effect::new(move |_| match banner.get() {
        Banner::Warning => {
            crate::client::embed::send(crate::api::embed::EventData::SessionExpiring {
                seconds_left: remaining.get_untracked().unwrap_or(0).max(0),
            })
        }
        Banner::Ended => {
            crate::client::embed::send(crate::api::embed::EventData::SessionExpired {})
        }
        Banner::Hidden => {}
    });
    let minutes = Memo::new(move |_| remaining.get().map(|r| (r.max(0) + 59) / 60).unwrap_or(0));
    // Asking for the session is what extends it.
    let extend_action = Action::new_local(move |(): &()| async move {
        if let Ok(info) = api::session().await {
            session.set(info);
        }
    });
    let extend = move |_| {
        extend_action.dispatch_local(());
    };
    move || {
        match banner.get() {
        Banner::Hidden => None,
        Banner::Ended => Some(
            view! { class=class,
                <div class="page banner">
                    <div class="notice error" role="alert">
                        <strong>"Your setup session has ended. "</strong>
                        "Everything you entered so far was saved. Ask your vendor for a new setup link to continue where you left off."
                    </div>
                </div>
            }
            .into_any(),
        ),
        Banner::Warning => Some(
            view! { class=class,
                <div class="page banner">
                    <div class="notice warning row">
                        <span role="status">
                            {move || {
                                let m = minutes.get();
                                format!("Your session ends in about {m} minute{} because of inactivity.", if m == 1 { "" } else { "s" })
                            }}
                        </span>
                        <button class="button" on:click=extend>"Stay signed in"</button>
                    </div>
                </div>
            }
            .into_any(),
        ),
    }
    }
}
