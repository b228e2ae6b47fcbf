//! Reading one `EntityDescriptor`: its IdP role, sign-in services and signing certificates.

use std::collections::HashSet;

use roxmltree::Node;

use super::{clean_text, codes, entities, md_children, IdpMetadata};
use super::{MetadataProblem, SsoService, BINDING_POST, BINDING_REDIRECT, GET_METADATA};
use crate::core::{cert, validate};

const NS_DS: &str = "http://www.w3.org/2000/09/xmldsig#";
const NS_SAMLP: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
const SAML2_BINDINGS: &str = "urn:oasis:names:tc:SAML:2.0:bindings:";

/// Reads an entity's IdP facts; certificate `expired` flags are set at `now`, and the
/// warnings hold what is found along the way (time-based warnings are the caller's).
pub(super) fn read_entity(entity: Node, now: i64) -> Result<IdpMetadata, MetadataProblem> {
    let id = entity.attribute("entityID").unwrap_or("").trim();
    let idps: Vec<Node> = md_children(entity, "IDPSSODescriptor").collect();
    let saml2 = |d: &&Node| {
        d.attribute("protocolSupportEnumeration")
            .unwrap_or("")
            .contains(NS_SAMLP)
    };
    let Some(idp) = idps.iter().find(saml2).or(idps.first()).copied() else {
        if md_children(entity, "SPSSODescriptor").next().is_some() {
            return Err(MetadataProblem::new(
                codes::METADATA_IS_SP,
                format!(
                    "This is the metadata of an application, not of your identity provider: \
                     it is service-provider metadata for \"{id}\", which receives sign-ins. \
                     Perhaps it is the file this portal gave you for your IdP; we need the one \
                     your IdP gives back. {GET_METADATA}"
                ),
            ));
        }
        return Err(MetadataProblem::new(
            codes::METADATA_NO_IDP_DESCRIPTOR,
            format!(
                "This metadata describes \"{id}\" but has no SAML identity-provider section \
                 (IDPSSODescriptor). {GET_METADATA}"
            ),
        ));
    };
    if id.is_empty() {
        return Err(MetadataProblem::new(
            codes::METADATA_NO_ENTITY_ID,
            "The metadata has no entityID, the name your identity provider signs in with. \
             Download the metadata again; if it still has none, enter the details manually \
             using the \"Identifier\", \"Issuer\" or \"Entity ID\" shown in your IdP's SAML app.",
        ));
    }
    let mut warnings = Vec::new();
    let sso_services = sso_services(idp, &mut warnings)?;
    let (signing_certificates, cert_warnings) = signing_certificates(idp, now)?;
    warnings.extend(cert_warnings);
    // Sets alongside the lists: a hostile file can repeat an element a hundred thousand times.
    let (mut name_id_formats, mut seen) = (Vec::new(), HashSet::new());
    for format in md_children(idp, "NameIDFormat").filter_map(clean_text) {
        if seen.insert(format.clone()) {
            name_id_formats.push(format);
        }
    }
    // The role's own validUntil, its entity's, and every enclosing group's: the earliest rules.
    let valid_until = idp
        .ancestors()
        .filter_map(|n| n.attribute("validUntil"))
        .filter_map(cert::parse_xml_datetime)
        .min();
    Ok(IdpMetadata {
        entity_id: id.to_owned(),
        display_name: entities::display_name(entity),
        sso_services,
        signing_certificates,
        name_id_formats,
        valid_until,
        warnings,
        chosen_entity: None,
        entities: Vec::new(),
    })
}

