//! Rows as SQLite returns them, turned into the store's row types: one function per table,
//! named after it, so every query of a table decodes it the same way.

use super::super::*;
use sqlx::sqlite::SqliteRow;
use sqlx::Row;

pub(super) fn env_row(r: SqliteRow) -> Result<Environment, sqlx::Error> {
    Ok(Environment {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        created_at: r.try_get("created_at")?,
    })
}

pub(super) fn key_row(r: SqliteRow) -> Result<ApiKey, sqlx::Error> {
    Ok(ApiKey {
        id: r.try_get("id")?,
        environment_id: r.try_get("environment_id")?,
        name: r.try_get("name")?,
        key_hash: r.try_get("key_hash")?,
        key_prefix: r.try_get("key_prefix")?,
        created_at: r.try_get("created_at")?,
        revoked_at: r.try_get("revoked_at")?,
    })
}

pub(super) fn org_row(r: SqliteRow) -> Result<OrganizationRow, sqlx::Error> {
    let domains: String = r.try_get("domains")?;
    Ok(OrganizationRow {
        id: r.try_get("id")?,
        environment_id: r.try_get("environment_id")?,
        name: r.try_get("name")?,
        external_id: r.try_get("external_id")?,
        domains: serde_json::from_str(&domains).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        allow_profiles_outside_organization: r
            .try_get::<i64, _>("allow_profiles_outside_organization")?
            != 0,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

pub(super) fn link_row(r: SqliteRow) -> Result<LinkRow, sqlx::Error> {
    Ok(LinkRow {
        token_hash: r.try_get("token_hash")?,
        organization_id: r.try_get("organization_id")?,
        intent: r.try_get("intent")?,
        return_url: r.try_get("return_url")?,
        success_url: r.try_get("success_url")?,
        created_at: r.try_get("created_at")?,
        expires_at: r.try_get("expires_at")?,
        used_at: r.try_get("used_at")?,
        host: r.try_get("host")?,
    })
}

pub(super) fn session_row(r: SqliteRow) -> Result<SessionRow, sqlx::Error> {
    Ok(SessionRow {
        id_hash: r.try_get("id_hash")?,
        organization_id: r.try_get("organization_id")?,
        intents: r.try_get("intents")?,
        csrf_token: r.try_get("csrf_token")?,
        return_url: r.try_get("return_url")?,
        success_url: r.try_get("success_url")?,
        created_at: r.try_get("created_at")?,
        last_seen_at: r.try_get("last_seen_at")?,
        expires_at: r.try_get("expires_at")?,
        host: r.try_get("host")?,
        held_link: r.try_get("held_link")?,
    })
}

pub(super) fn conn_row(r: SqliteRow) -> Result<ConnectionRow, sqlx::Error> {
    Ok(ConnectionRow {
        id: r.try_get("id")?,
        organization_id: r.try_get("organization_id")?,
        idp: r.try_get("idp")?,
        protocol: r.try_get("protocol")?,
        state: r.try_get("state")?,
        config: r.try_get("config")?,
        client_secret_enc: r.try_get("client_secret_enc")?,
        draft: r.try_get("draft")?,
        attribute_mapping: r.try_get("attribute_mapping")?,
        options: r.try_get("options")?,
        sp_key_enc: r.try_get("sp_key_enc")?,
        sp_certificate: r.try_get("sp_certificate")?,
        config_version: r.try_get("config_version")?,
        last_test_id: r.try_get("last_test_id")?,
        last_tested_at: r.try_get("last_tested_at")?,
        last_test_result: r.try_get("last_test_result")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        base_url: r.try_get("base_url")?,
    })
}

pub(super) fn custom_domain_row(r: SqliteRow) -> Result<CustomDomainRow, sqlx::Error> {
    Ok(CustomDomainRow {
        id: r.try_get("id")?,
        environment_id: r.try_get("environment_id")?,
        hostname: r.try_get("hostname")?,
        state: r.try_get("state")?,
        created_at: r.try_get("created_at")?,
        last_checked_at: r.try_get("last_checked_at")?,
        last_result: r.try_get("last_result")?,
        next_check_at: r.try_get("next_check_at")?,
        attempts: r.try_get("attempts")?,
        activated_at: r.try_get("activated_at")?,
        warning: r.try_get("warning")?,
    })
}

pub(super) fn test_row(r: SqliteRow) -> Result<TestRow, sqlx::Error> {
    Ok(TestRow {
        id: r.try_get("id")?,
        connection_id: r.try_get("connection_id")?,
        protocol: r.try_get("protocol")?,
        request_id: r.try_get("request_id")?,
        state_hash: r.try_get("state_hash")?,
        secrets_enc: r.try_get("secrets_enc")?,
        started_at: r.try_get("started_at")?,
        finished_at: r.try_get("finished_at")?,
        outcome: r.try_get("outcome")?,
        idp_initiated: r.try_get::<i64, _>("idp_initiated")? != 0,
        error_code: r.try_get("error_code")?,
        result: r.try_get("result")?,
        config_version: r.try_get("config_version")?,
        login: r.try_get("login")?,
    })
}

pub(super) fn domain_row(r: SqliteRow) -> Result<DomainRow, sqlx::Error> {
    Ok(DomainRow {
        id: r.try_get("id")?,
        organization_id: r.try_get("organization_id")?,
        environment_id: r.try_get("environment_id")?,
        domain: r.try_get("domain")?,
        record_name: r.try_get("record_name")?,
        record_value: r.try_get("record_value")?,
        state: r.try_get("state")?,
        created_at: r.try_get("created_at")?,
        fails_at: r.try_get("fails_at")?,
        last_checked_at: r.try_get("last_checked_at")?,
        last_result: r.try_get("last_result")?,
        next_check_at: r.try_get("next_check_at")?,
        attempts: r.try_get("attempts")?,
        verified_at: r.try_get("verified_at")?,
        verification_method: r.try_get("verification_method")?,
        verified_by: r.try_get("verified_by")?,
        record_last_seen_at: r.try_get("record_last_seen_at")?,
        warning: r.try_get("warning")?,
    })
}

pub(super) fn refresh_row(r: SqliteRow) -> Result<RefreshRow, sqlx::Error> {
    Ok(RefreshRow {
        connection_id: r.try_get("connection_id")?,
        metadata_url: r.try_get("metadata_url")?,
        next_at: r.try_get("next_at")?,
        failures: r.try_get("failures")?,
        last_checked_at: r.try_get("last_checked_at")?,
        last_error: r.try_get("last_error")?,
    })
}

pub(super) fn event_row(r: SqliteRow) -> Result<CertEventRow, sqlx::Error> {
    Ok(CertEventRow {
        connection_id: r.try_get("connection_id")?,
        at: r.try_get("at")?,
        kind: r.try_get("kind")?,
        sha256_fingerprint: r.try_get("sha256_fingerprint")?,
        subject: r.try_get("subject")?,
        not_after: r.try_get("not_after")?,
    })
}

pub(super) fn client_secret_row(r: SqliteRow) -> Result<ClientSecretRow, sqlx::Error> {
    Ok(ClientSecretRow {
        id: r.try_get("id")?,
        environment_id: r.try_get("environment_id")?,
        secret_hash: r.try_get("secret_hash")?,
        prefix: r.try_get("prefix")?,
        created_at: r.try_get("created_at")?,
        revoked_at: r.try_get("revoked_at")?,
    })
}

pub(super) fn redirect_uri_row(r: SqliteRow) -> Result<RedirectUriRow, sqlx::Error> {
    Ok(RedirectUriRow {
        environment_id: r.try_get("environment_id")?,
        uri: r.try_get("uri")?,
        is_default: r.try_get::<i64, _>("is_default")? != 0,
        created_at: r.try_get("created_at")?,
    })
}

pub(super) fn code_row(r: SqliteRow) -> Result<CodeRow, sqlx::Error> {
    Ok(CodeRow {
        code_hash: r.try_get("code_hash")?,
        environment_id: r.try_get("environment_id")?,
        client_id: r.try_get("client_id")?,
        redirect_uri: r.try_get("redirect_uri")?,
        code_challenge: r.try_get("code_challenge")?,
        grant: r.try_get("grant")?,
        created_at: r.try_get("created_at")?,
        expires_at: r.try_get("expires_at")?,
        used_at: r.try_get("used_at")?,
    })
}

pub(super) fn log_event_row(r: SqliteRow) -> Result<EventRow, sqlx::Error> {
    Ok(EventRow {
        seq: r.try_get("seq")?,
        id: r.try_get("id")?,
        environment_id: r.try_get("environment_id")?,
        environment_name: r.try_get("environment_name")?,
        event_type: r.try_get("type")?,
        organization_id: r.try_get("organization_id")?,
        created_at: r.try_get("created_at")?,
        data: r.try_get("data")?,
    })
}
