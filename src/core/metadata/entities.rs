//! Which entity of a document to read: the root `EntityDescriptor`, the one identity
//! provider of an aggregate, or the one the admin chose from a list.

use std::collections::HashSet;

use roxmltree::Node;

use super::{clean_text, codes, is_md, md_children, EntityChoice, MetadataProblem};
use super::{GET_METADATA, MAX_ENTITY_CHOICES, NS_MD};

const NS_MDUI: &str = "urn:oasis:names:tc:SAML:metadata:ui";
const NS_XML: &str = "http://www.w3.org/XML/1998/namespace";

/// The entity to read, and what the caller learns about the choice.
pub(super) struct Picked<'a, 'i> {
    pub node: Node<'a, 'i>,
    /// The chosen entity ID, when there were several identity providers.
    pub chosen: Option<String>,
    /// Every identity provider, when there were several.
    pub choices: Vec<EntityChoice>,
}

/// Finds the entity to read under `root`, honouring the admin's `entity` choice.
pub(super) fn pick<'a, 'i>(
    root: Node<'a, 'i>,
    entity: Option<&str>,
) -> Result<Picked<'a, 'i>, MetadataProblem> {
    let all = if is_md(root, "EntityDescriptor") {
        vec![root]
    } else if is_md(root, "EntitiesDescriptor") {
        collect(root)
    } else {
        return Err(wrong_document(root));
    };
    let (mut idps, mut seen) = (Vec::<Node>::new(), HashSet::new());
    for e in all.iter().copied() {
        // Aggregates sometimes repeat an entity; that is still one IdP.
        let is_idp = md_children(e, "IDPSSODescriptor").next().is_some();
        if is_idp && seen.insert(entity_id(e)) {
            idps.push(e);
        }
    }
    let several = idps.len() > 1;
    let choices = || -> Vec<EntityChoice> {
        let listed = idps.iter().take(MAX_ENTITY_CHOICES);
        listed
            .map(|e| EntityChoice {
                entity_id: entity_id(*e).to_owned(),
                display_name: display_name(*e),
            })
            .collect()
    };
    if let Some(wanted) = entity.filter(|e| !e.is_empty()) {
        let found = idps
            .iter()
            .chain(all.iter())
            .find(|e| entity_id(**e) == wanted);
        let Some(node) = found.copied() else {
            return Err(MetadataProblem::new(
                codes::METADATA_ENTITY_NOT_FOUND,
                format!(
                    "This metadata does not contain the entity \"{wanted}\". It may have been \
                     chosen from a different file: choose again from the identity providers \
                     this file lists."
                ),
            )
            .with_entities(choices()));
        };
        let (chosen, choices) = if several {
            (Some(wanted.to_owned()), choices())
        } else {
            (None, Vec::new())
        };
        return Ok(Picked {
            node,
            chosen,
            choices,
        });
    }
    match (idps.as_slice(), all.as_slice()) {
        ([one], _) | ([], [one]) => Ok(Picked {
            node: *one,
            chosen: None,
            choices: Vec::new(),
        }),
        ([], []) => Err(MetadataProblem::new(
            codes::METADATA_NO_IDP_DESCRIPTOR,
            format!(
                "This metadata collection is empty: it describes no entity at all. {GET_METADATA}"
            ),
        )),
        ([], _)
            if all
                .iter()
                .any(|e| md_children(*e, "SPSSODescriptor").next().is_some()) =>
        {
            Err(MetadataProblem::new(
                codes::METADATA_IS_SP,
                format!(
                    "This is the metadata of {} applications (service providers), not of your \
                     identity provider: none of its entries can sign users in. {GET_METADATA}",
                    all.len()
                ),
            ))
        }
        ([], _) => Err(MetadataProblem::new(
            codes::METADATA_NO_IDP_DESCRIPTOR,
            format!(
                "This is a collection of {} metadata entries, but none of them is an identity \
                 provider. {GET_METADATA}",
                all.len()
            ),
        )),
        (many, _) => {
            let shown = if many.len() > MAX_ENTITY_CHOICES {
                format!(" (the first {MAX_ENTITY_CHOICES} are listed)")
            } else {
                String::new()
            };
            Err(MetadataProblem::new(
                codes::METADATA_CHOOSE_ENTITY,
                format!(
                    "This file lists {} identity providers ({} entities in all){shown}. Choose \
                     yours from the list by its entity ID or name; if it is not there, \
                     download your own IdP's metadata from its admin console.",
                    many.len(),
                    all.len()
                ),
            )
            .with_entities(choices()))
        }
    }
}

