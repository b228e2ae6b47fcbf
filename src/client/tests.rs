//! Browser tests for the client, run by `wasm-bindgen-test-runner` in headless Chromium.
//!
//! They check what native tests cannot: that the shared `core` logic compiles and behaves the
//! same in wasm, that components render accessible DOM when really mounted, and that scoped
//! stylesheets never collide. Each test mounts into its own `<div>` with its own element ids,
//! because all tests share one page.

use crate::api::time::Timestamp;
use crate::client::components::{copy_box::CopyBox, field::Field, stepper::Stepper};
use crate::core::{catalog, metadata, validate};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

fn doc() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A fresh container on `<body>`, so tests don't see each other's DOM.
fn container() -> HtmlElement {
    let el: HtmlElement = doc().create_element("div").unwrap().unchecked_into();
    doc().body().unwrap().append_child(&el).unwrap();
    el
}

/// Lets render effects and spawned tasks run: Leptos schedules them on the microtask queue,
/// which a 0 ms timeout (a macrotask) is guaranteed to come after.
async fn settle(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
}

fn find(root: &HtmlElement, selector: &str) -> web_sys::Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no element matches {selector}"))
}

#[wasm_bindgen_test]
fn shared_validation_runs_in_wasm() {
    assert!(validate::web_url("https://idp.example.com/sso", true).is_ok());
    assert_eq!(
        validate::web_url("http://idp.example.com", true).unwrap_err(),
        "Use an https:// URL."
    );
    assert!(validate::web_url("http://localhost:8080/x", false).is_ok());
    assert!(validate::web_url("https:///path", false).is_err());
    assert_eq!(validate::domain(" Example.COM. ").unwrap(), "example.com");
    assert!(validate::domain("localhost").is_err());
    assert!(validate::domain("10.0.0.1").is_err());
    assert_eq!(validate::name("  Acme  ").unwrap(), "Acme");
    assert!(validate::name("   ").is_err());
    assert!(validate::name("a\nb").is_err());

    let keys: Vec<&str> = catalog::search("azure").map(|e| e.key).collect();
    assert_eq!(keys, ["entra-saml", "entra-oidc"]);
}

#[wasm_bindgen_test]
fn metadata_inspector_runs_in_wasm() {
    const NOW: i64 = 1_795_392_000;
    // A well-formed IdP document that only lacks its signing certificate: it gets past every
    // earlier check (entity id, SSO URL), so the error proves the whole pipeline ran.
    let no_cert = r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>"#;
    assert_eq!(
        metadata::inspect_idp_metadata(no_cert, NOW)
            .unwrap_err()
            .code,
        "metadata_no_certificate"
    );

    // Shaped like our own SP metadata: the mistake of uploading the file we gave the admin.
    let sp = r#"<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://portico.example.com/sso/saml/c1">
  <md:SPSSODescriptor AuthnRequestsSigned="false" WantAssertionsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://portico.example.com/sso/saml/c1/acs" index="0" isDefault="true"/>
  </md:SPSSODescriptor>
</md:EntityDescriptor>"#;
    let p = metadata::inspect_idp_metadata(sp, NOW).unwrap_err();
    assert_eq!(p.code, "metadata_is_sp");
    assert!(
        p.message
            .contains("https://portico.example.com/sso/saml/c1"),
        "{}",
        p.message
    );
}

