//! The event log (issue 16 §1): every change writes its event in the same transaction, and the
//! log reads back in commit order.

use crate::*;
use portico::server::store::{EventFilter, EventRow, NewEvent};

/// Every event of the app's environment, oldest first, straight from the store.
pub async fn logged(app: &App) -> Vec<EventRow> {
    app.state
        .store
        .events_after(&EventFilter {
            limit: 10_000,
            ..EventFilter::default()
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn organization_changes_log_the_organization_as_the_api_returns_it() {
    let app = App::new().await;
    let id = app.org("Acme").await;
    app.advance(60);
    let r = app
        .vendor(
            Method::PATCH,
            &format!("/api/v1/organizations/{id}"),
            Some(json!({ "name": "Acme Inc" })),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let after_patch = r.body.clone();
    app.advance(60);
    let r = app
        .vendor(Method::DELETE, &format!("/api/v1/organizations/{id}"), None)
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    // Deleting what is gone changes nothing and logs nothing.
    let r = app
        .vendor(Method::DELETE, &format!("/api/v1/organizations/{id}"), None)
        .await;
    assert_eq!(r.status, 404, "{}", r.text);

    let log = logged(&app).await;
    let types: Vec<_> = log.iter().map(|e| e.event_type.as_str()).collect();
    assert_eq!(
        types,
        [
            "organization.created",
            "organization.updated",
            "organization.deleted"
        ]
    );
    for (e, at) in log.iter().zip([T0, T0 + 60, T0 + 120]) {
        assert!(e.id.starts_with("evt_"), "{}", e.id);
        assert_eq!(e.organization_id.as_deref(), Some(id.as_str()));
        assert_eq!(e.environment_name, "development");
        assert_eq!(e.created_at, at);
    }
    assert!(log.windows(2).all(|w| w[0].seq < w[1].seq));
    let updated: Value = serde_json::from_str(&log[1].data).unwrap();
    assert_eq!(updated, after_patch);
    let deleted: Value = serde_json::from_str(&log[2].data).unwrap();
    assert_eq!(deleted["name"], "Acme Inc");
}

#[tokio::test]
async fn a_change_and_its_event_commit_together_or_not_at_all() {
    let app = App::new().await;
    let org_id = app.org("Acme").await;
    let env = app
        .state
        .store
        .organization_by_id(&org_id)
        .await
        .unwrap()
        .unwrap()
        .environment_id;
    let first = logged(&app).await.remove(0);

    // The change fails (duplicate external id): no event.
    let r = app
        .vendor(
            Method::POST,
            "/api/v1/organizations",
            Some(json!({ "name": "A", "external_id": "x" })),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let before = logged(&app).await.len();
    let r = app
        .vendor(
            Method::POST,
            "/api/v1/organizations",
            Some(json!({ "name": "B", "external_id": "x" })),
        )
        .await;
    assert_error(&r, 409, "duplicate_external_id");
    assert_eq!(logged(&app).await.len(), before);

    // The event fails (its id is taken): the change is rolled back with it.
    let mut org = app
        .state
        .store
        .organization_by_id(&org_id)
        .await
        .unwrap()
        .unwrap();
    org.name = "Renamed".into();
    let clash = NewEvent {
        id: first.id.clone(),
        environment_id: env,
        event_type: "organization.updated".into(),
        organization_id: Some(org_id.clone()),
        created_at: T0,
        data: "{}".into(),
    };
    assert!(app
        .state
        .store
        .update_organization(&org, &[clash])
        .await
        .is_err());
    let kept = app
        .state
        .store
        .organization_by_id(&org_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kept.name, "Acme");
    assert_eq!(logged(&app).await.len(), before);
}
