use super::*;
use serde_json::json;

const ENT: &str = SCHEMA_ENTERPRISE_USER;

/// A User as Okta and Entra ID send one, with a custom extension written both ways IdPs write
/// them (an object under its schema, and one URN-qualified attribute at the top).
fn okta_user() -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENT, "urn:acme:2.0:User"],
        "userName": "ada@example.com",
        "externalId": "00u1",
        "active": true,
        "title": "Engineer",
        "name": {"givenName": "Ada", "familyName": "Lovelace", "formatted": "Ada Lovelace"},
        "emails": [
            {"value": "ada@home.example", "type": "home"},
            {"value": "ada@example.com", "type": "work", "primary": true}
        ],
        "addresses": [
            {"type": "home", "country": "GB", "locality": "London"},
            {"type": "work", "country": "FR"}
        ],
        "phoneNumbers": [{"value": "+44 1", "type": "mobile"}],
        ENT: {
            "costCenter": "CC-7",
            "employeeNumber": 42,
            "manager": {"value": "00u9", "displayName": "Charles"}
        },
        "urn:acme:2.0:User": {"badge": "B-1", "clearance": ["top", "secret"]},
        "urn:ietf:params:scim:schemas:extension:okta:2.0:User:costCode": "K9"
    })
}

fn read(doc: &Value, src: &str) -> Option<String> {
    let path = parse_source(src).unwrap_or_else(|e| panic!("{src}: {e}"));
    resolve(doc, &path)
}

#[test]
fn simple_sub_and_extension_attributes_resolve_to_strings() {
    let u = okta_user();
    assert_eq!(read(&u, "title").as_deref(), Some("Engineer"));
    assert_eq!(
        read(&u, "TITLE").as_deref(),
        Some("Engineer"),
        "names ignore case"
    );
    assert_eq!(read(&u, "name.formatted").as_deref(), Some("Ada Lovelace"));
    assert_eq!(
        read(&u, &format!("{ENT}:costCenter")).as_deref(),
        Some("CC-7")
    );
    assert_eq!(
        read(&u, &format!("{ENT}:employeeNumber")).as_deref(),
        Some("42"),
        "a number gives its text"
    );
    assert_eq!(
        read(&u, &format!("{ENT}:manager.value")).as_deref(),
        Some("00u9")
    );
    assert_eq!(
        read(&u, &format!("{ENT}:manager")).as_deref(),
        Some("00u9"),
        "a complex value stands for its value"
    );
    assert_eq!(read(&u, "urn:acme:2.0:User:badge").as_deref(), Some("B-1"));
    assert_eq!(
        read(
            &u,
            "urn:ietf:params:scim:schemas:extension:okta:2.0:User:costCode"
        )
        .as_deref(),
        Some("K9"),
        "a URN-qualified attribute written at the top"
    );
    assert_eq!(read(&u, "active").as_deref(), Some("true"));
    assert_eq!(read(&u, "nickName"), None);
    assert_eq!(read(&u, "name.middleName"), None);
    assert_eq!(read(&u, "urn:acme:2.0:User:missing"), None);
}

