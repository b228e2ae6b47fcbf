//! Turns a refused test sign-in into advice an IT admin can act on: which screen and field of
//! *their* identity provider to change, and the value to paste.
//!
//! The server decides *what* failed (a [`Rejection`]: a code plus evidence); this module says
//! *what to do*, so the browser and the server word it the same way. Per-IdP knowledge lives in
//! a table ([`console`]); each failure code has one template that reads the table, so adding an
//! IdP means adding a row, not touching every template.
//!
//! ```
//! use portico::api::portal::SpValues;
//! use portico::api::signin::{FailureCode, Rejection};
//! use portico::core::diagnosis::diagnose;
//!
//! let sp = SpValues {
//!     acs_url: "https://sso.example.com/saml/acs/conn_1".into(),
//!     entity_id: "https://sso.example.com/saml/conn_1".into(),
//!     metadata_url: "https://sso.example.com/saml/metadata/conn_1".into(),
//!     redirect_uri: "https://sso.example.com/oidc/callback".into(),
//! };
//! let rejection = Rejection::new(FailureCode::SamlAudienceMismatch)
//!     .fact("expected", "Our entity ID", sp.entity_id.clone())
//!     .fact("received", "Audience Okta sent", "https://other.example.com");
//! let d = diagnose(&rejection, "okta-saml", &sp, &[]);
//! assert_eq!(d.title, "Okta sent the wrong audience");
//! assert!(d.fix[0].contains("Audience URI (SP Entity ID)"));
//! assert_eq!(d.copy[0].value, sp.entity_id);
//! ```

use crate::api::portal::{Protocol, SpValues};
use crate::api::signin::{CopyValue, Diagnosis, FailureCode, Fact, Rejection};
use crate::core::catalog;

mod console;
#[cfg(test)]
mod tests;

pub use console::{console, Console, OidcConsole, SamlConsole, CONSOLES, GENERIC};

/// Explains a rejection for the admin: title, message, fix steps specific to the IdP when known
/// (generic otherwise), values to copy, and the evidence facts passed through (in order, labels
/// kept).
pub fn diagnose(rejection: &Rejection, idp_key: &str, sp: &SpValues, organization_domains: &[String]) -> Diagnosis {
    let ctx = Ctx::new(&rejection.facts, idp_key, sp, organization_domains);
    let text = explain(rejection.code, &ctx);
    Diagnosis {
        code: rejection.code,
        title: text.title,
        message: text.message,
        fix: text.fix,
        copy: text.copy,
        facts: rejection.facts.clone(),
    }
}

/// What a template produces; `diagnose` adds the code and the facts.
struct Text {
    title: String,
    message: String,
    fix: Vec<String>,
    copy: Vec<CopyValue>,
}

/// Everything a template may read.
struct Ctx<'a> {
    facts: &'a [Fact],
    console: &'static Console,
    /// "Okta", or "your identity provider".
    name: &'static str,
    protocol: Protocol,
    /// The attribute name the catalog expects email under, for the advice.
    email_attribute: &'static str,
    sp: &'a SpValues,
    domains: &'a [String],
}

impl<'a> Ctx<'a> {
    fn new(facts: &'a [Fact], idp_key: &str, sp: &'a SpValues, domains: &'a [String]) -> Ctx<'a> {
        let console = console(idp_key);
        let entry = catalog::find(idp_key);
        // Unknown keys still say their protocol in the suffix; SAML is the safer guess since
        // most codes are SAML codes anyway.
        let protocol = match entry {
            Some(e) => e.protocol,
            None if idp_key.ends_with("-oidc") => Protocol::Oidc,
            None => Protocol::Saml,
        };
        let email_attribute = entry.and_then(|e| e.default_attributes.first().copied()).unwrap_or("email");
        Ctx { facts, console, name: console.name, protocol, email_attribute, sp, domains }
    }

    /// The first non-blank value of a fact.
    fn fact(&self, key: &str) -> Option<&'a str> {
        self.facts.iter().find(|f| f.key == key).map(|f| f.value.trim()).filter(|v| !v.is_empty())
    }

    /// Table text with the IdP's name filled in, starting with a capital.
    fn say(&self, text: &str) -> String {
        // "your identity provider" needs a capital where a sentence starts with it.
        let capital = format!(". {}", capitalize(self.name));
        capitalize(&text.replace(". {idp}", &capital).replace("{idp}", self.name))
    }

    /// The IdP's name at the start of a sentence.
    fn subject(&self) -> String {
        capitalize(self.name)
    }

    /// "In Okta, {place}, paste the value below, and save."
    fn paste(&self, place: &str) -> String {
        self.say(&format!("In {{idp}}, {place}, paste the value below, and save."))
    }

