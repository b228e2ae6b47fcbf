//! The editor's controls for what is not a colour: help contacts, footer links, logos, favicon,
//! an uploaded font, and the custom CSS snippet.

use super::Editor;
use crate::api::theme::{FooterLink, Theme};
use crate::client::api;
use crate::client::components::field::{Field, FieldKind, FieldValue};
use crate::client::style::scoped;
use crate::core::theme::{ASSET_PREFIX, CUSTOM_CSS_MAX, FOOTER_LINKS_MAX};
use leptos::prelude::*;
use stylers_macro::style_str;
use wasm_bindgen::JsCast;

/// Support email and URL, and the footer's links.
#[component]
pub fn ContentControls() -> impl IntoView {
    let Some(ed) = use_context::<Editor>() else {
        return ().into_any();
    };
    let count = move || ed.theme.with(|t| t.footer_links.len());
    let add = move |_| {
        ed.touched("footer_links");
        ed.theme.update(|t| {
            t.footer_links.push(FooterLink {
                label: String::new(),
                url: String::new(),
            })
        });
    };
    view! {
        <fieldset class="stack">
            <legend>"Help and footer"</legend>
            <Field id="theme-support-email" label="Support email" kind=FieldKind::Email
                placeholder="it-help@vendor.com" error_id=Editor::error_id("support_email")
                value=ed.text_value("support_email", |t| t.support_email.clone(), |t, v| t.support_email = v)
                error=ed.error("support_email")/>
            <Field id="theme-support-url" label="Help center URL" kind=FieldKind::Url
                placeholder="https://vendor.com/help/sso" error_id=Editor::error_id("support_url")
                value=ed.text_value("support_url", |t| t.support_url.clone(), |t, v| t.support_url = v)
                error=ed.error("support_url")/>
            <p class="muted">"Footer links, such as your terms and privacy policy:"</p>
            // Links are edited in place by position; the list is short (at most five).
            {move || (0..count()).map(|i| view! { <FooterLinkRow index=i/> }).collect_view()}
            {ed.error_view("footer_links")}
            <div class="actions">
                <button type="button" class="button" data-add-footer-link aria-disabled=move || (count() >= FOOTER_LINKS_MAX).then_some("true")
                    on:click=move |ev| if count() < FOOTER_LINKS_MAX { add(ev) }>"Add a footer link"</button>
            </div>
        </fieldset>
    }
    .into_any()
}

/// One footer link: its text and address side by side, and under them a button that removes it
/// (the editor's panel is narrow: a third column would wrap the labels and misalign the inputs).
#[component]
fn FooterLinkRow(index: usize) -> impl IntoView {
    // The row's own scope: its markup carries this component's class, not the list's.
    let class = scoped(style_str! {
        .link {
            display: grid;
            grid-template-columns: minmax(0, 1fr) minmax(0, 2fr);
            gap: var(--space-2);
            align-items: start;
        }
        @media (max-width: 40rem) {
            .link {
                grid-template-columns: minmax(0, 1fr);
            }
        }
        .end {
            grid-column: 1 / -1;
            justify-self: start;
        }
    });
    let Some(ed) = use_context::<Editor>() else {
        return ().into_any();
    };
    let (label_key, url_key) = (
        format!("footer_links.{index}.label"),
        format!("footer_links.{index}.url"),
    );
    let get = move |f: fn(&FooterLink) -> String| {
        ed.theme
            .with(|t| t.footer_links.get(index).map(f).unwrap_or_default())
    };
    let set = move |v: String, url: bool| {
        ed.theme.update(|t: &mut Theme| {
            if let Some(l) = t.footer_links.get_mut(index) {
                if url {
                    l.url = v
                } else {
                    l.label = v
                }
            }
        })
    };
    let remove = move |_| {
        ed.problems
            .update(|p| p.retain(|k, _| !k.starts_with("footer_links")));
        ed.theme.update(|t| {
            if index < t.footer_links.len() {
                t.footer_links.remove(index);
            }
        });
    };
    let (lk, uk) = (label_key.clone(), url_key.clone());
    view! { class=class,
        <div class="link" data-footer-link=index>
            <Field id=format!("footer-{index}-label") label=format!("Link {} text", index + 1)
                placeholder="Privacy" error_id=Editor::error_id(&label_key) error=ed.error(label_key.clone())
                value=FieldValue::new(move || get(|l| l.label.clone()), move |v| { ed.touched(&lk); set(v, false) })/>
            <Field id=format!("footer-{index}-url") label=format!("Link {} address", index + 1) kind=FieldKind::Url
                placeholder="https://vendor.com/privacy" error_id=Editor::error_id(&url_key) error=ed.error(url_key.clone())
                value=FieldValue::new(move || get(|l| l.url.clone()), move |v| { ed.touched(&uk); set(v, true) })/>
            <button type="button" class="button end" aria-label=format!("Remove link {}", index + 1) on:click=remove>"Remove"</button>
        </div>
    }
    .into_any()
}

