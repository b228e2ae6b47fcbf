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

fn reload() {
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
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
    let slow_timer = StoredValue::new(None::<TimeoutHandle>);
    on_cleanup(move || {
        if let Some(timer) = slow_timer.try_update_value(Option::take).flatten() {
            timer.clear();
        }
    });
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
        // Only a wait still quiet becomes "Loading…" (an update that changes nothing must not
        // notify: the screen would be built again). A retry replaces the earlier attempt's timer.
        let timer = set_timeout_with_handle(
            move || {
                phase.try_maybe_update(|p| {
                    let quiet = matches!(p, Phase::Quiet);
                    if quiet {
                        *p = Phase::Slow;
                    }
                    (quiet, ())
                });
            },
            QUIET,
        )
        .ok();
        if let Some(earlier) = slow_timer
            .try_update_value(|t| std::mem::replace(t, timer))
            .flatten()
        {
            earlier.clear();
        }
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
                    <p>"The connection dropped while it was downloading, or the portal was just updated. Nothing you entered is lost."</p>
                    <p class="actions">
                        <button type="button" class="button primary" on:click=move |_| start()>"Try again"</button>
                        " "
                        // After an update, this page's chunks are gone: only a fresh page has the new ones.
                        <button type="button" class="button" on:click=|_| reload()>"Reload the page"</button>
                    </p>
                </div>
            }
            .into_any(),
        }
    }
}
