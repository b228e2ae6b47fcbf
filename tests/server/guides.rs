//! The per-IdP guides: one for every catalog entry, consistent with it, and served as data.

use crate::*;
use portico::api::guide::{Guide, GuideBlock, GuideTopic};
use portico::api::protocol::Protocol;
use portico::core::catalog::{self, MetadataDelivery};

fn copies(g: &Guide) -> Vec<String> {
    g.steps
        .iter()
        .flat_map(|s| &s.blocks)
        .filter_map(|b| match b {
            GuideBlock::Copy(c) => Some(c.value.clone()),
            GuideBlock::Html(_) => None,
        })
        .collect()
}

#[test]
fn every_catalog_entry_has_a_guide_that_agrees_with_it() {
    let guides = portico::server::guides::all();
    assert!(
        guides.len() >= 22,
        "only {} guides were built",
        guides.len()
    );
    for entry in catalog::CATALOG {
        let g = portico::server::guides::find(entry.key)
            .unwrap_or_else(|| panic!("no guide for {}", entry.key));
        assert!(
            (3..=7).contains(&g.steps.len()),
            "{}: {} steps",
            entry.key,
            g.steps.len()
        );
        let expected = match entry.delivery {
            MetadataDelivery::Url => "metadata_url",
            MetadataDelivery::File => "metadata_file",
            MetadataDelivery::Manual => "manual",
            MetadataDelivery::Issuer => "issuer",
        };
        assert_eq!(
            g.bring.method, expected,
            "{}: the guide and the catalog disagree on what to bring",
            entry.key
        );
        assert_eq!(g.bring.label, entry.metadata_label, "{}", entry.key);
        let values = copies(g);
        match entry.protocol {
            Protocol::Saml => assert!(
                values.contains(&"acs_url".into()) && values.contains(&"entity_id".into()),
                "{}: {values:?}",
                entry.key
            ),
            Protocol::Oidc => assert!(
                values.iter().all(|v| v == "redirect_uri") && !values.is_empty(),
                "{}: {values:?}",
                entry.key
            ),
        }
        for step in &g.steps {
            for b in &step.blocks {
                if let GuideBlock::Html(h) = b {
                    assert!(
                        !h.contains("<script") && !h.contains("<img") && !h.contains("{{"),
                        "{}: {h}",
                        entry.key
                    );
                }
            }
        }
    }
    for g in guides {
        assert!(
            catalog::find(&g.key).is_some(),
            "guide {} has no catalog entry",
            g.key
        );
    }
}

#[tokio::test]
async fn guides_are_served_with_the_idps_own_field_names() {
    let app = App::new().await;
    let r = app
        .raw(
            Request::get("/portal/api/guides/okta-saml")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let labels: Vec<&str> = r.body["steps"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["blocks"].as_array().unwrap())
        .filter_map(|b| b["copy"]["label"].as_str())
        .collect();
    assert!(
        labels.contains(&"Single sign-on URL") && labels.contains(&"Audience URI (SP Entity ID)"),
        "{labels:?}"
    );
    assert_eq!(r.body["bring"]["method"], "metadata_url");
    let r = app
        .raw(
            Request::get("/portal/api/guides/myspace-saml")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_error(&r, 404, "guide_not_found");
}

/// A failed test shows the one guide step that fixes it: every guide must tag where our values
/// go and what comes back, the step with our values must hold them, and SAML guides must tag
/// where attributes are set (an OIDC provider may send email and names without setup).
#[test]
fn every_guide_tags_the_steps_a_diagnosis_points_to() {
    for entry in catalog::CATALOG {
        let g = portico::server::guides::find(entry.key)
            .unwrap_or_else(|| panic!("no guide for {}", entry.key));
        let tagged = |t: GuideTopic| g.steps.iter().find(|s| s.topic == Some(t));
        let mut wanted = vec![GuideTopic::Values, GuideTopic::Bring];
        if entry.protocol == Protocol::Saml {
            wanted.push(GuideTopic::Attributes);
        }
        for topic in wanted {
            assert!(
                tagged(topic).is_some(),
                "{}: no step tagged {{#{}}}",
                entry.key,
                topic.tag()
            );
        }
        let values = tagged(GuideTopic::Values)
            .map(|s| s.blocks.clone())
            .unwrap_or_default();
        assert!(
            values.iter().any(|b| matches!(b, GuideBlock::Copy(_))),
            "{}: the step tagged values has no copy box",
            entry.key
        );
        for step in &g.steps {
            assert!(
                !step.title.contains("{#"),
                "{}: tag left in {:?}",
                entry.key,
                step.title
            );
        }
    }
}