/// Which theme field an uploaded file goes into.
#[derive(Clone, Copy)]
enum Slot {
    LogoLight,
    LogoDark,
    Favicon,
    Font,
}

impl Slot {
    fn key(self) -> &'static str {
        match self {
            Slot::LogoLight => "logo_light",
            Slot::LogoDark => "logo_dark",
            Slot::Favicon => "favicon",
            Slot::Font => "font_file",
        }
    }
    fn kind(self) -> &'static str {
        match self {
            Slot::LogoLight | Slot::LogoDark => "logo",
            Slot::Favicon => "favicon",
            Slot::Font => "font",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Slot::LogoLight => "Logo for light mode",
            Slot::LogoDark => "Logo for dark mode",
            Slot::Favicon => "Favicon",
            Slot::Font => "Font file",
        }
    }
    fn hint(self) -> &'static str {
        match self {
            Slot::LogoLight => "PNG, JPEG, WebP or SVG, up to 512 KB. Shown in the header.",
            Slot::LogoDark => "Optional; the light logo is used when there is none.",
            Slot::Favicon => "PNG or SVG (square works best), up to 128 KB.",
            Slot::Font => "A WOFF2 file, up to 1 MB; it comes first in the font list.",
        }
    }
    fn accept(self) -> &'static str {
        match self {
            Slot::Font => ".woff2,font/woff2",
            _ => "image/png,image/jpeg,image/webp,image/svg+xml",
        }
    }
    fn get(self, t: &Theme) -> Option<String> {
        match self {
            Slot::LogoLight => t.logo_light.clone(),
            Slot::LogoDark => t.logo_dark.clone(),
            Slot::Favicon => t.favicon.clone(),
            Slot::Font => t.font_file.clone(),
        }
    }
    fn set(self, t: &mut Theme, v: Option<String>) {
        match self {
            Slot::LogoLight => t.logo_light = v,
            Slot::LogoDark => t.logo_dark = v,
            Slot::Favicon => t.favicon = v,
            Slot::Font => t.font_file = v,
        }
    }
}

/// Logos, favicon and font: uploaded at once (the server checks what each file really is),
/// used by the preview straight away, and part of the theme once published.
#[component]
pub fn AssetControls() -> impl IntoView {
    view! {
        <fieldset class="stack">
            <legend>"Logos, favicon and font"</legend>
            <AssetControl which=Slot::LogoLight/>
            <AssetControl which=Slot::LogoDark/>
            <AssetControl which=Slot::Favicon/>
            <AssetControl which=Slot::Font/>
        </fieldset>
    }
}

