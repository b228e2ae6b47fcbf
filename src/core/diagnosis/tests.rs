use super::*;
use crate::api::guide::GuideTopic;
use crate::api::mapping::NAME_ID_SOURCE;
use crate::api::test_sign_in::NextStep;
use crate::core::catalog::CATALOG;

fn sp() -> SpValues {
    SpValues {
        acs_url: "https://sso.example.com/saml/acs/conn_1".into(),
        entity_id: "https://sso.example.com/saml/conn_1".into(),
        metadata_url: "https://sso.example.com/saml/metadata/conn_1".into(),
        redirect_uri: "https://sso.example.com/oidc/callback".into(),
    }
}

/// One of every fact the server may send, so templates that read them all are exercised.
fn all_facts(code: FailureCode) -> Rejection {
    [
        ("expected", "Expected", "https://expected.example.com"),
        ("received", "Received", "https://received.example.com"),
        ("expected_fingerprint", "Fingerprint we hold", "AA:BB"),
        ("presented_fingerprint", "Fingerprint presented", "CC:DD"),
        (
            "algorithm",
            "Algorithm",
            "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
        ),
        ("our_clock", "Our clock", "2026-11-23 10:00:00 UTC"),
        ("not_before", "Not before", "2026-11-23 10:05:00 UTC"),
        (
            "not_on_or_after",
            "Not on or after",
            "2026-11-23 09:55:00 UTC",
        ),
        ("skew_allowed", "Clock skew allowed", "2 minutes"),
        ("difference", "Difference", "5 minutes"),
        (
            "status_code",
            "Status",
            "urn:oasis:names:tc:SAML:2.0:status:Responder",
        ),
        (
            "sub_status",
            "Sub-status",
            "urn:oasis:names:tc:SAML:2.0:status:InvalidNameIDPolicy",
        ),
        ("status_message", "Message", "Bad NameID"),
        ("problem", "Problem", "Unexpected end of input."),
        ("error", "Error", "invalid_request"),
        (
            "error_description",
            "Description",
            "redirect_uri is not registered",
        ),
        ("status", "HTTP status", "400"),
        ("client_id", "Client ID", "abc123"),
        ("expires_at", "Expires at", "2026-11-23 09:00:00 UTC"),
        ("field", "Field", "department"),
        ("attribute", "Attribute", "dept"),
        ("email", "Email", "alice@other.example"),
    ]
    .into_iter()
    .fold(Rejection::new(code), |r, (k, l, v)| r.fact(k, l, v))
}

fn keys() -> Vec<&'static str> {
    let mut keys: Vec<&str> = CATALOG.iter().map(|e| e.key).collect();
    keys.extend(["no-such-idp", "", "okta"]);
    keys
}

fn assert_readable(d: &Diagnosis, what: &str) {
    assert!(!d.title.trim().is_empty(), "{what}: empty title");
    assert!(!d.message.trim().is_empty(), "{what}: empty message");
    assert!(!d.fix.is_empty(), "{what}: no fix");
    let texts = std::iter::once(&d.title)
        .chain(std::iter::once(&d.message))
        .chain(d.fix.iter());
    for text in texts {
        assert!(!text.trim().is_empty(), "{what}: empty step");
        assert!(
            !text.contains("{idp}"),
            "{what}: placeholder left in {text:?}"
        );
        assert!(!text.contains("  "), "{what}: double space in {text:?}");
        assert!(!text.contains(".."), "{what}: double full stop in {text:?}");
        assert!(
            !text.contains(". your"),
            "{what}: sentence starts lowercase in {text:?}"
        );
        assert!(
            !text.contains("the your "),
            "{what}: \"the your\" in {text:?}"
        );
        assert!(
            text.chars().next().is_some_and(|c| !c.is_lowercase()),
            "{what}: starts lowercase: {text:?}"
        );
    }
    for c in &d.copy {
        assert!(
            !c.label.is_empty() && !c.value.is_empty(),
            "{what}: empty copy value {c:?}"
        );
    }
    assert_leads_somewhere(d, what);
}

