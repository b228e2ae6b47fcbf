//! Go-live: the vendor app's users sign in through Portico. The app sends the browser to
//! `/sso/authorize`; Portico runs the SAML or OIDC round trip of the organization's active
//! connection (the test sign-in's machinery, in [`signin`](crate::server::signin)); the browser
//! comes back to the app with a one-time code; the app trades it at `/sso/token` for the profile.
//!
//! Before the redirect URI is known to be registered nothing is sent to it (an error page
//! instead); after, every failure goes back to the app as `?error=…&error_description=…&state=…`.

use crate::api::sso::{
    ClientCredentials, ClientSecretInfo, CreatedClientSecret, RedirectUri, SignInError, SsoProfile,
    TokenResponse,
};
use crate::api::ErrorCode;
use crate::server::crypto::{self, constant_time_eq, hash_token};
use crate::server::error::Error;
use crate::server::store::{ClientSecretRow, CodeRow, Environment, RedirectUriRow, StoreError};
use crate::server::AppState;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// How long a code lives.
pub const CODE_SECONDS: i64 = 600;
/// Live secrets per environment: two, so a rotation overlaps.
pub const MAX_LIVE_SECRETS: usize = 2;
/// Failed token requests a client may make per minute before it is slowed down.
pub const TOKEN_FAILURES_PER_MINUTE: u32 = 10;

/// The client ID of an environment: derived from its id, so it needs no storage and never changes.
pub fn client_id(environment_id: &str) -> String {
    format!("client_{}", environment_id.trim_start_matches("env_"))
}

/// The environment a client ID belongs to.
pub async fn environment_of_client(
    state: &AppState,
    client_id: &str,
) -> Result<Option<Environment>, StoreError> {
    let Some(rest) = client_id.strip_prefix("client_") else {
        return Ok(None);
    };
    let wanted = format!("env_{rest}");
    Ok(state
        .store
        .list_environments()
        .await?
        .into_iter()
        .find(|e| e.id == wanted))
}

/// The client ID and its secrets.
pub async fn credentials(
    state: &AppState,
    environment_id: &str,
) -> Result<ClientCredentials, StoreError> {
    let secrets = state.store.list_client_secrets(environment_id).await?;
    Ok(ClientCredentials {
        client_id: client_id(environment_id),
        secrets: secrets
            .into_iter()
            .map(|s| ClientSecretInfo {
                id: s.id,
                prefix: s.prefix,
                created_at: crate::api::time::Timestamp::from_unix(s.created_at),
                revoked_at: s.revoked_at.map(crate::api::time::Timestamp::from_unix),
            })
            .collect(),
    })
}

/// Creates a secret, refused while two are live (revoke the old one after a rotation).
pub async fn create_secret(
    state: &AppState,
    environment_id: &str,
) -> Result<CreatedClientSecret, Error> {
    let live = state
        .store
        .list_client_secrets(environment_id)
        .await?
        .into_iter()
        .filter(|s| s.revoked_at.is_none())
        .count();
    if live >= MAX_LIVE_SECRETS {
        return Err(Error::new(ErrorCode::InvalidState).message(
            "Two client secrets are live already; revoke the one your app no longer uses (DELETE \
                /api/v1/client/secrets/{id}, or `portico env credentials --revoke <id>`) before creating another.",
        ));
    }
    let secret = crypto::token("pcs_");
    let row = ClientSecretRow {
        id: crypto::id("cs_"),
        environment_id: environment_id.to_owned(),
        secret_hash: hash_token(&secret),
        prefix: secret.chars().take(10).collect(),
        created_at: state.clock.now(),
        revoked_at: None,
    };
    state.store.insert_client_secret(&row).await?;
    Ok(CreatedClientSecret {
        id: row.id,
        client_id: client_id(environment_id),
        client_secret: secret,
    })
}

