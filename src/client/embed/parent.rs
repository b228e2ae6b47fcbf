//! Talking to the page that embeds the portal, once it is known to be framed: finding the
//! parent's origin, posting the queued events to it, reporting the content's height. For the
//! admin this is a chunk (`client::chunks::embed`), as most setups are never framed.

use super::{State, STATE};
use crate::api::embed::{EmbedEvent, EventData};
use crate::client::api;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

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
        take_postable(&mut s)
    });
    if let Some(origin) = origin {
        for e in events {
            post(&origin, org.clone(), e);
        }
    }
}

/// The parent's origin, the organization and the events to post now (none until the parent
/// is known and the portal is ready).
fn take_postable(s: &mut State) -> (Option<String>, Option<String>, Vec<EventData>) {
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
            use leptos::prelude::Set;
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

/// Learns the parent, listens for `portico.hello`, reports the content's height, and posts
/// whatever was queued meanwhile. Called once, when the portal is framed.
pub fn start() {
    let Some(w) = web_sys::window() else { return };
    STATE.with(|s| s.borrow_mut().flush = Some(flush));

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

    // May run before the app is mounted (and Leptos's executor with it): spawn on the
    // browser's. Kept as a plain spawn (not an Action): it reads a setting, mutates nothing on
    // the server, and there may be no reactive owner yet to own an Action or cancel it.
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
            super::send(EventData::Resize { height });
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
