//! Storage behind one narrow interface: SQLite now, PostgreSQL later, handlers unchanged.
//!
//! Rows are plain structs; the store never interprets JSON columns.
//!
//! One trait per resource (`environments.rs` declares [`EnvironmentStore`], and so on); [`Store`]
//! is their union, what the server holds as `Arc<dyn Store>`. To add a resource: declare its trait
//! in `<resource>.rs` here (a `mod` and a `pub use` line below), implement it for [`SqliteStore`]
//! in `sqlite/<resource>.rs` (a `mod` line in `sqlite.rs`), and add it to [`Store`], its blanket
//! impl and [`prelude`].

mod assets;
mod connections;
mod directories;
mod directory_groups;
mod directory_users;
mod domains;
mod environments;
mod events;
mod go_live;
mod organizations;
mod rows;
mod sqlite;
mod webhooks;

pub use directories::*;
pub use directory_groups::*;
pub use directory_users::*;

pub use rows::*;

pub use sqlite::SqliteStore;

pub use assets::AssetStore;
pub use connections::ConnectionStore;
pub use domains::DomainStore;
pub use environments::EnvironmentStore;
pub use events::EventStore;
pub use go_live::GoLiveStore;
pub use organizations::OrganizationStore;
pub use webhooks::WebhookStore;

use async_trait::async_trait;

impl TestRow {
    /// A new attempt waiting for the IdP's answer.
    pub fn pending(id: String, connection_id: &str, protocol: &str, now: i64) -> TestRow {
        TestRow {
            id,
            connection_id: connection_id.to_owned(),
            protocol: protocol.to_owned(),
            request_id: None,
            state_hash: None,
            secrets_enc: None,
            started_at: now,
            finished_at: None,
            outcome: "pending".into(),
            idp_initiated: false,
            error_code: None,
            result: None,
            config_version: None,
            login: None,
        }
    }
}

/// Why a store call failed.
#[derive(Debug)]
pub enum StoreError {
    /// A uniqueness constraint was violated; the name of the constraint or column.
    Conflict(String),
    /// Anything else: logged, never shown.
    Other(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Conflict(c) => write!(f, "conflict on {c}"),
            StoreError::Other(e) => write!(f, "store error: {e}"),
        }
    }
}

/// Result of store calls.
pub type StoreResult<T> = Result<T, StoreError>;

/// Everything the server stores. Scoping (environment, organization) is part of each call.
pub trait Store:
    EnvironmentStore
    + OrganizationStore
    + ConnectionStore
    + GoLiveStore
    + DomainStore
    + AssetStore
    + EventStore
    + WebhookStore
    + DirectoryStore
    + DirectoryUserStore
    + DirectoryGroupStore
{
}

/// Any type that stores every resource is a [`Store`].
impl<T> Store for T where
    T: EnvironmentStore
        + OrganizationStore
        + ConnectionStore
        + GoLiveStore
        + DomainStore
        + AssetStore
        + EventStore
        + WebhookStore
        + DirectoryStore
        + DirectoryUserStore
        + DirectoryGroupStore
{
}

/// Every store trait, for `use crate::server::store::prelude::*;` in code that calls methods on a
/// concrete store such as [`SqliteStore`] (each method needs its own trait in scope there; through
/// `dyn Store` or a bound `S: Store`, the methods of all its parts resolve without an import).
pub mod prelude {
    pub use crate::server::store::{
        AssetStore, ConnectionStore, DirectoryGroupStore, DirectoryStore, DirectoryUserStore,
        DomainStore, EnvironmentStore, EventStore, GoLiveStore, OrganizationStore, Store,
        WebhookStore,
    };
}
