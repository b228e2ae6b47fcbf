//! Test sign-in: starting a round trip to the admin's IdP, receiving its answer, turning it into
//! a mapped profile or a diagnosis, and keeping every attempt.
//!
//! The protocol work is in [`saml`](crate::server::saml) and [`oidc`](crate::server::oidc); this
//! module ties them to connections, the store and the clock.

use crate::api::connection::{ConnectionState, SpValues};
use crate::api::mapping::{MappingIssue, Profile};
use crate::api::protocol::Protocol;
use crate::api::test_sign_in::{
    FailureCode, ReceivedAttribute, Rejection, SignInTest, StartedTest, TestOutcome,
};
use crate::api::ErrorCode;
use crate::core::{diagnosis, mapping};
use crate::server::connections::stored::{StoredOidc, StoredSaml};
use crate::server::crypto::{self, hash_token};
use crate::server::error::Error;
use crate::server::store::{ConnectionRow, OrganizationRow, TestRow};
use crate::server::{oidc, saml, AppState};
use serde::{Deserialize, Serialize};

pub mod limits;
pub mod production;
pub use limits::AnswerLimits;
pub use production::{sign_ins, start_login};

/// How long the IdP has to answer a test before it counts as abandoned.
pub const TEST_LIFETIME_SECONDS: i64 = 15 * 60;

/// How many attempts the history keeps on show.
pub const HISTORY_LIMIT: i64 = 50;

/// What is kept of a finished test (the `result` column).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct StoredResult {
    /// Why it failed, before it is explained for the IdP (explanations can improve later).
    #[serde(default)]
    pub rejection: Option<Rejection>,
    /// The mapped profile.
    #[serde(default)]
    pub profile: Option<Profile>,
    /// Remarks on the mapping.
    #[serde(default)]
    pub mapping_issues: Vec<MappingIssue>,
    /// Attributes or claims as received.
    #[serde(default)]
    pub attributes: Vec<ReceivedAttribute>,
    /// SAML: the response, for people.
    #[serde(default)]
    pub saml_response_xml: Option<String>,
    /// OIDC: the ID token's claims.
    #[serde(default)]
    pub id_token_claims: Option<serde_json::Value>,
    /// NameID or `sub`, so a later mapping can be previewed against this test.
    #[serde(default)]
    pub subject: Option<String>,
    /// A production sign-in keeps only this of the person (the sign-in log's profile id).
    #[serde(default)]
    pub profile_id: Option<String>,
}

/// Where the browser goes once the IdP's answer is recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Landing {
    /// A test: the portal's result page for it.
    Test {
        /// The connection.
        connection_id: String,
        /// The test.
        test_id: String,
    },
    /// A production sign-in: back to the vendor's app, with a code or an error.
    App(String),
    /// An answer that belongs to no attempt of ours: nothing was stored, the browser is told why.
    Refused {
        /// Why, for the page and for support.
        code: FailureCode,
        /// The diagnosis's title.
        title: String,
        /// What happened.
        message: String,
        /// What to do.
        fix: Vec<String>,
    },
    /// Too many unsolicited answers for this connection: try again in this many seconds.
    Wait(u64),
}

impl Landing {
    /// The URL or path to redirect to, unless the browser is to be answered in place.
    pub fn location(&self) -> Option<String> {
        match self {
            Landing::Test {
                connection_id,
                test_id,
            } => Some(result_path(connection_id, test_id)),
            Landing::App(url) => Some(url.clone()),
            Landing::Refused { .. } | Landing::Wait(_) => None,
        }
    }
}

/// What an OIDC test must remember until the callback (stored encrypted).
#[derive(Serialize, Deserialize)]
struct OidcSecrets {
    nonce: String,
    pkce_verifier: String,
}

pub use crate::server::connections::stored::{custom_attributes, mapping_of, options_of};

async fn organization(state: &AppState, row: &ConnectionRow) -> Result<OrganizationRow, Error> {
    state
        .store
        .organization_by_id(&row.organization_id)
        .await?
        .ok_or_else(|| Error::new(ErrorCode::ConnectionNotFound))
}

fn sp(state: &AppState, row: &ConnectionRow) -> SpValues {
    crate::server::connections::stored::sp_values(state, row)
}

/// Where the browser lands after the IdP answered: the wizard's test step, showing this test.
pub fn result_path(connection_id: &str, test_id: &str) -> String {
    format!("/sso/setup/test?connection={connection_id}&test={test_id}")
}

