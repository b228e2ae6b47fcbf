//! Environments, API keys, environment settings, theme, embedding and custom attributes, and the
//! server's address.

use super::*;
use async_trait::async_trait;

/// Environments and what belongs to one: API keys, settings, theme, embedding, custom profile
/// attributes; and the address the server last served at.
#[async_trait]
pub trait EnvironmentStore: Send + Sync {
    /// Creates an environment; `Conflict` if the name is taken.
    async fn create_environment(&self, env: &Environment) -> StoreResult<()>;
    /// Finds an environment by name.
    async fn environment_by_name(&self, name: &str) -> StoreResult<Option<Environment>>;
    /// All environments.
    async fn list_environments(&self) -> StoreResult<Vec<Environment>>;

    /// Stores a new API key.
    async fn insert_api_key(&self, key: &ApiKey) -> StoreResult<()>;
    /// The key with this hash, revoked or not.
    async fn api_key_by_hash(&self, key_hash: &str) -> StoreResult<Option<ApiKey>>;
    /// Keys of an environment.
    async fn list_api_keys(&self, environment_id: &str) -> StoreResult<Vec<ApiKey>>;
    /// Revokes a key by id or name; false if none matched.
    async fn revoke_api_key(
        &self,
        environment_id: &str,
        id_or_name: &str,
        now: i64,
    ) -> StoreResult<bool>;
    /// The environment's custom profile attributes, as JSON.
    async fn custom_attributes(&self, environment_id: &str) -> StoreResult<String>;
    /// Replaces them.
    async fn set_custom_attributes(&self, environment_id: &str, json: &str) -> StoreResult<()>;
    /// An environment's settings, as JSON.
    async fn environment_settings(&self, environment_id: &str) -> StoreResult<String>;
    /// Replaces them.
    async fn set_environment_settings(&self, environment_id: &str, json: &str) -> StoreResult<()>;

    /// The environment's theme (JSON), if it has one.
    async fn environment_theme(&self, environment_id: &str) -> StoreResult<Option<String>>;
    /// Sets or clears it.
    async fn set_environment_theme(
        &self,
        environment_id: &str,
        json: Option<&str>,
    ) -> StoreResult<()>;

    /// The environment's embedding settings (defaults for an unknown environment).
    async fn embedding(&self, environment_id: &str) -> StoreResult<EmbeddingRow>;
    /// Replaces them.
    async fn set_embedding(&self, environment_id: &str, row: &EmbeddingRow) -> StoreResult<()>;

    /// Records where the server now starting serves, replacing the previous record.
    async fn set_server_address(&self, row: &ServerAddressRow) -> StoreResult<()>;
    /// Where the server last started with this database serves, if one ever did.
    async fn server_address(&self) -> StoreResult<Option<ServerAddressRow>>;
}
