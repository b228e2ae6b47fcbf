//! The OpenAPI 3.1 document of the vendor API and the SSO endpoints, served at
//! `/api/v1/openapi.json`. The operations are listed here once; their request and response
//! schemas are generated from the very types the handlers use (`schemars` derives on `api/`),
//! so a changed field changes the document. A test fails when a route is not listed.
//!
//! The contract is kept both ways: value rules are stated on the wire types
//! ([`crate::api::contract`]), every operation lists the statuses it can answer with the error codes behind each, the JSON body
//! extractor holds each body to these very schemas ([`conform`]), and `.ci/api-contract` runs
//! schemathesis against the running server.

use crate::api;
use crate::api::ErrorCode;
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::{json, Map, Value};
use std::any::TypeId;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// How a caller proves who it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// `Authorization: Bearer pk_…` (the vendor API).
    ApiKey,
    /// The app's client credentials or PKCE (`/sso/token`).
    Client,
    /// Nothing (browsers, IdPs).
    Public,
}

/// A request body.
#[derive(Clone, Copy)]
pub enum Body {
    /// JSON of this type.
    Json(fn(&mut SchemaGenerator) -> Schema),
    /// JSON of this type, or no body at all.
    OptionalJson(fn(&mut SchemaGenerator) -> Schema),
    /// Form fields of this type.
    Form(fn(&mut SchemaGenerator) -> Schema),
    /// Raw bytes (file uploads).
    Binary,
}

/// A query parameter.
#[derive(Clone, Copy)]
pub struct QueryParam {
    /// Its name.
    pub name: &'static str,
    /// Whether the operation is refused without it.
    pub required: bool,
    /// The values it takes, when they are a closed list (else any string).
    pub values: &'static [&'static str],
    /// Its JSON schema, when it is more than a string (a number range, a pattern).
    pub schema: Option<fn() -> Value>,
    /// One line.
    pub description: &'static str,
}

/// One operation.
#[derive(Clone, Copy)]
pub struct Op {
    /// `get`, `post`, …
    pub method: &'static str,
    /// Full path, `{param}` style.
    pub path: &'static str,
    /// One line.
    pub summary: &'static str,
    /// Grouping.
    pub tag: &'static str,
    /// Who may call it.
    pub auth: Auth,
    /// Its body, if any.
    pub body: Option<Body>,
    /// The success status.
    pub status: u16,
    /// The success body's JSON schema, if any.
    pub response: Option<fn(&mut SchemaGenerator) -> Schema>,
    /// Its query parameters.
    pub query: &'static [QueryParam],
    /// The errors it can answer besides those its shape brings ([`Op::error_codes`]).
    pub errors: &'static [ErrorCode],
    /// Error statuses with no code of ours behind them (OAuth's errors, a refused IdP answer).
    pub also: &'static [u16],
}

fn s<T: JsonSchema>(g: &mut SchemaGenerator) -> Schema {
    g.subschema_for::<T>()
}

/// Creating a connection takes the same fields as changing one, and `idp` besides.
fn connection_create(g: &mut SchemaGenerator) -> Schema {
    let input = g.subschema_for::<api::vendor::ConnectionInput>().to_value();
    let mut schema = Map::new();
    schema.insert(
        "allOf".into(),
        json!([input, { "required": ["idp"], "properties": { "idp": { "type": "string" } } }]),
    );
    Schema::from(schema)
}

const fn op(
    method: &'static str,
    path: &'static str,
    summary: &'static str,
    tag: &'static str,
    status: u16,
) -> Op {
    Op {
        method,
        path,
        summary,
        tag,
        auth: Auth::ApiKey,
        body: None,
        status,
        response: None,
        query: &[],
        errors: &[],
        also: &[],
    }
}

/// A query parameter: name, required, closed list of values (empty: any string), description.
const fn qp(
    name: &'static str,
    required: bool,
    values: &'static [&'static str],
    description: &'static str,
) -> QueryParam {
    QueryParam {
        name,
        required,
        values,
        schema: None,
        description,
    }
}

/// A query parameter whose schema `schema` states (a number range, a pattern).
const fn qs(
    name: &'static str,
    required: bool,
    schema: fn() -> Value,
    description: &'static str,
) -> QueryParam {
    QueryParam {
        name,
        required,
        values: &[],
        schema: Some(schema),
        description,
    }
}

/// `after` on `GET /api/v1/events`: an event id, or empty for the start of the log.
fn event_id_schema() -> Value {
    json!({ "type": "string", "pattern": "^(evt_[0-9A-HJKMNP-TV-Z]{26})?$" })
}

