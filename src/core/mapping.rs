//! Attribute mapping: how what an IdP sent becomes the profile the vendor's app receives.
//!
//! Runs on the server when a test (or, later, a real sign-in) completes, and in the browser to
//! preview a mapping against the last test's attributes before it is saved.

use crate::api::mapping::{
    AttributeMapping, CustomAttribute, MappingIssue, MappingIssueKind, Profile, NAME_ID_SOURCE,
};
use crate::api::protocol::Protocol;
use crate::api::test_sign_in::{FailureCode, ReceivedAttribute, Rejection};
use crate::core::catalog;
use std::collections::BTreeMap;

/// The mapping a new connection starts with: the catalog's defaults for its IdP, reading the
/// email from the NameID for IdPs whose setup puts it there.
pub fn default_mapping(idp_key: &str) -> AttributeMapping {
    let (attrs, protocol, name_id_is_email) = match catalog::find(idp_key) {
        Some(e) => (e.default_attributes, e.protocol, e.name_id_is_email()),
        None => (
            ["email", "firstName", "lastName", "groups"],
            Protocol::Saml,
            false,
        ),
    };
    AttributeMapping {
        idp_id: None,
        email: Some(
            if name_id_is_email {
                NAME_ID_SOURCE
            } else {
                attrs[0]
            }
            .to_owned(),
        ),
        first_name: Some(attrs[1].to_owned()),
        last_name: Some(attrs[2].to_owned()),
        // OIDC providers usually send `name` as well; SAML IdPs rarely have a standard one.
        name: (protocol == Protocol::Oidc).then(|| "name".to_owned()),
        groups: Some(attrs[3].to_owned()),
        custom: BTreeMap::new(),
    }
}

fn clean(source: &Option<String>) -> Option<&str> {
    source.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Whether a mapping source is the reserved `$nameid` (any case, surrounding spaces ignored).
pub fn is_name_id(source: &str) -> bool {
    source.trim().eq_ignore_ascii_case(NAME_ID_SOURCE)
}

fn names_name_id(source: &Option<String>) -> bool {
    clean(source).is_some_and(is_name_id)
}

/// Checks a mapping before it is saved: one message per field that needs attention.
pub fn check(mapping: &AttributeMapping, custom: &[CustomAttribute]) -> BTreeMap<String, String> {
    let mut problems = BTreeMap::new();
    if clean(&mapping.email).is_none() {
        problems.insert(
            "email".to_owned(),
            "Choose the attribute that carries the user's email \
            address, or the NameID; it is required."
                .to_owned(),
        );
    }
    let named = [
        ("idp_id", &mapping.idp_id),
        ("email", &mapping.email),
        ("first_name", &mapping.first_name),
        ("last_name", &mapping.last_name),
        ("name", &mapping.name),
        ("groups", &mapping.groups),
    ];
    for (field, source) in named {
        if let Some(s) = source.as_deref() {
            if s.len() > 512 || s.chars().any(char::is_control) {
                problems.insert(
                    field.to_owned(),
                    "Use an attribute name of at most 512 characters, on one line.".to_owned(),
                );
            } else if s.trim().starts_with('$') {
                // `$` marks reserved sources; only the NameID exists, and only an identifier or an
                // email can sensibly come from it.
                let allowed = matches!(field, "email" | "idp_id");
                if !(allowed && is_name_id(s)) {
                    let message = if allowed {
                        format!("`{}` is not an attribute name; use `{NAME_ID_SOURCE}` to read the NameID.", s.trim())
                    } else {
                        "The NameID can fill only the email and the user ID; choose an attribute here.".to_owned()
                    };
                    problems.insert(field.to_owned(), message);
                }
            }
        }
    }
    for (name, source) in &mapping.custom {
        if source.trim().starts_with('$') {
            problems.insert(
                format!("custom.{name}"),
                "The NameID can fill only the email and the user ID; choose an attribute here."
                    .to_owned(),
            );
        } else if !custom.iter().any(|c| &c.name == name) {
            problems.insert(
                format!("custom.{name}"),
                format!("`{name}` is not one of this application's custom attributes."),
            );
        } else if source.trim().is_empty() || source.len() > 512 {
            problems.insert(
                format!("custom.{name}"),
                "Enter the attribute name, up to 512 characters.".to_owned(),
            );
        }
    }
    for c in custom.iter().filter(|c| c.required) {
        if mapping
            .custom
            .get(&c.name)
            .map(|s| s.trim().is_empty())
            .unwrap_or(true)
        {
            problems.insert(
                format!("custom.{}", c.name),
                format!(
                    "Choose the attribute for `{}`; this application requires it.",
                    c.name
                ),
            );
        }
    }
    problems
}

/// The words the portal shows for a profile field (`first_name` is "First name"), so remarks
/// name fields as the form labels them; custom attributes go by their own names.
pub fn field_label(field: &str) -> &str {
    match field {
        "email" => "Email",
        "first_name" => "First name",
        "last_name" => "Last name",
        "name" => "Full name",
        "groups" => "Groups",
        "idp_id" => "User ID",
        other => other,
    }
}

/// The received attribute a mapping source names: exact name first, then case-insensitive, then
/// the SAML friendly name (admins often type what the IdP console shows).
pub fn find<'a>(attrs: &'a [ReceivedAttribute], source: &str) -> Option<&'a ReceivedAttribute> {
    attrs
        .iter()
        .find(|a| a.name == source)
        .or_else(|| attrs.iter().find(|a| a.name.eq_ignore_ascii_case(source)))
        .or_else(|| {
            attrs.iter().find(|a| {
                a.friendly_name
                    .as_deref()
                    .is_some_and(|f| f.eq_ignore_ascii_case(source))
            })
        })
}

