//! The groups an identity provider pushes to a directory (issue 17), and their memberships.

use super::{NewEvent, StoreResult};
use async_trait::async_trait;
use std::collections::HashSet;

/// A group an identity provider pushed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryGroupRow {
    /// `dgr_...`
    pub id: String,
    /// Its directory.
    pub directory_id: String,
    /// SCIM `displayName`.
    pub display_name: String,
    /// `displayName` case-folded.
    pub display_name_key: String,
    /// SCIM `externalId`.
    pub external_id: Option<String>,
    /// The SCIM document as the IdP last wrote it (JSON, without `id`, `meta`, `members`).
    pub resource: String,
    /// Bumped by every write.
    pub version: i64,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
}

/// How a group write changes its members: computed by the service from a SCIM request, so a
/// one-member PATCH on a group of thousands writes one row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberDelta {
    /// Replace every member with these (a PUT, or a PATCH replacing `members`).
    pub replace_all: Option<Vec<String>>,
    /// Add these (after any replacement).
    pub add: Vec<String>,
    /// Remove these.
    pub remove: Vec<String>,
}

/// A membership a write adds or removes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Membership {
    /// The group.
    pub group_id: String,
    /// The user.
    pub user_id: String,
    /// Joined (`true`) or left.
    pub added: bool,
}

/// An event of a write that changes memberships. One that announces a membership
/// (`dsync.group.user_added`, `…user_removed`, and the `dsync.role_changed` it causes) names it,
/// and is logged only if the write itself made that change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberEvent {
    /// The event.
    pub event: NewEvent,
    /// The membership it announces, if it announces one.
    pub membership: Option<Membership>,
}

impl From<NewEvent> for MemberEvent {
    fn from(event: NewEvent) -> MemberEvent {
        MemberEvent {
            event,
            membership: None,
        }
    }
}

/// The events of a membership write that stand, given the memberships ((group id, user id)) it
/// actually added and removed: every event that announces no membership, and those whose
/// change happened. The service builds the events from what it read; a user deleted or
/// deactivated, or a group emptied, between those reads and the write changes fewer
/// memberships, and those are not announced.
///
/// `None` if the write changed a membership that no event announces (a user activated, or a
/// membership added, after the reads): the caller rolls back, as for a version conflict, so
/// no membership ever changes unannounced.
pub fn standing(
    events: &[MemberEvent],
    added: &HashSet<(String, String)>,
    removed: &HashSet<(String, String)>,
) -> Option<Vec<NewEvent>> {
    // Removed and re-added by the same write (a replacement) is no change.
    let net = |a: &HashSet<(String, String)>, b: &HashSet<(String, String)>| {
        a.difference(b).cloned().collect::<HashSet<_>>()
    };
    let (added, removed) = (net(added, removed), net(removed, added));
    let mut announced = HashSet::new();
    let mut out = Vec::with_capacity(events.len());
    for e in events {
        match &e.membership {
            None => out.push(e.event.clone()),
            Some(m) => {
                let pair = (m.group_id.clone(), m.user_id.clone());
                let happened = if m.added {
                    added.contains(&pair)
                } else {
                    removed.contains(&pair)
                };
                if happened {
                    out.push(e.event.clone());
                    announced.insert((pair, m.added));
                }
            }
        }
    }
    let unannounced = added
        .iter()
        .any(|p| !announced.contains(&(p.clone(), true)))
        || removed
            .iter()
            .any(|p| !announced.contains(&(p.clone(), false)));
    (!unannounced).then_some(out)
}