/// Starts a test: records it and says where to send the browser.
pub async fn start(state: &AppState, row: &ConnectionRow) -> Result<StartedTest, Error> {
    let test_id = crypto::id("test_");
    let url = begin(
        state,
        row,
        TestRow::pending(test_id.clone(), &row.id, &row.protocol, state.clock.now()),
    )
    .await?;
    Ok(StartedTest { test_id, url })
}

/// Records a new attempt (a test, or a production sign-in when it carries the app's request)
/// and says where to send the browser: towards the IdP; or, when the provider cannot even be
/// reached, to where that result is shown (the test page, or back to the app).
async fn begin(
    state: &AppState,
    row: &ConnectionRow,
    mut attempt: TestRow,
) -> Result<String, Error> {
    let config = row
        .config
        .as_deref()
        .ok_or_else(|| Error::new(ErrorCode::ConnectionIncomplete))?;
    let base = crate::server::connections::stored::base_url(state, row);
    match Protocol::parse(&row.protocol) {
        Some(Protocol::Oidc) => {
            let cfg: StoredOidc = serde_json::from_str(config).map_err(Error::internal)?;
            match oidc::start(&state.fetcher, &cfg, &sp(state, row).redirect_uri).await {
                Ok(started) => {
                    let secrets = OidcSecrets {
                        nonce: started.nonce,
                        pkce_verifier: started.pkce_verifier,
                    };
                    attempt.state_hash = Some(hash_token(&started.state));
                    attempt.secrets_enc = Some(
                        state
                            .secrets
                            .seal(&serde_json::to_vec(&secrets).map_err(Error::internal)?),
                    );
                    state.store.insert_test(&attempt).await?;
                    Ok(started.url)
                }
                Err(rejection) => {
                    // The provider could not even be reached: that is a result worth keeping too.
                    state.store.insert_test(&attempt).await?;
                    let id = attempt.id.clone();
                    let app =
                        finish(state, row, attempt, Err(rejection), Default::default()).await?;
                    Ok(app.unwrap_or_else(|| format!("{base}{}", result_path(&row.id, &id))))
                }
            }
        }
        _ => {
            // The AuthnRequest is made when the browser arrives at this URL, so a reload or a
            // second tab sends a fresh request rather than a stale one.
            state.store.insert_test(&attempt).await?;
            Ok(format!("{base}/sso/saml/{}/login/{}", row.id, attempt.id))
        }
    }
}

/// What `GET /sso/saml/{id}/login/{test}` answers: a redirect to the IdP, or a page that posts.
pub enum Launch {
    /// HTTP-Redirect binding.
    Redirect(String),
    /// HTTP-POST binding: the auto-submitting page, and the IdP URL its form posts to.
    Post {
        /// The page.
        html: String,
        /// The IdP's SSO URL (the form's action).
        action: String,
    },
    /// The test is over or unknown: show its result page instead.
    Result(String),
}

/// Sends the SAML AuthnRequest of a pending test.
pub async fn launch_saml(
    state: &AppState,
    connection_id: &str,
    test_id: &str,
) -> Result<Launch, Error> {
    let row = state
        .store
        .connection(connection_id)
        .await?
        .ok_or_else(|| Error::new(ErrorCode::ConnectionNotFound))?;
    let test = match state.store.test(test_id).await? {
        Some(t) if t.connection_id == row.id => t,
        _ => {
            return Err(Error::new(ErrorCode::NotFound)
                .message("This test sign-in does not exist. Start a new test from the portal."))
        }
    };
    if test.outcome != "pending" || test.started_at + TEST_LIFETIME_SECONDS < state.clock.now() {
        return Ok(Launch::Result(match production::login_of(&test) {
            Some(login) => crate::server::go_live::error_redirect(
                &login,
                crate::api::sso::SignInError::SignInExpired,
                "This sign-in is over; start again from the app.",
            ),
            None => result_path(&row.id, &test.id),
        }));
    }
    let cfg: StoredSaml = serde_json::from_str(row.config.as_deref().unwrap_or(""))
        .map_err(|_| Error::new(ErrorCode::ConnectionIncomplete))?;
    let relay = crypto::token("");
    let req = saml::request::authn_request(
        &sp(state, &row),
        &cfg.sso_url,
        &cfg.sso_binding,
        &relay,
        state.clock.now(),
    );
    state
        .store
        .set_test_request(&test.id, &req.id, &hash_token(&relay))
        .await?;
    Ok(match req.post_form_html {
        Some(html) => Launch::Post {
            html,
            action: cfg.sso_url,
        },
        None => Launch::Redirect(req.redirect_url),
    })
}

