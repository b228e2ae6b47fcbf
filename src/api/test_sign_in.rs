//! Test sign-in: the bodies that start a test and report its result, the failure codes, and
//! the diagnosis that explains a failure.

use crate::api::guide::GuideTopic;
use crate::api::mapping::{MappingIssue, Profile};
use crate::api::protocol::Protocol;
use crate::api::time::Timestamp;
use serde::{Deserialize, Serialize};

macro_rules! failure_codes {
    ($($variant:ident = $code:literal;)*) => {
        /// Why a test sign-in failed: one stable code per failure, shared by the server (which
        /// decides) and the portal (which explains). Wire form is snake_case.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum FailureCode { $($variant,)* }

        impl FailureCode {
            /// All codes, for documentation and tests.
            pub const ALL: &'static [FailureCode] = &[$(FailureCode::$variant,)*];

            /// The stable code sent on the wire.
            pub fn as_str(self) -> &'static str {
                match self { $(FailureCode::$variant => $code,)* }
            }

            /// The code for a wire string.
            pub fn parse(code: &str) -> Option<FailureCode> {
                match code { $($code => Some(FailureCode::$variant),)* _ => None }
            }
        }
    };
}

failure_codes! {
    // The SAML response as a whole.
    SamlResponseMissing = "saml_response_missing";
    SamlResponseMalformed = "saml_response_malformed";
    SamlStatusNotSuccess = "saml_status_not_success";
    // Signatures.
    SamlUnsigned = "saml_unsigned";
    SamlSignatureInvalid = "saml_signature_invalid";
    SamlCertificateMismatch = "saml_certificate_mismatch";
    SamlAlgorithmNotAllowed = "saml_algorithm_not_allowed";
    // What the response says.
    SamlIssuerMismatch = "saml_issuer_mismatch";
    SamlAudienceMismatch = "saml_audience_mismatch";
    SamlDestinationMismatch = "saml_destination_mismatch";
    SamlRecipientMismatch = "saml_recipient_mismatch";
    SamlInResponseToMismatch = "saml_in_response_to_mismatch";
    SamlIdpInitiatedRefused = "saml_idp_initiated_refused";
    SamlNotYetValid = "saml_not_yet_valid";
    SamlExpired = "saml_expired";
    SamlReplay = "saml_replay";
    SamlAssertionMissing = "saml_assertion_missing";
    SamlMultipleAssertions = "saml_multiple_assertions";
    SamlSubjectMissing = "saml_subject_missing";
    SamlEncryptedUnreadable = "saml_encrypted_unreadable";
    // OpenID Connect.
    OidcIdpError = "oidc_idp_error";
    OidcStateMismatch = "oidc_state_mismatch";
    OidcTokenExchangeFailed = "oidc_token_exchange_failed";
    OidcClientAuthFailed = "oidc_client_auth_failed";
    OidcIdTokenInvalid = "oidc_id_token_invalid";
    OidcIssuerMismatch = "oidc_issuer_mismatch";
    OidcAudienceMismatch = "oidc_audience_mismatch";
    OidcNonceMismatch = "oidc_nonce_mismatch";
    OidcTokenExpired = "oidc_token_expired";
    OidcAlgorithmNotAllowed = "oidc_algorithm_not_allowed";
    OidcUserinfoFailed = "oidc_userinfo_failed";
    OidcProviderUnreachable = "oidc_provider_unreachable";
    // The profile, after mapping.
    EmailMissing = "email_missing";
    EmailInvalid = "email_invalid";
    EmailUnverified = "email_unverified";
    EmailOutsideDomains = "email_outside_organization_domains";
    RequiredAttributeMissing = "required_attribute_missing";
    // The test itself.
    TestExpired = "test_expired";
    TestUnknown = "test_unknown";
    // Portico itself.
    Busy = "busy";
}

#[cfg(feature = "server")]
impl schemars::JsonSchema for FailureCode {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "FailureCode".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let codes: Vec<&str> = FailureCode::ALL.iter().map(|c| c.as_str()).collect();
        schemars::json_schema!({ "type": "string", "enum": codes })
    }
}

impl Serialize for FailureCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for FailureCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        FailureCode::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown failure code `{s}`")))
    }
}

/// One labelled value that explains a failure: what we expected, what arrived, both clocks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct Fact {
    /// Stable key, e.g. `expected`, `received`, `our_clock`, `expected_fingerprint`.
    pub key: String,
    /// Human label, e.g. "Audience Okta sent".
    pub label: String,
    /// The value, verbatim.
    pub value: String,
}

impl Fact {
    /// Longest value kept, in bytes: facts quote what an IdP (or anyone posing as one) sent, and
    /// are stored and shown; longer values are cut, with an ellipsis.
    pub const MAX_VALUE_BYTES: usize = 1024;

    /// A fact from its parts (the value cut at [`Fact::MAX_VALUE_BYTES`]).
    pub fn new(key: &str, label: &str, value: impl Into<String>) -> Fact {
        let mut value = value.into();
        if value.len() > Self::MAX_VALUE_BYTES {
            let mut end = Self::MAX_VALUE_BYTES;
            while !value.is_char_boundary(end) {
                end -= 1;
            }
            value.truncate(end);
            value.push('…');
        }
        Fact {
            key: key.to_owned(),
            label: label.to_owned(),
            value,
        }
    }
}

/// A value the admin should paste into their IdP to fix a failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct CopyValue {
    /// What it is ("Audience URI (SP Entity ID)").
    pub label: String,
    /// The value.
    pub value: String,
}

