//! The OpenID Connect relying party: discovery when an admin enters an issuer, and the test
//! sign-in (authorization code flow with PKCE, state and nonce; the ID token verified against
//! the provider's key set; userinfo when the ID token lacks the profile claims).
//!
//! Every request, the token request and userinfo included, goes through the guarded
//! [`Fetcher`]. The clock is passed in, never read here, so tests control time.

use crate::server::fetch::{FetchError, Fetcher};
use openidconnect::core::CoreProviderMetadata;
use openidconnect::{AsyncHttpClient, DiscoveryError, HttpRequest, HttpResponse, IssuerUrl};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU16, Ordering};

mod rp;
pub use rp::{finish, idp_error, same_origin, start, AuthStart, OidcOutcome};

/// Lets the OIDC library download only through the guarded fetcher.
struct Guarded<'a> {
    fetcher: &'a Fetcher,
    /// The HTTP status of the last non-GET answer (the token endpoint's), because the library's
    /// error types drop it and the admin's diagnosis shows it. 0 until a request was sent.
    status: AtomicU16,
}

impl<'a> Guarded<'a> {
    fn new(fetcher: &'a Fetcher) -> Self {
        Guarded {
            fetcher,
            status: AtomicU16::new(0),
        }
    }

    fn last_status(&self) -> Option<u16> {
        Some(self.status.load(Ordering::Relaxed)).filter(|s| *s != 0)
    }
}

impl<'c> AsyncHttpClient<'c> for Guarded<'_> {
    type Error = FetchError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, FetchError>> + Send + 'c>>;

    fn call(&'c self, req: HttpRequest) -> Self::Future {
        Box::pin(async move {
            if req.method() == http::Method::GET {
                // Discovery and the key set: any non-success answer is an error in words, and the
                // library sees JSON whatever the provider labelled it (some serve
                // `application/jwk-set+json` or `text/plain`).
                let body = self
                    .fetcher
                    .get(&req.uri().to_string(), "application/json")
                    .await?;
                return http::Response::builder()
                    .status(200)
                    .header("content-type", "application/json")
                    .body(body)
                    .map_err(|e| FetchError(e.to_string()));
            }
            // The token request: the library reads OAuth error bodies from 4xx answers itself.
            let resp = self.fetcher.send(req).await?;
            self.status.store(resp.status().as_u16(), Ordering::Relaxed);
            Ok(resp)
        })
    }
}

/// What discovery established about an issuer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovered {
    /// The issuer, exactly as the provider states it.
    pub issuer: String,
    /// Where users are sent to sign in.
    pub authorization_endpoint: String,
    /// Where codes are exchanged.
    pub token_endpoint: Option<String>,
}

/// Fetches and checks `<issuer>/.well-known/openid-configuration` and its key set.
///
/// Every request goes through the guarded [`Fetcher`], including the `jwks_uri`, which may be
/// on another host.
pub async fn discover(fetcher: &Fetcher, issuer: &str) -> Result<Discovered, String> {
    let meta = provider(fetcher, issuer).await?;
    Ok(Discovered {
        issuer: meta.issuer().to_string(),
        authorization_endpoint: meta.authorization_endpoint().to_string(),
        token_endpoint: meta.token_endpoint().map(|t| t.to_string()),
    })
}

/// The provider's discovery document with its key set, or what is wrong in words.
async fn provider(fetcher: &Fetcher, issuer: &str) -> Result<CoreProviderMetadata, String> {
    let issuer_url =
        IssuerUrl::new(issuer.trim().trim_end_matches('/').to_owned()).map_err(|_| {
            "Enter the issuer as a full URL, like https://login.example.com.".to_string()
        })?;
    let client = Guarded::new(fetcher);
    CoreProviderMetadata::discover_async(issuer_url, &client)
        .await
        .map_err(|e| match e {
            DiscoveryError::Request(f) => format!("Could not read the discovery document: {}", f.0),
            DiscoveryError::Parse(p) => format!(
                "The issuer's discovery document is not valid OpenID Connect metadata (problem at \
                `{}`). Check that this is the issuer URL, not the sign-in page.",
                p.path()
            ),
            DiscoveryError::Validation(v) if v.contains("issuer") => format!(
            "The discovery document names a different issuer. Enter the issuer exactly as your \
                identity provider shows it ({v})."
        ),
            other => format!("The discovery document could not be used: {other}."),
        })
}
