//! Any address the portal does not know.

use super::PageHeading;
use crate::client::routes;
use leptos::prelude::*;

/// The fallback route.
#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <div class="card">
            <PageHeading text="Page not found"/>
            <p>"This address is not part of the setup portal."</p>
            <p><a href=routes::SSO>"Go to your single sign-on connections"</a></p>
        </div>
    }
}
