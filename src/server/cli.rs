//! The `portico` command line: `serve`, `env`, `api-key`, `link`, `events`, `metadata`.

use crate::api::vendor::{CreateOrganization, CreatePortalLink, Intent};
use crate::server::assets::Assets;
use crate::server::config::{ConfigArgs, Settings};
use crate::server::store::{SqliteStore, Store};
use crate::server::{crypto, fetch, saml, service, signin, AppState, Clock, SystemClock};
use clap::{Parser, Subcommand};
use std::process::ExitCode;
use std::sync::Arc;

mod events;
mod go_live;
mod hosting;
mod metadata;
mod theme;
mod webhook;

#[derive(Parser)]
#[command(name = "portico", version, about = "Self-serve SSO onboarding portal")]
struct Cli {
    #[command(flatten)]
    config: ConfigArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server.
    Serve {
        /// Create a demo organization and print a setup link for it.
        #[arg(long)]
        demo: bool,
    },
    /// Manage environments.
    Env {
        #[command(subcommand)]
        action: EnvAction,
    },
    /// Manage API keys.
    ApiKey {
        #[command(subcommand)]
        action: KeyAction,
        /// The environment (default: development).
        #[arg(long = "env", global = true, default_value = service::DEFAULT_ENVIRONMENT)]
        env: String,
    },
    /// Print a fresh setup link for an organization.
    Link {
        /// Organization id or external id.
        #[arg(long)]
        org: String,
        /// `sso`, `domain_verification`, `theme` (a designer's link to the theme editor) or
        /// `dsync` (the directory-sync wizard).
        #[arg(long, default_value = "sso")]
        intent: String,
        /// How long the link works: seconds, or with a unit (`30m`, `24h`, `7d`); default 5
        /// minutes, at most 30 days.
        #[arg(long, value_parser = parse_lifetime)]
        expires_in: Option<i64>,
        /// The environment (default: development).
        #[arg(long = "env", default_value = service::DEFAULT_ENVIRONMENT)]
        env: String,
    },
    /// Export or import the portal's theme, so it can live in version control.
    Theme {
        #[command(subcommand)]
        action: theme::ThemeAction,
        /// The environment (default: development).
        #[arg(long = "env", global = true, default_value = service::DEFAULT_ENVIRONMENT)]
        env: String,
        /// An organization (id or external id), for its own override instead of the environment's theme.
        #[arg(long, global = true)]
        org: Option<String>,
    },
    /// The portal under your own hostnames (`sso.vendor.com`): register one, see the CNAME record
    /// to create and whether DNS points at Portico yet.
    CustomDomain {
        #[command(subcommand)]
        action: hosting::HostAction,
        /// The environment (default: development).
        #[arg(long = "env", global = true, default_value = service::DEFAULT_ENVIRONMENT)]
        env: String,
    },
    /// Where the app's users may be sent back after signing in.
    RedirectUri {
        #[command(subcommand)]
        action: go_live::RedirectAction,
        /// The environment (default: development).
        #[arg(long = "env", global = true, default_value = service::DEFAULT_ENVIRONMENT)]
        env: String,
    },
    /// Show or set which sites may embed the portal in an iframe, and the cookie mode.
    Embedding {
        #[command(subcommand)]
        action: hosting::EmbeddingAction,
        /// The environment (default: development).
        #[arg(long = "env", global = true, default_value = service::DEFAULT_ENVIRONMENT)]
        env: String,
    },
    /// The event log: `list` what happened, or `tail` it as it happens (one JSON line each).
    Events {
        #[command(subcommand)]
        action: events::EventsAction,
        /// The environment (default: development).
        #[arg(long = "env", global = true, default_value = service::DEFAULT_ENVIRONMENT)]
        env: String,
    },
    /// Webhook endpoints: where events are POSTed, signed per Standard Webhooks.
    Webhook {
        #[command(subcommand)]
        action: webhook::WebhookAction,
        /// The environment (default: development).
        #[arg(long = "env", global = true, default_value = service::DEFAULT_ENVIRONMENT)]
        env: String,
    },
    /// Inspect SAML metadata (needs no data directory).
    Metadata {
        #[command(subcommand)]
        action: metadata::MetadataAction,
    },
}

