//! A small picture of the exchange the admin is about to make: our values go into their IdP,
//! and their IdP's metadata (or issuer and client) comes back. Drawn inline so it follows the
//! theme's colours.

use crate::api::protocol::Protocol;
use crate::client::style::scoped;
use leptos::prelude::*;
use stylers_macro::style_str;

/// The exchange for one protocol.
#[component]
pub fn FlowPicture(
    /// Which exchange to draw.
    protocol: Protocol,
    /// The IdP's name, e.g. "Okta".
    #[prop(into)]
    idp: String,
) -> impl IntoView {
    let (give, bring) = match protocol {
        Protocol::Saml => ("ACS URL + Entity ID", "IdP metadata"),
        Protocol::Oidc => ("Redirect URI", "Issuer, client ID, secret"),
    };
    let class = scoped(style_str! {
        .flow {
            max-width: 30rem;
        }
    });
    let label = format!("You copy {give} from this page into {idp}, then bring {bring} back here.");
    view! { class=class,
        <svg viewBox="0 0 480 120" width="100%" class="flow" role="img" aria-label=label>
            <rect x="4" y="30" width="150" height="60" rx="10" fill="var(--color-surface-alt)" stroke="var(--color-border)"/>
            <text x="79" y="65" text-anchor="middle" font-size="15" fill="var(--color-text)">"This portal"</text>
            <rect x="326" y="30" width="150" height="60" rx="10" fill="var(--color-surface-alt)" stroke="var(--color-border)"/>
            <text x="401" y="65" text-anchor="middle" font-size="15" fill="var(--color-text)">{idp.chars().take(18).collect::<String>()}</text>
            <path d="M158 45 H316" stroke="var(--color-primary)" stroke-width="3" marker-end="url(#flow-arrow)"/>
            <text x="240" y="32" text-anchor="middle" font-size="12" fill="var(--color-text-muted)">{give}</text>
            <path d="M322 78 H168" stroke="var(--color-success)" stroke-width="3" marker-end="url(#flow-arrow-back)"/>
            <text x="240" y="104" text-anchor="middle" font-size="12" fill="var(--color-text-muted)">{bring}</text>
            <defs>
                <marker id="flow-arrow" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="7" markerHeight="7" orient="auto">
                    <path d="M0 0 L10 5 L0 10 z" fill="var(--color-primary)"/>
                </marker>
                <marker id="flow-arrow-back" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="7" markerHeight="7" orient="auto">
                    <path d="M0 0 L10 5 L0 10 z" fill="var(--color-success)"/>
                </marker>
            </defs>
        </svg>
    }
}