/// A failed test, explained: what is wrong, and what to change where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct Diagnosis {
    /// The stable code.
    pub code: FailureCode,
    /// One line: what went wrong ("Okta sent the wrong audience").
    pub title: String,
    /// What is wrong, in a sentence or two, with the values involved.
    pub message: String,
    /// What to change and where, specific to the IdP when we know it; steps in order.
    pub fix: Vec<String>,
    /// Values to paste, each with a copy button.
    #[serde(default)]
    pub copy: Vec<CopyValue>,
    /// Labelled evidence (expected / received values, clocks, fingerprints).
    #[serde(default)]
    pub facts: Vec<Fact>,
    /// What the admin can click next, most useful first; never empty. [`NextStep::FixInIdp`]
    /// says outright that the fix is in the identity provider, not in the portal.
    #[serde(default)]
    pub next: Vec<NextStep>,
    /// The part of the IdP's setup guide that fixes this failure, when one does.
    #[serde(default)]
    pub guide_topic: Option<GuideTopic>,
}

/// The portal's next step after a failed test: a button or link, so no diagnosis is a dead end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NextStep {
    /// Read the email from `source` (an attribute that arrived, or [`NAME_ID_SOURCE`]), save
    /// the mapping and test again, in one click.
    UseAsEmail {
        /// The attribute name, or [`NAME_ID_SOURCE`].
        source: String,
        /// The address that arrived there, shown on the button.
        value: String,
    },
    /// Open the attribute mapping.
    OpenMapping,
    /// Open the step where the admin gave the IdP's values (issuer, client ID and secret, or
    /// SAML details).
    EditValues,
    /// Give the IdP's metadata again (its certificate changed).
    UploadMetadata,
    /// Nothing is wrong with the settings: run the test again.
    TestAgain,
    /// Nothing to click in the portal: the change is made in the identity provider, then the
    /// test is run again.
    FixInIdp,
}

/// One attribute (SAML) or claim (OIDC) exactly as the IdP sent it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct ReceivedAttribute {
    /// `Name` (SAML) or claim name (OIDC).
    pub name: String,
    /// SAML `NameFormat`, when given.
    #[serde(default)]
    pub format: Option<String>,
    /// SAML `FriendlyName`, when given.
    #[serde(default)]
    pub friendly_name: Option<String>,
    /// Every value, as text (OIDC non-string claims as JSON).
    pub values: Vec<String>,
}

/// Where a test stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TestOutcome {
    /// Sent to the IdP, no answer yet.
    Pending,
    /// The round trip worked and the profile is complete.
    Success,
    /// Something is wrong; see the diagnosis.
    Failure,
}

impl TestOutcome {
    /// The wire (and stored) word.
    pub fn as_str(self) -> &'static str {
        match self {
            TestOutcome::Pending => "pending",
            TestOutcome::Success => "success",
            TestOutcome::Failure => "failure",
        }
    }

    /// The stored (and wire) word; anything unknown reads as still pending.
    pub fn from_stored(word: &str) -> TestOutcome {
        match word {
            "success" => TestOutcome::Success,
            "failure" => TestOutcome::Failure,
            _ => TestOutcome::Pending,
        }
    }
}

/// One test sign-in attempt, as listed and as shown in full.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct SignInTest {
    /// `test_...`
    pub id: String,
    /// The connection tested.
    pub connection_id: String,
    /// SAML or OIDC.
    pub protocol: Protocol,
    /// When it started.
    pub started_at: Timestamp,
    /// When the IdP answered, once it has.
    pub finished_at: Option<Timestamp>,
    /// Where it stands.
    pub outcome: TestOutcome,
    /// True when the IdP sent a response we did not ask for.
    #[serde(default)]
    pub idp_initiated: bool,
    /// Set on failure.
    pub diagnosis: Option<Diagnosis>,
    /// The mapped profile, when the IdP's answer could be read.
    pub profile: Option<Profile>,
    /// Remarks about the mapping.
    #[serde(default)]
    pub mapping_issues: Vec<MappingIssue>,
    /// Every attribute or claim as received.
    #[serde(default)]
    pub attributes: Vec<ReceivedAttribute>,
    /// SAML: the response, pretty-printed, signature values shortened. Only in the full view.
    #[serde(default)]
    pub saml_response_xml: Option<String>,
    /// OIDC: the decoded ID token claims. Only in the full view.
    #[serde(default)]
    pub id_token_claims: Option<serde_json::Value>,
}

/// A list of tests, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct SignInTestList {
    /// Newest first.
    pub data: Vec<SignInTest>,
}

/// `POST /portal/api/connections/{id}/tests`: the answer. The browser navigates to `url`
/// (top level), which leads to the IdP and back to the result page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct StartedTest {
    /// The new test's id.
    pub test_id: String,
    /// Where to send the browser.
    pub url: String,
}

/// Why the server refused an IdP's answer: the code plus the evidence, before it is explained
/// for a particular IdP (see `core::diagnosis`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct Rejection {
    /// The stable code.
    pub code: FailureCode,
    /// Expected and received values, clocks, fingerprints, the IdP's own status message.
    pub facts: Vec<Fact>,
}

impl Rejection {
    /// A rejection with no evidence yet.
    pub fn new(code: FailureCode) -> Rejection {
        Rejection {
            code,
            facts: Vec::new(),
        }
    }

    /// Adds one labelled value.
    pub fn fact(mut self, key: &str, label: &str, value: impl Into<String>) -> Rejection {
        self.facts.push(Fact::new(key, label, value));
        self
    }
}
