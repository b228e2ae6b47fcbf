//! One domain: where it stands, the record to create, what the last DNS check saw, and the
//! actions (check now, try again, remove).

use super::how_to::HowTo;
use super::relative;
use crate::api::dns_hosts::DnsHostGuide;
use crate::api::domains::{CheckResult, Domain, DomainState, LookupOutcome};
use crate::api::time::Timestamp;
use crate::client::api::{self, ApiError};
use crate::client::components::activity_log::{ActivityLog, ActivityOf};
use crate::client::components::copy_box::CopyBox;
use crate::client::components::error_notice::ErrorNotice;
use crate::client::hooks::Latest;
use crate::client::style::scoped;
use crate::core::cert::format_datetime;
use leptos::prelude::*;
use stylers_macro::style_str;

/// The id of a card's heading, so the page can move focus to a new card.
pub fn heading_id(domain_id: &str) -> String {
    format!("domain-{domain_id}-heading")
}

/// Moves focus to an element by id (a card heading, the domain field), if it is on the page.
pub fn focus_id(id: &str) {
    if let Some(el) = document().get_element_by_id(id) {
        if let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el) {
            let _ = el.focus();
        }
    }
}

/// `3 minutes ago (2026-11-23 10:04 UTC)`.
fn when(now: i64, t: Timestamp) -> String {
    format!(
        "{} ({})",
        relative(now, t.unix()),
        format_datetime(t.unix())
    )
}

/// What a check saw, in the admin's words.
fn explain(r: &CheckResult, state: DomainState) -> &'static str {
    match r.outcome {
        LookupOutcome::Found if state == DomainState::Verified => "Found — verified.",
        LookupOutcome::Found => "Found our record.",
        LookupOutcome::NoSuchName => {
            "No such name yet (NXDOMAIN) — records can take a few minutes to appear."
        }
        LookupOutcome::NoTxt => "The name exists but has no TXT record.",
        LookupOutcome::WrongValue => "Found TXT values that do not match:",
        LookupOutcome::LookupError => {
            "Could not ask DNS (timeout/SERVFAIL): we will retry; this does not count as missing."
        }
    }
}

/// The wire name of an outcome, for tests to find.
fn outcome_name(o: LookupOutcome) -> &'static str {
    match o {
        LookupOutcome::Found => "found",
        LookupOutcome::NoSuchName => "no_such_name",
        LookupOutcome::NoTxt => "no_txt",
        LookupOutcome::WrongValue => "wrong_value",
        LookupOutcome::LookupError => "lookup_error",
    }
}

/// What the domains page hands the `domain_cards` chunk: its list and the state the cards share.
#[derive(Clone, Copy)]
pub struct Cards {
    /// The page's list, updated in place after a check or removed from on removal.
    pub domains: RwSignal<Vec<Domain>>,
    /// Unix seconds, refreshed by the page, for "3 minutes ago".
    pub now: Signal<i64>,
    /// The DNS host the admin picked (shared by the cards).
    pub host: RwSignal<String>,
    /// Called after a domain was removed.
    pub on_removed: Callback<Domain>,
    /// The heading of the card just added, to focus once it is on the page (the first card
    /// may arrive with this chunk, after the page tried).
    pub focus: RwSignal<Option<String>>,
}

/// What the `domain_cards` chunk exports: the cards of a list that is not empty.
pub type CardsView = fn(Cards) -> AnyView;

/// Builds the cards (the chunk's export, see [`CardsView`]).
pub fn cards_view(cards: Cards) -> AnyView {
    view! { <DomainCards cards/> }.into_any()
}

/// One card per domain, with the DNS host guides they share (fetched with the first card).
#[component]
fn DomainCards(cards: Cards) -> impl IntoView {
    let class = scoped(style_str! {
        ul {
            list-style: none;
            padding: 0;
            display: flex;
            flex-direction: column;
            gap: var(--space-4);
        }
    });
    let Cards {
        domains,
        now,
        host,
        on_removed,
        focus,
    } = cards;
    if let Some(heading) = focus.get_untracked() {
        focus.set(None);
        request_animation_frame(move || focus_id(&heading));
    }
    let hosts = LocalResource::new(api::dns_hosts);
    let hosts = Signal::derive(move || hosts.get().map(|r| r.map(|l| l.data)));
    view! { class=class,
        <ul aria-label="Your domains">
            <For each=move || domains.get() key=|d| d.id.clone() let:d>
                <li><DomainCard domain=d domains now host hosts on_removed/></li>
            </For>
        </ul>
    }
}

