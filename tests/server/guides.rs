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

// Directory sync guides (issue 17): one per directory-provider catalog row.

mod directory {
    use portico::api::guide::{DirectoryGuide, GuideBlock, GuideTopic};
    use portico::core::directory_catalog::{self, DIRECTORY_CATALOG};
    use portico::server::guides::{directory_all, directory_find};

    /// The copy boxes of a guide: (value, label).
    fn copies(g: &DirectoryGuide) -> Vec<(String, String)> {
        g.steps
            .iter()
            .flat_map(|s| &s.blocks)
            .filter_map(|b| match b {
                GuideBlock::Copy(c) => Some((c.value.clone(), c.label.clone())),
                GuideBlock::Html(_) => None,
            })
            .collect()
    }

    /// Every HTML fragment of a guide, intro included.
    fn html(g: &DirectoryGuide) -> Vec<&str> {
        let mut out = vec![g.intro_html.as_str()];
        for step in &g.steps {
            for b in &step.blocks {
                if let GuideBlock::Html(h) = b {
                    out.push(h);
                }
            }
        }
        out
    }

    fn guide(key: &str) -> &'static DirectoryGuide {
        directory_find(key).unwrap_or_else(|| panic!("no directory guide for {key}"))
    }

    #[test]
    fn every_directory_row_has_a_guide_and_every_guide_a_row() {
        assert_eq!(
            directory_all().len(),
            DIRECTORY_CATALOG.len(),
            "{:?}",
            directory_all().iter().map(|g| &g.key).collect::<Vec<_>>()
        );
        for entry in DIRECTORY_CATALOG {
            let g = guide(entry.key);
            assert_eq!(
                g.title, entry.name,
                "{}: the guide's title is not the catalog name",
                entry.key
            );
            assert_eq!(
                g.scim, entry.scim,
                "{}: the guide and the catalog disagree on SCIM",
                entry.key
            );
            assert!(
                (3..=7).contains(&g.steps.len()),
                "{}: {} steps",
                entry.key,
                g.steps.len()
            );
        }
        for g in directory_all() {
            assert!(
                directory_catalog::find(&g.key).is_some(),
                "guide {} has no catalog row",
                g.key
            );
        }
        assert!(directory_find("okta-saml").is_none());
    }

    /// Copy boxes name values the portal knows, once each, under the provider's label from the
    /// catalog: the portal's copy box and the console then use the same words.
    #[test]
    fn scim_guides_copy_both_values_under_the_providers_labels() {
        for entry in DIRECTORY_CATALOG.iter().filter(|e| e.scim) {
            let g = guide(entry.key);
            let boxes = copies(g);
            for (value, _) in &boxes {
                assert!(
                    value == "scim_base_url" || value == "scim_token",
                    "{}: unknown copy value {value}",
                    entry.key
                );
            }
            let label = |v: &str| -> Vec<&str> {
                boxes
                    .iter()
                    .filter(|(value, _)| value == v)
                    .map(|(_, l)| l.as_str())
                    .collect()
            };
            assert_eq!(
                label("scim_base_url"),
                entry.base_url_label.into_iter().collect::<Vec<_>>(),
                "{}",
                entry.key
            );
            assert_eq!(
                label("scim_token"),
                entry.token_label.into_iter().collect::<Vec<_>>(),
                "{}",
                entry.key
            );
        }
    }

    #[test]
    fn google_workspace_says_it_has_no_scim_and_offers_nothing_to_copy() {
        let entry = directory_catalog::find("google_workspace").unwrap();
        assert!(!entry.scim);
        let g = guide("google_workspace");
        assert!(!g.scim);
        assert_eq!(copies(g), vec![], "Google Workspace has nothing to paste");
        assert!(
            html(g).iter().any(|h| h.contains("SCIM")),
            "the guide must say plainly why"
        );
        assert!(
            g.steps.iter().all(|s| s.topic.is_none()),
            "nothing for the portal to point at while it waits: {:?}",
            g.steps.iter().map(|s| s.topic).collect::<Vec<_>>()
        );
    }

    /// Providers that sync on a schedule: the guide gives the cycle and Entra's way around it.
    #[test]
    fn scheduled_providers_say_how_long_and_entra_offers_provision_on_demand() {
        let entra = html(guide("entra_id")).concat();
        assert!(entra.contains("Provision on demand"), "{entra}");
        for entry in DIRECTORY_CATALOG {
            if let Some(minutes) = entry.sync_cycle_minutes {
                let text = html(guide(entry.key)).concat();
                assert!(
                    text.contains(&format!("{minutes} minutes")),
                    "{}: cycle not said",
                    entry.key
                );
            }
        }
    }

    /// The portal points at a step: where the values go while they fail, the start step while no
    /// request has arrived. The start step is the last one, and SSO guides never use it.
    #[test]
    fn scim_guides_tag_the_steps_the_portal_points_to() {
        for entry in DIRECTORY_CATALOG.iter().filter(|e| e.scim) {
            let g = guide(entry.key);
            let tagged = |t: GuideTopic| g.steps.iter().find(|s| s.topic == Some(t));
            for topic in [GuideTopic::Values, GuideTopic::Assign, GuideTopic::Start] {
                assert!(
                    tagged(topic).is_some(),
                    "{}: no step tagged {{#{}}}",
                    entry.key,
                    topic.tag()
                );
            }
            assert_eq!(
                g.steps.last().and_then(|s| s.topic),
                Some(GuideTopic::Start),
                "{}",
                entry.key
            );
            let start: String = g
                .steps
                .last()
                .into_iter()
                .flat_map(|s| &s.blocks)
                .filter_map(|b| match b {
                    GuideBlock::Html(h) => Some(h.as_str()),
                    GuideBlock::Copy(_) => None,
                })
                .collect();
            assert!(
                start.contains("first request"),
                "{}: the last step must say what the portal shows",
                entry.key
            );
            let values_step = tagged(GuideTopic::Values)
                .map(|s| s.blocks.clone())
                .unwrap_or_default();
            assert!(
                values_step
                    .iter()
                    .any(|b| matches!(b, GuideBlock::Copy(c) if c.value == "scim_base_url")),
                "{}: the step tagged values has no base URL box",
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
        for g in portico::server::guides::all() {
            assert!(
                g.steps.iter().all(|s| s.topic != Some(GuideTopic::Start)),
                "SSO guide {} uses the directory-only start topic",
                g.key
            );
        }
    }

    /// Markdown renders to a few plain tags; raw HTML in the content is escaped at build time.
    #[test]
    fn directory_guides_pass_no_raw_html_through() {
        const ALLOWED: [&str; 8] = ["p", "ol", "ul", "li", "strong", "em", "code", "br"];
        for g in directory_all() {
            for h in html(g) {
                assert!(!h.contains("{{"), "{}: placeholder left in {h}", g.key);
                let mut rest = h;
                while let Some(start) = rest.find('<') {
                    let tag = &rest[start + 1..];
                    let name: String = tag
                        .trim_start_matches('/')
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric())
                        .collect();
                    // Only a list's start number may ride on a tag (`<ol start="5">`).
                    let after = &tag.trim_start_matches('/')[name.len()..];
                    let whole = name == "br"
                        || after.starts_with('>')
                        || (name == "ol" && after.starts_with(" start=\""));
                    assert!(
                        ALLOWED.contains(&name.as_str()) && whole,
                        "{}: unexpected markup {:?}",
                        g.key,
                        &tag[..tag.len().min(40)]
                    );
                    rest = &rest[start + 1..];
                }
            }
        }
    }
}
