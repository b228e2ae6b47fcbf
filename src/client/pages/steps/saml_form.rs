//! SAML details: metadata URL, metadata file (upload, drop or paste), or fields by hand.
//! The method the IdP's catalog entry says it delivers comes first.

use super::draft::{draft_saver, draft_str};
use crate::api::connection::{Connection, SamlInput, SamlInputMethod};
use crate::client::api::{self, ApiError};
use crate::client::components::error_notice::ErrorNotice;
use crate::client::components::field::{Field, FieldKind};
use crate::client::hooks::{pause, Latest};
use crate::client::inspect::{self, Summary};
use crate::client::routes::Step;
use crate::client::style::scoped;
use crate::core::catalog::{self, MetadataDelivery};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::hooks::use_query_map;
use stylers_macro::style_str;
use wasm_bindgen::JsCast;

fn method_slug(m: SamlInputMethod) -> &'static str {
    match m {
        SamlInputMethod::MetadataUrl => "metadata_url",
        SamlInputMethod::MetadataXml => "metadata_xml",
        SamlInputMethod::Manual => "manual",
    }
}

fn method_label(m: SamlInputMethod) -> &'static str {
    match m {
        SamlInputMethod::MetadataUrl => "Use a metadata URL",
        SamlInputMethod::MetadataXml => "Upload or paste a metadata file",
        SamlInputMethod::Manual => "Enter the fields by hand",
    }
}