#[wasm_bindgen_test]
async fn field_links_label_error_and_value() {
    let root = container();
    let value = RwSignal::new(String::from("https://old.example.com"));
    let error = RwSignal::new(None::<String>);
    let _h = leptos::mount::mount_to(root.clone(), move || {
        view! { <Field id="t-url" label="Sign-in URL" value=value error=error hint="From your IdP."/> }
    });
    settle(0).await;

    let input: HtmlInputElement = find(&root, "input#t-url").unchecked_into();
    assert_eq!(
        find(&root, "label[for='t-url']").text_content().unwrap(),
        "Sign-in URL"
    );
    assert_eq!(input.value(), "https://old.example.com");
    assert_eq!(input.get_attribute("aria-invalid"), None);
    // The hint is described from the start; the error id must not be referenced before it exists.
    assert_eq!(
        input.get_attribute("aria-describedby").as_deref(),
        Some("t-url-hint")
    );

    error.set(Some("Enter a URL.".into()));
    settle(0).await;
    assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
    let described = input.get_attribute("aria-describedby").unwrap();
    let texts: Vec<String> = described
        .split_whitespace()
        .map(|id| {
            doc()
                .get_element_by_id(id)
                .unwrap_or_else(|| panic!("dangling id {id}"))
                .text_content()
                .unwrap()
        })
        .collect();
    assert!(
        texts.iter().any(|t| t == "Enter a URL."),
        "described by {texts:?}"
    );

    error.set(None);
    settle(0).await;
    assert_eq!(input.get_attribute("aria-invalid"), None);
    assert!(doc().get_element_by_id("t-url-error").is_none());

    // Typing flows into the signal, and the signal flows back into the control.
    input.set_value("https://new.example.com");
    let ev = web_sys::Event::new("input").unwrap();
    ev.init_event_with_bubbles("input", true);
    input.dispatch_event(&ev).unwrap();
    settle(0).await;
    assert_eq!(value.get_untracked(), "https://new.example.com");
    value.set("https://third.example.com".into());
    settle(0).await;
    assert_eq!(input.value(), "https://third.example.com");
}

#[wasm_bindgen_test]
async fn copy_box_shows_value_and_reports_copy() {
    let root = container();
    let _h = leptos::mount::mount_to(root.clone(), || {
        view! { <CopyBox id="t-acs" label="ACS URL".to_string() value="https://sp.example.com/acs".to_string()/> }
    });
    settle(0).await;

    let input: web_sys::HtmlTextAreaElement = find(&root, "textarea#t-acs").unchecked_into();
    assert_eq!(input.value(), "https://sp.example.com/acs");
    assert!(input.read_only());
    assert!(root.query_selector("label[for='t-acs']").unwrap().is_some());
    let status = find(&root, "[role=status]");
    assert_eq!(status.text_content().unwrap_or_default(), "");

    let button: HtmlElement = find(&root, "button").unchecked_into();
    assert_eq!(
        button.get_attribute("aria-label").as_deref(),
        Some("Copy ACS URL")
    );
    button.click();
    // Headless clipboard access may be granted or refused; either way feedback must appear
    // (it clears itself after 3 s, so poll well inside that).
    let mut text = String::new();
    for _ in 0..40 {
        settle(25).await;
        text = status.text_content().unwrap_or_default();
        if !text.is_empty() {
            break;
        }
    }
    assert!(
        text == "Copied" || text.starts_with("Selected"),
        "status was {text:?}"
    );
}

#[wasm_bindgen_test]
async fn scoped_styles_never_collide() {
    // The whole app (its session call fails against the test server, which is fine) plus every
    // styled component that can be mounted without a live session.
    let _app = leptos::mount::mount_to(container(), crate::client::App);
    let root = container();
    let _h = leptos::mount::mount_to(root.clone(), || {
        // The provider step counts the connection it creates in the session.
        crate::client::session::provide_session();
        view! {
            <Field id="t-s-name" label="Name" value=RwSignal::new(String::new()) error=Signal::stored(None::<String>)/>
            <CopyBox id="t-s-copy" label="Entity ID".to_string() value="urn:x".to_string()/>
            <Stepper steps=&["One", "Two"] current=Signal::stored(1)/>
            <crate::client::components::sync_log::SyncLog entries=Signal::stored(vec![sync_entry("POST", "Users", 201, None)])/>
            <leptos_router::components::Router>
                <crate::client::pages::steps::provider::ProviderStep/>
            </leptos_router::components::Router>
        }
    });
    settle(50).await;

    assert_eq!(crate::client::style::collisions(), Vec::<&str>::new());
    let styles = doc().head().unwrap().get_elements_by_tag_name("style");
    let mut scopes: Vec<String> = (0..styles.length())
        .filter_map(|i| styles.item(i)?.get_attribute("data-scope"))
        .collect();
    let count = scopes.len();
    scopes.sort();
    scopes.dedup();
    assert_eq!(scopes.len(), count, "duplicate data-scope in <head>");
    // Shell, CopyBox, Stepper and ProviderStep each add one; fewer means scoped() stopped inserting.
    assert!(count >= 4, "only {count} scoped styles: {scopes:?}");
    // And the class put on the markup is the one the stylesheet targets.
    let copy_class = find(&root, ".copy").get_attribute("class").unwrap();
    assert!(
        scopes
            .iter()
            .any(|s| copy_class.split_whitespace().any(|c| c == s)),
        "{copy_class} vs {scopes:?}"
    );
}

