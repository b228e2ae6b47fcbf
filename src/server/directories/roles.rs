//! The vendor's roles (`PUT /api/v1/roles`) and how a directory user gets one: the admin maps
//! directory groups to roles in the portal; a user in several mapped groups gets the role
//! listed first (list roles from the most to the least privileged); a user in none gets the
//! default role.

use crate::api::directory::{Role, RolesBody};
use crate::server::error::Error;
use crate::server::store::DirectoryRow;
use crate::server::AppState;
use std::collections::BTreeMap;

/// Most roles an environment declares.
pub const ROLES_MAX: usize = 50;

/// Checks and normalises a roles body: 0 to [`ROLES_MAX`] roles, slugs of 1 to 40 characters
/// from `a-z 0-9 _ -`, unique; names of 1 to 80 characters; the default one of the slugs.
pub fn check(body: &RolesBody) -> Result<RolesBody, Error> {
    if body.roles.len() > ROLES_MAX {
        return Err(Error::invalid(
            "roles",
            format!("Declare at most {ROLES_MAX} roles."),
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut roles = Vec::with_capacity(body.roles.len());
    for (i, r) in body.roles.iter().enumerate() {
        let slug = r.slug.trim();
        let ok = (1..=40).contains(&slug.len())
            && slug
                .bytes()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_' || c == b'-');
        if !ok {
            return Err(Error::invalid(
                &format!("roles[{i}].slug"),
                "Use 1 to 40 characters from a-z, 0-9, _ and -.",
            ));
        }
        if !seen.insert(slug.to_owned()) {
            return Err(Error::new(crate::api::ErrorCode::DuplicateRole).field(
                &format!("roles[{i}].slug"),
                format!("`{slug}` is listed twice."),
            ));
        }
        let name = r.name.trim();
        if name.is_empty() || name.chars().count() > 80 || name.chars().any(char::is_control) {
            return Err(Error::invalid(
                &format!("roles[{i}].name"),
                "Use a name of 1 to 80 characters.",
            ));
        }
        roles.push(Role {
            slug: slug.to_owned(),
            name: name.to_owned(),
        });
    }
    let default_role = match body.default_role.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(d) if seen.contains(d) => Some(d.to_owned()),
        Some(d) => {
            let shown: String = d.chars().take(40).collect();
            return Err(Error::invalid(
                "default_role",
                format!("`{shown}` is not one of the roles listed."),
            ));
        }
    };
    Ok(RolesBody {
        roles,
        default_role,
    })
}

/// An environment's roles (none until the vendor declares them).
pub async fn get(state: &AppState, environment_id: &str) -> Result<RolesBody, Error> {
    Ok(match state.store.environment_roles(environment_id).await? {
        Some(json) => serde_json::from_str(&json).map_err(Error::internal)?,
        None => RolesBody {
            roles: Vec::new(),
            default_role: None,
        },
    })
}

/// Replaces an environment's roles.
pub async fn put(
    state: &AppState,
    environment_id: &str,
    body: &RolesBody,
) -> Result<RolesBody, Error> {
    let checked = check(body)?;
    let json = serde_json::to_string(&checked).map_err(Error::internal)?;
    state
        .store
        .set_environment_roles(environment_id, &json)
        .await?;
    Ok(checked)
}

/// A directory's group → role mapping.
pub fn mapping(dir: &DirectoryRow) -> BTreeMap<String, String> {
    serde_json::from_str(&dir.role_mapping).unwrap_or_default()
}

/// The role of a user in `groups` (ids): the first role of `roles` that one of its groups maps
/// to, else the default; `None` when the vendor declared no roles.
pub fn role_of(
    roles: &RolesBody,
    mapping: &BTreeMap<String, String>,
    groups: &[String],
) -> Option<String> {
    let mapped: std::collections::BTreeSet<&str> = groups
        .iter()
        .filter_map(|g| mapping.get(g).map(String::as_str))
        .collect();
    roles
        .roles
        .iter()
        .find(|r| mapped.contains(r.slug.as_str()))
        .map(|r| r.slug.clone())
        .or_else(|| roles.default_role.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles() -> RolesBody {
        RolesBody {
            roles: vec![
                Role {
                    slug: "admin".into(),
                    name: "Admin".into(),
                },
                Role {
                    slug: "member".into(),
                    name: "Member".into(),
                },
            ],
            default_role: Some("member".into()),
        }
    }

    #[test]
    fn the_first_listed_role_of_a_user_s_groups_wins_else_the_default() {
        let map: BTreeMap<String, String> = [
            ("g_eng".to_owned(), "member".to_owned()),
            ("g_ops".to_owned(), "admin".to_owned()),
        ]
        .into();
        let r = roles();
        assert_eq!(
            role_of(&r, &map, &["g_eng".into(), "g_ops".into()]).as_deref(),
            Some("admin")
        );
        assert_eq!(
            role_of(&r, &map, &["g_eng".into()]).as_deref(),
            Some("member")
        );
        assert_eq!(
            role_of(&r, &map, &["g_other".into()]).as_deref(),
            Some("member")
        );
        let none = RolesBody {
            roles: vec![],
            default_role: None,
        };
        assert_eq!(role_of(&none, &map, &["g_ops".into()]), None);
    }

    #[test]
    fn roles_are_checked_with_the_field_named() {
        let mut r = roles();
        r.roles[1].slug = "Admin Role".into();
        assert_eq!(
            check(&r)
                .unwrap_err()
                .fields
                .keys()
                .next()
                .map(String::as_str),
            Some("roles[1].slug")
        );
        let mut r = roles();
        r.roles[1].slug = "admin".into();
        let e = check(&r).unwrap_err();
        assert_eq!(e.code, crate::api::ErrorCode::DuplicateRole);
        assert!(e.fields["roles[1].slug"].contains("twice"));
        let mut r = roles();
        r.default_role = Some("owner".into());
        assert!(check(&r).unwrap_err().fields.contains_key("default_role"));
        assert_eq!(check(&roles()).unwrap(), roles());
    }
}