/// Receives a SAML response at a connection's ACS URL; returns where the browser goes.
///
/// The ACS URL is public, so what reaches it is stored only when it answers a request of ours
/// (its RelayState names a pending attempt) or, unsolicited, once it proved itself: signed by
/// the connection's IdP and past every check. Anything else is explained to the browser and
/// forgotten, so anonymous posts can neither fill the database nor replace a test's result.
pub async fn receive_saml(
    state: &AppState,
    connection_id: &str,
    saml_response: Option<&str>,
    relay_state: Option<&str>,
) -> Result<Landing, Error> {
    let row = state
        .store
        .connection(connection_id)
        .await?
        .ok_or_else(|| Error::new(ErrorCode::ConnectionNotFound))?;
    let now = state.clock.now();
    let relay = relay_state.map(str::trim).filter(|r| !r.is_empty());
    let pending = match relay {
        Some(relay) => state
            .store
            .test_by_state(&hash_token(relay))
            .await?
            .filter(|t| t.connection_id == row.id),
        None => None,
    };
    let Some(cfg) = row
        .config
        .as_deref()
        .and_then(|c| serde_json::from_str::<StoredSaml>(c).ok())
    else {
        return Err(Error::new(ErrorCode::ConnectionIncomplete));
    };
    let options = options_of(&row);
    let Some(test) = pending else {
        if relay.is_some() {
            // A RelayState we do not know: an old test, one already answered, or made up.
            return Ok(unmatched(
                state,
                &row,
                &Rejection::new(FailureCode::TestUnknown),
            ));
        }
        if let Err(wait) = state.answer_limits.admit_unsolicited(&row.id, now) {
            return Ok(Landing::Wait(wait));
        }
        return receive_unsolicited(state, &row, &cfg, saml_response, now).await;
    };
    let test_id = test.id.clone();
    let outcome = if test.started_at + TEST_LIFETIME_SECONDS < now {
        Err((
            Rejection::new(FailureCode::TestExpired).fact(
                "started_at",
                "Test started",
                crate::server::time::rfc3339(test.started_at),
            ),
            None,
        ))
    } else {
        check_saml(
            state,
            &row,
            &cfg,
            saml_response,
            test.request_id.as_deref(),
            options.allow_idp_initiated,
            now,
        )
        .await?
    };
    let app = match outcome {
        Ok(v) => {
            let received = Received {
                subject: v.name_id,
                attributes: v.attributes,
            };
            finish(
                state,
                &row,
                test,
                Ok(received),
                Extra {
                    saml_response_xml: Some(v.pretty_xml),
                    id_token_claims: None,
                },
            )
            .await?
        }
        Err((rejection, pretty)) => {
            finish(
                state,
                &row,
                test,
                Err(rejection),
                Extra {
                    saml_response_xml: pretty,
                    id_token_claims: None,
                },
            )
            .await?
        }
    };
    Ok(match app {
        Some(url) => Landing::App(url),
        None => Landing::Test {
            connection_id: row.id,
            test_id,
        },
    })
}

/// A response nobody asked for (IdP-initiated). Once it passed every check it is a sign-in to
/// the app (active connection, vendor allows it) or an IdP-initiated test for the admin to
/// look at; refused, it is explained and nothing is kept.
async fn receive_unsolicited(
    state: &AppState,
    row: &ConnectionRow,
    cfg: &StoredSaml,
    saml_response: Option<&str>,
    now: i64,
) -> Result<Landing, Error> {
    let options = options_of(row);
    let live = options.allow_idp_initiated && row.state == ConnectionState::Active.as_str();
    let login = if live {
        production::idp_initiated_login(state, row).await?
    } else {
        None
    };
    let v = match check_saml(
        state,
        row,
        cfg,
        saml_response,
        None,
        options.allow_idp_initiated,
        now,
    )
    .await?
    {
        Ok(v) => v,
        Err((rejection, _)) => {
            tracing::info!(connection = %row.id, code = rejection.code.as_str(), "unsolicited SAML \
                response refused; nothing stored");
            return Ok(match &login {
                Some(login) => Landing::App(production::app_error(state, row, login, &rejection)),
                None => unmatched(state, row, &rejection),
            });
        }
    };
    let mut t = TestRow {
        idp_initiated: true,
        ..TestRow::pending(crypto::id("test_"), &row.id, "saml", now)
    };
    if let Some(login) = &login {
        t.login = Some(serde_json::to_string(login).map_err(Error::internal)?);
    }
    state.store.insert_test(&t).await?;
    let test_id = t.id.clone();
    let received = Received {
        subject: v.name_id,
        attributes: v.attributes,
    };
    let app = finish(
        state,
        row,
        t,
        Ok(received),
        Extra {
            saml_response_xml: Some(v.pretty_xml),
            id_token_claims: None,
        },
    )
    .await?;
    Ok(match app {
        Some(url) => Landing::App(url),
        None => Landing::Test {
            connection_id: row.id.clone(),
            test_id,
        },
    })
}

