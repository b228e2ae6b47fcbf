//! `/theme/preview`: the portal's own screens with sample data, shown inside the theme editor
//! in an iframe. Being a real page at a real width, it lays out exactly as the portal does on a
//! desktop or a phone, and it switches light and dark the way the portal does, without touching
//! the editor's page. The editor sends the theme as it is edited ([`PreviewMessage`]); this page
//! applies it as CSS variables and tells the editor how tall it is.

use super::domains::card::DomainCard;
use super::steps::configure::ConfigureStep;
use super::steps::mapping::MappingStep;
use super::steps::provider::ProviderStep;
use super::{InPreview, PageHeading};
use crate::api::theme::{Branding, Theme};
use crate::client::api;
use crate::client::components::field::{Field, FieldKind};
use crate::client::components::require_session::{RequireSession, SessionEnded};
use crate::client::components::shell::BrandingOverride;
use crate::client::components::stepper::Stepper;
use crate::client::components::test_result::TestResult;
use crate::client::routes::Step;
use crate::client::session::now_secs;
use crate::core::theme::samples;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use wasm_bindgen::JsValue;

/// The `<style>` element the edited theme is written into, after the published theme's link.
const STYLE_ID: &str = "portico-theme-preview";

/// One screen of the portal, as the preview can show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Screen {
    /// Every screen below, one after another.
    All,
    /// Choosing the identity provider.
    Provider,
    /// Our values to copy into the IdP.
    Copy,
    /// The IdP's metadata, pasted wrong.
    Metadata,
    /// A test sign-in that worked.
    TestSuccess,
    /// A test sign-in that failed, with its diagnosis.
    TestFailure,
    /// Domain verification.
    Domains,
    /// Attribute mapping.
    Mapping,
    /// The setup session has ended.
    SessionEnded,
}

impl Screen {
    /// Every screen, in the order an admin meets them.
    pub const ALL: [Screen; 9] = [
        Screen::All,
        Screen::Provider,
        Screen::Copy,
        Screen::Metadata,
        Screen::TestSuccess,
        Screen::TestFailure,
        Screen::Domains,
        Screen::Mapping,
        Screen::SessionEnded,
    ];

    /// What the designer reads in the screen picker.
    pub fn label(self) -> &'static str {
        match self {
            Screen::All => "Every screen",
            Screen::Provider => "Identity provider picker",
            Screen::Copy => "Values to copy",
            Screen::Metadata => "Metadata with an error",
            Screen::TestSuccess => "Test sign-in: success",
            Screen::TestFailure => "Test sign-in: failure",
            Screen::Domains => "Domain verification",
            Screen::Mapping => "Attribute mapping",
            Screen::SessionEnded => "Session ended",
        }
    }

    /// The value in the picker.
    pub fn slug(self) -> &'static str {
        match self {
            Screen::All => "all",
            Screen::Provider => "provider",
            Screen::Copy => "copy",
            Screen::Metadata => "metadata",
            Screen::TestSuccess => "test_success",
            Screen::TestFailure => "test_failure",
            Screen::Domains => "domains",
            Screen::Mapping => "mapping",
            Screen::SessionEnded => "session_ended",
        }
    }

    /// The screen for a picker value.
    pub fn parse(s: &str) -> Option<Screen> {
        Screen::ALL.into_iter().find(|x| x.slug() == s)
    }
}

/// What the editor and its preview say to each other with `postMessage`, as JSON text, only
/// between windows of the same origin.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum PreviewMessage {
    /// Preview → editor: ready for a theme.
    #[serde(rename = "portico.preview.ready")]
    Ready,
    /// Preview → editor: the page's height in CSS pixels, so the iframe needs no scrollbar.
    #[serde(rename = "portico.preview.height")]
    Height {
        /// Pixels.
        height: u32,
    },
    /// Editor → preview: what to show.
    #[serde(rename = "portico.preview.show")]
    Show {
        /// The theme as edited.
        theme: Box<Theme>,
        /// `light` or `dark`.
        mode: String,
        /// Which screen.
        screen: Screen,
    },
}

impl PreviewMessage {
    /// Sends this message to `target`, which must be a window of our own origin.
    pub fn post(&self, target: &web_sys::Window) {
        let (Ok(text), Some(origin)) = (serde_json::to_string(self), own_origin()) else {
            return;
        };
        let _ = target.post_message(&JsValue::from_str(&text), &origin);
    }

    /// The message in an event, if it came from a window of our own origin and is one of ours.
    pub fn receive(ev: &web_sys::MessageEvent) -> Option<PreviewMessage> {
        if Some(ev.origin()) != own_origin() {
            return None;
        }
        serde_json::from_str(&ev.data().as_string()?).ok()
    }
}

fn own_origin() -> Option<String> {
    web_sys::window().and_then(|w| w.location().origin().ok())
}

fn document() -> Option<web_sys::Document> {
    web_sys::window().and_then(|w| w.document())
}

/// Writes a stylesheet into this page's head as the last one, so it wins over the published
/// theme; only CSS variables change, nothing is rebuilt.
pub fn write_style(id: &str, css: &str) {
    let Some(doc) = document() else { return };
    let el = match doc.get_element_by_id(id) {
        Some(el) => el,
        None => {
            let Ok(el) = doc.create_element("style") else {
                return;
            };
            el.set_id(id);
            if let Some(head) = doc.head() {
                let _ = head.append_child(&el);
            }
            el
        }
    };
    el.set_text_content(Some(css));
}

