//! `/domains`: the admin proves their organization owns its email domains with a DNS TXT
//! record: add a domain, create the record, check it, and see in plain words what DNS said.

pub(crate) mod card;
mod how_to;

use super::PageHeading;
use crate::api::domains::{Domain, DomainState};
use crate::api::vendor::Intent;
use crate::api::ErrorCode;
use crate::client::api::{self, ApiError};
use crate::client::components::error_notice::ErrorNotice;
use crate::client::components::field::Field;
use crate::client::components::lazy::{ChunkFailed, Lazy, Loader};
use crate::client::components::require_session::RequireSession;
use crate::client::hooks::Latest;
use crate::client::routes;
use crate::client::session::{now_secs, use_session};
use crate::client::style::scoped;
use card::{Cards, CardsView};
use leptos::prelude::*;
use std::time::Duration;
use stylers_macro::style_str;

/// How often relative times are refreshed and due automatic checks looked for.
const TICK: Duration = Duration::from_secs(30);

/// How the page fetches its cards' chunk (`client::chunks::domain_cards`), provided by the
/// route. No chunk calls a split point itself: a module that is not cut (the designer's, which
/// keeps every split point's screens) would be left with an import it cannot satisfy.
#[derive(Clone, Copy)]
pub struct CardsLoader(pub Loader<CardsView>);

/// The domain verification screen.
#[component]
pub fn Domains() -> impl IntoView {
    view! {
        <RequireSession>
            <DomainsPage/>
        </RequireSession>
    }
}

/// Where the list stands.
#[derive(Clone)]
enum Load {
    Loading,
    Failed(ApiError),
    Ready,
}

/// `12 minutes ago`, `in 3 hours`: how far `t` is from `now`, for times people act on.
pub(crate) fn relative(now: i64, t: i64) -> String {
    let d = t - now;
    let s = d.abs();
    if s < 45 {
        return "just now".into();
    }
    // Rounded to the nearest unit, and the next unit once it would read 60 minutes or 24 hours.
    let (minutes, hours) = ((s + 30) / 60, (s + 1800) / 3600);
    let (n, unit) = if minutes < 60 {
        (minutes, "minute")
    } else if hours < 24 {
        (hours, "hour")
    } else {
        ((s + 43_200) / 86_400, "day")
    };
    let text = format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    if d < 0 {
        format!("{text} ago")
    } else {
        format!("in {text}")
    }
}

