//! The test sign-in as a relying party: authorization code flow with PKCE, state and nonce; the
//! ID token verified against the provider's key set; userinfo when the ID token lacks the
//! profile claims.

use super::{provider, Guarded};
use crate::api::test_sign_in::{FailureCode, ReceivedAttribute, Rejection};
use crate::server::connections::StoredOidc;
use crate::server::fetch::{FetchError, Fetcher};
use crate::server::time::rfc3339;
use base64::Engine;
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreClientAuthMethod, CoreErrorResponseType,
    CoreJwsSigningAlgorithm,
};
use openidconnect::{
    AuthType, AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RequestTokenError,
    Scope, SignatureVerificationError, StandardErrorResponse, TokenResponse,
};
use serde_json::{Map, Value};

/// What the browser needs to start, and what must be remembered until the callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthStart {
    /// The provider's authorization URL with every parameter; send the browser there.
    pub url: String,
    /// The `state` sent; the callback must bring it back unchanged.
    pub state: String,
    /// The `nonce` sent; the ID token must carry it.
    pub nonce: String,
    /// The PKCE code verifier whose S256 challenge was sent; the token request proves it.
    pub pkce_verifier: String,
}

/// Builds the authorization URL (scopes `openid email profile`; PKCE S256; state; nonce).
///
/// Uses discovery again (through the fetcher) so a changed provider is noticed; errors map to
/// [`FailureCode::OidcProviderUnreachable`] with a `problem` fact.
pub async fn start(
    fetcher: &Fetcher,
    cfg: &StoredOidc,
    redirect_uri: &str,
) -> Result<AuthStart, Rejection> {
    let meta = provider(fetcher, &cfg.issuer).await.map_err(unreachable)?;
    let redirect = redirect_url(redirect_uri)?;
    let client =
        CoreClient::from_provider_metadata(meta, ClientId::new(cfg.client_id.clone()), None)
            .set_redirect_uri(redirect);
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge)
        .url();
    Ok(AuthStart {
        url: url.to_string(),
        state: state.secret().clone(),
        nonce: nonce.secret().clone(),
        pkce_verifier: verifier.secret().clone(),
    })
}

/// What a successful callback established.
#[derive(Debug, Clone, PartialEq)]
pub struct OidcOutcome {
    /// The ID token's `sub`.
    pub subject: String,
    /// Every claim from the ID token, plus userinfo claims the ID token lacked, one entry per claim
    /// (`name` = claim name, `values` = strings; arrays become several values; other JSON as JSON text; format/friendly_name None).
    pub claims: Vec<ReceivedAttribute>,
    /// The decoded ID token payload as JSON (never the raw token).
    pub id_token_claims: Value,
}

/// Signature algorithms accepted on ID tokens. Never `none`, and never the HMAC family: an
/// HS256 token is signed with the client secret, which Portico holds, so it proves nothing
/// about the provider.
const ALLOWED_ALGS: [CoreJwsSigningAlgorithm; 9] = [
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha384,
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha512,
    CoreJwsSigningAlgorithm::RsaSsaPssSha256,
    CoreJwsSigningAlgorithm::RsaSsaPssSha384,
    CoreJwsSigningAlgorithm::RsaSsaPssSha512,
    CoreJwsSigningAlgorithm::EcdsaP256Sha256,
    CoreJwsSigningAlgorithm::EcdsaP384Sha384,
    CoreJwsSigningAlgorithm::EdDsa,
];

/// [`ALLOWED_ALGS`] as they appear in a JOSE header.
const ALLOWED_ALG_NAMES: [&str; 9] = [
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA",
];

/// Whether two endpoints (either may be absent) are on the same scheme, host and port: where a
/// client secret may go is decided by origin, not by path.
pub fn same_origin(a: Option<&str>, b: Option<&str>) -> bool {
    let origin = |u: Option<&str>| {
        u.and_then(|u| url::Url::parse(u).ok())
            .map(|u| u.origin().ascii_serialization())
    };
    origin(a) == origin(b)
}

