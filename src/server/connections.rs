//! Connections: turning rows into the wire view, and accepting the admin's IdP details.

use crate::api::connection::{
    CertificateChange, CertificateChangeKind, CertificateSummary, Connection, ConnectionState,
    MetadataRefresh, OidcConfig, OidcInput, SamlConfig, SamlInput, SamlInputMethod,
};
use crate::api::event::EventType;
use crate::api::protocol::Protocol;
use crate::api::test_sign_in::TestOutcome;
use crate::api::time::Timestamp;
use crate::api::ErrorCode;
use crate::core::metadata::{self, MetadataProblem};
use crate::core::validate;
use crate::server::error::Error;
use crate::server::events;
use crate::server::store::{ConnectionRow, NewEvent};
use crate::server::{oidc, saml, AppState};

pub mod stored;
pub use stored::{base_url, from_metadata, sp_values, StoredOidc, StoredSaml};

/// A new draft connection for a catalog IdP, with its own SP key pair for encrypted assertions.
///
/// `base_url` is the hostname's base the admin (or the vendor's link) is on: the SP values the
/// IdP is configured with are issued under it for good.
pub async fn new_row(
    state: &AppState,
    organization_id: &str,
    entry: &crate::core::catalog::IdpEntry,
    base_url: &str,
    now: i64,
) -> Result<ConnectionRow, Error> {
    let id = crate::server::crypto::id("conn_");
    let mut row = ConnectionRow::new_draft(
        id,
        organization_id.to_owned(),
        entry.key,
        entry.protocol.as_str(),
        now,
    );
    row.base_url = Some(base_url.to_owned());
    if entry.protocol == Protocol::Saml {
        let sp = sp_values(state, &row);
        let pair = saml::keys::generate_off_thread(&sp.entity_id, now)
            .await
            .map_err(Error::internal)?;
        row.sp_key_enc = Some(state.secrets.seal(pair.private_key_pem.as_bytes()));
        row.sp_certificate = Some(pair.certificate_pem);
    }
    Ok(row)
}

/// Records new SAML details: a change of IdP (entity ID, URL, binding) needs a new test before
/// the connection counts as active again; a certificate rollover alone does not.
pub fn apply_saml(row: &mut ConnectionRow, stored: &StoredSaml, now: i64) -> Result<(), Error> {
    let previous = row
        .config
        .as_deref()
        .and_then(|c| serde_json::from_str::<StoredSaml>(c).ok());
    let same_idp = previous.as_ref().is_some_and(|p| {
        p.idp_entity_id == stored.idp_entity_id
            && p.sso_url == stored.sso_url
            && p.sso_binding == stored.sso_binding
    });
    if !same_idp {
        changed(row);
    }
    row.config = Some(serde_json::to_string(stored).map_err(Error::internal)?);
    row.updated_at = now;
    Ok(())
}

/// Why a saved client secret may not be kept for new details, if it may not: a secret is only
/// ever sent to the provider, token endpoint and client it was entered for, so changing any of
/// them needs the secret entered again (the saved one stays with the old details until then).
pub fn secret_unpaired(previous: &StoredOidc, next: &StoredOidc) -> Option<String> {
    if previous.issuer.trim_end_matches('/') != next.issuer.trim_end_matches('/') {
        Some(format!(
            "The issuer changed from {} to {}. Enter the client secret again: a saved secret is \
                only ever sent to the provider it was entered for.",
            previous.issuer, next.issuer
        ))
    } else if !crate::server::oidc::same_origin(
        previous.token_endpoint.as_deref(),
        next.token_endpoint.as_deref(),
    ) {
        Some(format!(
            "The provider's token endpoint moved to {}. Enter the client secret again: a saved \
                secret is only ever sent where it was entered for.",
            next.token_endpoint.as_deref().unwrap_or("(none)")
        ))
    } else if previous.client_id != next.client_id {
        Some(
            "The client ID changed. Enter the client secret that belongs to the new client ID."
                .to_owned(),
        )
    } else {
        None
    }
}

/// Records new OIDC details (and secret, when given); any change needs a new test. Details
/// that would send the saved secret somewhere new are refused unless a secret comes with them.
pub fn apply_oidc(
    row: &mut ConnectionRow,
    stored: &StoredOidc,
    sealed_secret: Option<Vec<u8>>,
    now: i64,
) -> Result<(), Error> {
    if sealed_secret.is_none() && row.client_secret_enc.is_some() {
        let previous = row
            .config
            .as_deref()
            .and_then(|c| serde_json::from_str::<StoredOidc>(c).ok());
        let why = match &previous {
            Some(p) => secret_unpaired(p, stored),
            None => Some("Enter the client secret.".to_owned()),
        };
        if let Some(why) = why {
            return Err(Error::invalid("client_secret", why));
        }
    }
    let config = serde_json::to_string(stored).map_err(Error::internal)?;
    if row.config.as_deref() != Some(config.as_str()) || sealed_secret.is_some() {
        changed(row);
    }
    if sealed_secret.is_some() {
        row.client_secret_enc = sealed_secret;
    }
    row.config = Some(config);
    row.updated_at = now;
    Ok(())
}