fn entity_id<'a>(entity: Node<'a, '_>) -> &'a str {
    entity.attribute("entityID").unwrap_or("").trim()
}

/// Every `EntityDescriptor` in an aggregate, nested groups included, in document order.
fn collect<'a, 'i>(group: Node<'a, 'i>) -> Vec<Node<'a, 'i>> {
    // Iterative on purpose: nesting depth comes from the uploaded file.
    group
        .descendants()
        .filter(|n| is_md(*n, "EntityDescriptor"))
        .filter(|n| {
            let mut between = n.ancestors().skip(1).take_while(|a| *a != group);
            between.all(|a| is_md(a, "EntitiesDescriptor"))
        })
        .collect()
}

/// The IdP's human name: `mdui:DisplayName`, else `OrganizationDisplayName`; English first.
pub(super) fn display_name(entity: Node) -> Option<String> {
    let mdui: Vec<Node> = md_children(entity, "IDPSSODescriptor")
        .flat_map(|d| md_children(d, "Extensions"))
        .flat_map(|x| x.children().filter(|n| n.has_tag_name((NS_MDUI, "UIInfo"))))
        .flat_map(|ui| {
            ui.children()
                .filter(|n| n.has_tag_name((NS_MDUI, "DisplayName")))
        })
        .collect();
    let org: Vec<Node> = md_children(entity, "Organization")
        .flat_map(|o| md_children(o, "OrganizationDisplayName"))
        .collect();
    english_first(&mdui).or_else(|| english_first(&org))
}

fn english_first(names: &[Node]) -> Option<String> {
    let english = |n: &&Node| {
        let lang = n.attribute((NS_XML, "lang")).unwrap_or("");
        lang.eq_ignore_ascii_case("en") || lang.to_ascii_lowercase().starts_with("en-")
    };
    let texts = names.iter().filter(english).chain(names.iter());
    texts.filter_map(|n| clean_text(*n)).next()
}

pub(super) fn wrong_document(root: Node) -> MetadataProblem {
    let name = root.tag_name().name();
    let what = match (root.tag_name().namespace().unwrap_or(""), name) {
        // Named by local name alone: a hand-made or broken message is still recognisable.
        (_, "Response") => {
            "a SAML response (what your identity provider sends when a user signs in)".into()
        }
        (_, "AuthnRequest") => "a SAML sign-in request".into(),
        (_, "LogoutRequest" | "LogoutResponse") => "a SAML logout message".into(),
        (_, "Assertion") => "a SAML assertion (part of a sign-in response)".into(),
        (ns, "EntityDescriptor" | "EntitiesDescriptor") => {
            let ns = if ns.is_empty() {
                "no namespace".into()
            } else {
                format!("namespace {ns}")
            };
            return MetadataProblem::new(
                codes::METADATA_WRONG_DOCUMENT,
                format!(
                    "This looks like SAML metadata, but its <{name}> element is in {ns} \
                     instead of {NS_MD}, so it is not valid SAML 2.0 metadata. Download the \
                     metadata again from your identity provider instead of using an edited copy."
                ),
            );
        }
        (_, n) if n.eq_ignore_ascii_case("html") => {
            "a web page (HTML), perhaps a sign-in page shown instead of the download".into()
        }
        (_, _) => format!("an XML document whose top element is <{name}>"),
    };
    MetadataProblem::new(
        codes::METADATA_WRONG_DOCUMENT,
        format!("This file is {what}, not identity provider metadata. {GET_METADATA}"),
    )
}