/// Exchanges the code and verifies the ID token.
///
/// Client authentication is `client_secret_basic` unless the provider lists only
/// `client_secret_post`. The ID token's signature is checked against the key set fetched by
/// discovery just now (so rotated keys are picked up), then its issuer, audience, expiry
/// (with `skew_seconds` of tolerance around `now`, unix seconds) and nonce. Userinfo is read
/// when the ID token lacks `email`, `given_name` or `family_name` and the provider has a
/// userinfo endpoint; its `sub` must match.
#[allow(clippy::too_many_arguments)]
pub async fn finish(
    fetcher: &Fetcher,
    cfg: &StoredOidc,
    client_secret: &str,
    redirect_uri: &str,
    code: &str,
    nonce: &str,
    pkce_verifier: &str,
    now: i64,
    skew_seconds: i64,
) -> Result<OidcOutcome, Rejection> {
    let meta = provider(fetcher, &cfg.issuer).await.map_err(unreachable)?;
    // The secret goes only where it was entered for: a discovery document that moved the token
    // endpoint to another origin since then does not get it.
    let live_endpoint = meta.token_endpoint().map(|u| u.to_string());
    if live_endpoint.is_some()
        && !same_origin(live_endpoint.as_deref(), cfg.token_endpoint.as_deref())
    {
        return Err(exchange_failed(
            "token_endpoint_moved",
            &format!(
                "The provider's discovery document now names the token endpoint {}, not the one the \
                    client secret was saved for ({}). Portico does not send the secret there: enter \
                    the OpenID Connect details and the client secret again.",
                live_endpoint.as_deref().unwrap_or_default(),
                cfg.token_endpoint.as_deref().unwrap_or("none")
            ),
            None,
        ));
    }
    let redirect = redirect_url(redirect_uri)?;
    let issuer = meta.issuer().to_string();
    let auth_type = auth_type(
        meta.token_endpoint_auth_methods_supported()
            .map(Vec::as_slice),
    );
    let userinfo_endpoint = meta.userinfo_endpoint().map(|u| u.to_string());
    let client = CoreClient::from_provider_metadata(
        meta,
        ClientId::new(cfg.client_id.clone()),
        Some(ClientSecret::new(client_secret.to_owned())),
    )
    .set_redirect_uri(redirect)
    .set_auth_type(auth_type);

    let transport = Guarded::new(fetcher);
    let request = client
        .exchange_code(AuthorizationCode::new(code.to_owned()))
        .map_err(|_| {
            exchange_failed(
                "no_token_endpoint",
                "The provider's discovery document names no token \
            endpoint, so the code cannot be exchanged.",
                None,
            )
        })?;
    let token = request
        .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_owned()))
        .request_async(&transport)
        .await
        .map_err(|e| token_error(e, &cfg.client_id, transport.last_status()))?;

    let id_token = token.id_token().ok_or_else(|| {
        invalid(
            "The token endpoint answered without an ID token. Check that the application is an \
            OpenID Connect app and allows the openid scope.",
        )
    })?;
    // The compact form as received: the library serializes an ID token back to its original
    // signing input and signature.
    let raw = match serde_json::to_value(id_token) {
        Ok(Value::String(s)) => s,
        _ => return Err(invalid("The ID token could not be read back.")),
    };
    let (header, payload) = decode_unverified(&raw)
        .ok_or_else(|| invalid("The ID token is not a readable JSON Web Token."))?;
    check_algorithm(&header)?;

    let verifier_now = chrono::DateTime::from_timestamp(now.saturating_sub(skew_seconds), 0)
        .ok_or_else(|| invalid("Portico's clock is out of range."))?;
    let latest_iat = now.saturating_add(skew_seconds);
    let verifier = client
        .id_token_verifier()
        .set_allowed_algs(ALLOWED_ALGS)
        // Tolerating skew both ways: `exp` may lie up to `skew_seconds` behind our clock, and
        // `iat` up to `skew_seconds` ahead of it.
        .set_time_fn(move || verifier_now)
        .set_issue_time_verifier_fn(move |iat| {
            if iat.timestamp() > latest_iat {
                Err("issued in the future".to_owned())
            } else {
                Ok(())
            }
        });
    let expected_nonce = Nonce::new(nonce.to_owned());
    let verified = id_token.claims(&verifier, &expected_nonce).map_err(|e| {
        claims_error(
            e,
            &header,
            &payload,
            &issuer,
            &cfg.client_id,
            now,
            skew_seconds,
        )
    })?;
    let subject = verified.subject().to_string();

    let Value::Object(id_claims) = &payload else {
        return Err(invalid("The ID token's payload is not a JSON object."));
    };
    let mut claims = claim_attributes(id_claims.iter());
    if needs_userinfo(id_claims) {
        if let Some(endpoint) = userinfo_endpoint {
            let extra =
                userinfo(fetcher, &endpoint, token.access_token().secret(), &subject).await?;
            claims.extend(claim_attributes(
                extra
                    .iter()
                    .filter(|(name, _)| !id_claims.contains_key(*name)),
            ));
        }
    }
    Ok(OidcOutcome {
        subject,
        claims,
        id_token_claims: payload,
    })
}

