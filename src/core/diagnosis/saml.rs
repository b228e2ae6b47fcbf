//! Explanations of refused SAML responses: the response as a whole, its signatures, and what it says.

use super::*;

// ---- The SAML response as a whole -------------------------------------------------------

pub(super) fn response_missing(c: &Ctx) -> Text {
    let mut fix = Vec::new();
    c.acs_steps(&mut fix);
    fix.push(c.say("Make sure {idp} answers with the HTTP-POST binding, not HTTP-Redirect."));
    fix.push(
        "If a proxy or browser extension filters traffic to our sign-in address, let it through."
            .to_owned(),
    );
    c.finish(&mut fix);
    Text {
        title: "No SAML response arrived".to_owned(),
        message: c.say(
            "The browser reached our ACS URL without a SAMLResponse. {idp} may be posting to \
                another address or using the redirect binding, or something on the way dropped the form.",
        ),
        fix,
        copy: vec![c.copy_acs()],
    }
}

pub(super) fn response_malformed(c: &Ctx) -> Text {
    let problem = c
        .fact("problem")
        .map(|p| format!("What we found: {}.", p.trim_end_matches('.')))
        .unwrap_or_default();
    let mut fix = vec![
        c.say("In {idp}, check the app you set up for us is a SAML 2.0 app (not WS-Federation or \
            SAML 1.1) and answers with HTTP-POST."),
        "If a proxy or security tool sits between your users and us, check it does not rewrite the \
            sign-in page.".to_owned(),
    ];
    c.finish(&mut fix);
    fix.push("If it fails the same way, send the vendor this test's details.".to_owned());
    Text {
        title: format!("{} sent a response we could not read", c.subject()),
        message: join(&[
            "The SAMLResponse is not a SAML 2.0 response we can read.".to_owned(),
            problem,
            "This happens when the app uses another protocol, or the response was cut short or \
                changed on the way."
                .to_owned(),
        ]),
        fix,
        copy: Vec::new(),
    }
}

/// A SAML status code in plain words, by its last part.
pub(super) fn status_words(code: &str) -> Option<&'static str> {
    let last = code.rsplit(':').next().unwrap_or(code);
    Some(match last {
        "Requester" => "the request was at fault (Requester)",
        "Responder" => "it could not complete the sign-in on its side (Responder)",
        "VersionMismatch" => "it does not accept this SAML version (VersionMismatch)",
        "AuthnFailed" => "it could not authenticate the user (AuthnFailed)",
        "InvalidAttrNameOrValue" => "it did not understand an attribute (InvalidAttrNameOrValue)",
        "InvalidNameIDPolicy" => "it cannot send the NameID format asked for (InvalidNameIDPolicy)",
        "NoAuthnContext" => "it cannot sign the user in the way the request asked (NoAuthnContext)",
        "NoAvailableIDP" | "NoSupportedIDP" => {
            "no identity provider behind it could answer (NoAvailableIDP)"
        }
        "NoPassive" => {
            "it would have had to show a sign-in page, and the request asked it not to (NoPassive)"
        }
        "RequestDenied" => "it refused to answer (RequestDenied)",
        "RequestUnsupported" => "it does not support the request (RequestUnsupported)",
        "UnknownPrincipal" => "it does not know the user (UnknownPrincipal)",
        "UnsupportedBinding" => "it cannot answer with the binding asked for (UnsupportedBinding)",
        "ProxyCountExceeded" => "the request went through too many proxies (ProxyCountExceeded)",
        "TooManyResponses" => "it had too many answers to send (TooManyResponses)",
        "ResourceNotRecognized" => {
            "it did not recognize what the request was for (ResourceNotRecognized)"
        }
        _ => return None,
    })
}