/// Every check of a SAML response, the signature's behind the gate, then the replay cache.
#[allow(clippy::too_many_arguments)]
async fn check_saml(
    state: &AppState,
    row: &ConnectionRow,
    cfg: &StoredSaml,
    saml_response: Option<&str>,
    request_id: Option<&str>,
    allow_idp_initiated: bool,
    now: i64,
) -> Result<Result<saml::response::Validated, saml::response::Failure>, Error> {
    let Some(response) = saml_response.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(Err((
            Rejection::new(FailureCode::SamlResponseMissing),
            None,
        )));
    };
    let options = options_of(row);
    let sp = sp(state, row);
    let key_pem = match &row.sp_key_enc {
        Some(enc) => state
            .secrets
            .open(enc)
            .ok()
            .and_then(|k| String::from_utf8(k).ok()),
        None => None,
    };
    let exp = saml::response::Expectations {
        idp_entity_id: &cfg.idp_entity_id,
        certificates: &cfg.certificates,
        sp_entity_id: &sp.entity_id,
        acs_url: &sp.acs_url,
        request_id,
        allow_idp_initiated,
        allow_sha1: options.allow_sha1,
        now,
        skew_seconds: state.settings.clock_skew_seconds,
        decryption_key_pem: key_pem.as_deref(),
    };
    let v = match saml::response::validate_gated(&state.saml_gate, response, &exp).await {
        Ok(v) => v,
        Err(e) => return Ok(Err(e)),
    };
    let expires =
        v.not_on_or_after.unwrap_or(now + 3600).max(now) + state.settings.clock_skew_seconds;
    if state
        .store
        .use_assertion(&row.id, &v.assertion_id, expires)
        .await?
    {
        Ok(Ok(v))
    } else {
        let pretty = v.pretty_xml.clone();
        Ok(Err((
            Rejection::new(FailureCode::SamlReplay).fact(
                "assertion_id",
                "Assertion ID",
                v.assertion_id,
            ),
            Some(pretty),
        )))
    }
}

/// An answer that matched no attempt of ours: explained to the browser, stored nowhere. The
/// organization's domains are left out, since whoever sent it proved nothing.
fn unmatched(state: &AppState, row: &ConnectionRow, rejection: &Rejection) -> Landing {
    let d = diagnosis::diagnose(rejection, &row.idp, &sp(state, row), &[]);
    Landing::Refused {
        code: rejection.code,
        title: d.title,
        message: d.message,
        fix: d.fix,
    }
}

