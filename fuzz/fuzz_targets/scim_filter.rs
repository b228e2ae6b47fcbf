//! Fuzzes the SCIM service provider's input readers: any bytes in, a value or a `ScimError` out,
//! never a panic, an abort or a runaway. Run with `cargo +nightly fuzz run scim_filter` (see
//! .ci/test).
//!
//! The bytes are read as a filter, a PATCH path and an `attributes` list (matched and projected
//! against fixed resources), and, when they are JSON, as a PATCH body applied to a User and a
//! Group and as User and Group documents.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portico::api::scim::PatchRequest;
use portico::core::scim::filter::{Filter, MAX_FILTER_LEN};
use portico::core::scim::patch::apply_patch;
use portico::core::scim::path::AttrPath;
use portico::core::scim::projection::Projection;
use portico::core::scim::resource::{parse_group, parse_user};
use serde_json::{json, Value};

fn user() -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
        "id": "u-1",
        "externalId": "Ext-1",
        "userName": "ada@example.com",
        "active": true,
        "name": {"givenName": "Ada", "familyName": "Lovelace"},
        "emails": [{"value": "ada@example.com", "type": "work", "primary": true}, {"value": "a@home"}],
        "meta": {"version": "W/\"1\""},
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"manager": {"value": "m-1"}}
    })
}

fn group() -> Value {
    json!({"id": "g-1", "displayName": "Eng", "members": [{"value": "u-1"}, {"value": "u-2"}]})
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (user, group) = (user(), group());

    match Filter::parse(&text) {
        Ok(f) => {
            assert!(text.len() <= MAX_FILTER_LEN);
            let _ = f.matches(&user);
            let _ = f.matches(&group);
            let _ = f.as_simple_eq();
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
    if let Ok(path) = AttrPath::parse(&text) {
        let _ = path.is_case_exact();
    }
    if let Ok(p) = Projection::parse(Some(&text), None) {
        assert_eq!(p.apply(&user)["id"], "u-1");
    }
    if let Ok(p) = Projection::parse(None, Some(&text)) {
        assert_eq!(p.apply(&user)["id"], "u-1");
    }

    let Ok(value) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let _ = parse_user(&value);
    let _ = parse_group(&value);
    if let Ok(req) = serde_json::from_value::<PatchRequest>(value) {
        for doc in [&user, &group] {
            match apply_patch(doc, &req.operations) {
                Ok(out) => {
                    assert!(out.is_object());
                    // id is read-only whatever the operations were.
                    assert_eq!(out["id"], doc["id"]);
                    let _ = parse_user(&out);
                    let _ = parse_group(&out);
                }
                Err(e) => assert!(e.status == 400 || e.status == 413, "{e}"),
            }
        }
    }
});
