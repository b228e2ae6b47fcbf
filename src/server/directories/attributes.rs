//! Directory users' custom attributes, mapped like single sign-on's: the vendor declares custom
//! attributes for the environment (`PUT /api/v1/custom_attributes`, the same list SSO profiles
//! use); per directory, the IT admin (or the vendor) picks the SCIM attribute each is read from.
//! Every view of a user then carries the mapped values in `custom_attributes`
//! ([`super::views::user_wire`]).
//!
//! A declared attribute named after a well-known SCIM attribute (`department`, `cost_center`,
//! `title`…) is mapped to it until a saved entry says otherwise
//! ([`crate::core::scim::attributes::effective`]).
//!
//! Saving changes no stored user and emits no event: a directory of 50,000 users would otherwise
//! send 50,000 `dsync.user.updated` at once for a change in how they are read. The next read of
//! a user, and the next event about one, carries the new mapping.

use crate::api::directory_attributes::{
    DirectoryAttributeMapping, DirectoryAttributeMappingView, ReceivedScimAttribute,
    ATTRIBUTE_MAPPING_MAX,
};
use crate::api::mapping::CustomAttribute;
use crate::api::ErrorCode;
use crate::core::scim::attributes::{self as core, parse_source};
use crate::core::scim::filter::AttrPath;
use crate::server::connections::stored;
use crate::server::error::Error;
use crate::server::store::DirectoryRow;
use crate::server::AppState;
use std::collections::{BTreeMap, HashMap};

/// Users whose attributes the mapping view looks at: the newest ones.
pub const USERS_EXAMINED: i64 = 500;

/// Attribute paths listed per user, and in the view.
const RECEIVED_MAX: usize = 200;

/// The mapping in force on a directory, parsed: every declared custom attribute with its source,
/// or `None` when it is not mapped (then it has no value, whatever built-in key shares its name).
#[derive(Debug, Clone, Default)]
pub struct Mapped(pub Vec<(String, Option<AttrPath>)>);

/// The saved mapping of a directory (name → path, `""` for "not mapped"). A row that does not
/// hold a JSON object of strings is an error naming it, never an empty mapping.
fn saved(dir: &DirectoryRow) -> Result<BTreeMap<String, String>, Error> {
    serde_json::from_str(&dir.attribute_mapping).map_err(|e| {
        Error::internal(format!(
            "directories.attribute_mapping of {} is not a JSON object of strings: {e}",
            dir.id
        ))
    })
}

fn names(declared: &[CustomAttribute]) -> impl Iterator<Item = &str> {
    declared.iter().map(|c| c.name.as_str())
}

/// The mapping in force, from the declared attributes and the saved entries. A saved source
/// that no longer parses (it was checked when saved, and the grammar only grows) maps nothing.
fn mapped_with(dir: &DirectoryRow, declared: &[CustomAttribute]) -> Result<Mapped, Error> {
    let mut effective = core::effective(names(declared), &saved(dir)?);
    Ok(Mapped(
        names(declared)
            .map(|name| {
                let source = effective.remove(name).and_then(|s| parse_source(&s).ok());
                (name.to_owned(), source)
            })
            .collect(),
    ))
}

/// The mapping in force on a directory.
pub async fn mapped(state: &AppState, dir: &DirectoryRow) -> Result<Mapped, Error> {
    let declared = stored::custom_attributes(state, &dir.environment_id).await?;
    mapped_with(dir, &declared)
}

/// Checks a proposed mapping against the declared attributes: every name declared
/// (`unknown_custom_attribute`), every source empty or a SCIM attribute path
/// (`invalid_attribute_path`). Every entry is checked; the fields name each one that failed
/// (`mapping.<name>`). Returns the mapping to store, sources trimmed.
fn check(
    proposed: &DirectoryAttributeMapping,
    declared: &[CustomAttribute],
) -> Result<BTreeMap<String, String>, Error> {
    if proposed.mapping.len() > ATTRIBUTE_MAPPING_MAX {
        return Err(Error::invalid(
            "mapping",
            format!("Map at most {ATTRIBUTE_MAPPING_MAX} custom attributes."),
        ));
    }
    let mut unknown = Error::new(ErrorCode::UnknownCustomAttribute);
    let mut bad_path = Error::new(ErrorCode::InvalidAttributePath);
    let mut out = BTreeMap::new();
    for (name, source) in &proposed.mapping {
        let shown: String = name.chars().take(64).collect();
        let field = format!("mapping.{shown}");
        if !declared.iter().any(|c| &c.name == name) {
            let known: Vec<&str> = names(declared).collect();
            unknown = unknown.field(
                &field,
                if known.is_empty() {
                    format!("`{shown}` is not a custom attribute: the app has declared none.")
                } else {
                    format!(
                        "`{shown}` is not one of the app's custom attributes; use one of: {}.",
                        known.join(", ")
                    )
                },
            );
            continue;
        }
        let source = source.trim();
        if !source.is_empty() {
            if let Err(problem) = parse_source(source) {
                bad_path = bad_path.field(&field, problem);
                continue;
            }
        }
        out.insert(name.clone(), source.to_owned());
    }
    if !unknown.fields.is_empty() {
        unknown.fields.extend(bad_path.fields);
        return Err(unknown);
    }
    if !bad_path.fields.is_empty() {
        return Err(bad_path);
    }
    Ok(out)
}