/// Receives the OIDC callback; returns where the browser goes (see [`receive_saml`]).
pub async fn receive_oidc(
    state: &AppState,
    connection_id: &str,
    code: Option<&str>,
    oidc_state: Option<&str>,
    error: Option<&str>,
    error_description: Option<&str>,
) -> Result<Landing, Error> {
    let row = state
        .store
        .connection(connection_id)
        .await?
        .ok_or_else(|| Error::new(ErrorCode::ConnectionNotFound))?;
    let now = state.clock.now();
    let pending = match oidc_state.map(str::trim).filter(|s| !s.is_empty()) {
        Some(st) => state
            .store
            .test_by_state(&hash_token(st))
            .await?
            .filter(|t| t.connection_id == row.id),
        None => None,
    };
    let Some(test) = pending else {
        // Without a matching state nothing here can be trusted, and anyone can send it: explain
        // it to the browser, and keep nothing (the last test's result stays as it was).
        return Ok(unmatched(
            state,
            &row,
            &Rejection::new(FailureCode::OidcStateMismatch),
        ));
    };
    let test_id = test.id.clone();
    let secrets: Option<OidcSecrets> = test
        .secrets_enc
        .as_deref()
        .and_then(|s| state.secrets.open(s).ok())
        .and_then(|b| serde_json::from_slice(&b).ok());
    let cfg = row
        .config
        .as_deref()
        .and_then(|c| serde_json::from_str::<StoredOidc>(c).ok());
    let secret = row
        .client_secret_enc
        .as_deref()
        .and_then(|s| state.secrets.open(s).ok())
        .and_then(|b| String::from_utf8(b).ok());
    let result = if let Some(err) = error {
        Err(oidc::idp_error(err, error_description))
    } else if test.started_at + TEST_LIFETIME_SECONDS < now {
        Err(Rejection::new(FailureCode::TestExpired))
    } else {
        match (code, secrets, cfg, secret) {
            (Some(code), Some(secrets), Some(cfg), Some(secret)) => {
                let redirect_uri = sp(state, &row).redirect_uri;
                oidc::finish(
                    &state.fetcher,
                    &cfg,
                    &secret,
                    &redirect_uri,
                    code,
                    &secrets.nonce,
                    &secrets.pkce_verifier,
                    now,
                    state.settings.clock_skew_seconds,
                )
                .await
            }
            (None, ..) => Err(Rejection::new(FailureCode::OidcTokenExchangeFailed).fact(
                "problem",
                "Problem",
                "The provider sent no authorization code.",
            )),
            _ => Err(Rejection::new(FailureCode::TestUnknown)),
        }
    };
    let app = match result {
        Ok(out) => {
            let extra = Extra {
                saml_response_xml: None,
                id_token_claims: Some(out.id_token_claims),
            };
            finish(
                state,
                &row,
                test,
                Ok(Received {
                    subject: out.subject,
                    attributes: out.claims,
                }),
                extra,
            )
            .await?
        }
        Err(r) => finish(state, &row, test, Err(r), Default::default()).await?,
    };
    Ok(match app {
        Some(url) => Landing::App(url),
        None => Landing::Test {
            connection_id: row.id,
            test_id,
        },
    })
}

/// What an IdP's answer established, before mapping.
struct Received {
    subject: String,
    attributes: Vec<ReceivedAttribute>,
}

/// Protocol-specific things kept for the admin to look at.
#[derive(Default)]
struct Extra {
    saml_response_xml: Option<String>,
    id_token_claims: Option<serde_json::Value>,
}

/// Maps the profile, records the outcome, and activates the connection when the vendor asked
/// for that on success. A production sign-in goes on to [`production::finish`]; its redirect back to
/// the app is returned.
async fn finish(
    state: &AppState,
    row: &ConnectionRow,
    mut test: TestRow,
    received: Result<Received, Rejection>,
    extra: Extra,
) -> Result<Option<String>, Error> {
    if let Some(login) = production::login_of(&test) {
        return production::finish(state, row, test, received, login)
            .await
            .map(Some);
    }
    let now = state.clock.now();
    let mut stored = StoredResult {
        saml_response_xml: extra.saml_response_xml,
        id_token_claims: extra.id_token_claims,
        ..Default::default()
    };
    match received {
        Ok(r) => {
            let org = organization(state, row).await?;
            let custom = custom_attributes(state, &org.environment_id).await?;
            // The policy: emails must be in the organization's verified domains, unless the
            // vendor allows profiles from outside it.
            let verified = crate::server::domains::verified(state, &org.id).await?;
            let policy: &[String] = if org.allow_profiles_outside_organization {
                &[]
            } else {
                &verified
            };
            let mut n =
                mapping::normalize(&r.subject, &r.attributes, &mapping_of(row), &custom, policy);
            if !org.allow_profiles_outside_organization && verified.is_empty() {
                if let Some(email) = &n.profile.email {
                    let domain = email.rsplit('@').next().unwrap_or_default();
                    n.issues.push(MappingIssue {
                        kind: crate::api::mapping::MappingIssueKind::DomainUnverified,
                        field: "email".into(),
                        message: format!(
                            "No domain of this organization is verified yet, so this test passes; \
                                in production, sign-ins as {email} will be refused until {domain} \
                                is verified on the Domains page."
                        ),
                        suggestion: None,
                        blocking: false,
                    });
                }
            }
            stored.profile = Some(n.profile);
            stored.mapping_issues = n.issues;
            stored.rejection = n.rejection;
            stored.attributes = r.attributes;
            stored.subject = Some(r.subject);
        }
        Err(rejection) => stored.rejection = Some(rejection),
    }
    let success = stored.rejection.is_none();
    test.outcome = if success { "success" } else { "failure" }.into();
    test.error_code = stored
        .rejection
        .as_ref()
        .map(|r| r.code.as_str().to_owned());
    test.finished_at = Some(now);
    test.result = Some(serde_json::to_string(&stored).map_err(Error::internal)?);
    test.config_version = Some(row.config_version);
    let logged = test_event(state, row, &test, now).await?;
    state.store.finish_test(&test, &[logged]).await?;
    tracing::info!(connection = %row.id, test = %test.id, outcome = %test.outcome, code = ?test.error_code, "test sign-in finished");
    if success && options_of(row).auto_activate && row.state == ConnectionState::Configured.as_str()
    {
        if let Some(mut fresh) = state.store.connection(&row.id).await? {
            let before = fresh.clone();
            fresh.state = ConnectionState::Active.as_str().into();
            fresh.updated_at = now;
            crate::server::connections::save_logged(state, &before, &fresh).await?;
        }
    }
    Ok(None)
}

