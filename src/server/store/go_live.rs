//! Going live: client secrets, redirect URIs, authorization codes.

use super::*;
use async_trait::async_trait;

/// Going live (Portico as the vendor app's identity provider): client secrets, redirect URIs and
/// authorization codes.
#[async_trait]
pub trait GoLiveStore: Send + Sync {
    /// Adds a client secret.
    async fn insert_client_secret(&self, s: &ClientSecretRow) -> StoreResult<()>;
    /// An environment's client secrets, oldest first, revoked ones included.
    async fn list_client_secrets(&self, environment_id: &str) -> StoreResult<Vec<ClientSecretRow>>;
    /// Revokes one; false if it was not live.
    async fn revoke_client_secret(
        &self,
        environment_id: &str,
        id: &str,
        now: i64,
    ) -> StoreResult<bool>;
    /// An environment's redirect URIs, oldest first.
    async fn list_redirect_uris(&self, environment_id: &str) -> StoreResult<Vec<RedirectUriRow>>;
    /// Replaces them all at once.
    async fn set_redirect_uris(
        &self,
        environment_id: &str,
        uris: &[RedirectUriRow],
    ) -> StoreResult<()>;
    /// Stores a new authorization code.
    async fn insert_code(&self, c: &CodeRow) -> StoreResult<()>;
    /// Marks a code used, atomically: a code works once, before it expires.
    async fn redeem_code(&self, code_hash: &str, now: i64) -> StoreResult<CodeRedeemed>;
    /// A code as stored, used or not, without marking it: the token endpoint checks who asks
    /// before it spends the code.
    async fn code(&self, code_hash: &str) -> StoreResult<Option<CodeRow>>;
}
