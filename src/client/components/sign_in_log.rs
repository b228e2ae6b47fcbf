//! A connection's sign-in log: who came in through it and when, or why they could not, so the
//! IT admin can answer "did Jane's sign-in reach you?" without a support ticket.

use crate::api::sso::SignInRecord;
use crate::api::test_sign_in::TestOutcome;
use crate::client::api;
use crate::client::style::scoped;
use leptos::prelude::*;
use stylers_macro::style_str;

/// The log of one connection, in a fold (loaded when opened).
#[component]
pub fn SignInLog(
    /// The connection.
    connection_id: String,
) -> impl IntoView {
    let class = scoped(style_str! {
        details {
            flex-basis: 100%;
            min-width: 0;
        }
        .scroll {
            overflow-x: auto;
        }
    });
    let open = RwSignal::new(false);
    let log = LocalResource::new(move || {
        let id = connection_id.clone();
        async move {
            if open.get() {
                Some(api::sign_ins(&id).await)
            } else {
                None
            }
        }
    });
    let row = |r: SignInRecord| {
        let when = crate::core::cert::format_datetime(r.started_at.unix());
        let ok = r.outcome == TestOutcome::Success;
        let result = match r.outcome {
            TestOutcome::Success => "Signed in",
            TestOutcome::Failure => "Refused",
            TestOutcome::Pending => "Not finished",
        };
        view! {
            <tr data-sign-in=r.outcome.as_str()>
                <td>{when}</td>
                <td>
                    <span class=if ok { "badge success" } else { "badge warning" }>{result}</span>
                    {r.idp_initiated.then_some(" from the identity provider's dashboard")}
                </td>
                // The profile id on success, the code to quote on failure.
                <td><code>{if ok { r.profile_id } else { r.error_code }.unwrap_or_default()}</code></td>
            </tr>
        }
    };
    view! { class=class,
        <details on:toggle=move |ev| {
            use wasm_bindgen::JsCast;
            let is_open = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok()).is_some_and(|d| d.open());
            open.set(is_open);
        }>
            <summary>"Sign-in log"</summary>
            {move || match log.get().flatten() {
                None => view! { <p class="muted" role="status">"Loading sign-ins…"</p> }.into_any(),
                Some(Err(e)) => view! { <crate::client::components::error_notice::ErrorNotice error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                Some(Ok(l)) if l.data.is_empty() => view! { <p class="muted">"No one has signed in through this connection yet."</p> }.into_any(),
                Some(Ok(l)) => view! { class=class,
                    <div class="scroll">
                        <table class="data">
                            <caption class="visually-hidden">"Recent sign-ins, newest first"</caption>
                            <thead><tr><th scope="col">"When"</th><th scope="col">"Result"</th><th scope="col">"Profile ID or error code"</th></tr></thead>
                            <tbody>{l.data.into_iter().map(row).collect_view()}</tbody>
                        </table>
                    </div>
                }.into_any(),
            }}
        </details>
    }
}