/// A domain's card.
#[component]
pub fn DomainCard(
    /// The domain as first listed; the live version is looked up in `domains` by its id.
    domain: Domain,
    /// The page's list, updated in place after a check or removed from on removal.
    domains: RwSignal<Vec<Domain>>,
    /// Unix seconds, refreshed by the page, for "3 minutes ago".
    #[prop(into)]
    now: Signal<i64>,
    /// The DNS host the admin picked (shared by the cards).
    host: RwSignal<String>,
    /// The DNS host guides, once loaded.
    #[prop(into)]
    hosts: Signal<Option<Result<Vec<DnsHostGuide>, ApiError>>>,
    /// Called after the domain was removed.
    on_removed: Callback<Domain>,
) -> impl IntoView {
    let class = scoped(style_str! {
        article {
            border: var(--border-width) solid var(--color-border);
            border-radius: var(--radius-md);
            padding: var(--space-4);
            display: flex;
            flex-direction: column;
            gap: var(--space-3);
        }
        .head {
            display: flex;
            flex-wrap: wrap;
            gap: var(--space-2) var(--space-3);
            align-items: center;
            justify-content: space-between;
        }
        h2 {
            overflow-wrap: anywhere;
        }
        h2:focus {
            outline: none;
        }
        .record {
            display: grid;
            grid-template-columns: minmax(8rem, 10rem) minmax(0, 1fr);
            gap: 0 var(--space-3);
        }
        .record .value {
            grid-column: 1 / -1;
        }
        .seen {
            border-left: 3px solid var(--color-border);
            padding-left: var(--space-3);
            display: flex;
            flex-direction: column;
            gap: var(--space-1);
        }
        .seen ul {
            margin: 0;
        }
        .small {
            font-size: var(--font-size-sm);
        }
        @media (max-width: 40rem) {
            .record {
                grid-template-columns: minmax(0, 1fr);
            }
        }
    });
    let id = domain.id.clone();
    let current = Memo::new({
        let (id, first) = (id.clone(), domain.clone());
        move |_| {
            domains
                .with(|l| l.iter().find(|d| d.id == id).cloned())
                .unwrap_or_else(|| first.clone())
        }
    });
    // The record changes only if the server issues a new value; keep the copy boxes otherwise.
    let record = Memo::new(move |_| {
        current.with(|d| {
            (
                d.record_name.clone(),
                d.record_value.clone(),
                d.domain.clone(),
            )
        })
    });
    let state = Memo::new(move |_| current.with(|d| d.state));
    let needs_record = Memo::new(move |_| {
        current.with(|d| d.state != DomainState::Verified || d.warning.is_some())
    });
    // "Check now" while pending (or when a verified domain's record went away), "Try again"
    // once failed; nothing to check on a verified domain.
    let check_label = Memo::new(move |_| {
        current.with(|d| match d.state {
            DomainState::Failed => Some("Try again"),
            DomainState::Verified if d.warning.is_none() => None,
            _ => Some("Check now"),
        })
    });
    let has_check = Memo::new(move |_| check_label.with(Option::is_some));
    let status = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let confirming = RwSignal::new(false);
    // Both are cancelled with the card: an answer for a card no longer on the page is dropped.
    let check_run = Latest::new({
        let id = id.clone();
        move |(): &()| {
            let id = id.clone();
            async move {
                match api::check_domain(&id).await {
                    Ok(d) => {
                        let said = match (&d.last_result, d.state) {
                            (_, DomainState::Verified) if d.warning.is_none() => {
                                "Checked: verified.".to_owned()
                            }
                            (Some(r), state) => format!("Checked: {}", explain(r, state)),
                            (None, _) => "Checked.".to_owned(),
                        };
                        let done = d.state == DomainState::Verified && d.warning.is_none();
                        status.set(said);
                        domains.update(|l| {
                            if let Some(x) = l.iter_mut().find(|x| x.id == d.id) {
                                *x = d;
                            }
                        });
                        // The button that had focus is gone once verified: keep focus on this card.
                        if done {
                            focus_id(&heading_id(&id));
                        }
                    }
                    Err(e) => {
                        status.set("The check did not finish.".into());
                        error.set(Some(e));
                    }
                }
            }
        }
    });
    let busy = check_run.pending();
    let check = move |_| {
        if busy.get_untracked() {
            return;
        }
        error.set(None);
        status.set("Checking DNS…".into());
        check_run.dispatch(());
    };
    let remove_run = Latest::new({
        let id = id.clone();
        move |(): &()| {
            let id = id.clone();
            async move {
                match api::remove_domain(&id).await {
                    Ok(()) => {
                        on_removed.run(current.get_untracked());
                        true
                    }
                    Err(e) => {
                        error.set(Some(e));
                        false
                    }
                }
            }
        }
    });
    // Stays "Removing…" after success, until the card leaves the page.
    let (remove_pending, removed) = (remove_run.pending(), remove_run.value());
    let removing = Signal::derive(move || remove_pending.get() || removed.get() == Some(true));
    let remove = move |_| {
        if removing.get_untracked() {
            return;
        }
        error.set(None);
        remove_run.dispatch(());
    };

    let heading = heading_id(&id);
    let labelled_by = heading.clone();
    let display = domain.display_name.clone();
    let display_confirm = domain.display_name.clone();
    let (name_id, value_id, type_id) = (
        format!("domain-{id}-name"),
        format!("domain-{id}-value"),
        format!("domain-{id}-type"),
    );
    let how_to_prefix = format!("domain-{id}");
    let remove_id = format!("domain-{id}-remove");
    let confirm_ref = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if confirming.get() {
            if let Some(b) = confirm_ref.get() {
                let _ = b.focus();
            }
        }
    });

    view! { class=class,
        <article aria-labelledby=labelled_by data-domain=domain.domain.clone() data-state=move || state.get().as_str()>
            <div class="head">
                <div>
                    <h2 id=heading tabindex="-1">{domain.display_name.clone()}</h2>
                    {(domain.display_name != domain.domain).then(|| view! { class=class, <p class="muted small">"In DNS: " <code>{domain.domain.clone()}</code></p> })}
                </div>
                // One element whose classes toggle: a rebuilt `class=` string would drop the scope class.
                // A glyph and a word as well as the colour, so the state never rests on colour alone.
                <span class="badge" data-domain-state
                    class:success=move || state.get() == DomainState::Verified
                    class:warning=move || state.get() == DomainState::Pending
                    class:danger=move || state.get() == DomainState::Failed>
                    <span aria-hidden="true">{move || match state.get() {
                        DomainState::Verified => "✓ ",
                        DomainState::Pending => "◷ ",
                        DomainState::Failed => "✕ ",
                    }}</span>
                    {move || match state.get() {
                        DomainState::Verified => "Verified",
                        DomainState::Pending => "Pending",
                        DomainState::Failed => "Failed",
                    }}
                </span>
            </div>
            {move || state_notice(&current.get(), now.get())}
            // Depends on memos only, so a check does not close the how-to or reset the copy boxes.
            {move || {
                let (name, value, dns_name) = record.get();
                if needs_record.get() {
                    view! { class=class,
                        <p>"Create this record at your DNS host:"</p>
                        <div class="record" role="group" aria-label="The TXT record to create">
                            <div><CopyBox id=type_id.clone() label="Type".to_string() value="TXT".to_string()/></div>
                            <div><CopyBox id=name_id.clone() label="Name".to_string() value=name.clone()/></div>
                            <div class="value"><CopyBox id=value_id.clone() label="Value".to_string() value=value.clone()/></div>
                        </div>
                        <HowTo prefix=how_to_prefix.clone() domain=dns_name name value host hosts/>
                    }.into_any()
                } else {
                    view! { class=class,
                        <details>
                            <summary>"The TXT record"</summary>
                            <p class="small">"Name " <code>{name}</code> ", value " <code>{value}</code>
                                ". Keep it in place: we look for it now and then."</p>
                        </details>
                    }.into_any()
                }
            }}
            {move || last_check(&current.get(), now.get(), class)}
            <ActivityLog of=ActivityOf::Domain(domain.id.clone())/>
            <ErrorNotice error=error/>
            <div class="actions">
                {
                    // Created once per mode, so a check does not replace the button that has focus.
                    move || has_check.get().then(|| {
                        view! {
                            <button type="button" class="button primary" data-check
                                aria-disabled=move || busy.get().then_some("true") on:click=check>
                                {move || if busy.get() { "Checking DNS…" } else { check_label.get().unwrap_or_default() }}
                            </button>
                        }
                    })
                }
                {move || if confirming.get() {
                    view! { class=class,
                        <div class="row" role="group" aria-label="Confirm removal">
                            <span>{format!("Remove {display_confirm}?")}</span>
                            <button type="button" class="button" node_ref=confirm_ref data-confirm-remove
                                aria-disabled=move || removing.get().then_some("true") on:click=remove>
                                {move || if removing.get() { "Removing…" } else { "Remove domain" }}
                            </button>
                            <button type="button" class="button" on:click={
                                let remove_id = remove_id.clone();
                                move |_| {
                                    confirming.set(false);
                                    // Back to the button the admin came from, which was replaced.
                                    let remove_id = remove_id.clone();
                                    request_animation_frame(move || focus_id(&remove_id));
                                }
                            }>"Cancel"</button>
                        </div>
                    }.into_any()
                } else {
                    view! {
                        <button type="button" class="button" id=remove_id.clone() on:click=move |_| confirming.set(true)>
                            "Remove"<span class="visually-hidden">{format!(" {display}")}</span>
                        </button>
                    }.into_any()
                }}
            </div>
            // Said to screen readers; on screen, the button and the last check show the same.
            <p class="visually-hidden" role="status" aria-live="polite" data-check-status>{move || status.get()}</p>
        </article>
    }
}