/// No dead ends: something to click, or the explicit word that the fix is in the IdP; and
/// never both "nothing is wrong, test again" and "change your IdP".
fn assert_leads_somewhere(d: &Diagnosis, what: &str) {
    assert!(!d.next.is_empty(), "{what}: no next step");
    let again = d.next.contains(&NextStep::TestAgain);
    let in_idp = d.next.contains(&NextStep::FixInIdp);
    assert!(
        !(again && in_idp),
        "{what}: says both test again and fix the IdP"
    );
    // Text that points at a button below is only written where that button is.
    for f in &d.fix {
        if f.contains("\"Edit your values\" below") {
            assert!(d.next.contains(&NextStep::EditValues), "{what}: {f}");
        }
        if f.contains("the button below opens it") {
            assert!(d.next.contains(&NextStep::OpenMapping), "{what}: {f}");
        }
        if f.contains("the button below to give us the current metadata") {
            assert!(d.next.contains(&NextStep::UploadMetadata), "{what}: {f}");
        }
        if f.contains("\"Use the NameID as the email\" below") {
            assert!(
                d.next.iter().any(
                    |s| matches!(s, NextStep::UseAsEmail { source, .. } if source == NAME_ID_SOURCE)
                ),
                "{what}: {f}"
            );
        }
    }
    let mut seen = Vec::new();
    for step in &d.next {
        assert!(!seen.contains(&step), "{what}: {step:?} offered twice");
        seen.push(step);
        if let NextStep::UseAsEmail { source, .. } = step {
            assert!(!source.trim().is_empty(), "{what}: empty email source");
        }
    }
}

#[test]
fn every_code_is_explained_for_every_idp_with_and_without_facts() {
    let sp = sp();
    let domains = vec!["example.com".to_owned()];
    for &code in FailureCode::ALL {
        for key in keys() {
            let bare = diagnose(&Rejection::new(code), key, &sp, &domains);
            assert_readable(&bare, &format!("{} / {key} / no facts", code.as_str()));
            assert_eq!(bare.code, code);
            let full = diagnose(&all_facts(code), key, &sp, &domains);
            assert_readable(&full, &format!("{} / {key} / all facts", code.as_str()));
        }
    }
}

#[test]
fn facts_pass_through_in_order_with_their_labels() {
    let rejection = Rejection::new(FailureCode::SamlCertificateMismatch)
        .fact("presented_fingerprint", "Certificate Okta used", "CC:DD")
        .fact("expected_fingerprint", "Certificate we hold", "AA:BB")
        .fact("something_new", "A fact we never heard of", "kept anyway");
    let d = diagnose(&rejection, "okta-saml", &sp(), &[]);
    assert_eq!(d.facts, rejection.facts);
    assert!(
        d.message.contains("CC:DD") && d.message.contains("AA:BB"),
        "{}",
        d.message
    );
}

#[test]
fn okta_audience_names_the_field_and_copies_our_entity_id() {
    let sp = sp();
    let rejection = Rejection::new(FailureCode::SamlAudienceMismatch)
        .fact("expected", "Our entity ID", sp.entity_id.clone())
        .fact(
            "received",
            "Audience Okta sent",
            "https://wrong.example.com",
        );
    let d = diagnose(&rejection, "okta-saml", &sp, &[]);
    assert_eq!(d.title, "Okta sent the wrong audience");
    assert!(
        d.message.contains("https://wrong.example.com"),
        "{}",
        d.message
    );
    assert_eq!(
        d.fix[0],
        "In Okta, open the app's General tab → SAML Settings → Edit → Audience URI (SP Entity ID), \
            paste the value below, and save."
    );
    assert_eq!(
        d.copy,
        vec![CopyValue {
            label: "Audience URI (SP Entity ID)".into(),
            value: sp.entity_id.clone()
        }]
    );
}

