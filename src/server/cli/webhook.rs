//! `portico webhook`: the environment's webhook endpoints from the command line, the same
//! operations as `/api/v1/webhook_endpoints` (see [`crate::server::webhooks`]).

use super::{api_error_text, environment};
use crate::api::webhook::{CreateWebhookEndpoint, EventSelector, UpdateWebhookEndpoint};
use crate::server::AppState;
use clap::Subcommand;

#[derive(Subcommand)]
pub(super) enum WebhookAction {
    /// Add an endpoint and print its signing secret (shown once).
    Add {
        /// Where events are POSTed: https://…, or http:// to this machine or an allow-listed host.
        url: String,
        /// Event types, comma-separated (default: every type).
        #[arg(long)]
        events: Option<String>,
        /// A note.
        #[arg(long)]
        description: Option<String>,
    },
    /// List the endpoints and their state.
    List,
    /// Stop sending to an endpoint (queued deliveries wait until it is enabled).
    Disable { id: String },
    /// Send to an endpoint again.
    Enable { id: String },
    /// Delete an endpoint and its deliveries.
    Remove { id: String },
    /// Send a signed `webhook.test` message now and print the answer.
    Test { id: String },
}

pub(super) async fn webhook_command(
    state: &AppState,
    action: WebhookAction,
    env: &str,
) -> Result<(), String> {
    let env = environment(state, env).await?;
    let refused = |what: &str| {
        let what = what.to_owned();
        move |e| format!("{what}: {}", api_error_text(e))
    };
    match action {
        WebhookAction::Add {
            url,
            events,
            description,
        } => {
            let req = CreateWebhookEndpoint {
                url,
                events: events.map(|list| {
                    list.split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(|s| EventSelector(s.to_owned()))
                        .collect()
                }),
                enabled: None,
                description,
            };
            let created = crate::server::webhooks::create(state, &env.id, &req)
                .await
                .map_err(refused("the endpoint was not added"))?;
            print_endpoint(&created.endpoint);
            println!("  secret: {}", created.secret);
            println!("  (shown once: give it to your receiver's Standard Webhooks library)");
        }
        WebhookAction::List => {
            let all = crate::server::webhooks::list(state, &env.id)
                .await
                .map_err(api_error_text)?;
            if all.is_empty() {
                println!("no webhook endpoints; add one with `portico webhook add URL`");
            }
            for e in &all {
                print_endpoint(e);
            }
        }
        WebhookAction::Disable { id } => set_enabled(state, &env.id, &id, false).await?,
        WebhookAction::Enable { id } => set_enabled(state, &env.id, &id, true).await?,
        WebhookAction::Remove { id } => {
            crate::server::webhooks::delete(state, &env.id, &id)
                .await
                .map_err(refused("the endpoint was not removed"))?;
            println!("removed {id}");
        }
        WebhookAction::Test { id } => {
            let r = crate::server::webhooks::test(state, &env.id, &id)
                .await
                .map_err(refused("no test was sent"))?;
            match (r.delivered, r.status_code, r.error) {
                (true, Some(code), _) => {
                    println!(
                        "delivered: HTTP {code} in {} ms ({})",
                        r.latency_ms, r.webhook_id
                    )
                }
                (_, _, Some(e)) => return Err(format!("not delivered: {e}")),
                _ => return Err("not delivered".into()),
            }
        }
    }
    Ok(())
}

async fn set_enabled(state: &AppState, env: &str, id: &str, enabled: bool) -> Result<(), String> {
    let req = UpdateWebhookEndpoint {
        enabled: Some(enabled),
        ..UpdateWebhookEndpoint::default()
    };
    let e = crate::server::webhooks::update(state, env, id, &req)
        .await
        .map_err(|e| format!("the endpoint was not changed: {}", api_error_text(e)))?;
    print_endpoint(&e);
    Ok(())
}

fn print_endpoint(e: &crate::api::webhook::WebhookEndpoint) {
    let state = if e.enabled { "enabled" } else { "disabled" };
    println!("{}\t{state}\t{}", e.id, e.url);
    println!("  events: {}", e.events.join(", "));
    if !e.description.is_empty() {
        println!("  description: {}", e.description);
    }
    if let Some(reason) = &e.disabled_reason {
        println!("  disabled because: {reason}");
    }
    if let Some(since) = e.failing_since {
        println!("  failing since {since}");
    }
}
