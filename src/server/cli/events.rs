//! `portico events list` and `portico events tail`: the event log from the command line, one
//! JSON object a line (the shape `GET /api/v1/events` returns), so it pipes into `jq`.

use super::{api_error_text, environment};
use crate::server::events::{self, ListQuery};
use crate::server::AppState;
use clap::Subcommand;

/// How often `tail` looks for new events.
const TAIL_INTERVAL: std::time::Duration = std::time::Duration::from_secs(1);

#[derive(Subcommand)]
pub(super) enum EventsAction {
    /// Print the environment's events, oldest first.
    List {
        /// Only these types (repeat, or separate with commas), e.g. `connection.activated`.
        #[arg(long = "type")]
        types: Vec<String>,
        /// Only events after this one (`evt_…`).
        #[arg(long)]
        after: Option<String>,
        /// Only this organization's events (`org_…`).
        #[arg(long)]
        org: Option<String>,
    },
    /// Print events as they happen (looks every second) until stopped.
    Tail {
        /// Only these types (repeat, or separate with commas).
        #[arg(long = "type")]
        types: Vec<String>,
        /// Only this organization's events.
        #[arg(long)]
        org: Option<String>,
    },
}

pub(super) async fn events_command(
    state: &AppState,
    action: EventsAction,
    env: &str,
) -> Result<(), String> {
    let env = environment(state, env).await?;
    match action {
        EventsAction::List { types, after, org } => {
            let q = query(&types, after, org);
            print_from(state, &env.id, q, true).await?;
            Ok(())
        }
        EventsAction::Tail { types, org } => {
            // Start at the end of the log: tail shows what happens from now on.
            let end = print_from(state, &env.id, query(&[], None, None), false).await?;
            let mut q = query(&types, end, org);
            // Checked once up front, so a typo fails at once rather than every second.
            events::filter(state.store.as_ref(), &env.id, &q)
                .await
                .map_err(api_error_text)?;
            loop {
                q.after = print_from(state, &env.id, q.clone(), true).await?;
                tokio::time::sleep(TAIL_INTERVAL).await;
            }
        }
    }
}

fn query(types: &[String], after: Option<String>, org: Option<String>) -> ListQuery {
    // `--type a --type b`, `--type a,b` and `--type "a, b"` all mean the same.
    let names: Vec<&str> = types
        .iter()
        .flat_map(|t| t.split(','))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect();
    ListQuery {
        after,
        types: (!names.is_empty()).then(|| names.join(",")),
        organization_id: org,
        limit: None,
    }
}

/// Reads every page after `q.after`, printing each event when `print`; returns the cursor to
/// continue from (the last event read, or `q.after` if there was none).
async fn print_from(
    state: &AppState,
    environment_id: &str,
    mut q: ListQuery,
    print: bool,
) -> Result<Option<String>, String> {
    loop {
        let page = events::list(state.store.as_ref(), environment_id, &q)
            .await
            .map_err(api_error_text)?;
        if print {
            for e in &page.data {
                println!("{}", serde_json::to_string(e).map_err(|e| e.to_string())?);
            }
        }
        q.after = page.next_after;
        if !page.has_more {
            return Ok(q.after);
        }
    }
}
