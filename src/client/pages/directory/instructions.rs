//! Step 2: the provider's guide, with our SCIM base URL and a bearer token in live copy boxes.
//! The token's secret is shown once: the first visit generates one, later visits offer to
//! generate another, and the previous token keeps working for a day so the sync goes on while
//! the admin pastes the new one.

use super::HeldToken;
use super::Loaded;
use crate::api::directory::{DirectoryToken, DirectoryTokenList};
use crate::api::guide::{DirectoryGuide, GuideBlock, GuideStep};
use crate::client::api::{self, ApiError};
use crate::client::components::copy_box::CopyBox;
use crate::client::components::error_notice::ErrorNotice;
use crate::client::pages::PageHeading;
use crate::client::routes::DirectoryStep;
use crate::client::session::now_secs;
use crate::client::style::scoped;
use crate::core::cert::format_datetime;
use leptos::prelude::*;
use stylers_macro::style_str;

/// The latest time an older token keeps working after a new one was generated, if any still does.
pub fn grace_until(tokens: &DirectoryTokenList, newest_id: &str, now: i64) -> Option<i64> {
    tokens
        .data
        .iter()
        .filter(|t| t.id != newest_id)
        .filter_map(|t| t.expires_at.map(|e| e.unix()))
        .filter(|e| *e > now)
        .max()
}

/// Copy our values into the provider.
#[component]
pub fn InstructionsStep(
    /// The directory being set up.
    dir: Loaded,
) -> impl IntoView {
    let held = use_context::<HeldToken>()
        .map(|h| h.0)
        .unwrap_or_else(|| RwSignal::new(None));
    let id = dir.directory.id.clone();
    // Only a token of this directory counts (the wizard may have switched directories).
    let token = Signal::derive({
        let id = id.clone();
        move || {
            held.get()
                .filter(|t| t.directory_id == id && t.secret.is_some())
        }
    });
    let error = RwSignal::new(None::<ApiError>);
    let tokens_id = id.clone();
    let tokens = LocalResource::new(move || {
        let id = tokens_id.clone();
        async move { api::directory_tokens(&id).await }
    });
    let provider_key = dir.directory.provider.clone();
    let generate = Action::new_local({
        let id = id.clone();
        move |(): &()| {
            let (id, provider) = (id.clone(), provider_key.clone());
            async move {
                match api::create_directory_token(&id).await {
                    Ok(t) => {
                        held.set(Some(t));
                        crate::client::embed::send(
                            crate::api::embed::EventData::DirectoryConfigured {
                                directory_id: id,
                                provider,
                            },
                        );
                        // The list now shows until when the older tokens keep working.
                        tokens.refetch();
                    }
                    Err(e) => error.set(Some(e)),
                }
            }
        }
    });
    let generating = generate.pending();
    // A directory without any token gets its first one at once; one that has tokens keeps them
    // until the admin asks for a new one (generating ends the others' lives after a day).
    Effect::new(move |_| {
        let none_yet = tokens
            .get()
            .is_some_and(|r| r.as_ref().is_ok_and(|l| l.data.is_empty()));
        if none_yet && token.with_untracked(Option::is_none) && !generating.get_untracked() {
            generate.dispatch_local(());
        }
    });
    let key = dir.directory.provider.clone();
    let guide = LocalResource::new(move || {
        let key = key.clone();
        async move { api::directory_guide(&key).await }
    });
    // The provider can change only while the directory waits for its first request.
    let back = if dir.directory.state == crate::api::directory::DirectoryState::Pending {
        DirectoryStep::Provider.href(&id)
    } else {
        crate::client::routes::DIRECTORY.to_owned()
    };
    let base_url = dir.directory.scim_base_url.clone();
    let name = dir.provider_name();
    let token_box = TokenBox {
        token,
        tokens,
        generate,
        label: StoredValue::new(
            dir.provider
                .as_ref()
                .and_then(|p| p.token_label.clone())
                .unwrap_or_else(|| "Secret token".into()),
        ),
    };
    let base_label = dir
        .provider
        .as_ref()
        .and_then(|p| p.base_url_label.clone())
        .unwrap_or_else(|| "SCIM base URL".into());
    view! {
        <div class="card">
            <PageHeading text=format!("Connect {name} to this app")/>
            <ErrorNotice error=error/>
            <Transition fallback=|| view! { <p class="muted" role="status">"Loading the instructions…"</p> }>
                {move || {
                    let (base_url, base_label) = (base_url.clone(), base_label.clone());
                    Suspend::new(async move {
                        match guide.await {
                            Ok(g) => view! { <GuideSteps guide=g base_url token_box/> }.into_any(),
                            // Without the guide, the two values and one sentence still do the job.
                            Err(_) => view! {
                                <p>"In your provider's admin console, turn on SCIM 2.0 provisioning for this app and paste these two values."</p>
                                <CopyBox id="scim-base-url" label=base_label value=base_url/>
                                {token_box.view("scim-token".into())}
                            }.into_any(),
                        }
                    })
                }}
            </Transition>
            <div class="actions">
                <a class="button" href=back>"Back"</a>
                <a class="button primary" href=DirectoryStep::Connect.href(&id)>"Continue"</a>
            </div>
        </div>
    }
}

