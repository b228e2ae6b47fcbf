//! The session context: who the admin is setting up, and whether the session is still alive.

use crate::api::portal::SessionInfo;
use crate::client::api;
use crate::client::routes;
use leptos::prelude::*;

/// Shared session state; provided once by the app.
#[derive(Clone, Copy)]
pub struct SessionCtx {
    /// The live session, once known.
    pub info: RwSignal<Option<SessionInfo>>,
    /// Set when the server said the session ended.
    pub lost: RwSignal<bool>,
    /// Local clock minus server clock, in seconds, to time the expiry warning.
    pub offset: RwSignal<i64>,
}

impl SessionCtx {
    /// Records a session the server returned.
    pub fn set(&self, info: SessionInfo) {
        api::set_csrf(&info.csrf_token);
        crate::client::embed::set_organization(&info.organization_id);
        self.offset.set(now_secs() - info.server_now.unix());
        self.lost.set(false);
        if let Some(url) = &info.theme_url {
            use_theme(url);
        }
        self.info.set(Some(info));
    }

    /// Counts a connection this admin created, so the overview lists it (the session's count
    /// is as of when it was loaded).
    pub fn connection_created(&self) {
        self.info.update(|i| {
            if let Some(i) = i {
                i.connections = i.connections.map(|n| n.saturating_add(1));
            }
        });
    }

    /// Counts a directory this admin created, as [`Self::connection_created`] does.
    pub fn directory_created(&self) {
        self.info.update(|i| {
            if let Some(i) = i {
                i.directories = i.directories.map(|n| n.saturating_add(1));
            }
        });
    }

    /// Seconds until the session ends (idle or absolute), by the server's clock.
    pub fn remaining(&self, local_now: i64) -> Option<i64> {
        self.info.with(|i| {
            i.as_ref().map(|i| {
                i.idle_expires_at.min(i.expires_at).unix()
                    - (local_now - self.offset.get_untracked())
            })
        })
    }
}

/// Where a session starts: its connections when it may set up SSO (which then offers directory
/// sync too), its directory when it may set up directory sync but not SSO, its domains when it
/// may only verify domains, the theme editor for a designer's link.
pub fn landing(info: &SessionInfo) -> &'static str {
    use crate::api::vendor::Intent;
    if info.intents.contains(&Intent::Sso) {
        routes::SSO
    } else if info.intents.contains(&Intent::Dsync) {
        routes::DIRECTORY
    } else if info.intents.contains(&Intent::DomainVerification) {
        routes::DOMAINS
    } else if info.intents.contains(&Intent::Theme) {
        routes::THEME
    } else {
        routes::HOME
    }
}

/// Points the page's theme link at `url` (the organization's theme, when the page was served
/// with the environment's before the session existed). Only CSS variables change: no reload.
fn use_theme(url: &str) {
    let link = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("link[data-portico-theme]").ok().flatten());
    if let Some(link) = link {
        if link.get_attribute("href").as_deref() != Some(url) {
            let _ = link.set_attribute("href", url);
        }
    }
}

/// Seconds since the epoch by the browser's clock.
pub fn now_secs() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// Provides the session context to the app.
pub fn provide_session() {
    let ctx = SessionCtx {
        info: RwSignal::new(None),
        lost: RwSignal::new(false),
        offset: RwSignal::new(0),
    };
    api::on_session_lost(move || ctx.lost.set(true));
    provide_context(ctx);
}

/// The session context.
pub fn use_session() -> SessionCtx {
    expect_context::<SessionCtx>()
}
