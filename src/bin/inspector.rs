//! The metadata inspector as a Web Worker: its own small wasm module, built by Trunk
//! (`data-type="worker"` in index.html) and started by `client::inspect` only when the admin
//! gives the SAML details step a document, so the main client does not carry the XML and
//! X.509 parsers.
//!
//! Protocol: the page posts `{ xml: string | Uint8Array, now: unix seconds, entity?: string }`;
//! the worker first posts the string `ready`, then answers each message, in order, with a JSON
//! string, `{ "ok": IdpMetadata }` or `{ "error": MetadataProblem }`.

#[cfg(target_arch = "wasm32")]
fn main() {
    use js_sys::{Reflect, Uint8Array};
    use portico::core::metadata::{inspect_idp_metadata_bytes, MetadataProblem};
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_to = scope.clone();
    let on_message =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            let data = ev.data();
            let get = |key: &str| {
                Reflect::get(&data, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
            };
            let xml = get("xml");
            let bytes = match xml.as_string() {
                Some(s) => s.into_bytes(),
                None if xml.is_instance_of::<Uint8Array>() => {
                    xml.unchecked_into::<Uint8Array>().to_vec()
                }
                None => Vec::new(),
            };
            let now = get("now").as_f64().unwrap_or(0.0) as i64;
            let entity = get("entity").as_string();
            let reply = match inspect_idp_metadata_bytes(&bytes, now, entity.as_deref()) {
                Ok(meta) => serde_json::json!({ "ok": meta }),
                Err(problem) => serde_json::json!({ "error": problem }),
            };
            let text = serde_json::to_string(&reply).unwrap_or_else(|_| {
                let p =
                    MetadataProblem::new("internal", "The document could not be inspected here.");
                serde_json::json!({ "error": p }).to_string()
            });
            let _ = reply_to.post_message(&JsValue::from_str(&text));
        });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    // Messages that arrive before this point would be lost: the page waits for this one.
    let _ = scope.post_message(&JsValue::from_str("ready"));
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the inspector worker is built for the browser by Trunk (index.html)");
}