/// Checks a redirect URI: `https`, or `http` on `localhost`/`127.0.0.1`/`[::1]` only, or a
/// custom scheme (`myapp://callback`) for native apps; never a fragment or a wildcard.
pub fn check_redirect_uri(uri: &str) -> Result<String, String> {
    let uri = uri.trim();
    if uri.contains('*') {
        return Err(format!(
            "{uri}: wildcards are not allowed; register each redirect URI exactly."
        ));
    }
    let parsed = url::Url::parse(uri).map_err(|_| {
        format!("{uri:?} is not an absolute URI, like https://app.example.com/sso/callback.")
    })?;
    if parsed.fragment().is_some() {
        return Err(format!(
            "{uri}: remove the #fragment; redirect URIs cannot have one."
        ));
    }
    match parsed.scheme() {
        "https" if parsed.host_str().is_some() => Ok(uri.to_owned()),
        "http" => match parsed.host_str() {
            Some("localhost" | "127.0.0.1" | "[::1]") => Ok(uri.to_owned()),
            _ => Err(format!(
                "{uri}: use https; plain http is allowed only for localhost and 127.0.0.1."
            )),
        },
        "https" => Err(format!("{uri} has no host.")),
        "javascript" | "data" | "file" | "vbscript" | "blob" | "about" => Err(format!(
            "{uri}: the {} scheme cannot be a redirect URI.",
            parsed.scheme()
        )),
        _ => Ok(uri.to_owned()),
    }
}

/// Replaces the environment's redirect URIs after checking each; exactly one default.
pub async fn set_redirect_uris(
    state: &AppState,
    environment_id: &str,
    uris: &[RedirectUri],
) -> Result<Vec<RedirectUri>, Error> {
    let mut err = Error::new(ErrorCode::ValidationFailed);
    let mut rows: Vec<RedirectUriRow> = Vec::new();
    let now = state.clock.now();
    for (i, u) in uris.iter().enumerate() {
        match check_redirect_uri(&u.uri) {
            Err(m) => {
                err.fields.insert(format!("redirect_uris.{i}.uri"), m);
            }
            Ok(uri) if rows.iter().any(|r| r.uri == uri) => {
                err.fields.insert(
                    format!("redirect_uris.{i}.uri"),
                    format!("{uri} is listed twice."),
                );
            }
            Ok(uri) => rows.push(RedirectUriRow {
                environment_id: environment_id.to_owned(),
                uri,
                is_default: u.default,
                created_at: now + i as i64,
            }),
        }
    }
    let defaults = rows.iter().filter(|r| r.is_default).count();
    if defaults > 1 {
        err.fields.insert(
            "redirect_uris".into(),
            "Mark exactly one redirect URI as the default.".into(),
        );
    }
    if !err.fields.is_empty() {
        return Err(err);
    }
    // With none marked, the first is the default: a request naming no URI still has a place to go.
    if defaults == 0 {
        if let Some(first) = rows.first_mut() {
            first.is_default = true;
        }
    }
    state.store.set_redirect_uris(environment_id, &rows).await?;
    Ok(rows
        .into_iter()
        .map(|r| RedirectUri {
            uri: r.uri,
            default: r.is_default,
        })
        .collect())
}

/// What the app asked for, kept with the sign-in until the IdP answers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoginRequest {
    /// The client.
    pub client_id: String,
    /// Where to send the browser back (registered, matched exactly).
    pub redirect_uri: String,
    /// The app's `state`, returned untouched.
    pub state: Option<String>,
    /// PKCE S256 challenge.
    pub code_challenge: Option<String>,
}

/// `redirect_uri` with the parameters added to its query.
pub fn with_params(redirect_uri: &str, params: &[(&str, &str)]) -> String {
    match url::Url::parse(redirect_uri) {
        Ok(mut u) => {
            {
                let mut q = u.query_pairs_mut();
                for (k, v) in params {
                    q.append_pair(k, v);
                }
            }
            u.to_string()
        }
        Err(_) => redirect_uri.to_owned(),
    }
}

