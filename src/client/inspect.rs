//! Instant metadata feedback: the `core` inspector running in a Web Worker (`src/bin/inspector.rs`,
//! its own wasm module), so the main client does not carry the XML and X.509 parsers.
//!
//! The worker is created the first time a document needs inspecting. If it cannot start, every
//! call answers `None` and the form falls back to the server's answer alone (the server is the
//! authority in any case).

use crate::core::metadata::{MetadataProblem, SsoService};
use serde::Deserialize;
use std::cell::RefCell;
use std::collections::VecDeque;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Where Trunk puts the worker's loader (`data-loader-shim`; worker files are not hashed).
const WORKER_URL: &str = "/inspector_loader.js";
/// How long the worker may take to load its module before we give up on it.
const START_TIMEOUT_MS: u32 = 20_000;

/// What the client shows from an inspection: the few fields of `core::metadata::IdpMetadata`
/// it needs (the rest of the reply, certificates' PEM included, is skipped while decoding).
#[derive(Debug, Clone, Deserialize)]
pub struct Summary {
    /// The IdP's entity ID.
    pub entity_id: String,
    /// Its human name, if the document has one.
    #[serde(default)]
    pub display_name: Option<String>,
    /// Sign-in addresses.
    #[serde(default)]
    pub sso_services: Vec<SsoService>,
    /// Signing certificates (only counted).
    #[serde(default)]
    pub signing_certificates: Vec<serde::de::IgnoredAny>,
    /// Non-fatal findings.
    #[serde(default)]
    pub warnings: Vec<MetadataProblem>,
}

impl Summary {
    /// The address users will be sent to: HTTP-Redirect when offered, else the first.
    pub fn sso_url(&self) -> Option<&str> {
        let redirect = self.sso_services.iter().find(|s| s.binding == "redirect");
        redirect
            .or(self.sso_services.first())
            .map(|s| s.url.as_str())
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum Reply {
    Ok(Summary),
    Error(MetadataProblem),
}

#[derive(Default)]
struct State {
    worker: Option<web_sys::Worker>,
    ready: bool,
    failed: bool,
    /// Messages posted before the worker's module was ready.
    waiting: VecDeque<JsValue>,
    /// Resolvers of the requests in flight; the worker answers in order.
    pending: VecDeque<js_sys::Function>,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
}

/// Gives up on the worker: logs why, and answers every waiting request with "no answer".
fn fail(why: &str) {
    leptos::logging::warn!(
        "metadata inspector worker unavailable ({why}); the server will check the document"
    );
    let pending = STATE.with(|s| {
        let mut s = s.borrow_mut();
        s.failed = true;
        s.waiting.clear();
        if let Some(w) = s.worker.take() {
            w.terminate();
        }
        std::mem::take(&mut s.pending)
    });
    for resolve in pending {
        let _ = resolve.call1(&JsValue::NULL, &JsValue::UNDEFINED);
    }
}

fn start() -> Option<web_sys::Worker> {
    let worker = match web_sys::Worker::new(WORKER_URL) {
        Ok(w) => w,
        Err(e) => {
            fail(&format!("{e:?}"));
            return None;
        }
    };
    let on_message = Closure::<dyn Fn(web_sys::MessageEvent)>::new(|ev: web_sys::MessageEvent| {
        let data = ev.data();
        if data.as_string().as_deref() == Some("ready") {
            let (worker, waiting) = STATE.with(|s| {
                let mut s = s.borrow_mut();
                s.ready = true;
                (s.worker.clone(), std::mem::take(&mut s.waiting))
            });
            if let Some(w) = worker {
                for msg in waiting {
                    let _ = w.post_message(&msg);
                }
            }
            return;
        }
        let resolve = STATE.with(|s| s.borrow_mut().pending.pop_front());
        if let Some(resolve) = resolve {
            let _ = resolve.call1(&JsValue::NULL, &data);
        }
    });
    let on_error = Closure::<dyn Fn(web_sys::Event)>::new(|_ev: web_sys::Event| {
        fail("it failed to load or crashed")
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_message.forget();
    on_error.forget();
    // Kept as a plain spawn (not an Action): a watchdog for the page-wide worker, which outlives
    // any component, so there is no owner to tie it to and nothing to mutate on the server.
    leptos::task::spawn_local(async {
        gloo_timers::future::TimeoutFuture::new(START_TIMEOUT_MS).await;
        let stuck = STATE.with(|s| {
            let s = s.borrow();
            !s.ready && !s.failed
        });
        if stuck {
            fail("it did not start in time");
        }
    });
    Some(worker)
}

/// Inspects a metadata document in the worker, judging certificates now. `entity` picks one
/// identity provider of an aggregate. `None` when the worker is unavailable.
pub async fn inspect(
    xml: String,
    entity: Option<String>,
) -> Option<Result<Summary, MetadataProblem>> {
    if STATE.with(|s| s.borrow().failed) {
        return None;
    }
    if STATE.with(|s| s.borrow().worker.is_none()) {
        let worker = start()?;
        STATE.with(|s| s.borrow_mut().worker = Some(worker));
    }
    let msg = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&msg, &"xml".into(), &JsValue::from_str(&xml));
    let _ = js_sys::Reflect::set(
        &msg,
        &"now".into(),
        &JsValue::from_f64((js_sys::Date::now() / 1000.0).floor()),
    );
    if let Some(e) = entity {
        let _ = js_sys::Reflect::set(&msg, &"entity".into(), &JsValue::from_str(&e));
    }
    let msg: JsValue = msg.into();
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        STATE.with(|s| {
            let mut s = s.borrow_mut();
            s.pending.push_back(resolve);
            match (&s.worker, s.ready) {
                (Some(w), true) => {
                    let _ = w.post_message(&msg);
                }
                _ => s.waiting.push_back(msg.clone()),
            }
        })
    });
    let answer = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .ok()?
        .as_string()?;
    match serde_json::from_str::<Reply>(&answer) {
        Ok(Reply::Ok(summary)) => Some(Ok(summary)),
        Ok(Reply::Error(problem)) => Some(Err(problem)),
        Err(e) => {
            leptos::logging::warn!("metadata inspector worker: unreadable answer ({e})");
            None
        }
    }
}
