//! Server-written text with its inline code shown as code (see [`crate::core::prose`]).

use crate::core::prose::{spans, Span};
use leptos::prelude::*;

/// A sentence or two from the server, backtick-marked names shown as `<code>`.
#[component]
pub fn Prose(
    /// The text, as the server wrote it.
    text: String,
) -> impl IntoView {
    spans(&text)
        .into_iter()
        .map(|s| match s {
            Span::Text(t) => t.to_owned().into_any(),
            Span::Code(c) => view! { <code>{c.to_owned()}</code> }.into_any(),
        })
        .collect_view()
}