/// Verified (when, how, and the warning if the record went away), failed (why) or pending
/// (until when we keep looking).
fn state_notice(d: &Domain, now: i64) -> impl IntoView {
    match d.state {
        DomainState::Verified => {
            let at = d
                .verified_at
                .map(|t| format_datetime(t.unix()))
                .unwrap_or_default();
            let how = match d.verification_method.as_deref() {
                Some("manual") => match &d.verified_by {
                    Some(by) => format!("marked as verified by your vendor ({by})"),
                    None => "marked as verified by your vendor".to_owned(),
                },
                _ => "through its DNS record".to_owned(),
            };
            let warning = d.warning.clone().map(|w| {
                let seen = d.record_last_seen_at.map(|t| format!("Our record was last seen {}.", when(now, t)));
                view! {
                    <div class="notice warning" data-domain-warning>
                        <p><strong>"The record is gone. "</strong>{w}</p>
                        {seen.map(|s| view! { <p>{s}</p> })}
                        <p>"The domain stays verified. Put the record back so future checks find it."</p>
                    </div>
                }
            });
            view! {
                <p class="notice success" data-verified>{format!("Verified on {at}, {how}.")}</p>
                {warning}
            }
            .into_any()
        }
        DomainState::Failed => {
            let until = d
                .fails_at
                .map(|t| format!(" by {}", format_datetime(t.unix())))
                .unwrap_or_default();
            view! {
                <p class="notice error">{format!("Not verified: the record did not appear{until}, so we stopped checking. Check the record below, then press Try again to look again and restart the waiting period.")}</p>
            }
            .into_any()
        }
        DomainState::Pending => {
            let until = d
                .fails_at
                .map(|t| format!(" until {}", format_datetime(t.unix())))
                .unwrap_or_default();
            view! {
                <p>{format!("We check for the record automatically{until}. Once you have created it, press Check now to look at once.")}</p>
            }
            .into_any()
        }
    }
}

