//! Plain HTML pages for the rare sign-in answers that have no portal page to go back to (the
//! browser arrived from an identity provider or a vendor's app, not from the portal).

use super::error::ApiError;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};

/// A plain page for the rare case where there is no portal page to go back to.
pub(super) fn page(status: StatusCode, title: &str, err: &ApiError) -> Response {
    let message = err
        .message
        .clone()
        .unwrap_or_else(|| err.code.message().to_owned());
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{t}</title></head><body style=\"font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem\">\
         <h1>{t}</h1><p>{m}</p><p>Error code: <code>{c}</code></p></body></html>",
        t = html_escape::encode_quoted_attribute(title),
        m = html_escape::encode_quoted_attribute(&message),
        c = err.code.as_str()
    );
    (status, [(header::CACHE_CONTROL, "no-store")], Html(body)).into_response()
}

/// A sign-in that ended in an error, as a plain page with the error's status.
pub(super) fn failed(err: ApiError) -> Response {
    let status = StatusCode::from_u16(err.code.status()).unwrap_or(StatusCode::BAD_REQUEST);
    page(status, "This sign-in could not be completed", &err)
}
