use super::*;

fn attr(name: &str, values: &[&str]) -> ReceivedAttribute {
    ReceivedAttribute {
        name: name.into(),
        format: None,
        friendly_name: None,
        values: values.iter().map(|v| v.to_string()).collect(),
    }
}

#[test]
fn full_names_split_into_first_and_last() {
    assert_eq!(
        split_full_name("Ada Lovelace"),
        (Some("Ada".into()), Some("Lovelace".into()))
    );
    assert_eq!(
        split_full_name("  Ada   King  Lovelace "),
        (Some("Ada".into()), Some("King Lovelace".into()))
    );
    assert_eq!(
        split_full_name("Lovelace, Ada"),
        (Some("Ada".into()), Some("Lovelace".into()))
    );
    assert_eq!(split_full_name("Cher"), (Some("Cher".into()), None));
    assert_eq!(split_full_name("   "), (None, None));
}

#[test]
fn entra_defaults_map_microsoft_claim_names() {
    let m = default_mapping("entra-saml");
    assert_eq!(
        m.email.as_deref(),
        Some("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress")
    );
    let attrs = vec![
        attr(
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
            &["Ada@Example.com"],
        ),
        attr(
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
            &["Ada"],
        ),
        attr(
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
            &["Lovelace"],
        ),
        attr(
            "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
            &["g1", "g2"],
        ),
    ];
    let n = normalize("abc123", &attrs, &m, &[], &["example.com".into()]);
    assert_eq!(n.rejection, None);
    assert_eq!(n.profile.email.as_deref(), Some("ada@example.com"));
    assert_eq!(n.profile.idp_id, "abc123");
    assert_eq!(n.profile.groups, vec!["g1", "g2"]);
    assert!(n.issues.is_empty(), "{:?}", n.issues);
}

#[test]
fn only_a_full_name_fills_first_and_last() {
    let m = default_mapping("generic-oidc");
    let attrs = vec![
        attr("email", &["ada@example.com"]),
        attr("name", &["Ada Lovelace"]),
    ];
    let n = normalize("sub-1", &attrs, &m, &[], &[]);
    assert_eq!(n.profile.first_name.as_deref(), Some("Ada"));
    assert_eq!(n.profile.last_name.as_deref(), Some("Lovelace"));
    assert!(
        !n.issues
            .iter()
            .any(|i| i.field == "first_name" || i.field == "last_name"),
        "{:?}",
        n.issues
    );
}

#[test]
fn an_email_the_provider_calls_unverified_is_refused() {
    let m = default_mapping("generic-oidc");
    for (flag, refused) in [("false", true), ("False", true), ("true", false)] {
        let attrs = vec![
            attr("email", &["ada@example.com"]),
            attr("email_verified", &[flag]),
        ];
        let n = normalize("sub-1", &attrs, &m, &[], &[]);
        assert_eq!(
            n.rejection.as_ref().map(|r| r.code) == Some(FailureCode::EmailUnverified),
            refused,
            "{flag}: {:?}",
            n.rejection
        );
    }
    // No claim at all (most SAML IdPs, Entra ID): nothing to hold against the address.
    let n = normalize(
        "sub-1",
        &[attr("email", &["ada@example.com"])],
        &m,
        &[],
        &[],
    );
    assert_eq!(n.rejection, None);
}

#[test]
fn missing_email_is_rejected_and_a_likely_source_suggested() {
    let m = default_mapping("okta-saml");
    let attrs = vec![
        attr("user.mail", &["ada@example.com"]),
        attr("firstName", &["Ada"]),
    ];
    let n = normalize("00u1", &attrs, &m, &[], &[]);
    let r = n.rejection.expect("rejected");
    assert_eq!(r.code, FailureCode::EmailMissing);
    assert!(
        r.facts
            .iter()
            .any(|f| f.key == "suggestion" && f.value == "user.mail"),
        "{:?}",
        r.facts
    );
    let issue = n.issues.iter().find(|i| i.field == "email").expect("issue");
    assert_eq!(issue.kind, MappingIssueKind::SourceMissing);
    assert!(issue.blocking);
    assert_eq!(issue.suggestion.as_deref(), Some("user.mail"));
    // And the last name that never arrived is reported, not blocking.
    assert!(n
        .issues
        .iter()
        .any(|i| i.field == "last_name" && !i.blocking));
}