#[test]
fn audience_fields_per_idp() {
    let sp = sp();
    let cases = [
        (
            "entra-saml",
            "Basic SAML Configuration → Edit → Identifier (Entity ID)",
        ),
        ("google-saml", "Service provider details → Entity ID"),
        ("onelogin-saml", "Audience (EntityID)"),
        ("adfs-saml", "Relying party identifier"),
        ("generic-saml", "SP entity ID or audience field"),
        ("unknown-saml", "SP entity ID or audience field"),
    ];
    for (key, field) in cases {
        let d = diagnose(
            &Rejection::new(FailureCode::SamlAudienceMismatch),
            key,
            &sp,
            &[],
        );
        assert!(d.fix[0].contains(field), "{key}: {:?}", d.fix);
        assert_eq!(
            d.copy.first().map(|c| c.value.as_str()),
            Some(sp.entity_id.as_str()),
            "{key}"
        );
    }
    let generic = diagnose(
        &Rejection::new(FailureCode::SamlAudienceMismatch),
        "generic-saml",
        &sp,
        &[],
    );
    assert_eq!(
        generic.title,
        "Your identity provider sent the wrong audience"
    );
    assert!(
        generic.fix[0].starts_with("In your identity provider, "),
        "{:?}",
        generic.fix
    );
}

#[test]
fn entra_recipient_points_to_the_reply_url() {
    let sp = sp();
    let rejection = Rejection::new(FailureCode::SamlRecipientMismatch)
        .fact("expected", "Our ACS URL", sp.acs_url.clone())
        .fact(
            "received",
            "Recipient Entra sent",
            "https://old.example.com/acs",
        );
    let d = diagnose(&rejection, "entra-saml", &sp, &[]);
    assert!(d.fix[0].contains("Reply URL"), "{:?}", d.fix);
    assert!(
        d.message.contains("https://old.example.com/acs"),
        "{}",
        d.message
    );
    assert_eq!(
        d.copy[0].label,
        "Reply URL (Assertion Consumer Service URL)"
    );
    assert_eq!(d.copy[0].value, sp.acs_url);

    let okta = diagnose(
        &Rejection::new(FailureCode::SamlDestinationMismatch),
        "okta-saml",
        &sp,
        &[],
    );
    assert!(okta.fix[0].contains("Single sign-on URL"), "{:?}", okta.fix);
    assert!(
        okta.fix
            .iter()
            .any(|f| f.contains("Use this for Recipient URL and Destination URL")),
        "{:?}",
        okta.fix
    );
    let keycloak = diagnose(
        &Rejection::new(FailureCode::SamlDestinationMismatch),
        "keycloak-saml",
        &sp,
        &[],
    );
    assert!(
        keycloak
            .fix
            .iter()
            .any(|f| f.contains("Master SAML Processing URL")),
        "{:?}",
        keycloak.fix
    );
}

#[test]
fn sha1_is_fixed_where_each_idp_sets_the_algorithm() {
    let sp = sp();
    let rejection = Rejection::new(FailureCode::SamlAlgorithmNotAllowed).fact(
        "algorithm",
        "Algorithm",
        "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
    );
    for (key, setting) in [
        ("okta-saml", "Signature Algorithm to RSA-SHA256"),
        ("entra-saml", "Signing Algorithm to SHA-256"),
        (
            "adfs-saml",
            "Advanced, and set Secure hash algorithm to SHA-256",
        ),
        ("onelogin-saml", "SAML Signature Algorithm"),
    ] {
        let d = diagnose(&rejection, key, &sp, &[]);
        assert!(d.title.ends_with("signed with SHA-1"), "{key}: {}", d.title);
        assert!(d.fix[0].contains(setting), "{key}: {:?}", d.fix);
    }
}

#[test]
fn signing_advice_names_the_setting() {
    let sp = sp();
    let okta = diagnose(
        &Rejection::new(FailureCode::SamlSignatureInvalid),
        "okta-saml",
        &sp,
        &[],
    );
    assert!(
        okta.fix
            .iter()
            .any(|f| f.contains("Assertion Signature to Signed")),
        "{:?}",
        okta.fix
    );
    let entra = diagnose(
        &Rejection::new(FailureCode::SamlUnsigned),
        "entra-saml",
        &sp,
        &[],
    );
    assert!(
        entra.fix[0].contains("Sign SAML response and assertion"),
        "{:?}",
        entra.fix
    );
}

#[test]
fn certificate_mismatch_says_where_to_get_the_new_one() {
    let d = diagnose(
        &Rejection::new(FailureCode::SamlCertificateMismatch),
        "okta-saml",
        &sp(),
        &[],
    );
    assert!(
        d.fix[0].contains("SAML Signing Certificates"),
        "{:?}",
        d.fix
    );
    assert!(
        d.fix
            .iter()
            .any(|f| f.contains("the button below to give us the current metadata")),
        "{:?}",
        d.fix
    );
}

