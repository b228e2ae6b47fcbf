//! Production sign-ins: the vendor app's users coming through a connection (see
//! [`server::go_live`](crate::server::go_live)). They run on the test sign-in's machinery (the same
//! request, checks and mapping) and differ at both ends: they start from the app's request and
//! end back at the app, with a code or an error, keeping only the profile id in the log.

use super::{
    begin, custom_attributes, mapping_of, organization, sp, Received, StoredResult, HISTORY_LIMIT,
};
use crate::api::sso::SignInError;
use crate::api::test_sign_in::{FailureCode, Rejection};
use crate::core::{diagnosis, mapping};
use crate::server::crypto;
use crate::server::error::Error;
use crate::server::go_live::LoginRequest;
use crate::server::store::{ConnectionRow, TestRow};
use crate::server::AppState;

/// The app's request a production attempt carries (`None` for a test).
pub(super) fn login_of(test: &TestRow) -> Option<LoginRequest> {
    test.login
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
}

/// Starts a production sign-in for the vendor's app: records it and says where to send the
/// browser (the IdP, or straight back to the app when the provider cannot be reached).
pub async fn start_login(
    state: &AppState,
    row: &ConnectionRow,
    login: LoginRequest,
) -> Result<String, Error> {
    let mut attempt = TestRow::pending(
        crypto::id("test_"),
        &row.id,
        &row.protocol,
        state.clock.now(),
    );
    attempt.login = Some(serde_json::to_string(&login).map_err(Error::internal)?);
    begin(state, row, attempt).await
}

/// The app's request for an IdP-initiated sign-in: its default redirect URI, no state.
pub(super) async fn idp_initiated_login(
    state: &AppState,
    row: &ConnectionRow,
) -> Result<Option<LoginRequest>, Error> {
    let org = organization(state, row).await?;
    let uris = state.store.list_redirect_uris(&org.environment_id).await?;
    Ok(uris
        .into_iter()
        .find(|u| u.is_default)
        .map(|u| LoginRequest {
            client_id: crate::server::go_live::client_id(&org.environment_id),
            redirect_uri: u.uri,
            state: None,
            code_challenge: None,
        }))
}

/// A production sign-in's end: the same mapping and domain policy as a test (stricter: with no
/// verified domain, nobody from outside is let in), then a code for the app or an error. Of the
/// person only the profile id is kept in the log; the profile waits with the code.
pub(super) async fn finish(
    state: &AppState,
    row: &ConnectionRow,
    mut attempt: TestRow,
    received: Result<Received, Rejection>,
    login: LoginRequest,
) -> Result<String, Error> {
    use crate::server::go_live;
    let now = state.clock.now();
    let org = organization(state, row).await?;
    let outcome: Result<go_live::Grant, Rejection> = match received {
        Err(r) => Err(r),
        Ok(r) => {
            let custom = custom_attributes(state, &org.environment_id).await?;
            let verified = crate::server::domains::verified(state, &org.id).await?;
            let policy: &[String] = if org.allow_profiles_outside_organization {
                &[]
            } else {
                &verified
            };
            let n =
                mapping::normalize(&r.subject, &r.attributes, &mapping_of(row), &custom, policy);
            let unverified = !org.allow_profiles_outside_organization && verified.is_empty();
            match (n.rejection, unverified) {
                (Some(rejection), _) => Err(rejection),
                (None, true) => Err(Rejection::new(FailureCode::EmailOutsideDomains)
                    .fact(
                        "email",
                        "Email",
                        n.profile.email.clone().unwrap_or_default(),
                    )
                    .fact("verified_domains", "Verified domains", "none yet")),
                (None, false) => {
                    let p = n.profile;
                    let mut raw = std::collections::BTreeMap::new();
                    for a in &r.attributes {
                        raw.entry(a.name.clone())
                            .or_insert_with(Vec::new)
                            .extend(a.values.iter().cloned());
                    }
                    Ok(go_live::Grant {
                        profile: crate::api::sso::SsoProfile {
                            id: go_live::profile_id(&row.id, &p.idp_id),
                            idp_id: p.idp_id,
                            email: p.email,
                            first_name: p.first_name,
                            last_name: p.last_name,
                            groups: p.groups,
                            custom_attributes: p.custom_attributes,
                            raw_attributes: raw,
                            organization_id: org.id.clone(),
                            connection_id: row.id.clone(),
                            connection_type: row.protocol(),
                            // Filled when the code is redeemed, so the app reads the
                            // directory as it is then.
                            directory_user_id: None,
                            directory_user_state: None,
                            directory_groups: Vec::new(),
                            role: None,
                        },
                        idp_initiated: attempt.idp_initiated,
                    })
                }
            }
        }
    };
    let (stored, redirect) = match &outcome {
        Ok(grant) => {
            let url = go_live::issue_code(state, &org.environment_id, &login, grant).await?;
            (
                StoredResult {
                    profile_id: Some(grant.profile.id.clone()),
                    ..Default::default()
                },
                url,
            )
        }
        Err(rejection) => (
            StoredResult {
                rejection: Some(rejection.clone()),
                ..Default::default()
            },
            app_error(state, row, &login, rejection),
        ),
    };
    attempt.outcome = if outcome.is_ok() {
        "success"
    } else {
        "failure"
    }
    .into();
    attempt.error_code = stored
        .rejection
        .as_ref()
        .map(|r| r.code.as_str().to_owned());
    attempt.finished_at = Some(now);
    attempt.result = Some(serde_json::to_string(&stored).map_err(Error::internal)?);
    attempt.config_version = Some(row.config_version);
    let logged = if attempt.outcome == "success" || state.answer_limits.log_failure(&row.id, now) {
        vec![sign_in_event(state, row, &attempt, now).await?]
    } else {
        tracing::warn!(connection = %row.id, "failed sign-in not logged as an event: over the minute's cap");
        Vec::new()
    };
    if !state.store.finish_sign_in(&attempt, &logged).await? {
        // Answered already (a replayed callback): the app gets no second code.
        return Ok(go_live::error_redirect(
            &login,
            SignInError::SignInExpired,
            "This sign-in was completed already; start again from the app.",
        ));
    }
    tracing::info!(connection = %row.id, sign_in = %attempt.id, outcome = %attempt.outcome, code = ?attempt.error_code, "sign-in finished");
    Ok(redirect)
}

