//! The browser app: router, session context, pages and components.

pub mod api;
pub mod components;
pub mod embed;
pub mod hooks;
pub mod inspect;
pub mod pages;
pub mod routes;
pub mod session;
pub mod style;
#[cfg(all(test, target_arch = "wasm32"))]
mod tests;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

/// Mounts the app on `<body>`.
pub fn mount() {
    console_error_panic_hook::set_once();
    components::shell::apply_saved_scheme();
    embed::start();
    leptos::mount::mount_to_body(App);
}

/// The portal: every screen is a route, so reload and back/forward work.
#[component]
pub fn App() -> impl IntoView {
    session::provide_session();
    embed::provide_connected();
    provide_context(components::shell::BrandingOverride(RwSignal::new(None)));
    // The vendor's custom CSS is scoped under this element (see core::theme::ROOT_ID).
    view! {
        <div id=crate::core::theme::ROOT_ID>
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <components::embed_events::EmbedEvents/>
            <components::shell::Shell>
                <Routes fallback=pages::not_found::NotFound>
                    <Route path=path!("/") view=pages::home::Home/>
                    <Route path=path!("/setup") view=pages::setup::Setup/>
                    <Route path=path!("/sso") view=pages::sso::SsoHome/>
                    <Route path=path!("/sso/setup/:step") view=pages::wizard::Wizard/>
                    <Route path=path!("/directory") view=pages::directory::home::DirectoryHome/>
                    <Route path=path!("/directory/setup/:step") view=pages::directory::wizard::DirectoryWizard/>
                    <Route path=path!("/domains") view=pages::domains::Domains/>
                    <Route path=path!("/theme") view=pages::theme_editor::ThemeEditor/>
                    <Route path=path!("/theme/preview") view=pages::theme_preview::ThemePreview/>
                </Routes>
            </components::shell::Shell>
        </Router>
        </div>
    }
}