/// `types` on `GET /api/v1/events`: event types separated by commas.
fn event_types_schema() -> Value {
    let names: Vec<String> = api::event::EventType::ALL
        .iter()
        .map(|t| t.as_str().replace('.', "\\."))
        .collect();
    let one = format!("({})", names.join("|"));
    json!({ "type": "string", "pattern": format!("^{one}(,{one})*$") })
}

/// `limit` on `GET /api/v1/events`.
fn event_limit_schema() -> Value {
    json!({ "type": "integer", "minimum": 1, "maximum": api::event::EVENTS_MAX_LIMIT })
}

impl Op {
    const fn json(mut self, f: fn(&mut SchemaGenerator) -> Schema) -> Op {
        self.body = Some(Body::Json(f));
        self
    }
    const fn returns(mut self, f: fn(&mut SchemaGenerator) -> Schema) -> Op {
        self.response = Some(f);
        self
    }
    const fn auth(mut self, a: Auth) -> Op {
        self.auth = a;
        self
    }
    const fn body(mut self, b: Body) -> Op {
        self.body = Some(b);
        self
    }
    const fn query(mut self, q: &'static [QueryParam]) -> Op {
        self.query = q;
        self
    }
    const fn errors(mut self, e: &'static [ErrorCode]) -> Op {
        self.errors = e;
        self
    }
    const fn also(mut self, statuses: &'static [u16]) -> Op {
        self.also = statuses;
        self
    }

    /// Every error this operation can answer: those its shape brings (an API key that can be
    /// wrong, a JSON body that can be malformed, too large or invalid) and its own.
    pub fn error_codes(&self) -> Vec<ErrorCode> {
        use ErrorCode as E;
        let mut codes = Vec::new();
        if self.auth == Auth::ApiKey {
            codes.extend([E::Unauthorized, E::Internal]);
        }
        match self.body {
            Some(Body::Json(_) | Body::OptionalJson(_)) => codes.extend([
                E::MalformedJson,
                E::UnsupportedMediaType,
                E::PayloadTooLarge,
                E::ValidationFailed,
            ]),
            Some(Body::Binary) => codes.extend([E::PayloadTooLarge, E::ValidationFailed]),
            Some(Body::Form(_)) | None => {}
        }
        // A query is read strictly: an unknown parameter or a value outside its list is refused.
        if !self.query.is_empty() {
            codes.push(E::ValidationFailed);
        }
        codes.extend(self.errors);
        let mut seen = Vec::new();
        codes.retain(|c| {
            let new = !seen.contains(c);
            seen.push(*c);
            new
        });
        codes
    }

    /// Every status this operation can answer: its success and its errors' statuses.
    pub fn statuses(&self) -> Vec<u16> {
        let mut all: Vec<u16> = self.error_codes().iter().map(|e| e.status()).collect();
        all.extend(self.also);
        all.push(self.status);
        all.sort_unstable();
        all.dedup();
        all
    }
}

