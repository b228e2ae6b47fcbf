//! The OpenID Connect relying party side: discovery, checked with a typed client.

use crate::server::fetch::{FetchError, Fetcher};
use openidconnect::core::CoreProviderMetadata;
use openidconnect::{AsyncHttpClient, DiscoveryError, HttpRequest, HttpResponse, IssuerUrl};
use std::future::Future;
use std::pin::Pin;

/// Lets the OIDC library download only through the guarded fetcher.
struct Guarded<'a>(&'a Fetcher);

impl<'c> AsyncHttpClient<'c> for Guarded<'_> {
    type Error = FetchError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, FetchError>> + Send + 'c>>;

    fn call(&'c self, req: HttpRequest) -> Self::Future {
        let url = req.uri().to_string();
        Box::pin(async move {
            let body = self.0.get(&url, "application/json").await?;
            http::Response::builder()
                .status(200)
                .header("content-type", "application/json")
                .body(body)
                .map_err(|e| FetchError(e.to_string()))
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
    let issuer_url = IssuerUrl::new(issuer.trim().trim_end_matches('/').to_owned())
        .map_err(|_| "Enter the issuer as a full URL, like https://login.example.com.".to_string())?;
    let client = Guarded(fetcher);
    let meta = CoreProviderMetadata::discover_async(issuer_url, &client).await.map_err(|e| match e {
        DiscoveryError::Request(f) => format!("Could not read the discovery document: {}", f.0),
        DiscoveryError::Parse(p) => format!(
            "The issuer's discovery document is not valid OpenID Connect metadata (problem at `{}`). Check that this is the issuer URL, not the sign-in page.",
            p.path()
        ),
        DiscoveryError::Validation(v) if v.contains("issuer") => format!(
            "The discovery document names a different issuer. Enter the issuer exactly as your identity provider shows it ({v})."
        ),
        other => format!("The discovery document could not be used: {other}."),
    })?;
    Ok(Discovered {
        issuer: meta.issuer().to_string(),
        authorization_endpoint: meta.authorization_endpoint().to_string(),
        token_endpoint: meta.token_endpoint().map(|t| t.to_string()),
    })
}