/// Storage for directory groups and memberships.
#[async_trait]
pub trait DirectoryGroupStore: Send + Sync {
    /// Creates a group with its members (those that are active users of its directory), with
    /// the events that [`standing`] keeps; `false`, and nothing written, if it would add a
    /// member no event announces.
    async fn insert_directory_group(
        &self,
        g: &DirectoryGroupRow,
        members: &[String],
        events: &[MemberEvent],
    ) -> StoreResult<bool>;
    /// A group by id.
    async fn directory_group(&self, id: &str) -> StoreResult<Option<DirectoryGroupRow>>;
    /// Groups of a directory with this case-folded name or exact external id, at most `limit`.
    async fn find_directory_groups(
        &self,
        directory_id: &str,
        name_key: Option<&str>,
        external_id: Option<&str>,
        limit: i64,
    ) -> StoreResult<Vec<DirectoryGroupRow>>;
    /// Groups of a directory in creation order: after a group id, or from an offset.
    async fn list_directory_groups(
        &self,
        directory_id: &str,
        after: Option<&str>,
        offset: i64,
        limit: i64,
    ) -> StoreResult<Vec<DirectoryGroupRow>>;
    /// Writes a group and changes its members if its version is still `expected_version`,
    /// with the events that [`standing`] keeps; `false`, and nothing written, if it changed
    /// meanwhile, is gone, or a membership would change unannounced.
    async fn update_directory_group(
        &self,
        g: &DirectoryGroupRow,
        expected_version: i64,
        members: &MemberDelta,
        events: &[MemberEvent],
    ) -> StoreResult<bool>;
    /// Deletes a group (its memberships go with it), with the events that [`standing`] keeps;
    /// `false`, and nothing written, if it is gone or a membership would go unannounced.
    async fn delete_directory_group(&self, id: &str, events: &[MemberEvent]) -> StoreResult<bool>;
    /// A group's members: (user id, userName), at most `limit`.
    async fn group_members(&self, group_id: &str, limit: i64)
        -> StoreResult<Vec<(String, String)>>;
    /// How many members each of a directory's groups has: (group id, count).
    async fn group_member_counts(&self, directory_id: &str) -> StoreResult<Vec<(String, i64)>>;
    /// Every user of a directory (not deleted) with each of its groups: (user id, whether it
    /// is active, group id), a user in no group once with `None`; grouped by user in creation
    /// order. One query for the roles of a whole directory.
    async fn directory_user_groups(
        &self,
        directory_id: &str,
    ) -> StoreResult<Vec<(String, bool, Option<String>)>>;
    /// A user's groups: (group id, displayName).
    async fn user_groups(&self, user_id: &str) -> StoreResult<Vec<(String, String)>>;
    /// The groups of each of `user_ids`: (user id, group id, displayName), each user's groups
    /// in the order [`Self::user_groups`] gives them.
    async fn groups_of_users(
        &self,
        user_ids: &[String],
    ) -> StoreResult<Vec<(String, String, String)>>;
    /// A user's groups, each with its member count, in the order of [`Self::user_groups`].
    async fn user_groups_counted(
        &self,
        user_id: &str,
    ) -> StoreResult<Vec<(DirectoryGroupRow, i64)>>;
    /// How many members a group has.
    async fn group_member_count(&self, group_id: &str) -> StoreResult<i64>;
    /// The ids among `ids` that are members of the group: what a PATCH naming a few members
    /// needs to know, without reading a large group whole.
    async fn group_members_among(&self, group_id: &str, ids: &[String])
        -> StoreResult<Vec<String>>;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(id: &str, membership: Option<(&str, &str, bool)>) -> MemberEvent {
        MemberEvent {
            event: NewEvent {
                id: id.into(),
                environment_id: "env".into(),
                event_type: "t".into(),
                organization_id: None,
                created_at: 0,
                data: "{}".into(),
            },
            membership: membership.map(|(g, u, added)| Membership {
                group_id: g.into(),
                user_id: u.into(),
                added,
            }),
        }
    }

    fn pairs(list: &[(&str, &str)]) -> HashSet<(String, String)> {
        list.iter()
            .map(|(g, u)| ((*g).to_owned(), (*u).to_owned()))
            .collect()
    }

    fn ids(events: Option<Vec<NewEvent>>) -> Option<Vec<String>> {
        events.map(|e| e.into_iter().map(|e| e.id).collect())
    }

    #[test]
    fn only_the_membership_changes_that_happened_are_announced() {
        let events = [
            ev("group", None),
            ev("a+", Some(("g", "a", true))),
            ev("a+role", Some(("g", "a", true))),
            ev("b+", Some(("g", "b", true))),
            ev("c-", Some(("g", "c", false))),
        ];
        // b was deleted meanwhile, c had left already.
        let kept = standing(&events, &pairs(&[("g", "a")]), &pairs(&[]));
        assert_eq!(
            ids(kept),
            Some(vec!["group".into(), "a+".into(), "a+role".into()])
        );
        // A member removed and added again by one write (a replacement) changed nothing.
        let kept = standing(
            &events,
            &pairs(&[("g", "a"), ("g", "d")]),
            &pairs(&[("g", "c"), ("g", "d")]),
        );
        assert_eq!(
            ids(kept),
            Some(vec![
                "group".into(),
                "a+".into(),
                "a+role".into(),
                "c-".into()
            ])
        );
    }

    #[test]
    fn a_membership_change_no_event_announces_refuses_the_write() {
        let events = [ev("a+", Some(("g", "a", true)))];
        assert_eq!(
            standing(&events, &pairs(&[("g", "a"), ("g", "e")]), &pairs(&[])),
            None
        );
        assert_eq!(
            standing(&events, &pairs(&[("g", "a")]), &pairs(&[("g", "f")])),
            None
        );
    }
}