/// Maps the provider's `error`/`error_description` callback parameters to a rejection
/// ([`FailureCode::OidcIdpError`] with facts `error` and, when sent, `error_description`).
pub fn idp_error(error: &str, description: Option<&str>) -> Rejection {
    let mut r = Rejection::new(FailureCode::OidcIdpError).fact(
        "error",
        "Error the identity provider sent",
        error,
    );
    if let Some(d) = description.map(str::trim).filter(|d| !d.is_empty()) {
        r = r.fact("error_description", "Its explanation", d);
    }
    r
}

fn unreachable(problem: String) -> Rejection {
    Rejection::new(FailureCode::OidcProviderUnreachable).fact("problem", "What went wrong", problem)
}

fn invalid(problem: &str) -> Rejection {
    Rejection::new(FailureCode::OidcIdTokenInvalid).fact(
        "problem",
        "What is wrong with the ID token",
        problem,
    )
}

fn exchange_failed(error: &str, description: &str, status: Option<u16>) -> Rejection {
    let mut r = Rejection::new(FailureCode::OidcTokenExchangeFailed)
        .fact("error", "Error the token endpoint sent", error)
        .fact("error_description", "Its explanation", description);
    if let Some(s) = status {
        r = r.fact(
            "status",
            "HTTP status of the token endpoint's answer",
            s.to_string(),
        );
    }
    r
}

fn userinfo_failed(problem: String) -> Rejection {
    Rejection::new(FailureCode::OidcUserinfoFailed).fact("problem", "What went wrong", problem)
}

fn redirect_url(redirect_uri: &str) -> Result<RedirectUrl, Rejection> {
    // Portico builds this URL from its own public URL, so a failure here is a setup problem on
    // Portico's side; it is reported with the other "could not talk to the provider" cases.
    RedirectUrl::new(redirect_uri.to_owned()).map_err(|_| {
        unreachable(format!(
            "Portico's redirect URI `{redirect_uri}` is not a valid \
            URL. Check Portico's public URL setting."
        ))
    })
}

/// `client_secret_basic` is the default the specification requires providers to support; use
/// the form body only when the provider says that is all it accepts.
fn auth_type(supported: Option<&[CoreClientAuthMethod]>) -> AuthType {
    match supported {
        Some(methods)
            if methods.contains(&CoreClientAuthMethod::ClientSecretPost)
                && !methods.contains(&CoreClientAuthMethod::ClientSecretBasic) =>
        {
            AuthType::RequestBody
        }
        _ => AuthType::BasicAuth,
    }
}