#[test]
fn multi_valued_attributes_give_the_primary_else_the_first_with_a_value() {
    let u = okta_user();
    assert_eq!(read(&u, "emails.value").as_deref(), Some("ada@example.com"));
    assert_eq!(read(&u, "emails").as_deref(), Some("ada@example.com"));
    assert_eq!(
        read(&u, r#"emails[type eq "home"].value"#).as_deref(),
        Some("ada@home.example")
    );
    assert_eq!(read(&u, "addresses.country").as_deref(), Some("GB"));
    assert_eq!(
        read(&u, r#"addresses[type eq "work"].country"#).as_deref(),
        Some("FR")
    );
    assert_eq!(
        read(&u, "addresses.locality").as_deref(),
        Some("London"),
        "the first element that holds the sub-attribute"
    );
    assert_eq!(read(&u, r#"addresses[type eq "other"].country"#), None);
    assert_eq!(
        read(&u, "urn:acme:2.0:User:clearance").as_deref(),
        Some("top")
    );
    let primary_as_text =
        json!({"emails": [{"value": "a@x"}, {"value": "b@x", "primary": "True"}]});
    assert_eq!(
        read(&primary_as_text, "emails.value").as_deref(),
        Some("b@x")
    );
}

#[test]
fn a_manager_sent_as_its_bare_id_still_reads_as_its_value() {
    let u = json!({"userName": "a", ENT: {"manager": "00u9"}});
    assert_eq!(
        read(&u, &format!("{ENT}:manager.value")).as_deref(),
        Some("00u9")
    );
}

#[test]
fn blank_null_and_nested_values_read_as_nothing() {
    let u = json!({"title": "  ", "nickName": null, "name": {"givenName": {"deep": 1}}});
    assert_eq!(read(&u, "title"), None);
    assert_eq!(read(&u, "nickName"), None);
    assert_eq!(read(&u, "name.givenName"), None);
    assert_eq!(
        resolve(&json!("not an object"), &AttrPath::parse("title").unwrap()),
        None
    );
}

#[test]
fn sources_are_bounded_checked_and_explained() {
    for bad in ["", "  ", "a b", "name..x", "emails[type eq", "a.b.c"] {
        assert!(parse_source(bad).is_err(), "{bad:?} was accepted");
    }
    let long = format!("{ENT}:{}", "a".repeat(MAX_SOURCE_LEN));
    let e = parse_source(&long).unwrap_err();
    assert!(e.contains("256"), "{e}");
    let e = parse_source("title\n").map(|_| ()).err();
    assert_eq!(e, None, "trimmed first");
    assert!(parse_source("ti\u{7}tle").unwrap_err().contains("one line"));
    for never in ["password", "id", "meta.created", "groups", "schemas"] {
        let e = parse_source(never).unwrap_err();
        assert!(e.contains("cannot be mapped"), "{never}: {e}");
    }
    assert!(parse_source(r#"addresses[type eq "work"].country"#).is_ok());
    let e = parse_source("1abc").unwrap_err();
    assert!(e.contains("`1abc` is not a SCIM attribute path"), "{e}");
}

#[test]
fn every_path_a_document_holds_is_listed_with_a_sample_that_resolves_to_it() {
    let u = okta_user();
    let listed = present(&u, 200);
    let paths: Vec<&str> = listed.iter().map(|(p, _)| p.as_str()).collect();
    for want in [
        "userName",
        "title",
        "name.givenName",
        "name.formatted",
        "emails.value",
        r#"emails[type eq "work"].value"#,
        r#"addresses[type eq "work"].country"#,
        "addresses.locality",
        r#"phoneNumbers[type eq "mobile"].value"#,
        &format!("{ENT}:costCenter"),
        &format!("{ENT}:manager.value"),
        &format!("{ENT}:manager.displayName"),
        "urn:acme:2.0:User:badge",
        "urn:acme:2.0:User:clearance",
        "urn:ietf:params:scim:schemas:extension:okta:2.0:User:costCode",
    ] {
        assert!(paths.contains(&want), "{want} missing from {paths:?}");
    }
    for never in [
        "schemas",
        "emails.primary",
        "emails.type",
        "password",
        "emails",
    ] {
        assert!(!paths.contains(&never), "{never} listed: {paths:?}");
    }
    for (p, sample) in &listed {
        let path = AttrPath::parse(p).unwrap_or_else(|e| panic!("{p}: {e}"));
        assert_eq!(
            resolve(&u, &path).as_deref().map(super::sample),
            Some(sample.clone()),
            "{p}"
        );
    }
    let (_, work) = listed
        .iter()
        .find(|(p, _)| p == r#"emails[type eq "work"].value"#)
        .unwrap();
    assert_eq!(work, "ada@example.com");
}

#[test]
fn listing_is_bounded_and_skips_types_that_cannot_be_quoted() {
    let mut many = serde_json::Map::new();
    many.insert("userName".into(), json!("a"));
    for i in 0..500 {
        many.insert(format!("attr{i}"), json!(format!("v{i}")));
    }
    assert_eq!(present(&Value::Object(many), 30).len(), 30);
    let odd = json!({"emails": [{"value": "a@x", "type": "wo\"rk"}]});
    let paths: Vec<String> = present(&odd, 50).into_iter().map(|(p, _)| p).collect();
    assert_eq!(paths, vec!["emails.value".to_owned()]);
    let long = "x".repeat(200);
    let listed = present(&json!({ "title": long }), 5);
    assert_eq!(listed[0].1.chars().count(), MAX_SAMPLE_CHARS);
    assert!(listed[0].1.ends_with('…'));
}

#[test]
fn names_of_well_known_attributes_get_a_default_that_a_saved_choice_overrides() {
    for (name, path) in DEFAULT_SOURCES {
        let parsed = parse_source(path).unwrap_or_else(|e| panic!("{name}: {e}"));
        if path.starts_with("urn:") {
            assert_eq!(parsed.schema.as_deref(), Some(ENT), "{name}");
        }
    }
    assert_eq!(default_source("cost_center"), Some(DEFAULT_SOURCES[2].1));
    assert_eq!(default_source("badge"), None);
    let saved: BTreeMap<String, String> = [
        ("title".to_owned(), String::new()),
        ("badge".to_owned(), "urn:acme:2.0:User:badge".to_owned()),
        ("gone".to_owned(), "title".to_owned()),
    ]
    .into();
    let e = effective(["department", "title", "badge", "region"], &saved);
    assert_eq!(
        e,
        [
            ("badge".to_owned(), "urn:acme:2.0:User:badge".to_owned()),
            ("department".to_owned(), format!("{ENT}:department")),
        ]
        .into(),
        "title was unmapped by choice, region has no default, gone is no longer declared"
    );
}

#[test]
fn the_enterprise_urn_is_shortened_for_people() {
    assert_eq!(
        label(&format!("{ENT}:costCenter")),
        "costCenter (enterprise extension)"
    );
    assert_eq!(label("title"), "title");
    assert_eq!(label("urn:acme:2.0:User:badge"), "urn:acme:2.0:User:badge");
}
