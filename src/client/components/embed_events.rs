//! Tells a vendor's page that frames the portal where the admin is and when the portal is ready.

use crate::api::embed::EventData;
use crate::client::embed::{framed, ready, send};
use crate::client::session::use_session;
use leptos::prelude::*;

/// Reports screen changes and readiness; rendered once, inside the router.
#[component]
pub fn EmbedEvents() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let session = use_session();
    Effect::new(move |_| {
        let path = location.pathname.get();
        if framed() {
            send(EventData::StepChanged {
                step: crate::core::embed::step_name(&path),
                path,
            });
        }
    });
    Effect::new(move |_| {
        let known = session.info.with(Option::is_some);
        if known || session.lost.get() {
            ready();
        }
    });
}