type TokenError = RequestTokenError<FetchError, StandardErrorResponse<CoreErrorResponseType>>;

fn token_error(e: TokenError, client_id: &str, status: Option<u16>) -> Rejection {
    match e {
        RequestTokenError::ServerResponse(resp) => {
            let description = resp.error_description().cloned().unwrap_or_default();
            if *resp.error() == CoreErrorResponseType::InvalidClient {
                let mut r = Rejection::new(FailureCode::OidcClientAuthFailed)
                    .fact("client_id", "Client ID Portico sent", client_id)
                    .fact("error", "Error the token endpoint sent", "invalid_client")
                    .fact("error_description", "Its explanation", description);
                if let Some(s) = status {
                    r = r.fact(
                        "status",
                        "HTTP status of the token endpoint's answer",
                        s.to_string(),
                    );
                }
                r
            } else {
                exchange_failed(resp.error().as_ref(), &description, status)
            }
        }
        RequestTokenError::Request(f) => {
            unreachable(format!("Could not reach the token endpoint: {}", f.0))
        }
        RequestTokenError::Parse(err, body) => {
            // A 200 whose body does not parse is most often an ID token the library cannot read
            // (an unknown algorithm, a claim of the wrong type); say so rather than "bad response".
            let id_token = serde_json::from_slice::<Value>(&body)
                .ok()
                .and_then(|v| v.get("id_token").and_then(Value::as_str).map(str::to_owned));
            match (status, id_token) {
                (Some(200), Some(raw)) => match decode_unverified(&raw) {
                    Some((header, _)) => match check_algorithm(&header) {
                        Err(r) => r,
                        Ok(()) => invalid(&format!("The ID token could not be read: {err}.")),
                    },
                    None => invalid("The ID token is not a readable JSON Web Token."),
                },
                _ => exchange_failed(
                    "invalid_response",
                    &format!(
                        "The token endpoint's answer could not be read ({err}): {}",
                        excerpt(&body)
                    ),
                    status,
                ),
            }
        }
        RequestTokenError::Other(msg) => exchange_failed(
            "invalid_response",
            &format!("The token endpoint's answer could not be used: {msg}."),
            status,
        ),
    }
}

/// The start of a body, for a fact: enough to recognise an HTML error page or a proxy's answer.
fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text.chars().take(300).collect();
    if text.chars().count() > 300 {
        out.push('…');
    }
    out
}

/// The JOSE header and payload of a compact JWT, without checking anything. Only used to
/// explain a failure (which algorithm, which audience) and, after verification, to keep every
/// claim including ones the typed library drops.
fn decode_unverified(raw: &str) -> Option<(Value, Value)> {
    let mut parts = raw.split('.');
    let (header, payload) = (parts.next()?, parts.next()?);
    let decode = |part: &str| {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(part.trim_end_matches('='))
            .ok()?;
        serde_json::from_slice::<Value>(&bytes).ok()
    };
    Some((decode(header)?, decode(payload)?))
}

fn check_algorithm(header: &Value) -> Result<(), Rejection> {
    let alg = header.get("alg").and_then(Value::as_str).unwrap_or("");
    if ALLOWED_ALG_NAMES.contains(&alg) {
        return Ok(());
    }
    let shown = if alg.is_empty() { "(none given)" } else { alg };
    Err(Rejection::new(FailureCode::OidcAlgorithmNotAllowed).fact(
        "algorithm",
        "Algorithm the ID token is signed with",
        shown,
    ))
}

