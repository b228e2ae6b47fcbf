//! Events to the page that embeds the portal in an iframe, posted only to that page's origin
//! and only when it is one of the vendor's allowed origins (never to `*`).
//!
//! The parent's origin comes from the browser: `location.ancestorOrigins`, else the frame's
//! referrer, else the `portico.hello` message `/embed.js` posts (its `event.origin`). It must be
//! in the allowed list the server gives (`GET /portal/api/embedding`). Until it is known, events
//! wait; `portico.ready` always goes first. Not framed: nothing is sent, nothing is listened to.
//!
//! This module holds the state and the queue every screen uses; what talks to the parent is in
//! [`parent`], which the admin's module downloads only when framed (see [`start`]).

pub mod parent;

use crate::api::embed::EventData;
use crate::client::components::lazy::Loader;
use leptos::prelude::*;
use std::cell::RefCell;

#[derive(Default)]
struct State {
    /// Whether the portal is in a frame at all (decided by [`start`]).
    framed: bool,
    /// The origins the vendor allows, once fetched.
    allowed: Option<Vec<String>>,
    /// The parent's origin, once it is known to be allowed.
    parent: Option<String>,
    /// The organization for the envelope, once the session is known.
    organization_id: Option<String>,
    /// `portico.ready` was posted.
    ready: bool,
    /// The portal is ready (its session resolved); posted once the parent is known.
    ready_wanted: bool,
    /// Events waiting for `ready` or the parent's origin.
    pending: Vec<EventData>,
    /// The last height posted, so unchanged sizes are not repeated.
    last_height: u32,
    /// Mirrors [`connected`] for the views (see [`use_connected`]).
    connected_signal: Option<RwSignal<bool>>,
    /// Posts what can be posted, once [`parent::start`] runs (until then events only queue).
    flush: Option<fn()>,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
}

/// Whether the page is inside a frame.
pub fn framed() -> bool {
    STATE.with(|s| s.borrow().framed)
}

fn window_is_framed() -> bool {
    let Some(w) = web_sys::window() else {
        return false;
    };
    match w.parent() {
        Ok(Some(parent)) => !js_sys::Object::is(&parent, &w),
        // A parent we may not even look at is still a parent.
        _ => true,
    }
}

/// Whether events reach an allowed parent (so links that would leave the portal can be left to
/// the parent instead).
pub fn connected() -> bool {
    STATE.with(|s| s.borrow().parent.is_some())
}

/// Sends an event to the embedding page (queued until `ready`; dropped when not framed).
pub fn send(data: EventData) {
    let queued = STATE.with(|s| {
        let mut s = s.borrow_mut();
        if !s.framed {
            return false;
        }
        // Only the latest size and screen matter to a parent that is not listening yet.
        if matches!(
            data,
            EventData::Resize { .. } | EventData::StepChanged { .. }
        ) {
            let name = data.name();
            s.pending.retain(|e| e.name() != name);
        }
        s.pending.push(data);
        true
    });
    if queued {
        flush();
    }
}

/// Posts what can be posted now, once the parent's side has started.
fn flush() {
    if let Some(flush) = STATE.with(|s| s.borrow().flush) {
        flush();
    }
}

/// The portal knows its session (or that it has none): `portico.ready` can go.
pub fn ready() {
    STATE.with(|s| s.borrow_mut().ready_wanted = true);
    flush();
}

/// Records the organization for the events' envelope.
pub fn set_organization(id: &str) {
    STATE.with(|s| s.borrow_mut().organization_id = Some(id.to_owned()));
}

/// Reports an error the admin was shown.
pub fn error(code: &str, message: &str) {
    send(EventData::Error {
        code: code.to_owned(),
        message: message.to_owned(),
    });
}

/// Tells the parent the admin is done (`done`) or leaving (`back`); true when a parent got it,
/// so the link that was pressed need not navigate the frame.
pub fn close(reason: &str, url: Option<String>) -> bool {
    if !connected() {
        return false;
    }
    send(EventData::Closed {
        reason: reason.to_owned(),
        url,
    });
    true
}

/// Provides the signal behind [`use_connected`]; called once by the app.
pub fn provide_connected() {
    let sig = RwSignal::new(connected());
    STATE.with(|s| s.borrow_mut().connected_signal = Some(sig));
    provide_context(ConnectedCtx(sig));
}

#[derive(Clone, Copy)]
struct ConnectedCtx(RwSignal<bool>);

/// Whether an allowed parent receives the portal's events, as a signal (it becomes true once
/// the parent's origin is known).
pub fn use_connected() -> Signal<bool> {
    match use_context::<ConnectedCtx>() {
        Some(c) => c.0.into(),
        None => Signal::derive(|| false),
    }
}

/// A click handler for links that leave the portal ("Back to the app", "Finish and return"):
/// tells the parent, and keeps the frame from loading the vendor's own app inside itself.
pub fn close_on_click(
    reason: &'static str,
    url: Option<String>,
) -> impl Fn(leptos::ev::MouseEvent) + 'static {
    move |ev| {
        if close(reason, url.clone()) && url.is_some() {
            ev.prevent_default();
        }
    }
}

/// How the app gets [`parent::start`]: the admin's from a chunk, the designer's directly.
pub type ParentLoader = Loader<fn()>;

/// How many times a failed download of the parent's side is tried again, and how long apart
/// (milliseconds): a dropped connection often comes back within seconds.
const PARENT_RETRIES: u32 = 3;
const PARENT_RETRY_MS: u32 = 2_000;

/// Decides whether the portal is framed and, if so, loads and starts [`parent`]. Called once,
/// at start. Events sent meanwhile wait in the queue.
pub fn start(load: ParentLoader) {
    if !window_is_framed() {
        return;
    }
    STATE.with(|s| s.borrow_mut().framed = true);
    // Runs before the app is mounted (and Leptos's executor with it): spawn on the browser's.
    wasm_bindgen_futures::spawn_local(async move {
        for attempt in 0..=PARENT_RETRIES {
            if attempt > 0 {
                gloo_timers::future::TimeoutFuture::new(PARENT_RETRY_MS).await;
            }
            if let Ok(start) = load().await {
                start();
                return;
            }
        }
    });
}