#[derive(Subcommand)]
enum EnvAction {
    /// Create an environment.
    Create { name: String },
    /// List environments.
    List,
    /// The app's client ID, and a new client secret (shown once); or list or revoke secrets.
    Credentials {
        /// The environment (default: development).
        #[arg(long = "env", default_value = service::DEFAULT_ENVIRONMENT)]
        env: String,
        /// List the secrets instead of creating one.
        #[arg(long, conflicts_with = "revoke")]
        list: bool,
        /// Revoke a secret by id (`cs_…`).
        #[arg(long)]
        revoke: Option<String>,
    },
}

#[derive(Subcommand)]
enum KeyAction {
    /// Create a key; it is printed once.
    Create {
        #[arg(long)]
        name: String,
    },
    /// List keys (never the secrets).
    List,
    /// Revoke a key by id or name.
    Revoke { key: String },
}

/// Serves the application on a bound listener until the process is told to stop.
///
/// The command line is an edge beside HTTP, not above it: like every module outside `http/`, it
/// never imports the HTTP layer. The binary (`src/main.rs`) is the one place that wires the two,
/// handing `http::serve` in here for the `serve` command.
pub type ServeApp =
    fn(
        AppState,
        tokio::net::TcpListener,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), String>> + Send>>;

/// Runs the command line; the process's exit code. `serve_app` runs the HTTP application.
pub fn main(serve_app: ServeApp) -> ExitCode {
    let _ = dotenvy::dotenv();
    let cli = Cli::parse();
    let settings = match cli.config.resolve() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("portico: {e}");
            return ExitCode::from(2);
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PORTICO_LOG")
                .unwrap_or_else(|_| "portico=info,tower_http=warn".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("portico: could not start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command, settings, serve_app)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("portico: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Reads the key from settings, or from the data directory's key file, creating it once.
fn secret_key(settings: &Settings) -> Result<[u8; 32], String> {
    if let Some(k) = settings.secret_key {
        return Ok(k);
    }
    let path = settings.data_dir.join("secret.key");
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            crate::server::private_files::tighten(&path)
                .map_err(|e| format!("could not make {} private: {e}", path.display()))?;
            crypto::decode_key(&text).ok_or_else(|| {
                format!(
                    "{} is not a valid key; restore it from your backup or set PORTICO_SECRET_KEY",
                    path.display()
                )
            })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = crypto::new_key_b64();
            write_private(&path, &key).map_err(|e| {
                format!(
                    "could not write {}: {e}; set PORTICO_DATA_DIR to a writable folder",
                    path.display()
                )
            })?;
            tracing::warn!(path = %path.display(), "created a new secret key; back it up: without \
                it, stored IdP client secrets cannot be read");
            crypto::decode_key(&key).ok_or_else(|| "generated key did not decode".to_string())
        }
        Err(e) => Err(format!("could not read {}: {e}", path.display())),
    }
}

fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    opts.open(path)?.write_all(text.as_bytes())
}