/// Turns the verifier's refusal into the specific code, with the values from the token.
fn claims_error(
    e: ClaimsVerificationError,
    header: &Value,
    payload: &Value,
    issuer: &str,
    client_id: &str,
    now: i64,
    skew: i64,
) -> Rejection {
    let claim = |name: &str| payload.get(name);
    match e {
        ClaimsVerificationError::InvalidIssuer(_) => {
            Rejection::new(FailureCode::OidcIssuerMismatch)
                .fact("expected", "Issuer Portico expects", issuer)
                .fact(
                    "received",
                    "Issuer in the ID token",
                    claim("iss")
                        .map(value_text)
                        .unwrap_or_else(|| "(missing)".into()),
                )
        }
        ClaimsVerificationError::InvalidAudience(_) => {
            let received = match claim("aud") {
                Some(Value::Array(a)) => a.iter().map(value_text).collect::<Vec<_>>().join(", "),
                Some(v) => value_text(v),
                None => "(missing)".into(),
            };
            Rejection::new(FailureCode::OidcAudienceMismatch)
                .fact(
                    "expected",
                    "Audience Portico expects (its client ID)",
                    client_id,
                )
                .fact("received", "Audience in the ID token", received)
        }
        ClaimsVerificationError::Expired(_) => {
            let exp = claim("exp").and_then(Value::as_f64).map(|f| f as i64);
            let iat = claim("iat").and_then(Value::as_f64).map(|f| f as i64);
            let problem = match (exp, iat) {
                (Some(exp), _) if exp <= now.saturating_sub(skew) => {
                    "The ID token had expired by Portico's clock."
                }
                (_, Some(iat)) if iat > now.saturating_add(skew) => {
                    "The ID token was issued later \
                    than Portico's clock says it is now."
                }
                _ => "The ID token is outside its validity period by Portico's clock.",
            };
            let mut r = Rejection::new(FailureCode::OidcTokenExpired)
                .fact("our_clock", "Portico's clock", rfc3339(now))
                .fact(
                    "expires_at",
                    "ID token expires at",
                    exp.map(rfc3339).unwrap_or_else(|| "(missing)".into()),
                );
            if let Some(iat) = iat {
                r = r.fact("issued_at", "ID token issued at", rfc3339(iat));
            }
            r.fact(
                "skew_allowed",
                "Clock difference allowed",
                format!("{skew} seconds"),
            )
            .fact("problem", "What went wrong", problem)
        }
        ClaimsVerificationError::InvalidNonce(_) => {
            let problem = if claim("nonce").is_some() {
                "The ID token carries a different nonce from the one Portico sent with this \
                    sign-in, so it belongs to another sign-in."
            } else {
                "The ID token carries no nonce, although Portico sent one with the sign-in request."
            };
            Rejection::new(FailureCode::OidcNonceMismatch).fact(
                "problem",
                "What went wrong",
                problem,
            )
        }
        ClaimsVerificationError::SignatureVerification(sig) => match sig {
            SignatureVerificationError::DisallowedAlg(_)
            | SignatureVerificationError::UnsupportedAlg(_)
            | SignatureVerificationError::NoSignature => {
                check_algorithm(header).err().unwrap_or_else(|| {
                    invalid(
                        "The ID token's signature \
                    algorithm cannot be used.",
                    )
                })
            }
            SignatureVerificationError::NoMatchingKey => {
                let kid = header
                    .get("kid")
                    .and_then(Value::as_str)
                    .unwrap_or("(none given)");
                invalid(&format!(
                    "No key in the provider's key set (JWKS) matches the key the ID token was \
                        signed with (key ID {kid}). The provider may sign with a key it does not publish."
                ))
            }
            SignatureVerificationError::CryptoError(_) => invalid(
                "The ID token's signature does not match the provider's published key \
                    (JWKS). The token was altered or signed with another key.",
            ),
            other => invalid(&format!(
                "The ID token's signature could not be checked: {other}."
            )),
        },
        other => invalid(&format!("The ID token was refused: {other}.")),
    }
}

/// A claim value as text: strings verbatim, anything else as JSON.
fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// One attribute per claim; an array's elements become its values.
fn claim_attributes<'a>(
    claims: impl Iterator<Item = (&'a String, &'a Value)>,
) -> Vec<ReceivedAttribute> {
    claims
        .map(|(name, value)| ReceivedAttribute {
            name: name.clone(),
            format: None,
            friendly_name: None,
            values: match value {
                Value::Array(items) => items.iter().map(value_text).collect(),
                other => vec![value_text(other)],
            },
        })
        .collect()
}