/// Checks and records an attribute mapping. It changes what the profile looks like, not whether
/// the IdP connection works, so an active connection stays active.
pub fn apply_mapping(
    row: &mut ConnectionRow,
    m: crate::api::mapping::AttributeMapping,
    custom: &[crate::api::mapping::CustomAttribute],
    now: i64,
) -> Result<(), Error> {
    let trim = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    // `$NameID` and `$nameid` are the same choice: store and return one spelling.
    let source = |v: Option<String>| {
        trim(v).map(|s| {
            if crate::core::mapping::is_name_id(&s) {
                crate::api::mapping::NAME_ID_SOURCE.to_owned()
            } else {
                s
            }
        })
    };
    let m = crate::api::mapping::AttributeMapping {
        idp_id: source(m.idp_id),
        email: source(m.email),
        first_name: trim(m.first_name),
        last_name: trim(m.last_name),
        name: trim(m.name),
        groups: trim(m.groups),
        custom: m
            .custom
            .into_iter()
            .map(|(k, v)| (k, v.trim().to_owned()))
            .filter(|(_, v)| !v.is_empty())
            .collect(),
    };
    let problems = crate::core::mapping::check(&m, custom);
    if !problems.is_empty() {
        let mut err =
            Error::new(ErrorCode::ValidationFailed).message("Some mapped fields need attention.");
        err.fields = problems;
        return Err(err);
    }
    row.attribute_mapping = Some(serde_json::to_string(&m).map_err(Error::internal)?);
    row.updated_at = now;
    Ok(())
}

fn changed(row: &mut ConnectionRow) {
    row.config_version += 1;
    if row.state == ConnectionState::Active.as_str() {
        row.state = ConnectionState::Configured.as_str().to_owned();
    }
}

/// A `connection.*` event: `data` is the connection as `GET /api/v1/connections/{id}` returns it.
pub async fn event(
    state: &AppState,
    event_type: EventType,
    row: &ConnectionRow,
    now: i64,
) -> Result<NewEvent, Error> {
    let env = events::environment_of(state.store.as_ref(), &row.organization_id).await?;
    let view = event_view(state, row).await?;
    events::new(&env, event_type, Some(&row.organization_id), &view, now)
}

/// The connection as events carry it: the vendor API's view without the admin's unsaved form
/// input (`draft`), which is no fact about the connection and may be large (a pasted metadata
/// document): copied into every event and every webhook, it would only cost space.
pub async fn event_view(state: &AppState, row: &ConnectionRow) -> Result<Connection, Error> {
    let mut view = view_full(state, row).await?;
    view.draft = serde_json::Value::Object(serde_json::Map::new());
    Ok(view)
}

/// Saves a connection's state and settings (see [`ConnectionStore::update_connection`]), logging
/// in the same transaction what changed since `before`: configured, activated, deactivated.
///
/// [`ConnectionStore::update_connection`]: crate::server::store::ConnectionStore::update_connection
pub async fn save_logged(
    state: &AppState,
    before: &ConnectionRow,
    row: &ConnectionRow,
) -> Result<(), Error> {
    let types = events::connection_changes(before, row);
    let mut logged = Vec::with_capacity(types.len());
    if !types.is_empty() {
        // The view is read once, and only when there is something to log.
        let env = events::environment_of(state.store.as_ref(), &row.organization_id).await?;
        let view = view_full(state, row).await?;
        let now = state.clock.now();
        for t in types {
            logged.push(events::new(
                &env,
                t,
                Some(&row.organization_id),
                &view,
                now,
            )?);
        }
    }
    state.store.update_connection(row, &logged).await?;
    Ok(())
}