/// The redirect that reports a failure to the app.
pub fn error_redirect(login: &LoginRequest, error: SignInError, description: &str) -> String {
    let mut params = vec![
        ("error", error.as_str()),
        ("error_description", description),
    ];
    if let Some(s) = &login.state {
        params.push(("state", s));
    }
    with_params(&login.redirect_uri, &params)
}

/// What the token endpoint hands out for a code (stored with it).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Grant {
    /// The profile.
    pub profile: SsoProfile,
    /// Began at the IdP.
    pub idp_initiated: bool,
}

/// The stable profile id: one person on one connection always gets the same one.
pub fn profile_id(connection_id: &str, idp_id: &str) -> String {
    let digest = Sha256::digest(format!("{connection_id}\n{idp_id}").as_bytes());
    format!("prof_{}", &hex::encode(digest)[..26])
}

/// Issues a code for a successful sign-in; returns the app's redirect.
pub async fn issue_code(
    state: &AppState,
    environment_id: &str,
    login: &LoginRequest,
    grant: &Grant,
) -> Result<String, Error> {
    let code = crypto::token("");
    let now = state.clock.now();
    let row = CodeRow {
        code_hash: hash_token(&code),
        environment_id: environment_id.to_owned(),
        client_id: login.client_id.clone(),
        redirect_uri: login.redirect_uri.clone(),
        code_challenge: login.code_challenge.clone(),
        grant: serde_json::to_string(grant).map_err(Error::internal)?,
        created_at: now,
        expires_at: now + CODE_SECONDS,
        used_at: None,
    };
    state.store.insert_code(&row).await?;
    let mut params = vec![("code", code.as_str())];
    if let Some(s) = &login.state {
        params.push(("state", s));
    }
    Ok(with_params(&login.redirect_uri, &params))
}

/// Why a token request was refused, as the OAuth error and a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRefusal {
    /// HTTP status.
    pub status: u16,
    /// `invalid_request`, `invalid_client`, `invalid_grant`, `unsupported_grant_type`, `slow_down`.
    pub error: &'static str,
    /// For the developer.
    pub description: String,
}

fn refuse(status: u16, error: &'static str, description: impl Into<String>) -> TokenRefusal {
    TokenRefusal {
        status,
        error,
        description: description.into(),
    }
}

/// The token request's parameters, however the client sent its credentials.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct TokenRequest {
    /// `authorization_code` (the only grant), or absent.
    #[schemars(regex(pattern = r"^authorization_code$"))]
    pub grant_type: Option<String>,
    /// The code.
    pub code: Option<String>,
    /// The client, unless sent by HTTP Basic.
    pub client_id: Option<String>,
    /// The secret, unless sent by HTTP Basic; absent for PKCE clients.
    pub client_secret: Option<String>,
    /// The redirect URI the code was sent to, when the app sends it (checked then).
    pub redirect_uri: Option<String>,
    /// PKCE verifier.
    pub code_verifier: Option<String>,
}

/// Longest `client_id` accepted, in bytes (Portico's are 33 characters).
pub const MAX_CLIENT_ID: usize = 128;
/// Longest `client_secret` accepted, in bytes (Portico's are 47 characters).
pub const MAX_CLIENT_SECRET: usize = 256;
/// Longest `code` accepted, in bytes (Portico's are 43 characters).
pub const MAX_CODE: usize = 256;
/// Longest `code_verifier` accepted, in bytes: RFC 7636 allows 128 characters.
pub const MAX_CODE_VERIFIER: usize = 128;
/// Longest `redirect_uri` accepted, in bytes.
pub const MAX_REDIRECT_URI: usize = 2048;
/// Longest `grant_type` accepted, in bytes.
pub const MAX_GRANT_TYPE: usize = 64;
/// Largest `/sso/token` body, in bytes: every field at its longest fits several times over.
pub const TOKEN_BODY_LIMIT: usize = 16 * 1024;
/// Most clients, and most callers, whose failures are counted at once; past it the oldest
/// count is dropped, so no stream of requests can grow the counters without bound.
pub const MAX_TRACKED: usize = 10_000;