/// Many providers put only `sub` in the ID token and the profile in userinfo.
fn needs_userinfo(claims: &Map<String, Value>) -> bool {
    ["email", "given_name", "family_name"]
        .iter()
        .any(|c| !claims.contains_key(*c))
}

/// Reads userinfo with the access token; it must describe the same subject.
async fn userinfo(
    fetcher: &Fetcher,
    endpoint: &str,
    access_token: &str,
    subject: &str,
) -> Result<Map<String, Value>, Rejection> {
    let resp = fetcher
        .get_bearer(endpoint, access_token, "application/json")
        .await
        .map_err(|e| userinfo_failed(format!("Could not reach the userinfo endpoint: {}", e.0)))?;
    let status = resp.status().as_u16();
    if !resp.status().is_success() {
        let detail = resp
            .headers()
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok())
            .map(|v| format!(" ({v})"))
            .unwrap_or_default();
        return Err(userinfo_failed(format!(
            "The userinfo endpoint answered HTTP {status}{detail}."
        )));
    }
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if content_type.starts_with("application/jwt") {
        return Err(userinfo_failed(
            "The userinfo endpoint answers with a signed or encrypted JWT, which Portico does not \
                read. Configure the app for plain JSON userinfo, or put email and names in the ID token."
                .into(),
        ));
    }
    let Ok(Value::Object(claims)) = serde_json::from_slice::<Value>(resp.body()) else {
        return Err(userinfo_failed(format!(
            "The userinfo answer is not a JSON object: {}",
            excerpt(resp.body())
        )));
    };
    match claims.get("sub").and_then(Value::as_str) {
        Some(sub) if sub == subject => Ok(claims),
        Some(sub) => Err(userinfo_failed(format!(
            "The userinfo endpoint describes a different user (sub {sub}) from the ID token (sub {subject})."
        ))),
        None => Err(userinfo_failed("The userinfo answer has no sub claim, so it cannot be matched \
            to the ID token.".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn attrs(v: Value) -> Vec<ReceivedAttribute> {
        claim_attributes(v.as_object().unwrap().iter())
    }

    fn fact<'a>(r: &'a Rejection, key: &str) -> &'a str {
        &r.facts
            .iter()
            .find(|f| f.key == key)
            .unwrap_or_else(|| panic!("no fact {key} in {r:?}"))
            .value
    }

    #[test]
    fn claims_become_attributes() {
        let got = attrs(json!({
            "email": "ada@example.test",
            "groups": ["admins", "staff", 7],
            "email_verified": true,
            "updated_at": 1700000000,
            "address": {"country": "UK"},
            "middle_name": null
        }));
        let find = |n: &str| got.iter().find(|a| a.name == n).unwrap().values.clone();
        assert_eq!(got.len(), 6);
        assert_eq!(find("email"), ["ada@example.test"]);
        assert_eq!(find("groups"), ["admins", "staff", "7"]);
        assert_eq!(find("email_verified"), ["true"]);
        assert_eq!(find("updated_at"), ["1700000000"]);
        assert_eq!(find("address"), [r#"{"country":"UK"}"#]);
        assert_eq!(find("middle_name"), ["null"]);
        assert!(got
            .iter()
            .all(|a| a.format.is_none() && a.friendly_name.is_none()));
    }

    #[test]
    fn empty_array_claim_has_no_values() {
        assert_eq!(attrs(json!({"groups": []}))[0].values, Vec::<String>::new());
    }

    #[test]
    fn userinfo_only_when_profile_claims_are_missing() {
        let full = json!({"sub": "1", "email": "a@b.c", "given_name": "A", "family_name": "B"});
        assert!(!needs_userinfo(full.as_object().unwrap()));
        for missing in ["email", "given_name", "family_name"] {
            let mut c = full.as_object().unwrap().clone();
            c.remove(missing);
            assert!(needs_userinfo(&c), "{missing}");
        }
    }

    #[test]
    fn basic_unless_only_post_is_offered() {
        use CoreClientAuthMethod::{ClientSecretBasic, ClientSecretPost, PrivateKeyJwt};
        let basic =
            |m: Option<&[CoreClientAuthMethod]>| matches!(auth_type(m), AuthType::BasicAuth);
        assert!(basic(None));
        assert!(basic(Some(&[ClientSecretBasic, ClientSecretPost])));
        assert!(!basic(Some(&[ClientSecretPost])));
        assert!(!basic(Some(&[PrivateKeyJwt, ClientSecretPost])));
        assert!(basic(Some(&[PrivateKeyJwt])));
    }

    #[test]
    fn idp_error_keeps_both_parameters() {
        let r = idp_error("access_denied", Some("User cancelled"));
        assert_eq!(r.code, FailureCode::OidcIdpError);
        assert_eq!(fact(&r, "error"), "access_denied");
        assert_eq!(fact(&r, "error_description"), "User cancelled");
        let r = idp_error("login_required", None);
        assert_eq!(r.facts.len(), 1);
    }

    #[test]
    fn only_asymmetric_algorithms_pass() {
        for ok in ALLOWED_ALG_NAMES {
            assert!(check_algorithm(&json!({"alg": ok})).is_ok(), "{ok}");
        }
        for bad in ["none", "HS256", "HS384", "HS512", "ES512", "", "rs256"] {
            let r = check_algorithm(&json!({"alg": bad})).unwrap_err();
            assert_eq!(r.code, FailureCode::OidcAlgorithmNotAllowed);
            assert!(!fact(&r, "algorithm").is_empty());
        }
        let r = check_algorithm(&json!({})).unwrap_err();
        assert_eq!(fact(&r, "algorithm"), "(none given)");
        // Both lists name the same algorithms.
        let names: Vec<String> = ALLOWED_ALGS
            .iter()
            .map(|a| {
                serde_json::to_value(a)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(names, ALLOWED_ALG_NAMES);
    }

    #[test]
    fn decodes_unverified_parts() {
        let enc = |v: Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
        let raw = format!(
            "{}.{}.sig",
            enc(json!({"alg": "RS256", "kid": "k"})),
            enc(json!({"sub": "x"}))
        );
        let (h, p) = decode_unverified(&raw).unwrap();
        assert_eq!(h["kid"], "k");
        assert_eq!(p["sub"], "x");
        assert!(decode_unverified("not a token").is_none());
        assert!(decode_unverified("a.b").is_none());
    }

    const NOW: i64 = 1_795_392_000;

    fn verify_err(e: ClaimsVerificationError, payload: Value) -> Rejection {
        claims_error(
            e,
            &json!({"alg": "RS256", "kid": "k1"}),
            &payload,
            "https://idp.test",
            "portico",
            NOW,
            60,
        )
    }

    #[test]
    fn verifier_errors_become_specific_codes() {
        let r = verify_err(
            ClaimsVerificationError::InvalidIssuer("x".into()),
            json!({"iss": "https://evil.test"}),
        );
        assert_eq!(r.code, FailureCode::OidcIssuerMismatch);
        assert_eq!(
            (fact(&r, "expected"), fact(&r, "received")),
            ("https://idp.test", "https://evil.test")
        );

        let r = verify_err(
            ClaimsVerificationError::InvalidAudience("x".into()),
            json!({"aud": ["other", "third"]}),
        );
        assert_eq!(r.code, FailureCode::OidcAudienceMismatch);
        assert_eq!(
            (fact(&r, "expected"), fact(&r, "received")),
            ("portico", "other, third")
        );
        let r = verify_err(
            ClaimsVerificationError::InvalidAudience("x".into()),
            json!({"aud": "other"}),
        );
        assert_eq!(fact(&r, "received"), "other");

        let r = verify_err(
            ClaimsVerificationError::Expired("x".into()),
            json!({"exp": NOW - 3600, "iat": NOW - 7200}),
        );
        assert_eq!(r.code, FailureCode::OidcTokenExpired);
        assert_eq!(fact(&r, "our_clock"), "2026-11-23T00:00:00Z");
        assert_eq!(fact(&r, "expires_at"), "2026-11-22T23:00:00Z");
        assert_eq!(fact(&r, "issued_at"), "2026-11-22T22:00:00Z");
        assert_eq!(fact(&r, "skew_allowed"), "60 seconds");
        assert!(fact(&r, "problem").contains("expired"));
        let r = verify_err(
            ClaimsVerificationError::Expired("x".into()),
            json!({"exp": NOW + 7200, "iat": NOW + 3600}),
        );
        assert!(fact(&r, "problem").contains("issued later"), "{r:?}");

        let r = verify_err(
            ClaimsVerificationError::InvalidNonce("x".into()),
            json!({"nonce": "n"}),
        );
        assert_eq!(r.code, FailureCode::OidcNonceMismatch);
        assert!(fact(&r, "problem").contains("different nonce"));
        let r = verify_err(ClaimsVerificationError::InvalidNonce("x".into()), json!({}));
        assert!(fact(&r, "problem").contains("no nonce"));

        let r = verify_err(
            ClaimsVerificationError::SignatureVerification(
                SignatureVerificationError::NoMatchingKey,
            ),
            json!({}),
        );
        assert_eq!(r.code, FailureCode::OidcIdTokenInvalid);
        assert!(fact(&r, "problem").contains("k1"));
        let r = verify_err(
            ClaimsVerificationError::SignatureVerification(
                SignatureVerificationError::CryptoError("bad".into()),
            ),
            json!({}),
        );
        assert_eq!(r.code, FailureCode::OidcIdTokenInvalid);

        let r = claims_error(
            ClaimsVerificationError::SignatureVerification(SignatureVerificationError::NoSignature),
            &json!({"alg": "none"}),
            &json!({}),
            "https://idp.test",
            "portico",
            NOW,
            60,
        );
        assert_eq!(
            (r.code, fact(&r, "algorithm")),
            (FailureCode::OidcAlgorithmNotAllowed, "none")
        );
    }

    #[test]
    fn token_endpoint_errors_are_told_apart() {
        let parse = |body: &str| {
            serde_json::from_str::<StandardErrorResponse<CoreErrorResponseType>>(body).unwrap()
        };
        let r = token_error(
            RequestTokenError::ServerResponse(parse(
                r#"{"error":"invalid_client","error_description":"client authentication failed"}"#,
            )),
            "portico",
            Some(401),
        );
        assert_eq!(r.code, FailureCode::OidcClientAuthFailed);
        assert_eq!(
            (fact(&r, "client_id"), fact(&r, "status")),
            ("portico", "401")
        );

        let r = token_error(
            RequestTokenError::ServerResponse(parse(r#"{"error":"invalid_grant"}"#)),
            "portico",
            Some(400),
        );
        assert_eq!(r.code, FailureCode::OidcTokenExchangeFailed);
        assert_eq!(
            (
                fact(&r, "error"),
                fact(&r, "error_description"),
                fact(&r, "status")
            ),
            ("invalid_grant", "", "400")
        );

        let r = token_error(
            RequestTokenError::Request(FetchError("refused".into())),
            "portico",
            None,
        );
        assert_eq!(r.code, FailureCode::OidcProviderUnreachable);

        let r = token_error(
            RequestTokenError::Other("unexpected response Content-Type".into()),
            "portico",
            Some(200),
        );
        assert_eq!(
            (r.code, fact(&r, "error")),
            (FailureCode::OidcTokenExchangeFailed, "invalid_response")
        );
    }
}
