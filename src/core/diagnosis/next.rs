//! What the admin can click after a failed test, and which part of the IdP's guide fixes it.
//!
//! Kept apart from the wording: the templates say what to change, this table says where the
//! portal takes the admin to change it. Every code gets at least one step, and "the fix is in
//! your identity provider" is a step too, so the page never ends without telling the admin
//! what happens next.

use super::Ctx;
use crate::api::guide::GuideTopic;
use crate::api::mapping::NAME_ID_SOURCE;
use crate::api::test_sign_in::{FailureCode, NextStep};

/// The next steps for a code, most useful first; never empty.
pub(super) fn next_steps(code: FailureCode, c: &Ctx) -> Vec<NextStep> {
    use FailureCode::*;
    use NextStep::*;
    let error = c.fact("error").unwrap_or_default();
    // No wildcard arm: a new code must say where it leads before this compiles.
    match code {
        // The IdP's own settings: where our values go, what it signs, how it answers.
        SamlResponseMissing
        | SamlResponseMalformed
        | SamlStatusNotSuccess
        | SamlUnsigned
        | SamlSignatureInvalid
        | SamlAlgorithmNotAllowed
        | SamlAudienceMismatch
        | SamlDestinationMismatch
        | SamlRecipientMismatch
        | SamlNotYetValid
        | SamlExpired
        | SamlAssertionMissing
        | SamlMultipleAssertions
        | SamlEncryptedUnreadable
        | OidcTokenExpired
        | OidcAlgorithmNotAllowed
        | OidcUserinfoFailed
        | EmailUnverified
        | EmailOutsideDomains => vec![FixInIdp],
        // A NameID is the user's identifier: the IdP must send one; the mapping cannot invent it.
        SamlSubjectMissing => vec![FixInIdp],
        // The certificate we hold is not the one that signed: the IdP's metadata changed.
        SamlCertificateMismatch => vec![UploadMetadata, FixInIdp],
        // The issuer, client ID or secret the admin typed differ from what the IdP uses.
        // A refused code: the redirect URI registered at the IdP differs from ours.
        OidcTokenExchangeFailed if error == "invalid_grant" => vec![FixInIdp],
        SamlIssuerMismatch
        | OidcIssuerMismatch
        | OidcAudienceMismatch
        | OidcClientAuthFailed
        | OidcTokenExchangeFailed
        | OidcIdTokenInvalid => vec![EditValues, FixInIdp],
        OidcIdpError if error == "invalid_client" => vec![EditValues, FixInIdp],
        OidcIdpError => vec![FixInIdp],
        // The issuer's address is wrong, or the provider is down for a moment.
        OidcProviderUnreachable => vec![EditValues, TestAgain],
        // The answer is fine; the test it belongs to is not.
        SamlInResponseToMismatch
        | SamlIdpInitiatedRefused
        | SamlReplay
        | OidcStateMismatch
        | OidcNonceMismatch
        | TestExpired
        | TestUnknown
        | Busy => vec![TestAgain],
        // The profile: the portal's own mapping can fix it, often in one click.
        EmailMissing => {
            let mut steps = Vec::new();
            if let Some(source) = c.fact("suggestion") {
                steps.push(UseAsEmail {
                    source: source.to_owned(),
                    value: c.fact("suggestion_value").unwrap_or_default().to_owned(),
                });
            }
            if let Some(name_id) = c.fact("name_id") {
                steps.push(UseAsEmail {
                    source: NAME_ID_SOURCE.to_owned(),
                    value: name_id.to_owned(),
                });
            }
            steps.push(OpenMapping);
            steps.push(FixInIdp);
            steps
        }
        EmailInvalid | RequiredAttributeMissing => vec![OpenMapping, FixInIdp],
    }
}

/// The part of the IdP's setup guide that fixes a code, when one does.
pub(super) fn guide_topic(code: FailureCode, c: &Ctx) -> Option<GuideTopic> {
    use FailureCode::*;
    use GuideTopic::*;
    let error = c.fact("error").unwrap_or_default();
    match code {
        SamlResponseMissing
        | SamlUnsigned
        | SamlAlgorithmNotAllowed
        | SamlAudienceMismatch
        | SamlDestinationMismatch
        | SamlRecipientMismatch
        | SamlEncryptedUnreadable
        | OidcAlgorithmNotAllowed => Some(Values),
        OidcIdpError if error == "access_denied" => Some(Assign),
        OidcIdpError if error == "invalid_scope" => Some(Attributes),
        OidcIdpError => Some(Values),
        OidcTokenExchangeFailed if error == "invalid_grant" => Some(Values),
        SamlStatusNotSuccess => Some(Assign),
        SamlCertificateMismatch
        | SamlIssuerMismatch
        | OidcIssuerMismatch
        | OidcAudienceMismatch
        | OidcClientAuthFailed
        | OidcTokenExchangeFailed => Some(Bring),
        SamlSubjectMissing
        | OidcUserinfoFailed
        | EmailMissing
        | EmailInvalid
        | RequiredAttributeMissing => Some(Attributes),
        SamlResponseMalformed
        | SamlSignatureInvalid
        | SamlInResponseToMismatch
        | SamlIdpInitiatedRefused
        | SamlNotYetValid
        | SamlExpired
        | SamlReplay
        | SamlAssertionMissing
        | SamlMultipleAssertions
        | OidcStateMismatch
        | OidcIdTokenInvalid
        | OidcNonceMismatch
        | OidcTokenExpired
        | OidcProviderUnreachable
        | EmailUnverified
        | EmailOutsideDomains
        | TestExpired
        | TestUnknown
        | Busy => None,
    }
}
