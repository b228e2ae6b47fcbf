//! Domains and custom domains (hostnames).

use super::*;
use async_trait::async_trait;

/// An organization's domains (verified by DNS) and an environment's custom hostnames.
#[async_trait]
pub trait DomainStore: Send + Sync {
    /// Adds a domain; `Conflict` if the organization has it already.
    async fn insert_domain(&self, d: &DomainRow, events: &[NewEvent]) -> StoreResult<()>;
    /// A domain by id (callers check the organization).
    async fn domain(&self, id: &str) -> StoreResult<Option<DomainRow>>;
    /// An organization's domains, oldest first.
    async fn list_domains(&self, organization_id: &str) -> StoreResult<Vec<DomainRow>>;
    /// Stores a domain's state and schedule; `Conflict` if verifying it would make it verified
    /// twice in the environment.
    async fn update_domain(&self, d: &DomainRow, events: &[NewEvent]) -> StoreResult<()>;
    /// Removes a domain.
    async fn delete_domain(&self, id: &str, events: &[NewEvent]) -> StoreResult<bool>;
    /// Claims up to `limit` domains due at `now`: their next check moves to `lease_until` in
    /// the same statement, so no other worker (or a restarted process) takes them meanwhile.
    async fn claim_due_domains(
        &self,
        now: i64,
        lease_until: i64,
        limit: i64,
    ) -> StoreResult<Vec<DomainRow>>;
    /// The organization that verified `domain` in the environment, if one did.
    async fn domain_verified_by(
        &self,
        environment_id: &str,
        domain: &str,
    ) -> StoreResult<Option<String>>;
    /// Adds a custom hostname; `Conflict` if any environment has it already.
    async fn insert_custom_domain(&self, d: &CustomDomainRow) -> StoreResult<()>;
    /// A custom hostname by id (callers check the environment).
    async fn custom_domain(&self, id: &str) -> StoreResult<Option<CustomDomainRow>>;
    /// A custom hostname by its name (ASCII, lowercase).
    async fn custom_domain_by_hostname(
        &self,
        hostname: &str,
    ) -> StoreResult<Option<CustomDomainRow>>;
    /// An environment's custom hostnames, oldest first.
    async fn list_custom_domains(&self, environment_id: &str) -> StoreResult<Vec<CustomDomainRow>>;
    /// Stores a custom hostname's state and schedule.
    async fn update_custom_domain(
        &self,
        d: &CustomDomainRow,
        events: &[NewEvent],
    ) -> StoreResult<()>;
    /// Removes a custom hostname.
    async fn delete_custom_domain(&self, id: &str) -> StoreResult<bool>;
    /// Claims up to `limit` custom hostnames due at `now` (see [`DomainStore::claim_due_domains`]).
    async fn claim_due_custom_domains(
        &self,
        now: i64,
        lease_until: i64,
        limit: i64,
    ) -> StoreResult<Vec<CustomDomainRow>>;
}
