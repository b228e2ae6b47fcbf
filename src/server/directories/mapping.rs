//! The portal's group → role mapping step: the admin maps the directory's groups to the
//! vendor's roles (declared with `PUT /api/v1/roles`), sees per role how many active users it
//! yields, and saves it; every user whose role the save changes gets `dsync.role_changed`.
//!
//! A whole directory's roles come from one query (users with their group ids,
//! [`crate::server::store::DirectoryStore::directory_user_groups`]), not one per user: a
//! directory of 10,000 users previews in one pass. Saving reads the full rows only of the users
//! whose role changes, a page at a time, for their events.

use super::views::user_wire;
use super::{attributes, roles, DirectoryRow};
use crate::api::directory::{RoleMapping, RoleMappingView, RolesBody};
use crate::api::event::EventType;
use crate::api::ErrorCode;
use crate::server::error::Error;
use crate::server::store::{NewEvent, UserListing};
use crate::server::{events, AppState};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};

/// Most groups a mapping names.
pub const MAPPING_MAX: usize = 1_000;

/// Groups of a directory read to check a mapping, at most (directories have far fewer).
const GROUPS_READ_MAX: i64 = 50_000;

/// Users read per page when building the events of a save.
const USERS_PAGE: i64 = 1_000;

/// User id → (previous role, new role, group ids), for the users whose role a save changes.
type Changes<'a> = HashMap<&'a str, (Option<String>, Option<String>, &'a [String])>;

/// A directory's users (not deleted): id, whether active, and their group ids.
struct Member {
    id: String,
    active: bool,
    groups: Vec<String>,
}

async fn members(state: &AppState, dir: &DirectoryRow) -> Result<Vec<Member>, Error> {
    let pairs = state.store.directory_user_groups(&dir.id).await?;
    let mut out: Vec<Member> = Vec::new();
    // The store groups a user's rows together, so a change of id starts the next user.
    for (id, active, group) in pairs {
        match out.last_mut() {
            Some(m) if m.id == id => m.groups.extend(group),
            _ => out.push(Member {
                id,
                active,
                groups: group.into_iter().collect(),
            }),
        }
    }
    Ok(out)
}

/// The directory's groups: id → name.
async fn groups(state: &AppState, dir: &DirectoryRow) -> Result<HashMap<String, String>, Error> {
    Ok(state
        .store
        .list_directory_groups(&dir.id, None, 0, GROUPS_READ_MAX)
        .await?
        .into_iter()
        .map(|g| (g.id, g.display_name))
        .collect())
}

/// Role slug → active users it yields; every declared role is listed (0 if none), and `""`
/// counts the active users left with no role.
fn preview(
    roles: &RolesBody,
    mapping: &BTreeMap<String, String>,
    members: &[Member],
) -> BTreeMap<String, u64> {
    let mut out: BTreeMap<String, u64> = roles.roles.iter().map(|r| (r.slug.clone(), 0)).collect();
    out.insert(String::new(), 0);
    for m in members.iter().filter(|m| m.active) {
        let role = roles::role_of(roles, mapping, &m.groups).unwrap_or_default();
        *out.entry(role).or_default() += 1;
    }
    out
}

/// The saved mapping as the admin sees it: entries of groups since deleted, or of roles no
/// longer declared, are left out (they give no role), so saving it back as shown succeeds.
fn shown(
    dir: &DirectoryRow,
    roles: &RolesBody,
    groups: &HashMap<String, String>,
) -> BTreeMap<String, String> {
    roles::mapping(dir)
        .into_iter()
        .filter(|(g, slug)| groups.contains_key(g) && roles.roles.iter().any(|r| r.slug == *slug))
        .collect()
}

/// Checks a proposed mapping: every group one of the directory's, every slug a declared role
/// (an empty slug means the group is not mapped and is dropped). Errors name the field
/// `mapping.<group id>`.
fn check(
    proposed: &RoleMapping,
    roles: &RolesBody,
    groups: &HashMap<String, String>,
) -> Result<BTreeMap<String, String>, Error> {
    if proposed.mapping.len() > MAPPING_MAX {
        return Err(Error::invalid(
            "mapping",
            format!("Map at most {MAPPING_MAX} groups."),
        ));
    }
    let mut out = BTreeMap::new();
    for (group, slug) in &proposed.mapping {
        let slug = slug.trim();
        let field = format!("mapping.{}", group.chars().take(64).collect::<String>());
        if !groups.contains_key(group) {
            return Err(Error::invalid(
                &field,
                "No group with that id in this directory: reload the groups and map them again.",
            ));
        }
        if slug.is_empty() {
            continue;
        }
        if !roles.roles.iter().any(|r| r.slug == slug) {
            let shown: String = slug.chars().take(40).collect();
            let known: Vec<&str> = roles.roles.iter().map(|r| r.slug.as_str()).collect();
            return Err(Error::invalid(
                &field,
                if known.is_empty() {
                    format!("`{shown}` is not a role: the app has declared no roles yet.")
                } else {
                    format!(
                        "`{shown}` is not one of the app's roles; use one of: {}.",
                        known.join(", ")
                    )
                },
            ));
        }
        out.insert(group.clone(), slug.to_owned());
    }
    Ok(out)
}

/// `GET /portal/api/directories/{id}/role_mapping`: the roles, the saved mapping, and what it
/// yields.
pub async fn view(state: &AppState, dir: &DirectoryRow) -> Result<RoleMappingView, Error> {
    let roles = roles::get(state, &dir.environment_id).await?;
    let groups = groups(state, dir).await?;
    let mapping = shown(dir, &roles, &groups);
    let members = members(state, dir).await?;
    Ok(RoleMappingView {
        preview: preview(&roles, &mapping, &members),
        roles,
        mapping,
    })
}

/// `POST …/role_mapping/preview`: what a proposed mapping would yield; nothing is saved.
pub async fn try_mapping(
    state: &AppState,
    dir: &DirectoryRow,
    proposed: &RoleMapping,
) -> Result<RoleMappingView, Error> {
    let roles = roles::get(state, &dir.environment_id).await?;
    let groups = groups(state, dir).await?;
    let mapping = check(proposed, &roles, &groups)?;
    let members = members(state, dir).await?;
    Ok(RoleMappingView {
        preview: preview(&roles, &mapping, &members),
        roles,
        mapping,
    })
}

/// `PUT …/role_mapping`: saves a mapping and, in the same write, `dsync.role_changed` for every
/// user whose role it changes (`data`: the user with its new `role` and its `previous_role`).
pub async fn save(
    state: &AppState,
    dir: &DirectoryRow,
    proposed: &RoleMapping,
) -> Result<RoleMappingView, Error> {
    let now = state.clock.now();
    let roles = roles::get(state, &dir.environment_id).await?;
    let groups = groups(state, dir).await?;
    let mapping = check(proposed, &roles, &groups)?;
    let before = roles::mapping(dir);
    let members = members(state, dir).await?;
    let mut changed: Changes<'_> = HashMap::new();
    for m in &members {
        let was = roles::role_of(&roles, &before, &m.groups);
        let will = roles::role_of(&roles, &mapping, &m.groups);
        if was != will {
            changed.insert(m.id.as_str(), (was, will, &m.groups));
        }
    }
    let evs = if changed.is_empty() {
        Vec::new()
    } else {
        role_events(state, dir, &groups, &changed, now).await?
    };
    let mut row = dir.clone();
    row.role_mapping = serde_json::to_string(&mapping).map_err(Error::internal)?;
    row.updated_at = now;
    if !state.store.update_directory(&row, &evs).await? {
        return Err(Error::new(ErrorCode::DirectoryNotFound));
    }
    Ok(RoleMappingView {
        preview: preview(&roles, &mapping, &members),
        roles,
        mapping,
    })
}

/// The `dsync.role_changed` events of a save, reading the users a page at a time.
async fn role_events(
    state: &AppState,
    dir: &DirectoryRow,
    groups: &HashMap<String, String>,
    changed: &Changes<'_>,
    now: i64,
) -> Result<Vec<NewEvent>, Error> {
    let mut out = Vec::with_capacity(changed.len());
    let mapped = attributes::mapped(state, dir).await?;
    let mut after: Option<String> = None;
    loop {
        let page = state
            .store
            .list_directory_users(
                &dir.id,
                &UserListing {
                    after: after.clone(),
                    limit: USERS_PAGE,
                    ..UserListing::default()
                },
            )
            .await?;
        let Some(last) = page.last() else {
            break;
        };
        after = Some(last.id.clone());
        let full = page.len() as i64 == USERS_PAGE;
        for row in &page {
            let Some((was, will, ids)) = changed.get(row.id.as_str()) else {
                continue;
            };
            // As the vendor API lists a user's groups: by name.
            let mut named: Vec<(String, String)> = ids
                .iter()
                .filter_map(|g| groups.get(g).map(|n| (g.clone(), n.clone())))
                .collect();
            named.sort_by(|a, b| (a.1.to_lowercase(), &a.0).cmp(&(b.1.to_lowercase(), &b.0)));
            let mut data = serde_json::to_value(user_wire(dir, row, named, will.clone(), &mapped))
                .map_err(Error::internal)?;
            data["previous_role"] = json!(was);
            out.push(events::new(
                &dir.environment_id,
                EventType::DsyncRoleChanged,
                Some(&dir.organization_id),
                &data,
                now,
            )?);
        }
        if !full {
            break;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::directory::Role;

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
            default_role: None,
        }
    }

    fn member(id: &str, active: bool, groups: &[&str]) -> Member {
        Member {
            id: id.into(),
            active,
            groups: groups.iter().map(|g| (*g).to_owned()).collect(),
        }
    }

    #[test]
    fn the_preview_counts_active_users_per_role_and_those_left_without() {
        let map: BTreeMap<String, String> = [
            ("g_ops".to_owned(), "admin".to_owned()),
            ("g_eng".to_owned(), "member".to_owned()),
        ]
        .into();
        let ms = [
            member("u1", true, &["g_ops", "g_eng"]),
            member("u2", true, &["g_eng"]),
            member("u3", true, &[]),
            member("u4", false, &["g_ops"]),
        ];
        let p = preview(&roles(), &map, &ms);
        assert_eq!(p["admin"], 1);
        assert_eq!(p["member"], 1);
        assert_eq!(p[""], 1);
        let mut with_default = roles();
        with_default.default_role = Some("member".into());
        let p = preview(&with_default, &map, &ms);
        assert_eq!((p["admin"], p["member"], p[""]), (1, 2, 0));
    }

    #[test]
    fn a_mapping_names_the_group_it_fails_on() {
        let groups: HashMap<String, String> = [("g_ops".to_owned(), "Ops".to_owned())].into();
        let bad_role = RoleMapping {
            mapping: [("g_ops".to_owned(), "owner".to_owned())].into(),
        };
        let e = check(&bad_role, &roles(), &groups).unwrap_err();
        assert!(e.fields["mapping.g_ops"].contains("admin, member"), "{e:?}");
        let bad_group = RoleMapping {
            mapping: [("g_other".to_owned(), "admin".to_owned())].into(),
        };
        let e = check(&bad_group, &roles(), &groups).unwrap_err();
        assert!(e.fields.contains_key("mapping.g_other"), "{e:?}");
        let unmapped = RoleMapping {
            mapping: [("g_ops".to_owned(), " ".to_owned())].into(),
        };
        assert!(check(&unmapped, &roles(), &groups).unwrap().is_empty());
    }
}
