//! The browser app: router, session context, pages and components.
//!
//! Two wasm modules share this code, one per audience, so each downloads only its own screens:
//! the admin's ([`mount`], `src/main.rs`) and the designer's theme editor with its preview
//! ([`mount_designer`], `src/bin/designer.rs`). The page's loader (`pattern_script` in
//! Trunk.toml) starts the module that serves the address; a router that meets an address of
//! the other module loads the page afresh ([`Elsewhere`]).

pub mod api;
pub mod chunks;
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
use leptos_router::hooks::use_location;
use leptos_router::path;

/// Mounts the admin's app on `<body>`.
pub fn mount() {
    // Most setups are not framed: talking to a parent page is a chunk.
    start(|| Box::pin(chunks::embed()));
    leptos::mount::mount_to_body(App);
}

/// Mounts the designer's app (the theme editor and its preview) on `<body>`.
pub fn mount_designer() {
    // The designer's module is not cut into chunks.
    start(|| Box::pin(std::future::ready(Ok(embed::parent::start as fn()))));
    leptos::mount::mount_to_body(DesignerApp);
}

fn start(embed: embed::ParentLoader) {
    console_error_panic_hook::set_once();
    components::shell::apply_saved_scheme();
    embed::start(embed);
}

/// The admin's portal: every screen is a route, so reload and back/forward work.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <Frame>
            <Routes fallback=|| view! { <Elsewhere designer=false/> }>
                <Route path=path!("/") view=|| lazy(|| Box::pin(chunks::home()))/>
                <Route path=path!("/setup") view=pages::setup::Setup/>
                <Route path=path!("/sso") view=pages::sso::SsoHome/>
                <Route path=path!("/sso/setup/:step") view=pages::wizard::Wizard/>
                <Route path=path!("/directory") view=pages::directory::home::DirectoryHome/>
                <Route path=path!("/directory/setup/:step") view=|| lazy(|| Box::pin(chunks::directory_wizard()))/>
                <Route path=path!("/domains") view=|| {
                    provide_context(pages::domains::CardsLoader(|| Box::pin(chunks::domain_cards())));
                    lazy(|| Box::pin(chunks::domains()))
                }/>
            </Routes>
        </Frame>
    }
}

/// A route whose screen is in a chunk.
fn lazy(load: components::lazy::Loader<chunks::Screen>) -> impl IntoView {
    view! { <components::lazy::Lazy load view=|screen: chunks::Screen| screen()/> }
}

/// The designer's portal: the theme editor and the sample screens of its preview.
#[component]
pub fn DesignerApp() -> impl IntoView {
    view! {
        <Frame>
            <Routes fallback=|| view! { <Elsewhere designer=true/> }>
                <Route path=path!("/theme") view=pages::theme_editor::ThemeEditor/>
                <Route path=path!("/theme/setup") view=pages::setup::Setup/>
                <Route path=path!("/theme/preview") view=pages::theme_preview::ThemePreview/>
            </Routes>
        </Frame>
    }
}

/// What both apps put around their routes: session, embedding, branding and the shell.
#[component]
fn Frame(children: Children) -> impl IntoView {
    session::provide_session();
    embed::provide_connected();
    provide_context(components::shell::BrandingOverride(RwSignal::new(None)));
    // The vendor's custom CSS is scoped under this element (see core::theme::ROOT_ID).
    view! {
        <div id=crate::core::theme::ROOT_ID>
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <components::embed_events::EmbedEvents/>
            <components::shell::Shell>{children()}</components::shell::Shell>
        </Router>
        </div>
    }
}

/// A router's fallback. An address the other module serves (a session landing on `/theme`
/// from `/setup`, a link out of the theme editor) is loaded afresh, so the page's loader
/// starts the module that has it; any other address is not found.
#[component]
fn Elsewhere(
    /// Whether this router is the designer's.
    designer: bool,
) -> impl IntoView {
    let path = use_location().pathname.get_untracked();
    if routes::is_designer(&path) == designer {
        return view! { <pages::not_found::NotFound/> }.into_any();
    }
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
    view! { <p class="muted" role="status">"Loading…"</p> }.into_any()
}
