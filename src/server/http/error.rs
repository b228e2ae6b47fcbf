//! How the domain error becomes a response (carrying the request's id, see
//! [`request_id`](super::request_id)), and the JSON body extractor that reports in that shape.

use crate::api::{ApiErrorBody, ErrorCode, ErrorDetail};
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// The domain's [`Error`](crate::server::error::Error) as the HTTP layer names it: turned into
/// `{"error": {...}}` with the code's status (the `IntoResponse` below). One type, two names, so
/// handlers read as HTTP code and domain modules never import this file.
pub type ApiError = crate::server::error::Error;

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut detail = ErrorDetail::new(self.code);
        if let Some(m) = self.message {
            detail.message = m;
        }
        detail.fields = self.fields;
        detail.details = self.details;
        // Built while the handler runs, inside the request's id scope: the body is written once,
        // with the id the response header carries.
        detail.request_id = super::request_id::current();
        let status =
            StatusCode::from_u16(self.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut resp = (status, axum::Json(ApiErrorBody { error: detail })).into_response();
        if let Some(wait) = self.retry_after {
            resp.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, wait.into());
        }
        resp
    }
}

/// A JSON body whose every rejection is reported in the one error shape, and which holds to the
/// body's JSON schema, the one the OpenAPI document publishes: a value of the wrong JSON type
/// anywhere (an array where an object is expected, as serde would otherwise accept for a
/// struct) is refused before serde sees it, and a number with no fraction (`60.0`) counts as an
/// integer, as JSON Schema says. Value rules (ranges, lengths, formats) stay with the domain,
/// which reports them with their own codes.
pub struct Json<T>(pub T);

impl<S, T> FromRequest<S> for Json<T>
where
    T: serde::de::DeserializeOwned + schemars::JsonSchema + 'static,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let value = match axum::Json::<serde_json::Value>::from_request(req, state).await {
            Ok(axum::Json(v)) => v,
            Err(JsonRejection::MissingJsonContentType(_)) => {
                return Err(ApiError::new(ErrorCode::UnsupportedMediaType))
            }
            Err(JsonRejection::JsonSyntaxError(e)) => {
                let detail = std::error::Error::source(&e)
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| e.body_text());
                return Err(ApiError::new(ErrorCode::MalformedJson)
                    .message(format!("The request body is not valid JSON: {detail}.")));
            }
            Err(JsonRejection::BytesRejection(e))
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE =>
            {
                return Err(ApiError::new(ErrorCode::PayloadTooLarge).message(format!(
                    "The request body is larger than {} KiB.",
                    crate::server::http::BODY_LIMIT / 1024
                )))
            }
            Err(e) => return Err(ApiError::new(ErrorCode::MalformedJson).message(e.body_text())),
        };
        from_json_value(value).map(Json)
    }
}

/// Reads a parsed JSON body as `T`, held to `T`'s published schema first (see [`Json`]); for
/// handlers whose body is optional and so read it themselves.
pub fn from_json_value<T>(mut value: serde_json::Value) -> Result<T, ApiError>
where
    T: serde::de::DeserializeOwned + schemars::JsonSchema + 'static,
{
    let mismatch = |detail: String| {
        ApiError::new(ErrorCode::MalformedJson).message(format!(
            "The request body does not match this endpoint: {detail}."
        ))
    };
    crate::server::openapi::conform::<T>(&mut value).map_err(mismatch)?;
    // serde's own words name the field ("unknown field `x`", "missing field `name`").
    serde_json::from_value(value).map_err(|e| mismatch(e.to_string()))
}

/// Answers for API paths that match no route.
pub async fn api_not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound)
}

/// Answers for a known path with the wrong method.
pub async fn method_not_allowed() -> ApiError {
    ApiError::new(ErrorCode::MethodNotAllowed)
}