/// [`view`] plus what lives beside the row: the metadata refresh schedule, certificate history
/// and the environment's custom attributes.
pub async fn view_full(state: &AppState, row: &ConnectionRow) -> Result<Connection, Error> {
    let mut c = view(state, row);
    if let Some(org) = state.store.organization_by_id(&row.organization_id).await? {
        c.custom_attributes = stored::custom_attributes(state, &org.environment_id).await?;
    }
    if let Some(saml) = c.saml.as_mut() {
        saml.refresh = state
            .store
            .refresh(&row.id)
            .await?
            .map(|r| MetadataRefresh {
                last_checked_at: r.last_checked_at.map(Timestamp::from_unix),
                next_check_at: Timestamp::from_unix(r.next_at),
                last_error: r.last_error,
            });
        saml.certificate_history = state
            .store
            .cert_events(&row.id)
            .await?
            .into_iter()
            .map(|e| CertificateChange {
                at: Timestamp::from_unix(e.at),
                kind: if e.kind == "removed" {
                    CertificateChangeKind::Removed
                } else {
                    CertificateChangeKind::Added
                },
                sha256_fingerprint: e.sha256_fingerprint,
                subject: e.subject,
                not_after: Timestamp::from_unix(e.not_after),
            })
            .collect();
    }
    Ok(c)
}

/// The wire view of a connection row. Never includes the client secret.
pub fn view(state: &AppState, row: &ConnectionRow) -> Connection {
    let protocol = row.protocol();
    let (mut saml_cfg, mut oidc_cfg) = (None, None);
    if let Some(cfg) = &row.config {
        match protocol {
            Protocol::Saml => {
                saml_cfg = serde_json::from_str::<StoredSaml>(cfg)
                    .ok()
                    .map(|s| SamlConfig {
                        idp_entity_id: s.idp_entity_id,
                        sso_url: s.sso_url,
                        sso_binding: s.sso_binding,
                        certificates: s
                            .certificates
                            .iter()
                            .map(|c| CertificateSummary {
                                subject: c.subject.clone(),
                                not_after: Timestamp::from_unix(c.not_after),
                                sha256_fingerprint: c.sha256_fingerprint.clone(),
                            })
                            .collect(),
                        metadata_url: s.metadata_url,
                        refresh: None,
                        certificate_history: Vec::new(),
                    })
            }
            Protocol::Oidc => {
                oidc_cfg = serde_json::from_str::<StoredOidc>(cfg)
                    .ok()
                    .map(|o| OidcConfig {
                        issuer: o.issuer,
                        client_id: o.client_id,
                        client_secret_set: row.client_secret_enc.is_some(),
                        authorization_endpoint: o.authorization_endpoint,
                        token_endpoint: o.token_endpoint,
                    })
            }
        }
    }
    let sp = sp_values(state, row);
    Connection {
        id: row.id.clone(),
        organization_id: row.organization_id.clone(),
        idp: row.idp.clone(),
        protocol,
        state: ConnectionState::parse(&row.state).unwrap_or(ConnectionState::Draft),
        acs_url: (protocol == Protocol::Saml).then(|| sp.acs_url.clone()),
        sp_entity_id: (protocol == Protocol::Saml).then(|| sp.entity_id.clone()),
        sp_metadata_url: (protocol == Protocol::Saml).then(|| sp.metadata_url.clone()),
        redirect_uri: (protocol == Protocol::Oidc).then(|| sp.redirect_uri.clone()),
        sp,
        saml: saml_cfg,
        oidc: oidc_cfg,
        draft: serde_json::from_str(&row.draft).unwrap_or(serde_json::Value::Null),
        attribute_mapping: stored::mapping_of(row),
        custom_attributes: Vec::new(),
        options: stored::options_of(row),
        last_tested_at: row.last_tested_at.map(Timestamp::from_unix),
        last_test_result: row
            .last_test_result
            .as_deref()
            .map(TestOutcome::from_stored)
            .filter(|o| *o != TestOutcome::Pending),
        last_test_id: row.last_test_id.clone(),
        created_at: Timestamp::from_unix(row.created_at),
        updated_at: Timestamp::from_unix(row.updated_at),
    }
}

/// The inspector's refusal next to the field it concerns; a list of IdPs to choose from
/// (`metadata_choose_entity`, `metadata_entity_not_found`) travels as `details.entities`.
fn problem(field: &str, p: MetadataProblem) -> Error {
    let err = Error::new(ErrorCode::ValidationFailed)
        .message(p.message.clone())
        .field(field, p.message);
    if p.entities.is_empty() {
        err
    } else {
        err.details(serde_json::json!({ "entities": p.entities }))
    }
}

fn required<'a>(value: &'a Option<String>, field: &str, what: &str) -> Result<&'a str, Error> {
    match value.as_deref().map(str::trim) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(Error::invalid(field, format!("Enter {what}."))),
    }
}