pub(super) fn status_not_success(c: &Ctx) -> Text {
    let top = c.fact("status_code");
    let sub = c.fact("sub_status");
    let said = |code: Option<&str>| {
        code.map(|s| {
            status_words(s)
                .map(str::to_owned)
                .unwrap_or_else(|| format!("\"{s}\""))
        })
    };
    let mut words: Vec<String> = [said(top), said(sub)].into_iter().flatten().collect();
    words.dedup();
    let status = if words.is_empty() {
        c.say("{idp} answered with an error status.")
    } else {
        c.say(&format!("{{idp}} answered that {}.", words.join(", and ")))
    };
    let message = c
        .fact("status_message")
        .map(|m| format!("Its message: \"{m}\"."))
        .unwrap_or_default();

    // The most specific status decides the advice.
    let key = sub
        .or(top)
        .and_then(|s| s.rsplit(':').next())
        .unwrap_or_default();
    let mut fix = Vec::new();
    let mut copy = Vec::new();
    match key {
        "InvalidNameIDPolicy" => fix.push(c.say(c.saml().name_id)),
        "AuthnFailed" | "UnknownPrincipal" => {
            fix.push(c.say(
                "Check the test user exists in {idp}, is active, and typed the right \
                password or passed MFA.",
            ));
            fix.push(c.say(c.saml().assignment));
        }
        "UnsupportedBinding" => {
            fix.push(c.say("In {idp}, make the app answer with the HTTP-POST binding."))
        }
        "NoPassive" => fix.push(
            "Sign in when the identity provider asks you to; a test that must \
            not show a sign-in page fails when you are not signed in already."
                .to_owned(),
        ),
        "Requester" | "RequestDenied" | "RequestUnsupported" | "ResourceNotRecognized" => {
            fix.push(c.say(c.saml().assignment));
            fix.push(c.paste(c.saml().audience_place));
            copy.push(c.copy_entity_id());
            c.acs_steps(&mut fix);
            copy.push(c.copy_acs());
        }
        _ => fix.push(c.say(c.saml().assignment)),
    }
    c.log(&mut fix);
    c.finish(&mut fix);
    Text {
        title: format!("{} refused the sign-in", c.subject()),
        message: join(&[
            status,
            message,
            "The usual causes: the user is not assigned to the app, or the app's settings do not \
                match ours."
                .to_owned(),
        ]),
        fix,
        copy,
    }
}

// ---- Signatures -------------------------------------------------------------------------

pub(super) fn unsigned(c: &Ctx) -> Text {
    let mut fix = vec![c.say(c.saml().signing)];
    c.finish(&mut fix);
    Text {
        title: format!("{} sent an unsigned response", c.subject()),
        message:
            "Neither the response nor the assertion is signed, so we cannot tell who wrote it. \
            We accept a sign-in only when the assertion, the response, or both carry a signature."
                .to_owned(),
        fix,
        copy: Vec::new(),
    }
}

pub(super) fn signature_invalid(c: &Ctx) -> Text {
    let mut fix = vec![
        c.say(
            "If a proxy, firewall or browser extension inspects traffic to {idp} or to us, \
            exclude the sign-in pages from it.",
        ),
        c.say(c.saml().signing),
    ];
    c.finish(&mut fix);
    fix.push("If it fails the same way, send the vendor this test's details.".to_owned());
    Text {
        title: format!("The signature from {} does not match the content", c.name),
        message: join(&[
            c.say("The response is signed with the certificate we expect, but the signed content \
                changed after {idp} signed it."),
            "A proxy or security gateway that rewrites the page, or a signing option that signs one \
                part while another part changes, usually causes this.".to_owned(),
        ]),
        fix,
        copy: Vec::new(),
    }
}

pub(super) fn certificate_mismatch(c: &Ctx) -> Text {
    let presented = c
        .fact("presented_fingerprint")
        .map(|f| format!("The response is signed with the certificate {f}."))
        .unwrap_or_else(|| "The response is signed with a certificate we do not have.".to_owned());
    let expected = c
        .fact("expected_fingerprint")
        .map(|f| format!("We hold {f}."))
        .unwrap_or_default();
    let mut fix = vec![
        c.say(c.saml().certificate),
        "In the portal, use the button below to give us the current metadata or certificate."
            .to_owned(),
    ];
    c.finish(&mut fix);
    Text {
        title: format!("{} signed with a certificate we do not have", c.subject()),
        message: join(&[
            presented,
            expected,
            c.say(
                "{idp} may have rolled over to a new signing certificate, or the metadata you \
                gave us belongs to another app.",
            ),
        ]),
        fix,
        copy: Vec::new(),
    }
}

pub(super) fn saml_algorithm(c: &Ctx) -> Text {
    let algorithm = c.fact("algorithm");
    let weak = algorithm
        .map(|a| a.to_ascii_lowercase().contains("sha1"))
        .unwrap_or(true);
    let title = if weak {
        format!("{} signed with SHA-1", c.subject())
    } else {
        format!("{} signed with an algorithm we refuse", c.subject())
    };
    let mut fix = vec![c.say(c.saml().sha256)];
    c.finish(&mut fix);
    Text {
        title,
        message: join(&[
            format!("The response is signed or digested with {}.", quoted(algorithm, "an algorithm we do not accept")),
            "We accept RSA or ECDSA with SHA-256 or stronger, because SHA-1 signatures can be forged.".to_owned(),
        ]),
        fix,
        copy: Vec::new(),
    }
}

// ---- What the response says -------------------------------------------------------------