#[test]
fn an_email_nameid_stands_in_when_no_email_source_is_mapped() {
    let mut m = default_mapping("generic-saml");
    m.email = None;
    let n = normalize("ada@example.com", &[], &m, &[], &[]);
    assert_eq!(n.rejection, None);
    assert_eq!(n.profile.email.as_deref(), Some("ada@example.com"));
}

fn reading_name_id(idp: &str) -> AttributeMapping {
    AttributeMapping {
        email: Some(NAME_ID_SOURCE.into()),
        ..default_mapping(idp)
    }
}

#[test]
fn the_name_id_chosen_as_email_fills_it_when_it_is_an_address() {
    let m = reading_name_id("okta-saml");
    let n = normalize(
        " Ada@Example.com ",
        &[attr("firstName", &["Ada"])],
        &m,
        &[],
        &["example.com".into()],
    );
    assert_eq!(n.rejection, None);
    assert_eq!(n.profile.email.as_deref(), Some("ada@example.com"));
    assert!(
        !n.issues.iter().any(|i| i.field == "email"),
        "{:?}",
        n.issues
    );
    // The NameID is still the user's id, and an email attribute that also arrived is ignored.
    let n = normalize(
        "ada@example.com",
        &[attr("email", &["other@example.com"])],
        &m,
        &[],
        &[],
    );
    assert_eq!(n.profile.email.as_deref(), Some("ada@example.com"));
    assert_eq!(n.profile.idp_id, "ada@example.com");
    // The same domain rules apply to an address from the NameID.
    let n = normalize("ada@elsewhere.test", &[], &m, &[], &["example.com".into()]);
    assert_eq!(
        n.rejection.map(|r| r.code),
        Some(FailureCode::EmailOutsideDomains)
    );
    // Any case and surrounding spaces name the NameID.
    let m = AttributeMapping {
        email: Some(" $NameID ".into()),
        ..default_mapping("okta-saml")
    };
    assert_eq!(
        normalize("ada@example.com", &[], &m, &[], &[])
            .profile
            .email
            .as_deref(),
        Some("ada@example.com")
    );
}

#[test]
fn a_name_id_that_is_not_an_email_is_rejected_saying_it_came_from_the_name_id() {
    let m = reading_name_id("generic-saml");
    let n = normalize(
        "00u-ada",
        &[attr("mail", &["ada@example.com"])],
        &m,
        &[],
        &[],
    );
    assert_eq!(n.profile.email, None);
    let r = n.rejection.expect("rejected");
    assert_eq!(r.code, FailureCode::EmailInvalid);
    assert!(
        r.facts
            .iter()
            .any(|f| f.key == "source" && f.value == "the NameID"),
        "{:?}",
        r.facts
    );
    assert!(
        r.facts
            .iter()
            .any(|f| f.key == "email" && f.value == "00u-ada"),
        "{:?}",
        r.facts
    );
    assert!(
        !r.facts.iter().any(|f| f.key == "attribute"),
        "no attribute was mapped: {:?}",
        r.facts
    );
    let issue = n.issues.iter().find(|i| i.field == "email").expect("issue");
    assert_eq!(issue.kind, MappingIssueKind::NotAnEmail);
    assert!(issue.blocking);
    assert!(
        issue.message.contains("NameID") && issue.message.contains("00u-ada"),
        "{}",
        issue.message
    );
    // The attribute that does hold the address is offered instead.
    assert_eq!(issue.suggestion.as_deref(), Some("mail"));
    // Nothing else to offer: still refused, with no suggestion.
    let n = normalize("00u-ada", &[], &m, &[], &[]);
    assert_eq!(n.rejection.map(|r| r.code), Some(FailureCode::EmailInvalid));
}

