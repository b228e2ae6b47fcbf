//! Routes a SCIM request to the user or group half of the service, and notes the directory's
//! first successful request.

use super::scim::{Done, ListQuery, Scim};
use crate::core::scim::ScimError;
use serde_json::Value;

impl Scim {
    /// `GET /Users` or `GET /Groups`.
    pub async fn list(&self, kind: &str, q: &ListQuery) -> Result<Done, (ScimError, String)> {
        let r = match kind {
            "Users" => super::user_reads::scim_list(self, q).await,
            _ => super::group_reads::scim_list(self, q).await,
        };
        r.map_err(|e| (e, format!("list {}", kind.to_ascii_lowercase())))
    }

    /// `GET /Users/{id}` or `GET /Groups/{id}`.
    pub async fn get(
        &self,
        kind: &str,
        id: &str,
        q: &ListQuery,
    ) -> Result<Done, (ScimError, String)> {
        let r = match kind {
            "Users" => super::user_reads::scim_get(self, id, q).await,
            _ => super::group_reads::scim_get(self, id, q).await,
        };
        r.map_err(|e| (e, format!("read {} {id}", singular(kind))))
    }

    /// `POST /Users` or `POST /Groups`.
    pub async fn create(&self, kind: &str, body: Value) -> Result<Done, (ScimError, String)> {
        let what = format!("create a {}", singular(kind));
        let r = match kind {
            "Users" => super::users::scim_create(self, body).await,
            _ => super::groups::scim_create(self, body).await,
        };
        self.succeeded(r).await.map_err(|e| (e, what))
    }

    /// `PUT /Users/{id}` or `PUT /Groups/{id}`.
    pub async fn replace(
        &self,
        kind: &str,
        id: &str,
        body: Value,
    ) -> Result<Done, (ScimError, String)> {
        let what = format!("replace {} {id}", singular(kind));
        let r = match kind {
            "Users" => super::users::scim_replace(self, id, body).await,
            _ => super::groups::scim_replace(self, id, body).await,
        };
        self.succeeded(r).await.map_err(|e| (e, what))
    }

    /// `PATCH /Users/{id}` or `PATCH /Groups/{id}`.
    pub async fn patch(
        &self,
        kind: &str,
        id: &str,
        body: Value,
    ) -> Result<Done, (ScimError, String)> {
        let what = format!("update {} {id}", singular(kind));
        let r = match kind {
            "Users" => super::users::scim_patch(self, id, body).await,
            _ => super::groups::scim_patch(self, id, body).await,
        };
        self.succeeded(r).await.map_err(|e| (e, what))
    }

    /// `DELETE /Users/{id}` or `DELETE /Groups/{id}`.
    pub async fn delete(&self, kind: &str, id: &str) -> Result<Done, (ScimError, String)> {
        let what = format!("delete {} {id}", singular(kind));
        let r = match kind {
            "Users" => super::users::scim_delete(self, id).await,
            _ => super::groups::scim_delete(self, id).await,
        };
        self.succeeded(r).await.map_err(|e| (e, what))
    }

    /// After a write that succeeded: the directory's first request makes it active.
    async fn succeeded(&self, r: Result<Done, ScimError>) -> Result<Done, ScimError> {
        let done = r?;
        super::note_success(&self.state, &self.dir).await?;
        Ok(done)
    }
}

fn singular(kind: &str) -> &'static str {
    match kind {
        "Users" => "user",
        _ => "group",
    }
}