/// The preview page.
#[component]
pub fn ThemePreview() -> impl IntoView {
    view! {
        <RequireSession>
            <PreviewPage/>
        </RequireSession>
    }
}

#[component]
fn PreviewPage() -> impl IntoView {
    provide_context(InPreview);
    let shown = RwSignal::new(None::<(Theme, String, Screen)>);
    let handle = window_event_listener(leptos::ev::message, move |ev| {
        if let Some(PreviewMessage::Show {
            theme,
            mode,
            screen,
        }) = PreviewMessage::receive(&ev)
        {
            shown.set(Some((*theme, mode, screen)));
        }
    });
    let parent = web_sys::window().and_then(|w| w.parent().ok().flatten());
    // Samples are for looking at: nothing in them can be clicked, typed into or focused.
    if let Some(body) = document().and_then(|d| d.body()) {
        let _ = body.set_attribute("inert", "");
    }
    let branding = use_context::<BrandingOverride>();
    Effect::new(move |_| {
        shown.with(|s| {
            let Some((theme, mode, _)) = s else { return };
            write_style(STYLE_ID, &crate::core::theme::stylesheet(theme));
            if let Some(root) = document().and_then(|d| d.document_element()) {
                let _ =
                    root.set_attribute("data-theme", if mode == "dark" { "dark" } else { "light" });
            }
            if let Some(b) = branding {
                b.0.set(Some(Branding::from(theme)));
            }
        })
    });
    // Tell the editor how tall the page is whenever that changes (screens, fonts and logos
    // load at their own pace).
    let last_height = StoredValue::new(0u32);
    let ticker = {
        let parent = parent.clone();
        set_interval_with_handle(
            move || {
                let Some(h) = document()
                    .and_then(|d| d.document_element())
                    .map(|e| e.scroll_height().max(0) as u32)
                else {
                    return;
                };
                if h != last_height.get_value() {
                    last_height.set_value(h);
                    if let Some(p) = &parent {
                        PreviewMessage::Height { height: h }.post(p);
                    }
                }
            },
            Duration::from_millis(250),
        )
        .ok()
    };
    if let Some(p) = &parent {
        PreviewMessage::Ready.post(p);
    }
    on_cleanup(move || {
        handle.remove();
        if let Some(t) = ticker {
            t.clear();
        }
        if let Some(b) = branding {
            b.0.set(None);
        }
    });
    move || match shown.with(|s| s.as_ref().map(|(_, _, screen)| *screen)) {
        None => view! { <p class="muted" role="status">"Waiting for the theme…"</p> }.into_any(),
        Some(Screen::All) => Screen::ALL[1..]
            .iter()
            .map(|s| sample(*s))
            .collect_view()
            .into_any(),
        Some(s) => sample(s).into_any(),
    }
}

/// One screen with sample data, made of the portal's own components.
fn sample(screen: Screen) -> AnyView {
    let now = now_secs();
    let stepper = |step: Step| view! { <Stepper steps=Step::TITLES current=Signal::derive(move || step.index())/> };
    let inner = match screen {
        Screen::All | Screen::Provider => {
            view! { {stepper(Step::Provider)} <ProviderStep/> }.into_any()
        }
        Screen::Copy => {
            view! { {stepper(Step::Configure)} <ConfigureStep conn=samples::connection()/> }
                .into_any()
        }
        Screen::Metadata => {
            let xml = RwSignal::new(samples::BROKEN_METADATA.to_owned());
            let problem = samples::BROKEN_METADATA_PROBLEM.to_owned();
            view! {
                {stepper(Step::Details)}
                <div class="card stack">
                    <PageHeading text="Your identity provider's details"/>
                    <Field id="sample-metadata-xml" label="Or paste the metadata XML" kind=FieldKind::Multiline value=xml
                        error=Signal::derive(move || Some(problem.clone()))/>
                    <div class="actions"><button type="button" class="button primary">"Check and continue"</button></div>
                </div>
            }
            .into_any()
        }
        Screen::TestSuccess | Screen::TestFailure => {
            let test = if screen == Screen::TestSuccess {
                samples::test_success(now)
            } else {
                samples::test_failure(now)
            };
            view! {
                {stepper(Step::Test)}
                <div class="card stack">
                    <PageHeading text="Test sign-in"/>
                    <TestResult test idp_name="Okta"/>
                </div>
            }
            .into_any()
        }
        Screen::Domains => {
            let domain = samples::domain(now);
            let domains = RwSignal::new(vec![domain.clone()]);
            let hosts = LocalResource::new(|| async { api::dns_hosts().await.map(|l| l.data) });
            view! {
                <div class="card stack">
                    <PageHeading text="Verify your domains"/>
                    <DomainCard domain domains now=Signal::derive(move || now) host=RwSignal::new(String::new())
                        hosts=Signal::derive(move || hosts.get()) on_removed=Callback::new(|_| ())/>
                </div>
            }
            .into_any()
        }
        Screen::Mapping => {
            view! { {stepper(Step::Mapping)} <MappingStep conn=samples::connection()/> }.into_any()
        }
        Screen::SessionEnded => view! { <SessionEnded error=Signal::derive(|| None)/> }.into_any(),
    };
    view! { <section class="stack" data-sample=screen.slug() aria-label=format!("Sample: {}", screen.label())>{inner}</section> }.into_any()
}