/// Opens the store and builds the state every command shares.
pub async fn build_state(settings: Settings, clock: Arc<dyn Clock>) -> Result<AppState, String> {
    saml::xmlsec_log::route_to_log();
    crate::server::private_files::ensure_dir(&settings.data_dir).map_err(|e| {
        format!(
            "could not create the data directory {}: {e}; set PORTICO_DATA_DIR to \
            a writable folder",
            settings.data_dir.display()
        )
    })?;
    let key = secret_key(&settings)?;
    let store = SqliteStore::open(&settings.database_url)
        .await
        .map_err(|e| format!("could not open the database: {e}"))?;
    let assets = match &settings.dist {
        Some(dir) => Assets::Folder(dir.clone()),
        None => Assets::Embedded,
    };
    let store: Arc<dyn Store> = Arc::new(store);
    let limiter = Arc::new(crate::server::dns::RateLimiter::new(settings.dns_qps));
    let default_env =
        service::ensure_environment(store.as_ref(), service::DEFAULT_ENVIRONMENT, clock.now())
            .await
            .map_err(|e| e.to_string())?;
    Ok(AppState {
        default_environment_id: Arc::from(default_env.id.as_str()),
        store,
        clock,
        fetcher: Arc::new(fetch::Fetcher::new(settings.fetch_allowlist.clone())),
        webhook_fetcher: Arc::new(fetch::Fetcher::new(settings.webhook_allowlist.clone())),
        secrets: Arc::new(crypto::SecretBox::new(&key)),
        dns: Arc::new(
            crate::server::dns::DnsChecker::new(
                settings.dns_servers.clone(),
                crate::server::domains::DNS_TIMEOUT,
            )
            .map_err(|e| format!("could not set up DNS lookups: {e}; set PORTICO_DNS_SERVERS"))?
            // Every query counts toward the cap, not just one per domain.
            .with_rate_limit(limiter.clone()),
        ),
        dns_limiter: limiter,
        token_failures: Arc::default(),
        saml_gate: Arc::new(saml::response::VerifyGate::for_this_machine()),
        answer_limits: Arc::new(signin::AnswerLimits::new(&settings)),
        webhook_tests: Arc::default(),
        scim_limits: Arc::default(),
        settings: Arc::new(settings),
        assets: Arc::new(assets),
    })
}

async fn environment(
    state: &AppState,
    name: &str,
) -> Result<crate::server::store::Environment, String> {
    state
        .store
        .environment_by_name(name)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| {
            format!("no environment named {name:?}; create it with `portico env create {name}`")
        })
}

async fn run(
    command: Command,
    settings: Settings,
    serve_app: ServeApp,
) -> Result<ExitCode, String> {
    // Before build_state: inspecting a file must not create a data directory or database.
    if let Command::Metadata { action } = command {
        return Ok(metadata::run(action, &settings).await);
    }
    let mut state = build_state(settings, Arc::new(SystemClock)).await?;
    if !matches!(command, Command::Serve { .. }) {
        let source = use_server_address(&mut state).await?;
        // Said where the output carries the URL, so a link to an unexpected address explains itself.
        if matches!(
            command,
            Command::Link { .. }
                | Command::Env {
                    action: EnvAction::Credentials { .. }
                }
        ) {
            if let Some(note) = source.note(&state.settings.public_url) {
                eprintln!("{note}");
            }
        }
    }
    let now = state.clock.now();
    run_with_state(command, state, now, serve_app)
        .await
        .map(|()| ExitCode::SUCCESS)
}

/// Where a command's public URL came from.
#[derive(Debug, PartialEq, Eq)]
enum UrlSource {
    /// `--public-url` or `PORTICO_PUBLIC_URL` (or `.env`).
    Configured,
    /// The server last started with this database, at this time.
    Server { started_at: i64 },
    /// Derived from the listen address: no public URL was given and no server has recorded one.
    Derived,
}

impl UrlSource {
    /// The line telling the user which URL was used, unless they chose it themselves.
    fn note(&self, url: &str) -> Option<String> {
        match self {
            UrlSource::Configured => None,
            UrlSource::Server { started_at } => Some(format!(
                "using {url}, the address of the server last started with this data directory (at \
                    {}); set --public-url or PORTICO_PUBLIC_URL to use another",
                human_time(*started_at)
            )),
            UrlSource::Derived => Some(format!(
                "using {url}, derived from the listen address: no server has started with this data \
                    directory yet; set --public-url or PORTICO_PUBLIC_URL to use another"
            )),
        }
    }
}