#[test]
fn encrypted_unreadable_copies_our_metadata_url() {
    let sp = sp();
    let d = diagnose(
        &Rejection::new(FailureCode::SamlEncryptedUnreadable),
        "adfs-saml",
        &sp,
        &[],
    );
    assert_eq!(d.copy[0].value, sp.metadata_url);
    assert!(d.fix[0].contains("Encryption"), "{:?}", d.fix);
}

#[test]
fn clock_advice_uses_both_clocks_and_the_adfs_skew_setting() {
    let sp = sp();
    let rejection = Rejection::new(FailureCode::SamlNotYetValid)
        .fact("our_clock", "Our clock", "10:00:00")
        .fact("not_before", "Not before", "10:05:00");
    let adfs = diagnose(&rejection, "adfs-saml", &sp, &[]);
    assert!(
        adfs.message.contains("10:00:00") && adfs.message.contains("10:05:00"),
        "{}",
        adfs.message
    );
    assert!(
        adfs.fix.iter().any(|f| f.contains("NotBeforeSkew")),
        "{:?}",
        adfs.fix
    );
    assert!(adfs.fix.iter().any(|f| f.contains("NTP")), "{:?}", adfs.fix);
    let okta = diagnose(&rejection, "okta-saml", &sp, &[]);
    assert!(
        !okta.fix.iter().any(|f| f.contains("NotBeforeSkew")),
        "{:?}",
        okta.fix
    );
    let expired = diagnose(
        &Rejection::new(FailureCode::SamlExpired),
        "okta-saml",
        &sp,
        &[],
    );
    assert!(expired.message.contains("reused"), "{}", expired.message);
}

#[test]
fn status_is_put_in_plain_words_with_the_usual_cause() {
    let sp = sp();
    let rejection = Rejection::new(FailureCode::SamlStatusNotSuccess)
        .fact(
            "status_code",
            "Status",
            "urn:oasis:names:tc:SAML:2.0:status:Responder",
        )
        .fact(
            "sub_status",
            "Sub-status",
            "urn:oasis:names:tc:SAML:2.0:status:RequestDenied",
        )
        .fact("status_message", "Message", "User not assigned");
    let d = diagnose(&rejection, "okta-saml", &sp, &[]);
    assert!(
        d.message.contains("refused to answer (RequestDenied)"),
        "{}",
        d.message
    );
    assert!(d.message.contains("User not assigned"), "{}", d.message);
    assert!(d.fix[0].contains("Assignments tab"), "{:?}", d.fix);
    let entra = diagnose(&rejection, "entra-saml", &sp, &[]);
    assert!(entra.fix[0].contains("Users and groups"), "{:?}", entra.fix);

    let name_id = Rejection::new(FailureCode::SamlStatusNotSuccess)
        .fact(
            "status_code",
            "Status",
            "urn:oasis:names:tc:SAML:2.0:status:Requester",
        )
        .fact(
            "sub_status",
            "Sub-status",
            "urn:oasis:names:tc:SAML:2.0:status:InvalidNameIDPolicy",
        );
    let d = diagnose(&name_id, "okta-saml", &sp, &[]);
    assert!(d.message.contains("NameID format"), "{}", d.message);
    assert!(d.fix[0].contains("Name ID format"), "{:?}", d.fix);
}

#[test]
fn idp_initiated_sends_the_admin_to_the_portal_button() {
    let d = diagnose(
        &Rejection::new(FailureCode::SamlIdpInitiatedRefused),
        "okta-saml",
        &sp(),
        &[],
    );
    assert!(d.fix[0].contains("Test sign-in button"), "{:?}", d.fix);
    assert!(
        d.fix.iter().any(|f| f.contains("ask the vendor")),
        "{:?}",
        d.fix
    );
}

