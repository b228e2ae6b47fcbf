//! Turns a refused test sign-in into advice an IT admin can act on: which screen and field of
//! *their* identity provider to change, and the value to paste.
//!
//! The server decides *what* failed (a [`Rejection`]: a code plus evidence); this module says
//! *what to do*, so the browser and the server word it the same way. Per-IdP knowledge lives in
//! a table ([`console`]); each failure code has one template that reads the table, so adding an
//! IdP means adding a row, not touching every template.
//!
//! ```
//! use portico::api::connection::SpValues;
//! use portico::api::test_sign_in::{FailureCode, Rejection};
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

use crate::api::connection::SpValues;
use crate::api::protocol::Protocol;
use crate::api::test_sign_in::{CopyValue, Diagnosis, Fact, FailureCode, Rejection};
use crate::core::catalog;

mod console;
mod next;
mod oidc;
mod profile;
mod saml;
use oidc::*;
use profile::*;
use saml::*;
#[cfg(test)]
mod tests;

pub use console::{console, Console, OidcConsole, SamlConsole, CONSOLES, GENERIC};

/// Explains a rejection for the admin: title, message, fix steps specific to the IdP when known
/// (generic otherwise), values to copy, and the evidence facts passed through (in order, labels
/// kept).
pub fn diagnose(
    rejection: &Rejection,
    idp_key: &str,
    sp: &SpValues,
    organization_domains: &[String],
) -> Diagnosis {
    let ctx = Ctx::new(&rejection.facts, idp_key, sp, organization_domains);
    let text = explain(rejection.code, &ctx);
    Diagnosis {
        code: rejection.code,
        title: text.title,
        message: text.message,
        fix: text.fix,
        copy: text.copy,
        facts: rejection.facts.clone(),
        next: next::next_steps(rejection.code, &ctx),
        guide_topic: next::guide_topic(rejection.code, &ctx),
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
        let email_attribute = entry
            .and_then(|e| e.default_attributes.first().copied())
            .unwrap_or("email");
        Ctx {
            facts,
            console,
            name: console.name,
            protocol,
            email_attribute,
            sp,
            domains,
        }
    }

    /// The first non-blank value of a fact.
    fn fact(&self, key: &str) -> Option<&'a str> {
        self.facts
            .iter()
            .find(|f| f.key == key)
            .map(|f| f.value.trim())
            .filter(|v| !v.is_empty())
    }

    /// Table text with the IdP's name filled in, starting with a capital.
    fn say(&self, text: &str) -> String {
        // "your identity provider" needs a capital where a sentence starts with it.
        let capital = format!(". {}", capitalize(self.name));
        capitalize(
            &text
                .replace(". {idp}", &capital)
                .replace("{idp}", self.name),
        )
    }

    /// The IdP's name at the start of a sentence.
    fn subject(&self) -> String {
        capitalize(self.name)
    }

    /// "In Okta, {place}, paste the value below, and save."
    fn paste(&self, place: &str) -> String {
        self.say(&format!(
            "In {{idp}}, {place}, paste the value below, and save."
        ))
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
    CopyValue {
        label: label.to_owned(),
        value: value.to_owned(),
    }
}

fn capitalize(text: &str) -> String {
    crate::core::prose::capitalized(text)
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
    parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
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
        EmailUnverified => email_unverified(c),
        EmailOutsideDomains => email_outside(c),
        RequiredAttributeMissing => attribute_missing(c),
        TestExpired => test_expired(c),
        TestUnknown => test_unknown(c),
        Busy => busy(c),
    }
}
