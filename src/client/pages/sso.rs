//! `/sso`: the organization's connections and their state.
//!
//! The page itself is in the first download, and so is its answer to an organization without
//! a connection (every first visit), which the session tells without another request. The list
//! of connections, with each one's sign-in and activity logs, is in the `sso_home` chunk
//! ([`connections`]), downloaded only once there is something to list.

pub mod connections;

use super::PageHeading;
use crate::client::chunks::{self, Screen};
use crate::client::components::lazy::Lazy;
use crate::client::components::require_session::RequireSession;
use crate::client::routes;
use leptos::prelude::*;

/// The connections overview.
#[component]
pub fn SsoHome() -> impl IntoView {
    view! {
        <RequireSession>
            <Overview/>
        </RequireSession>
    }
}

#[component]
fn Overview() -> impl IntoView {
    let session = crate::client::session::use_session();
    // The session says how many connections there were when it was loaded (and counts the ones
    // this admin creates since): with none, there is nothing to fetch or download. Unknown, or
    // not this session's to see, loads the list, which says why.
    let none_yet = Memo::new(move |_| {
        session
            .info
            .with(|i| i.as_ref().is_some_and(|i| i.connections == Some(0)))
    });
    // The vendor enabled directory sync for this link: offer it next to the connections.
    let dsync = move || {
        session.info.with(|i| {
            i.as_ref()
                .is_some_and(|i| i.intents.contains(&crate::api::vendor::Intent::Dsync))
        })
    };
    view! {
        <div class="card">
            <PageHeading text="Single sign-on"/>
            <p>"Connect your identity provider so your team signs in with their work accounts."</p>
            {move || if none_yet.get() {
                view! { <NoConnectionYet/> }.into_any()
            } else {
                view! { <Lazy load=|| Box::pin(chunks::sso_home()) view=|list: Screen| list()/> }.into_any()
            }}
            <div class="row">
                <a class="button primary" href=routes::NEW_CONNECTION>"Set up a new connection"</a>
                <a href=routes::DOMAINS>"Verify your email domains"</a>
                {move || dsync().then(|| view! {
                    <a href=routes::DIRECTORY data-directory-entry>"Set up directory sync"</a>
                })}
            </div>
        </div>
    }
}

/// What the overview says while the organization has no connection.
#[component]
pub fn NoConnectionYet() -> impl IntoView {
    view! {
        <p class="muted" data-no-connection>"No connection yet. Setting one up takes about ten minutes; you will need admin access to your identity provider."</p>
    }
}
