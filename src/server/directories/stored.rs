//! What a directory keeps of the documents an IdP sends: the document without what is ours or
//! derived, bounded in size, and the case-folded keys that uniqueness and lookups use.

use crate::core::scim::resource::MAX_DOCUMENT_BYTES;
use crate::core::scim::ScimError;
use serde_json::Value;

/// Case-folds a `userName`, email or `displayName` for uniqueness and lookups.
pub fn fold(s: &str) -> String {
    s.to_lowercase()
}

/// A document as stored, as JSON: `413` if it is larger than
/// [`crate::core::scim::resource::MAX_DOCUMENT_BYTES`], checked before the document is read
/// any further. `kind` is `user` or `group`.
pub fn stored_json(body: &Value, not_stored: &[&str], kind: &str) -> Result<String, ScimError> {
    let json = serde_json::to_string(&stored_doc(body, not_stored)).map_err(|_| {
        ScimError::bad_request(
            crate::api::scim::ScimType::InvalidSyntax,
            format!("The {kind} could not be stored."),
        )
    })?;
    if json.len() > MAX_DOCUMENT_BYTES {
        return Err(ScimError {
            status: 413,
            scim_type: None,
            detail: format!(
                "The {kind} is {} KiB of JSON{}; at most {} KiB is kept per {kind}.",
                json.len().div_ceil(1024),
                if kind == "group" {
                    " besides its members"
                } else {
                    ""
                },
                MAX_DOCUMENT_BYTES / 1024
            ),
        });
    }
    Ok(json)
}

/// A document as stored: the IdP's, without the attributes in `not_stored` (ours, derived, or
/// never kept), whether named bare or qualified by the core schema's URN.
pub fn stored_doc(body: &Value, not_stored: &[&str]) -> Value {
    let mut doc = body.clone();
    if let Some(obj) = doc.as_object_mut() {
        obj.retain(|k, _| {
            let core = !k.contains(':')
                || k.to_ascii_lowercase()
                    .starts_with("urn:ietf:params:scim:schemas:core:");
            let name = if core {
                k.rsplit(':').next().unwrap_or(k)
            } else {
                k
            };
            !not_stored.iter().any(|n| n.eq_ignore_ascii_case(name))
        });
    }
    doc
}