fn sample_domain(
    id: &str,
    domain: &str,
    state: crate::api::domains::DomainState,
    result: Option<crate::api::domains::CheckResult>,
) -> crate::api::domains::Domain {
    crate::api::domains::Domain {
        id: id.into(),
        domain: domain.into(),
        display_name: domain.into(),
        state,
        record_type: "TXT".into(),
        record_name: format!("_portico-challenge.{domain}"),
        record_value: format!("portico-verification={id}"),
        created_at: Timestamp::from_unix(1_795_392_000),
        last_checked_at: result.as_ref().map(|r| r.checked_at),
        last_result: result,
        next_check_at: Some(Timestamp::from_unix(1_795_392_600)),
        verified_at: None,
        verification_method: None,
        verified_by: None,
        record_last_seen_at: None,
        warning: None,
        fails_at: Some(Timestamp::from_unix(1_797_984_000)),
    }
}

#[wasm_bindgen_test]
async fn domain_cards_say_what_dns_saw_and_what_to_do() {
    use crate::api::domains::{CheckResult, DomainState, LookupOutcome};
    use crate::client::pages::domains::card::DomainCard;
    let seen = |outcome, values: &[&str]| CheckResult {
        outcome,
        values: values.iter().map(|v| v.to_string()).collect(),
        error: None,
        source: Some("authoritative (ns1.example.net)".into()),
        checked_at: Timestamp::from_unix(1_795_392_000),
    };
    let wrong = sample_domain(
        "dom_t1",
        "wrong-t.test",
        DomainState::Pending,
        Some(seen(
            LookupOutcome::WrongValue,
            &["portico-verification=typo"],
        )),
    );
    let failed = sample_domain(
        "dom_t2",
        "failed-t.test",
        DomainState::Failed,
        Some(seen(LookupOutcome::NoSuchName, &[])),
    );
    let list = RwSignal::new(vec![wrong.clone(), failed.clone()]);
    let root = container();
    let _h = leptos::mount::mount_to(root.clone(), move || {
        let (host, hosts) = (RwSignal::new(String::new()), Signal::stored(None));
        let now = Signal::stored(1_795_392_060);
        view! {
            <DomainCard domain=wrong domains=list now host hosts on_removed=Callback::new(|_| ())/>
            <DomainCard domain=failed domains=list now host hosts on_removed=Callback::new(|_| ())/>
        }
    });
    settle(50).await;

    let pending: HtmlElement =
        find(&root, r#"article[data-domain="wrong-t.test"]"#).unchecked_into();
    assert_eq!(
        pending.get_attribute("data-state").as_deref(),
        Some("pending")
    );
    assert!(find(&pending, "[data-domain-state]")
        .text_content()
        .unwrap()
        .contains("Pending"));
    assert_eq!(
        find(&pending, "[data-seen]").text_content().unwrap(),
        "Found TXT values that do not match:"
    );
    assert!(find(&pending, "[data-seen-values]")
        .text_content()
        .unwrap()
        .contains("portico-verification=typo"));
    let value: HtmlInputElement = find(&pending, "#domain-dom_t1-value").unchecked_into();
    assert_eq!(value.value(), "portico-verification=dom_t1");
    assert_eq!(
        find(&pending, "[data-check]").text_content().unwrap(),
        "Check now"
    );
    // Without the host guides, the how-to still says what to type, for any host.
    assert!(find(&pending, "details ol")
        .text_content()
        .unwrap()
        .contains("_portico-challenge"));
    assert!(find(&pending, "[data-last-outcome]")
        .text_content()
        .unwrap()
        .contains("1 minute ago"));

    let gone: HtmlElement = find(&root, r#"article[data-domain="failed-t.test"]"#).unchecked_into();
    assert!(find(&gone, "[data-domain-state]")
        .text_content()
        .unwrap()
        .contains("Failed"));
    assert_eq!(
        find(&gone, "[data-check]").text_content().unwrap(),
        "Try again"
    );
    assert!(find(&gone, "[data-seen]")
        .text_content()
        .unwrap()
        .starts_with("No such name yet (NXDOMAIN)"));

    // Verified, but the record went away: it says so, when it was last seen, and offers a check.
    let list2 = RwSignal::new(vec![{
        let mut d = sample_domain(
            "dom_t3",
            "gone-t.test",
            DomainState::Verified,
            Some(seen(LookupOutcome::NoSuchName, &[])),
        );
        d.verified_at = Some(Timestamp::from_unix(1_795_000_000));
        d.verification_method = Some("dns".into());
        d.record_last_seen_at = Some(Timestamp::from_unix(1_795_388_400));
        d.warning = Some("Our TXT record is no longer in DNS.".into());
        d
    }]);
    let first = list2.get_untracked()[0].clone();
    let _h2 = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <DomainCard domain=first domains=list2 now=Signal::stored(1_795_392_000) host=RwSignal::new(String::new())
                hosts=Signal::stored(None) on_removed=Callback::new(|_| ())/>
        }
    });
    settle(20).await;
    let warned: HtmlElement = find(&root, r#"article[data-domain="gone-t.test"]"#).unchecked_into();
    let warning = find(&warned, "[data-domain-warning]")
        .text_content()
        .unwrap();
    assert!(
        warning.contains("no longer in DNS") && warning.contains("last seen 1 hour ago"),
        "{warning}"
    );
    assert!(find(&warned, "[data-verified]")
        .text_content()
        .unwrap()
        .contains("through its DNS record"));
    assert_eq!(
        find(&warned, "[data-check]").text_content().unwrap(),
        "Check now"
    );
    find(&warned, "#domain-dom_t3-value");

    // An update in place (a check's answer) keeps the card and its elements.
    let button = find(&pending, "[data-check]");
    list.update(|l| l[0].last_result = Some(seen(LookupOutcome::NoTxt, &[])));
    settle(20).await;
    assert_eq!(
        find(&pending, "[data-seen]").text_content().unwrap(),
        "The name exists but has no TXT record."
    );
    assert!(
        find(&pending, "[data-check]").is_same_node(Some(&button)),
        "the check button was rebuilt"
    );
    assert_eq!(crate::client::style::collisions(), Vec::<&str>::new());
}

