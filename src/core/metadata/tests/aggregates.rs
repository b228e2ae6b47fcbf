//! `EntitiesDescriptor` documents: one IdP among others, several to choose from, nesting.

use super::*;

fn entities(inner: &str) -> String {
    format!(
        "<md:EntitiesDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" \
         xmlns:mdui=\"urn:oasis:names:tc:SAML:metadata:ui\">{inner}</md:EntitiesDescriptor>"
    )
}

/// Two IdPs, one in a nested group and named in two languages; one SP.
fn two_idps_nested(cert: &str) -> String {
    let first = idp_entity(
        "https://one.example.org/idp",
        &[(REDIRECT, "https://one.example.org/sso")],
        &[cert],
    )
    .replace(
        "<md:KeyDescriptor",
        "<md:Extensions><mdui:UIInfo><mdui:DisplayName xml:lang=\"sv\">Första</mdui:DisplayName>\
             <mdui:DisplayName xml:lang=\"en\">  First\n IdP \
                 </mdui:DisplayName></mdui:UIInfo></md:Extensions><md:KeyDescriptor",
    );
    let second = idp_entity("https://two.example.org/idp", &[(POST, "https://two.example.org/sso")], &[cert]).replace(
        "</md:IDPSSODescriptor>",
        "</md:IDPSSODescriptor><md:Organization><md:OrganizationName xml:lang=\"en\">two</md:OrganizationName>\
         <md:OrganizationDisplayName xml:lang=\"de\">Zweite</md:OrganizationDisplayName></md:Organization>",
    );
    let sp = "<md:EntityDescriptor entityID=\"https://sp.example.org\"><md:SPSSODescriptor \
              protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\"/></md:EntityDescriptor>";
    entities(&format!(
        "{sp}<md:EntitiesDescriptor Name=\"inner\" \
        validUntil=\"2026-01-01T00:00:00Z\">{first}</md:EntitiesDescriptor>{second}"
    ))
}

#[test]
fn several_idps_need_a_choice_and_the_list_names_them() {
    let xml = two_idps_nested(&ec_cert());
    let p = inspect_idp_metadata(&xml, NOW).unwrap_err();
    assert_eq!(p.code, "metadata_choose_entity");
    assert!(
        p.message
            .contains("2 identity providers (3 entities in all)"),
        "{}",
        p.message
    );
    let expected = [
        EntityChoice {
            entity_id: "https://one.example.org/idp".into(),
            display_name: Some("First IdP".into()),
        },
        EntityChoice {
            entity_id: "https://two.example.org/idp".into(),
            display_name: Some("Zweite".into()),
        },
    ];
    assert_eq!(p.entities, expected);
    let json = serde_json::to_value(&p).unwrap();
    assert_eq!(
        json["entities"][0]["entity_id"],
        "https://one.example.org/idp"
    );

    let meta =
        inspect_idp_metadata_bytes(xml.as_bytes(), NOW, Some(" https://one.example.org/idp "))
            .unwrap();
    assert_eq!(meta.entity_id, "https://one.example.org/idp");
    assert_eq!(meta.display_name.as_deref(), Some("First IdP"));
    assert_eq!(
        meta.chosen_entity.as_deref(),
        Some("https://one.example.org/idp")
    );
    assert_eq!(meta.entities, expected);
    // The inner group's validUntil applies to the entity inside it.
    assert_eq!(
        meta.valid_until.map(format_date).as_deref(),
        Some("2026-01-01")
    );
    assert_eq!(warning_codes(&meta), ["metadata_valid_until_passed"]);
    let meta = inspect_idp_metadata_bytes(xml.as_bytes(), NOW, Some("https://two.example.org/idp"))
        .unwrap();
    assert_eq!(
        (meta.sso_post_url(), meta.valid_until),
        (Some("https://two.example.org/sso"), None)
    );

    let p = inspect_idp_metadata_bytes(xml.as_bytes(), NOW, Some("https://three.example.org/idp"))
        .unwrap_err();
    assert_eq!(p.code, "metadata_entity_not_found");
    assert!(
        p.message.contains("\"https://three.example.org/idp\""),
        "{}",
        p.message
    );
    assert_eq!(p.entities, expected);
    // Choosing the SP explains that it is one.
    let p = inspect_idp_metadata_bytes(xml.as_bytes(), NOW, Some("https://sp.example.org"))
        .unwrap_err();
    assert_eq!(p.code, "metadata_is_sp");
    // An empty choice is no choice.
    let p = inspect_idp_metadata_bytes(xml.as_bytes(), NOW, Some("")).unwrap_err();
    assert_eq!(p.code, "metadata_choose_entity");
}

#[test]
fn a_single_document_honours_a_matching_choice_only() {
    let xml = idp_entity(
        "https://idp.example.com",
        &[(REDIRECT, "https://idp.example.com/sso")],
        &[&ec_cert()],
    );
    let meta =
        inspect_idp_metadata_bytes(xml.as_bytes(), NOW, Some("https://idp.example.com")).unwrap();
    assert_eq!((meta.chosen_entity, meta.entities.len()), (None, 0));
    let p = inspect_idp_metadata_bytes(xml.as_bytes(), NOW, Some("https://other.example.com"))
        .unwrap_err();
    assert_eq!(p.code, "metadata_entity_not_found");
    assert_eq!(p.entities.len(), 1);
}