    fn saml(&self) -> &'static SamlConsole {
        self.console.saml()
    }

    fn oidc(&self) -> &'static OidcConsole {
        self.console.oidc()
    }

    /// Steps that end every fix: let the change settle, then test again.
    fn finish(&self, fix: &mut Vec<String>) {
        if let Some(settle) = self.console.settle {
            fix.push(self.say(settle));
        }
        fix.push("Run the test again from the portal.".to_owned());
    }

    /// Where the IdP logs refusals, when we know.
    fn log(&self, fix: &mut Vec<String>) {
        if let Some(log) = self.console.log {
            fix.push(self.say(log));
        }
    }

    fn copy_entity_id(&self) -> CopyValue {
        copy(self.saml().audience_label, &self.sp.entity_id)
    }

    fn copy_acs(&self) -> CopyValue {
        copy(self.saml().acs_label, &self.sp.acs_url)
    }

    fn copy_redirect(&self) -> CopyValue {
        copy(self.oidc().redirect_label, &self.sp.redirect_uri)
    }

    /// The steps that put our ACS URL where the IdP reads it.
    fn acs_steps(&self, fix: &mut Vec<String>) {
        fix.push(self.paste(self.saml().acs_place));
        if let Some(note) = self.saml().acs_note {
            fix.push(self.say(note));
        }
    }

    /// Where attributes or claims are set, for this connection's protocol.
    fn attributes_where(&self) -> String {
        match self.protocol {
            Protocol::Saml => self.say(self.saml().attributes),
            Protocol::Oidc => self.say(self.oidc().claims),
        }
    }
}

fn copy(label: &str, value: &str) -> CopyValue {
    CopyValue { label: label.to_owned(), value: value.to_owned() }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A value in quotes, or a stand-in when the server gave none.
fn quoted(value: Option<&str>, missing: &str) -> String {
    match value {
        Some(v) => format!("\"{v}\""),
        None => missing.to_owned(),
    }
}

/// Sentences joined with spaces, skipping empty ones.
fn join(parts: &[String]) -> String {
    parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" ")
}

fn explain(code: FailureCode, c: &Ctx) -> Text {
    use FailureCode::*;
    // No wildcard arm: a new code must get its own explanation before this compiles.
    match code {
        SamlResponseMissing => response_missing(c),
        SamlResponseMalformed => response_malformed(c),
        SamlStatusNotSuccess => status_not_success(c),
        SamlUnsigned => unsigned(c),
        SamlSignatureInvalid => signature_invalid(c),
        SamlCertificateMismatch => certificate_mismatch(c),
        SamlAlgorithmNotAllowed => saml_algorithm(c),
        SamlIssuerMismatch => saml_issuer(c),
        SamlAudienceMismatch => saml_audience(c),
        SamlDestinationMismatch => wrong_address(c, "The response's Destination"),
        SamlRecipientMismatch => wrong_address(c, "The assertion's Recipient"),
        SamlInResponseToMismatch => in_response_to(c),
        SamlIdpInitiatedRefused => idp_initiated(c),
        SamlNotYetValid => clock(c, Validity::NotYet),
        SamlExpired => clock(c, Validity::Expired),
        SamlReplay => replay(c),
        SamlAssertionMissing => assertion_missing(c),
        SamlMultipleAssertions => multiple_assertions(c),
        SamlSubjectMissing => subject_missing(c),
        SamlEncryptedUnreadable => encrypted_unreadable(c),
        OidcIdpError => oidc_idp_error(c),
        OidcStateMismatch => lost_test(c, "the state value"),
        OidcTokenExchangeFailed => token_exchange(c),
        OidcClientAuthFailed => client_auth(c),
        OidcIdTokenInvalid => id_token_invalid(c),
        OidcIssuerMismatch => oidc_issuer(c),
        OidcAudienceMismatch => oidc_audience(c),
        OidcNonceMismatch => lost_test(c, "the nonce"),
        OidcTokenExpired => clock(c, Validity::TokenExpired),
        OidcAlgorithmNotAllowed => oidc_algorithm(c),
        OidcUserinfoFailed => userinfo(c),
        OidcProviderUnreachable => unreachable(c),
        EmailMissing => email_missing(c),
        EmailInvalid => email_invalid(c),
        EmailOutsideDomains => email_outside(c),
        RequiredAttributeMissing => attribute_missing(c),
        TestExpired => test_expired(c),
        TestUnknown => test_unknown(c),
    }
}

// ---- The SAML response as a whole -------------------------------------------------------

fn response_missing(c: &Ctx) -> Text {
    let mut fix = Vec::new();
    c.acs_steps(&mut fix);
    fix.push(c.say("Make sure {idp} answers with the HTTP-POST binding, not HTTP-Redirect."));
    fix.push("If a proxy or browser extension filters traffic to our sign-in address, let it through.".to_owned());
    c.finish(&mut fix);
    Text {
        title: "No SAML response arrived".to_owned(),
        message: c.say(
            "The browser reached our ACS URL without a SAMLResponse. {idp} may be posting to another address or using the redirect binding, or something on the way dropped the form.",
        ),
        fix,
        copy: vec![c.copy_acs()],
    }
}