/// Every documented operation.
pub fn operations() -> Vec<Op> {
    use api::domains as d;
    use api::hostnames as h;
    use api::sso;
    use api::theme as t;
    use api::vendor as v;
    use ErrorCode as E;
    const O: &str = "Organizations";
    const C: &str = "Connections";
    const D: &str = "Domains";
    const T: &str = "Branding";
    const L: &str = "Sign-in (go-live)";
    const H: &str = "Hostnames";
    const W: &str = "Webhooks";
    const S: &str = "Directory sync";
    use api::directory as ds;
    use api::directory_attributes as da;
    use api::webhook as wh;
    vec![
        op("get", "/api/v1/organizations", "List organizations (optionally `?external_id=`)", O, 200)
            .query(const { &[qp("external_id", false, &[], "Only the organization with this external id")] })
            .returns(s::<v::OrganizationList>),
        op("post", "/api/v1/organizations", "Create an organization", O, 201).json(s::<v::CreateOrganization>).returns(s::<v::Organization>).errors(&[E::DuplicateExternalId]),
        op("get", "/api/v1/organizations/{id}", "Get an organization (id or external id)", O, 200).returns(s::<v::Organization>).errors(&[E::OrganizationNotFound]),
        op("patch", "/api/v1/organizations/{id}", "Update an organization", O, 200).json(s::<v::UpdateOrganization>).returns(s::<v::Organization>).errors(&[E::OrganizationNotFound, E::DuplicateExternalId]),
        op("delete", "/api/v1/organizations/{id}", "Delete an organization and everything it owns", O, 204).errors(&[E::OrganizationNotFound]),
        op("post", "/api/v1/portal_links", "Mint a portal link for an organization's IT admin", O, 201).json(s::<v::CreatePortalLink>).returns(s::<v::PortalLink>).errors(&[E::OrganizationNotFound]),
        op("get", "/api/v1/organizations/{id}/connections", "List an organization's connections", C, 200).returns(s::<api::connection::ConnectionList>).errors(&[E::OrganizationNotFound]),
        op("post", "/api/v1/organizations/{id}/connections", "Create a connection (support-assisted setup)", C, 201).json(connection_create).returns(s::<api::connection::Connection>).errors(&[E::OrganizationNotFound, E::GuideNotFound, E::ConnectionIncomplete, E::MetadataFetchFailed, E::OidcDiscoveryFailed]),
        op("get", "/api/v1/connections/{id}", "Get a connection", C, 200).returns(s::<api::connection::Connection>).errors(&[E::ConnectionNotFound]),
        op("patch", "/api/v1/connections/{id}", "Update, activate or deactivate a connection", C, 200).json(s::<v::ConnectionInput>).returns(s::<api::connection::Connection>).errors(&[E::ConnectionNotFound, E::ConnectionIncomplete, E::TestRequired, E::InvalidState, E::MetadataFetchFailed, E::OidcDiscoveryFailed]),
        op("delete", "/api/v1/connections/{id}", "Delete a connection (its sign-ins stop at once)", C, 204).errors(&[E::ConnectionNotFound]),
        op("get", "/api/v1/connections/{id}/tests", "List a connection's test sign-ins", C, 200).returns(s::<api::test_sign_in::SignInTestList>).errors(&[E::ConnectionNotFound]),
        op("get", "/api/v1/connections/{id}/tests/{test_id}", "Get one test sign-in in full", C, 200).returns(s::<api::test_sign_in::SignInTest>).errors(&[E::ConnectionNotFound, E::TestNotFound]),
        op("get", "/api/v1/connections/{id}/sign_ins", "A connection's sign-in log", L, 200).returns(s::<sso::SignInList>).errors(&[E::ConnectionNotFound]),
        op("get", "/api/v1/custom_attributes", "The environment's custom profile attributes", C, 200).returns(s::<api::mapping::CustomAttributeList>),
        op("put", "/api/v1/custom_attributes", "Replace the custom profile attributes", C, 200).json(s::<api::mapping::CustomAttributeList>).returns(s::<api::mapping::CustomAttributeList>),
        op("get", "/api/v1/organizations/{id}/domains", "List an organization's domains", D, 200).returns(s::<d::DomainList>).errors(&[E::OrganizationNotFound]),
        op("post", "/api/v1/organizations/{id}/domains", "Add a domain to verify", D, 201).json(s::<d::AddDomain>).returns(s::<d::Domain>).errors(&[E::OrganizationNotFound, E::DomainDuplicate, E::DomainTaken]),
        op("get", "/api/v1/domains/{id}", "Get a domain", D, 200).returns(s::<d::Domain>).errors(&[E::DomainNotFound]),
        op("delete", "/api/v1/domains/{id}", "Remove a domain", D, 204).errors(&[E::DomainNotFound]),
        op("post", "/api/v1/domains/{id}/check", "Check a domain's TXT record now", D, 200).returns(s::<d::Domain>).errors(&[E::DomainNotFound, E::DomainTaken]),
        op("post", "/api/v1/domains/{id}/verify", "Mark a domain verified without DNS (support)", D, 200).body(Body::OptionalJson(s::<d::VerifyDomain>)).returns(s::<d::Domain>).errors(&[E::DomainNotFound, E::DomainTaken]),
        op("get", "/api/v1/environment", "The environment's settings", D, 200).returns(s::<crate::server::domains::DomainSettings>),
        op("patch", "/api/v1/environment", "Change the environment's settings", D, 200).json(s::<crate::server::domains::DomainSettings>).returns(s::<crate::server::domains::DomainSettings>),
        op("get", "/api/v1/theme", "The environment's theme", T, 200).returns(s::<t::Theme>),
        op("put", "/api/v1/theme", "Replace the environment's theme (the shape `GET` returns, or `{\"theme\": …, \"accept_low_contrast\": …}`)", T, 200).json(s::<t::ThemeWrite>).returns(s::<t::Theme>).errors(&[E::LowContrast]),
        op("post", "/api/v1/theme/assets", "Upload a logo, favicon or font (`?kind=logo|favicon|font`, raw bytes)", T, 201)
            .query(const { &[qp("kind", true, &["logo", "favicon", "font"], "What the file is")] })
            .body(Body::Binary)
            .returns(s::<t::UploadedAsset>),
        op("get", "/api/v1/organizations/{id}/theme", "An organization's theme (its own, or inherited)", T, 200).returns(s::<t::OrganizationTheme>).errors(&[E::OrganizationNotFound]),
        op("put", "/api/v1/organizations/{id}/theme", "Give an organization its own theme (a theme, or `{\"theme\": …, \"accept_low_contrast\": …}`)", T, 200).json(s::<t::ThemeWrite>).returns(s::<t::OrganizationTheme>).errors(&[E::OrganizationNotFound, E::LowContrast]),
        op("delete", "/api/v1/organizations/{id}/theme", "Back to the environment's theme", T, 204).errors(&[E::OrganizationNotFound]),
        op("get", "/api/v1/client", "The app's client ID and its secrets", L, 200).returns(s::<sso::ClientCredentials>),
        op("post", "/api/v1/client/secrets", "Create a client secret (shown once; two may be live)", L, 201).returns(s::<sso::CreatedClientSecret>).errors(&[E::InvalidState]),
        op("delete", "/api/v1/client/secrets/{id}", "Revoke a client secret", L, 204).errors(&[E::NotFound]),
        op("get", "/api/v1/redirect_uris", "The registered redirect URIs", L, 200).returns(s::<sso::RedirectUris>),
        op("put", "/api/v1/redirect_uris", "Replace the redirect URIs (exact match; one default)", L, 200).json(s::<sso::RedirectUris>).returns(s::<sso::RedirectUris>),
        op("get", "/api/v1/custom_domains", "The environment's custom hostnames", H, 200).returns(s::<h::CustomDomainList>),
        op("post", "/api/v1/custom_domains", "Register a custom hostname (see its CNAME record)", H, 201).json(s::<h::CreateCustomDomain>).returns(s::<h::CustomDomain>).errors(&[E::CustomDomainTaken]),
        op("get", "/api/v1/custom_domains/{id}", "Get a custom hostname", H, 200).returns(s::<h::CustomDomain>).errors(&[E::CustomDomainNotFound]),
        op("delete", "/api/v1/custom_domains/{id}", "Stop serving a custom hostname", H, 204).errors(&[E::CustomDomainNotFound]),
        op("post", "/api/v1/custom_domains/{id}/check", "Look at a custom hostname's DNS now", H, 200).returns(s::<h::CustomDomain>).errors(&[E::CustomDomainNotFound]),
        op("get", "/api/v1/embedding", "Which sites may embed the portal, and the cookie mode", "Embedding", 200).returns(s::<api::embed::Embedding>),
        op("put", "/api/v1/embedding", "Replace the allowed parent origins and the cookie mode", "Embedding", 200).json(s::<api::embed::Embedding>).returns(s::<api::embed::Embedding>),
        op("get", "/api/v1/events", "The event log, oldest first: pass the last id seen as `after` for what came next", "Events", 200)
            .query(const { &[
                qs("after", false, event_id_schema, "An event id (`evt_…`): only events after it. An id this environment does not have (or no longer keeps) is refused"),
                qs("types", false, event_types_schema, "Comma-separated event types (see `EventType`): only these"),
                qp("organization_id", false, &[], "Only this organization's events"),
                qs("limit", false, event_limit_schema, "Page size, 1 to 100 (default 100)"),
            ] })
            .returns(s::<api::event::EventList>),
        op("get", "/api/v1/webhook_endpoints", "The environment's webhook endpoints", W, 200).returns(s::<wh::WebhookEndpointList>),
        op("post", "/api/v1/webhook_endpoints", "Create a webhook endpoint (its signing secret is shown once)", W, 201).json(s::<wh::CreateWebhookEndpoint>).returns(s::<wh::CreatedWebhookEndpoint>),
        op("get", "/api/v1/webhook_endpoints/{id}", "Get a webhook endpoint", W, 200).returns(s::<wh::WebhookEndpoint>).errors(&[E::WebhookEndpointNotFound]),
        op("patch", "/api/v1/webhook_endpoints/{id}", "Change a webhook endpoint (url, events, enabled, description)", W, 200).json(s::<wh::UpdateWebhookEndpoint>).returns(s::<wh::WebhookEndpoint>).errors(&[E::WebhookEndpointNotFound]),
        op("delete", "/api/v1/webhook_endpoints/{id}", "Delete a webhook endpoint and its deliveries", W, 204).errors(&[E::WebhookEndpointNotFound]),
        op("post", "/api/v1/webhook_endpoints/{id}/rotate_secret", "Give an endpoint a new secret (the old one stays valid 24 hours)", W, 200).returns(s::<wh::RotatedWebhookSecret>).errors(&[E::WebhookEndpointNotFound]),
        op("post", "/api/v1/webhook_endpoints/{id}/test", "Send a signed `webhook.test` message now and see the answer", W, 200).returns(s::<wh::WebhookTestResult>).errors(&[E::WebhookEndpointNotFound, E::RateLimited]),
        op("get", "/api/v1/webhook_endpoints/{id}/deliveries", "An endpoint's deliveries with every attempt, newest first", W, 200)
            .query(const { &[qp("before", false, &[], "A delivery id: only older ones"), qp("limit", false, &[], "1 to 100 (default 50)")] })
            .returns(s::<wh::WebhookDeliveryList>).errors(&[E::WebhookEndpointNotFound]),
        op("post", "/api/v1/webhook_endpoints/{id}/deliveries/{delivery_id}/retry", "Send a delivery again now, with a fresh retry schedule", W, 200).returns(s::<wh::WebhookDelivery>).errors(&[E::WebhookEndpointNotFound, E::WebhookDeliveryNotFound]),
        op("post", "/api/v1/organizations/{id}/directories", "Create a directory for an organization (support-assisted setup; the portal's `dsync` link does it too)", S, 201).json(s::<ds::CreateDirectory>).returns(s::<ds::Directory>).errors(&[E::OrganizationNotFound, E::InvalidState]),
        op("get", "/api/v1/directories", "The environment's directories, oldest first", S, 200)
            .query(const { &[qp("organization_id", false, &[], "Only this organization's directories")] })
            .returns(s::<ds::DirectoryList>),
        op("get", "/api/v1/directories/{id}", "Get a directory (state, SCIM base URL, counts)", S, 200).returns(s::<ds::Directory>).errors(&[E::DirectoryNotFound]),
        op("delete", "/api/v1/directories/{id}", "Delete a directory with its users, groups and tokens", S, 204).errors(&[E::DirectoryNotFound]),
        op("get", "/api/v1/directories/{id}/tokens", "A directory's SCIM bearer tokens (never their secrets)", S, 200).returns(s::<ds::DirectoryTokenList>).errors(&[E::DirectoryNotFound]),
        op("post", "/api/v1/directories/{id}/tokens", "Create a SCIM bearer token (shown once; the others keep working 24 hours)", S, 201).returns(s::<ds::DirectoryToken>).errors(&[E::DirectoryNotFound, E::InvalidState]),
        op("delete", "/api/v1/directories/{id}/tokens/{token_id}", "Revoke a SCIM bearer token now", S, 204).errors(&[E::DirectoryNotFound, E::DirectoryTokenNotFound]),
        op("get", "/api/v1/directories/{id}/users", "A directory's users, oldest first (deleted ones included, inactive)", S, 200)
            .query(const { &[
                qp("group", false, &[], "Only members of this group (`dgrp_…`)"),
                qp("state", false, &["active", "inactive"], "Only active or inactive users"),
                qp("after", false, &[], "A user id: only users after it"),
                qs("limit", false, event_limit_schema, "1 to 100 (default 100)"),
            ] })
            .returns(s::<ds::DirectoryUserList>).errors(&[E::DirectoryNotFound]),
        op("get", "/api/v1/directory_users/{id}", "Get a directory user, normalized, with groups and role", S, 200).returns(s::<ds::DirectoryUser>).errors(&[E::DirectoryUserNotFound]),
        op("get", "/api/v1/directories/{id}/groups", "A directory's groups, oldest first", S, 200)
            .query(const { &[qp("after", false, &[], "A group id: only groups after it"), qs("limit", false, event_limit_schema, "1 to 100 (default 100)")] })
            .returns(s::<ds::DirectoryGroupList>).errors(&[E::DirectoryNotFound]),
        op("get", "/api/v1/directory_groups/{id}", "Get a directory group", S, 200).returns(s::<ds::DirectoryGroup>).errors(&[E::DirectoryGroupNotFound]),
        op("get", "/api/v1/directories/{id}/attribute_mapping", "A directory's custom attribute mapping, with the SCIM attributes its newest users hold", S, 200).returns(s::<da::DirectoryAttributeMappingView>).errors(&[E::DirectoryNotFound]),
        op("put", "/api/v1/directories/{id}/attribute_mapping", "Replace a directory's custom attribute mapping (`\"\"` maps one to nothing; users' events carry it from their next change)", S, 200).json(s::<da::DirectoryAttributeMapping>).returns(s::<da::DirectoryAttributeMappingView>).errors(&[E::DirectoryNotFound, E::UnknownCustomAttribute, E::InvalidAttributePath]),
        op("get", "/api/v1/roles", "The app's roles that directory groups map to", S, 200).returns(s::<ds::RolesBody>),
        op("put", "/api/v1/roles", "Replace the roles (listed most privileged first) and the default role", S, 200).json(s::<ds::RolesBody>).returns(s::<ds::RolesBody>).errors(&[E::DuplicateRole]),
        op("get", "/api/v1/openapi.json", "This document", "Meta", 200).auth(Auth::Public),
        op("get", "/sso/authorize", "Start a sign-in: redirects to the organization's IdP, then back to `redirect_uri` with `code` or `error`", L, 302)
            .auth(Auth::Public)
            .query(const { &[
                qp("client_id", true, &[], "The app's client ID"),
                qp("redirect_uri", false, &[], "One of the registered redirect URIs (absent: the default one)"),
                qp("response_type", false, &["code"], "Always `code`"),
                qp("state", false, &[], "Returned to the app as it was sent"),
                qp("organization", false, &[], "The organization's id or external id"),
                qp("connection", false, &[], "A connection id"),
                qp("login_hint", false, &[], "An email address; its domain picks the organization"),
                qp("code_challenge", false, &[], "PKCE challenge"),
                qp("code_challenge_method", false, &["S256"], "Always `S256`"),
            ] })
            .errors(&[E::ValidationFailed, E::ClientUnknown, E::RedirectUriNotRegistered, E::RateLimited]),
        op("post", "/sso/token", "Trade a code for the profile (client secret by Basic or form, or PKCE `code_verifier`)", L, 200)
            .auth(Auth::Client)
            // OAuth's own errors: a bad request or grant, a client that failed to authenticate,
            // a form too large to read, too many failed requests (`slow_down`).
            .also(&[400, 401, 413, 429])
            .body(Body::Form(s::<crate::server::go_live::TokenRequest>))
            .returns(s::<sso::TokenResponse>),
        op("get", "/sso/saml/{connection_id}/metadata.xml", "Our SAML SP metadata for a connection", "Protocol", 200).auth(Auth::Public).errors(&[E::ConnectionNotFound]),
        op("post", "/sso/saml/{connection_id}/acs", "The SAML Assertion Consumer Service (IdPs post here)", "Protocol", 303).auth(Auth::Public).errors(&[E::ConnectionNotFound, E::ConnectionIncomplete, E::ValidationFailed, E::PayloadTooLarge, E::RateLimited, E::Internal])
            // An answer refused before it was recorded.
            .also(&[400]),
        op("get", "/sso/saml/{connection_id}/login/{test_id}", "Sends the browser to the IdP with a fresh AuthnRequest", "Protocol", 302).auth(Auth::Public).errors(&[E::ConnectionNotFound, E::TestNotFound]),
        op("get", "/sso/oidc/{connection_id}/callback", "The OIDC redirect URI (IdPs send the browser here)", "Protocol", 303).auth(Auth::Public).errors(&[E::ConnectionNotFound, E::ConnectionIncomplete, E::ValidationFailed, E::RateLimited, E::Internal])
            // An answer refused before it was recorded.
            .also(&[400]),
    ]
}

