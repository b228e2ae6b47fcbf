//! HTTP: the router, grouped by audience (vendor API, portal API, SSO endpoints, assets).

pub mod assets;
pub mod embed;
pub mod error;
pub mod go_live;
pub mod hostnames;
pub mod plain_page;
pub mod portal;
pub mod request_id;
pub mod scim;
pub mod session;
pub mod site;
pub mod sso;
pub mod theme;
pub mod vendor;

use crate::server::AppState;
use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue};
use axum::routing::get;
use axum::Router;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;

/// `Strict-Transport-Security` on every response when the public URL is https.
pub const HSTS: &str = "max-age=31536000";

/// Largest request body accepted (room for a large metadata document).
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// The whole application; tests drive it in-process, `serve` runs it.
pub fn router(state: AppState) -> Router {
    let api = |routes: Router<AppState>| {
        routes
            .fallback(error::api_not_found)
            .method_not_allowed_fallback(error::method_not_allowed)
    };
    // On https, browsers are told to come back on https only, for a year: a later link typed
    // or followed as http:// never reaches the network in the clear. Local http development
    // gets no such header (it would pin `localhost` to https in the developer's browser).
    let hsts = state.settings.secure_cookies().then(|| {
        SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        )
    });
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/internal/tls-allowed", get(hostnames::tls_allowed))
        .merge(sso::routes(&state))
        .merge(scim::routes())
        .route("/theme/{scope}/{file}", get(theme::serve_stylesheet))
        .route("/theme-assets/{id}", get(theme::serve_asset))
        .route("/embed.js", get(embed::script))
        .nest("/api/v1", api(vendor::routes()))
        .nest("/portal/api", api(portal::routes()))
        .fallback(assets::serve)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            embed::content_security_policy,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        // Every request is tied to an environment by its hostname before anything else runs.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            site::resolve,
        ))
        // Every request gets an id (or keeps a well-formed one it came with), seen by handlers
        // and error bodies through `context`, echoed in the response header, logged.
        .layer(axum::middleware::from_fn(request_id::context))
        .layer(request_id::propagate_layer())
        .layer(request_id::set_layer())
        .layer(tower::util::MapRequestLayer::new(
            request_id::drop_unacceptable,
        ))
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        // Setup links carry their token in the URL: never leak it to other sites.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(tower::util::option_layer(hsts))
        .with_state(state)
}

/// Runs [`router`] on `listener` until the process gets Ctrl-C or SIGTERM. The binary hands this
/// to the command line's `serve` command (see [`ServeApp`](crate::server::cli::ServeApp)).
pub fn serve(
    state: AppState,
    listener: tokio::net::TcpListener,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), String>> + Send>> {
    Box::pin(async move {
        axum::serve(
            listener,
            router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown())
        .await
        .map_err(|e| e.to_string())
    })
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