fn response_malformed(c: &Ctx) -> Text {
    let problem = c.fact("problem").map(|p| format!("What we found: {p}.")).unwrap_or_default();
    let mut fix = vec![
        c.say("In {idp}, check the app you set up for us is a SAML 2.0 app (not WS-Federation or SAML 1.1) and answers with HTTP-POST."),
        "If a proxy or security tool sits between your users and us, check it does not rewrite the sign-in page.".to_owned(),
    ];
    c.finish(&mut fix);
    fix.push("If it fails the same way, send the vendor this test's details.".to_owned());
    Text {
        title: format!("{} sent a response we could not read", c.subject()),
        message: join(&[
            "The SAMLResponse is not a SAML 2.0 response we can read.".to_owned(),
            problem,
            "This happens when the app uses another protocol, or the response was cut short or changed on the way.".to_owned(),
        ]),
        fix,
        copy: Vec::new(),
    }
}

/// A SAML status code in plain words, by its last part.
fn status_words(code: &str) -> Option<&'static str> {
    let last = code.rsplit(':').next().unwrap_or(code);
    Some(match last {
        "Requester" => "the request was at fault (Requester)",
        "Responder" => "it could not complete the sign-in on its side (Responder)",
        "VersionMismatch" => "it does not accept this SAML version (VersionMismatch)",
        "AuthnFailed" => "it could not authenticate the user (AuthnFailed)",
        "InvalidAttrNameOrValue" => "it did not understand an attribute (InvalidAttrNameOrValue)",
        "InvalidNameIDPolicy" => "it cannot send the NameID format asked for (InvalidNameIDPolicy)",
        "NoAuthnContext" => "it cannot sign the user in the way the request asked (NoAuthnContext)",
        "NoAvailableIDP" | "NoSupportedIDP" => "no identity provider behind it could answer (NoAvailableIDP)",
        "NoPassive" => "it would have had to show a sign-in page, and the request asked it not to (NoPassive)",
        "RequestDenied" => "it refused to answer (RequestDenied)",
        "RequestUnsupported" => "it does not support the request (RequestUnsupported)",
        "UnknownPrincipal" => "it does not know the user (UnknownPrincipal)",
        "UnsupportedBinding" => "it cannot answer with the binding asked for (UnsupportedBinding)",
        "ProxyCountExceeded" => "the request went through too many proxies (ProxyCountExceeded)",
        "TooManyResponses" => "it had too many answers to send (TooManyResponses)",
        "ResourceNotRecognized" => "it did not recognize what the request was for (ResourceNotRecognized)",
        _ => return None,
    })
}

fn status_not_success(c: &Ctx) -> Text {
    let top = c.fact("status_code");
    let sub = c.fact("sub_status");
    let said = |code: Option<&str>| code.map(|s| status_words(s).map(str::to_owned).unwrap_or_else(|| format!("\"{s}\"")));
    let mut words: Vec<String> = [said(top), said(sub)].into_iter().flatten().collect();
    words.dedup();
    let status = if words.is_empty() {
        c.say("{idp} answered with an error status.")
    } else {
        c.say(&format!("{{idp}} answered that {}.", words.join(", and ")))
    };
    let message = c.fact("status_message").map(|m| format!("Its message: \"{m}\".")).unwrap_or_default();

    // The most specific status decides the advice.
    let key = sub.or(top).and_then(|s| s.rsplit(':').next()).unwrap_or_default();
    let mut fix = Vec::new();
    let mut copy = Vec::new();
    match key {
        "InvalidNameIDPolicy" => fix.push(c.say(c.saml().name_id)),
        "AuthnFailed" | "UnknownPrincipal" => {
            fix.push(c.say("Check the test user exists in {idp}, is active, and typed the right password or passed MFA."));
            fix.push(c.say(c.saml().assignment));
        }
        "UnsupportedBinding" => fix.push(c.say("In {idp}, make the app answer with the HTTP-POST binding.")),
        "NoPassive" => fix.push("Sign in when the identity provider asks you to; a test that must not show a sign-in page fails when you are not signed in already.".to_owned()),
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
            "The usual causes: the user is not assigned to the app, or the app's settings do not match ours.".to_owned(),
        ]),
        fix,
        copy,
    }
}

// ---- Signatures -------------------------------------------------------------------------

fn unsigned(c: &Ctx) -> Text {
    let mut fix = vec![c.say(c.saml().signing)];
    c.finish(&mut fix);
    Text {
        title: format!("{} sent an unsigned response", c.subject()),
        message: "Neither the response nor the assertion is signed, so we cannot tell who wrote it. We accept a sign-in only when the assertion, the response, or both carry a signature.".to_owned(),
        fix,
        copy: Vec::new(),
    }
}

