//! `portico env credentials` and `portico redirect-uri`: what a vendor's app needs to sign its
//! users in through Portico.

use super::{api_error_text, environment};
use crate::server::AppState;
use clap::Subcommand;

#[derive(Subcommand)]
pub(super) enum RedirectAction {
    /// Register a redirect URI (exact; https, http://localhost, or an app's own scheme).
    Add {
        uri: String,
        /// Make it the default (used when a sign-in names none, and for IdP-initiated ones).
        #[arg(long)]
        default: bool,
    },
    /// List them.
    List,
    /// Remove one.
    Remove { uri: String },
}

pub(super) async fn credentials_command(
    state: &AppState,
    env: &str,
    list: bool,
    revoke: Option<String>,
) -> Result<(), String> {
    use crate::server::go_live;
    let env = environment(state, env).await?;
    if let Some(id) = revoke {
        return if state
            .store
            .revoke_client_secret(&env.id, &id, state.clock.now())
            .await
            .map_err(|e| e.to_string())?
        {
            println!("revoked {id}");
            Ok(())
        } else {
            Err(format!(
                "no live secret {id} in environment {:?}; list them with `portico env \
                credentials --list`",
                env.name
            ))
        };
    }
    if list {
        let c = go_live::credentials(state, &env.id)
            .await
            .map_err(|e| e.to_string())?;
        println!("PORTICO_CLIENT_ID={}", c.client_id);
        for s in c.secrets {
            let status = if s.revoked_at.is_some() {
                "revoked"
            } else {
                "live"
            };
            println!("{}\t{}…\t{status}", s.id, s.prefix);
        }
        return Ok(());
    }
    let created = go_live::create_secret(state, &env.id)
        .await
        .map_err(api_error_text)?;
    eprintln!(
        "Client credentials for environment {:?}; the secret is shown only once:",
        env.name
    );
    println!(
        "PORTICO_URL={}",
        crate::server::site::preferred(state, &env.id)
            .await
            .map_err(|e| e.to_string())?
            .base_url
    );
    println!("PORTICO_CLIENT_ID={}", created.client_id);
    println!("PORTICO_CLIENT_SECRET={}", created.client_secret);
    eprintln!(
        "Secret id {} (revoke it with `portico env credentials --revoke {}`).",
        created.id, created.id
    );
    Ok(())
}

pub(super) async fn redirect_command(
    state: &AppState,
    action: RedirectAction,
    env: &str,
) -> Result<(), String> {
    use crate::api::sso::RedirectUri;
    let env = environment(state, env).await?;
    let mut uris: Vec<RedirectUri> = state
        .store
        .list_redirect_uris(&env.id)
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|r| RedirectUri {
            uri: r.uri,
            default: r.is_default,
        })
        .collect();
    match action {
        RedirectAction::List => {}
        RedirectAction::Add { uri, default } => {
            if default {
                uris.iter_mut().for_each(|u| u.default = false);
            }
            uris.retain(|u| u.uri != uri.trim());
            uris.push(RedirectUri {
                uri: uri.trim().to_owned(),
                default,
            });
        }
        RedirectAction::Remove { uri } => {
            let before = uris.len();
            uris.retain(|u| u.uri != uri.trim());
            if uris.len() == before {
                return Err(format!(
                    "{uri} is not registered; list them with `portico redirect-uri list`"
                ));
            }
        }
    }
    let saved = crate::server::go_live::set_redirect_uris(state, &env.id, &uris)
        .await
        .map_err(api_error_text)?;
    for u in saved {
        println!("{}{}", u.uri, if u.default { "\t(default)" } else { "" });
    }
    Ok(())
}
