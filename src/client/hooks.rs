//! Small reactive helpers the pages share: "latest answer only" and debounce.
//!
//! Both rest on Leptos's [`Action`]: a run is a dispatch, and a run that no longer matters is
//! aborted (its future is dropped at its next await), so the code after an `.await` never has
//! to ask whether its input is still current or its component still on the page.

use leptos::prelude::*;
use leptos::reactive::actions::ActionAbortHandle;
use std::future::Future;

/// Async work of which only the latest run counts.
///
/// Starting a run aborts the one before it; the component that made it leaving the page aborts
/// the current one. With [`Latest::dispatch_after`] it is also a debounce: a new start during
/// the pause replaces the waiting run, so only a pause in the input does the work.
pub struct Latest<I: 'static, O: 'static> {
    action: Action<I, O>,
    running: StoredValue<Option<ActionAbortHandle>>,
    // Made once: `Action::pending` and `Action::value` create a new node on every call.
    pending: Memo<bool>,
    value: MappedSignal<Option<O>>,
}

impl<I: 'static, O: 'static> Clone for Latest<I, O> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<I: 'static, O: 'static> Copy for Latest<I, O> {}

impl<I: 'static, O: 'static> Latest<I, O> {
    /// Wraps `run`, which gets each dispatched input; its answer is [`Latest::value`].
    pub fn new<F, Fu>(run: F) -> Self
    where
        F: Fn(&I) -> Fu + 'static,
        Fu: Future<Output = O> + 'static,
    {
        let action = Action::new_local(run);
        let running = StoredValue::new(None::<ActionAbortHandle>);
        // Cleanups run before the owner's values are dropped, so the handle is still there.
        on_cleanup(move || {
            if let Some(Some(h)) = running.try_update_value(Option::take) {
                h.abort();
            }
        });
        Self {
            action,
            running,
            pending: action.pending(),
            value: action.value(),
        }
    }

    /// Starts a run now, aborting the one in progress.
    pub fn dispatch(&self, input: I) {
        // A task that outlived the component may still ask for a run: nobody is left to see it.
        if self.value.is_disposed() {
            return;
        }
        let handle = self.action.dispatch_local(input);
        if let Some(previous) = self
            .running
            .try_update_value(|r| r.replace(handle))
            .flatten()
        {
            previous.abort();
        }
    }

    /// Aborts the run in progress, if any: its answer will never arrive.
    pub fn cancel(&self) {
        if let Some(Some(h)) = self.running.try_update_value(Option::take) {
            h.abort();
        }
    }

    /// Whether a run is in progress.
    pub fn pending(&self) -> Memo<bool> {
        self.pending
    }

    /// The latest run's answer, once there is one.
    pub fn value(&self) -> MappedSignal<Option<O>> {
        self.value
    }
}

impl<I: Clone + 'static, O: 'static> Latest<(u32, I), O> {
    /// Starts a run after `delay_ms` (a debounce: a new start during the pause replaces this one).
    pub fn dispatch_after(&self, delay_ms: u32, input: I) {
        self.dispatch((delay_ms, input));
    }
}

/// Waits `ms` milliseconds (nothing when 0): the pause of a debounced run.
pub async fn pause(ms: u32) {
    if ms > 0 {
        gloo_timers::future::TimeoutFuture::new(ms).await;
    }
}