/// The generator of every schema the document holds; request bodies are checked against the
/// same schemas ([`conform`]). OpenAPI 3.1's schemas are JSON Schema 2020-12 (`null` is a type,
/// not a `nullable` flag), kept under `components/schemas`.
fn generator() -> SchemaGenerator {
    let mut settings = SchemaSettings::draft2020_12();
    settings.definitions_path = "/components/schemas".into();
    settings.meta_schema = None;
    settings.into_generator()
}

/// Holds a request body to the JSON types of `T`'s schema, the one the document publishes:
/// an object, array, string, number, boolean or null where the schema allows it (following
/// `$ref`, `anyOf`/`oneOf`/`allOf`, properties, additional properties and items). A number
/// with no fraction where an integer is expected becomes an integer (`60.0` is `60`), as JSON
/// Schema counts it. Names the first mismatch by its path (`theme.light`).
pub fn conform<T: JsonSchema + 'static>(value: &mut Value) -> Result<(), String> {
    let compiled = schema_of::<T>();
    let (root, defs) = compiled.as_ref();
    conform_to(value, root, defs, "the body", 0)
}

/// A body type's schema and its definitions, generated once per type: every JSON request
/// passes through [`conform`], and generating schemas is far more work than checking a body.
fn schema_of<T: JsonSchema + 'static>() -> Arc<(Value, Map<String, Value>)> {
    type Compiled = Arc<(Value, Map<String, Value>)>;
    static CACHE: OnceLock<Mutex<HashMap<TypeId, Compiled>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let key = TypeId::of::<T>();
    if let Some(hit) = cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
        return hit;
    }
    let mut g = generator();
    let root = Value::from(g.subschema_for::<T>());
    let compiled = Arc::new((root, g.take_definitions(true)));
    if let Ok(mut c) = cache.lock() {
        c.insert(key, compiled.clone());
    }
    compiled
}