#[wasm_bindgen_test]
async fn server_text_shows_its_inline_code_as_code_without_backticks() {
    let root = container();
    let _h = leptos::mount::mount_to(root.clone(), || {
        view! { <p><crate::client::components::prose::Prose text="`mail` arrived and looks right; map `email` to it.".to_string()/></p> }
    });
    settle(0).await;
    let text = root.text_content().unwrap_or_default();
    assert_eq!(text, "mail arrived and looks right; map email to it.");
    // Erased view types leave empty comment markers inside elements: not part of the markup.
    let html = root.inner_html().replace("<!---->", "");
    assert!(
        html.contains("<code>mail</code>") && html.contains("<code>email</code>"),
        "{html}"
    );
}

fn sync_entry(
    method: &str,
    resource_type: &str,
    status: u16,
    explanation: Option<&str>,
) -> crate::api::directory::SyncLogEntry {
    crate::api::directory::SyncLogEntry {
        at: Timestamp::from_unix(1_795_392_000),
        method: method.into(),
        resource_type: resource_type.into(),
        summary: format!("{method} {resource_type} summary"),
        status,
        explanation: explanation.map(str::to_owned),
    }
}

#[wasm_bindgen_test]
async fn sync_log_names_each_operation_and_explains_failures() {
    use crate::client::components::sync_log::SyncLog;
    let root = container();
    let entries = RwSignal::new(Vec::new());
    let _h = leptos::mount::mount_to(root.clone(), move || view! { <SyncLog entries/> });
    settle(10).await;
    assert!(root.text_content().unwrap().contains("No request"));
    entries.set(vec![
        sync_entry("POST", "Users", 201, None),
        sync_entry(
            "PATCH",
            "Groups",
            400,
            Some("Entra ID sent an unknown attribute."),
        ),
        sync_entry("GET", "ServiceProviderConfig", 200, None),
    ]);
    settle(10).await;
    let rows = find(&root, "tbody").get_elements_by_tag_name("tr");
    assert_eq!(rows.length(), 3);
    let text = |i: u32| rows.item(i).unwrap().text_content().unwrap();
    assert!(
        text(0).contains("Create user") && text(0).contains("Done (201)"),
        "{}",
        text(0)
    );
    assert!(
        text(1).contains("Update group") && text(1).contains("Refused (400)"),
        "{}",
        text(1)
    );
    assert!(
        text(1).contains("Entra ID sent an unknown attribute."),
        "{}",
        text(1)
    );
    assert!(text(2).contains("GET ServiceProviderConfig"), "{}", text(2));
    assert!(find(&root, "caption")
        .text_content()
        .unwrap()
        .contains("newest first"));
}

