//! `portico theme export|import`: themes as files, so they live in the vendor's version control.

use super::environment;
use crate::server::service;
use crate::server::AppState;
use clap::Subcommand;

#[derive(Subcommand)]
pub(super) enum ThemeAction {
    /// Print the theme as JSON (the default theme when none was set).
    Export,
    /// Check a theme JSON file and save it; every problem is reported, nothing is saved if any blocks.
    Import {
        /// The file (`-` for standard input).
        file: String,
        /// Save although some colour pairs are below WCAG AA contrast.
        #[arg(long)]
        accept_low_contrast: bool,
    },
}

pub(super) async fn theme_command(
    state: &AppState,
    action: ThemeAction,
    env: &str,
    org: Option<&str>,
) -> Result<(), String> {
    use crate::server::theme;
    let env = environment(state, env).await?;
    let org = match org {
        Some(o) => Some(
            service::find_organization(state.store.as_ref(), &env.id, o)
                .await
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("no organization {o:?} in environment {:?}", env.name))?,
        ),
        None => None,
    };
    match action {
        ThemeAction::Export => {
            let (_, t) = theme::effective(state, &env.id, org.as_ref().map(|o| o.id.as_str()))
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "{}",
                serde_json::to_string_pretty(&t).map_err(|e| e.to_string())?
            );
            Ok(())
        }
        ThemeAction::Import {
            file,
            accept_low_contrast,
        } => {
            let text = if file == "-" {
                let mut s = String::new();
                std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
                    .map_err(|e| format!("could not read standard input: {e}"))?;
                s
            } else {
                std::fs::read_to_string(&file).map_err(|e| format!("could not read {file}: {e}"))?
            };
            let t: crate::api::theme::Theme =
                serde_json::from_str(&text).map_err(|e| format!("{file} is not a theme: {e}"))?;
            let t = theme::accept_in(
                state,
                &env.id,
                crate::api::theme::ThemeInput {
                    theme: t,
                    accept_low_contrast,
                },
            )
            .await
            .map_err(|e| {
                let mut lines = vec![format!(
                    "{file}: the theme was not saved ({})",
                    e.code.as_str()
                )];
                lines.extend(e.fields.iter().map(|(f, m)| format!("  {f}: {m}")));
                lines.join("\n")
            })?;
            match &org {
                Some(o) => theme::save_organization(state, &o.id, Some(&t)).await,
                None => theme::save_environment(state, &env.id, Some(&t)).await,
            }
            .map_err(|e| format!("could not save the theme ({})", e.code.as_str()))?;
            println!(
                "saved the theme of {}",
                org.as_ref()
                    .map(|o| format!("organization {}", o.id))
                    .unwrap_or_else(|| format!("environment {}", env.name))
            );
            Ok(())
        }
    }
}
