//! Branding: which theme applies, checking a theme before it is saved, and the versioned
//! stylesheet the portal loads before its own code runs (served by `http::theme`).
//!
//! The theme itself (tokens, contrast, CSS) is shared logic in [`core::theme`](crate::core::theme).

use crate::api::theme::{ProblemKind, Theme, ThemeInput};
use crate::api::ErrorCode;
use crate::core::theme;
use crate::server::error::Error;
use crate::server::site::Site;
use crate::server::store::StoreError;
use crate::server::AppState;

/// Whose theme a stylesheet is: the environment's, or an organization's override.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// `env_…`
    Environment(String),
    /// `org_…`
    Organization(String),
}

impl Scope {
    /// The id in the stylesheet's URL.
    pub fn id(&self) -> &str {
        match self {
            Scope::Environment(id) | Scope::Organization(id) => id,
        }
    }
}

fn parse(json: Option<String>) -> Option<Theme> {
    json.and_then(|j| serde_json::from_str(&j).ok())
}

/// The environment's theme, or the default one.
pub async fn environment_theme(
    state: &AppState,
    environment_id: &str,
) -> Result<Theme, StoreError> {
    Ok(parse(state.store.environment_theme(environment_id).await?)
        .unwrap_or_else(theme::default_theme))
}

/// The theme an organization's admins see, and whose it is: the organization's override, or
/// else the environment's.
pub async fn effective(
    state: &AppState,
    environment_id: &str,
    organization_id: Option<&str>,
) -> Result<(Scope, Theme), StoreError> {
    if let Some(org) = organization_id {
        if let Some(t) = parse(state.store.organization_theme(org).await?) {
            return Ok((Scope::Organization(org.to_owned()), t));
        }
    }
    Ok((
        Scope::Environment(environment_id.to_owned()),
        environment_theme(state, environment_id).await?,
    ))
}

/// The URL of a theme's stylesheet; its version changes whenever the theme does, so it can be
/// cached for a year.
pub fn stylesheet_url(scope: &Scope, t: &Theme) -> String {
    format!("/theme/{}/{}.css", scope.id(), theme::version(t))
}

/// Checks a theme the way every entry point must (API, CLI, the editor's "Publish"): invalid
/// values always refuse; low contrast refuses unless the caller accepted it explicitly.
pub fn accept(input: ThemeInput) -> Result<Theme, Error> {
    let problems = theme::check(&input.theme);
    let blocking: Vec<_> = problems
        .iter()
        .filter(|p| p.kind == ProblemKind::Invalid || !input.accept_low_contrast)
        .collect();
    if blocking.is_empty() {
        return Ok(input.theme);
    }
    let only_contrast = blocking.iter().all(|p| p.kind == ProblemKind::LowContrast);
    let mut err = if only_contrast {
        Error::new(ErrorCode::LowContrast)
    } else {
        Error::new(ErrorCode::ValidationFailed)
            .message("Some theme values need attention; see `fields`.")
    };
    for p in &blocking {
        err.fields.insert(p.field.clone(), p.message.clone());
    }
    Err(err.details(serde_json::json!({ "problems": blocking })))
}

/// [`accept`], plus: every asset the theme names was uploaded to this environment, as the right
/// kind of file.
pub async fn accept_in(
    state: &AppState,
    environment_id: &str,
    input: ThemeInput,
) -> Result<Theme, Error> {
    let mut missing = Error::new(ErrorCode::ValidationFailed)
        .message("The theme names files that were not uploaded; see `fields`.");
    for (field, id, kind) in [
        ("logo_light", &input.theme.logo_light, "logo"),
        ("logo_dark", &input.theme.logo_dark, "logo"),
        ("favicon", &input.theme.favicon, "favicon"),
        ("font_file", &input.theme.font_file, "font"),
    ] {
        let Some(id) = id.as_deref().map(str::trim).filter(|i| !i.is_empty()) else {
            continue;
        };
        match state.store.asset(id).await? {
            Some(a) if a.environment_id == environment_id && a.kind == kind => {}
            Some(a) if a.environment_id == environment_id => {
                missing.fields.insert(
                    field.into(),
                    format!(
                        "{id} was uploaded as a {}; upload the image again with kind={kind}.",
                        a.kind
                    ),
                );
            }
            _ => {
                missing.fields.insert(
                    field.into(),
                    format!(
                        "No uploaded file {id}; upload it with \
                    POST /api/v1/theme/assets?kind={kind} and use the id it returns."
                    ),
                );
            }
        }
    }
    let theme = accept(input)?;
    if missing.fields.is_empty() {
        Ok(theme)
    } else {
        Err(missing)
    }
}

