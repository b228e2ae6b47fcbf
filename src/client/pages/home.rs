//! `/`: sends an admin with a session to their connections (or domains), and explains the portal otherwise.

use super::PageHeading;
use crate::client::api;
use crate::client::hooks::Latest;
use crate::client::session::{landing, use_session};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

/// The root route.
#[component]
pub fn Home() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let checked = RwSignal::new(false);
    // Cancelled if the admin navigates away before the answer.
    let check = Latest::new(move |(): &()| {
        let navigate = navigate.clone();
        async move {
            if let Ok(info) = api::session().await {
                let to = landing(&info);
                session.set(info);
                navigate(
                    to,
                    NavigateOptions {
                        replace: true,
                        ..Default::default()
                    },
                );
            } else {
                checked.set(true);
                crate::client::embed::ready();
            }
        }
    });
    check.dispatch(());
    move || {
        checked.get().then(|| {
            view! {
                <div class="card">
                    <PageHeading text="Single sign-on setup"/>
                    <p>"This portal lets your organization's IT administrator connect your identity provider."</p>
                    <p>"Open the setup link your vendor sent you to begin. If your link has expired, ask your vendor for a new one."</p>
                </div>
            }
        })
    }
}