fn signature_invalid(c: &Ctx) -> Text {
    let mut fix = vec![
        c.say("If a proxy, firewall or browser extension inspects traffic to {idp} or to us, exclude the sign-in pages from it."),
        c.say(c.saml().signing),
    ];
    c.finish(&mut fix);
    fix.push("If it fails the same way, send the vendor this test's details.".to_owned());
    Text {
        title: format!("The signature from {} does not match the content", c.name),
        message: join(&[
            c.say("The response is signed with the certificate we expect, but the signed content changed after {idp} signed it."),
            "A proxy or security gateway that rewrites the page, or a signing option that signs one part while another part changes, usually causes this.".to_owned(),
        ]),
        fix,
        copy: Vec::new(),
    }
}

fn certificate_mismatch(c: &Ctx) -> Text {
    let presented = c.fact("presented_fingerprint").map(|f| format!("The response is signed with the certificate {f}.")).unwrap_or_else(|| "The response is signed with a certificate we do not have.".to_owned());
    let expected = c.fact("expected_fingerprint").map(|f| format!("We hold {f}.")).unwrap_or_default();
    let mut fix = vec![
        c.say(c.saml().certificate),
        "In the portal, go back to the Your values step and upload the current metadata or certificate.".to_owned(),
    ];
    c.finish(&mut fix);
    Text {
        title: format!("{} signed with a certificate we do not have", c.subject()),
        message: join(&[
            presented,
            expected,
            c.say("{idp} may have rolled over to a new signing certificate, or the metadata you gave us belongs to another app."),
        ]),
        fix,
        copy: Vec::new(),
    }
}