/// Checks an uploaded file by its content and keeps it.
pub async fn upload(
    state: &AppState,
    environment_id: &str,
    kind: &str,
    bytes: &[u8],
) -> Result<crate::api::theme::UploadedAsset, Error> {
    use crate::core::theme::asset::{check_asset, AssetKind};
    use sha2::{Digest, Sha256};
    let k = AssetKind::parse(kind)
        .ok_or_else(|| Error::invalid("kind", "Use kind=logo, kind=favicon or kind=font."))?;
    let checked = check_asset(k, bytes).map_err(|m| Error::invalid("file", m))?;
    let mut h = Sha256::new();
    h.update(environment_id.as_bytes());
    h.update(bytes);
    let id = format!("{}.{}", &hex::encode(h.finalize())[..24], checked.extension);
    let row = crate::server::store::AssetRow {
        id: id.clone(),
        environment_id: environment_id.to_owned(),
        kind: kind.to_owned(),
        content_type: checked.content_type.to_owned(),
        bytes: bytes.to_vec(),
        created_at: state.clock.now(),
    };
    state.store.insert_asset(&row).await?;
    Ok(crate::api::theme::UploadedAsset {
        url: format!("{}{id}", crate::core::theme::ASSET_PREFIX),
        id,
        content_type: checked.content_type.to_owned(),
        size: bytes.len(),
    })
}

/// Stores an environment's theme (`None` goes back to the default).
pub async fn save_environment(
    state: &AppState,
    environment_id: &str,
    t: Option<&Theme>,
) -> Result<(), Error> {
    let json = t
        .map(serde_json::to_string)
        .transpose()
        .map_err(Error::internal)?;
    state
        .store
        .set_environment_theme(environment_id, json.as_deref())
        .await?;
    Ok(())
}

/// Stores an organization's override (`None` removes it).
pub async fn save_organization(
    state: &AppState,
    organization_id: &str,
    t: Option<&Theme>,
) -> Result<(), Error> {
    let json = t
        .map(serde_json::to_string)
        .transpose()
        .map_err(Error::internal)?;
    state
        .store
        .set_organization_theme(organization_id, json.as_deref())
        .await?;
    Ok(())
}

/// Puts the theme's stylesheet link (and favicon, when the theme has one) into the portal's
/// `index.html`, right before `</head>`, so it loads before the app and overrides the default
/// tokens (no flash of the default theme).
pub fn inject(index_html: &str, url: &str, favicon: Option<&str>) -> String {
    let mut link = format!("<link rel=\"stylesheet\" href=\"{url}\" data-portico-theme>");
    if let Some(id) = favicon {
        link.push_str(&format!(
            "<link rel=\"icon\" href=\"{}{id}\">",
            crate::core::theme::ASSET_PREFIX
        ));
    }
    match index_html.rfind("</head>") {
        Some(i) => format!("{}{link}{}", &index_html[..i], &index_html[i..]),
        None => format!("{link}{index_html}"),
    }
}

/// The stylesheet URL (and favicon) for a page of `site`; see [`for_session`].
pub async fn url_for_session(
    state: &AppState,
    session_cookie: Option<&str>,
    site: &Site,
) -> Result<(String, Option<String>), StoreError> {
    let (scope, t) = for_session(state, session_cookie, site).await?;
    Ok((stylesheet_url(&scope, &t), t.favicon.clone()))
}

/// The theme for a page of `site`, and whose it is: the signed-in organization's when
/// `session_cookie` (the session cookie's value, read by the HTTP layer) names a live session
/// on this hostname, else the environment's.
pub async fn for_session(
    state: &AppState,
    session_cookie: Option<&str>,
    site: &Site,
) -> Result<(Scope, Theme), StoreError> {
    let session = match session_cookie {
        Some(v) => {
            state
                .store
                .session(&crate::server::crypto::hash_token(v))
                .await?
        }
        None => None,
    };
    // A session counts on its own hostname only, as everywhere.
    let org = match session {
        Some(s) if s.host.as_deref().is_none_or(|h| h == site.host) => {
            state.store.organization_by_id(&s.organization_id).await?
        }
        _ => None,
    }
    .filter(|o| o.environment_id == site.environment_id);
    effective(
        state,
        &site.environment_id,
        org.as_ref().map(|o| o.id.as_str()),
    )
    .await
}