/// Checks SAML input the way the admin gave it and returns what to store.
pub async fn accept_saml(
    state: &AppState,
    input: &SamlInput,
    now: i64,
) -> Result<StoredSaml, Error> {
    let entity = input
        .entity_id_choice
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty());
    match input.method {
        SamlInputMethod::MetadataXml => {
            let xml = required(
                &input.metadata_xml,
                "metadata_xml",
                "your identity provider's metadata XML",
            )?;
            metadata::inspect_idp_metadata_bytes(xml.as_bytes(), now, entity)
                .map(|m| from_metadata(m, None))
                .map_err(|p| problem("metadata_xml", p))
        }
        SamlInputMethod::MetadataUrl => {
            let raw = required(&input.metadata_url, "metadata_url", "the metadata URL")?;
            let url =
                validate::web_url(raw, false).map_err(|m| Error::invalid("metadata_url", m))?;
            let body = state
                .fetcher
                .get(
                    &url,
                    "application/samlmetadata+xml, application/xml, text/xml",
                )
                .await
                .map_err(|e| {
                    Error::new(ErrorCode::MetadataFetchFailed)
                        .message(e.0.clone())
                        .field("metadata_url", e.0)
                })?;
            // Bytes, not text: the inspector recognises UTF-16 and byte-order marks.
            metadata::inspect_idp_metadata_bytes(&body, now, entity)
                .map(|m| from_metadata(m, Some(url)))
                .map_err(|p| problem("metadata_url", p))
        }
        SamlInputMethod::Manual => {
            let mut err = Error::new(ErrorCode::ValidationFailed);
            let sso = metadata::check_sso_url(input.sso_url.as_deref().unwrap_or(""))
                .map_err(|p| err.fields.insert("sso_url".into(), p.message))
                .ok();
            let entity = validate::identifier(
                input.idp_entity_id.as_deref().unwrap_or(""),
                "identity provider's entity ID (issuer)",
            )
            .map_err(|m| err.fields.insert("idp_entity_id".into(), m))
            .ok();
            let cert = metadata::parse_certificate(input.certificate.as_deref().unwrap_or(""), now)
                .map_err(|p| err.fields.insert("certificate".into(), p.message))
                .ok();
            match (sso, entity, cert) {
                (Some(sso_url), Some(idp_entity_id), Some(cert)) => Ok(StoredSaml {
                    idp_entity_id,
                    sso_url,
                    sso_binding: metadata::BINDING_REDIRECT.into(),
                    warnings: metadata::certificate_warnings(std::slice::from_ref(&cert), now),
                    certificates: vec![cert],
                    metadata_url: None,
                }),
                _ => Err(err),
            }
        }
    }
}

/// Checks OIDC input (discovery included) and returns what to store.
pub async fn accept_oidc(state: &AppState, input: &OidcInput) -> Result<StoredOidc, Error> {
    let mut err = Error::new(ErrorCode::ValidationFailed);
    let issuer = validate::web_url(&input.issuer, false)
        .map_err(|m| err.fields.insert("issuer".into(), m))
        .ok();
    let client_id = validate::identifier(&input.client_id, "client ID")
        .map_err(|m| err.fields.insert("client_id".into(), m))
        .ok();
    if let Some(secret) = &input.client_secret {
        if let Err(m) = validate::identifier(secret, "client secret") {
            err.fields.insert("client_secret".into(), m);
        }
    }
    let (Some(issuer), Some(client_id)) = (issuer, client_id) else {
        return Err(err);
    };
    if !err.fields.is_empty() {
        return Err(err);
    }
    let found = oidc::discover(&state.fetcher, &issuer).await.map_err(|m| {
        Error::new(ErrorCode::OidcDiscoveryFailed)
            .message(m.clone())
            .field("issuer", m)
    })?;
    Ok(StoredOidc {
        issuer: found.issuer,
        client_id,
        authorization_endpoint: found.authorization_endpoint,
        token_endpoint: found.token_endpoint,
    })
}