#[test]
fn an_email_name_id_is_suggested_when_no_email_attribute_arrived() {
    let m = default_mapping("okta-saml");
    let n = normalize(
        "ada@example.com",
        &[attr("firstName", &["Ada"])],
        &m,
        &[],
        &[],
    );
    let r = n.rejection.expect("rejected");
    assert_eq!(r.code, FailureCode::EmailMissing);
    assert!(
        r.facts
            .iter()
            .any(|f| f.key == "name_id" && f.value == "ada@example.com"),
        "{:?}",
        r.facts
    );
    let issue = n.issues.iter().find(|i| i.field == "email").expect("issue");
    assert_eq!(issue.suggestion.as_deref(), Some(NAME_ID_SOURCE));
    assert!(
        issue.message.contains("NameID, `ada@example.com`"),
        "{}",
        issue.message
    );
    // An attribute that looks like the email wins over the NameID.
    let n = normalize(
        "ada@example.com",
        &[attr("mail", &["ada@example.com"])],
        &m,
        &[],
        &[],
    );
    assert_eq!(
        n.issues
            .iter()
            .find(|i| i.field == "email")
            .and_then(|i| i.suggestion.as_deref()),
        Some("mail")
    );
    // A NameID that is not an address is never suggested.
    let n = normalize("00u-ada", &[], &m, &[], &[]);
    assert_eq!(
        n.issues
            .iter()
            .find(|i| i.field == "email")
            .and_then(|i| i.suggestion.clone()),
        None
    );
}

#[test]
fn the_name_id_source_is_accepted_only_for_the_email_and_the_user_id() {
    let defs = vec![CustomAttribute {
        name: "department".into(),
        required: false,
        description: None,
    }];
    let ok = AttributeMapping {
        email: Some(NAME_ID_SOURCE.into()),
        idp_id: Some(NAME_ID_SOURCE.into()),
        ..default_mapping("okta-saml")
    };
    assert!(check(&ok, &defs).is_empty(), "{:?}", check(&ok, &defs));
    for field in ["first_name", "last_name", "name", "groups"] {
        let mut m = ok.clone();
        let slot = match field {
            "first_name" => &mut m.first_name,
            "last_name" => &mut m.last_name,
            "name" => &mut m.name,
            _ => &mut m.groups,
        };
        *slot = Some(NAME_ID_SOURCE.into());
        let problems = check(&m, &defs);
        assert!(
            problems
                .get(field)
                .is_some_and(|p| p.contains("only the email and the user ID")),
            "{field}: {problems:?}"
        );
    }
    let mut m = ok.clone();
    m.custom.insert("department".into(), NAME_ID_SOURCE.into());
    assert!(check(&m, &defs).contains_key("custom.department"));
    // A misspelt reserved name is refused rather than read as an attribute that never arrives.
    let m = AttributeMapping {
        email: Some("$name_id".into()),
        ..ok.clone()
    };
    assert!(
        check(&m, &defs)
            .get("email")
            .is_some_and(|p| p.contains(NAME_ID_SOURCE)),
        "{:?}",
        check(&m, &defs)
    );
    // The user ID read from the NameID is the subject, not an attribute called `$nameid`.
    let n = normalize("ada@example.com", &[], &ok, &[], &[]);
    assert_eq!(n.profile.idp_id, "ada@example.com");
    assert!(
        !n.issues.iter().any(|i| i.field == "idp_id"),
        "{:?}",
        n.issues
    );
}

#[test]
fn idps_set_up_with_the_email_as_name_id_start_with_it() {
    for key in ["google-saml", "jumpcloud-saml", "generic-saml"] {
        assert_eq!(
            default_mapping(key).email.as_deref(),
            Some(NAME_ID_SOURCE),
            "{key}"
        );
    }
    for key in ["okta-saml", "entra-saml", "generic-oidc"] {
        assert_ne!(
            default_mapping(key).email.as_deref(),
            Some(NAME_ID_SOURCE),
            "{key}"
        );
    }
    // samlify as shipped: an emailAddress NameID and no attributes at all.
    let n = normalize(
        "alice@example.com",
        &[],
        &default_mapping("generic-saml"),
        &[],
        &[],
    );
    assert_eq!(n.rejection, None);
    assert_eq!(n.profile.email.as_deref(), Some("alice@example.com"));
}

#[test]
fn a_value_that_is_not_an_email_is_rejected_with_what_arrived() {
    let m = default_mapping("okta-saml");
    let attrs = vec![
        attr("email", &["Ada Lovelace"]),
        attr("mail", &["ada@example.com"]),
    ];
    let n = normalize("x", &attrs, &m, &[], &[]);
    let r = n.rejection.expect("rejected");
    assert_eq!(r.code, FailureCode::EmailInvalid);
    assert!(r
        .facts
        .iter()
        .any(|f| f.key == "email" && f.value == "Ada Lovelace"));
    let issue = n
        .issues
        .iter()
        .find(|i| i.kind == MappingIssueKind::NotAnEmail)
        .expect("issue");
    assert_eq!(issue.suggestion.as_deref(), Some("mail"));
}

