//! Configuration: flags override environment variables, which override a `.env` file.
//!
//! Every command reads the same [`Settings`]; a bad value stops start-up with one line that
//! names the setting to fix.

use std::net::SocketAddr;
use std::path::PathBuf;

/// The raw settings as clap gathered them from flags and the environment.
#[derive(Debug, Clone, clap::Args)]
pub struct ConfigArgs {
    /// Address to listen on.
    #[arg(long, env = "PORTICO_LISTEN", global = true)]
    pub listen: Option<String>,
    /// The base URL admins reach Portico at (default: derived from --listen).
    #[arg(long, env = "PORTICO_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    /// Where the SQLite database and the key file live.
    #[arg(long, env = "PORTICO_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// A database URL (`sqlite://path`); overrides the data directory's database.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,
    /// 32-byte key (base64 or hex) that encrypts secrets at rest; default: a key file in the data directory.
    #[arg(
        long,
        env = "PORTICO_SECRET_KEY",
        global = true,
        hide_env_values = true
    )]
    pub secret_key: Option<String>,
    /// Serve the portal from this folder instead of the copy built into the binary.
    #[arg(long, env = "PORTICO_DIST", global = true)]
    pub dist: Option<PathBuf>,
    /// Hosts or IP addresses that metadata and discovery downloads may reach even though they are private or loopback.
    #[arg(
        long,
        env = "PORTICO_FETCH_ALLOWLIST",
        global = true,
        value_delimiter = ','
    )]
    pub fetch_allowlist: Vec<String>,
    /// Private hosts or addresses webhook deliveries may reach (a receiver on this machine or the
    /// company network). Separate from the fetch allow-list: that one admits URLs that portal
    /// admins type, this one URLs that API keys set.
    #[arg(
        long,
        env = "PORTICO_WEBHOOK_ALLOWLIST",
        global = true,
        value_delimiter = ','
    )]
    pub webhook_allowlist: Vec<String>,
    /// Seconds of inactivity after which a portal session ends.
    #[arg(long, env = "PORTICO_SESSION_IDLE_SECONDS", global = true)]
    pub session_idle_seconds: Option<String>,
    /// Seconds after which a portal session ends regardless of activity.
    #[arg(long, env = "PORTICO_SESSION_MAX_SECONDS", global = true)]
    pub session_max_seconds: Option<String>,
    /// How often SAML metadata published at a URL is re-read, in seconds.
    #[arg(long, env = "PORTICO_METADATA_REFRESH_SECONDS", global = true)]
    pub metadata_refresh_seconds: Option<String>,
    /// How far the IdP's clock may be from ours when checking assertion times (default 90).
    #[arg(long, env = "PORTICO_CLOCK_SKEW_SECONDS", global = true)]
    pub clock_skew_seconds: Option<String>,
    /// DNS servers for domain verification (`host:port`, comma-separated); default: the system's.
    #[arg(long, env = "PORTICO_DNS_SERVERS", global = true)]
    pub dns_servers: Option<String>,
    /// Most DNS queries per second domain verification may send (default 20).
    #[arg(long, env = "PORTICO_DNS_QPS", global = true)]
    pub dns_qps: Option<String>,
    /// When one server hosts several environments: environment `staging` answers at
    /// `staging.<this domain>` (the default environment stays at the public URL).
    #[arg(long, env = "PORTICO_BASE_DOMAIN", global = true)]
    pub base_domain: Option<String>,
    /// Proxies (IP addresses or CIDR ranges, comma-separated) whose `X-Forwarded-Host` and
    /// `X-Forwarded-Proto` are believed; from anyone else these headers are ignored.
    #[arg(long, env = "PORTICO_TRUSTED_PROXIES", global = true)]
    pub trusted_proxies: Option<String>,
    /// Most IdP answers (ACS posts, OIDC callbacks) one client address may send per minute
    /// (default 120; 0 turns the limit off).
    #[arg(long, env = "PORTICO_SIGNIN_RATE_PER_ADDRESS", global = true)]
    pub signin_rate_per_address: Option<String>,
    /// Most IdP answers one connection may receive per minute (default 600; 0 turns it off).
    #[arg(long, env = "PORTICO_SIGNIN_RATE_PER_CONNECTION", global = true)]
    pub signin_rate_per_connection: Option<String>,
    /// Most failed sign-ins of one connection logged as `sign_in.failed` events per minute
    /// (default 60; the rest are in its sign-in log only; 0 logs them all).
    #[arg(
        long,
        env = "PORTICO_SIGNIN_FAILURE_EVENTS_PER_CONNECTION",
        global = true
    )]
    pub signin_failure_events_per_connection: Option<String>,
    /// Days test sign-ins and the sign-in log are kept (default 90).
    #[arg(long, env = "PORTICO_HISTORY_DAYS", global = true)]
    pub history_days: Option<String>,
    /// Days events are kept in the event log (default 30).
    #[arg(long, env = "PORTICO_EVENT_RETENTION_DAYS", global = true)]
    pub event_retention_days: Option<String>,
    /// Days a webhook endpoint may fail every delivery before it is disabled (default 5).
    #[arg(long, env = "PORTICO_WEBHOOK_DISABLE_AFTER_DAYS", global = true)]
    pub webhook_disable_after_days: Option<String>,
    /// Multiplies every wait of the webhook retry schedule (default 1; e.g. 0.001 retries
    /// within seconds). A test and operations knob: in production leave it unset.
    #[arg(long, env = "PORTICO_WEBHOOK_RETRY_SCALE", global = true)]
    pub webhook_retry_scale: Option<String>,
}

