//! The one HTTP client of the browser: every call returns `Result<T, ApiError>`.

use crate::api::connection::{
    Connection, ConnectionOverviewList, CreateConnection, OidcInput, SamlInput, SaveDraft,
};
use crate::api::dns_hosts::DnsHostList;
use crate::api::domains::{AddDomain, Domain, DomainList};
use crate::api::mapping::AttributeMapping;
use crate::api::portal::{RedeemLink, SessionInfo};
use crate::api::test_sign_in::{SignInTest, SignInTestList, StartedTest};
use crate::api::{ApiErrorBody, ErrorCode, ErrorDetail, CSRF_HEADER, REQUEST_ID_HEADER};
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::cell::RefCell;

/// Why a call failed.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The server could not be reached.
    Network(String),
    /// The server answered with an error body.
    Api(ErrorDetail),
}

impl ApiError {
    /// The error's code, if the server sent one we know.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ApiError::Api(d) => d.error_code(),
            ApiError::Network(_) => None,
        }
    }

    /// What to tell the admin.
    pub fn message(&self) -> String {
        match self {
            ApiError::Api(d) => d.message.clone(),
            ApiError::Network(_) => {
                "We could not reach the server. Check your connection and try again.".into()
            }
        }
    }

    /// The request id to quote, if any.
    pub fn request_id(&self) -> Option<String> {
        match self {
            ApiError::Api(d) if !d.request_id.is_empty() => Some(d.request_id.clone()),
            _ => None,
        }
    }

    /// Whether the server named problems with specific fields (shown next to them).
    pub fn has_fields(&self) -> bool {
        matches!(self, ApiError::Api(d) if !d.fields.is_empty())
    }

    /// The identity providers to choose from, when a metadata document listed several.
    pub fn entity_choices(&self) -> Vec<(String, Option<String>)> {
        let ApiError::Api(d) = self else {
            return Vec::new();
        };
        let list = d
            .details
            .as_ref()
            .and_then(|v| v.get("entities"))
            .and_then(|v| v.as_array());
        list.map(|l| {
            l.iter()
                .filter_map(|e| {
                    let id = e.get("entity_id")?.as_str()?.to_owned();
                    Some((
                        id,
                        e.get("display_name")
                            .and_then(|n| n.as_str())
                            .map(str::to_owned),
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
    }

    /// Every field problem the server named, by field.
    pub fn fields(&self) -> std::collections::BTreeMap<String, String> {
        match self {
            ApiError::Api(d) => d.fields.clone(),
            ApiError::Network(_) => Default::default(),
        }
    }

    /// The problem with one field, if the server named it.
    pub fn field(&self, name: &str) -> Option<String> {
        match self {
            ApiError::Api(d) => d.fields.get(name).cloned(),
            ApiError::Network(_) => None,
        }
    }
}

thread_local! {
    static CSRF: RefCell<String> = const { RefCell::new(String::new()) };
    static ON_SESSION_LOST: RefCell<Option<Box<dyn Fn()>>> = const { RefCell::new(None) };
}

/// Remembers the session's CSRF token for later state-changing calls.
pub fn set_csrf(token: &str) {
    CSRF.with(|c| *c.borrow_mut() = token.to_owned());
}

/// Called whenever the server says the session is gone, so the app can say so at once.
pub fn on_session_lost(f: impl Fn() + 'static) {
    ON_SESSION_LOST.with(|c| *c.borrow_mut() = Some(Box::new(f)));
}

async fn decode<T: DeserializeOwned>(resp: Response) -> Result<T, ApiError> {
    if resp.ok() {
        return resp
            .json::<T>()
            .await
            .map_err(|e| ApiError::Network(e.to_string()));
    }
    let request_id = resp.headers().get(REQUEST_ID_HEADER).unwrap_or_default();
    let status = resp.status();
    let mut detail = match resp.json::<ApiErrorBody>().await {
        Ok(body) => body.error,
        Err(_) => {
            let mut d = ErrorDetail::new(ErrorCode::Internal);
            d.message = format!("The server answered with HTTP {status}. Try again in a moment.");
            d
        }
    };
    if detail.request_id.is_empty() {
        detail.request_id = request_id;
    }
    if detail.error_code() == Some(ErrorCode::SessionMissing) {
        ON_SESSION_LOST.with(|c| {
            if let Some(f) = c.borrow().as_ref() {
                f();
            }
        });
    }
    Err(ApiError::Api(detail))
}

async fn send<T: DeserializeOwned>(
    req: RequestBuilder,
    body: Option<String>,
) -> Result<T, ApiError> {
    let csrf = CSRF.with(|c| c.borrow().clone());
    let req = req.header(CSRF_HEADER, &csrf);
    let built = match body {
        Some(b) => req.header("content-type", "application/json").body(b),
        None => req.build(),
    }
    .map_err(|e| ApiError::Network(e.to_string()))?;
    let resp = built
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    decode(resp).await
}

async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    send(Request::get(path), None).await
}

/// For calls answered with 204 and no body.
async fn send_empty(req: RequestBuilder) -> Result<(), ApiError> {
    let csrf = CSRF.with(|c| c.borrow().clone());
    let built = req
        .header(CSRF_HEADER, &csrf)
        .build()
        .map_err(|e| ApiError::Network(e.to_string()))?;
    let resp = built
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    if resp.ok() {
        return Ok(());
    }
    decode::<serde_json::Value>(resp).await.map(|_| ())
}

fn json<B: Serialize>(body: &B) -> Option<String> {
    serde_json::to_string(body).ok()
}

/// The setup guide for a catalog entry.
pub async fn guide(key: &str) -> Result<crate::api::guide::Guide, ApiError> {
    get(&format!("/portal/api/guides/{key}")).await
}

/// Redeems a setup link's token for a session; `hold` (inside a frame) leaves the link usable
/// until a request comes back with the session cookie. The page's loader (Trunk.toml) redeems
/// an unframed link while the app downloads: its answer is taken over here, once.
pub async fn redeem(token: &str, hold: bool) -> Result<SessionInfo, ApiError> {
    if !hold {
        if let Some(resp) = early_redemption(token).await {
            return decode(resp).await;
        }
    }
    send(
        Request::post("/portal/api/session"),
        json(&RedeemLink {
            token: token.to_owned(),
            hold,
        }),
    )
    .await
}

/// The answer to the redemption the page's loader started for `token`, if it did and it came
/// back (a network failure leaves the redemption to [`redeem`] itself). Taken once.
async fn early_redemption(token: &str) -> Option<Response> {
    use wasm_bindgen::JsCast;
    let window = web_sys::window()?;
    let key = wasm_bindgen::JsValue::from_str("__porticoRedeem");
    let started = js_sys::Reflect::get(&window, &key)
        .ok()
        .filter(|v| v.is_object())?;
    let _ = js_sys::Reflect::delete_property(&window, &key);
    let field = |name: &str| js_sys::Reflect::get(&started, &name.into()).ok();
    if field("token")?.as_string().as_deref() != Some(token) {
        return None;
    }
    let response: js_sys::Promise = field("response")?.dyn_into().ok()?;
    let response = wasm_bindgen_futures::JsFuture::from(response).await.ok()?;
    Some(Response::from(
        response.dyn_into::<web_sys::Response>().ok()?,
    ))
}

/// Which sites may embed the portal (public).
pub async fn embedding() -> Result<crate::api::embed::Embedding, ApiError> {
    get("/portal/api/embedding").await
}

/// The current session.
pub async fn session() -> Result<SessionInfo, ApiError> {
    get("/portal/api/session").await
}

/// The organization's connections, as the overview reads them.
pub async fn connections() -> Result<ConnectionOverviewList, ApiError> {
    get("/portal/api/connections").await
}

/// One connection.
pub async fn connection(id: &str) -> Result<Connection, ApiError> {
    get(&format!("/portal/api/connections/{id}")).await
}

/// What starting a connection answers, as far as the first step reads it: the new connection's
/// id. The next step reads the whole connection; decoding all of it here would put its decoder
/// in the first visit's download.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct NewConnection {
    /// The connection's id.
    pub id: String,
}

/// Starts a connection for a catalog IdP.
pub async fn create_connection(idp: &str) -> Result<NewConnection, ApiError> {
    send(
        Request::post("/portal/api/connections"),
        json(&CreateConnection {
            idp: idp.to_owned(),
        }),
    )
    .await
}

/// Saves the admin's input so far.
pub async fn save_draft(id: &str, draft: serde_json::Value) -> Result<Connection, ApiError> {
    send(
        Request::put(&format!("/portal/api/connections/{id}/draft")),
        json(&SaveDraft { draft }),
    )
    .await
}

/// Submits SAML details.
pub async fn set_saml(id: &str, input: &SamlInput) -> Result<Connection, ApiError> {
    send(
        Request::put(&format!("/portal/api/connections/{id}/saml")),
        json(input),
    )
    .await
}

/// Submits OIDC details.
pub async fn set_oidc(id: &str, input: &OidcInput) -> Result<Connection, ApiError> {
    send(
        Request::put(&format!("/portal/api/connections/{id}/oidc")),
        json(input),
    )
    .await
}

/// Reviews and saves the connection (it becomes `configured`; a test sign-in comes next).
pub async fn save_connection(id: &str) -> Result<Connection, ApiError> {
    send(
        Request::post(&format!("/portal/api/connections/{id}/save")),
        Some("{}".into()),
    )
    .await
}

/// Puts a tested connection into use.
pub async fn activate(id: &str) -> Result<Connection, ApiError> {
    send(
        Request::post(&format!("/portal/api/connections/{id}/activate")),
        Some("{}".into()),
    )
    .await
}

/// Starts a test sign-in; the browser then goes to the returned URL.
pub async fn start_test(id: &str) -> Result<StartedTest, ApiError> {
    send(
        Request::post(&format!("/portal/api/connections/{id}/tests")),
        Some("{}".into()),
    )
    .await
}

/// A connection's sign-in log (production sign-ins through the vendor's app).
pub async fn sign_ins(id: &str) -> Result<crate::api::sso::SignInList, ApiError> {
    get(&format!("/portal/api/connections/{id}/sign_ins")).await
}

/// What happened to the connection lately (from the event log), newest first.
pub async fn connection_activity(id: &str) -> Result<crate::api::activity::ActivityList, ApiError> {
    get(&format!("/portal/api/connections/{id}/activity")).await
}

/// What happened to the domain lately (from the event log), newest first.
pub async fn domain_activity(id: &str) -> Result<crate::api::activity::ActivityList, ApiError> {
    get(&format!("/portal/api/domains/{id}/activity")).await
}

/// The connection's test sign-ins, newest first.
pub async fn tests(id: &str) -> Result<SignInTestList, ApiError> {
    get(&format!("/portal/api/connections/{id}/tests")).await
}

/// One test sign-in in full.
pub async fn test(id: &str, test_id: &str) -> Result<SignInTest, ApiError> {
    get(&format!("/portal/api/connections/{id}/tests/{test_id}")).await
}

/// Saves the attribute mapping.
pub async fn set_mapping(id: &str, mapping: &AttributeMapping) -> Result<Connection, ApiError> {
    send(
        Request::put(&format!("/portal/api/connections/{id}/mapping")),
        json(mapping),
    )
    .await
}

/// The organization's domains, oldest first.
pub async fn domains() -> Result<DomainList, ApiError> {
    get("/portal/api/domains").await
}

/// Adds a domain to prove; the answer carries the TXT record to create.
pub async fn add_domain(domain: &str) -> Result<Domain, ApiError> {
    send(
        Request::post("/portal/api/domains"),
        json(&AddDomain {
            domain: domain.to_owned(),
        }),
    )
    .await
}

/// Looks the domain's TXT record up now (a few seconds at most); on a `failed` domain this
/// also starts a new verification window.
pub async fn check_domain(id: &str) -> Result<Domain, ApiError> {
    send(
        Request::post(&format!("/portal/api/domains/{id}/check")),
        Some("{}".into()),
    )
    .await
}

/// Removes a domain from the organization.
pub async fn remove_domain(id: &str) -> Result<(), ApiError> {
    send_empty(Request::delete(&format!("/portal/api/domains/{id}"))).await
}

/// How to add a TXT record at common DNS hosts.
pub async fn dns_hosts() -> Result<DnsHostList, ApiError> {
    get("/portal/api/dns_hosts").await
}

/// The vendor's names, help and footer links (public).
pub async fn branding() -> Result<crate::api::theme::Branding, ApiError> {
    get("/portal/api/branding").await
}

/// The environment's theme, for the designer's editor (a `theme` session).
pub async fn theme() -> Result<crate::api::theme::Theme, ApiError> {
    get("/portal/api/theme").await
}

/// The theme of the organization the designer link is for (its own, or the environment's).
pub async fn organization_theme() -> Result<crate::api::theme::OrganizationTheme, ApiError> {
    get("/portal/api/theme/organization").await
}

/// Publishes a theme for this organization only.
pub async fn publish_organization_theme(
    input: &crate::api::theme::ThemeInput,
) -> Result<crate::api::theme::OrganizationTheme, ApiError> {
    send(Request::put("/portal/api/theme/organization"), json(input)).await
}

/// Removes this organization's own theme: it wears the environment's again.
pub async fn remove_organization_theme() -> Result<(), ApiError> {
    send_empty(Request::delete("/portal/api/theme/organization")).await
}

/// Uploads a logo, favicon or font (`kind`); the server checks what the file really is.
pub async fn upload_theme_asset(
    kind: &str,
    file: &web_sys::File,
) -> Result<crate::api::theme::UploadedAsset, ApiError> {
    let csrf = CSRF.with(|c| c.borrow().clone());
    let content_type = Some(file.type_())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| "application/octet-stream".into());
    let req = Request::post(&format!("/portal/api/theme/assets?kind={kind}"))
        .header(CSRF_HEADER, &csrf)
        .header("content-type", &content_type)
        .body(wasm_bindgen::JsValue::from(file.clone()))
        .map_err(|e| ApiError::Network(e.to_string()))?;
    let resp = req
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    decode(resp).await
}

/// Publishes the theme; the server checks it exactly as `PUT /api/v1/theme` does.
pub async fn publish_theme(
    input: &crate::api::theme::ThemeInput,
) -> Result<crate::api::theme::Theme, ApiError> {
    send(Request::put("/portal/api/theme"), json(input)).await
}

/// The directory providers the portal offers.
pub async fn directory_providers() -> Result<Vec<crate::api::directory::DirectoryProvider>, ApiError>
{
    get("/portal/api/directory_providers").await
}

/// The setup guide of a directory provider.
pub async fn directory_guide(key: &str) -> Result<crate::api::guide::DirectoryGuide, ApiError> {
    get(&format!("/portal/api/directory_guides/{key}")).await
}

/// The organization's directories.
pub async fn directories() -> Result<Vec<crate::api::directory::Directory>, ApiError> {
    get("/portal/api/directories").await
}

/// Starts a directory for a provider of the directory catalog.
pub async fn create_directory(
    provider: &str,
) -> Result<crate::api::directory::Directory, ApiError> {
    send(
        Request::post("/portal/api/directories"),
        json(&crate::api::directory::ChooseProvider {
            provider: provider.to_owned(),
        }),
    )
    .await
}

/// Changes a pending directory's provider.
pub async fn change_directory_provider(
    id: &str,
    provider: &str,
) -> Result<crate::api::directory::Directory, ApiError> {
    send(
        Request::patch(&format!("/portal/api/directories/{id}")),
        json(&crate::api::directory::ChooseProvider {
            provider: provider.to_owned(),
        }),
    )
    .await
}

/// A directory's tokens, without their secrets.
pub async fn directory_tokens(
    id: &str,
) -> Result<crate::api::directory::DirectoryTokenList, ApiError> {
    get(&format!("/portal/api/directories/{id}/tokens")).await
}

/// Generates a token; its secret is in this answer only. Older tokens keep working a while.
pub async fn create_directory_token(
    id: &str,
) -> Result<crate::api::directory::DirectoryToken, ApiError> {
    send(
        Request::post(&format!("/portal/api/directories/{id}/tokens")),
        Some("{}".into()),
    )
    .await
}

/// A directory's state, counts and latest SCIM requests (polled while waiting).
pub async fn directory_status(
    id: &str,
) -> Result<crate::api::directory::DirectoryStatus, ApiError> {
    get(&format!("/portal/api/directories/{id}/status")).await
}

/// The groups a directory received.
pub async fn directory_groups(
    id: &str,
) -> Result<crate::api::directory::DirectoryGroupList, ApiError> {
    get(&format!("/portal/api/directories/{id}/groups")).await
}

/// The vendor's roles, the saved group → role mapping and its head count per role.
pub async fn role_mapping(id: &str) -> Result<crate::api::directory::RoleMappingView, ApiError> {
    get(&format!("/portal/api/directories/{id}/role_mapping")).await
}

/// What a proposed mapping would give each role; nothing is saved.
pub async fn preview_role_mapping(
    id: &str,
    mapping: &crate::api::directory::RoleMapping,
) -> Result<crate::api::directory::RoleMappingView, ApiError> {
    send(
        Request::post(&format!(
            "/portal/api/directories/{id}/role_mapping/preview"
        )),
        json(mapping),
    )
    .await
}

/// Saves the group → role mapping.
pub async fn save_role_mapping(
    id: &str,
    mapping: &crate::api::directory::RoleMapping,
) -> Result<crate::api::directory::RoleMappingView, ApiError> {
    send(
        Request::put(&format!("/portal/api/directories/{id}/role_mapping")),
        json(mapping),
    )
    .await
}

/// The app's custom attributes, the directory's attribute mapping in force, and the SCIM
/// attributes its newest users hold.
pub async fn directory_attribute_mapping(
    id: &str,
) -> Result<crate::api::directory_attributes::DirectoryAttributeMappingView, ApiError> {
    get(&format!("/portal/api/directories/{id}/attribute_mapping")).await
}

/// Saves the custom attribute → SCIM attribute mapping.
pub async fn save_directory_attribute_mapping(
    id: &str,
    mapping: &crate::api::directory_attributes::DirectoryAttributeMapping,
) -> Result<crate::api::directory_attributes::DirectoryAttributeMappingView, ApiError> {
    send(
        Request::put(&format!("/portal/api/directories/{id}/attribute_mapping")),
        json(mapping),
    )
    .await
}