fn first_value(a: &ReceivedAttribute) -> Option<String> {
    a.values
        .iter()
        .map(|v| v.trim())
        .find(|v| !v.is_empty())
        .map(str::to_owned)
}

/// Whether a value is plausibly an email address: one `@`, something before it, a dotted
/// domain after it, no spaces. Deliverability is the IdP's business.
pub fn looks_like_email(v: &str) -> bool {
    let v = v.trim();
    let Some((local, domain)) = v.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !v.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Splits a full name into first and last: "Last, First" when there is a comma, otherwise the
/// first word is the first name and the rest the last name. A single word is a first name.
pub fn split_full_name(full: &str) -> (Option<String>, Option<String>) {
    let full = full.split_whitespace().collect::<Vec<_>>().join(" ");
    if full.is_empty() {
        return (None, None);
    }
    if let Some((last, first)) = full.split_once(',') {
        let (first, last) = (first.trim(), last.trim());
        if !first.is_empty() && !last.is_empty() {
            return (Some(first.to_owned()), Some(last.to_owned()));
        }
    }
    match full.split_once(' ') {
        Some((first, last)) => (Some(first.to_owned()), Some(last.to_owned())),
        None => (Some(full), None),
    }
}

/// The words an attribute name for each field usually contains, to suggest a better source.
const HINTS: &[(&str, &[&str])] = &[
    (
        "email",
        &["emailaddress", "email", "mail", "upn", "userprincipalname"],
    ),
    (
        "first_name",
        &[
            "givenname",
            "given_name",
            "firstname",
            "first_name",
            "given",
        ],
    ),
    (
        "last_name",
        &[
            "surname",
            "family_name",
            "lastname",
            "last_name",
            "familyname",
            "sn",
        ],
    ),
    ("name", &["displayname", "fullname", "name", "cn"]),
    ("groups", &["groups", "group", "memberof", "roles", "role"]),
];

fn tail(name: &str) -> String {
    name.rsplit(['/', ':', '#'])
        .next()
        .unwrap_or(name)
        .to_ascii_lowercase()
}

/// A received attribute that probably carries `field`, other than `not`.
fn suggest(attrs: &[ReceivedAttribute], field: &str, not: Option<&str>) -> Option<String> {
    let hints = HINTS
        .iter()
        .find(|(f, _)| *f == field)
        .map(|(_, h)| *h)
        .unwrap_or(&[]);
    let candidates = attrs
        .iter()
        .filter(|a| Some(a.name.as_str()) != not && first_value(a).is_some());
    for hint in hints {
        if let Some(a) = candidates.clone().find(|a| {
            tail(&a.name) == *hint
                || a.friendly_name
                    .as_deref()
                    .is_some_and(|f| f.eq_ignore_ascii_case(hint))
        }) {
            return Some(a.name.clone());
        }
    }
    if field == "email" {
        return candidates
            .clone()
            .find(|a| first_value(a).is_some_and(|v| looks_like_email(&v)))
            .map(|a| a.name.clone());
    }
    None
}

fn hint_text(s: &Option<String>, subject: &str) -> String {
    match s {
        Some(n) if is_name_id(n) => format!(
            " The NameID, `{}`, is an email address: use the NameID as the email.",
            subject.trim()
        ),
        Some(n) => format!(" `{n}` arrived and looks right."),
        None => String::new(),
    }
}

/// A better email source: an attribute that looks right, else the NameID when it is an email.
fn suggest_email(attrs: &[ReceivedAttribute], subject: &str, not: Option<&str>) -> Option<String> {
    suggest(attrs, "email", not).or_else(|| {
        (looks_like_email(subject) && !not.is_some_and(is_name_id))
            .then(|| NAME_ID_SOURCE.to_owned())
    })
}

/// The outcome of applying a mapping to what one sign-in received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    /// The profile.
    pub profile: Profile,
    /// Remarks, blocking or not.
    pub issues: Vec<MappingIssue>,
    /// Set when the profile cannot be used: no email, an invalid one, one outside the
    /// organization's domains, or a required custom attribute missing.
    pub rejection: Option<Rejection>,
}