pub(super) fn saml_issuer(c: &Ctx) -> Text {
    let mut fix = vec![
        c.say(c.saml().issuer),
        c.say(c.saml().metadata),
        "In the portal, choose \"Edit your values\" below and give us that metadata.".to_owned(),
    ];
    c.finish(&mut fix);
    Text {
        title: format!("{} sent an issuer we do not expect", c.subject()),
        message: join(&[
            format!(
                "The response says it comes from {}, but the metadata you gave us names {}.",
                quoted(c.fact("received"), "another issuer"),
                quoted(c.fact("expected"), "a different one"),
            ),
            c.say("Either {idp} changed its entity ID, or the metadata came from another app or tenant."),
        ]),
        fix,
        copy: Vec::new(),
    }
}

pub(super) fn saml_audience(c: &Ctx) -> Text {
    let expected = c.fact("expected").unwrap_or(&c.sp.entity_id);
    let mut fix = vec![c.paste(c.saml().audience_place)];
    c.finish(&mut fix);
    Text {
        title: format!("{} sent the wrong audience", c.subject()),
        message: join(&[
            format!(
                "The assertion is addressed to {}, but our entity ID is \"{expected}\".",
                quoted(c.fact("received"), "another audience"),
            ),
            "We refuse assertions meant for another app.".to_owned(),
        ]),
        fix,
        copy: vec![c.copy_entity_id()],
    }
}

pub(super) fn wrong_address(c: &Ctx, what: &str) -> Text {
    let expected = c.fact("expected").unwrap_or(&c.sp.acs_url);
    let mut fix = Vec::new();
    c.acs_steps(&mut fix);
    c.finish(&mut fix);
    Text {
        title: format!("{} sent the response to the wrong address", c.subject()),
        message: join(&[
            format!(
                "{what} is {}, but our ACS URL is \"{expected}\".",
                quoted(c.fact("received"), "another address")
            ),
            "We refuse responses meant for another address.".to_owned(),
        ]),
        fix,
        copy: vec![c.copy_acs()],
    }
}

pub(super) fn in_response_to(c: &Ctx) -> Text {
    let ids = match (c.fact("received"), c.fact("expected")) {
        (Some(r), Some(e)) => format!("It answers request \"{r}\", but this test sent \"{e}\"."),
        _ => String::new(),
    };
    Text {
        title: "The response answers a different test".to_owned(),
        message: join(&[
            ids,
            "The test was probably started again in another tab, or an older test's answer arrived late.".to_owned(),
        ]),
        fix: vec![
            c.say("Close other tabs showing {idp}'s sign-in page."),
            "Run the test again from the portal, and finish it in the same tab.".to_owned(),
        ],
        copy: Vec::new(),
    }
}

pub(super) fn idp_initiated(c: &Ctx) -> Text {
    Text {
        title: format!("The sign-in was started from {}", c.name),
        message: c.say(
            "{idp} sent a response nobody asked for: the sign-in started from its app tile or \
                dashboard, not from the portal. Tests must start in the portal, so we can tell a \
                real answer from a replayed or forged one.",
        ),
        fix: vec![
            c.say("Start the test with the Test sign-in button in the portal, not from the app's tile in {idp}."),
            c.say("If your users will start from {idp}'s dashboard, ask the vendor to allow \
                IdP-initiated sign-in for this connection."),
        ],
        copy: Vec::new(),
    }
}

pub(super) enum Validity {
    NotYet,
    Expired,
    TokenExpired,
}

