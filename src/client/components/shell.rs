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
    });
    let session = use_session();
    let org = move || session.info.with(|i| i.as_ref().map(|i| i.organization_name.clone()));
    let back = move || session.info.with(|i| i.as_ref().and_then(|i| i.return_url.clone()));
    view! { class=class,
        <header>
            <div class="bar">
                <div>
                    {move || match org() {
                        Some(name) => view! { class=class, <div class="org">{name}</div><div class="sub">"Single sign-on setup"</div> }.into_any(),
                        None => view! { class=class, <div class="org">"Single sign-on setup"</div> }.into_any(),
                    }}
                </div>
                {move || back().map(|url| view! { <a class="button" href=url>"Back to the app"</a> })}
            </div>
        </header>
        <SessionBanner/>
        <main id="main" class="page">{children()}</main>
    }
}