/// The SAML form.
#[component]
pub fn SamlForm(
    /// The connection being set up.
    conn: Connection,
) -> impl IntoView {
    let class = scoped(style_str! {
        .methods {
            display: flex;
            flex-wrap: wrap;
            gap: var(--space-2);
            border: 0;
            padding: 0;
            margin: 0;
        }
        .methods label {
            display: flex;
            gap: var(--space-2);
            align-items: center;
            padding: var(--space-2) var(--space-3);
            border: var(--border-width) solid var(--color-border);
            border-radius: var(--radius-md);
            cursor: pointer;
        }
        .methods label:has(input:checked) {
            border-color: var(--color-primary);
            background: var(--color-surface-alt);
        }
        .plain {
            border: 0;
            padding: 0;
            margin: 0;
        }
        .choice {
            font-weight: 400;
        }
        .drop {
            border: 2px dashed var(--color-border);
            border-radius: var(--radius-md);
            padding: var(--space-4);
            text-align: center;
        }
        .drop.over {
            border-color: var(--color-primary);
            background: var(--color-surface-alt);
        }
    });
    let delivery = catalog::find(&conn.idp)
        .map(|e| e.delivery)
        .unwrap_or(MetadataDelivery::File);
    let methods: [SamlInputMethod; 3] = match delivery {
        MetadataDelivery::Url => [
            SamlInputMethod::MetadataUrl,
            SamlInputMethod::MetadataXml,
            SamlInputMethod::Manual,
        ],
        _ => [
            SamlInputMethod::MetadataXml,
            SamlInputMethod::MetadataUrl,
            SamlInputMethod::Manual,
        ],
    };
    let d = &conn.draft;
    // `?method=` comes from a failed test's "Upload new metadata": it wins over the draft.
    let asked = use_query_map().with_untracked(|q| q.get("method"));
    let initial = methods
        .into_iter()
        .find(|m| asked.as_deref() == Some(method_slug(*m)))
        .or_else(|| {
            methods
                .into_iter()
                .find(|m| method_slug(*m) == draft_str(d, "method"))
        })
        .unwrap_or(methods[0]);
    let method = RwSignal::new(initial);
    // A saved connection pre-fills what it has, so replacing a certificate or refreshing the
    // metadata does not mean typing everything again.
    let saved = conn.saml.clone();
    let or_saved = |key: &str, saved: Option<String>| {
        let v = draft_str(d, key);
        if v.is_empty() {
            saved.unwrap_or_default()
        } else {
            v
        }
    };
    let metadata_url = RwSignal::new(or_saved(
        "metadata_url",
        saved.as_ref().and_then(|s| s.metadata_url.clone()),
    ));
    let metadata_xml = RwSignal::new(draft_str(d, "metadata_xml"));
    let sso_url = RwSignal::new(or_saved(
        "sso_url",
        saved.as_ref().map(|s| s.sso_url.clone()),
    ));
    let entity_id = RwSignal::new(or_saved(
        "idp_entity_id",
        saved.as_ref().map(|s| s.idp_entity_id.clone()),
    ));
    let certificate = RwSignal::new(draft_str(d, "certificate"));
    let file_name = RwSignal::new(None::<String>);
    // Set when a federation document lists several identity providers.
    let choices = RwSignal::new(Vec::<(String, Option<String>)>::new());
    let choice = RwSignal::new(None::<String>);
    let over = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let id = conn.id.clone();
    let saver = draft_saver(id.clone());
    let draft = {
        Callback::new(move |()| {
            saver.dispatch_local(serde_json::json!({
                "method": method_slug(method.get_untracked()),
                "metadata_url": metadata_url.get_untracked(),
                "metadata_xml": metadata_xml.get_untracked(),
                "sso_url": sso_url.get_untracked(),
                "idp_entity_id": entity_id.get_untracked(),
                "certificate": certificate.get_untracked(),
            }));
        })
    };
    let field_error = move |name: &'static str| {
        Signal::derive(move || error.with(|e| e.as_ref().and_then(|e| e.field(name))))
    };
    // Instant feedback from the inspector in a worker: its problem is the field's error until
    // the server's next answer; the server stays the authority.
    let local_error = RwSignal::new(None::<String>);
    let inspection = RwSignal::new(None::<Summary>);
    let instant = StoredValue::new(false);
    let xml_error = Signal::derive(move || {
        local_error
            .get()
            .or_else(|| error.with(|e| e.as_ref().and_then(|e| e.field("metadata_xml"))))
    });
    // Only the latest input's answer counts: new input (or a submit) aborts the run before,
    // and leaving the form aborts the current one. Typing is debounced by the pause.
    let inspector = Latest::new(move |(delay_ms, entity): &(u32, Option<String>)| {
        let (delay_ms, entity) = (*delay_ms, entity.clone());
        async move {
            pause(delay_ms).await;
            let xml = metadata_xml.get_untracked();
            if xml.trim().is_empty() {
                return;
            }
            match inspect::inspect(xml, entity.clone()).await {
                Some(Ok(summary)) => {
                    local_error.set(None);
                    inspection.set(Some(summary));
                }
                Some(Err(problem)) => {
                    inspection.set(None);
                    if entity.is_none() && !problem.entities.is_empty() {
                        choices.set(
                            problem
                                .entities
                                .into_iter()
                                .map(|c| (c.entity_id, c.display_name))
                                .collect(),
                        );
                    }
                    local_error.set(Some(problem.message));
                }
                None => {}
            }
        }
    });
    Effect::watch(
        move || metadata_xml.track(),
        move |_, _, _| {
            local_error.set(None);
            inspection.set(None);
            let delay = if instant.get_value() { 0 } else { 400 };
            instant.set_value(false);
            inspector.dispatch_after(delay, None);
        },
        false,
    );
    // Picking one identity provider of a federation file: inspect that one.
    Effect::watch(
        move || choice.get(),
        move |picked, _, _| {
            if picked.is_none() || method.get_untracked() != SamlInputMethod::MetadataXml {
                return;
            }
            inspector.dispatch_after(0, picked.clone());
        },
        false,
    );
    // A file read into the textarea is input too: keep it.
    Effect::watch(
        move || {
            metadata_xml.track();
            metadata_url.track();
        },
        move |_, _, _| {
            choices.set(Vec::new());
            choice.set(None);
            if file_name.get_untracked().is_some() {
                draft.run(());
            }
        },
        false,
    );
    // Reads a dropped or chosen file as text into the XML box. The name is set only once the
    // text is in place, so "Read <file>" never precedes the content; `instant` is raised so that
    // the new text is inspected at once rather than after the typing pause. A newer file (or
    // leaving the form) aborts the read of the one before.
    let file_read = Latest::new(move |file: &web_sys::File| {
        let file = file.clone();
        async move {
            match wasm_bindgen_futures::JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|t| t.as_string())
            {
                Some(text) => {
                    instant.set_value(true);
                    metadata_xml.set(text);
                    file_name.set(Some(format!("Read {}", file.name())));
                }
                None => file_name.set(Some(format!(
                    "Could not read {}. Try again, or paste its contents below.",
                    file.name()
                ))),
            }
        }
    });
    let reading = file_read.pending();
    let on_file = move |ev: leptos::ev::Event| {
        let input: Option<web_sys::HtmlInputElement> = ev.target().and_then(|t| t.dyn_into().ok());
        if let Some(file) = input.and_then(|i| i.files()).and_then(|f| f.get(0)) {
            file_read.dispatch(file);
        }
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        over.set(false);
        if let Some(file) = ev
            .data_transfer()
            .and_then(|dt| dt.files())
            .and_then(|f| f.get(0))
        {
            file_read.dispatch(file);
        }
    };
    let navigate = use_navigate();
    let save = Action::new_local(move |input: &SamlInput| {
        let (id, input, navigate) = (id.clone(), input.clone(), navigate.clone());
        async move {
            match api::set_saml(&id, &input).await {
                Ok(_) => navigate(&Step::Review.href(&id), Default::default()),
                Err(e) => {
                    choices.set(e.entity_choices());
                    error.set(Some(e));
                }
            }
        }
    });
    let busy = save.pending();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        draft.run(());
        error.set(None);
        inspector.cancel();
        local_error.set(None);
        let m = method.get_untracked();
        let some = |s: RwSignal<String>| Some(s.get_untracked());
        let input = SamlInput {
            method: m,
            metadata_url: (m == SamlInputMethod::MetadataUrl).then(|| metadata_url.get_untracked()),
            metadata_xml: (m == SamlInputMethod::MetadataXml).then(|| metadata_xml.get_untracked()),
            sso_url: if m == SamlInputMethod::Manual {
                some(sso_url)
            } else {
                None
            },
            idp_entity_id: if m == SamlInputMethod::Manual {
                some(entity_id)
            } else {
                None
            },
            certificate: if m == SamlInputMethod::Manual {
                some(certificate)
            } else {
                None
            },
            entity_id_choice: if m == SamlInputMethod::Manual {
                None
            } else {
                choice.get_untracked()
            },
        };
        save.dispatch_local(input);
    };
    view! { class=class,
        <form class="stack" on:submit=submit novalidate>
            <fieldset class="methods">
                <legend class="visually-hidden">"How will you provide your identity provider's details?"</legend>
                {methods.into_iter().map(|m| view! { class=class,
                    <label>
                        <input type="radio" name="saml-method" value=method_slug(m)
                            prop:checked=move || method.get() == m
                            on:change=move |_| { method.set(m); error.set(None); draft.run(()); }/>
                        {method_label(m)}
                    </label>
                }).collect_view()}
            </fieldset>
            <ErrorNotice error=error/>
            {move || match method.get() {
                SamlInputMethod::MetadataUrl => view! {
                    <Field id="saml-metadata-url" label="Metadata URL" kind=FieldKind::Url value=metadata_url
                        error=field_error("metadata_url") placeholder="https://idp.example.com/metadata" on_blur=draft
                        hint="We download it now and check it before anything is saved."/>
                }.into_any(),
                SamlInputMethod::MetadataXml => view! { class=class,
                    <div class="drop" class:over=move || over.get()
                        on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); over.set(true); }
                        on:dragleave=move |_| over.set(false)
                        on:drop=on_drop>
                        <label for="saml-metadata-file">"Upload the metadata file"</label>
                        <p class="muted">"Drop the .xml file here, or choose it:"</p>
                        <input id="saml-metadata-file" type="file" accept=".xml,application/xml,text/xml,application/samlmetadata+xml" on:change=on_file/>
                        <p role="status">{move || file_name.get().unwrap_or_default()}</p>
                    </div>
                    <Field id="saml-metadata-xml" label="Or paste the metadata XML" kind=FieldKind::Multiline value=metadata_xml
                        error=xml_error placeholder="<md:EntityDescriptor …" on_blur=draft/>
                    <p id="saml-inspection" role="status" class="muted">{move || inspection.get().map(|m| {
                        let certs = m.signing_certificates.len();
                        let name = m.display_name.clone().map(|n| format!("{n} ")).unwrap_or_default();
                        view! {
                            {format!("Looks right: {name}")} <code>{m.entity_id.clone()}</code>
                            {format!(
                                ", signs in at {}, {certs} signing certificate{}.",
                                m.sso_url().unwrap_or("(no address)"),
                                if certs == 1 { "" } else { "s" },
                            )}
                            {m.warnings.iter().map(|w| view! { <br/> {format!("Note: {}", w.message)} }).collect_view()}
                        }
                    })}</p>
                }.into_any(),
                SamlInputMethod::Manual => view! {
                    <Field id="saml-sso-url" label="Single sign-on URL" kind=FieldKind::Url value=sso_url
                        error=field_error("sso_url") placeholder="https://idp.example.com/sso/saml" on_blur=draft
                        hint="Where we send users to sign in (also called “SAML 2.0 endpoint” or “Login URL”)."/>
                    <Field id="saml-entity-id" label="Identity provider entity ID (issuer)" value=entity_id
                        error=field_error("idp_entity_id") on_blur=draft/>
                    <Field id="saml-certificate" label="Signing certificate (X.509, PEM)" kind=FieldKind::Multiline value=certificate
                        error=field_error("certificate") placeholder="-----BEGIN CERTIFICATE-----" on_blur=draft/>
                }.into_any(),
            }}
            {move || (!choices.with(Vec::is_empty) && method.get() != SamlInputMethod::Manual).then(|| view! { class=class,
                <fieldset class="stack plain">
                    <legend><strong>"This file lists several identity providers. Which one is yours?"</strong></legend>
                    {choices.get().into_iter().map(|(id, name)| {
                        let value = id.clone();
                        view! { class=class,
                            <label class="choice">
                                <input type="radio" name="saml-entity" value=id.clone()
                                    prop:checked={ let v = value.clone(); move || choice.get().as_deref() == Some(v.as_str()) }
                                    on:change=move |_| choice.set(Some(value.clone()))/>
                                " " {name.unwrap_or_else(|| id.clone())} " " <code>{id.clone()}</code>
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
            })}
            <div class="actions">
                <a class="button" href=Step::Configure.href(&conn.id)>"Back"</a>
                <button type="submit" class="button primary" disabled=move || busy.get() || reading.get()>
                    {move || if busy.get() { "Checking…" } else { "Check and continue" }}
                </button>
            </div>
        </form>
    }
}