/// What the directory's newest users hold: each path with a sample value and how many of them
/// have it, then how many users were looked at. Core attributes first, then extensions, each
/// by name.
async fn received(
    state: &AppState,
    dir: &DirectoryRow,
) -> Result<(Vec<ReceivedScimAttribute>, u64), Error> {
    let docs = state
        .store
        .latest_directory_user_resources(&dir.id, USERS_EXAMINED)
        .await?;
    // Case-folded path → (position in `out`); the first spelling and sample seen are kept.
    let mut at: HashMap<String, usize> = HashMap::new();
    let mut out: Vec<ReceivedScimAttribute> = Vec::new();
    for doc in &docs {
        // A document that does not parse was refused when it arrived; nothing to list.
        let Ok(doc) = serde_json::from_str(doc) else {
            continue;
        };
        for (path, sample) in core::present(&doc, RECEIVED_MAX) {
            let key = path.to_lowercase();
            if let Some(i) = at.get(&key) {
                out[*i].user_count += 1;
            } else if out.len() < RECEIVED_MAX {
                at.insert(key, out.len());
                out.push(ReceivedScimAttribute {
                    path,
                    sample,
                    user_count: 1,
                });
            }
        }
    }
    out.sort_by_cached_key(|r| {
        let urn = r
            .path
            .get(..4)
            .is_some_and(|p| p.eq_ignore_ascii_case("urn:"));
        (urn, r.path.to_lowercase())
    });
    Ok((out, docs.len() as u64))
}

async fn view_with(
    state: &AppState,
    dir: &DirectoryRow,
    declared: Vec<CustomAttribute>,
    saved: &BTreeMap<String, String>,
) -> Result<DirectoryAttributeMappingView, Error> {
    let (received, users_examined) = received(state, dir).await?;
    Ok(DirectoryAttributeMappingView {
        mapping: core::effective(names(&declared), saved),
        suggested: names(&declared)
            .filter_map(|n| core::default_source(n).map(|p| (n.to_owned(), p.to_owned())))
            .collect(),
        custom_attributes: declared,
        received,
        users_examined,
    })
}

/// `GET …/attribute_mapping`: the declared attributes, the mapping in force, the suggestions,
/// and what the directory's users hold.
pub async fn view(
    state: &AppState,
    dir: &DirectoryRow,
) -> Result<DirectoryAttributeMappingView, Error> {
    let declared = stored::custom_attributes(state, &dir.environment_id).await?;
    let saved = saved(dir)?;
    view_with(state, dir, declared, &saved).await
}

/// `PUT …/attribute_mapping`: replaces the saved mapping. Stored users do not change and no
/// event is sent; the next view of each user, and the next event about it, carry the values.
pub async fn save(
    state: &AppState,
    dir: &DirectoryRow,
    proposed: &DirectoryAttributeMapping,
) -> Result<DirectoryAttributeMappingView, Error> {
    let declared = stored::custom_attributes(state, &dir.environment_id).await?;
    let checked = check(proposed, &declared)?;
    let json = serde_json::to_string(&checked).map_err(Error::internal)?;
    let now = state.clock.now();
    if !state
        .store
        .set_directory_attribute_mapping(&dir.id, &json, now)
        .await?
    {
        return Err(Error::new(ErrorCode::DirectoryNotFound));
    }
    view_with(state, dir, declared, &checked).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn declared() -> Vec<CustomAttribute> {
        ["department", "badge"]
            .into_iter()
            .map(|n| CustomAttribute {
                name: n.into(),
                required: false,
                description: None,
            })
            .collect()
    }

    fn proposal(entries: &[(&str, &str)]) -> DirectoryAttributeMapping {
        DirectoryAttributeMapping {
            mapping: entries
                .iter()
                .map(|(n, p)| ((*n).to_owned(), (*p).to_owned()))
                .collect(),
        }
    }

    #[test]
    fn a_proposal_names_every_entry_it_fails_on_unknown_names_first() {
        let e = check(
            &proposal(&[
                ("region", "title"),
                ("badge", "a b"),
                ("department", "title"),
            ]),
            &declared(),
        )
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::UnknownCustomAttribute);
        assert!(
            e.fields["mapping.region"].contains("department, badge"),
            "{e:?}"
        );
        assert!(e.fields.contains_key("mapping.badge"), "{e:?}");
        let e = check(&proposal(&[("badge", "emails[type eq")]), &declared()).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidAttributePath);
        assert!(e.fields["mapping.badge"].contains("not a SCIM attribute path"));
        let e = check(&proposal(&[("x", "title")]), &[]).unwrap_err();
        assert!(e.fields["mapping.x"].contains("declared none"), "{e:?}");
    }

    #[test]
    fn a_good_proposal_is_trimmed_and_keeps_its_choices_not_to_map() {
        let ok = check(
            &proposal(&[("badge", "  urn:acme:2.0:User:badge "), ("department", "")]),
            &declared(),
        )
        .unwrap();
        assert_eq!(ok["badge"], "urn:acme:2.0:User:badge");
        assert_eq!(ok["department"], "");
        let many: Vec<(String, String)> = (0..=ATTRIBUTE_MAPPING_MAX)
            .map(|i| (format!("a{i}"), String::new()))
            .collect();
        let body = DirectoryAttributeMapping {
            mapping: many.into_iter().collect(),
        };
        assert_eq!(
            check(&body, &declared()).unwrap_err().code,
            ErrorCode::ValidationFailed
        );
    }
}
