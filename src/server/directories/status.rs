//! What the portal's "waiting for the first request" step shows (`GET
//! /portal/api/directories/{id}/status`): the directory, when its IdP first reached it, and the
//! latest lines of its sync log, each failure explained in words an IT admin can act on.
//!
//! The explanations are one table, [`explain`], keyed by the HTTP status and the SCIM error
//! type the IdP was answered with: the admin reads what to change in the IdP, not RFC 7644.

use super::DirectoryRow;
use crate::api::directory::{DirectoryStatus, SyncLogEntry};
use crate::api::time::Timestamp;
use crate::server::error::Error;
use crate::server::store::DirectoryRequestRow;
use crate::server::AppState;

/// Sync-log lines the status shows, newest first.
pub const RECENT: i64 = 20;

/// What went wrong and what to do, for a request answered with `status` and `scim_type` (RFC
/// 7644's `scimType`, as sent); `None` for a success.
pub fn explain(status: u16, scim_type: Option<&str>) -> Option<&'static str> {
    if status < 400 {
        return None;
    }
    Some(match (status, scim_type.unwrap_or("")) {
        (401, _) => {
            "Your identity provider sent a token this directory does not accept: copy the \
             current token into its settings (a token stops working a day after a new one is \
             generated)."
        }
        (403, _) => {
            "This directory refused the request because it is switched off; ask the app's \
             support to turn directory sync back on."
        }
        (404, _) => {
            "Your identity provider asked for a user or group this directory does not have \
             (removed here, or never created): it normally creates it again on its next cycle; \
             if this keeps failing, restart provisioning in its settings."
        }
        (409, "uniqueness") => {
            "A user with this username already exists here; check that the same person is not \
             assigned twice or under two usernames."
        }
        (409, _) => {
            "Two changes to the same user or group crossed; your identity provider retries on \
             its own, nothing to do unless it keeps happening."
        }
        (413, _) => {
            "A request was too large, usually a group with very many members sent in one go; \
             if your identity provider can send group memberships in batches, turn that on."
        }
        (429, _) => {
            "Your identity provider sent requests faster than this directory accepts; it slows \
             down and retries on its own, nothing to do unless it keeps happening."
        }
        (_, "invalidFilter") => {
            "Your identity provider looked a user or group up with a search this directory does \
             not understand; check that the attribute it matches users on is userName, \
             externalId or email."
        }
        (_, "invalidSyntax") => {
            "Your identity provider sent a request that is not valid SCIM (broken JSON or a \
             missing part); check any custom attribute mappings or expressions in its \
             provisioning settings."
        }
        (_, "invalidValue") => {
            "A value was missing or not acceptable (for example a user without a username, or a \
             group member that is not a user here); check the attribute mappings in your \
             identity provider, and that group members are assigned to the app too."
        }
        (_, "invalidPath") => {
            "Your identity provider tried to change an attribute this directory does not know; \
             check the attribute names in its provisioning mappings."
        }
        (_, "noTarget") => {
            "Your identity provider tried to change or remove something that is not there (for \
             example a member already removed); this usually settles on its next sync."
        }
        (_, "mutability") => {
            "Your identity provider tried to change a value that cannot change, such as a \
             user's id; remove that attribute from its provisioning mappings."
        }
        (_, "tooMany") => {
            "A search matched more users or groups than one answer holds; your identity \
             provider should page through them, so check its provisioning settings."
        }
        (_, "invalidVers") => {
            "Your identity provider wrote to a user or group that changed since it last read it; \
             it retries on its own."
        }
        (_, "sensitive") => {
            "Your identity provider put private information in the address of a request; \
             contact its support."
        }
        (s, _) if s >= 500 => {
            "Something went wrong on our side; your identity provider retries on its own. If \
             it keeps happening, contact the app's support."
        }
        _ => {
            "Your identity provider sent a request this directory could not accept; the details \
             say what was wrong, so check its provisioning settings."
        }
    })
}

/// A sync-log line as the admin sees it: the explanation, then our own detail of the error
/// (never a body or a token: the log stores neither).
pub fn entry(row: &DirectoryRequestRow) -> SyncLogEntry {
    let status = u16::try_from(row.status).unwrap_or(500);
    let explanation = explain(status, row.scim_type.as_deref()).map(|text| {
        match row
            .detail
            .as_deref()
            .filter(|d| !d.is_empty() && status != 401 && status < 500)
        {
            Some(d) => format!("{text} Details: {d}"),
            None => text.to_owned(),
        }
    });
    SyncLogEntry {
        at: Timestamp::from_unix(row.at),
        method: row.method.clone(),
        resource_type: row.resource_type.clone(),
        summary: row.summary.clone(),
        status,
        explanation,
    }
}

/// The directory's status for the portal: its view, its first request, its newest log lines.
pub async fn status(state: &AppState, dir: &DirectoryRow) -> Result<DirectoryStatus, Error> {
    let recent = state.store.directory_requests(&dir.id, RECENT).await?;
    Ok(DirectoryStatus {
        directory: super::view(state, dir).await?,
        first_request_at: dir.first_request_at.map(Timestamp::from_unix),
        recent: recent.iter().map(entry).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(status: i64, scim_type: Option<&str>, detail: Option<&str>) -> DirectoryRequestRow {
        DirectoryRequestRow {
            directory_id: "dir_1".into(),
            at: 0,
            method: "POST".into(),
            resource_type: "Users".into(),
            resource_id: None,
            summary: "could not create a user".into(),
            status,
            scim_type: scim_type.map(str::to_owned),
            detail: detail.map(str::to_owned),
        }
    }

    #[test]
    fn every_failure_has_its_own_words_and_successes_none() {
        assert_eq!(explain(200, None), None);
        assert_eq!(explain(204, None), None);
        assert!(explain(401, None).is_some_and(|t| t.contains("copy the current token")));
        assert!(
            explain(409, Some("uniqueness")).is_some_and(|t| t.contains("username already exists"))
        );
        let cases: &[(u16, Option<&str>)] = &[
            (400, Some("invalidFilter")),
            (400, Some("invalidSyntax")),
            (400, Some("invalidValue")),
            (400, Some("invalidPath")),
            (400, Some("noTarget")),
            (400, Some("mutability")),
            (400, Some("tooMany")),
            (401, None),
            (403, None),
            (404, None),
            (409, Some("uniqueness")),
            (409, None),
            (413, None),
            (429, None),
            (500, None),
            (400, None),
        ];
        let mut seen = std::collections::BTreeSet::new();
        for (status, t) in cases {
            let text = explain(*status, *t).unwrap_or_default();
            assert!(text.len() > 40, "{status} {t:?}: {text}");
            assert!(seen.insert(text), "{status} {t:?} shares its words: {text}");
        }
        // A 503 is ours like a 500; a 400 of an unknown type still gets the generic sentence.
        assert_eq!(explain(503, None), explain(500, None));
        assert_eq!(explain(400, Some("weird")), explain(400, None));
    }

    #[test]
    fn an_entry_adds_our_detail_to_client_errors_only() {
        let e = entry(&row(
            400,
            Some("invalidValue"),
            Some("userName is required."),
        ));
        let text = e.explanation.unwrap_or_default();
        assert!(text.starts_with("A value was missing"), "{text}");
        assert!(text.ends_with("Details: userName is required."), "{text}");
        let e = entry(&row(500, None, Some("Something went wrong on our side.")));
        assert!(!e.explanation.unwrap_or_default().contains("Details"));
        let e = entry(&row(201, None, None));
        assert_eq!(e.explanation, None);
        assert_eq!(e.status, 201);
    }
}
