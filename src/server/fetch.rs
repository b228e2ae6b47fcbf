//! Downloads from URLs an admin typed in (SAML metadata, OIDC discovery), guarded against
//! server-side request forgery: only public addresses unless the operator allow-lists a host,
//! no redirects, a timeout and a size cap.

use std::net::IpAddr;
use std::time::Duration;

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

/// Whether an address is on the public internet (not loopback, private, link-local, ...).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_loopback() || v4.is_private() || v4.is_link_local() || v4.is_unspecified() || v4.is_broadcast()
                || v4.is_multicast() || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (64..128).contains(&o[1]))
                || (o[0] == 198 && (o[1] == 18 || o[1] == 19))
                || o[0] >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let seg = v6.segments();
            !(v6.is_loopback() || v6.is_unspecified() || v6.is_multicast()
                || (seg[0] & 0xfe00) == 0xfc00
                || (seg[0] & 0xffc0) == 0xfe80
                || (seg[0] == 0x2001 && seg[1] == 0x0db8))
        }
    }
}

impl Fetcher {
    /// A fetcher allowing these private hosts or addresses.
    pub fn new(allowlist: Vec<String>) -> Self {
        Fetcher { allowlist, timeout: Duration::from_secs(10) }
    }

    fn allowed(&self, host: &str, ip: IpAddr) -> bool {
        is_public(ip) || self.allowlist.iter().any(|a| a.eq_ignore_ascii_case(host) || a.parse::<IpAddr>().ok() == Some(ip))
    }

    /// GETs a URL and returns the body, refusing anything the guard does not allow.
    pub async fn get(&self, raw_url: &str, accept: &str) -> Result<Vec<u8>, FetchError> {
        let (url, host, client) = self.prepare(raw_url).await?;
        let resp = client.get(url).header("accept", accept).send().await.map_err(|e| self.send_error(&host, e))?;
        let status = resp.status();
        refuse_redirect(&resp)?;
        if !status.is_success() {
            return Err(FetchError(format!("{host} answered with HTTP {}. Check the URL.", status.as_u16())));
        }
        read_capped(resp, &host).await
    }

    /// Sends a request built elsewhere (a token request from the OIDC library: POST, form body,
    /// perhaps basic auth) under the same guard, and returns the answer whatever its status, so
    /// the caller can read an error body such as OAuth's `{"error": "invalid_grant"}`.
    /// Redirects are still refused.
    pub async fn send(&self, req: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, FetchError> {
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

    /// GETs a URL with `Authorization: Bearer <token>` (an OIDC userinfo endpoint) and returns
    /// the answer whatever its status; redirects are refused.
    pub async fn get_bearer(&self, raw_url: &str, token: &str, accept: &str) -> Result<http::Response<Vec<u8>>, FetchError> {
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
    async fn prepare(&self, raw_url: &str) -> Result<(url::Url, String, reqwest::Client), FetchError> {
        let url = url::Url::parse(raw_url).map_err(|_| FetchError("That is not a valid URL.".into()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError("Only http:// and https:// URLs can be downloaded.".into()));
        }
        let host = url.host_str().ok_or_else(|| FetchError("The URL has no host name.".into()))?.trim_matches(['[', ']']).to_owned();
        let port = url.port_or_known_default().unwrap_or(443);
        let addrs: Vec<std::net::SocketAddr> = match tokio::time::timeout(self.timeout, tokio::net::lookup_host((host.as_str(), port))).await {
            Ok(Ok(a)) => a.collect(),
            Ok(Err(_)) => return Err(FetchError(format!("The host name {host} could not be found. Check the URL for typos."))),
            Err(_) => return Err(FetchError(format!("Looking up {host} took too long. Try again."))),
        };
        let Some(addr) = addrs.first().copied() else {
            return Err(FetchError(format!("The host name {host} has no address.")));
        };
        if let Some(bad) = addrs.iter().find(|a| !self.allowed(&host, a.ip())) {
            return Err(FetchError(format!(
                "{host} points to a private network address ({}), which Portico does not download from. Upload the file instead.",
                bad.ip()
            )));
        }
        // Pin the checked address so a second DNS answer cannot redirect the request.
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(self.timeout)
            .resolve(&host, addr)
            .user_agent("Portico")
            .build()
            .map_err(|e| FetchError(format!("Could not prepare the download: {e}")))?;
        Ok((url, host, client))
    }

    fn send_error(&self, host: &str, e: reqwest::Error) -> FetchError {
        if e.is_timeout() {
            FetchError(format!("{host} did not answer within {} seconds.", self.timeout.as_secs()))
        } else {
            FetchError(format!("Could not connect to {host}. Check that the URL is reachable from the internet."))
        }
    }
}

fn refuse_redirect(resp: &reqwest::Response) -> Result<(), FetchError> {
    if resp.status().is_redirection() {
        let to = resp.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("another address");
        return Err(FetchError(format!("The URL redirects to {to}; enter that final URL instead.")));
    }
    Ok(())
}

/// The answer with its status and headers, the body capped like every download.
async fn respond(resp: reqwest::Response, host: &str) -> Result<http::Response<Vec<u8>>, FetchError> {
    refuse_redirect(&resp)?;
    let mut builder = http::Response::builder().status(resp.status());
    for (name, value) in resp.headers() {
        builder = builder.header(name, value);
    }
    let body = read_capped(resp, host).await?;
    builder.body(body).map_err(|e| FetchError(format!("The answer from {host} could not be read: {e}")))
}

async fn read_capped(mut resp: reqwest::Response, host: &str) -> Result<Vec<u8>, FetchError> {
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|_| FetchError(format!("The download from {host} was interrupted. Try again.")))? {
        body.extend_from_slice(&chunk);
        if body.len() > MAX_BYTES {
            return Err(FetchError(format!("The document is larger than {} MiB, which is too large for one identity provider.", MAX_BYTES / 1024 / 1024)));
        }
    }
    Ok(body)
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

    #[test]
    fn private_addresses_are_not_public() {
        for ip in ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "fc00::1", "fe80::1", "::ffff:127.0.0.1"] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["93.184.216.34", "1.1.1.1", "2606:4700::1111"] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[tokio::test]
    async fn loopback_is_refused_unless_allow_listed() {
        let f = Fetcher::new(vec![]);
        let err = f.get("http://127.0.0.1:9/metadata", "*/*").await.unwrap_err();
        assert!(err.0.contains("private network address"), "{}", err.0);
        let f = Fetcher::new(vec!["127.0.0.1".into()]);
        let err = f.get("http://127.0.0.1:9/metadata", "*/*").await.unwrap_err();
        assert!(err.0.contains("Could not connect"), "{}", err.0);
    }

    #[tokio::test]
    async fn sending_and_bearer_gets_are_guarded_too() {
        let f = Fetcher::new(vec![]);
        let req = http::Request::post("http://127.0.0.1:9/token").body(b"grant_type=x".to_vec()).unwrap();
        let err = f.send(req).await.unwrap_err();
        assert!(err.0.contains("private network address"), "{}", err.0);
        let err = f.get_bearer("http://localhost:9/userinfo", "t", "application/json").await.unwrap_err();
        assert!(err.0.contains("private network address"), "{}", err.0);
        let err = f.get_bearer("file:///etc/passwd", "t", "*/*").await.unwrap_err();
        assert!(err.0.contains("Only http"), "{}", err.0);
    }
}