/// The token's copy box, or what to do when its secret is no longer shown.
#[derive(Clone, Copy)]
struct TokenBox {
    token: Signal<Option<DirectoryToken>>,
    tokens: LocalResource<Result<DirectoryTokenList, ApiError>>,
    generate: Action<(), ()>,
    label: StoredValue<String>,
}

impl TokenBox {
    fn view(self, id: String) -> impl IntoView {
        let TokenBox {
            token,
            tokens,
            generate,
            label,
        } = self;
        let generating = generate.pending();
        let grace = move || {
            let newest = token.get()?;
            let list = tokens.get()?.ok()?;
            grace_until(&list, &newest.id, now_secs())
        };
        view! {
            <div class="stack tight" data-scim-token>
                {move || match token.get().and_then(|t| t.secret) {
                    Some(secret) => view! {
                        <CopyBox id=id.clone() label=label.get_value() value=secret
                            hint="Copy it now: it is shown only this once. If you lose it, generate a new one."/>
                    }.into_any(),
                    None if generating.get() => view! { <p class="muted" role="status">"Generating a token…"</p> }.into_any(),
                    None => view! {
                        <p class="notice">"A token was generated earlier and is shown only once. If you did not paste it into your provider, generate a new one."</p>
                    }.into_any(),
                }}
                <div role="status">{move || grace().map(|until| view! {
                    <p class="notice success" data-token-grace>{format!(
                        "Your previous token keeps working until {}, so the sync goes on while you paste the new one.",
                        format_datetime(until),
                    )}</p>
                })}</div>
                <div>
                    <button type="button" class="button" data-regenerate disabled=move || generating.get()
                        on:click=move |_| { generate.dispatch_local(()); }>
                        {move || if token.with(Option::is_some) { "Regenerate token" } else { "Generate a new token" }}
                    </button>
                    <p class="muted">"A new token replaces the current one. The current one keeps working for 24 hours, so nothing stops while you update your provider."</p>
                </div>
            </div>
        }
    }
}

/// The guide's numbered steps, with our values where the guide asks for them.
#[component]
fn GuideSteps(guide: DirectoryGuide, base_url: String, token_box: TokenBox) -> impl IntoView {
    let class = scoped(style_str! {
        ol {
            padding-left: var(--space-5);
            display: flex;
            flex-direction: column;
            gap: var(--space-5);
        }
        h2 {
            font-size: var(--font-size-md);
            margin-bottom: var(--space-2);
        }
        .body {
            display: flex;
            flex-direction: column;
            gap: var(--space-3);
        }
    });
    let has_token_box = guide.steps.iter().any(|s| {
        s.blocks
            .iter()
            .any(|b| matches!(b, GuideBlock::Copy(c) if c.value == "scim_token"))
    });
    let mut n = 0;
    view! { class=class,
        <div class="muted" inner_html=guide.intro_html.clone()></div>
        <ol>
            {guide.steps.into_iter().enumerate().map(|(i, step)| {
                let title = step.title.clone();
                let body = step_body(step, &base_url, token_box, &mut n);
                view! { class=class,
                    <li>
                        <h2 id=format!("guide-step-{}", i + 1)>{title}</h2>
                        <div class="body">{body}</div>
                    </li>
                }
            }).collect_view()}
        </ol>
        // A guide that forgot the token's box must not leave the admin without it.
        {(!has_token_box).then(|| token_box.view("scim-token".into()))}
    }
}

/// One guide step's blocks; `n` numbers the copy boxes so their ids stay unique on the page.
fn step_body(step: GuideStep, base_url: &str, token_box: TokenBox, n: &mut usize) -> AnyView {
    step.blocks
        .into_iter()
        .map(|b| match b {
            GuideBlock::Html(h) => view! { <div inner_html=h></div> }.into_any(),
            GuideBlock::Copy(c) => {
                *n += 1;
                match c.value.as_str() {
                    "scim_base_url" => view! {
                        <CopyBox id=format!("scim-base-url-{n}") label=c.label value=base_url.to_owned()/>
                    }
                    .into_any(),
                    "scim_token" => token_box.view(format!("scim-token-{n}")).into_any(),
                    _ => ().into_any(),
                }
            }
        })
        .collect_view()
        .into_any()
}
