//! `/directory`: the organization's directory, its state, counts and latest requests, or a way
//! to start one.
//!
//! The page and its answer to an organization without a directory (a `dsync` link's first
//! visit), which the session tells without another request, are in the first download; the
//! directories' cards, with their sync logs, are in the `directory` chunk ([`super::cards`]),
//! downloaded only once there is a directory to show.

use crate::client::chunks::{self, Screen};
use crate::client::components::lazy::Lazy;
use crate::client::components::require_session::RequireSession;
use crate::client::pages::PageHeading;
use crate::client::routes;
use leptos::prelude::*;

/// The directory sync home.
#[component]
pub fn DirectoryHome() -> impl IntoView {
    view! {
        <RequireSession>
            <DirectoryList/>
        </RequireSession>
    }
}

#[component]
fn DirectoryList() -> impl IntoView {
    let session = crate::client::session::use_session();
    // As on the SSO overview: the session says whether there is a directory to show yet.
    let none_yet = Memo::new(move |_| {
        session
            .info
            .with(|i| i.as_ref().is_some_and(|i| i.directories == Some(0)))
    });
    view! {
        <div class="card stack">
            <PageHeading text="Directory sync"/>
            <p>"Connect your directory so your team's accounts are created, updated and removed here automatically, as you manage them in your identity provider."</p>
            {move || if none_yet.get() {
                view! { <NoDirectoryYet/> }.into_any()
            } else {
                view! { <Lazy load=|| Box::pin(chunks::directory_home()) view=|cards: Screen| cards()/> }.into_any()
            }}
        </div>
    }
}

/// What the page offers while the organization has no directory.
#[component]
pub fn NoDirectoryYet() -> impl IntoView {
    view! {
        <p class="muted">"No directory yet. Setting one up takes about fifteen minutes; you will need admin access to your identity provider."</p>
        <div><a class="button primary" href=routes::NEW_DIRECTORY data-start-directory>"Set up directory sync"</a></div>
    }
}