#[test]
fn oidc_redirect_errors_copy_our_redirect_uri() {
    let sp = sp();
    let rejection = Rejection::new(FailureCode::OidcIdpError)
        .fact("error", "Error", "invalid_request")
        .fact(
            "error_description",
            "Description",
            "The redirect_uri is not allowed",
        );
    for (key, field) in [
        ("okta-oidc", "Sign-in redirect URIs"),
        ("entra-oidc", "Authentication → Web → Redirect URIs"),
        ("auth0-oidc", "Allowed Callback URLs"),
        ("keycloak-oidc", "Valid redirect URIs"),
        ("generic-oidc", "redirect URI list"),
    ] {
        let d = diagnose(&rejection, key, &sp, &[]);
        assert!(d.fix[0].contains(field), "{key}: {:?}", d.fix);
        assert_eq!(d.copy[0].value, sp.redirect_uri, "{key}");
    }
}

#[test]
fn oidc_access_denied_points_to_assignment_and_consent() {
    let rejection =
        Rejection::new(FailureCode::OidcIdpError).fact("error", "Error", "access_denied");
    let d = diagnose(&rejection, "entra-oidc", &sp(), &[]);
    assert_eq!(d.title, "Microsoft Entra ID denied access");
    assert!(d.fix[0].contains("Users and groups"), "{:?}", d.fix);
    assert!(
        d.fix.iter().any(|f| f.contains("Grant admin consent")),
        "{:?}",
        d.fix
    );
    assert!(d.copy.is_empty());
}

#[test]
fn oidc_client_secret_says_where_it_lives() {
    let d = diagnose(
        &Rejection::new(FailureCode::OidcClientAuthFailed),
        "entra-oidc",
        &sp(),
        &[],
    );
    assert!(d.fix[0].contains("Certificates & secrets"), "{:?}", d.fix);
    let keycloak = diagnose(
        &Rejection::new(FailureCode::OidcClientAuthFailed),
        "keycloak-oidc",
        &sp(),
        &[],
    );
    assert!(
        keycloak.fix[0].contains("Credentials tab"),
        "{:?}",
        keycloak.fix
    );
}

#[test]
fn outside_domains_lists_the_organizations_domains() {
    let domains = vec!["example.com".to_owned(), "example.org".to_owned()];
    let rejection =
        Rejection::new(FailureCode::EmailOutsideDomains).fact("email", "Email", "alice@gmail.com");
    let d = diagnose(&rejection, "okta-saml", &sp(), &domains);
    assert!(
        d.message.contains("example.com, example.org"),
        "{}",
        d.message
    );
    assert!(d.message.contains("alice@gmail.com"), "{}", d.message);
    assert!(
        d.fix.iter().any(|f| f.contains("Attribute Statements")),
        "{:?}",
        d.fix
    );
}

#[test]
fn email_and_attribute_advice_follows_the_protocol() {
    let sp = sp();
    for (key, screen) in [
        ("okta-saml", "Attribute Statements"),
        ("entra-saml", "Attributes & Claims"),
        ("google-saml", "Attribute mapping"),
        ("onelogin-saml", "Parameters"),
        ("jumpcloud-saml", "User Attributes"),
        ("keycloak-saml", "Mappers"),
        ("entra-oidc", "Token configuration"),
    ] {
        let d = diagnose(&Rejection::new(FailureCode::EmailMissing), key, &sp, &[]);
        assert!(d.fix[0].contains(screen), "{key}: {:?}", d.fix);
    }
    // Entra's claim name comes from the catalog, so the advice matches what Entra sends.
    let entra = diagnose(
        &Rejection::new(FailureCode::EmailMissing),
        "entra-saml",
        &sp,
        &[],
    );
    assert_eq!(
        entra.copy[0].value,
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"
    );

    let rejection = Rejection::new(FailureCode::RequiredAttributeMissing)
        .fact("field", "Field", "department")
        .fact("attribute", "Attribute", "dept");
    let d = diagnose(&rejection, "okta-saml", &sp, &[]);
    assert_eq!(d.title, "Okta did not send department");
    assert_eq!(
        d.copy,
        vec![CopyValue {
            label: "Attribute name".into(),
            value: "dept".into()
        }]
    );
}