/// `connection.test_succeeded` or `connection.test_failed` for a finished test: `data` is
/// `{connection, test, error_code}`, the connection and the test as the vendor API returns them
/// and the diagnosis code of a failure.
async fn test_event(
    state: &AppState,
    row: &ConnectionRow,
    test: &TestRow,
    now: i64,
) -> Result<crate::server::store::NewEvent, Error> {
    use crate::api::event::EventType;
    let org = organization(state, row).await?;
    let verified = crate::server::domains::verified(state, &org.id).await?;
    let data = serde_json::json!({
        "connection": crate::server::connections::event_view(state, row).await?,
        "test": view(row, test, &sp(state, row), &verified, false),
        "error_code": test.error_code,
    });
    let event_type = if test.outcome == "success" {
        EventType::ConnectionTestSucceeded
    } else {
        EventType::ConnectionTestFailed
    };
    crate::server::events::new(&org.environment_id, event_type, Some(&org.id), &data, now)
}

/// The wire view of a test; `full` adds the response XML and ID token claims. The diagnosis is
/// written when shown, so better explanations reach old tests too.
pub fn view(
    row: &ConnectionRow,
    test: &TestRow,
    sp: &SpValues,
    org_domains: &[String],
    full: bool,
) -> SignInTest {
    let stored: StoredResult = test
        .result
        .as_deref()
        .and_then(|r| serde_json::from_str(r).ok())
        .unwrap_or_default();
    let outcome = TestOutcome::from_stored(&test.outcome);
    SignInTest {
        id: test.id.clone(),
        connection_id: test.connection_id.clone(),
        protocol: Protocol::parse(&test.protocol).unwrap_or(Protocol::Saml),
        started_at: crate::api::time::Timestamp::from_unix(test.started_at),
        finished_at: test.finished_at.map(crate::api::time::Timestamp::from_unix),
        outcome,
        idp_initiated: test.idp_initiated,
        diagnosis: stored
            .rejection
            .as_ref()
            .map(|r| diagnosis::diagnose(r, &row.idp, sp, org_domains)),
        profile: stored.profile,
        mapping_issues: stored.mapping_issues,
        attributes: stored.attributes,
        saml_response_xml: if full { stored.saml_response_xml } else { None },
        id_token_claims: if full { stored.id_token_claims } else { None },
    }
}

/// A connection's tests, newest first, for the portal and the vendor API.
pub async fn list(state: &AppState, row: &ConnectionRow) -> Result<Vec<SignInTest>, Error> {
    let org = organization(state, row).await?;
    let verified = crate::server::domains::verified(state, &org.id).await?;
    let tests = state.store.list_tests(&row.id, HISTORY_LIMIT).await?;
    let sp = sp(state, row);
    Ok(tests
        .iter()
        .map(|t| view(row, t, &sp, &verified, false))
        .collect())
}

/// One test in full.
pub async fn one(
    state: &AppState,
    row: &ConnectionRow,
    test_id: &str,
) -> Result<SignInTest, Error> {
    let org = organization(state, row).await?;
    let verified = crate::server::domains::verified(state, &org.id).await?;
    match state.store.test(test_id).await? {
        Some(t) if t.connection_id == row.id => Ok(view(row, &t, &sp(state, row), &verified, true)),
        _ => Err(Error::new(ErrorCode::TestNotFound)),
    }
}