/// When we last looked and what we saw, and when we look next.
fn last_check(d: &Domain, now: i64, class: &'static str) -> impl IntoView {
    let next = d
        .next_check_at
        .filter(|_| d.state == DomainState::Pending)
        .map(|t| {
            let text = if t.unix() <= now {
                "Next automatic check: due now.".to_owned()
            } else {
                format!("Next automatic check: {}.", when(now, t))
            };
            view! { class=class, <p class="muted small" data-next-check>{text}</p> }
        });
    let Some(r) = d.last_result.clone() else {
        return view! { class=class,
            <div class="seen" data-last-outcome="none">
                <p class="muted">"Not checked yet."</p>
                {next}
            </div>
        }
        .into_any();
    };
    let checked = when(now, d.last_checked_at.unwrap_or(r.checked_at));
    let values = (r.outcome == LookupOutcome::WrongValue).then(|| {
        view! { class=class,
            <ul data-seen-values>{r.values.iter().map(|v| view! { <li><code>{v.clone()}</code></li> }).collect_view()}</ul>
            <p class="small">"Replace it with the value above. Look for a missing part, extra quotation marks, or the record under a different name."</p>
        }
    });
    let detail = (r.outcome == LookupOutcome::LookupError)
        .then(|| r.error.clone())
        .flatten()
        .map(|e| view! { class=class, <p class="muted small">{e}</p> });
    let source = r
        .source
        .clone()
        .map(|s| view! { class=class, <p class="muted small">{format!("Answered by {s}.")}</p> });
    view! { class=class,
        <div class="seen" data-last-outcome=outcome_name(r.outcome)>
            <p><strong>"Last checked "</strong>{checked}</p>
            <p data-seen>{explain(&r, d.state)}</p>
            {values}
            {detail}
            {source}
            {next}
        </div>
    }
    .into_any()
}
