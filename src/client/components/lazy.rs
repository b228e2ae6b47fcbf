//! A screen whose code arrives when it is first needed (see `client::chunks`): shows it at once
//! when its chunk is already here, says "Loading…" when the download takes longer than a
//! moment, and offers a retry when it fails, so a dropped connection never leaves a blank page.

use leptos::prelude::*;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

/// A chunk could not be downloaded (offline, a network error, a deploy that removed it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkFailed;

impl From<leptos::wasm_split::SplitLoaderError> for ChunkFailed {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        ChunkFailed
    }
}

/// Fetches a chunk and hands back what it exports (a view constructor, a plain `fn`).
pub type Loader<T> = fn() -> Pin<Box<dyn Future<Output = Result<T, ChunkFailed>>>>;

/// How long a download may take before the screen says it is loading: shorter waits would
/// only flash a message.
const QUIET: Duration = Duration::from_millis(300);

#[derive(Clone, Copy)]
enum Phase<T> {
    /// Downloading, for less than [`QUIET`] so far: nothing shown yet.
    Quiet,
    /// Downloading for longer.
    Slow,
    /// The download failed.
    Failed,
    /// Here.
    Ready(T),
}

/// Shows what `view` makes of the chunk's export once `load` has it.
#[component]
pub fn Lazy<T, V>(
    /// Fetches the chunk (a `#[wasm_split]` function of `client::chunks`).
    load: Loader<T>,
    /// Builds the screen from the chunk's export.
    view: V,
) -> impl IntoView
where
    T: Copy + Send + Sync + 'static,
    V: Fn(T) -> AnyView + Send + Sync + 'static,
{
    let phase = RwSignal::new(Phase::Quiet);
    // The wait belongs to this component, not to whatever runs `start`: a retry runs from the
    // failure notice's click handler, whose owner goes away as soon as the notice does.
    let owner = Owner::current();
    let start = move || {
        let mut loading = load();
        // A chunk already downloaded answers on the first poll: show it in this same frame,
        // with no placeholder in between (a step change then costs no extra frame).
        if let Poll::Ready(result) = loading
            .as_mut()
            .poll(&mut Context::from_waker(Waker::noop()))
        {
            phase.set(result.map_or(Phase::Failed, Phase::Ready));
            return;
        }
        phase.set(Phase::Quiet);
        // Leaving the screen cancels the wait (the download itself finishes and is kept).
        let wait = async move {
            phase.set(loading.await.map_or(Phase::Failed, Phase::Ready));
        };
        match &owner {
            Some(owner) => owner.with(|| leptos::task::spawn_local_scoped_with_cancellation(wait)),
            None => leptos::task::spawn_local_scoped_with_cancellation(wait),
        }
        set_timeout(
            move || {
                phase.try_update(|p| {
                    if matches!(p, Phase::Quiet) {
                        *p = Phase::Slow;
                    }
                });
            },
            QUIET,
        );
    };
    start();
    move || {
        let start = start.clone();
        match phase.get() {
            Phase::Ready(export) => view(export),
            Phase::Quiet => ().into_any(),
            Phase::Slow => view! { <p class="muted" role="status">"Loading…"</p> }.into_any(),
            Phase::Failed => view! {
                <div class="card" role="alert">
                    <h1>"This screen did not load"</h1>
                    <p>"The connection dropped while it was downloading. Nothing you entered is lost."</p>
                    <button type="button" class="primary" on:click=move |_| start()>"Try again"</button>
                </div>
            }
            .into_any(),
        }
    }
}
