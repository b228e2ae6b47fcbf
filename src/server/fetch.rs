//! Downloads from URLs an admin typed in (SAML metadata, OIDC discovery), guarded against
//! server-side request forgery: no special-purpose address ([`crate::core::address`]) unless
//! the operator allow-lists a host, every address a name resolves to checked and the
//! connection pinned to a checked one, no proxy, no redirects, a timeout and a size cap.

use std::net::IpAddr;
use std::time::Duration;

use crate::core::address::{self, Refusal};

/// Largest document we download.
pub const MAX_BYTES: usize = 2 * 1024 * 1024;

/// Why a download failed, in words for the admin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchError(pub String);

/// The guarded downloader.
pub struct Fetcher {
    allowlist: Vec<String>,
    timeout: Duration,
}

impl Fetcher {
    /// A fetcher allowing these private hosts or addresses.
    pub fn new(allowlist: Vec<String>) -> Self {
        Fetcher {
            allowlist,
            timeout: Duration::from_secs(10),
        }
    }

    /// The address policy, with the operator's allow-list (test IdPs on loopback, a metadata
    /// server on the company network) as the one way around it.
    fn check(&self, host: &str, ip: IpAddr) -> Result<(), Refusal> {
        let listed = self
            .allowlist
            .iter()
            .any(|a| a.eq_ignore_ascii_case(host) || a.parse::<IpAddr>().ok() == Some(ip));
        if listed {
            return Ok(());
        }
        address::check(ip)
    }

    /// GETs a URL and returns the body, refusing anything the guard does not allow.
    pub async fn get(&self, raw_url: &str, accept: &str) -> Result<Vec<u8>, FetchError> {
        let (url, host, client) = self.prepare(raw_url).await?;
        let resp = client
            .get(url)
            .header("accept", accept)
            .send()
            .await
            .map_err(|e| self.send_error(&host, e))?;
        let status = resp.status();
        refuse_redirect(&resp)?;
        if !status.is_success() {
            return Err(FetchError(format!(
                "{host} answered with HTTP {}. Check the URL.",
                status.as_u16()
            )));
        }
        read_capped(resp, &host).await
    }