/// Applies a vendor's [`ConnectionInput`](crate::api::vendor::ConnectionInput) to a connection
/// and stores it: IdP details through the wizard's validation, then mapping, options, state.
pub async fn apply_input(
    state: &AppState,
    row: &mut ConnectionRow,
    input: crate::api::vendor::ConnectionInput,
    environment_id: &str,
) -> Result<(), Error> {
    use crate::api::vendor::ConnectionInput;
    let now = state.clock.now();
    // What the last save logged against, so each save logs only its own change.
    let mut before = row.clone();
    let ConnectionInput {
        idp: _,
        metadata_xml,
        metadata_url,
        entity_id_choice,
        sso_url,
        idp_entity_id,
        certificate,
        issuer,
        client_id,
        client_secret,
        attribute_mapping,
        options,
        state: wanted,
    } = input;
    let saml_given = metadata_xml.is_some()
        || metadata_url.is_some()
        || sso_url.is_some()
        || idp_entity_id.is_some()
        || certificate.is_some();
    let oidc_given = issuer.is_some() || client_id.is_some() || client_secret.is_some();
    let protocol = row.protocol();
    if (saml_given && protocol != Protocol::Saml) || (oidc_given && protocol != Protocol::Oidc) {
        return Err(Error::new(ErrorCode::ValidationFailed).message(format!(
            "This connection uses {}; send only {} fields, or create a new connection to switch protocols.",
            protocol.as_str().to_uppercase(),
            protocol.as_str().to_uppercase()
        )));
    }
    if saml_given {
        let method = if metadata_xml.is_some() {
            SamlInputMethod::MetadataXml
        } else if metadata_url.is_some() {
            SamlInputMethod::MetadataUrl
        } else {
            SamlInputMethod::Manual
        };
        let input = SamlInput {
            method,
            metadata_url,
            metadata_xml,
            sso_url,
            idp_entity_id,
            certificate,
            entity_id_choice,
        };
        let stored = accept_saml(state, &input, now).await?;
        let previous = row
            .config
            .as_deref()
            .and_then(|c| serde_json::from_str::<StoredSaml>(c).ok());
        let changes = crate::server::refresh::certificate_changes(
            &row.id,
            previous
                .map(|p| p.certificates)
                .as_deref()
                .unwrap_or_default(),
            &stored.certificates,
            now,
        );
        apply_saml(row, &stored, now)?;
        save_logged(state, &before, row).await?;
        before = row.clone();
        state.store.insert_cert_events(&changes).await?;
        crate::server::refresh::schedule(state, &row.id, &stored, now).await?;
    }
    if oidc_given {
        let secret = client_secret
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned);
        if secret.is_none() && row.client_secret_enc.is_none() {
            return Err(Error::invalid("client_secret", "Enter the client secret."));
        }
        let input = OidcInput {
            issuer: issuer.unwrap_or_default(),
            client_id: client_id.unwrap_or_default(),
            client_secret: secret.clone(),
        };
        let stored = accept_oidc(state, &input).await?;
        apply_oidc(
            row,
            &stored,
            secret.map(|v| state.secrets.seal(v.as_bytes())),
            now,
        )?;
    }
    if (saml_given || oidc_given) && row.state == ConnectionState::Draft.as_str() {
        // The vendor entered complete details: that is the review step's "Save".
        row.state = ConnectionState::Configured.as_str().to_owned();
    }
    if let Some(m) = attribute_mapping {
        let custom = stored::custom_attributes(state, environment_id).await?;
        apply_mapping(row, m, &custom, now)?;
    }
    if let Some(o) = options {
        row.options = serde_json::to_string(&o).map_err(Error::internal)?;
    }
    row.updated_at = now;
    save_logged(state, &before, row).await?;
    match wanted {
        Some(ConnectionState::Active) => activate(state, row).await?,
        Some(ConnectionState::Configured) if row.state == ConnectionState::Active.as_str() => {
            let before = row.clone();
            row.state = ConnectionState::Configured.as_str().to_owned();
            save_logged(state, &before, row).await?;
        }
        Some(ConnectionState::Configured) if row.state == ConnectionState::Configured.as_str() => {}
        Some(other) => {
            return Err(Error::new(ErrorCode::InvalidState).field(
                "state",
                format!(
                    "A {} connection cannot be set to `{}`.",
                    row.state,
                    other.as_str()
                ),
            ));
        }
        None => {}
    }
    Ok(())
}

/// Activates a connection whose last test succeeded after its IdP details last changed.
pub async fn activate(state: &AppState, row: &mut ConnectionRow) -> Result<(), Error> {
    if row.state == ConnectionState::Active.as_str() {
        return Ok(());
    }
    if row.state != ConnectionState::Configured.as_str() {
        return Err(Error::new(ErrorCode::ConnectionIncomplete));
    }
    let last = match &row.last_test_id {
        Some(id) => state.store.test(id).await?,
        None => None,
    };
    let tested_since_change = last
        .as_ref()
        .is_some_and(|t| t.outcome == "success" && t.config_version == Some(row.config_version));
    if !tested_since_change {
        return Err(Error::new(ErrorCode::TestRequired));
    }
    let before = row.clone();
    row.state = ConnectionState::Active.as_str().into();
    row.updated_at = state.clock.now();
    save_logged(state, &before, row).await
}