/// Applies `mapping` to a sign-in's subject (NameID or `sub`) and attributes.
pub fn normalize(
    subject: &str,
    attrs: &[ReceivedAttribute],
    mapping: &AttributeMapping,
    custom: &[CustomAttribute],
    org_domains: &[String],
) -> Normalized {
    let mut issues = Vec::new();
    let mut rejection: Option<Rejection> = None;
    let read = |field: &str,
                source: &Option<String>,
                required: bool,
                issues: &mut Vec<MappingIssue>|
     -> Option<ReceivedAttribute> {
        // The NameID is not an attribute: the callers that allow it read the subject instead.
        let source = clean(source).filter(|s| !is_name_id(s))?;
        match find(attrs, source) {
            Some(a) if first_value(a).is_some() => Some(a.clone()),
            found => {
                let s = if field == "email" {
                    suggest_email(attrs, subject, Some(source))
                } else {
                    suggest(attrs, field, Some(source))
                };
                let what = if found.is_some() {
                    "arrived empty"
                } else {
                    "did not arrive"
                };
                issues.push(MappingIssue {
                    kind: MappingIssueKind::SourceMissing,
                    field: field.into(),
                    message: format!(
                        "`{source}` {what}. Check the IdP sends it, or choose another \
                        attribute for \"{}\".{}",
                        field_label(field),
                        hint_text(&s, subject)
                    ),
                    suggestion: s,
                    blocking: required,
                });
                None
            }
        }
    };

    let idp_id = read("idp_id", &mapping.idp_id, false, &mut issues)
        .and_then(|a| first_value(&a))
        .unwrap_or_else(|| subject.trim().to_owned());
    let email_attr = read("email", &mapping.email, true, &mut issues);
    let mut first_name =
        read("first_name", &mapping.first_name, false, &mut issues).and_then(|a| first_value(&a));
    let mut last_name =
        read("last_name", &mapping.last_name, false, &mut issues).and_then(|a| first_value(&a));
    // Only a full name arrived: split it, and stop calling the separate names missing.
    if first_name.is_none() || last_name.is_none() {
        if let Some(full) = clean(&mapping.name)
            .and_then(|s| find(attrs, s))
            .and_then(first_value)
        {
            let (f, l) = split_full_name(&full);
            if first_name.is_none() && f.is_some() {
                first_name = f;
                issues.retain(|i| {
                    !(i.kind == MappingIssueKind::SourceMissing && i.field == "first_name")
                });
            }
            if last_name.is_none() && l.is_some() {
                last_name = l;
                issues.retain(|i| {
                    !(i.kind == MappingIssueKind::SourceMissing && i.field == "last_name")
                });
            }
        }
    }
    let groups = clean(&mapping.groups)
        .and_then(|s| find(attrs, s))
        .map(|a| {
            a.values
                .iter()
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
                .collect()
        })
        .unwrap_or_default();

    let mut email = None;
    let email_from_name_id = names_name_id(&mapping.email);
    let received_email = if email_from_name_id {
        Some(subject.trim().to_owned()).filter(|v| !v.is_empty())
    } else {
        email_attr.as_ref().and_then(first_value)
    };
    match received_email {
        None => {
            // A NameID in email format is a good enough source when nothing is mapped.
            if clean(&mapping.email).is_none() && looks_like_email(subject) {
                email = Some(subject.trim().to_ascii_lowercase());
            } else {
                let s = suggest_email(attrs, subject, clean(&mapping.email));
                let mut r = Rejection::new(FailureCode::EmailMissing).fact(
                    "field",
                    "Profile field",
                    field_label("email"),
                );
                match clean(&mapping.email) {
                    Some(_) if email_from_name_id => {
                        r = r.fact("source", "Read from", "the NameID")
                    }
                    Some(src) => r = r.fact("attribute", "Mapped attribute", src),
                    None => {}
                }
                match &s {
                    Some(sugg) if is_name_id(sugg) => {
                        r = r.fact("name_id", "NameID that looks like an email", subject.trim())
                    }
                    Some(sugg) => {
                        r = r.fact(
                            "suggestion",
                            "Attribute that looks like an email",
                            sugg.as_str(),
                        );
                        // Its value, so the one-click fix can say what the email will be.
                        if let Some(v) = find(attrs, sugg).and_then(first_value) {
                            r = r.fact("suggestion_value", "Its value", v);
                        }
                    }
                    None => {}
                }
                rejection = Some(r);
            }
        }
        Some(v) if !looks_like_email(&v) && email_from_name_id => {
            let s = suggest(attrs, "email", None);
            issues.push(MappingIssue {
                kind: MappingIssueKind::NotAnEmail,
                field: "email".into(),
                message: format!(
                    "The email is read from the NameID, which holds `{v}`: not an email address.{}",
                    hint_text(&s, subject)
                ),
                suggestion: s,
                blocking: true,
            });
            rejection = Some(
                Rejection::new(FailureCode::EmailInvalid)
                    .fact("source", "Read from", "the NameID")
                    .fact("email", "Value received", v),
            );
        }
        Some(v) if !looks_like_email(&v) => {
            let s = suggest_email(attrs, subject, clean(&mapping.email));
            issues.push(MappingIssue {
                kind: MappingIssueKind::NotAnEmail,
                field: "email".into(),
                message: format!(
                    "`{}` holds `{v}`, which is not an email address.{}",
                    clean(&mapping.email).unwrap_or("email"),
                    hint_text(&s, subject)
                ),
                suggestion: s,
                blocking: true,
            });
            rejection = Some(
                Rejection::new(FailureCode::EmailInvalid)
                    .fact(
                        "attribute",
                        "Mapped attribute",
                        clean(&mapping.email).unwrap_or_default(),
                    )
                    .fact("email", "Value received", v),
            );
        }
        Some(v) => email = Some(v.to_ascii_lowercase()),
    }
    // OpenID Connect's `email_verified: false` means the provider never confirmed the person
    // owns the address: signing in as it would let anyone claim any colleague's account.
    if let (Some(e), None) = (&email, &rejection) {
        let unverified = find(attrs, "email_verified").is_some_and(|a| {
            a.values
                .iter()
                .any(|v| v.trim().eq_ignore_ascii_case("false"))
        });
        if unverified {
            rejection = Some(Rejection::new(FailureCode::EmailUnverified).fact(
                "email",
                "Email received",
                e.as_str(),
            ));
        }
    }

    if let (Some(e), None) = (&email, &rejection) {
        let domain = e.rsplit('@').next().unwrap_or_default();
        let inside = org_domains
            .iter()
            .any(|d| domain == d || domain.ends_with(&format!(".{d}")));
        if !org_domains.is_empty() && !inside {
            rejection = Some(
                Rejection::new(FailureCode::EmailOutsideDomains)
                    .fact("email", "Email received", e.as_str())
                    .fact("expected", "Organization's domains", org_domains.join(", ")),
            );
        }
    }

    // Names holding an email address are almost always mapped to the wrong attribute.
    for (field, value) in [("first_name", &first_name), ("last_name", &last_name)] {
        if let Some(v) = value.as_deref().filter(|v| looks_like_email(v)) {
            let s = suggest(attrs, field, None);
            issues.push(MappingIssue {
                kind: MappingIssueKind::LooksMisplaced,
                field: field.into(),
                message: format!(
                    "`{v}` looks like an email address, not a name.{}",
                    hint_text(&s, subject)
                ),
                suggestion: s,
                blocking: false,
            });
        }
    }

    let mut custom_values = BTreeMap::new();
    for def in custom {
        let source = mapping.custom.get(&def.name).cloned();
        match read(&def.name, &source, def.required, &mut issues).and_then(|a| first_value(&a)) {
            Some(v) => {
                if email.as_deref() == Some(v.to_ascii_lowercase().as_str())
                    || (looks_like_email(&v) && !def.name.contains("mail"))
                {
                    issues.push(MappingIssue {
                        kind: MappingIssueKind::LooksMisplaced,
                        field: def.name.clone(),
                        message: format!(
                            "`{}` received `{v}`, which looks like an email address. \
                            Is `{}` mapped to the right attribute?",
                            def.name,
                            source.as_deref().unwrap_or_default()
                        ),
                        suggestion: None,
                        blocking: false,
                    });
                }
                custom_values.insert(def.name.clone(), v);
            }
            None if def.required => {
                if source.is_none() {
                    issues.push(MappingIssue {
                        kind: MappingIssueKind::RequiredUnmapped,
                        field: def.name.clone(),
                        message: format!(
                            "`{}` is required; choose the attribute that carries it.",
                            def.name
                        ),
                        suggestion: None,
                        blocking: true,
                    });
                }
                if rejection.is_none() {
                    let mut r = Rejection::new(FailureCode::RequiredAttributeMissing).fact(
                        "field",
                        "Profile field",
                        def.name.as_str(),
                    );
                    if let Some(src) = &source {
                        r = r.fact("attribute", "Mapped attribute", src.as_str());
                    }
                    rejection = Some(r);
                }
            }
            None => {}
        }
    }

    Normalized {
        profile: Profile {
            idp_id,
            email,
            first_name,
            last_name,
            groups,
            custom_attributes: custom_values,
        },
        issues,
        rejection,
    }
}

#[cfg(test)]
mod tests {
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
}