/// `sign_in.succeeded` or `sign_in.failed` for a finished production sign-in: `data` is the
/// sign-in as `GET /connections/{id}/sign_ins` lists it (no profile; `error_code` on a failure).
async fn sign_in_event(
    state: &AppState,
    row: &ConnectionRow,
    attempt: &TestRow,
    now: i64,
) -> Result<crate::server::store::NewEvent, Error> {
    use crate::api::event::EventType;
    let org = super::organization(state, row).await?;
    let data = record(attempt.clone());
    let event_type = if attempt.outcome == "success" {
        EventType::SignInSucceeded
    } else {
        EventType::SignInFailed
    };
    crate::server::events::new(&org.environment_id, event_type, Some(&org.id), &data, now)
}

/// Where the browser goes back to the app with a refusal: an error the app can act on, and the
/// diagnosis's title for its developers.
pub(super) fn app_error(
    state: &AppState,
    row: &ConnectionRow,
    login: &LoginRequest,
    rejection: &Rejection,
) -> String {
    let error = match rejection.code {
        FailureCode::EmailOutsideDomains => SignInError::EmailOutsideOrganizationDomains,
        FailureCode::Busy => SignInError::ServerError,
        FailureCode::TestExpired | FailureCode::TestUnknown | FailureCode::SamlReplay => {
            SignInError::SignInExpired
        }
        _ => SignInError::AccessDenied,
    };
    let text = diagnosis::diagnose(rejection, &row.idp, &sp(state, row), &[]);
    crate::server::go_live::error_redirect(
        login,
        error,
        &format!("{} ({})", text.title, rejection.code.as_str()),
    )
}

/// The sign-in log of a connection, newest first.
pub async fn sign_ins(
    state: &AppState,
    row: &ConnectionRow,
) -> Result<Vec<crate::api::sso::SignInRecord>, Error> {
    let rows = state.store.list_sign_ins(&row.id, HISTORY_LIMIT).await?;
    Ok(rows.into_iter().map(record).collect())
}

/// A production sign-in as the vendor API lists it.
fn record(t: TestRow) -> crate::api::sso::SignInRecord {
    let stored: StoredResult = t
        .result
        .as_deref()
        .and_then(|r| serde_json::from_str(r).ok())
        .unwrap_or_default();
    crate::api::sso::SignInRecord {
        id: t.id,
        connection_id: t.connection_id,
        started_at: crate::api::time::Timestamp::from_unix(t.started_at),
        finished_at: t.finished_at.map(crate::api::time::Timestamp::from_unix),
        outcome: crate::api::test_sign_in::TestOutcome::from_stored(&t.outcome),
        error_code: t.error_code,
        profile_id: stored.profile_id,
        idp_initiated: t.idp_initiated,
    }
}