/// One file: its current value, a picker that uploads, and removal.
#[component]
fn AssetControl(
    /// Which theme field the file fills (`slot` is reserved by the view macro).
    which: Slot,
) -> impl IntoView {
    let class = scoped(style_str! {
        .current {
            display: flex;
            flex-wrap: wrap;
            gap: var(--space-2);
            align-items: center;
        }
        .current img {
            max-block-size: 2.5rem;
            max-inline-size: 10rem;
            border: var(--border-width) solid var(--color-border);
            border-radius: var(--radius-sm);
            background: var(--color-surface-alt);
            padding: var(--space-1);
        }
    });
    let slot = which;
    let Some(ed) = use_context::<Editor>() else {
        return ().into_any();
    };
    let key = slot.key();
    let id = format!("theme-asset-{}", key.replace('_', "-"));
    let current = move || ed.theme.with(|t| slot.get(t));
    let upload = Action::new_local(
        move |(file, input): &(web_sys::File, web_sys::HtmlInputElement)| {
            let (file, input) = (file.clone(), input.clone());
            async move {
                match api::upload_theme_asset(slot.kind(), &file).await {
                    Ok(a) => {
                        ed.theme.update(|t| slot.set(t, Some(a.id)));
                    }
                    Err(e) => {
                        let message = e
                            .field("file")
                            .or_else(|| e.field("kind"))
                            .unwrap_or_else(|| e.message());
                        ed.problems.update(|p| {
                            p.insert(key.to_owned(), message);
                        });
                    }
                }
                // The same file chosen again after a fix must fire `change` again.
                input.set_value("");
            }
        },
    );
    let busy = upload.pending();
    let on_change = move |ev: leptos::ev::Event| {
        let input: Option<web_sys::HtmlInputElement> = ev.target().and_then(|t| t.dyn_into().ok());
        let Some(input) = input else { return };
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        ed.touched(key);
        upload.dispatch_local((file, input));
    };
    let remove = move |_| {
        ed.touched(key);
        ed.theme.update(|t| slot.set(t, None));
    };
    let hint_id = format!("{id}-hint");
    view! { class=class,
        <div class="stack tight" data-asset=key>
            <label for=id.clone()>{slot.label()}</label>
            <p id=hint_id.clone() class="muted">{slot.hint()}</p>
            <div class="current">
                {move || current().map(|asset| match slot {
                    Slot::Font => view! { <code>{asset}</code> }.into_any(),
                    _ => view! { <img src=format!("{ASSET_PREFIX}{asset}") alt=format!("Current {}", slot.label().to_lowercase())/> }.into_any(),
                })}
                <input type="file" id=id accept=slot.accept() aria-describedby=move || match ed.problem(key) {
                        Some(_) => format!("{hint_id} {key}-error"),
                        None => hint_id.clone(),
                    }
                    aria-invalid=ed.invalid(key) disabled=move || busy.get() on:change=on_change/>
                {move || current().is_some().then(|| view! {
                    <button type="button" class="button" aria-label=format!("Remove the {}", slot.label().to_lowercase()) on:click=remove>"Remove"</button>
                })}
            </div>
            <p class="muted" role="status">{move || if busy.get() { "Uploading and checking the file…" } else { "" }}</p>
            {ed.error_view(key.to_owned())}
        </div>
    }
    .into_any()
}

/// The custom CSS snippet, checked as it is typed by the same code the server runs.
#[component]
pub fn CustomCssControl() -> impl IntoView {
    let Some(ed) = use_context::<Editor>() else {
        return ().into_any();
    };
    let hint = format!(
        "For the last details the tokens do not cover. It applies inside the portal only; no @import, and url() only to your uploaded files. Up to {} KB.",
        CUSTOM_CSS_MAX / 1024
    );
    view! {
        <fieldset class="stack">
            <legend>"Custom CSS"</legend>
            <Field id="theme-custom-css" label="CSS" kind=FieldKind::Multiline hint
                error_id=Editor::error_id("custom_css") error=ed.error("custom_css")
                value=ed.text_value("custom_css", |t| t.custom_css.clone(), |t, v| t.custom_css = v)/>
        </fieldset>
    }
    .into_any()
}