/// Validated settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Base URL without a trailing slash.
    pub public_url: String,
    /// Whether the public URL was configured (rather than derived from the listen address): a
    /// server with no public URL of its own serves its default environment on any hostname.
    pub public_url_configured: bool,
    /// Data directory.
    pub data_dir: PathBuf,
    /// Database URL.
    pub database_url: String,
    /// Secret key given in the environment, if any.
    pub secret_key: Option<[u8; 32]>,
    /// Portal assets folder, if not the built-in copy.
    pub dist: Option<PathBuf>,
    /// Private hosts downloads may reach.
    pub fetch_allowlist: Vec<String>,
    /// Private hosts webhook deliveries may reach.
    pub webhook_allowlist: Vec<String>,
    /// Idle timeout of portal sessions.
    pub session_idle_seconds: i64,
    /// Absolute lifetime of portal sessions.
    pub session_max_seconds: i64,
    /// Interval between re-reads of metadata URLs.
    pub metadata_refresh_seconds: i64,
    /// Tolerated difference between the IdP's clock and ours.
    pub clock_skew_seconds: i64,
    /// DNS servers to ask, instead of the system's.
    pub dns_servers: Option<Vec<SocketAddr>>,
    /// Cap on DNS queries per second.
    pub dns_qps: u32,
    /// Parent domain of the environments' own hostnames, when several share the server.
    pub base_domain: Option<String>,
    /// Proxies whose forwarded host and scheme are believed.
    pub trusted_proxies: Vec<IpRange>,
    /// IdP answers per minute from one client address (0: no limit).
    pub signin_rate_per_address: u32,
    /// IdP answers per minute to one connection (0: no limit).
    pub signin_rate_per_connection: u32,
    /// `sign_in.failed` events per minute and connection (0: no limit).
    pub signin_failure_events_per_connection: u32,
    /// How long test sign-ins and the sign-in log are kept.
    pub history_seconds: i64,
    /// How long events are kept in the event log.
    pub event_retention_seconds: i64,
    /// How long a webhook endpoint may fail every delivery before it is disabled.
    pub webhook_disable_after_seconds: i64,
    /// Multiplies the waits of the webhook retry schedule (1 in production).
    pub webhook_retry_scale: f64,
}

/// An IP address range (`10.0.0.0/8`, `::1/128`, or one address), for trusted proxies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange(ipnet::IpNet);

impl IpRange {
    /// Parses `a.b.c.d`, `a.b.c.d/n`, an IPv6 address, or one with `/n`.
    pub fn parse(s: &str) -> Option<IpRange> {
        let s = s.trim();
        let net = match s.parse::<ipnet::IpNet>() {
            Ok(net) => net,
            // A bare address is a range of one.
            Err(_) => ipnet::IpNet::from(s.parse::<std::net::IpAddr>().ok()?),
        };
        Some(IpRange(net))
    }

    /// Whether `ip` is in the range (an IPv4-mapped IPv6 address counts as IPv4).
    pub fn contains(&self, ip: std::net::IpAddr) -> bool {
        use std::net::IpAddr;
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        self.0.contains(&ip)
    }
}