/// Deepest nesting followed; wire types are shallow, and a recursive schema must end.
const MAX_DEPTH: usize = 32;

fn conform_to(
    value: &mut Value,
    schema: &Value,
    defs: &Map<String, Value>,
    at: &str,
    depth: usize,
) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Ok(());
    }
    let Some(schema) = schema.as_object() else {
        // `true` allows anything; `false` nothing.
        return match schema {
            Value::Bool(false) => Err(format!("{at} is not allowed")),
            _ => Ok(()),
        };
    };
    if let Some(Value::String(r)) = schema.get("$ref") {
        let name = r.rsplit('/').next().unwrap_or_default();
        if let Some(target) = defs.get(name) {
            conform_to(value, target, defs, at, depth + 1)?;
        }
    }
    if let Some(Value::Array(all)) = schema.get("allOf") {
        for s in all {
            conform_to(value, s, defs, at, depth + 1)?;
        }
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(any)) = schema.get(key) {
            // The first choice whose required fields are all there, else the first whose types
            // fit (serde then names the missing field): an object fits several choices' types
            // when they differ only in what they require.
            let mut first_err = None;
            let mut fits = None;
            for s in any {
                let mut candidate = value.clone();
                match conform_to(&mut candidate, s, defs, at, depth + 1) {
                    Ok(()) if has_required(&candidate, s, defs) => {
                        fits = Some(candidate);
                        break;
                    }
                    Ok(()) => {
                        fits.get_or_insert(candidate);
                    }
                    Err(e) => {
                        first_err.get_or_insert(e);
                    }
                }
            }
            let matched = fits.is_some();
            if let Some(candidate) = fits {
                *value = candidate;
            }
            if !matched {
                return Err(first_err.unwrap_or_else(|| format!("{at} matches no choice")));
            }
        }
    }
    if let Some(types) = schema.get("type") {
        let allowed: Vec<&str> = match types {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if !allowed.is_empty() && !allowed.iter().any(|t| is_type(value, t)) {
            return Err(format!(
                "{at} must be {}, not {}",
                allowed.join(" or "),
                type_name(value)
            ));
        }
    }
    match value {
        Value::Object(fields) => {
            let props = schema.get("properties").and_then(Value::as_object);
            let extra = schema.get("additionalProperties");
            for (name, v) in fields.iter_mut() {
                let inner = format!("{at}.{name}");
                let inner = inner.strip_prefix("the body.").unwrap_or(&inner).to_owned();
                match (props.and_then(|p| p.get(name)), extra) {
                    (Some(s), _) | (None, Some(s)) => conform_to(v, s, defs, &inner, depth + 1)?,
                    // Unknown fields are serde's to refuse (`deny_unknown_fields`).
                    (None, None) => {}
                }
            }
        }
        Value::Array(items) => {
            if let Some(s) = schema.get("items") {
                for (i, v) in items.iter_mut().enumerate() {
                    conform_to(v, s, defs, &format!("{at}[{i}]"), depth + 1)?;
                }
            }
        }
        Value::Number(n) => {
            // An integral float where only an integer fits: the integer serde expects.
            let integer_only = match schema.get("type") {
                Some(Value::String(t)) => t == "integer",
                Some(Value::Array(ts)) => {
                    ts.iter().any(|t| t == "integer") && !ts.iter().any(|t| t == "number")
                }
                _ => false,
            };
            if integer_only && !n.is_i64() && !n.is_u64() {
                if let Some(f) = n.as_f64() {
                    // Exact below 2^53; beyond, no integer field of ours has a use for it.
                    if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 {
                        *value = Value::from(f as i64);
                    }
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// Whether an object has every field its schema (or the schema it refers to) requires.
fn has_required(value: &Value, schema: &Value, defs: &Map<String, Value>) -> bool {
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => defs
            .get(r.rsplit('/').next().unwrap_or_default())
            .unwrap_or(schema),
        None => schema,
    };
    match (value, schema.get("required")) {
        (Value::Object(fields), Some(Value::Array(required))) => required
            .iter()
            .filter_map(Value::as_str)
            .all(|k| fields.contains_key(k)),
        _ => true,
    }
}

fn is_type(value: &Value, t: &str) -> bool {
    match (t, value) {
        ("object", Value::Object(_))
        | ("array", Value::Array(_))
        | ("string", Value::String(_))
        | ("boolean", Value::Bool(_))
        | ("null", Value::Null)
        | ("number", Value::Number(_)) => true,
        ("integer", Value::Number(n)) => {
            n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        _ => false,
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Object(_) => "an object",
        Value::Array(_) => "an array",
        Value::String(_) => "a string",
        Value::Bool(_) => "a boolean",
        Value::Null => "null",
        Value::Number(_) => "a number",
    }
}

/// The whole document.
pub fn document() -> Value {
    let mut g = generator();
    let mut paths: Map<String, Value> = Map::new();
    for o in operations() {
        let mut operation = json!({ "summary": o.summary, "tags": [o.tag] });
        let params: Vec<Value> = o
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|p| p.strip_suffix('}')))
            .map(|p| json!({ "name": p, "in": "path", "required": true, "schema": { "type": "string" } }))
            .collect();
        let params: Vec<Value> = params
            .into_iter()
            .chain(o.query.iter().map(|q| {
                let mut schema = q.schema.map_or_else(|| json!({ "type": "string" }), |f| f());
                if !q.values.is_empty() {
                    schema["enum"] = json!(q.values);
                }
                json!({ "name": q.name, "in": "query", "required": q.required, "description": q.description, "schema": schema })
            }))
            .collect();
        if !params.is_empty() {
            operation["parameters"] = Value::Array(params);
        }
        match o.body {
            Some(Body::Json(f)) => {
                operation["requestBody"] = json!({ "required": true, "content": { "application/json": { "schema": f(&mut g) } } })
            }
            Some(Body::OptionalJson(f)) => {
                operation["requestBody"] = json!({ "required": false, "content": { "application/json": { "schema": f(&mut g) } } })
            }
            Some(Body::Form(f)) => {
                operation["requestBody"] = json!({ "required": true, "content": { "application/x-www-form-urlencoded": { "schema": f(&mut g) } } })
            }
            Some(Body::Binary) => {
                operation["requestBody"] = json!({ "required": true, "content": { "application/octet-stream": { "schema": { "type": "string", "format": "binary" } } } })
            }
            None => {}
        }
        let mut ok = json!({ "description": "Success" });
        if let Some(f) = o.response {
            ok["content"] = json!({ "application/json": { "schema": f(&mut g) } });
        }
        let mut responses = Map::new();
        responses.insert(o.status.to_string(), ok);
        if o.auth == Auth::ApiKey {
            operation["security"] = json!([{ "apiKey": [] }]);
        }
        // Each error status, with the codes that answer it, in the one shape each kind of
        // caller gets.
        let codes = o.error_codes();
        for status in o.statuses().into_iter().filter(|s| *s != o.status) {
            let named: Vec<String> = codes
                .iter()
                .filter(|c| c.status() == status)
                .map(|c| format!("`{}`", c.as_str()))
                .collect();
            let error = match o.auth {
                Auth::ApiKey => json!({
                    "description": format!("An error ({}): a stable `code`, a message, `fields` and the `request_id`", named.join(", ")),
                    "content": { "application/json": { "schema": s::<api::error::ApiErrorBody>(&mut g) } },
                }),
                Auth::Client => json!({
                    "description": "An OAuth error (`invalid_request`, `invalid_client`, `invalid_grant`, …)",
                    "content": { "application/json": { "schema": s::<api::sso::TokenError>(&mut g) } },
                }),
                Auth::Public if named.is_empty() => json!({
                    "description": "An error page for the person at the browser: the answer was refused and nothing was recorded",
                }),
                Auth::Public => json!({
                    "description": format!("An error page for the person at the browser, naming the error code ({})", named.join(", ")),
                }),
            };
            responses.insert(status.to_string(), error);
        }
        operation["responses"] = Value::Object(responses);
        let entry = paths.entry(o.path.to_owned()).or_insert_with(|| json!({}));
        entry[o.method] = operation;
    }
    let schemas: Map<String, Value> = g.take_definitions(true).into_iter().collect();
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Portico",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The vendor API (`/api/v1`, with an API key) and the SSO endpoints a vendor's app and identity providers use.",
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": { "apiKey": { "type": "http", "scheme": "bearer", "description": "An API key, `pk_…` (`portico api-key create`)." } },
        },
    })
}