/// Commands other than `serve` use the URL they were given, else the one the server recorded
/// when it started (so `portico link` beside a server on another port links to that server),
/// else the one derived from the listen address.
async fn use_server_address(state: &mut AppState) -> Result<UrlSource, String> {
    if state.settings.public_url_configured {
        return Ok(UrlSource::Configured);
    }
    match state
        .store
        .server_address()
        .await
        .map_err(|e| e.to_string())?
    {
        Some(row) => {
            let mut settings = (*state.settings).clone();
            settings.public_url = row.public_url;
            // Links bind to their hostname exactly when the server's own would.
            settings.public_url_configured = row.public_url_configured;
            state.settings = Arc::new(settings);
            Ok(UrlSource::Server {
                started_at: row.started_at,
            })
        }
        None => Ok(UrlSource::Derived),
    }
}

/// A link lifetime: whole seconds, or a number with `s`, `m`, `h` or `d`.
fn parse_lifetime(text: &str) -> Result<i64, String> {
    let text = text.trim();
    let (number, unit) = match text.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&text[..i], c.to_ascii_lowercase()),
        _ => (text, 's'),
    };
    let scale = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        _ => return Err("use seconds, or a number with s, m, h or d (like 30m, 24h, 7d)".into()),
    };
    number
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .and_then(|n| n.checked_mul(scale))
        .ok_or_else(|| {
            "use a positive number of seconds, or one with s, m, h or d (like 30m, 24h, 7d)".into()
        })
}

