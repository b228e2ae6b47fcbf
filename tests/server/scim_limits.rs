//! Bounds an attacker (or an unlucky IdP) could push against directory sync: documents too large
//! to keep, and filters that scan every user.

use crate::scim::{directory, user, Dir};
use crate::*;
use portico::server::store::{DirectoryUserRow, UserListing};

fn scim_error(r: &Resp, status: u16, scim_type: Option<&str>) {
    assert_eq!(r.status.as_u16(), status, "{}", r.text);
    assert_eq!(r.body["status"], status.to_string(), "{}", r.text);
    assert_eq!(r.body["scimType"].as_str(), scim_type, "{}", r.text);
}

#[tokio::test]
async fn documents_past_64_kib_are_refused_members_aside() {
    let app = App::new().await;
    let d = directory(&app, "generic").await;
    // Far too large to be a user: refused before it is read (it is not even JSON).
    let junk = format!("{{\"userName\": \"{}", "x".repeat(200_000));
    let r = scim_as_raw(&app, &d, Method::POST, "/Users", junk).await;
    scim_error(&r, 413, None);
    assert!(
        r.body["detail"].as_str().unwrap().contains("KiB"),
        "{}",
        r.text
    );

    // Within the body limit, but more than a stored document may hold.
    let mut big = user("big@acme.test", "b1");
    let ext = "urn:example:params:scim:schemas:extension:acme:2.0:User";
    big[ext] = (0..80)
        .map(|i| (format!("attr{i}"), json!("v".repeat(1000))))
        .collect::<serde_json::Map<_, _>>()
        .into();
    let r = d.call(&app, Method::POST, "/Users", Some(big)).await;
    scim_error(&r, 413, None);
    assert!(
        r.body["detail"]
            .as_str()
            .unwrap()
            .contains("at most 64 KiB"),
        "{}",
        r.text
    );
    // A PATCH may not grow a user past it either; the user is unchanged.
    let r = d
        .call(
            &app,
            Method::POST,
            "/Users",
            Some(user("ok@acme.test", "o1")),
        )
        .await;
    let id = r.body["id"].as_str().unwrap().to_owned();
    let ops: Vec<Value> = (0..70)
        .map(|i| json!({"op": "add", "path": format!("{ext}:attr{i}"), "value": "w".repeat(1000)}))
        .collect();
    let r = d
        .call(
            &app,
            Method::PATCH,
            &format!("/Users/{id}"),
            Some(json!({"Operations": ops})),
        )
        .await;
    scim_error(&r, 413, None);
    let r = d
        .call(&app, Method::GET, &format!("/Users/{id}"), None)
        .await;
    assert!(r.body.get(ext).is_none(), "{}", r.text);

    // A group's members are rows of their own: a body of thousands of members is not refused
    // for its size (here for naming no real user), but the rest of the document is capped.
    let members: Vec<Value> = (0..3000)
        .map(|i| json!({"value": format!("dusr_{i:040}")}))
        .collect();
    let r = d
        .call(
            &app,
            Method::POST,
            "/Groups",
            Some(json!({"displayName": "Many", "members": members})),
        )
        .await;
    scim_error(&r, 400, Some("invalidValue"));
    let r = d
        .call(
            &app,
            Method::POST,
            "/Groups",
            Some(json!({"displayName": "Wordy", "description": "d".repeat(70_000)})),
        )
        .await;
    scim_error(&r, 413, None);
    assert!(
        r.body["detail"]
            .as_str()
            .unwrap()
            .contains("besides its members"),
        "{}",
        r.text
    );
}

async fn scim_as_raw(app: &App, d: &Dir, method: Method, rel: &str, body: String) -> Resp {
    app.raw(
        Request::builder()
            .method(method)
            .uri(format!("/scim/v2/{}{rel}", d.id))
            .header(header::AUTHORIZATION, format!("Bearer {}", d.token))
            .header(header::CONTENT_TYPE, "application/scim+json")
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn a_filter_no_index_answers_pages_through_every_user() {
    let app = App::new().await;
    let d = directory(&app, "generic").await;
    // More users than one page of the scan (1,000), written straight to the store.
    for i in 0..1_030 {
        let name = format!("p{i:04}@acme.test");
        let row = DirectoryUserRow {
            id: format!("dusr_p{i:04}"),
            directory_id: d.id.clone(),
            user_name: name.clone(),
            user_name_key: name.clone(),
            external_id: None,
            email: None,
            email_key: None,
            first_name: None,
            last_name: None,
            active: true,
            resource:
                json!({"userName": name, "title": if i % 100 == 7 { "Boss" } else { "Staff" }})
                    .to_string(),
            version: 1,
            created_at: T0,
            updated_at: T0,
            deleted_at: None,
        };
        app.state
            .store
            .insert_directory_user(&row, &[])
            .await
            .unwrap();
    }
    let listed = app
        .state
        .store
        .count_directory_users(&d.id, &UserListing::default())
        .await
        .unwrap();
    assert_eq!(listed, 1_030);
    // Bosses are users 7, 107, …, 1007: 11 of them, the last past the first page.
    let r = d
        .call(
            &app,
            Method::GET,
            "/Users?filter=title%20eq%20%22Boss%22&startIndex=10&count=5",
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["totalResults"], 11, "{}", r.text);
    let names: Vec<&str> = r.body["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["userName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["p0907@acme.test", "p1007@acme.test"]);
}