/// Failed `/sso/token` requests, counted apart by who can spend them, so nobody can use up the
/// budget of someone else:
/// - a client that proved its secret spends its own budget (keyed by its environment's id,
///   which comes from the store, never from the request);
/// - every other failure (unknown client, wrong or missing secret, a public client's bad
///   request, oversized input) is counted against the caller's address.
///
/// A caller over its budget is still let in with the right credentials: its address may be
/// shared with the real app (a NAT, or a proxy Portico does not trust), and a right secret
/// must never wait for someone else's wrong ones. Secrets and codes carry 256 random bits, so
/// the budget is a signal to misbehaving callers, not what keeps guesses out.
#[derive(Debug, Default)]
pub struct TokenBudgets {
    inner: std::sync::Mutex<Budgets>,
}

/// Failures in the current minute, per key ([`FixedWindow`](crate::core::rate::FixedWindow)).
#[derive(Debug)]
struct Budgets {
    clients: crate::core::rate::FixedWindow<String>,
    callers: crate::core::rate::FixedWindow<Option<std::net::IpAddr>>,
}

impl Default for Budgets {
    fn default() -> Self {
        use crate::core::rate::FixedWindow;
        Budgets {
            clients: FixedWindow::new(TOKEN_FAILURES_PER_MINUTE, 60, MAX_TRACKED),
            callers: FixedWindow::new(TOKEN_FAILURES_PER_MINUTE, 60, MAX_TRACKED),
        }
    }
}

impl TokenBudgets {
    /// How many clients and callers have failures counted now (each at most [`MAX_TRACKED`]).
    pub fn tracked(&self) -> (usize, usize) {
        self.inner
            .lock()
            .map(|b| (b.clients.len(), b.callers.len()))
            .unwrap_or_default()
    }

    fn client_over(&self, environment_id: &str, now: i64) -> bool {
        self.inner
            .lock()
            .is_ok_and(|b| b.clients.over(&environment_id.to_owned(), now))
    }

    fn note_client(&self, environment_id: &str, now: i64) -> bool {
        self.inner.lock().is_ok_and(|mut b| {
            b.clients.count(&environment_id.to_owned(), now) > TOKEN_FAILURES_PER_MINUTE
        })
    }

    fn note_caller(&self, caller: Option<std::net::IpAddr>, now: i64) -> bool {
        self.inner.lock().is_ok_and(|mut b| {
            b.callers.count(&caller_key(caller), now) > TOKEN_FAILURES_PER_MINUTE
        })
    }
}

/// The key a caller's failures are counted under ([`client_key`](crate::core::rate::client_key)).
fn caller_key(caller: Option<std::net::IpAddr>) -> Option<std::net::IpAddr> {
    caller.map(crate::core::rate::client_key)
}

fn slow_down() -> TokenRefusal {
    refuse(
        429,
        "slow_down",
        "Too many failed token requests in the last minute; wait a minute before trying again.",
    )
}

/// Refuses any field longer than its limit, before it is hashed, looked up or kept.
fn check_sizes(basic: Option<&(String, String)>, req: &TokenRequest) -> Result<(), TokenRefusal> {
    let fields = [
        ("grant_type", req.grant_type.as_deref(), MAX_GRANT_TYPE),
        ("client_id", req.client_id.as_deref(), MAX_CLIENT_ID),
        (
            "client_id (HTTP Basic)",
            basic.map(|b| b.0.as_str()),
            MAX_CLIENT_ID,
        ),
        (
            "client_secret",
            req.client_secret.as_deref(),
            MAX_CLIENT_SECRET,
        ),
        (
            "client_secret (HTTP Basic)",
            basic.map(|b| b.1.as_str()),
            MAX_CLIENT_SECRET,
        ),
        ("code", req.code.as_deref(), MAX_CODE),
        (
            "code_verifier",
            req.code_verifier.as_deref(),
            MAX_CODE_VERIFIER,
        ),
        (
            "redirect_uri",
            req.redirect_uri.as_deref(),
            MAX_REDIRECT_URI,
        ),
    ];
    match fields
        .into_iter()
        .find(|(_, v, max)| v.is_some_and(|v| v.len() > *max))
    {
        Some((name, _, max)) => Err(refuse(
            400,
            "invalid_request",
            format!("{name} is longer than {max} bytes; send the value Portico issued, unchanged."),
        )),
        None => Ok(()),
    }
}

