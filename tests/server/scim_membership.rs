//! Group membership over SCIM through the router: the events a membership change announces
//! (each user as it was before the change, the group, and the role change that follows), for
//! one member and for hundreds at once, and deltas that name only a few members of a large
//! group.

use crate::scim::{directory, user, Dir};
use crate::*;

/// Every event logged so far, oldest first: (type, data).
pub async fn all_events(app: &App) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let path = match &after {
            Some(a) => format!("/api/v1/events?limit=100&after={a}"),
            None => "/api/v1/events?limit=100".to_owned(),
        };
        let r = app.vendor(Method::GET, &path, None).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let page = r.body["data"].as_array().unwrap().clone();
        after = page
            .last()
            .and_then(|e| e["id"].as_str())
            .map(str::to_owned);
        out.extend(
            page.iter()
                .map(|e| (e["type"].as_str().unwrap().to_owned(), e["data"].clone())),
        );
        if r.body["has_more"] != true {
            return out;
        }
    }
}

/// The events logged by `then`.
async fn events_of<F: std::future::Future<Output = ()>>(
    app: &App,
    then: F,
) -> Vec<(String, Value)> {
    let before = all_events(app).await.len();
    then.await;
    all_events(app).await.split_off(before)
}

pub async fn users(app: &App, d: &Dir, n: usize, prefix: &str) -> Vec<String> {
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        let r = d
            .call(
                app,
                Method::POST,
                "/Users",
                Some(user(
                    &format!("{prefix}{i}@acme.test"),
                    &format!("{prefix}{i}"),
                )),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        ids.push(r.body["id"].as_str().unwrap().to_owned());
    }
    ids
}

