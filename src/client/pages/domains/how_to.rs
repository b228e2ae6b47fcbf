//! "How do I add a TXT record?": the chosen DNS host's short steps with the admin's own
//! name and value filled in, or general steps for any other host.

use crate::api::dns_hosts::DnsHostGuide;
use crate::client::api::ApiError;
use crate::client::components::copy_box::CopyBox;
use crate::client::style::scoped;
use leptos::prelude::*;
use stylers_macro::style_str;

/// The name as most DNS hosts want it: without the domain, which they add themselves.
fn relative_name(name: &str, domain: &str) -> String {
    name.strip_suffix(domain)
        .and_then(|n| n.strip_suffix('.'))
        .filter(|n| !n.is_empty())
        .unwrap_or(name)
        .to_owned()
}

/// The how-to for one domain's record.
#[component]
pub fn HowTo(
    /// Makes the ids of this instance's controls unique on the page.
    prefix: String,
    /// The domain in ASCII, as in DNS.
    domain: String,
    /// The full record name, e.g. `_portico-challenge.acme.com`.
    name: String,
    /// The TXT value.
    value: String,
    /// The DNS host the admin picked (`""` for another host), shared by every domain.
    host: RwSignal<String>,
    /// The DNS host guides, once loaded.
    #[prop(into)]
    hosts: Signal<Option<Result<Vec<DnsHostGuide>, ApiError>>>,
) -> impl IntoView {
    let class = scoped(style_str! {
        details {
            border: var(--border-width) solid var(--color-border);
            border-radius: var(--radius-md);
            padding: var(--space-2) var(--space-3);
        }
        summary {
            cursor: pointer;
            font-weight: 600;
            min-height: 2rem;
        }
        .body {
            display: flex;
            flex-direction: column;
            gap: var(--space-3);
            padding-top: var(--space-3);
        }
        select {
            min-height: 2.75rem;
            max-width: 100%;
            padding: var(--space-2) var(--space-3);
            border: var(--border-width) solid var(--color-border);
            border-radius: var(--radius-md);
            background: var(--color-surface);
            color: var(--color-text);
            font: inherit;
        }
        .guide {
            display: flex;
            flex-direction: column;
            gap: var(--space-2);
        }
    });
    let host_part = relative_name(&name, &domain);
    // For a subdomain kept inside its parent's zone, the host wants the subdomain's label too.
    let sub_label = domain.split('.').count() > 2;
    let sub_note = sub_label.then(|| {
        let first = domain.split('.').next().unwrap_or_default();
        format!("{host_part}.{first}")
    });
    let select_id = format!("{prefix}-host");
    let fill = {
        let (host_part, name, value, domain) = (
            host_part.clone(),
            name.clone(),
            value.clone(),
            domain.clone(),
        );
        move |g: &DnsHostGuide| {
            g.fill(&[
                ("host", &host_part),
                ("name", &name),
                ("value", &value),
                ("domain", &domain),
            ])
        }
    };
    let guide_html = move || {
        let key = host.get();
        if key.is_empty() {
            return None;
        }
        hosts.with(|h| {
            h.as_ref()
                .and_then(|r| r.as_ref().ok())
                .and_then(|l| l.iter().find(|g| g.key == key))
                .map(&fill)
        })
    };
    let general = {
        let (host_part, name, value, domain) = (
            host_part.clone(),
            name.clone(),
            value.clone(),
            domain.clone(),
        );
        move || general_steps(&host_part, &name, &value, &domain)
    };
    view! { class=class,
        <details>
            <summary>"How do I add a TXT record?"</summary>
            <div class="body">
                <div class="stack tight">
                    <label for=select_id.clone()>"Your DNS host"</label>
                    // `prop:selected` (not the attribute) so a choice made in another card shows here too.
                    <select id=select_id on:change=move |ev| host.set(event_target_value(&ev))>
                        {move || hosts.with(|h| h.as_ref().and_then(|r| r.as_ref().ok()).cloned().unwrap_or_default()).into_iter().map(|g| {
                            let key = g.key.clone();
                            view! { <option value=g.key prop:selected=move || host.get() == key>{g.name}</option> }
                        }).collect_view()}
                        <option value="" prop:selected=move || host.get().is_empty()>"Another host, or not sure"</option>
                    </select>
                </div>
                <CopyBox id=format!("{prefix}-host-part") label="Name without the domain".to_string() value=host_part.clone()
                    hint="What most DNS hosts want in their Name or Host field."/>
                {sub_note.map(|n| view! { class=class,
                    <p class="muted">{format!("Verifying a subdomain? If your DNS host lists {domain} inside its parent domain's zone, type ")}<code>{n}</code>" instead."</p>
                })}
                // The guide's HTML carries no scoped class, so its container spaces its blocks.
                {move || match guide_html() {
                    Some(html) => view! { class=class, <div class="guide" data-dns-guide inner_html=html></div> }.into_any(),
                    None => general(),
                }}
            </div>
        </details>
    }
}

/// Steps that fit any DNS host.
fn general_steps(host_part: &str, name: &str, value: &str, domain: &str) -> AnyView {
    view! {
        <ol>
            <li>{format!("Sign in where the DNS of {domain} is managed: whoever runs its name servers, often the company you bought the domain from. Open its DNS records (also called DNS management or zone editor).")}</li>
            <li>"Add a record of type " <strong>"TXT"</strong> "."</li>
            <li>"In the name or host field, type " <code>{host_part.to_owned()}</code> ". Most hosts add the domain themselves; if yours asks for the full name, use " <code>{name.to_owned()}</code> "."</li>
            <li>"In the value, text or content field, paste " <code>{value.to_owned()}</code> ". It has no spaces, so it works with or without quotation marks."</li>
            <li>"Any TTL works; 5 minutes (300 seconds) makes a typo quicker to fix. Save."</li>
        </ol>
    }
    .into_any()
}
