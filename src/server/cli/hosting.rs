//! `portico custom-domain` and `portico embedding`: where the portal is served, and which sites
//! may frame it.

use super::{api_error_text, environment};
use crate::server::AppState;
use clap::Subcommand;

#[derive(Subcommand)]
pub(super) enum HostAction {
    /// Register a hostname and check its DNS at once.
    Add { hostname: String },
    /// List the environment's hostnames and their state.
    List,
    /// Look at a hostname's DNS again now.
    Check { hostname: String },
    /// Stop serving the portal at a hostname.
    Remove { hostname: String },
}

#[derive(Subcommand)]
pub(super) enum EmbeddingAction {
    /// Print the settings as JSON.
    Show,
    /// Replace them: the listed origins only (none: no site may embed the portal).
    Set {
        /// An allowed parent origin such as https://app.vendor.com; repeat for more.
        #[arg(long = "origin")]
        origins: Vec<String>,
        /// Partitioned session cookies (CHIPS), for embedding by another site.
        #[arg(long)]
        partitioned_cookies: bool,
    },
}

pub(super) async fn embedding_command(
    state: &AppState,
    action: EmbeddingAction,
    env: &str,
) -> Result<(), String> {
    let env = environment(state, env).await?;
    let current = match action {
        EmbeddingAction::Show => crate::server::embed::settings(state, &env.id)
            .await
            .map_err(|e| e.to_string())?,
        EmbeddingAction::Set {
            origins,
            partitioned_cookies,
        } => {
            let input = crate::api::embed::Embedding {
                allowed_origins: origins,
                partitioned_cookies,
            };
            crate::server::embed::save(state, &env.id, input)
                .await
                .map_err(|e| {
                    format!(
                        "the embedding settings were not saved: {}",
                        api_error_text(e)
                    )
                })?
        }
    };
    println!(
        "{}",
        serde_json::to_string_pretty(&current).map_err(|e| e.to_string())?
    );
    Ok(())
}

/// Prints a hostname: its state, the record to create, and what DNS showed last.
pub(super) fn print_host(d: &crate::api::hostnames::CustomDomain) {
    let state = match d.state {
        crate::api::hostnames::CustomDomainState::Active => "active",
        crate::api::hostnames::CustomDomainState::Pending => "pending",
    };
    println!("{}\t{state}\t{}", d.hostname, d.id);
    println!(
        "  DNS record: {} {} -> {}",
        d.dns_record.record_type, d.dns_record.name, d.dns_record.value
    );
    println!(
        "  ownership:  {} {} \"{}\"",
        d.ownership_record.record_type, d.ownership_record.name, d.ownership_record.value
    );
    if let Some(c) = &d.last_check {
        println!("  last check: {}", c.message);
    }
    if let Some(w) = &d.warning {
        println!("  warning: {w}");
    }
    if d.state == crate::api::hostnames::CustomDomainState::Active {
        println!("  portal: {}", d.url);
    }
}

pub(super) async fn host_command(
    state: &AppState,
    action: HostAction,
    env: &str,
) -> Result<(), String> {
    use crate::server::hostnames;
    let env = environment(state, env).await?;
    let target = hostnames::target(state, &env.id)
        .await
        .map_err(|e| e.to_string())?;
    let env_id = env.id.as_str();
    let find = |name: String| async move {
        let wanted = hostnames::normalize(&name)?;
        state
            .store
            .list_custom_domains(env_id)
            .await
            .map_err(|e| e.to_string())?
            .into_iter()
            .find(|d| d.hostname == wanted)
            .ok_or_else(|| {
                format!(
                    "{wanted} is not registered in this environment; add it with \
                `portico custom-domain add {wanted}`"
                )
            })
    };
    match action {
        HostAction::Add { hostname } => {
            let row = hostnames::add(state, &env.id, &hostname)
                .await
                .map_err(api_error_text)?;
            print_host(&hostnames::view(state, &row, &target));
        }
        HostAction::List => {
            for row in state
                .store
                .list_custom_domains(&env.id)
                .await
                .map_err(|e| e.to_string())?
            {
                print_host(&hostnames::view(state, &row, &target));
            }
        }
        HostAction::Check { hostname } => {
            let row = hostnames::check(state, find(hostname).await?)
                .await
                .map_err(api_error_text)?;
            print_host(&hostnames::view(state, &row, &target));
        }
        HostAction::Remove { hostname } => {
            let row = find(hostname).await?;
            state
                .store
                .delete_custom_domain(&row.id)
                .await
                .map_err(|e| e.to_string())?;
            println!("removed {}", row.hostname);
        }
    }
    Ok(())
}
