//! The end of the wizard: activating a tested connection, then where to go next.

use crate::api::connection::ConnectionState;
use crate::client::api::{self, ApiError};
use crate::client::routes;
use crate::client::session::use_session;
use leptos::prelude::*;

/// "Go live": the activate button once a test succeeded, then the way out of the wizard.
#[component]
pub fn GoLive(
    /// The connection.
    id: String,
    /// Its state when the page loaded.
    state: ConnectionState,
    /// Whether its last test succeeded.
    tested_ok: bool,
    /// Where a refused activation is reported (shared with the page's other actions).
    error: RwSignal<Option<ApiError>>,
    /// Other work on the page (saving, a test starting) that must finish first.
    #[prop(into)]
    blocked: Signal<bool>,
) -> impl IntoView {
    let session = use_session();
    let state = RwSignal::new(state);
    let activate_action = Action::new_local({
        let id = id.clone();
        move |(): &()| {
            let id = id.clone();
            error.set(None);
            async move {
                match api::activate(&id).await {
                    Ok(c) => {
                        if c.state == ConnectionState::Active {
                            crate::client::embed::send(
                                crate::api::embed::EventData::ConnectionActivated {
                                    connection_id: c.id.clone(),
                                    idp: c.idp.clone(),
                                },
                            );
                        }
                        state.set(c.state);
                    }
                    Err(e) => error.set(Some(e)),
                }
            }
        }
    });
    let activate = move |_: leptos::ev::MouseEvent| {
        activate_action.dispatch_local(());
    };
    let activating = activate_action.pending();
    let success_url = move || {
        session
            .info
            .with(|i| i.as_ref().and_then(|i| i.success_url.clone()))
    };
    view! {
            <section aria-labelledby="activate-heading" class="stack">
                <h2 id="activate-heading">"Go live"</h2>
                {move || match state.get() {
                    ConnectionState::Active => view! {
                        <div class="notice success" role="status" data-connection-active>
                            <strong>"Your connection is active. "</strong>"Your users can now sign in through it."
                        </div>
                        <p>"Next, verify the domains of your team's email addresses, so your vendor can match people to your organization: "
                            <a href=routes::DOMAINS>"Verify your email domains"</a></p>
                        {match success_url() {
                            Some(url) => view! { <a class="button primary" href=url.clone() on:click=crate::client::embed::close_on_click("done", Some(url))>"Finish and return to the app"</a> }.into_any(),
                            None => view! { <a class="button primary" href=routes::SSO on:click=crate::client::embed::close_on_click("done", None)>"Done"</a> }.into_any(),
                        }}
                    }.into_any(),
                    _ if tested_ok => view! {
                        <p>"Your last test succeeded. Activate the connection to let your users sign in through it."</p>
                        <div><button type="button" class="button primary" data-activate disabled=move || activating.get() || blocked.get() on:click=activate>"Activate connection"</button></div>
                    }.into_any(),
                    _ => view! {
                        <p class="muted">"A successful test sign-in is needed before the connection can be activated."</p>
                    }.into_any(),
                }}
            </section>
    }
}