/// A refusal, and whose budget it spends.
enum Failed {
    /// Nobody proved anything: the caller's address pays.
    Caller(TokenRefusal),
    /// The client proved its secret: its own budget pays.
    Client(String, TokenRefusal),
    /// Not counted: our fault, or already a slow-down.
    Uncounted(TokenRefusal),
}

/// `POST /sso/token`: bounds the input, authenticates the client (secret compared in constant
/// time, or PKCE against the code's challenge), and only then spends the code, once. `caller`
/// is the address the request came from, when known.
pub async fn token(
    state: &AppState,
    caller: Option<std::net::IpAddr>,
    basic: Option<(String, String)>,
    req: TokenRequest,
) -> Result<TokenResponse, TokenRefusal> {
    let result = check_token(state, basic, &req).await;
    let now = state.clock.now();
    match result {
        Ok(t) => Ok(t),
        Err(Failed::Caller(r)) => Err(if state.token_failures.note_caller(caller, now) {
            slow_down()
        } else {
            r
        }),
        Err(Failed::Client(env, r)) => Err(if state.token_failures.note_client(&env, now) {
            slow_down()
        } else {
            r
        }),
        Err(Failed::Uncounted(r)) => Err(r),
    }
}

async fn check_token(
    state: &AppState,
    basic: Option<(String, String)>,
    req: &TokenRequest,
) -> Result<TokenResponse, Failed> {
    let internal = |e: StoreError| {
        tracing::error!(error = %e, "token request failed");
        Failed::Uncounted(refuse(
            500,
            "server_error",
            "Something went wrong on our side; try again.",
        ))
    };
    check_sizes(basic.as_ref(), req).map_err(Failed::Caller)?;
    if let Some(g) = req
        .grant_type
        .as_deref()
        .filter(|g| *g != "authorization_code")
    {
        return Err(Failed::Caller(refuse(
            400,
            "unsupported_grant_type",
            format!("grant_type {g} is not supported; use authorization_code."),
        )));
    }
    let (client, secret) = match basic {
        Some((id, secret)) => (id, Some(secret)),
        None => (
            req.client_id.clone().unwrap_or_default(),
            req.client_secret.clone(),
        ),
    };
    if client.is_empty() {
        return Err(Failed::Caller(refuse(
            401,
            "invalid_client",
            "Send client_id (and client_secret, or code_verifier for a public client).",
        )));
    }
    let env = environment_of_client(state, &client)
        .await
        .map_err(internal)?
        .ok_or_else(|| Failed::Caller(refuse(401, "invalid_client", "Unknown client_id.")))?;

    // Who pays for what follows: the client once it proved its secret, else the caller.
    let confidential = match secret.as_deref() {
        Some(secret) => {
            let given = hash_token(secret);
            let secrets = state
                .store
                .list_client_secrets(&env.id)
                .await
                .map_err(internal)?;
            // Every live secret is compared, whatever matches first, so timing says nothing.
            let ok = secrets
                .iter()
                .filter(|s| s.revoked_at.is_none())
                .fold(false, |acc, s| {
                    acc | constant_time_eq(s.secret_hash.as_bytes(), given.as_bytes())
                });
            if !ok {
                return Err(Failed::Caller(refuse(
                    401,
                    "invalid_client",
                    "The client secret is wrong or was revoked.",
                )));
            }
            if state.token_failures.client_over(&env.id, state.clock.now()) {
                return Err(Failed::Uncounted(slow_down()));
            }
            true
        }
        None => false,
    };
    let fail = |r: TokenRefusal| {
        if confidential {
            Failed::Client(env.id.clone(), r)
        } else {
            Failed::Caller(r)
        }
    };

    let code = req
        .code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| {
            fail(refuse(
                400,
                "invalid_request",
                "Send the code from the redirect.",
            ))
        })?;
    let code_hash = hash_token(code);
    let now = state.clock.now();
    // Read, not spent: a request that fails below leaves the code to its rightful client.
    let invalid = |why: &str| {
        fail(refuse(
            400,
            "invalid_grant",
            format!(
                "The code is {why}: codes work once, within {} minutes.",
                CODE_SECONDS / 60
            ),
        ))
    };
    let row = match state.store.code(&code_hash).await.map_err(internal)? {
        None => return Err(invalid("unknown")),
        Some(row) if row.used_at.is_some() => return Err(invalid("used")),
        Some(row) if row.expires_at <= now => return Err(invalid("expired")),
        Some(row) => row,
    };
    if row.client_id != client || row.environment_id != env.id {
        return Err(fail(refuse(
            400,
            "invalid_grant",
            "The code was issued to another client.",
        )));
    }
    if let Some(uri) = req.redirect_uri.as_deref() {
        if uri != row.redirect_uri {
            return Err(fail(refuse(
                400,
                "invalid_grant",
                "redirect_uri differs from the one the code was sent to.",
            )));
        }
    }
    match (&row.code_challenge, req.code_verifier.as_deref()) {
        (Some(challenge), Some(verifier)) => {
            let computed = base64_url(&Sha256::digest(verifier.as_bytes()));
            if !constant_time_eq(computed.as_bytes(), challenge.as_bytes()) {
                return Err(fail(refuse(
                    400,
                    "invalid_grant",
                    "The code_verifier does not match the code_challenge.",
                )));
            }
        }
        (Some(_), None) => {
            return Err(fail(refuse(
                400,
                "invalid_grant",
                "This code was issued with \
            PKCE: send its code_verifier.",
            )))
        }
        (None, Some(_)) => {
            return Err(fail(refuse(
                400,
                "invalid_grant",
                "This code was issued \
            without PKCE; drop code_verifier or start over with a code_challenge.",
            )))
        }
        (None, None) => {}
    }
    if !confidential && row.code_challenge.is_none() {
        return Err(fail(refuse(
            401,
            "invalid_client",
            "Without a client secret, the sign-in must use PKCE (code_challenge with S256).",
        )));
    }
    // The client is who the code was issued to: now the code is spent, atomically, so of two
    // concurrent redemptions one wins.
    let row = match state
        .store
        .redeem_code(&code_hash, now)
        .await
        .map_err(internal)?
    {
        crate::server::store::CodeRedeemed::Ok(row) => row,
        crate::server::store::CodeRedeemed::Invalid(why) => return Err(invalid(why)),
    };
    let mut grant: Grant =
        serde_json::from_str(&row.grant).map_err(|e| internal(StoreError::Other(e.to_string())))?;
    // One person, one profile: what the organization's directory knows of them, as of now.
    crate::server::directories::profile::enrich(state, &mut grant.profile)
        .await
        .map_err(|e| internal(StoreError::Other(format!("{:?}", e.code))))?;
    Ok(TokenResponse {
        profile: grant.profile,
        idp_initiated: grant.idp_initiated,
    })
}

