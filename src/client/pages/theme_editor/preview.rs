//! The editor's live preview: sample screens built from the portal's own classes, so every
//! token the designer changes shows at once; and the contrast panel.

use super::Editor;
use crate::client::style::scoped;
use crate::core::theme::contrast_pairs;
use leptos::prelude::*;
use stylers_macro::style_str;

/// Sample screens in the theme being edited (the page's tokens are the edited theme's).
#[component]
pub fn Preview(
    /// Narrow the samples to a phone's width.
    #[prop(into)]
    phone: Signal<bool>,
) -> impl IntoView {
    let class = scoped(style_str! {
        .samples {
            display: grid;
            gap: var(--space-4);
        }
        .samples.phone {
            max-inline-size: 24rem;
            margin-inline: auto;
        }
        .row {
            display: flex;
            flex-wrap: wrap;
            gap: var(--space-2);
            align-items: center;
        }
        .copy {
            display: flex;
            gap: var(--space-2);
        }
        .copy input {
            flex: 1;
            min-width: 0;
        }
        .link {
            color: var(--color-primary);
            text-decoration: underline;
        }
        .error-text {
            color: var(--color-danger);
            font-weight: 600;
        }
    });
    // Sample controls do nothing: the preview shows looks, not behaviour.
    view! { class=class,
        <div class="samples" class:phone=move || phone.get() data-theme-preview>
            <div class="card stack">
                <h3>"Choose your identity provider"</h3>
                <p class="muted">"Sample: the provider picker."</p>
                <div class="row">
                    <button type="button" class="button">"Okta"</button>
                    <button type="button" class="button">"Microsoft Entra ID"</button>
                    <button type="button" class="button">"Google Workspace"</button>
                </div>
                <div class="row">
                    <button type="button" class="button primary" data-preview-primary>"Continue"</button>
                    <button type="button" class="button">"Back"</button>
                    <span class="link">"Read the setup guide"</span>
                </div>
            </div>
            <div class="card stack">
                <h3>"Copy these values into your provider"</h3>
                <label for="preview-acs">"Assertion Consumer Service URL"</label>
                <div class="copy">
                    <input id="preview-acs" type="text" class="mono" readonly value="https://sso.example.com/saml/acs"/>
                    <button type="button" class="button">"Copy"</button>
                </div>
            </div>
            <div class="card stack">
                <h3>"Paste your provider's metadata"</h3>
                <label for="preview-metadata">"Metadata XML"</label>
                <textarea id="preview-metadata" class="mono" rows="3" aria-invalid="true" aria-describedby="preview-metadata-error">"<EntityDescriptor …"</textarea>
                <p id="preview-metadata-error" class="error-text">"This is not SAML metadata: the XML ends too early."</p>
            </div>
            <div class="notice success" data-preview-success>"Test sign-in succeeded: we received jane@acme.com."</div>
            <div class="notice error">"Test sign-in failed: the response was signed with a certificate we do not know."</div>
            <div class="notice warning">"Your session ends in 2 minutes."</div>
            <div class="card row">
                <span>"acme.com"</span><span class="badge success">"Verified"</span>
                <span>"acme.co.uk"</span><span class="badge warning">"Pending"</span>
            </div>
        </div>
    }
}

/// Pairs below WCAG AA, recomputed as the designer types.
#[component]
pub fn ContrastPanel() -> impl IntoView {
    let Some(ed) = use_context::<Editor>() else { return ().into_any() };
    let failing = Memo::new(move |_| {
        ed.theme.with(|t| contrast_pairs(t).into_iter().filter(|p| p.ratio < p.required).collect::<Vec<_>>())
    });
    view! {
        <section class="stack" aria-labelledby="contrast-heading">
            <h2 id="contrast-heading">"Contrast"</h2>
            <p role="status" aria-live="polite" data-contrast-summary>{move || match failing.with(Vec::len) {
                0 => "Every pair meets WCAG AA.".to_owned(),
                1 => "1 pair is below WCAG AA.".to_owned(),
                n => format!("{n} pairs are below WCAG AA."),
            }}</p>
            <ul data-contrast-failing>
                {move || failing.get().into_iter().map(|p| {
                    // Truncated like the server's message, so 4.497 never reads as a passing 4.50.
                    let shown = (p.ratio * 100.0).floor() / 100.0;
                    view! { <li>{format!("{} mode: {} on {} is {shown:.2}:1, needs {}:1", p.mode, p.foreground, p.background, p.required)}</li> }
                }).collect_view()}
            </ul>
        </section>
    }
    .into_any()
}