impl Settings {
    /// Whether cookies must be `Secure` (the public URL is https).
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// Settings for tests: everything default but the data directory and public URL.
    pub fn for_tests(data_dir: PathBuf) -> Settings {
        Settings {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            public_url: "http://portal.test".into(),
            public_url_configured: true,
            database_url: format!("sqlite://{}", data_dir.join("portico.db").display()),
            data_dir,
            secret_key: Some([7u8; 32]),
            dist: None,
            fetch_allowlist: vec!["127.0.0.1".into(), "localhost".into()],
            webhook_allowlist: vec!["127.0.0.1".into(), "localhost".into()],
            session_idle_seconds: 3600,
            session_max_seconds: 6 * 3600,
            metadata_refresh_seconds: 86_400,
            clock_skew_seconds: 90,
            dns_servers: None,
            dns_qps: 1000,
            base_domain: None,
            trusted_proxies: Vec::new(),
            signin_rate_per_address: 120,
            signin_rate_per_connection: 600,
            signin_failure_events_per_connection: 60,
            history_seconds: 90 * 86_400,
            event_retention_seconds: 30 * 86_400,
            webhook_disable_after_seconds: 5 * 86_400,
            webhook_retry_scale: 1.0,
        }
    }
}

/// One line saying which setting is wrong and what to set.
#[derive(Debug, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn seconds(value: Option<&str>, default: i64, name: &str) -> Result<i64, ConfigError> {
    positive(value, default, name, "seconds")
}

fn positive(value: Option<&str>, default: i64, name: &str, unit: &str) -> Result<i64, ConfigError> {
    match value {
        None => Ok(default),
        Some(v) => match v.trim().parse::<i64>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(ConfigError(format!(
                "{name}={v:?} is not a positive number of {unit}; set it like {name}={default}"
            ))),
        },
    }
}

/// A count where 0 means "no limit".
fn limit(value: Option<&str>, default: u32, name: &str) -> Result<u32, ConfigError> {
    match value {
        None => Ok(default),
        Some(v) => v.trim().parse::<u32>().map_err(|_| {
            ConfigError(format!(
                "{name}={v:?} is not a whole number (0 for no limit); set it like {name}={default}"
            ))
        }),
    }
}

/// `host:port` or a bare address (port 53), comma-separated.
fn dns_servers(list: &str) -> Result<Vec<SocketAddr>, ConfigError> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<SocketAddr>()
                .or_else(|_| {
                    s.parse::<std::net::IpAddr>()
                        .map(|ip| SocketAddr::new(ip, 53))
                })
                .map_err(|_| {
                    ConfigError(format!(
                        "PORTICO_DNS_SERVERS has {s:?}, which is not an IP \
                    address; set it like PORTICO_DNS_SERVERS=127.0.0.1:5353,9.9.9.9"
                    ))
                })
        })
        .collect()
}

/// The public URL of a server given none: its listen address over http (a wildcard address
/// becomes 127.0.0.1).
pub fn derived_public_url(listen: SocketAddr) -> String {
    let host = if listen.ip().is_unspecified() {
        "127.0.0.1".to_string()
    } else {
        listen.ip().to_string()
    };
    let host = if listen.is_ipv6() && !listen.ip().is_unspecified() {
        format!("[{host}]")
    } else {
        host
    };
    format!("http://{host}:{}", listen.port())
}