fn base64_url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_uris_are_exact_and_safe() {
        assert!(check_redirect_uri("https://app.example.com/sso/callback").is_ok());
        assert!(check_redirect_uri("http://localhost:3000/callback").is_ok());
        assert!(check_redirect_uri("http://127.0.0.1:8765/cb").is_ok());
        assert!(check_redirect_uri("myapp://callback").is_ok());
        assert!(check_redirect_uri("http://app.example.com/callback")
            .unwrap_err()
            .contains("https"));
        assert!(check_redirect_uri("https://*.example.com/cb")
            .unwrap_err()
            .contains("wildcard"));
        assert!(check_redirect_uri("https://app.example.com/cb#x")
            .unwrap_err()
            .contains("fragment"));
        assert!(check_redirect_uri("javascript:alert(1)").is_err());
        assert!(check_redirect_uri("/relative").is_err());
    }

    #[test]
    fn parameters_are_added_to_the_query() {
        assert_eq!(
            with_params(
                "https://a.example/cb?x=1",
                &[("code", "c d"), ("state", "s&t")]
            ),
            "https://a.example/cb?x=1&code=c+d&state=s%26t"
        );
        assert_eq!(
            with_params("myapp://callback", &[("code", "abc")]),
            "myapp://callback?code=abc"
        );
    }

    #[test]
    fn profile_ids_are_stable_per_person_and_connection() {
        assert_eq!(profile_id("conn_1", "jane"), profile_id("conn_1", "jane"));
        assert_ne!(profile_id("conn_1", "jane"), profile_id("conn_2", "jane"));
        assert_ne!(profile_id("conn_1", "jane"), profile_id("conn_1", "john"));
        assert!(profile_id("conn_1", "jane").starts_with("prof_"));
    }

    #[test]
    fn failure_counters_stay_bounded_however_many_callers() {
        let budgets = TokenBudgets::default();
        let started = std::time::Instant::now();
        for i in 0..(MAX_TRACKED as u32 + 5_000) {
            budgets.note_caller(
                Some(std::net::IpAddr::V4(std::net::Ipv4Addr::from(
                    0x0a00_0000 + i,
                ))),
                T,
            );
        }
        let (clients, callers) = budgets.tracked();
        assert_eq!(clients, 0);
        assert!(
            callers <= MAX_TRACKED && callers > MAX_TRACKED / 2,
            "{callers}"
        );
        assert!(
            started.elapsed() < std::time::Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        // The newest caller is among those kept.
        assert!(budgets.inner.lock().is_ok_and(|b| b.callers.contains(&Some(
            std::net::IpAddr::V4(std::net::Ipv4Addr::from(
                0x0a00_0000 + MAX_TRACKED as u32 + 4_999
            ))
        ))));
        // A minute on, the stale counts make room instead of the oldest live one.
        budgets.note_caller(None, T + 60);
        assert_eq!(budgets.tracked(), (0, 1));
    }

    #[test]
    fn a_caller_holding_a_whole_ipv6_prefix_is_one_caller() {
        let budgets = TokenBudgets::default();
        let mut slowed = false;
        for i in 0..=TOKEN_FAILURES_PER_MINUTE {
            let ip: std::net::IpAddr = format!("2001:db8:1:2::{i:x}")
                .parse()
                .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST));
            slowed = budgets.note_caller(Some(ip), T);
        }
        assert!(slowed, "eleven failures from one /64 in a minute");
        assert_eq!(budgets.tracked(), (0, 1));
        // Counts start again once the minute is over.
        assert!(!budgets.note_caller("2001:db8:1:2::1".parse().ok(), T + 60));
        // The client's own budget is apart from every caller's.
        assert!(!budgets.client_over("env_a", T));
        for _ in 0..TOKEN_FAILURES_PER_MINUTE {
            budgets.note_client("env_a", T);
        }
        assert!(budgets.client_over("env_a", T));
        assert!(!budgets.client_over("env_a", T + 60));
    }

    const T: i64 = 1_795_392_000;

    #[test]
    fn client_ids_name_their_environment() {
        assert_eq!(client_id("env_abc123"), "client_abc123");
    }
}