#[wasm_bindgen_test]
fn directory_steps_round_trip_and_dsync_links_land_on_the_directory() {
    use crate::api::vendor::Intent;
    use crate::client::routes::{self, DirectoryStep};
    for s in DirectoryStep::ALL {
        assert_eq!(DirectoryStep::parse(s.slug()), Some(s));
        assert_eq!(
            s.href("dir_1"),
            format!("/directory/setup/{}?directory=dir_1", s.slug())
        );
        assert_eq!(DirectoryStep::TITLES.len(), DirectoryStep::ALL.len());
    }
    assert_eq!(DirectoryStep::parse("configure"), None);
    // Custom attributes are mapped after roles, before the end.
    assert_eq!(
        DirectoryStep::Attributes.index(),
        DirectoryStep::Roles.index() + 1
    );
    assert_eq!(
        DirectoryStep::Done.index(),
        DirectoryStep::Attributes.index() + 1
    );
    assert_eq!(
        DirectoryStep::parse("attributes"),
        Some(DirectoryStep::Attributes)
    );
    let session = |intents: Vec<Intent>| crate::api::portal::SessionInfo {
        organization_id: "org_1".into(),
        organization_name: "Acme".into(),
        intents,
        csrf_token: String::new(),
        idle_expires_at: Timestamp::from_unix(2),
        expires_at: Timestamp::from_unix(2),
        server_now: Timestamp::from_unix(1),
        return_url: None,
        success_url: None,
        theme_url: None,
        connections: None,
        directories: None,
    };
    let landing = |i| crate::client::session::landing(&session(i));
    assert_eq!(landing(vec![Intent::Dsync]), routes::DIRECTORY);
    assert_eq!(
        landing(vec![Intent::DomainVerification, Intent::Dsync]),
        routes::DIRECTORY
    );
    assert_eq!(landing(vec![Intent::Sso, Intent::Dsync]), routes::SSO);
}

#[wasm_bindgen_test]
fn only_an_older_token_still_working_gives_a_grace() {
    use crate::api::directory::{DirectoryToken, DirectoryTokenList};
    use crate::client::pages::directory::instructions::grace_until;
    let token = |id: &str, expires: Option<i64>| DirectoryToken {
        id: id.into(),
        directory_id: "dir_1".into(),
        created_at: Timestamp::from_unix(0),
        expires_at: expires.map(Timestamp::from_unix),
        last_used_at: None,
        secret: None,
    };
    let list = DirectoryTokenList {
        data: vec![
            token("dtok_expired", Some(50)),
            token("dtok_old", Some(1_000)),
            token("dtok_new", None),
        ],
    };
    assert_eq!(grace_until(&list, "dtok_new", 100), Some(1_000));
    assert_eq!(grace_until(&list, "dtok_new", 2_000), None);
    let first = DirectoryTokenList {
        data: vec![token("dtok_new", None)],
    };
    assert_eq!(grace_until(&first, "dtok_new", 100), None);
}

#[wasm_bindgen_test]
fn the_designers_module_serves_the_theme_editor_and_its_preview_and_nothing_else() {
    use crate::client::routes::{self, is_designer};
    assert!(is_designer(routes::THEME));
    assert!(is_designer(routes::THEME_PREVIEW));
    assert!(
        is_designer(routes::THEME_SETUP),
        "theme links open in the designer's module"
    );
    for admin in [
        routes::HOME,
        routes::SSO,
        routes::DOMAINS,
        routes::DIRECTORY,
        "/setup",
        "/themes",
    ] {
        assert!(!is_designer(admin), "{admin} is the admin's");
    }
    // The page's loader picks the module by the same rule.
    assert!(include_str!("../../Trunk.toml").contains(r"/^\/theme(\/|$)/.test(location.pathname)"));
}