#[test]
fn email_advice_points_at_the_name_id_when_it_is_involved() {
    let sp = sp();
    // No email attribute, but an address in the NameID: using it is offered.
    let missing = Rejection::new(FailureCode::EmailMissing)
        .fact("attribute", "Mapped attribute", "email")
        .fact("name_id", "NameID", "ada@example.com");
    let d = diagnose(&missing, "okta-saml", &sp, &[]);
    assert!(
        d.fix
            .iter()
            .any(|f| f.contains("Use the NameID") && f.contains("ada@example.com")),
        "{:?}",
        d.fix
    );
    let plain = diagnose(
        &Rejection::new(FailureCode::EmailMissing),
        "okta-saml",
        &sp,
        &[],
    );
    assert!(
        !plain.fix.iter().any(|f| f.contains("NameID")),
        "{:?}",
        plain.fix
    );
    // The email read from the NameID is not an address: the NameID is named, with how to fix it at the IdP.
    let invalid = Rejection::new(FailureCode::EmailInvalid)
        .fact("source", "Read from", "the NameID")
        .fact("email", "Value received", "00u-ada");
    let d = diagnose(&invalid, "jumpcloud-saml", &sp, &[]);
    assert!(d.title.contains("NameID"), "{}", d.title);
    assert!(
        d.message.contains("00u-ada") && d.message.contains("NameID"),
        "{}",
        d.message
    );
    assert!(d.fix[0].contains("SAMLSubject NameID"), "{:?}", d.fix);
    assert!(
        !d.message.contains("$nameid"),
        "the reserved value stays off the screen: {}",
        d.message
    );
}

#[test]
fn every_catalog_key_has_its_own_console_row() {
    for entry in CATALOG {
        let row = console(entry.key);
        if entry.key.starts_with("generic-") {
            assert!(row.is_generic(), "{} should use the generic row", entry.key);
            continue;
        }
        assert!(!row.is_generic(), "{} has no console row", entry.key);
        assert_eq!(
            row.name,
            entry.in_sentence(),
            "{}: the row's name differs from the catalog",
            entry.key
        );
        let own = match entry.protocol {
            Protocol::Saml => row.saml.is_some(),
            Protocol::Oidc => row.oidc.is_some(),
        };
        assert!(
            own,
            "{}: the row has no {} settings",
            entry.key,
            entry.protocol.as_str()
        );
    }
    assert!(console("no-such-idp").is_generic());
}

#[test]
fn console_rows_are_unique_and_name_their_idp() {
    let mut families = std::collections::HashSet::new();
    for row in CONSOLES {
        assert!(families.insert(row.family), "duplicate row {}", row.family);
        if row.is_generic() {
            continue;
        }
        // A specific row should not fall back to "{idp}" wording, which reads as the name anyway,
        // but must not say "your identity provider" either.
        let s = row.saml();
        for text in [
            s.issuer,
            s.metadata,
            s.certificate,
            s.signing,
            s.sha256,
            s.name_id,
            s.attributes,
            s.assignment,
        ] {
            assert!(
                !text.contains("your identity provider"),
                "{}: {text}",
                row.family
            );
        }
    }
}

/// Prints every explanation for three IdPs, for proofreading:
/// `cargo test --lib core::diagnosis::tests::dump -- --ignored --nocapture`.
#[test]
#[ignore]
fn dump() {
    let sp = sp();
    for &code in FailureCode::ALL {
        for key in ["okta-saml", "generic-oidc", "adfs-saml"] {
            let d = diagnose(&all_facts(code), key, &sp, &["example.com".to_owned()]);
            println!(
                "== {} / {key}\nTITLE: {}\nMSG: {}",
                code.as_str(),
                d.title,
                d.message
            );
            for f in &d.fix {
                println!("  - {f}");
            }
            for c in &d.copy {
                println!("  [copy] {}: {}", c.label, c.value);
            }
        }
    }
}

#[test]
fn every_failure_code_has_an_action_or_says_the_fix_is_in_the_idp() {
    let sp = sp();
    for &code in FailureCode::ALL {
        for key in ["okta-saml", "okta-oidc", "generic-saml", "generic-oidc"] {
            for r in [Rejection::new(code), all_facts(code)] {
                let d = diagnose(&r, key, &sp, &[]);
                assert_leads_somewhere(&d, &format!("{} / {key}", code.as_str()));
                // The first step is what the page offers as its main button: a code whose fix
                // is in the portal must not lead with "go to your IdP".
                let portal_fix = matches!(
                    code,
                    FailureCode::EmailMissing
                        | FailureCode::EmailInvalid
                        | FailureCode::RequiredAttributeMissing
                        | FailureCode::SamlCertificateMismatch
                        | FailureCode::OidcClientAuthFailed
                );
                if portal_fix {
                    assert_ne!(d.next[0], NextStep::FixInIdp, "{}", code.as_str());
                }
            }
        }
    }
}