pub(super) fn clock(c: &Ctx, validity: Validity) -> Text {
    let ours = c
        .fact("our_clock")
        .map(|t| format!("Our clock read {t}."))
        .unwrap_or_default();
    let window = match validity {
        Validity::NotYet => c
            .fact("not_before")
            .map(|t| format!("The assertion is valid only from {t}.")),
        Validity::Expired => c
            .fact("not_on_or_after")
            .map(|t| format!("The assertion was valid until {t}.")),
        Validity::TokenExpired => c
            .fact("expires_at")
            .map(|t| format!("The ID token was valid until {t}.")),
    }
    .unwrap_or_default();
    let skew = c
        .fact("skew_allowed")
        .map(|s| format!("We allow {s} of difference."))
        .unwrap_or_default();
    let difference = c
        .fact("difference")
        .map(|d| format!("The gap is {d}."))
        .unwrap_or_default();
    let cause = match validity {
        Validity::NotYet => c.say("Either the clock of {idp}'s server or ours is off."),
        Validity::Expired | Validity::TokenExpired => c.say(
            "Either the clock of {idp}'s server or ours is off, or the answer was held or reused \
                long after {idp} issued it (a sign-in page left open, or a response posted again).",
        ),
    };
    let (title, thing) = match validity {
        Validity::NotYet => (
            format!("The assertion from {} is not valid yet", c.name),
            "assertion",
        ),
        Validity::Expired => (
            format!("The assertion from {} has expired", c.name),
            "assertion",
        ),
        Validity::TokenExpired => (
            format!("The ID token from {} had already expired", c.name),
            "token",
        ),
    };

    let mut fix = Vec::new();
    if c.console.self_hosted {
        fix.push(c.say(
            "{idp} runs on your servers: check its clock syncs with a time server (NTP) \
            and shows the right time.",
        ));
    } else if c.console.is_generic() {
        fix.push(c.say(
            "If {idp} runs on your own servers, check its clock syncs with a time server (NTP).",
        ));
    } else {
        fix.push(c.say(&format!(
            "{{idp}} keeps its clock right, so the {thing} was most likely held up on the way."
        )));
    }
    if let (Validity::NotYet, Some(hint)) = (&validity, c.saml().clock) {
        if c.protocol == Protocol::Saml {
            fix.push(c.say(hint));
        }
    }
    fix.push(
        "If the times above do not match the real time, our clock may be off: tell the vendor \
        and quote this test."
            .to_owned(),
    );
    fix.push(
        "Run the test again straight from the portal; do not reuse an old sign-in page or the \
        back button."
            .to_owned(),
    );
    Text {
        title,
        message: join(&[ours, window, skew, difference, cause]),
        fix,
        copy: Vec::new(),
    }
}

pub(super) fn replay(c: &Ctx) -> Text {
    let id = c
        .fact("received")
        .map(|i| format!("(ID \"{i}\") "))
        .unwrap_or_default();
    Text {
        title: "This response was already used".to_owned(),
        message: format!(
            "The same assertion {id}reached us twice. We accept each assertion once, so a copied \
                response cannot sign anyone in. The back button, a page refresh or a double click \
                on a submit button usually causes this."
        ),
        fix: vec![
            "Run the test again from the portal, without using the back button or refreshing during \
                the sign-in.".to_owned(),
            c.say("If it happens every time, check that nothing between {idp} and us sends the form \
                twice (a proxy or browser extension)."),
        ],
        copy: Vec::new(),
    }
}

pub(super) fn assertion_missing(c: &Ctx) -> Text {
    let mut fix = vec![c.say(c.saml().assignment)];
    c.log(&mut fix);
    c.finish(&mut fix);
    Text {
        title: format!("{} sent a response without an assertion", c.subject()),
        message: c.say(
            "The response arrived, but it carries no assertion, the part that says who signed in. \
                {idp} leaves it out when the sign-in did not succeed on its side.",
        ),
        fix,
        copy: Vec::new(),
    }
}

pub(super) fn multiple_assertions(c: &Ctx) -> Text {
    let mut fix = vec![
        "Check that no proxy or security gateway between your users and us rewrites the response."
            .to_owned(),
        c.say(
            "In {idp}, check the app sends a single assertion; none of the common identity \
            providers sends more by default.",
        ),
    ];
    c.finish(&mut fix);
    fix.push(
        "If it happens again, send the vendor this test's details: it may be an attack.".to_owned(),
    );
    Text {
        title: format!("{} sent more than one assertion", c.subject()),
        message: "The response holds several assertions. We accept exactly one, because an extra \
            assertion is a known way to slip in a forged user."
            .to_owned(),
        fix,
        copy: Vec::new(),
    }
}

pub(super) fn subject_missing(c: &Ctx) -> Text {
    let mut fix = vec![c.say(c.saml().name_id)];
    c.finish(&mut fix);
    Text {
        title: format!("{} did not say who signed in", c.subject()),
        message:
            "The assertion has no Subject or NameID, so we cannot tell which user it is about."
                .to_owned(),
        fix,
        copy: Vec::new(),
    }
}

pub(super) fn encrypted_unreadable(c: &Ctx) -> Text {
    let mut fix = Vec::new();
    if let Some(place) = c.saml().encryption {
        fix.push(c.say(place));
    }
    fix.push(c.say(
        "Turn assertion encryption off in {idp} (the response is already protected by HTTPS and its \
            signature), or import our SP metadata below again so {idp} uses our current encryption certificate.",
    ));
    c.finish(&mut fix);
    Text {
        title: format!("We could not decrypt the assertion from {}", c.name),
        message: join(&[
            c.say("{idp} encrypted the assertion with a key we do not hold."),
            c.fact("problem")
                .map(|p| format!("What we found: {}.", p.trim_end_matches('.')))
                .unwrap_or_default(),
            "It probably uses an old copy of our encryption certificate, or one from another app."
                .to_owned(),
        ]),
        fix,
        copy: vec![copy("SP metadata URL", &c.sp.metadata_url)],
    }
}