#[test]
fn email_outside_the_organizations_domains_is_rejected_subdomains_are_not() {
    let m = default_mapping("okta-saml");
    let domains = vec!["example.com".to_owned()];
    let ok = normalize(
        "x",
        &[attr("email", &["ada@eu.example.com"])],
        &m,
        &[],
        &domains,
    );
    assert_eq!(ok.rejection, None);
    let bad = normalize(
        "x",
        &[attr("email", &["ada@example.com.evil.test"])],
        &m,
        &[],
        &domains,
    );
    let r = bad.rejection.expect("rejected");
    assert_eq!(r.code, FailureCode::EmailOutsideDomains);
    assert!(r.facts.iter().any(|f| f.value == "example.com"));
}

#[test]
fn required_custom_attributes_are_checked_before_save_and_after_a_test() {
    let defs = vec![
        CustomAttribute {
            name: "department".into(),
            required: true,
            description: None,
        },
        CustomAttribute {
            name: "cost_center".into(),
            required: false,
            description: None,
        },
    ];
    let mut m = default_mapping("okta-saml");
    let problems = check(&m, &defs);
    assert!(problems.contains_key("custom.department"), "{problems:?}");
    assert!(!problems.contains_key("custom.cost_center"));
    m.email = Some(" ".into());
    assert!(check(&m, &defs).contains_key("email"));
    m.email = Some("email".into());
    m.custom.insert("nonsense".into(), "x".into());
    assert!(check(&m, &defs).contains_key("custom.nonsense"));
    m.custom.remove("nonsense");
    m.custom.insert("department".into(), "dept".into());
    assert!(check(&m, &defs).is_empty());

    let attrs = vec![attr("email", &["ada@example.com"])];
    let n = normalize("x", &attrs, &m, &defs, &[]);
    assert_eq!(
        n.rejection.map(|r| r.code),
        Some(FailureCode::RequiredAttributeMissing)
    );
    let mut attrs = attrs;
    attrs.push(attr("dept", &["Engineering"]));
    let n = normalize("x", &attrs, &m, &defs, &[]);
    assert_eq!(n.rejection, None);
    assert_eq!(
        n.profile
            .custom_attributes
            .get("department")
            .map(String::as_str),
        Some("Engineering")
    );
}

#[test]
fn misplaced_values_are_pointed_out() {
    let defs = vec![CustomAttribute {
        name: "department".into(),
        required: false,
        description: None,
    }];
    let mut m = default_mapping("okta-saml");
    m.custom.insert("department".into(), "dept".into());
    let attrs = vec![
        attr("email", &["ada@example.com"]),
        attr("firstName", &["ada@example.com"]),
        attr("givenName", &["Ada"]),
        attr("dept", &["ada@example.com"]),
    ];
    let n = normalize("x", &attrs, &m, &defs, &[]);
    let first = n
        .issues
        .iter()
        .find(|i| i.field == "first_name")
        .expect("first name flagged");
    assert_eq!(first.kind, MappingIssueKind::LooksMisplaced);
    assert_eq!(first.suggestion.as_deref(), Some("givenName"));
    assert!(n
        .issues
        .iter()
        .any(|i| i.field == "department" && i.kind == MappingIssueKind::LooksMisplaced));
}

#[test]
fn friendly_names_and_case_differences_still_find_the_attribute() {
    let mut a = attr("urn:oid:0.9.2342.19200300.100.1.3", &["ada@example.com"]);
    a.friendly_name = Some("mail".into());
    let attrs = vec![a, attr("FIRSTNAME", &["Ada"])];
    assert_eq!(
        find(&attrs, "mail").map(|a| a.name.as_str()),
        Some("urn:oid:0.9.2342.19200300.100.1.3")
    );
    assert_eq!(
        find(&attrs, "firstName").map(|a| a.values[0].as_str()),
        Some("Ada")
    );
    assert!(looks_like_email("a@b.co"));
    for bad in ["a@b", "@b.com", "a b@c.com", "a@@b.com", "a@.com", "plain"] {
        assert!(!looks_like_email(bad), "{bad}");
    }
}