    /// Sends a request built elsewhere (a token request from the OIDC library: POST, form body,
    /// perhaps basic auth) under the same guard, and returns the answer whatever its status, so
    /// the caller can read an error body such as OAuth's `{"error": "invalid_grant"}`.
    /// Redirects are still refused.
    pub async fn send(
        &self,
        req: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Vec<u8>>, FetchError> {
        let (url, host, client) = self.prepare(&req.uri().to_string()).await?;
        let (parts, body) = req.into_parts();
        let resp = client
            .request(parts.method, url)
            .headers(parts.headers)
            .body(body)
            .send()
            .await
            .map_err(|e| self.send_error(&host, e))?;
        respond(resp, &host).await
    }

    /// POSTs a webhook delivery under the same guard and returns the receiver's status code.
    /// The answer's body is never read (a receiver's 2xx is a delivery, however long its
    /// body), and a failure is told without what the guard learned on the way (the address a
    /// name resolved to, a refused private address): the vendor who reads it holds an API key,
    /// not a view into the operator's network.
    pub async fn deliver(&self, req: http::Request<Vec<u8>>) -> Result<u16, DeliveryFailure> {
        let (url, _host, client) = self
            .prepare(&req.uri().to_string())
            .await
            .map_err(|_| DeliveryFailure::Unreachable)?;
        let (parts, body) = req.into_parts();
        let resp = client
            .request(parts.method, url)
            .headers(parts.headers)
            .body(body)
            .send()
            .await
            .map_err(|e| {
                if e.is_timeout() {
                    DeliveryFailure::Timeout(self.timeout.as_secs())
                } else {
                    DeliveryFailure::Unreachable
                }
            })?;
        if resp.status().is_redirection() {
            return Err(DeliveryFailure::Redirect(resp.status().as_u16()));
        }
        Ok(resp.status().as_u16())
    }

    /// GETs a URL with `Authorization: Bearer <token>` (an OIDC userinfo endpoint) and returns
    /// the answer whatever its status; redirects are refused.
    pub async fn get_bearer(
        &self,
        raw_url: &str,
        token: &str,
        accept: &str,
    ) -> Result<http::Response<Vec<u8>>, FetchError> {
        let (url, host, client) = self.prepare(raw_url).await?;
        let resp = client
            .get(url)
            .header("accept", accept)
            .bearer_auth(token)
            .send()
            .await
            .map_err(|e| self.send_error(&host, e))?;
        respond(resp, &host).await
    }

    /// Checks the URL and the addresses its host resolves to, and returns a client pinned to
    /// the checked address.
    async fn prepare(
        &self,
        raw_url: &str,
    ) -> Result<(url::Url, String, reqwest::Client), FetchError> {
        let url =
            url::Url::parse(raw_url).map_err(|_| FetchError("That is not a valid URL.".into()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError(
                "Only http:// and https:// URLs can be downloaded.".into(),
            ));
        }
        let host = url
            .host_str()
            .ok_or_else(|| FetchError("The URL has no host name.".into()))?
            .trim_matches(['[', ']'])
            .to_owned();
        let port = url.port_or_known_default().unwrap_or(443);
        let addrs: Vec<std::net::SocketAddr> = match tokio::time::timeout(
            self.timeout,
            tokio::net::lookup_host((host.as_str(), port)),
        )
        .await
        {
            Ok(Ok(a)) => a.collect(),
            Ok(Err(_)) => {
                return Err(FetchError(format!(
                    "The host name {host} could not be found. Check the URL for typos."
                )))
            }
            Err(_) => {
                return Err(FetchError(format!(
                    "Looking up {host} took too long. Try again."
                )))
            }
        };
        let Some(addr) = addrs.first().copied() else {
            return Err(FetchError(format!("The host name {host} has no address.")));
        };
        // Every answer, not only the one we connect to: a name with one public and one
        // private address is refused outright rather than depending on which is first.
        if let Some(refusal) = addrs.iter().find_map(|a| self.check(&host, a.ip()).err()) {
            let said = if host.parse::<IpAddr>().is_ok() {
                refusal.to_string()
            } else {
                format!(
                    "{host} resolves to {}, {}, which Portico never fetches from",
                    refusal.address,
                    refusal.what()
                )
            };
            return Err(FetchError(format!(
                "{said}. Use an address on the public internet, or upload the document instead."
            )));
        }
        // Pin the checked address so a second DNS answer (DNS rebinding) cannot redirect the
        // request, and send it directly: a proxy would resolve the name again on its own.
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(self.timeout)
            .no_proxy()
            .resolve(&host, addr)
            .user_agent("Portico")
            .build()
            .map_err(|e| FetchError(format!("Could not prepare the download: {e}")))?;
        Ok((url, host, client))
    }

    fn send_error(&self, host: &str, e: reqwest::Error) -> FetchError {
        if e.is_timeout() {
            FetchError(format!(
                "{host} did not answer within {} seconds.",
                self.timeout.as_secs()
            ))
        } else {
            FetchError(format!(
                "Could not connect to {host}. Check that the URL is reachable from the internet."
            ))
        }
    }
}

fn refuse_redirect(resp: &reqwest::Response) -> Result<(), FetchError> {
    if resp.status().is_redirection() {
        let to = resp
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("another address");
        return Err(FetchError(format!(
            "The URL redirects to {to}; enter that final URL instead."
        )));
    }
    Ok(())
}

/// The answer with its status and headers, the body capped like every download.
async fn respond(
    resp: reqwest::Response,
    host: &str,
) -> Result<http::Response<Vec<u8>>, FetchError> {
    refuse_redirect(&resp)?;
    let mut builder = http::Response::builder().status(resp.status());
    for (name, value) in resp.headers() {
        builder = builder.header(name, value);
    }
    let body = read_capped(resp, host).await?;
    builder
        .body(body)
        .map_err(|e| FetchError(format!("The answer from {host} could not be read: {e}")))
}

async fn read_capped(mut resp: reqwest::Response, host: &str) -> Result<Vec<u8>, FetchError> {
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|_| {
        FetchError(format!(
            "The download from {host} was interrupted. Try again."
        ))
    })? {
        body.extend_from_slice(&chunk);
        if body.len() > MAX_BYTES {
            return Err(FetchError(format!(
                "The document is larger than {} MiB, which is too large for one identity provider.",
                MAX_BYTES / 1024 / 1024
            )));
        }
    }
    Ok(body)
}

/// Why a webhook delivery got no answer, in words that name nothing about the network on the
/// way (see [`Fetcher::deliver`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryFailure {
    /// The name did not resolve, resolved only to addresses Portico does not send to, or the
    /// connection failed.
    Unreachable,
    /// No answer within this many seconds.
    Timeout(u64),
    /// The receiver answered with a redirect, which is never followed.
    Redirect(u16),
}