#[test]
fn groups_without_a_usable_idp() {
    assert_eq!(code(&entities(""), NOW), "metadata_no_idp_descriptor");
    let role = "<md:EntityDescriptor entityID=\"https://aa.example.org\"><md:AttributeAuthorityDescriptor \
                protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\"/></md:EntityDescriptor>";
    assert_eq!(
        code(&entities(&format!("{role}{role}")), NOW),
        "metadata_no_idp_descriptor"
    );
    // A lone entity inside a group is read as if it were the root.
    assert_eq!(code(&entities(role), NOW), "metadata_no_idp_descriptor");
    let Some(xml) = fixture("entities-metadata-python3-saml.xml") else {
        return;
    };
    let p = inspect_idp_metadata(&xml, NOW).unwrap_err();
    assert_eq!(p.code, "metadata_is_sp");
    assert!(
        p.message
            .starts_with("This is the metadata of 2 applications"),
        "{}",
        p.message
    );
}

#[test]
fn corpus_aggregates() {
    for (file, idps, entities) in [
        ("entities-idp-multiple-descriptors.xml", 2, 2),
        ("entities-swamid-1.0-federation-large.xml", 39, 175),
        ("entities-swamid-test-federation.xml", 10, 58),
        ("shibboleth-idp-metadata-php-saml.xml", 2, 3),
    ] {
        let Some(xml) = fixture(file) else { return };
        let p = inspect_idp_metadata(&xml, NOW).unwrap_err();
        assert_eq!(p.code, "metadata_choose_entity", "{file}");
        assert_eq!(p.entities.len(), idps, "{file}");
        let count = format!("{idps} identity providers ({entities} entities in all)");
        assert!(p.message.contains(&count), "{file}: {}", p.message);
        // Every listed entity can be chosen and read (or is refused for its own reason).
        for choice in &p.entities {
            let picked = inspect_idp_metadata_bytes(xml.as_bytes(), NOW, Some(&choice.entity_id));
            if let Ok(meta) = picked {
                assert_eq!(meta.entity_id, choice.entity_id);
                assert_eq!(meta.entities.len(), idps);
            }
        }
    }
    let Some(xml) = fixture("entities-swamid-1.0-federation-large.xml") else {
        return;
    };
    let p = inspect_idp_metadata(&xml, NOW).unwrap_err();
    let named = p
        .entities
        .iter()
        .filter(|e| e.display_name.is_some())
        .count();
    assert!(
        named >= 30,
        "only {named} of {} have a display name",
        p.entities.len()
    );
    assert!(
        p.entities
            .iter()
            .any(|e| e.display_name.as_deref() == Some("Linköping University")),
        "{:?}",
        p.entities
    );

    // The same IdP listed twice is one IdP; its aggregate's validUntil (2017) has passed.
    let Some(xml) = fixture("entities-nested-samael.xml") else {
        return;
    };
    let meta = inspect_idp_metadata(&xml, NOW).unwrap();
    assert_eq!(
        (meta.chosen_entity.as_deref(), meta.entities.len()),
        (None, 0)
    );
    assert_eq!(warning_codes(&meta), ["metadata_valid_until_passed"]);
    assert!(
        meta.warnings[0].message.contains("until 2017-08-30"),
        "{}",
        meta.warnings[0].message
    );
    // One IdP plus an SP: the IdP is used without asking.
    let Some(xml) = fixture("entities-testshib-providers.xml") else {
        return;
    };
    let meta = inspect_idp_metadata(&xml, NOW).unwrap();
    assert_eq!(
        meta.sso_post_url(),
        Some("https://idp.testshib.org/idp/profile/SAML2/POST/SSO")
    );
}

#[test]
fn long_lists_are_capped() {
    let cert = ec_cert();
    let many: String = (0..MAX_ENTITY_CHOICES + 5)
        .map(|i| {
            idp_entity(
                &format!("https://idp{i}.example.org"),
                &[(REDIRECT, "https://x.example.org/sso")],
                &[&cert],
            )
        })
        .map(|e| e.replace(" xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\"", ""))
        .collect();
    let xml = entities(&many);
    let p = inspect_idp_metadata(&xml, NOW).unwrap_err();
    assert_eq!(p.code, "metadata_choose_entity");
    assert_eq!(p.entities.len(), MAX_ENTITY_CHOICES);
    assert!(
        p.message
            .contains(&format!("the first {MAX_ENTITY_CHOICES} are listed")),
        "{}",
        p.message
    );
    // An IdP beyond the listed ones can still be chosen by its entity ID.
    let last = format!("https://idp{}.example.org", MAX_ENTITY_CHOICES + 4);
    assert_eq!(
        inspect_idp_metadata_bytes(xml.as_bytes(), NOW, Some(&last))
            .unwrap()
            .entity_id,
        last
    );
}
