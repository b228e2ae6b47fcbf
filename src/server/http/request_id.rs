//! Every request's id: made (or taken from a well-formed incoming `x-request-id`) by
//! tower-http's request-id layers, echoed in the response header, logged with the request, and
//! written into error bodies (`detail.request_id`) when they are built, through a task-local the
//! [`context`] middleware sets around the handler.

use crate::api::REQUEST_ID_HEADER;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};

/// The longest incoming id kept; longer ones are replaced, so a client cannot fill the log.
pub const MAX_INCOMING_LEN: usize = 64;

tokio::task_local! {
    /// The id of the request whose handler runs in this task (set by [`context`]).
    static CURRENT: String;
}

/// Makes ids in the form of every other Portico id: `req_` and 26 Crockford base32 characters.
#[derive(Debug, Clone, Copy, Default)]
pub struct MakeId;

impl MakeRequestId for MakeId {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        HeaderValue::from_str(&crate::server::crypto::id("req_"))
            .ok()
            .map(RequestId::new)
    }
}

/// The header the id travels in.
pub fn header() -> HeaderName {
    HeaderName::from_static(REQUEST_ID_HEADER)
}

/// The layer that gives a request without a (kept) id a new one, in its header and extensions.
pub fn set_layer() -> SetRequestIdLayer<MakeId> {
    SetRequestIdLayer::new(header(), MakeId)
}

/// The layer that copies the request's id into the response header.
pub fn propagate_layer() -> PropagateRequestIdLayer {
    PropagateRequestIdLayer::new(header())
}

/// Whether an incoming id is kept: a proxy in front may have named the request already, and
/// its logs then line up with ours. Only short ids of letters, digits, `-`, `_` and `.` are,
/// since the id is quoted in logs, error bodies and sign-in error descriptions.
pub fn acceptable(value: &HeaderValue) -> bool {
    let bytes = value.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= MAX_INCOMING_LEN
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Drops an incoming id that is not [`acceptable`] (all of them, if several were sent), so
/// [`set_layer`] makes a new one.
pub fn drop_unacceptable(mut req: Request) -> Request {
    let headers = req.headers_mut();
    let values: Vec<&HeaderValue> = headers.get_all(REQUEST_ID_HEADER).iter().collect();
    if values.len() != 1 || !values.iter().all(|v| acceptable(v)) {
        headers.remove(REQUEST_ID_HEADER);
    }
    req
}

/// The id of the request being handled, or an empty string outside one (the error body then
/// carries no id).
pub fn current() -> String {
    CURRENT.try_with(Clone::clone).unwrap_or_default()
}

/// Runs the rest of the stack with the request's id at hand for [`current`], and writes the
/// access log line.
pub async fn context(req: Request, next: Next) -> Response {
    let id = req
        .extensions()
        .get::<RequestId>()
        .and_then(|r| r.header_value().to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let resp = CURRENT.scope(id.clone(), next.run(req)).await;
    tracing::info!(request_id = %id, %method, %path, status = resp.status().as_u16(), "request");
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_ids_look_like_portico_ids() {
        let req = axum::http::Request::new(());
        let id = MakeId.make_request_id(&req).unwrap();
        let s = id.header_value().to_str().unwrap();
        assert!(s.starts_with("req_") && s.len() == 30, "{s}");
        assert!(acceptable(id.header_value()));
    }

    #[test]
    fn only_short_plain_incoming_ids_are_kept() {
        for ok in ["req_01JD", "3f2a-9b.c_d", &"a".repeat(MAX_INCOMING_LEN)] {
            assert!(acceptable(&HeaderValue::from_str(ok).unwrap()), "{ok}");
        }
        for bad in [
            "",
            "a b",
            "a;b",
            "<script>",
            &"a".repeat(MAX_INCOMING_LEN + 1),
        ] {
            assert!(!acceptable(&HeaderValue::from_str(bad).unwrap()), "{bad}");
        }
    }

    #[tokio::test]
    async fn the_current_id_is_the_scoped_one_and_empty_outside() {
        assert_eq!(current(), "");
        let inside = CURRENT.scope("req_X".to_owned(), async { current() }).await;
        assert_eq!(inside, "req_X");
    }
}
