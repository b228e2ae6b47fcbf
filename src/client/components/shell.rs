//! The frame around every screen: the organization's name, "Back to vendor", the session
//! warning, and the main landmark.

use crate::client::components::session_banner::SessionBanner;
use crate::client::session::use_session;
use crate::client::style::scoped;
use leptos::prelude::*;
use stylers_macro::style_str;

/// Wraps the routed page.
#[component]
pub fn Shell(children: Children) -> impl IntoView {
    let class = scoped(style_str! {
        header {
            background: var(--color-surface);
            border-bottom: var(--border-width) solid var(--color-border);
        }
        .bar {
            max-width: var(--content-width);
            margin: 0 auto;
            padding: var(--space-3) var(--space-4);
            display: flex;
            gap: var(--space-3);
            align-items: center;
            justify-content: space-between;
            flex-wrap: wrap;
        }
        .org {
            font-weight: 700;
        }
        .sub {
            color: var(--color-text-muted);
            font-size: var(--font-size-sm);
        }
        footer {
            max-width: var(--content-width);
            margin: 0 auto;
            padding: var(--space-4);
            display: flex;
            flex-wrap: wrap;
            gap: var(--space-3);
            color: var(--color-text-muted);
            font-size: var(--font-size-sm);
        }
        .tools {
            display: flex;
            gap: var(--space-2);
            align-items: center;
            flex-wrap: wrap;
        }
    });
    let session = use_session();
    let org = move || {
        session
            .info
            .with(|i| i.as_ref().map(|i| i.organization_name.clone()))
    };
    let back = move || {
        session
            .info
            .with(|i| i.as_ref().and_then(|i| i.return_url.clone()))
    };
    let embedded = crate::client::embed::use_connected();
    // The vendor's own names and links; the portal works the same without them.
    let fetched =
        LocalResource::new(|| async { crate::client::api::branding().await.unwrap_or_default() });
    let preview = use_context::<BrandingOverride>();
    let branding =
        Signal::derive(move || preview.and_then(|p| p.0.get()).or_else(|| fetched.get()));
    let product = move || branding.get().and_then(|b| b.display_name.clone());
    // What this link is for, named after its main intent: a `dsync` link is not an SSO setup.
    // Written out in both cases: a Unicode-aware capitalizer would bring its tables along.
    let task = move || {
        session.info.with(|i| {
            let has = |x| i.as_ref().is_some_and(|i| i.intents.contains(&x));
            use crate::api::vendor::Intent;
            if has(Intent::Sso) || i.is_none() {
                ("Single sign-on setup", "single sign-on setup")
            } else if has(Intent::Dsync) {
                ("Directory sync setup", "directory sync setup")
            } else if has(Intent::DomainVerification) {
                ("Domain verification", "domain verification")
            } else {
                ("Theme editor", "theme editor")
            }
        })
    };
    let subtitle = move || match product() {
        Some(p) => format!("{p}: {}", task().1),
        None => task().0.to_owned(),
    };
    view! { class=class,
        <header>
            <div class="bar">
                <div class="tools">
                    {move || branding.get().and_then(|b| b.logo_light_url.clone().map(|light| {
                        let dark = b.logo_dark_url.clone().unwrap_or_else(|| light.clone());
                        let alt = b.display_name.clone().unwrap_or_default();
                        view! {
                            <img class="logo logo-light" src=light alt=alt.clone()/>
                            <img class="logo logo-dark" src=dark alt=alt/>
                        }
                    }))}
                    <div>
                    {move || match org() {
                        Some(name) => view! { class=class, <div class="org">{name}</div><div class="sub" data-product>{subtitle()}</div> }.into_any(),
                        None => view! { class=class, <div class="org" data-product>{subtitle()}</div> }.into_any(),
                    }}
                    </div>
                </div>
                <div class="tools">
                    <ColorSchemeToggle/>
                    {move || match back() {
                        Some(url) => Some(view! { <a class="button" href=url.clone() on:click=crate::client::embed::close_on_click("back", Some(url)) data-back>"Back to the app"</a> }.into_any()),
                        // Embedded without a return URL, the parent still needs a way to close the portal.
                        None => (embedded.get() && session.info.with(Option::is_some)).then(|| view! {
                            <button type="button" class="button" on:click=move |_| { crate::client::embed::close("back", None); } data-back>"Done"</button>
                        }.into_any()),
                    }}
                </div>
            </div>
        </header>
        <SessionBanner/>
        <main id="main" class="page">{children()}</main>
        {move || branding.get().filter(|b| b.support_email.is_some() || b.support_url.is_some() || !b.footer_links.is_empty()).map(|b| view! { class=class,
            <footer data-branding-footer>
                {b.support_email.map(|e| view! { <span>"Need help? " <a href=format!("mailto:{e}")>{e.clone()}</a></span> })}
                {b.support_url.map(|u| view! { <a href=u>"Help center"</a> })}
                {b.footer_links.into_iter().map(|l| view! { <a href=l.url>{l.label}</a> }).collect_view()}
            </footer>
        })}
    }
}

/// Branding shown instead of the published one, while set: the theme editor's preview puts the
/// edited theme's names, logos and links here. Provided once, by the app.
#[derive(Debug, Clone, Copy)]
pub struct BrandingOverride(pub RwSignal<Option<crate::api::theme::Branding>>);

const SCHEME_KEY: &str = "portico.color-scheme";

fn root() -> Option<web_sys::Element> {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// The scheme in force: the admin's saved choice, else the system's.
fn current_scheme() -> &'static str {
    let saved = storage().and_then(|s| s.get_item(SCHEME_KEY).ok().flatten());
    match saved.as_deref() {
        Some("dark") => "dark",
        Some("light") => "light",
        _ => {
            let dark = web_sys::window()
                .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
                .is_some_and(|m| m.matches());
            if dark {
                "dark"
            } else {
                "light"
            }
        }
    }
}

/// Applies a saved light/dark choice to the page; the theme stylesheet reads `data-theme`.
pub fn apply_saved_scheme() {
    if let (Some(root), Some(saved)) = (
        root(),
        storage().and_then(|s| s.get_item(SCHEME_KEY).ok().flatten()),
    ) {
        let _ = root.set_attribute("data-theme", &saved);
    }
}

/// Switches between light and dark and remembers the choice in this browser.
#[component]
fn ColorSchemeToggle() -> impl IntoView {
    let scheme = RwSignal::new(current_scheme());
    let toggle = move |_| {
        let next = if scheme.get_untracked() == "dark" {
            "light"
        } else {
            "dark"
        };
        if let Some(root) = root() {
            let _ = root.set_attribute("data-theme", next);
        }
        if let Some(s) = storage() {
            let _ = s.set_item(SCHEME_KEY, next);
        }
        scheme.set(next);
    };
    view! {
        <button type="button" class="button" data-scheme-toggle aria-pressed=move || (scheme.get() == "dark").to_string() on:click=toggle>
            "Dark mode"
        </button>
    }
}
