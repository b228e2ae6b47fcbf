use super::*;
use serde_json::json;

fn parse(s: &str) -> Filter {
    Filter::parse(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
}

fn user() -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id": "2819c223-7f76-453a-919d-413861904646",
        "externalId": "Bjensen-EXT",
        "userName": "Bjensen@Example.com",
        "displayName": "Engineering Lead",
        "title": "Tour Guide",
        "active": true,
        "loginCount": 42,
        "name": {"familyName": "Jensen", "givenName": "Barbara"},
        "emails": [
            {"value": "bjensen@example.com", "type": "work", "primary": true},
            {"value": "babs@jensen.org", "type": "home"}
        ],
        "meta": {"version": "W/\"a330bc54f0671c9\"", "lastModified": "2011-05-13T04:42:34Z"},
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
            "employeeNumber": "701984",
            "manager": {"value": "26118915-6090-4610-87e4-49d8ca9f808d"}
        }
    })
}

fn check(filter: &str, expected: bool) {
    assert_eq!(parse(filter).matches(&user()), expected, "{filter}");
}

#[test]
fn common_idp_filters_match_what_they_should() {
    check(r#"userName eq "bjensen@example.com""#, true);
    check(r#"userName eq "someone@example.com""#, false);
    check(r#"USERNAME Eq "BJENSEN@EXAMPLE.COM""#, true);
    check(
        r#"emails[type eq "work"].value eq "bjensen@example.com""#,
        true,
    );
    check(
        r#"emails[type eq "home"].value eq "bjensen@example.com""#,
        false,
    );
    check(r#"emails.value eq "babs@jensen.org""#, true);
    check(r#"emails.value co "jensen.org""#, true);
    check(r#"emails eq "babs@jensen.org""#, true);
    check(r#"emails[type eq "work" and primary eq true]"#, true);
    check(r#"emails[type eq "home" and primary eq true]"#, false);
    check(r#"displayName sw "Eng""#, true);
    check(r#"displayName sw "Lead""#, false);
    check(r#"displayName ew "lead""#, true);
    check("title pr", true);
    check("nickName pr", false);
    check("name.familyName pr", true);
    check(r#"name.familyName eq "jensen""#, true);
    check("loginCount gt 41 and loginCount le 42", true);
    check("loginCount lt 42", false);
    check("loginCount eq 42.0", true);
    check(r#"meta.lastModified gt "2011-05-13T04:42:34Z""#, false);
    check(r#"meta.lastModified ge "2011-05-13T04:42:34Z""#, true);
    check("active eq true", true);
    check("active ne true", false);
    check(r#"nickName ne "x""#, true);
    check("nickName eq null", true);
}

#[test]
fn urn_qualified_attributes_reach_the_extension_or_the_core() {
    check(
        r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "701984""#,
        true,
    );
    check(
        r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "1""#,
        false,
    );
    check(
        r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value pr"#,
        true,
    );
    check(
        r#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "bjensen""#,
        true,
    );
    check(r#"urn:example:other:2.0:User:employeeNumber pr"#, false);
}

#[test]
fn id_external_id_and_meta_version_compare_case_exactly() {
    check(r#"externalId eq "Bjensen-EXT""#, true);
    check(r#"externalId eq "bjensen-ext""#, false);
    check(r#"id eq "2819C223-7F76-453A-919D-413861904646""#, false);
    check(r#"id eq "2819c223-7f76-453a-919d-413861904646""#, true);
    check(r#"meta.version eq "W/\"A330BC54F0671C9\"""#, false);
    check(r#"meta.version eq "W/\"a330bc54f0671c9\"""#, true);
}

#[test]
fn and_binds_tighter_than_or_and_not_negates() {
    // a eq 1 or b eq 2 and c eq 3  ==  a eq 1 or (b eq 2 and c eq 3)
    let doc = json!({"a": 1, "b": 0, "c": 0});
    assert!(parse("a eq 1 or b eq 2 and c eq 3").matches(&doc));
    assert!(!parse("(a eq 1 or b eq 2) and c eq 3").matches(&doc));
    let f = parse("(a eq 1 or b eq 2) and not (c eq 3)");
    assert!(f.matches(&json!({"a": 1, "c": 4})));
    assert!(f.matches(&json!({"b": 2})));
    assert!(!f.matches(&json!({"a": 1, "c": 3})));
    assert!(!f.matches(&json!({"a": 2, "b": 3})));
    assert!(matches!(f, Filter::And(_, ref r) if matches!(**r, Filter::Not(_))));
    assert!(parse("not(a eq 1)").matches(&json!({"a": 2})));
    // An attribute may be called `not`, and keywords need a boundary.
    assert!(parse("not eq 1").matches(&json!({"not": 1})));
    assert!(parse(r#"organization eq "x""#).matches(&json!({"organization": "X"})));
}

#[test]
fn string_literals_take_json_escapes() {
    let f = parse(r#"displayName eq "a \"quoted\" \u00e9\\ name""#);
    assert!(f.matches(&json!({"displayName": "A \"Quoted\" É\\ name"})));
    let f = parse(r#"displayName eq "Zoë""#);
    assert!(f.matches(&json!({"displayName": "zoë"})));
}

#[test]
fn simple_eq_is_recognised_for_indexed_lookups() {
    let f = parse(r#"userName eq "a@b.c""#);
    let (path, value) = f.as_simple_eq().unwrap_or_else(|| panic!("not simple"));
    assert!(path.is("userName"));
    assert_eq!(value, "a@b.c");
    let f = parse(r#"externalId eq "00u1abc""#);
    assert!(f
        .as_simple_eq()
        .is_some_and(|(p, v)| p.is("externalid") && v == "00u1abc"));
    let f = parse(r#"emails.value eq "x@y.z""#);
    assert!(f
        .as_simple_eq()
        .is_some_and(|(p, _)| p.is("emails.value") && !p.is("emails")));
    for not_simple in [
        r#"userName sw "a""#,
        r#"emails[type eq "work"].value eq "x""#,
        "active eq true",
        "a eq 1 or b eq 2",
    ] {
        assert!(parse(not_simple).as_simple_eq().is_none(), "{not_simple}");
    }
}

#[test]
fn each_bound_has_its_own_error() {
    let long = format!(r#"userName eq "{}""#, "a".repeat(MAX_FILTER_LEN));
    assert_eq!(Filter::parse(&long), Err(FilterError::TooLong(long.len())));

    let deep = format!(
        "{}a eq 1{}",
        "(".repeat(MAX_FILTER_DEPTH + 1),
        ")".repeat(MAX_FILTER_DEPTH + 1)
    );
    assert_eq!(Filter::parse(&deep), Err(FilterError::TooDeep));
    let ok = format!(
        "{}a eq 1{}",
        "(".repeat(MAX_FILTER_DEPTH),
        ")".repeat(MAX_FILTER_DEPTH)
    );
    assert!(Filter::parse(&ok).is_ok());
    let nots = format!(
        "{}a eq 1{}",
        "not (".repeat(MAX_FILTER_DEPTH + 1),
        ")".repeat(MAX_FILTER_DEPTH + 1)
    );
    assert_eq!(Filter::parse(&nots), Err(FilterError::TooDeep));

    let many = vec!["a eq 1"; MAX_FILTER_COMPARISONS + 1].join(" or ");
    assert_eq!(Filter::parse(&many), Err(FilterError::TooManyComparisons));
    let enough = vec!["a eq 1"; MAX_FILTER_COMPARISONS].join(" or ");
    assert!(Filter::parse(&enough).is_ok());

    // Each becomes invalidFilter with words naming the bound.
    for (filter, words) in [
        (long, "4096"),
        (deep, "deeper than 16"),
        (many, "more than 64"),
    ] {
        let e = ScimError::from(Filter::parse(&filter).err().unwrap_or(FilterError::Empty));
        assert_eq!(
            (e.status, e.scim_type),
            (400, Some(ScimType::InvalidFilter))
        );
        assert!(e.detail.contains(words), "{}", e.detail);
    }
}

#[test]
fn malformed_filters_are_syntax_errors() {
    for bad in [
        "",
        "   ",
        "userName",
        "userName eq",
        r#"userName xx "a""#,
        r#"userName eq "unterminated"#,
        r#"userName eq "bad \q escape""#,
        "userName eq bare",
        r#"(userName eq "a""#,
        r#"userName eq "a")"#,
        r#"userName eq "a" and"#,
        r#"userName eq "a" "b""#,
        r#"emails[type eq "work""#,
        r#"emails[types[x eq 1]]"#,
        r#"emails.value[type eq "w"]"#,
        "active gt true",
        "title co 3",
        "loginCount eq 1.2.3",
        "a.b.c eq 1",
        "1abc eq 1",
        "urn:x: eq 1",
    ] {
        let r = Filter::parse(bad);
        assert!(
            matches!(r, Err(FilterError::Syntax { .. }) | Err(FilterError::Empty)),
            "{bad:?} gave {r:?}"
        );
    }
    let e = Filter::parse(r#"userName xx "a""#).err();
    assert_eq!(
        e.map(|e| e.to_string()),
        Some("invalid filter at byte 9: expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr)".into())
    );
}
