//! The unsaved input of the "Your values" forms, kept on the server as a draft.

use crate::client::api;
use leptos::prelude::*;

/// Saves the admin's input so far on the server, so an ended session loses nothing: dispatch
/// the draft to it.
pub fn draft_saver(connection_id: String) -> Action<serde_json::Value, ()> {
    Action::new_local(move |draft: &serde_json::Value| {
        let (id, draft) = (connection_id.clone(), draft.clone());
        async move {
            // A failed draft save is not worth interrupting the admin for; the submit reports errors.
            let _ = api::save_draft(&id, draft).await;
        }
    })
}

/// A string field of the stored draft.
pub fn draft_str(draft: &serde_json::Value, key: &str) -> String {
    draft
        .get(key)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_owned()
}
