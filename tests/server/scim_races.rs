//! Races an attacker (or an unlucky IdP) could use against directory sync: two first requests
//! activating a directory twice, token creations passing the cap together, membership events for
//! changes a concurrent write prevented.

use crate::scim::{directory, user, Dir};
use crate::scim_membership::all_events;
use crate::*;
use portico::server::store::{MemberDelta, MemberEvent, Membership, NewEvent};
use std::sync::Arc;

fn count(events: &[(String, Value)], t: &str) -> usize {
    events.iter().filter(|(x, _)| x == t).count()
}

async fn typed(app: &App, t: &str) -> usize {
    count(&all_events(app).await, t)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_directory_is_activated_once_however_many_first_requests_race() {
    let app = App::new().await;
    let d = directory(&app, "okta").await;
    let pending = app.state.store.directory(&d.id).await.unwrap().unwrap();
    assert_eq!(pending.state, "pending");
    // Each request read the directory as pending before either wrote.
    let tasks: Vec<_> = (0..6)
        .map(|_| {
            let (state, row) = (app.state.clone(), pending.clone());
            tokio::spawn(
                async move { portico::server::directories::note_success(&state, &row).await },
            )
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    // And one more, late, with the same stale view.
    portico::server::directories::note_success(&app.state, &pending)
        .await
        .unwrap();
    assert_eq!(count(&all_events(&app).await, "dsync.activated"), 1);
    let now = app.state.store.directory(&d.id).await.unwrap().unwrap();
    assert_eq!(now.state, "active");
    assert_eq!(now.first_request_at, Some(T0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn tokens_made_at_once_cannot_pass_the_cap_together() {
    let app = App::new().await;
    let d = directory(&app, "okta").await;
    let dir = app.state.store.directory(&d.id).await.unwrap().unwrap();
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let (state, dir) = (app.state.clone(), dir.clone());
            tokio::spawn(
                async move { portico::server::directories::create_token(&state, &dir).await },
            )
        })
        .collect();
    let mut made = 0;
    for t in tasks {
        if t.await.unwrap().is_ok() {
            made += 1;
        }
    }
    let cap = portico::server::directories::TOKENS_MAX;
    // One token came with the directory.
    assert_eq!(made, cap - 1);
    let listed = app.state.store.list_directory_tokens(&d.id).await.unwrap();
    assert_eq!(listed.len(), cap);
}

/// An event announcing `user` joining (or leaving) `group`, as the service builds one.
fn announced(app_env: &str, group: &str, user: &str, added: bool) -> MemberEvent {
    MemberEvent {
        event: NewEvent {
            id: format!("evt_test_{group}_{user}_{added}"),
            environment_id: app_env.to_owned(),
            event_type: if added {
                "dsync.group.user_added"
            } else {
                "dsync.group.user_removed"
            }
            .to_owned(),
            organization_id: None,
            created_at: T0,
            data: "{}".into(),
        },
        membership: Some(Membership {
            group_id: group.to_owned(),
            user_id: user.to_owned(),
            added,
        }),
    }
}

#[tokio::test]
async fn no_membership_event_for_a_change_a_concurrent_write_prevented() {
    let app = App::new().await;
    let d = directory(&app, "okta").await;
    let env = app
        .state
        .store
        .directory(&d.id)
        .await
        .unwrap()
        .unwrap()
        .environment_id;
    let mut ids = Vec::new();
    for n in 0..3 {
        let r = d
            .call(
                &app,
                Method::POST,
                "/Users",
                Some(user(&format!("r{n}@acme.test"), &format!("r{n}"))),
            )
            .await;
        ids.push(r.body["id"].as_str().unwrap().to_owned());
    }
    let g = d
        .call(
            &app,
            Method::POST,
            "/Groups",
            Some(json!({"displayName": "Race", "members": [{"value": ids[2]}]})),
        )
        .await;
    let gid = g.body["id"].as_str().unwrap().to_owned();
    let store = &app.state.store;

    // A PATCH read user 0 as active and built its user_added; the user was deleted before the
    // PATCH wrote. The group is written, the user does not join, and nothing is announced.
    let before = store.directory_group(&gid).await.unwrap().unwrap();
    let r = d
        .call(&app, Method::DELETE, &format!("/Users/{}", ids[0]), None)
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    let added_before = typed(&app, "dsync.group.user_added").await;
    let mut next = before.clone();
    next.version += 1;
    let delta = MemberDelta {
        add: vec![ids[0].clone()],
        ..MemberDelta::default()
    };
    let ok = store
        .update_directory_group(
            &next,
            before.version,
            &delta,
            &[announced(&env, &gid, &ids[0], true)],
        )
        .await
        .unwrap();
    assert!(ok, "the group itself was written");
    assert_eq!(typed(&app, "dsync.group.user_added").await, added_before);
    assert!(store
        .group_members_among(&gid, &ids[..1])
        .await
        .unwrap()
        .is_empty());

    // A group DELETE read user 2 as a member; user 2 was deprovisioned (and announced leaving)
    // before the DELETE wrote: its leaving is not announced twice.
    let r = d
        .call(
            &app,
            Method::PATCH,
            &format!("/Users/{}", ids[2]),
            Some(json!({"Operations": [{"op": "replace", "path": "active", "value": false}]})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let removed_before = typed(&app, "dsync.group.user_removed").await;
    assert_eq!(removed_before, 1);
    assert!(store
        .delete_directory_group(&gid, &[announced(&env, &gid, &ids[2], false)])
        .await
        .unwrap());
    assert_eq!(
        typed(&app, "dsync.group.user_removed").await,
        removed_before
    );

    // The other way round: a membership no event announces (user 1 joined after a DELETE of
    // the user read its groups) is never changed silently: the write is refused whole.
    let g = d
        .call(
            &app,
            Method::POST,
            "/Groups",
            Some(json!({"displayName": "Late"})),
        )
        .await;
    let late = g.body["id"].as_str().unwrap().to_owned();
    let stale = store.directory_user(&ids[1]).await.unwrap().unwrap();
    let r = d
        .call(&app, Method::PATCH, &format!("/Groups/{late}"), Some(json!({"Operations": [{"op": "add", "path": "members", "value": [{"value": ids[1]}]}]})))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let mut gone = stale.clone();
    gone.active = false;
    gone.deleted_at = Some(T0);
    gone.version += 1;
    let ok = store
        .update_directory_user(&gone, stale.version, &[])
        .await
        .unwrap();
    assert!(!ok, "refused: its leaving Late would go unannounced");
    assert_eq!(
        store
            .group_members_among(&late, &ids[1..2])
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(store
        .directory_user(&ids[1])
        .await
        .unwrap()
        .unwrap()
        .deleted_at
        .is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn membership_events_replay_to_the_memberships_under_concurrent_writes() {
    let app = Arc::new(App::new().await);
    let d = directory(&app, "okta").await;
    let g = d
        .call(
            &app,
            Method::POST,
            "/Groups",
            Some(json!({"displayName": "Busy"})),
        )
        .await;
    let gid = g.body["id"].as_str().unwrap().to_owned();
    for round in 0..12 {
        let r = d
            .call(
                &app,
                Method::POST,
                "/Users",
                Some(user(&format!("c{round}@acme.test"), &format!("c{round}"))),
            )
            .await;
        let uid = r.body["id"].as_str().unwrap().to_owned();
        // Joining the group, being deprovisioned and being deleted, all at once.
        let calls = [
            (
                Method::PATCH,
                format!("/Groups/{gid}"),
                Some(
                    json!({"Operations": [{"op": "add", "path": "members", "value": [{"value": uid}]}]}),
                ),
            ),
            (
                Method::PATCH,
                format!("/Users/{uid}"),
                Some(json!({"Operations": [{"op": "replace", "path": "active", "value": false}]})),
            ),
            (Method::DELETE, format!("/Users/{uid}"), None),
        ];
        let tasks: Vec<_> = calls
            .into_iter()
            .map(|(method, rel, body)| {
                let app = app.clone();
                let d = Dir {
                    id: d.id.clone(),
                    org: d.org.clone(),
                    token: d.token.clone(),
                };
                tokio::spawn(async move { d.call(&app, method, &rel, body).await.status.as_u16() })
            })
            .collect();
        for t in tasks {
            let status = t.await.unwrap();
            // Each either happened, or was refused as stale (409) or too late (404; 400 for
            // adding a user deleted meanwhile).
            assert!([200, 204, 400, 404, 409].contains(&status), "{status}");
        }
    }
    // Replaying the announcements gives exactly the memberships there are.
    let mut member: std::collections::HashMap<String, bool> = Default::default();
    for (t, data) in all_events(&app).await {
        let joined = match t.as_str() {
            "dsync.group.user_added" => true,
            "dsync.group.user_removed" => false,
            _ => continue,
        };
        let uid = data["user"]["id"].as_str().unwrap().to_owned();
        let was = member.insert(uid.clone(), joined).unwrap_or(false);
        assert_ne!(was, joined, "{uid} announced as {t} twice in a row");
    }
    let now = app.state.store.group_members(&gid, 1_000).await.unwrap();
    for (uid, is_member) in &member {
        assert_eq!(
            now.iter().any(|(id, _)| id == uid),
            *is_member,
            "{uid}: the events say member={is_member}"
        );
    }
    assert!(now.iter().all(|(id, _)| member.get(id) == Some(&true)));
}