fn saml_algorithm(c: &Ctx) -> Text {
    let algorithm = c.fact("algorithm");
    let weak = algorithm.map(|a| a.to_ascii_lowercase().contains("sha1")).unwrap_or(true);
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

fn saml_issuer(c: &Ctx) -> Text {
    let mut fix = vec![
        c.say(c.saml().issuer),
        c.say(c.saml().metadata),
        "In the portal, go back to the Your values step and give us that metadata.".to_owned(),
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

fn saml_audience(c: &Ctx) -> Text {
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

fn wrong_address(c: &Ctx, what: &str) -> Text {
    let expected = c.fact("expected").unwrap_or(&c.sp.acs_url);
    let mut fix = Vec::new();
    c.acs_steps(&mut fix);
    c.finish(&mut fix);
    Text {
        title: format!("{} sent the response to the wrong address", c.subject()),
        message: join(&[
            format!("{what} is {}, but our ACS URL is \"{expected}\".", quoted(c.fact("received"), "another address")),
            "We refuse responses meant for another address.".to_owned(),
        ]),
        fix,
        copy: vec![c.copy_acs()],
    }
}

fn in_response_to(c: &Ctx) -> Text {
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

fn idp_initiated(c: &Ctx) -> Text {
    Text {
        title: format!("The sign-in was started from {}", c.name),
        message: c.say(
            "{idp} sent a response nobody asked for: the sign-in started from its app tile or dashboard, not from the portal. Tests must start in the portal, so we can tell a real answer from a replayed or forged one.",
        ),
        fix: vec![
            c.say("Start the test with the Test sign-in button in the portal, not from the app's tile in {idp}."),
            c.say("If your users will start from {idp}'s dashboard, ask the vendor to allow IdP-initiated sign-in for this connection."),
        ],
        copy: Vec::new(),
    }
}

enum Validity {
    NotYet,
    Expired,
    TokenExpired,
}

fn clock(c: &Ctx, validity: Validity) -> Text {
    let ours = c.fact("our_clock").map(|t| format!("Our clock read {t}.")).unwrap_or_default();
    let window = match validity {
        Validity::NotYet => c.fact("not_before").map(|t| format!("The assertion is valid only from {t}.")),
        Validity::Expired => c.fact("not_on_or_after").map(|t| format!("The assertion was valid until {t}.")),
        Validity::TokenExpired => c.fact("expires_at").map(|t| format!("The ID token was valid until {t}.")),
    }
    .unwrap_or_default();
    let skew = c.fact("skew_allowed").map(|s| format!("We allow {s} of difference.")).unwrap_or_default();
    let difference = c.fact("difference").map(|d| format!("The gap is {d}.")).unwrap_or_default();
    let cause = match validity {
        Validity::NotYet => c.say("Either the clock of {idp}'s server or ours is off."),
        Validity::Expired | Validity::TokenExpired => c.say(
            "Either the clock of {idp}'s server or ours is off, or the answer was held or reused long after {idp} issued it (a sign-in page left open, or a response posted again).",
        ),
    };
    let (title, thing) = match validity {
        Validity::NotYet => (format!("The assertion from {} is not valid yet", c.name), "assertion"),
        Validity::Expired => (format!("The assertion from {} has expired", c.name), "assertion"),
        Validity::TokenExpired => (format!("The ID token from {} had already expired", c.name), "token"),
    };

    let mut fix = Vec::new();
    if c.console.self_hosted {
        fix.push(c.say("{idp} runs on your servers: check its clock syncs with a time server (NTP) and shows the right time."));
    } else if c.console.is_generic() {
        fix.push(c.say("If {idp} runs on your own servers, check its clock syncs with a time server (NTP)."));
    } else {
        fix.push(c.say(&format!("{{idp}} keeps its clock right, so the {thing} was most likely held up on the way.")));
    }
    if let (Validity::NotYet, Some(hint)) = (&validity, c.saml().clock) {
        if c.protocol == Protocol::Saml {
            fix.push(c.say(hint));
        }
    }
    fix.push("If the times above do not match the real time, our clock may be off: tell the vendor and quote this test.".to_owned());
    fix.push("Run the test again straight from the portal; do not reuse an old sign-in page or the back button.".to_owned());
    Text { title, message: join(&[ours, window, skew, difference, cause]), fix, copy: Vec::new() }
}

fn replay(c: &Ctx) -> Text {
    let id = c.fact("received").map(|i| format!("(ID \"{i}\") ")).unwrap_or_default();
    Text {
        title: "This response was already used".to_owned(),
        message: format!(
            "The same assertion {id}reached us twice. We accept each assertion once, so a copied response cannot sign anyone in. The back button, a page refresh or a double click on a submit button usually causes this."
        ),
        fix: vec![
            "Run the test again from the portal, without using the back button or refreshing during the sign-in.".to_owned(),
            c.say("If it happens every time, check that nothing between {idp} and us sends the form twice (a proxy or browser extension)."),
        ],
        copy: Vec::new(),
    }
}

fn assertion_missing(c: &Ctx) -> Text {
    let mut fix = vec![c.say(c.saml().assignment)];
    c.log(&mut fix);
    c.finish(&mut fix);
    Text {
        title: format!("{} sent a response without an assertion", c.subject()),
        message: c.say(
            "The response arrived, but it carries no assertion, the part that says who signed in. {idp} leaves it out when the sign-in did not succeed on its side.",
        ),
        fix,
        copy: Vec::new(),
    }
}

fn multiple_assertions(c: &Ctx) -> Text {
    let mut fix = vec![
        "Check that no proxy or security gateway between your users and us rewrites the response.".to_owned(),
        c.say("In {idp}, check the app sends a single assertion; none of the common identity providers sends more by default."),
    ];
    c.finish(&mut fix);
    fix.push("If it happens again, send the vendor this test's details: it may be an attack.".to_owned());
    Text {
        title: format!("{} sent more than one assertion", c.subject()),
        message: "The response holds several assertions. We accept exactly one, because an extra assertion is a known way to slip in a forged user.".to_owned(),
        fix,
        copy: Vec::new(),
    }
}

fn subject_missing(c: &Ctx) -> Text {
    let mut fix = vec![c.say(c.saml().name_id)];
    c.finish(&mut fix);
    Text {
        title: format!("{} did not say who signed in", c.subject()),
        message: "The assertion has no Subject or NameID, so we cannot tell which user it is about.".to_owned(),
        fix,
        copy: Vec::new(),
    }
}

fn encrypted_unreadable(c: &Ctx) -> Text {
    let mut fix = Vec::new();
    if let Some(place) = c.saml().encryption {
        fix.push(c.say(place));
    }
    fix.push(c.say(
        "Turn assertion encryption off in {idp} (the response is already protected by HTTPS and its signature), or import our SP metadata below again so {idp} uses our current encryption certificate.",
    ));
    c.finish(&mut fix);
    Text {
        title: format!("We could not decrypt the assertion from {}", c.name),
        message: join(&[
            c.say("{idp} encrypted the assertion with a key we do not hold."),
            c.fact("problem").map(|p| format!("What we found: {p}.")).unwrap_or_default(),
            "It probably uses an old copy of our encryption certificate, or one from another app.".to_owned(),
        ]),
        fix,
        copy: vec![copy("SP metadata URL", &c.sp.metadata_url)],
    }
}

// ---- OpenID Connect ---------------------------------------------------------------------

/// "the error "x" ("description")", from the `error` and `error_description` facts.
fn oidc_error_words(c: &Ctx) -> String {
    let error = c.fact("error").map(|e| format!("the error \"{e}\"")).unwrap_or_else(|| "an error".to_owned());
    match c.fact("error_description") {
        Some(d) => format!("{error} (\"{d}\")"),
        None => error,
    }
}

fn oidc_idp_error(c: &Ctx) -> Text {
    let error = c.fact("error").unwrap_or_default();
    let description = c.fact("error_description").unwrap_or_default().to_ascii_lowercase();
    let answered = c.say(&format!("{{idp}} answered with {}.", oidc_error_words(c)));
    let redirect = error == "redirect_uri_mismatch" || description.contains("redirect") || description.contains("aadsts50011");
    let mut fix = Vec::new();
    let mut copy = Vec::new();
    let (title, meaning) = if error == "access_denied" {
        fix.push(c.say(c.oidc().assignment));
        if let Some(consent) = c.oidc().consent {
            fix.push(c.say(consent));
        }
        (
            format!("{} denied access", c.subject()),
            "The user is not assigned to the app, or someone declined the consent prompt.",
        )
    } else if redirect || error == "invalid_request" {
        fix.push(c.paste(c.oidc().redirect_place));
        copy.push(c.copy_redirect());
        (
            format!("{} does not accept our redirect URI", c.subject()),
            "Most often our redirect URI is missing from the app's list, or differs by a character (a slash, http instead of https).",
        )
    } else {
        match error {
            "unauthorized_client" | "unsupported_response_type" => {
                fix.push(c.say(c.oidc().grant));
                (format!("{} does not let the app use this sign-in flow", c.subject()), "The app is not allowed the authorization code flow.")
            }
            "invalid_scope" => {
                fix.push(c.say(c.oidc().claims));
                (format!("{} refused the scopes we asked for", c.subject()), "We ask for openid, email and profile; the app must allow all three.")
            }
            "invalid_client" | "unauthorized" => {
                fix.push(c.say(c.oidc().client));
                fix.push("In the portal, go back to the Your values step and paste the client ID of the app you set up for us.".to_owned());
                (format!("{} does not know our client ID", c.subject()), "The client ID in the portal does not match an app it knows.")
            }
            "login_required" | "interaction_required" | "consent_required" | "account_selection_required" => {
                if let Some(consent) = c.oidc().consent {
                    fix.push(c.say(consent));
                }
                fix.push("Sign in and accept any consent prompt when the identity provider asks.".to_owned());
                (format!("{} needs the user to sign in or consent", c.subject()), "The user must sign in or agree to share their profile first.")
            }
            "server_error" | "temporarily_unavailable" => {
                fix.push("Wait a few minutes, then try again; check the provider's status page if it keeps failing.".to_owned());
                (format!("{} had a problem on its side", c.subject()), "This is an error inside the identity provider, not in your settings.")
            }
            _ => {
                fix.push(c.paste(c.oidc().redirect_place));
                copy.push(c.copy_redirect());
                fix.push(c.say(c.oidc().grant));
                (format!("{} refused the sign-in", c.subject()), "Check the app's redirect URI and sign-in flow first.")
            }
        }
    };
    c.log(&mut fix);
    c.finish(&mut fix);
    Text { title, message: join(&[answered, meaning.to_owned()]), fix, copy }
}

fn lost_test(c: &Ctx, what: &str) -> Text {
    Text {
        title: "The sign-in came back to a different test".to_owned(),
        message: format!(
            "The answer carries {what} of another test. The test was probably started again in another tab or browser, or an old sign-in page was reused."
        ),
        fix: vec![
            c.say("Close other tabs showing {idp}'s sign-in page."),
            "Run the test again from the portal, and finish it in the same browser tab.".to_owned(),
        ],
        copy: Vec::new(),
    }
}

/// "(HTTP 401)" from the `status` fact.
fn http_status(c: &Ctx) -> String {
    c.fact("status").map(|s| format!(" (HTTP {s})")).unwrap_or_default()
}

fn token_exchange(c: &Ctx) -> Text {
    let error = c.fact("error").unwrap_or_default();
    let answered = c.say(&format!("{{idp}}'s token endpoint refused our request{} with {}.", http_status(c), oidc_error_words(c)));
    let mut fix = Vec::new();
    let mut copy = Vec::new();
    let meaning = match error {
        "invalid_client" | "unauthorized_client" => {
            fix.push(c.say(c.oidc().client));
            fix.push("In the portal, go back to the Your values step and paste the client ID and a current client secret.".to_owned());
            "It did not accept our client ID or secret."
        }
        "invalid_grant" => {
            fix.push(c.paste(c.oidc().redirect_place));
            copy.push(c.copy_redirect());
            "The sign-in code was refused: it expired, was already used, or the redirect URI registered in the app differs from ours."
        }
        _ => {
            fix.push(c.say(c.oidc().client));
            fix.push(c.paste(c.oidc().redirect_place));
            copy.push(c.copy_redirect());
            fix.push(c.say(c.oidc().grant));
            "The client secret, the redirect URI or the app's allowed flow is usually the cause."
        }
    };
    c.log(&mut fix);
    c.finish(&mut fix);
    Text {
        title: format!("{} refused to exchange the sign-in code", c.subject()),
        message: join(&[answered, meaning.to_owned()]),
        fix,
        copy,
    }
}

fn client_auth(c: &Ctx) -> Text {
    let client = c.fact("client_id").map(|id| format!(" for client ID \"{id}\"")).unwrap_or_default();
    let detail = c.fact("error_description").or(c.fact("error")).map(|d| format!("It said: \"{d}\".")).unwrap_or_default();
    let expired = c.fact("expires_at").map(|t| format!("The secret expired at {t}.")).unwrap_or_default();
    let mut fix = vec![
        c.say(c.oidc().client),
        "In the portal, go back to the Your values step and paste the client ID and a current client secret.".to_owned(),
    ];
    c.finish(&mut fix);
    Text {
        title: format!("{} did not accept the client secret", c.subject()),
        message: join(&[
            c.say(&format!("{{idp}} rejected our client credentials{client}{}.", http_status(c))),
            detail,
            expired,
            "The secret may have been copied incompletely, replaced, or expired.".to_owned(),
        ]),
        fix,
        copy: Vec::new(),
    }
}

fn id_token_invalid(c: &Ctx) -> Text {
    let mut fix = vec![
        c.say("In the portal, go back to the Your values step and check the issuer URL: we check the token's signature with the keys {idp} publishes there."),
        c.say(c.oidc().issuer),
    ];
    c.finish(&mut fix);
    Text {
        title: format!("The ID token from {} failed our checks", c.name),
        message: join(&[
            "The ID token is malformed or its signature does not verify.".to_owned(),
            c.fact("problem").map(|p| format!("What we found: {p}.")).unwrap_or_default(),
            "A token signed with a key that is not in the issuer's published key set is refused.".to_owned(),
        ]),
        fix,
        copy: Vec::new(),
    }
}

fn oidc_issuer(c: &Ctx) -> Text {
    let received = c.fact("received");
    let mut fix = Vec::new();
    if let Some(r) = received {
        fix.push(format!("If \"{r}\" is your app's issuer, go back to the Your values step in the portal and paste it as the issuer URL."));
    } else {
        fix.push("In the portal, go back to the Your values step and check the issuer URL.".to_owned());
    }
    fix.push(c.say(c.oidc().issuer));
    c.finish(&mut fix);
    Text {
        title: format!("{} sent an issuer we do not expect", c.subject()),
        message: join(&[
            format!(
                "The ID token says it was issued by {}, but the issuer URL in the portal is {}.",
                quoted(received, "another issuer"),
                quoted(c.fact("expected"), "a different one"),
            ),
            "They must match exactly, including any trailing slash.".to_owned(),
        ]),
        fix,
        copy: Vec::new(),
    }
}

fn oidc_audience(c: &Ctx) -> Text {
    let mut fix = vec![
        c.say(c.oidc().client),
        "In the portal, go back to the Your values step and paste the client ID of the app you set up for us.".to_owned(),
    ];
    c.finish(&mut fix);
    Text {
        title: format!("The ID token from {} is meant for another app", c.name),
        message: join(&[
            format!(
                "The token's audience is {}, but our client ID is {}.",
                quoted(c.fact("received"), "another app"),
                quoted(c.fact("expected").or(c.fact("client_id")), "different"),
            ),
            "The client ID in the portal probably belongs to another app.".to_owned(),
        ]),
        fix,
        copy: Vec::new(),
    }
}

fn oidc_algorithm(c: &Ctx) -> Text {
    let mut fix = vec![c.say(c.oidc().signing_algorithm)];
    c.finish(&mut fix);
    Text {
        title: format!("{} signed the ID token with an algorithm we refuse", c.subject()),
        message: join(&[
            format!("The ID token is signed with {}.", quoted(c.fact("algorithm"), "an algorithm we do not accept")),
            "We accept only public-key signatures such as RS256 or ES256: not \"none\", and not a shared secret (HS256).".to_owned(),
        ]),
        fix,
        copy: Vec::new(),
    }
}

fn userinfo(c: &Ctx) -> Text {
    let mut fix = vec![c.say(c.oidc().claims)];
    c.log(&mut fix);
    c.finish(&mut fix);
    Text {
        title: format!("{}'s userinfo endpoint refused our request", c.subject()),
        message: join(&[
            c.say(&format!("We asked {{idp}} for the user's profile and it answered{} with {}.", http_status(c), oidc_error_words(c))),
            "The app may not be allowed the openid scope, or the access token was not accepted.".to_owned(),
        ]),
        fix,
        copy: Vec::new(),
    }
}

fn unreachable(c: &Ctx) -> Text {
    let mut fix = vec![
        "In the portal, go back to the Your values step and check the issuer URL.".to_owned(),
        c.say(c.oidc().issuer),
        "Open the issuer URL with /.well-known/openid-configuration added in a browser outside your network: it must show a JSON document.".to_owned(),
    ];
    if c.console.self_hosted {
        fix.push(c.say("{idp} runs on your servers: it must be reachable from the internet over HTTPS, with a certificate from a public authority."));
    } else if c.console.is_generic() {
        fix.push(c.say("If {idp} runs on your own servers, it must be reachable from the internet over HTTPS, with a certificate from a public authority."));
    }
    c.finish(&mut fix);
    Text {
        title: format!("We could not reach {}", c.name),
        message: join(&[
            c.say("Our server could not talk to {idp}."),
            c.fact("problem").map(|p| format!("What happened: {p}.")).unwrap_or_default(),
        ]),
        fix,
        copy: Vec::new(),
    }
}

// ---- The profile ------------------------------------------------------------------------

/// The attribute name the advice asks for: the mapping's source, else the catalog default.
fn wanted_attribute<'a>(c: &Ctx<'a>) -> &'a str {
    c.fact("attribute").unwrap_or(c.email_attribute)
}

/// A copy box for an attribute name, so the admin types it exactly.
fn copy_attribute(c: &Ctx, name: &str) -> CopyValue {
    let label = match c.protocol {
        Protocol::Saml => "Attribute name",
        Protocol::Oidc => "Claim name",
    };
    copy(label, name)
}

fn email_missing(c: &Ctx) -> Text {
    let attribute = wanted_attribute(c);
    let mut fix = vec![
        c.attributes_where(),
        format!("Send the user's email address under the name \"{attribute}\"; names are case-sensitive."),
        "Or, if the email arrives under another name, pick that one as the email source in the portal's attribute mapping.".to_owned(),
    ];
    c.finish(&mut fix);
    Text {
        title: format!("{} did not send an email address", c.subject()),
        message: format!(
            "We read the email from \"{attribute}\", and it did not arrive. The attributes we received are listed with this test."
        ),
        fix,
        copy: vec![copy_attribute(c, attribute)],
    }
}

fn email_invalid(c: &Ctx) -> Text {
    let attribute = wanted_attribute(c);
    let value = quoted(c.fact("email"), "The value");
    let mut fix = vec![
        c.attributes_where(),
        format!("Fill \"{attribute}\" with the user's email address, not their user name or ID."),
        "Or pick the attribute that holds the email as the email source in the portal's attribute mapping.".to_owned(),
    ];
    c.finish(&mut fix);
    Text {
        title: format!("The email from {} is not an email address", c.name),
        message: format!("{value} arrived as \"{attribute}\", but it is not an email address. It is probably a user name or an ID."),
        fix,
        copy: Vec::new(),
    }
}

fn email_outside(c: &Ctx) -> Text {
    let email = quoted(c.fact("email"), "The user's email");
    let domains = if c.domains.is_empty() {
        "Your organization has no email domains set up yet.".to_owned()
    } else {
        format!("Your organization's domains are: {}.", c.domains.join(", "))
    };
    let mut fix = vec![
        "Test with a user whose email is in one of those domains.".to_owned(),
        c.say(&format!(
            "If {{idp}} sends the wrong address (a personal one, or a user name that looks like an email), fix the email it sends: {}",
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
            "We accept only those domains, so nobody can sign in as someone from another company.".to_owned(),
        ]),
        fix,
        copy: Vec::new(),
    }
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn attribute_missing(c: &Ctx) -> Text {
    let field = c.fact("field");
    let attribute = c.fact("attribute");
    let mut fix = vec![c.attributes_where()];
    if let Some(a) = attribute {
        fix.push(format!("Send it under the name \"{a}\"; names are case-sensitive."));
    }
    fix.push("Or pick the attribute that holds it as its source in the portal's attribute mapping.".to_owned());
    c.finish(&mut fix);
    Text {
        title: match field {
            Some(f) => format!("{} did not send {f}", c.subject()),
            None => format!("{} did not send a required attribute", c.subject()),
        },
        message: join(&[
            format!(
                "The vendor needs {}{}, and it did not arrive.",
                field.map(|f| format!("\"{f}\"")).unwrap_or_else(|| "an attribute".to_owned()),
                attribute.map(|a| format!(", read from \"{a}\"")).unwrap_or_default(),
            ),
            "The attributes we received are listed with this test.".to_owned(),
        ]),
        fix,
        copy: attribute.map(|a| copy_attribute(c, a)).into_iter().collect(),
    }
}

// ---- The test itself --------------------------------------------------------------------

fn test_expired(c: &Ctx) -> Text {
    let when = c.fact("expires_at").map(|t| format!(" It expired at {t}.")).unwrap_or_default();
    Text {
        title: "This test expired".to_owned(),
        message: format!("The answer came after the test had timed out.{when}"),
        fix: vec![c.say("Run the test again from the portal, and sign in at {idp} without a long pause.")],
        copy: Vec::new(),
    }
}

fn test_unknown(c: &Ctx) -> Text {
    Text {
        title: "We do not know this test".to_owned(),
        message: "The answer does not belong to a test we started. It may come from an old tab, another portal link, or a test that was cleaned up.".to_owned(),
        fix: vec![c.say("Run the test again from the portal, and finish the sign-in at {idp} in the same tab.")],
        copy: Vec::new(),
    }
}