/// A lifetime in words: `5 minutes`, `1 day`, `90 seconds`.
fn human_duration(seconds: i64) -> String {
    let (n, unit) = if seconds % 86_400 == 0 {
        (seconds / 86_400, "day")
    } else if seconds % 3600 == 0 {
        (seconds / 3600, "hour")
    } else if seconds % 60 == 0 {
        (seconds / 60, "minute")
    } else {
        (seconds, "second")
    };
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

/// A moment as `2026-12-02 15:04 UTC`.
fn human_time(unix: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_else(|| crate::server::time::rfc3339(unix))
}

async fn run_with_state(
    command: Command,
    state: AppState,
    now: i64,
    serve_app: ServeApp,
) -> Result<(), String> {
    match command {
        Command::Serve { demo } => serve(state, demo, serve_app).await,
        Command::Env {
            action: EnvAction::Create { name },
        } => {
            crate::core::validate::external_id(&name)
                .map_err(|m| format!("environment name: {m}"))?;
            if state
                .store
                .environment_by_name(&name)
                .await
                .map_err(|e| e.to_string())?
                .is_some()
            {
                return Err(format!("an environment named {name:?} already exists"));
            }
            let env = service::ensure_environment(state.store.as_ref(), &name, now)
                .await
                .map_err(|e| e.to_string())?;
            println!("{}\t{}", env.id, env.name);
            Ok(())
        }
        Command::Env {
            action: EnvAction::List,
        } => {
            for env in state
                .store
                .list_environments()
                .await
                .map_err(|e| e.to_string())?
            {
                println!("{}\t{}", env.id, env.name);
            }
            Ok(())
        }
        Command::ApiKey { action, env } => {
            let env = environment(&state, &env).await?;
            match action {
                KeyAction::Create { name } => {
                    let name =
                        crate::core::validate::name(&name).map_err(|m| format!("--name: {m}"))?;
                    let (_, secret) =
                        service::create_api_key(state.store.as_ref(), &env, &name, now)
                            .await
                            .map_err(|e| e.to_string())?;
                    eprintln!(
                        "API key {name:?} for environment {:?}; it is shown only once:",
                        env.name
                    );
                    println!("{secret}");
                }
                KeyAction::List => {
                    for k in state
                        .store
                        .list_api_keys(&env.id)
                        .await
                        .map_err(|e| e.to_string())?
                    {
                        let status = if k.revoked_at.is_some() {
                            "revoked"
                        } else {
                            "active"
                        };
                        println!(
                            "{}\t{}\t{}…\t{}\t{}",
                            k.id,
                            k.name,
                            k.key_prefix,
                            status,
                            crate::server::time::rfc3339(k.created_at)
                        );
                    }
                }
                KeyAction::Revoke { key } => {
                    if !state
                        .store
                        .revoke_api_key(&env.id, &key, now)
                        .await
                        .map_err(|e| e.to_string())?
                    {
                        return Err(format!(
                            "no active API key with id or name {key:?} in {:?}",
                            env.name
                        ));
                    }
                    println!("revoked {key}");
                }
            }
            Ok(())
        }
        Command::Link {
            org,
            intent,
            expires_in,
            env,
        } => {
            let env = environment(&state, &env).await?;
            let intent = Intent::parse(&intent).ok_or_else(|| {
                format!("--intent {intent:?}: use sso, domain_verification, theme or dsync")
            })?;
            let found = service::find_organization(state.store.as_ref(), &env.id, &org)
                .await
                .map_err(|e| e.to_string())?;
            let found = found.ok_or_else(|| {
                format!(
                    "no organization with id or external id {org:?} in {:?}",
                    env.name
                )
            })?;
            let lifetime = expires_in.unwrap_or(crate::api::vendor::LINK_DEFAULT_SECONDS);
            let req = CreatePortalLink {
                organization_id: found.id,
                intent,
                return_url: None,
                success_url: None,
                expires_in_seconds: Some(lifetime),
            };
            let site = crate::server::site::preferred(&state, &env.id)
                .await
                .map_err(|e| e.to_string())?;
            let link = service::create_portal_link(
                state.store.as_ref(),
                &env.id,
                &site,
                crate::server::site::binds_links(&state, &site),
                req,
                now,
            )
            .await
            .map_err(|e| {
                e.fields
                    .values()
                    .next()
                    .cloned()
                    .unwrap_or_else(|| e.code.message().to_owned())
            })?;
            println!("{}", link.url);
            let longer = if expires_in.is_none() {
                "; --expires-in sets a longer lifetime (like 24h, at most 30d)"
            } else {
                ""
            };
            eprintln!(
                "valid for {}, until {}, usable once{longer}",
                human_duration(lifetime),
                human_time(now + lifetime)
            );
            Ok(())
        }
        Command::Theme { action, env, org } => {
            theme::theme_command(&state, action, &env, org.as_deref()).await
        }
        Command::CustomDomain { action, env } => hosting::host_command(&state, action, &env).await,
        Command::RedirectUri { action, env } => {
            go_live::redirect_command(&state, action, &env).await
        }
        Command::Env {
            action: EnvAction::Credentials { env, list, revoke },
        } => go_live::credentials_command(&state, &env, list, revoke).await,
        Command::Embedding { action, env } => {
            hosting::embedding_command(&state, action, &env).await
        }
        Command::Events { action, env } => events::events_command(&state, action, &env).await,
        Command::Webhook { action, env } => webhook::webhook_command(&state, action, &env).await,
        Command::Metadata { .. } => unreachable!("handled before the state is built"),
    }
}

/// An API error as one line: its message and each field's.
fn api_error_text(e: crate::server::error::Error) -> String {
    let mut text = e
        .message
        .clone()
        .unwrap_or_else(|| e.code.message().to_owned());
    for (field, message) in &e.fields {
        text.push_str(&format!("\n  {field}: {message}"));
    }
    text
}

async fn serve(state: AppState, demo: bool, serve_app: ServeApp) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(state.settings.listen)
        .await
        .map_err(|e| {
            format!(
                "could not listen on {}: {e}; set PORTICO_LISTEN to a free address",
                state.settings.listen
            )
        })?;
    if !state.assets.has_index() {
        tracing::warn!(
            "the portal is not built into this binary; run `trunk build --release` or pass --dist"
        );
    }
    let state = record_address(state, &listener).await?;
    tracing::info!(url = %state.settings.public_url, "Portico is listening");
    if demo {
        demo_link(&state).await?;
    }
    tokio::spawn(crate::server::jobs::run(state.clone()));
    tokio::spawn(crate::server::webhooks::worker::run(state.clone()));
    serve_app(state, listener).await?;
    tracing::info!("stopped");
    Ok(())
}