impl std::fmt::Display for DeliveryFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DeliveryFailure::Unreachable => f.write_str(
                "The receiver could not be reached: its host name does not resolve to a public \
                 address, or the connection was refused.",
            ),
            DeliveryFailure::Timeout(s) => {
                write!(f, "The receiver did not answer within {s} seconds.")
            }
            DeliveryFailure::Redirect(code) => write!(
                f,
                "The receiver answered HTTP {code} (a redirect, never followed); use the final URL."
            ),
        }
    }
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FetchError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn loopback_is_refused_unless_allow_listed() {
        let f = Fetcher::new(vec![]);
        let err = f
            .get("http://127.0.0.1:9/metadata", "*/*")
            .await
            .unwrap_err();
        assert_eq!(
            err.0,
            "127.0.0.1 is a loopback address (127.0.0.0/8), which Portico never fetches from. Use \
                an address on the public internet, or upload the document instead."
        );
        let f = Fetcher::new(vec!["127.0.0.1".into()]);
        let err = f
            .get("http://127.0.0.1:9/metadata", "*/*")
            .await
            .unwrap_err();
        assert!(err.0.contains("Could not connect"), "{}", err.0);
    }

    /// The IPv6 spellings of IPv4 space from issue 13, and IPv4 spellings the URL parser
    /// normalises: each refused before any connection, naming its range.
    #[tokio::test]
    async fn every_spelling_of_a_special_address_is_refused_before_connecting() {
        let f = Fetcher::new(vec![]);
        let cases = [
            ("http://[::127.0.0.1]/m", "IPv4-compatible"),
            ("http://[::ffff:127.0.0.1]/m", "IPv4-mapped"),
            ("http://[::ffff:169.254.169.254]/m", "IPv4-mapped"),
            ("http://[64:ff9b::a9fe:a9fe]/m", "NAT64"),
            ("http://[64:ff9b:1::a9fe:a9fe]/m", "local-use NAT64"),
            ("http://[2002:7f00:1::1]/m", "6to4"),
            ("http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/m", "Teredo"),
            ("http://[fec0::1]/m", "site-local"),
            ("http://[fe80::1]/m", "link-local"),
            ("http://[::]/m", "unspecified"),
            ("http://0x7f.1/m", "loopback"),
            ("http://2852039166/m", "link-local"),
            ("http://0.0.0.0/m", "unspecified"),
        ];
        for (url, what) in cases {
            let started = std::time::Instant::now();
            let err = f.get(url, "*/*").await.unwrap_err();
            assert!(
                err.0.contains(what) && err.0.contains("never fetches from"),
                "{url}: {}",
                err.0
            );
            assert!(
                started.elapsed() < Duration::from_secs(2),
                "{url} was refused without waiting on a connection"
            );
        }
        // The allow-list names the address it allows, not what embeds it: with 127.0.0.1
        // allowed, ::ffff:127.0.0.1 still is not.
        let f = Fetcher::new(vec!["127.0.0.1".into()]);
        let err = f
            .get("http://[::ffff:127.0.0.1]/m", "*/*")
            .await
            .unwrap_err();
        assert!(
            err.0.contains("that reaches the IPv4 address 127.0.0.1"),
            "{}",
            err.0
        );
    }

    #[tokio::test]
    async fn sending_and_bearer_gets_are_guarded_too() {
        let f = Fetcher::new(vec![]);
        let req = http::Request::post("http://127.0.0.1:9/token")
            .body(b"grant_type=x".to_vec())
            .unwrap();
        let err = f.send(req).await.unwrap_err();
        assert!(err.0.contains("never fetches from"), "{}", err.0);
        let err = f
            .get_bearer("http://localhost:9/userinfo", "t", "application/json")
            .await
            .unwrap_err();
        // Whichever address of localhost is refused first, the name and the range are given.
        let says_loopback = err.0.contains(", the loopback address (::1/128), which")
            || err.0.contains(", a loopback address (127.0.0.0/8), which");
        assert!(
            err.0.starts_with("localhost resolves to ") && says_loopback,
            "{}",
            err.0
        );
        let err = f
            .get_bearer("file:///etc/passwd", "t", "*/*")
            .await
            .unwrap_err();
        assert!(err.0.contains("Only http"), "{}", err.0);
    }
}