fn sso_services(
    idp: Node,
    warnings: &mut Vec<MetadataProblem>,
) -> Result<Vec<SsoService>, MetadataProblem> {
    let (mut services, mut seen, mut plain_http) = (Vec::new(), HashSet::new(), HashSet::new());
    let mut others: Vec<&str> = Vec::new();
    for service in md_children(idp, "SingleSignOnService") {
        let binding = service.attribute("Binding").unwrap_or("").trim();
        let short = match binding.strip_prefix(SAML2_BINDINGS) {
            Some("HTTP-Redirect") => BINDING_REDIRECT,
            Some("HTTP-POST") => BINDING_POST,
            _ => {
                // Name what was offered instead: "SOAP", "HTTP-Artifact", a SAML 1 profile.
                let short = binding
                    .rsplit([':', '/'])
                    .find(|s| !s.is_empty())
                    .unwrap_or("(no binding)");
                if !others.contains(&short) && others.len() < 10 {
                    others.push(short);
                }
                continue;
            }
        };
        let location = service.attribute("Location").unwrap_or("").trim();
        let url = validate::web_url(location, false).map_err(|_| {
            MetadataProblem::new(
                codes::METADATA_SSO_URL_INVALID,
                format!(
                    "The sign-in address \"{location}\" in the metadata is not a full https:// \
                     web address. Correct the single sign-on URL in your IdP's SAML app, then \
                     download the metadata again."
                ),
            )
        })?;
        // Redirect and POST often share one URL; one warning is enough.
        if url.starts_with("http://") && plain_http.insert(url.clone()) {
            warnings.push(MetadataProblem::new(
                codes::METADATA_SSO_URL_NOT_HTTPS,
                format!(
                    "The sign-in address {url} uses plain http, so sign-ins travel unencrypted. \
                     That is fine for a local test IdP; for real users, switch the IdP to https."
                ),
            ));
        }
        if seen.insert((short, url.clone())) {
            services.push(SsoService {
                binding: short.to_owned(),
                url,
            });
        }
    }
    if !services.is_empty() {
        return Ok(services);
    }
    if others.is_empty() {
        return Err(MetadataProblem::new(
            codes::METADATA_NO_SSO_URL,
            "The metadata has no sign-in address (SingleSignOnService) at all. Enable SAML 2.0 \
             browser sign-in (HTTP-Redirect or HTTP-POST) for this app in your identity \
             provider, then download the metadata again.",
        ));
    }
    Err(MetadataProblem::new(
        codes::METADATA_UNSUPPORTED_BINDING,
        format!(
            "The metadata only offers sign-in through {}, which Portico does not support: it \
             needs a SingleSignOnService with the HTTP-Redirect or HTTP-POST binding. Enable \
             SAML 2.0 browser sign-in (HTTP-Redirect or HTTP-POST) for this app in your \
             identity provider, then download the metadata again.",
            match others.split_last() {
                Some((last, [])) => (*last).to_owned(),
                Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
                None => String::new(),
            }
        ),
    ))
}

type Certificates = (Vec<cert::CertificateInfo>, Vec<MetadataProblem>);

/// Most distinct signing certificates one IdP's metadata may list.
pub const MAX_SIGNING_CERTIFICATES: usize = 8;

fn signing_certificates(idp: Node, now: i64) -> Result<Certificates, MetadataProblem> {
    let signing = md_children(idp, "KeyDescriptor")
        .filter(|kd| kd.attribute("use").is_none_or(|u| u.trim() == "signing"));
    let texts: Vec<String> = signing
        .flat_map(|kd| {
            kd.descendants()
                .filter(|n| n.has_tag_name((NS_DS, "X509Certificate")))
        })
        .map(|el| {
            el.descendants()
                .filter(|n| n.is_text())
                .filter_map(|n| n.text())
                .collect()
        })
        .collect();
    // Every response is checked against each signing certificate in turn, so an IdP's few
    // (current and next, for rollover) are kept and a long list is refused.
    let distinct: std::collections::BTreeSet<String> = texts
        .iter()
        .map(|t| t.split_whitespace().collect())
        .collect();
    if distinct.len() > MAX_SIGNING_CERTIFICATES {
        return Err(MetadataProblem::new(
            codes::METADATA_TOO_COMPLEX,
            format!(
                "The metadata lists {} signing certificates; an identity provider signs with one or \
                    two (a current one and the next). Remove the ones it no longer uses, or enter \
                    the details manually.",
                distinct.len()
            ),
        ));
    }
    let (certs, warnings) = cert::read_metadata_certificates(&texts, now)?;
    if certs.is_empty() {
        return Err(MetadataProblem::new(
            codes::METADATA_NO_CERTIFICATE,
            "The metadata contains no signing certificate (an X509Certificate in a signing \
             KeyDescriptor), so Portico could not check that sign-ins really come from your \
             IdP. Download the signing certificate from your IdP's SAML app and enter the \
             details manually instead.",
        ));
    }
    Ok((certs, warnings))
}