/// Records where this server serves, for the commands run beside it. A derived public URL
/// takes the port actually bound (`--listen 127.0.0.1:0` picks one).
async fn record_address(
    mut state: AppState,
    listener: &tokio::net::TcpListener,
) -> Result<AppState, String> {
    if !state.settings.public_url_configured {
        if let Ok(bound) = listener.local_addr() {
            let mut settings = (*state.settings).clone();
            settings.public_url = crate::server::config::derived_public_url(bound);
            state.settings = Arc::new(settings);
        }
    }
    let row = crate::server::store::ServerAddressRow {
        public_url: state.settings.public_url.clone(),
        public_url_configured: state.settings.public_url_configured,
        started_at: state.clock.now(),
    };
    state
        .store
        .set_server_address(&row)
        .await
        .map_err(|e| format!("could not record the server's address: {e}"))?;
    Ok(state)
}

async fn demo_link(state: &AppState) -> Result<(), String> {
    let store = state.store.as_ref();
    let now = state.clock.now();
    let env = environment(state, service::DEFAULT_ENVIRONMENT).await?;
    let org = match service::find_organization(store, &env.id, "demo")
        .await
        .map_err(|e| e.to_string())?
    {
        Some(o) => o,
        None => {
            let req = CreateOrganization {
                name: "Acme Corp (demo)".into(),
                external_id: Some("demo".into()),
                domains: vec!["acme.example".into()],
                allow_profiles_outside_organization: None,
            };
            service::create_organization(store, &env.id, req, now)
                .await
                .map_err(|e| e.code.message().to_string())?
        }
    };
    let req = CreatePortalLink {
        organization_id: org.id,
        intent: Intent::Sso,
        return_url: None,
        success_url: None,
        expires_in_seconds: Some(86_400),
    };
    let site = crate::server::site::preferred(state, &env.id)
        .await
        .map_err(|e| e.to_string())?;
    let link = service::create_portal_link(
        store,
        &env.id,
        &site,
        crate::server::site::binds_links(state, &site),
        req,
        now,
    )
    .await
    .map_err(|e| e.code.message().to_string())?;
    println!(
        "\nPortal link for the demo organization (valid 24 hours, usable once):\n\n    {}\n",
        link.url
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_take_units() {
        assert_eq!(parse_lifetime("300"), Ok(300));
        assert_eq!(parse_lifetime("30m"), Ok(1800));
        assert_eq!(parse_lifetime("24h"), Ok(86_400));
        assert_eq!(parse_lifetime("7D"), Ok(604_800));
        assert!(parse_lifetime("-5").is_err());
        assert!(parse_lifetime("5w").is_err());
        assert!(parse_lifetime("h").is_err());
        assert!(parse_lifetime("99999999999999999d").is_err());
    }

    #[test]
    fn lifetimes_and_times_read_as_words() {
        assert_eq!(human_duration(300), "5 minutes");
        assert_eq!(human_duration(86_400), "1 day");
        assert_eq!(human_duration(7200), "2 hours");
        assert_eq!(human_duration(90), "90 seconds");
        assert_eq!(human_time(1_796_223_840), "2026-12-02 15:04 UTC");
    }

    #[test]
    fn the_note_names_where_the_url_came_from() {
        assert_eq!(UrlSource::Configured.note("https://sso.example.com"), None);
        let server = UrlSource::Server {
            started_at: 1_796_223_840,
        }
        .note("http://127.0.0.1:9123")
        .unwrap();
        assert!(
            server.contains("http://127.0.0.1:9123")
                && server.contains("server last started")
                && server.contains("PORTICO_PUBLIC_URL"),
            "{server}"
        );
        assert!(UrlSource::Derived
            .note("http://127.0.0.1:8080")
            .unwrap()
            .contains("derived from the listen address"));
    }
}