#[test]
fn a_missing_email_offers_the_attribute_that_arrived_in_one_click() {
    let r = Rejection::new(FailureCode::EmailMissing)
        .fact("field", "Profile field", "email")
        .fact("attribute", "Mapped attribute", "email")
        .fact("suggestion", "Attribute that looks like an email", "mail")
        .fact("suggestion_value", "Its value", "alice@example.com");
    let d = diagnose(&r, "generic-saml", &sp(), &[]);
    assert_eq!(
        d.next[0],
        NextStep::UseAsEmail {
            source: "mail".into(),
            value: "alice@example.com".into()
        }
    );
    assert!(d.next.contains(&NextStep::OpenMapping));
    assert_eq!(d.guide_topic, Some(GuideTopic::Attributes));
}

#[test]
fn a_missing_email_offers_the_name_id_when_it_is_an_address() {
    let r = Rejection::new(FailureCode::EmailMissing)
        .fact("attribute", "Mapped attribute", "email")
        .fact(
            "name_id",
            "NameID that looks like an email",
            "bob@example.com",
        );
    let d = diagnose(&r, "generic-saml", &sp(), &[]);
    assert_eq!(
        d.next[0],
        NextStep::UseAsEmail {
            source: NAME_ID_SOURCE.into(),
            value: "bob@example.com".into()
        }
    );
    // Nothing that arrived looks like an address: the mapping is the way, no one-click fix.
    let bare = diagnose(
        &Rejection::new(FailureCode::EmailMissing),
        "okta-saml",
        &sp(),
        &[],
    );
    assert_eq!(bare.next[0], NextStep::OpenMapping);
}

#[test]
fn the_mapping_rejection_carries_what_the_one_click_fix_needs() {
    use crate::api::mapping::AttributeMapping;
    use crate::api::test_sign_in::ReceivedAttribute;
    let attrs = vec![ReceivedAttribute {
        name: "mail".into(),
        format: None,
        friendly_name: None,
        values: vec!["alice@example.com".into()],
    }];
    let mapping = AttributeMapping {
        email: Some("email".into()),
        ..Default::default()
    };
    let n = crate::core::mapping::normalize("opaque-id-7", &attrs, &mapping, &[], &[]);
    let r = n.rejection.expect("refused without an email");
    let d = diagnose(&r, "generic-saml", &sp(), &[]);
    assert_eq!(
        d.next[0],
        NextStep::UseAsEmail {
            source: "mail".into(),
            value: "alice@example.com".into()
        }
    );
}

#[test]
fn certificate_and_secret_failures_lead_to_the_values_and_the_guide_step_that_fixes_them() {
    let d = diagnose(
        &Rejection::new(FailureCode::SamlCertificateMismatch),
        "okta-saml",
        &sp(),
        &[],
    );
    assert_eq!(d.next[0], NextStep::UploadMetadata);
    assert_eq!(d.guide_topic, Some(GuideTopic::Bring));
    let d = diagnose(
        &Rejection::new(FailureCode::OidcClientAuthFailed),
        "okta-oidc",
        &sp(),
        &[],
    );
    assert_eq!(d.next[0], NextStep::EditValues);
    let d = diagnose(
        &Rejection::new(FailureCode::OidcIdpError).fact("error", "Error", "access_denied"),
        "okta-oidc",
        &sp(),
        &[],
    );
    assert_eq!(d.next, vec![NextStep::FixInIdp]);
    assert_eq!(d.guide_topic, Some(GuideTopic::Assign));
    let d = diagnose(
        &Rejection::new(FailureCode::TestExpired),
        "okta-oidc",
        &sp(),
        &[],
    );
    assert_eq!(d.next, vec![NextStep::TestAgain]);
    assert_eq!(d.guide_topic, None);
}
