//! Events to the page that embeds the portal in an iframe, posted only to that page's origin
//! and only when it is one of the vendor's allowed origins (never to `*`).
//!
//! The parent's origin comes from the browser: `location.ancestorOrigins`, else the frame's
//! referrer, else the `portico.hello` message `/embed.js` posts (its `event.origin`). It must be
//! in the allowed list the server gives (`GET /portal/api/embedding`). Until it is known, events
//! wait; `portico.ready` always goes first. Not framed: nothing is sent, nothing is listened to.

use crate::api::embed::{EmbedEvent, EventData};
use crate::client::api;
use leptos::prelude::*;
use std::cell::RefCell;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

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

fn post(origin: &str, organization_id: Option<String>, data: EventData) {
    let Ok(json) = serde_json::to_string(&EmbedEvent::new(organization_id, data)) else {
        return;
    };
    let Ok(value) = js_sys::JSON::parse(&json) else {
        return;
    };
    if let Some(parent) = web_sys::window().and_then(|w| w.parent().ok().flatten()) {
        let _ = parent.post_message(&value, origin);
    }
}

/// Posts what can be posted now: `ready` first, then the waiting events in order.
fn flush() {
    let (origin, org, events) = STATE.with(|s| {
        let mut s = s.borrow_mut();
        let Some(origin) = s.parent.clone() else {
            return (None, None, Vec::new());
        };
        if !s.ready_wanted {
            return (None, None, Vec::new());
        }
        let mut events = Vec::new();
        if !s.ready {
            s.ready = true;
            events.push(EventData::Ready {});
        }
        events.append(&mut s.pending);
        (Some(origin), s.organization_id.clone(), events)
    });
    if let Some(origin) = origin {
        for e in events {
            post(&origin, org.clone(), e);
        }
    }
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

/// Accepts `origin` as the parent's if the vendor allows it.
fn accept_parent(candidate: &str) {
    let accepted = STATE.with(|s| {
        let mut s = s.borrow_mut();
        if s.parent.is_some() {
            return false;
        }
        let found = s
            .allowed
            .as_deref()
            .and_then(|list| crate::core::embed::allowed_match(candidate, list).map(str::to_owned));
        s.parent = found;
        s.parent.is_some()
    });
    if accepted {
        if let Some(sig) = STATE.with(|s| s.borrow().connected_signal) {
            sig.set(true);
        }
        flush();
    }
}

/// What the browser says about the parent without asking it.
fn parent_candidates() -> Vec<String> {
    let mut out = Vec::new();
    let Some(w) = web_sys::window() else {
        return out;
    };
    // Chromium and Safari only (web-sys does not bind it): the immediate parent comes first.
    let first = js_sys::Reflect::get(&w.location(), &"ancestorOrigins".into())
        .ok()
        .filter(|list| !list.is_undefined())
        .and_then(|list| js_sys::Reflect::get(&list, &0.into()).ok())
        .and_then(|o| o.as_string());
    if let Some(first) = first {
        out.push(first);
    }
    if let Some(referrer) = w.document().map(|d| d.referrer()).filter(|r| !r.is_empty()) {
        out.push(referrer);
    }
    out
}

/// Decides whether the portal is framed and, if so, learns its parent, listens for
/// `portico.hello`, and reports the content's height. Called once, at start.
pub fn start() {
    if !window_is_framed() {
        return;
    }
    STATE.with(|s| s.borrow_mut().framed = true);
    let Some(w) = web_sys::window() else { return };

    // `/embed.js` says hello after each load: its origin, set by the browser, is the parent's.
    let on_message =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            let from_parent = match (
                e.source(),
                web_sys::window().and_then(|w| w.parent().ok().flatten()),
            ) {
                (Some(src), Some(parent)) => js_sys::Object::is(&src, &parent),
                _ => false,
            };
            let is_hello = js_sys::Reflect::get(&e.data(), &"type".into())
                .ok()
                .and_then(|t| t.as_string())
                .as_deref()
                == Some("portico.hello");
            if from_parent && is_hello {
                accept_parent(&e.origin());
            }
        });
    let _ = w.add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref());
    // Lives as long as the page.
    on_message.forget();

    // Runs before the app is mounted (and Leptos's executor with it): spawn on the browser's.
    // Kept as a plain spawn (not an Action): it reads a setting, mutates nothing on the server,
    // and there is no reactive owner yet to own an Action or cancel it.
    wasm_bindgen_futures::spawn_local(async move {
        // Without the list nothing may be sent: an unknown parent gets nothing.
        let allowed = api::embedding()
            .await
            .map(|e| e.allowed_origins)
            .unwrap_or_default();
        STATE.with(|s| s.borrow_mut().allowed = Some(allowed));
        for c in parent_candidates() {
            accept_parent(&c);
        }
    });

    watch_height();
}

/// Posts `portico.resize` whenever the portal's content changes height.
fn watch_height() {
    let measure = || {
        let doc = web_sys::window().and_then(|w| w.document());
        // The app's root, not <body>: the body is at least as tall as the frame, so it could
        // grow but never shrink.
        let root = doc
            .as_ref()
            .and_then(|d| d.get_element_by_id(crate::core::theme::ROOT_ID));
        let Some(root) = root else { return };
        let height = root.get_bounding_client_rect().height().ceil().max(0.0) as u32;
        let changed = STATE.with(|s| {
            let mut s = s.borrow_mut();
            let changed = s.last_height != height && height > 0;
            s.last_height = height;
            changed
        });
        if changed {
            send(EventData::Resize { height });
        }
    };
    let callback = Closure::<dyn Fn()>::new(measure);
    let observer = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref());
    callback.forget();
    let Ok(observer) = observer else { return };
    // The root exists once the app is mounted; observe it on the next frame.
    let observe = Closure::once_into_js(move || {
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(crate::core::theme::ROOT_ID))
        {
            observer.observe(&root);
        }
    });
    if let Some(w) = web_sys::window() {
        let _ = w.request_animation_frame(observe.unchecked_ref());
    }
}
