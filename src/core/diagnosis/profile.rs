//! Explanations of profiles that cannot be used (email, required attributes) and of lost tests.

use super::*;

// ---- The profile ------------------------------------------------------------------------

/// The attribute name the advice asks for: the mapping's source, else the catalog default.
pub(super) fn wanted_attribute<'a>(c: &Ctx<'a>) -> &'a str {
    c.fact("attribute").unwrap_or(c.email_attribute)
}

/// A copy box for an attribute name, so the admin types it exactly.
pub(super) fn copy_attribute(c: &Ctx, name: &str) -> CopyValue {
    let label = match c.protocol {
        Protocol::Saml => "Attribute name",
        Protocol::Oidc => "Claim name",
    };
    copy(label, name)
}

pub(super) fn email_missing(c: &Ctx) -> Text {
    let attribute = wanted_attribute(c);
    let mut fix = vec![
        c.attributes_where(),
        format!("Send the user's email address under the name \"{attribute}\"; names are case-sensitive."),
        "Or, if the email arrives under another name, choose that name as the email in the \
            attribute mapping (the button below opens it).".to_owned(),
    ];
    // The NameID already carries an address: reading it is the shortest way through.
    if let Some(name_id) = c.fact("name_id") {
        fix.push(format!(
            "Or, since the NameID ({name_id}) is the user's email address, read the \
            email from it: \"Use the NameID as the email\" below does that and tests again."
        ));
    }
    c.finish(&mut fix);
    Text {
        title: format!("{} did not send an email address", c.subject()),
        message: format!(
            "We read the email from \"{attribute}\", and it did not arrive. The attributes we \
                received are listed with this test."
        ),
        fix,
        copy: vec![copy_attribute(c, attribute)],
    }
}

pub(super) fn email_invalid(c: &Ctx) -> Text {
    let value = quoted(c.fact("email"), "The value");
    // The mapping reads the email from the NameID, which holds an identifier instead.
    if c.fact("source").is_some() {
        let first = match c.protocol {
            Protocol::Saml => c.say(c.saml().name_id),
            Protocol::Oidc => c.attributes_where(),
        };
        let mut fix = vec![
            first,
            "Or pick the attribute that holds the email as the email in the attribute mapping (the \
                button below opens it), instead of the NameID.".to_owned(),
        ];
        c.finish(&mut fix);
        return Text {
            title: format!("The NameID from {} is not an email address", c.name),
            message: format!(
                "The email is read from the NameID, and {value} arrived there. It is \
                probably a user name or an ID, not an email address."
            ),
            fix,
            copy: Vec::new(),
        };
    }
    let attribute = wanted_attribute(c);
    let mut fix = vec![
        c.attributes_where(),
        format!("Fill \"{attribute}\" with the user's email address, not their user name or ID."),
        "Or pick the attribute that holds the email as the email in the attribute mapping (the \
            button below opens it)."
            .to_owned(),
    ];
    c.finish(&mut fix);
    Text {
        title: format!("The email from {} is not an email address", c.name),
        message: format!(
            "{value} arrived as \"{attribute}\", but it is not an email address. It is \
            probably a user name or an ID."
        ),
        fix,
        copy: Vec::new(),
    }
}

pub(super) fn email_unverified(c: &Ctx) -> Text {
    let email = quoted(c.fact("email"), "The user's email");
    let mut fix = vec![
        c.say(
            "Have the user confirm their email address at {idp} (most providers send a \
            confirmation message), or confirm it for them in the user's settings.",
        ),
        "Then run the test again.".to_owned(),
    ];
    c.finish(&mut fix);
    Text {
        title: format!("The email address from {} is not verified", c.name),
        message: format!(
            "{email} arrived with email_verified set to false. Anyone can type an address they do \
                not own into an unverified account, so Portico does not sign anyone in as it."
        ),
        fix,
        copy: Vec::new(),
    }
}

pub(super) fn email_outside(c: &Ctx) -> Text {
    let email = quoted(c.fact("email"), "The user's email");
    let domains = if c.domains.is_empty() {
        "Your organization has no email domains set up yet.".to_owned()
    } else {
        format!("Your organization's domains are: {}.", c.domains.join(", "))
    };
    let mut fix = vec![
        "Test with a user whose email is in one of those domains.".to_owned(),
        c.say(&format!(
            "If {{idp}} sends the wrong address (a personal one, or a user name that looks like an \
                email), fix the email it sends: {}",
            lower_first(&c.attributes_where()),
        )),
        "If the domain is yours, ask the vendor to add it to your organization.".to_owned(),
    ];
    c.finish(&mut fix);
    Text {
        title: "The user's email is outside your organization's domains".to_owned(),
        message: join(&[
            format!("{email} is not in any of your organization's domains."),
            domains,
            "We accept only those domains, so nobody can sign in as someone from another company."
                .to_owned(),
        ]),
        fix,
        copy: Vec::new(),
    }
}

pub(super) fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

pub(super) fn attribute_missing(c: &Ctx) -> Text {
    let field = c.fact("field");
    let attribute = c.fact("attribute");
    let mut fix = vec![c.attributes_where()];
    if let Some(a) = attribute {
        fix.push(format!(
            "Send it under the name \"{a}\"; names are case-sensitive."
        ));
    }
    fix.push(
        "Or pick the attribute that holds it as its source in the attribute mapping (the button below opens it)."
            .to_owned(),
    );
    c.finish(&mut fix);
    Text {
        title: match field {
            Some(f) => format!("{} did not send {f}", c.subject()),
            None => format!("{} did not send a required attribute", c.subject()),
        },
        message: join(&[
            format!(
                "The vendor needs {}{}, and it did not arrive.",
                field
                    .map(|f| format!("\"{f}\""))
                    .unwrap_or_else(|| "an attribute".to_owned()),
                attribute
                    .map(|a| format!(", read from \"{a}\""))
                    .unwrap_or_default(),
            ),
            "The attributes we received are listed with this test.".to_owned(),
        ]),
        fix,
        copy: attribute
            .map(|a| copy_attribute(c, a))
            .into_iter()
            .collect(),
    }
}

// ---- The test itself --------------------------------------------------------------------

pub(super) fn test_expired(c: &Ctx) -> Text {
    let when = c
        .fact("expires_at")
        .map(|t| format!(" It expired at {t}."))
        .unwrap_or_default();
    Text {
        title: "This test expired".to_owned(),
        message: format!("The answer came after the test had timed out.{when}"),
        fix: vec![
            c.say("Run the test again from the portal, and sign in at {idp} without a long pause.")
        ],
        copy: Vec::new(),
    }
}

pub(super) fn test_unknown(c: &Ctx) -> Text {
    Text {
        title: "We do not know this test".to_owned(),
        message: "The answer does not belong to a test we started. It may come from an old tab, \
            another portal link, or a test that was cleaned up."
            .to_owned(),
        fix: vec![c.say(
            "Run the test again from the portal, and finish the sign-in at {idp} in the same tab.",
        )],
        copy: Vec::new(),
    }
}

// ---- Portico itself -----------------------------------------------------------------------

pub(super) fn busy(c: &Ctx) -> Text {
    let problem = c
        .fact("problem")
        .map(|p| format!(" What happened: {}.", p.trim_end_matches('.')))
        .unwrap_or_default();
    Text {
        title: "We could not check the answer in time".to_owned(),
        message: format!(
            "Portico was too busy to check this answer, so it was not checked at all.{problem} \
                Nothing is wrong with your settings as far as we know."
        ),
        fix: vec![c.say("Run the test again in a minute, and sign in at {idp} as before.")],
        copy: Vec::new(),
    }
}
