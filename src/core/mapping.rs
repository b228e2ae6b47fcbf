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
mod tests;
