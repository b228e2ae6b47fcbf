//! An error the admin can act on: what happened, what to do, and the request id to quote.

use crate::client::api::ApiError;
use leptos::prelude::*;

/// Shows an API error; renders nothing for `None`.
#[component]
pub fn ErrorNotice(
    /// The error to show, if any.
    #[prop(into)]
    error: Signal<Option<ApiError>>,
) -> impl IntoView {
    // An embedding page hears about each error the admin is shown.
    Effect::new(move |_| {
        if let Some(e) = error.get() {
            crate::client::embed::error(
                e.code().map(|c| c.as_str()).unwrap_or("network"),
                &e.message(),
            );
        }
    });
    move || {
        error.get().map(|e| {
            let id = e.request_id();
            // Field problems are shown next to their fields; the notice only points there.
            let text = if e.has_fields() { "Some details need attention: see the highlighted fields below.".to_string() } else { e.message() };
            view! {
                <div class="notice error" role="alert">
                    <p>{text}</p>
                    {id.map(|id| view! { <p class="muted">"If you contact support, quote request id " <code>{id}</code>"."</p> })}
                </div>
            }
        })
    }
}