#[component]
fn DomainsPage() -> impl IntoView {
    // Without the route's loader (a page mounted elsewhere) the cards say they did not load.
    let cards = use_context::<CardsLoader>()
        .map(|c| c.0)
        .unwrap_or(|| Box::pin(std::future::ready(Err(ChunkFailed))));
    let class = scoped(style_str! {
        .add {
            display: flex;
            flex-wrap: wrap;
            gap: var(--space-3);
            align-items: flex-end;
        }
        .add .input {
            flex: 1 1 16rem;
            min-width: 0;
        }
    });
    let session = use_session();
    let domains = RwSignal::new(Vec::<Domain>::new());
    let load = RwSignal::new(Load::Loading);
    // By the server's clock, which stamped the checks, so "just now" is not "in a moment".
    let server_now = move || now_secs() - session.offset.get_untracked();
    let now = RwSignal::new(server_now());
    // Which DNS host the admin picked, shared by every card so they choose once.
    let host = RwSignal::new(String::new());
    // Announcements that outlive the element they are about (a removed card).
    let announce = RwSignal::new(String::new());
    // Cancelled with the page, so nothing after its await asks whether the page is still there.
    let fetch = Latest::new(move |(): &()| async move {
        match api::domains().await {
            Ok(l) => {
                domains.set(l.data);
                // Setting it again would rebuild every card (and lose focus and open how-tos).
                if !matches!(load.get_untracked(), Load::Ready) {
                    load.set(Load::Ready);
                }
            }
            // A failed refresh keeps the list on screen; only the first load shows the error.
            Err(e) => {
                if matches!(load.get_untracked(), Load::Loading) {
                    load.set(Load::Failed(e));
                }
            }
        }
    });
    let reloading = fetch.pending();
    // One fetch at a time: a refresh due while one is on its way waits for the next tick.
    let reload = move || {
        if !reloading.get_untracked() {
            fetch.dispatch(());
        }
    };
    reload();

    // The server checks pending domains on its own schedule: when a check is due, fetch the
    // list again so what the admin sees follows it, and keep "3 minutes ago" true.
    let tick = set_interval_with_handle(
        move || {
            let t = server_now();
            now.set(t);
            // The interval is cleared with the page (below), so the list is still there.
            let due = domains.with_untracked(|l| {
                l.iter().any(|d| {
                    d.state == DomainState::Pending
                        && d.next_check_at.is_some_and(|n| n.unix() <= t)
                })
            });
            if due {
                reload();
            }
        },
        TICK,
    )
    .ok();
    on_cleanup(move || {
        if let Some(t) = tick {
            t.clear();
        }
    });

    let input = RwSignal::new(String::new());
    let field_error = RwSignal::new(None::<String>);
    let form_error = RwSignal::new(None::<ApiError>);
    let focus = RwSignal::new(None::<String>);
    let add_action = Action::new_local(move |value: &String| {
        let value = value.clone();
        async move {
            match api::add_domain(&value).await {
                Ok(d) => {
                    let heading = card::heading_id(&d.id);
                    announce.set(format!(
                        "Added {}. Create the TXT record shown for it, then press Check now.",
                        d.display_name
                    ));
                    input.set(String::new());
                    domains.update(|l| l.push(d));
                    // Take the admin to the new card, where the record to create is (the
                    // cards do it themselves when this is the first, and they are arriving).
                    focus.set(Some(heading.clone()));
                    request_animation_frame(move || card::focus_id(&heading));
                }
                Err(e) => {
                    // Conflicts about the domain itself (already added, verified elsewhere)
                    // belong next to the field, like the validation problems.
                    let about_domain = e.field("domain").or_else(|| {
                        matches!(
                            e.code(),
                            Some(ErrorCode::DomainDuplicate | ErrorCode::DomainTaken)
                        )
                        .then(|| e.message())
                    });
                    match about_domain {
                        Some(m) => field_error.set(Some(m)),
                        None => form_error.set(Some(e)),
                    }
                }
            }
        }
    });
    let adding = add_action.pending();
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if adding.get_untracked() {
            return;
        }
        let value = input.get_untracked().trim().to_owned();
        if value.is_empty() {
            field_error.set(Some("Enter a domain, such as acme.com.".into()));
            return;
        }
        field_error.set(None);
        form_error.set(None);
        add_action.dispatch_local(value);
    };

    let on_removed = Callback::new(move |d: Domain| {
        domains.update(|l| l.retain(|x| x.id != d.id));
        announce.set(format!("Removed {}.", d.display_name));
        // The card that had focus is gone: continue from the form.
        card::focus_id("domain-input");
    });

    let has_sso = move || {
        session
            .info
            .with(|i| i.as_ref().is_some_and(|i| i.intents.contains(&Intent::Sso)))
    };
    let success_url = move || {
        session
            .info
            .with(|i| i.as_ref().and_then(|i| i.success_url.clone()))
    };
    let empty = Memo::new(move |_| domains.with(Vec::is_empty));
    let any_verified = move || domains.with(|l| l.iter().any(|d| d.state == DomainState::Verified));
    // An embedding page hears when a domain becomes verified while the admin is here (by
    // "Check now" or by the server's own checks); domains verified before are the baseline.
    let seen_verified = StoredValue::new(None::<Vec<String>>);
    Effect::new(move |_| {
        if !matches!(load.get(), Load::Ready) {
            return;
        }
        let verified: Vec<(String, String)> = domains.with(|l| {
            l.iter()
                .filter(|d| d.state == DomainState::Verified)
                .map(|d| (d.id.clone(), d.domain.clone()))
                .collect()
        });
        let baseline = seen_verified.get_value();
        if let Some(before) = &baseline {
            for (domain_id, domain) in verified.iter().filter(|(id, _)| !before.contains(id)) {
                crate::client::embed::send(crate::api::embed::EventData::DomainVerified {
                    domain_id: domain_id.clone(),
                    domain: domain.clone(),
                });
            }
        }
        seen_verified.set_value(Some(verified.into_iter().map(|(id, _)| id).collect()));
    });

    view! { class=class,
        <div class="card">
            <PageHeading text="Verify your domains"/>
            <p>"Prove that your organization owns the domains of your team's email addresses by adding a DNS TXT record at your DNS host. Verified domains let your vendor match people to your organization by their email address."</p>
            <form class="add" on:submit=add novalidate aria-label="Add a domain">
                <div class="input">
                    <Field id="domain-input" label="Domain" value=input error=field_error
                        hint="e.g. acme.com — a subdomain works too" placeholder="acme.com"/>
                </div>
                <button type="submit" class="button primary" aria-disabled=move || adding.get().then_some("true")>
                    {move || if adding.get() { "Adding…" } else { "Add domain" }}
                </button>
            </form>
            <ErrorNotice error=form_error/>
            <p class="visually-hidden" role="status" aria-live="polite">{move || announce.get()}</p>
            {move || match load.get() {
                Load::Loading => view! { <p class="muted" role="status">"Loading your domains…"</p> }.into_any(),
                Load::Failed(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                // The cards are a chunk of their own: a first visit has none to show.
                Load::Ready => view! {
                    <Show when=move || !empty.get()
                        fallback=|| view! { <p class="muted">"No domain yet. Add the domain of your team's email addresses, such as acme.com."</p> }>
                        <Lazy load=cards
                            view=move |cards: CardsView| cards(Cards { domains, now: now.into(), host, on_removed, focus })/>
                    </Show>
                }.into_any(),
            }}
            <div class="actions">
                {move || has_sso().then(|| view! { <a class="button" href=routes::SSO>"Back to single sign-on"</a> })}
                {move || success_url().filter(|_| any_verified()).map(|url| view! {
                    <a class="button primary" href=url.clone() on:click=crate::client::embed::close_on_click("done", Some(url))>"Finish and return to the app"</a>
                })}
            </div>
        </div>
    }
}