impl ConfigArgs {
    /// Checks every value and fills in defaults.
    pub fn resolve(&self) -> Result<Settings, ConfigError> {
        let listen_text = self
            .listen
            .clone()
            .unwrap_or_else(|| "127.0.0.1:8080".into());
        let listen: SocketAddr = listen_text.trim().parse().map_err(|_| {
            ConfigError(format!(
                "PORTICO_LISTEN={listen_text:?} is not an address; set it like \
                PORTICO_LISTEN=127.0.0.1:8080"
            ))
        })?;
        let public_url = match &self.public_url {
            Some(u) => {
                let parsed = url::Url::parse(u.trim()).ok().filter(|p| {
                    matches!(p.scheme(), "http" | "https")
                        && p.host_str().is_some()
                        && p.query().is_none()
                });
                if parsed.is_none() {
                    return Err(ConfigError(format!(
                        "PORTICO_PUBLIC_URL={u:?} is not an http(s) URL; set it like \
                            PORTICO_PUBLIC_URL=https://sso.example.com"
                    )));
                }
                u.trim().trim_end_matches('/').to_owned()
            }
            None => derived_public_url(listen),
        };
        let data_dir = self
            .data_dir
            .clone()
            .unwrap_or_else(|| PathBuf::from("./portico-data"));
        let database_url =
            match &self.database_url {
                Some(u) if u.starts_with("sqlite:") => u.clone(),
                Some(u) if u.starts_with("postgres") => return Err(ConfigError(
                    "DATABASE_URL points at PostgreSQL, which this build does not support yet; \
                        unset DATABASE_URL to use SQLite in PORTICO_DATA_DIR"
                        .into(),
                )),
                Some(u) => {
                    let scheme = u.split(':').next().unwrap_or_default();
                    return Err(ConfigError(format!(
                        "DATABASE_URL has the unsupported scheme {scheme:?}; set it like \
                        DATABASE_URL=sqlite://./portico-data/portico.db or unset it"
                    )));
                }
                None => format!("sqlite://{}", data_dir.join("portico.db").display()),
            };
        let secret_key = match &self.secret_key {
            Some(k) => Some(crate::server::crypto::decode_key(k).ok_or_else(|| {
                ConfigError(
                    "PORTICO_SECRET_KEY must be 32 bytes in base64 or hex; generate one \
                    with `openssl rand -base64 32`"
                        .into(),
                )
            })?),
            None => None,
        };
        Ok(Settings {
            listen,
            public_url_configured: self.public_url.is_some(),
            public_url,
            data_dir,
            database_url,
            secret_key,
            dist: self.dist.clone(),
            fetch_allowlist: self.fetch_allowlist.iter().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect(),
            webhook_allowlist: self.webhook_allowlist.iter().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect(),
            session_idle_seconds: seconds(self.session_idle_seconds.as_deref(), 3600, "PORTICO_SESSION_IDLE_SECONDS")?,
            session_max_seconds: seconds(self.session_max_seconds.as_deref(), 6 * 3600, "PORTICO_SESSION_MAX_SECONDS")?,
            metadata_refresh_seconds: seconds(self.metadata_refresh_seconds.as_deref(), 86_400, "PORTICO_METADATA_REFRESH_SECONDS")?,
            clock_skew_seconds: seconds(self.clock_skew_seconds.as_deref(), 90, "PORTICO_CLOCK_SKEW_SECONDS")?,
            dns_servers: match self.dns_servers.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                None => None,
                Some(list) => Some(dns_servers(list)?),
            },
            dns_qps: positive(self.dns_qps.as_deref(), 20, "PORTICO_DNS_QPS", "queries per second")?.clamp(1, 100_000) as u32,
            base_domain: match self.base_domain.as_deref().map(|d| d.trim().trim_matches('.').to_ascii_lowercase()).filter(|d| !d.is_empty()) {
                None => None,
                Some(d) if d.contains(['/', ':', ' ']) || !d.contains('.') => {
                    return Err(ConfigError(format!("PORTICO_BASE_DOMAIN={d:?} is not a domain name; \
                        set it like PORTICO_BASE_DOMAIN=sso.example.com")))
                }
                Some(d) => Some(d),
            },
            trusted_proxies: match self.trusted_proxies.as_deref() {
                None => Vec::new(),
                Some(list) => list
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|s| IpRange::parse(s).ok_or_else(|| ConfigError(format!("PORTICO_TRUSTED_PROXIES has {s:?}, which is not an IP address or range; set it like PORTICO_TRUSTED_PROXIES=10.0.0.0/8,127.0.0.1"))))
                    .collect::<Result<_, _>>()?,
            },
            signin_rate_per_address: limit(self.signin_rate_per_address.as_deref(), 120, "PORTICO_SIGNIN_RATE_PER_ADDRESS")?,
            signin_rate_per_connection: limit(self.signin_rate_per_connection.as_deref(), 600, "PORTICO_SIGNIN_RATE_PER_CONNECTION")?,
            signin_failure_events_per_connection: limit(self.signin_failure_events_per_connection.as_deref(), 60, "PORTICO_SIGNIN_FAILURE_EVENTS_PER_CONNECTION")?,
            history_seconds: positive(self.history_days.as_deref(), 90, "PORTICO_HISTORY_DAYS", "days")?.saturating_mul(86_400),
            event_retention_seconds: positive(self.event_retention_days.as_deref(), 30, "PORTICO_EVENT_RETENTION_DAYS", "days")?.saturating_mul(86_400),
            webhook_disable_after_seconds: positive(self.webhook_disable_after_days.as_deref(), 5, "PORTICO_WEBHOOK_DISABLE_AFTER_DAYS", "days")?.saturating_mul(86_400),
            webhook_retry_scale: match self.webhook_retry_scale.as_deref().map(str::trim) {
                None => 1.0,
                Some(v) => match v.parse::<f64>() {
                    Ok(x) if x > 0.0 && x <= 1.0 => x,
                    _ => return Err(ConfigError(format!("PORTICO_WEBHOOK_RETRY_SCALE={v:?} is not a number above 0 and at most 1; \
                        set it like PORTICO_WEBHOOK_RETRY_SCALE=0.01 (tests) or leave it unset"))),
                },
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args() -> ConfigArgs {
        ConfigArgs {
            listen: None,
            public_url: None,
            data_dir: None,
            database_url: None,
            secret_key: None,
            base_domain: None,
            trusted_proxies: None,
            dist: None,
            fetch_allowlist: vec![],
            webhook_allowlist: vec![],
            session_idle_seconds: None,
            session_max_seconds: None,
            metadata_refresh_seconds: None,
            clock_skew_seconds: None,
            dns_servers: None,
            dns_qps: None,
            signin_rate_per_address: None,
            signin_rate_per_connection: None,
            signin_failure_events_per_connection: None,
            history_days: None,
            event_retention_days: None,
            webhook_disable_after_days: None,
            webhook_retry_scale: None,
        }
    }

    #[test]
    fn defaults_need_nothing() {
        let s = args().resolve().unwrap();
        assert_eq!(s.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(s.public_url, "http://127.0.0.1:8080");
        assert!(s.database_url.ends_with("portico-data/portico.db"));
        assert!(!s.secure_cookies());
    }

    #[test]
    fn bad_values_name_the_setting() {
        let mut a = args();
        a.listen = Some("nonsense".into());
        assert!(a.resolve().unwrap_err().0.starts_with("PORTICO_LISTEN="));
        let mut a = args();
        a.public_url = Some("ftp://x".into());
        assert!(a
            .resolve()
            .unwrap_err()
            .0
            .starts_with("PORTICO_PUBLIC_URL="));
        let mut a = args();
        a.secret_key = Some("short".into());
        assert!(a.resolve().unwrap_err().0.starts_with("PORTICO_SECRET_KEY"));
        let mut a = args();
        a.session_idle_seconds = Some("-5".into());
        assert!(a
            .resolve()
            .unwrap_err()
            .0
            .starts_with("PORTICO_SESSION_IDLE_SECONDS="));
        let mut a = args();
        a.dns_servers = Some("127.0.0.1:5353, dns.example".into());
        assert!(a
            .resolve()
            .unwrap_err()
            .0
            .contains("PORTICO_DNS_SERVERS has \"dns.example\""));
        a.dns_servers = Some("127.0.0.1:5353, 9.9.9.9".into());
        assert_eq!(
            a.resolve().unwrap().dns_servers.unwrap()[1].to_string(),
            "9.9.9.9:53"
        );
        let mut a = args();
        a.database_url = Some("mysql://x".into());
        assert!(a.resolve().unwrap_err().0.contains("DATABASE_URL"));
    }

    #[test]
    fn trusted_proxy_ranges() {
        let r = IpRange::parse("10.0.0.0/8").unwrap();
        assert!(r.contains("10.1.2.3".parse().unwrap()));
        assert!(!r.contains("11.0.0.1".parse().unwrap()));
        assert!(
            r.contains("::ffff:10.9.9.9".parse().unwrap()),
            "IPv4-mapped addresses count as IPv4"
        );
        let one = IpRange::parse("127.0.0.1").unwrap();
        assert!(
            one.contains("127.0.0.1".parse().unwrap())
                && !one.contains("127.0.0.2".parse().unwrap())
        );
        assert!(IpRange::parse("fd00::/8")
            .unwrap()
            .contains("fd12::1".parse().unwrap()));
        assert_eq!(IpRange::parse("10.0.0.0/33"), None);
        assert_eq!(IpRange::parse("nope"), None);
        let mut a = args();
        a.trusted_proxies = Some("10.0.0.0/8, bad".into());
        assert!(a.resolve().unwrap_err().0.contains("\"bad\""));
    }

    #[test]
    fn https_public_url_means_secure_cookies() {
        let mut a = args();
        a.public_url = Some("https://sso.vendor.com/".into());
        let s = a.resolve().unwrap();
        assert_eq!(s.public_url, "https://sso.vendor.com");
        assert!(s.secure_cookies());
    }
}