async fn patch_group(app: &App, d: &Dir, gid: &str, ops: Value) -> Resp {
    d.call(
        app,
        Method::PATCH,
        &format!("/Groups/{gid}"),
        Some(json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": ops})),
    )
    .await
}

fn group_names(user: &Value) -> Vec<&str> {
    user["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn membership_events_show_the_user_before_the_change_and_the_role_it_then_gets() {
    let app = App::new().await;
    let r = app
        .vendor(
            Method::PUT,
            "/api/v1/roles",
            Some(json!({
                "roles": [{"slug": "admin", "name": "Admin"}, {"slug": "member", "name": "Member"}],
                "default_role": "member"
            })),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let d = directory(&app, "okta").await;
    let ids = users(&app, &d, 2, "m").await;
    let (a, b) = (&ids[0], &ids[1]);
    let eng = d
        .call(
            &app,
            Method::POST,
            "/Groups",
            Some(json!({"displayName": "Eng", "members": [{"value": a}]})),
        )
        .await;
    let ops = d
        .call(
            &app,
            Method::POST,
            "/Groups",
            Some(json!({"displayName": "Ops"})),
        )
        .await;
    assert_eq!(
        (eng.status.as_u16(), ops.status.as_u16()),
        (201, 201),
        "{} {}",
        eng.text,
        ops.text
    );
    let ops = ops.body["id"].as_str().unwrap().to_owned();
    // The admin maps Ops to `admin` (written as the portal's mapping step writes it).
    let mut row = app.state.store.directory(&d.id).await.unwrap().unwrap();
    row.role_mapping = json!({ &ops: "admin" }).to_string();
    app.state.store.update_directory(&row, &[]).await.unwrap();

    let evs = events_of(&app, async {
        let r = patch_group(
            &app,
            &d,
            &ops,
            json!([{"op": "add", "path": "members", "value": [{"value": a}, {"value": b}]}]),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.text);
    })
    .await;
    assert_eq!(evs.len(), 4, "{evs:?}");
    for pair in evs.chunks(2) {
        let ((added, data), (changed, role)) = (&pair[0], &pair[1]);
        assert_eq!(
            (added.as_str(), changed.as_str()),
            ("dsync.group.user_added", "dsync.role_changed")
        );
        let user = &data["user"];
        assert_eq!(
            role["id"], user["id"],
            "the role change follows its membership"
        );
        assert_eq!(data["directory_id"], d.id.as_str());
        assert_eq!(
            (
                data["group"]["id"].as_str(),
                data["group"]["user_count"].as_u64()
            ),
            (Some(ops.as_str()), Some(0)),
            "the group as it was: {data}"
        );
        // The user as it was: not yet in Ops, so the default role; slim, without its raw
        // document or its groups (a user leaving G groups must not write G × G groups).
        assert_eq!(user["role"], "member");
        assert!(
            user.get("groups").is_none() && user.get("raw_attributes").is_none(),
            "{user}"
        );
        assert_eq!(
            (role["role"].as_str(), role["previous_role"].as_str()),
            (Some("admin"), Some("member"))
        );
        // The role change names the groups the user is in now.
        let after: Vec<&str> = if user["id"] == a.as_str() {
            vec!["Eng", "Ops"]
        } else {
            vec!["Ops"]
        };
        assert_eq!(group_names(role), after, "{role}");
    }

    let evs = events_of(&app, async {
        let r = patch_group(
            &app,
            &d,
            &ops,
            json!([{"op": "remove", "path": format!("members[value eq \"{a}\"]")}]),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.text);
    })
    .await;
    let types: Vec<&str> = evs.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(types, ["dsync.group.user_removed", "dsync.role_changed"]);
    let (removed, role) = (&evs[0].1, &evs[1].1);
    assert_eq!(removed["group"]["user_count"], 2);
    assert!(removed["user"].get("groups").is_none(), "{removed}");
    assert_eq!(removed["user"]["role"], "admin");
    assert_eq!(group_names(role), ["Eng"]);
    assert_eq!(
        (role["role"].as_str(), role["previous_role"].as_str()),
        (Some("member"), Some("admin"))
    );

    // Deprovisioning b: it leaves Ops, announced with b as it was (no role change is sent).
    let evs = events_of(&app, async {
        let r = d
            .call(
                &app,
                Method::PATCH,
                &format!("/Users/{b}"),
                Some(json!({"Operations": [{"op": "replace", "path": "active", "value": false}]})),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
    })
    .await;
    let types: Vec<&str> = evs.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(types, ["dsync.group.user_removed", "dsync.user.updated"]);
    assert_eq!(evs[0].1["group"]["id"], ops.as_str());
    assert_eq!(evs[0].1["group"]["user_count"], 1);
    assert_eq!(evs[0].1["user"]["role"], "admin");
    assert_eq!(evs[0].1["user"]["state"], "active");
}

#[tokio::test]
async fn hundreds_of_members_join_at_once_and_a_patch_names_only_the_few_it_changes() {
    let app = App::new().await;
    let d = directory(&app, "okta").await;
    // More than one batch of the store's id lists (500).
    let ids = users(&app, &d, 620, "u").await;
    let members: Vec<Value> = ids[..600].iter().map(|id| json!({ "value": id })).collect();
    let mut gid = String::new();
    let evs = events_of(&app, async {
        let g = d
            .call(
                &app,
                Method::POST,
                "/Groups",
                Some(json!({"displayName": "Everyone", "members": members})),
            )
            .await;
        assert_eq!(g.status, 201, "{}", g.text);
        assert_eq!(g.body["members"].as_array().unwrap().len(), 600);
        gid = g.body["id"].as_str().unwrap().to_owned();
    })
    .await;
    assert_eq!(evs[0].0, "dsync.group.created");
    let mut added: Vec<&str> = evs[1..]
        .iter()
        .map(|(t, data)| {
            assert_eq!(t, "dsync.group.user_added");
            assert_eq!(data["group"]["id"], gid.as_str());
            assert!(data["user"].get("groups").is_none(), "{data}");
            data["user"]["id"].as_str().unwrap()
        })
        .collect();
    let sorted = added.clone();
    added.sort_unstable();
    assert_eq!(added, sorted, "announced in id order");
    let mut want: Vec<&str> = ids[..600].iter().map(String::as_str).collect();
    want.sort_unstable();
    assert_eq!(added, want);

    // One in, one out, one already in, one never in: two events.
    let evs = events_of(&app, async {
        let r = patch_group(
            &app,
            &d,
            &gid,
            json!([
                {"op": "add", "path": "members", "value": [{"value": ids[600]}, {"value": ids[5]}]},
                {"op": "remove", "path": "members", "value": [{"value": ids[7]}, {"value": ids[610]}]}
            ]),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.body["members"].as_array().unwrap().len(), 600);
    })
    .await;
    let got: Vec<(&str, &str, u64)> = evs
        .iter()
        .map(|(t, data)| {
            (
                t.as_str(),
                data["user"]["id"].as_str().unwrap(),
                data["group"]["user_count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("dsync.group.user_added", ids[600].as_str(), 600),
            ("dsync.group.user_removed", ids[7].as_str(), 600)
        ]
    );
    // Sending the same again changes nothing and announces nothing.
    let evs = events_of(&app, async {
        let r = patch_group(&app, &d, &gid, json!([{"op": "add", "path": "members", "value": [{"value": ids[600]}]}, {"op": "remove", "path": "members", "value": [{"value": ids[7]}]}])).await;
        assert_eq!(r.status, 200, "{}", r.text);
    })
    .await;
    assert!(evs.is_empty(), "{evs:?}");
    let vg = app
        .vendor(
            Method::GET,
            &format!("/api/v1/directory_groups/{gid}"),
            None,
        )
        .await;
    assert_eq!(vg.body["user_count"], 600, "{}", vg.text);
}
