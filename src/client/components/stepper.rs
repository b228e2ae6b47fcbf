//! The wizard's progress: numbered steps, the current one marked for assistive technology,
//! the ones the admin may go back to as links.

use crate::client::style::scoped;
use leptos::prelude::*;
use stylers_macro::style_str;

/// Shows `steps` with the one at `current` (0-based) marked.
#[component]
pub fn Stepper(
    /// Step titles.
    steps: &'static [&'static str],
    /// Index of the current step.
    #[prop(into)]
    current: Signal<usize>,
    /// Where each step lives, for the steps the admin may go back to (`None`: not a link).
    #[prop(optional, into)]
    links: Option<Signal<Vec<Option<String>>>>,
) -> impl IntoView {
    let class = scoped(style_str! {
        ol {
            list-style: none;
            padding: 0;
            display: flex;
            flex-wrap: wrap;
            gap: var(--space-2);
            counter-reset: step;
        }
        li {
            display: flex;
            align-items: center;
            gap: var(--space-2);
            color: var(--color-text-muted);
            font-size: var(--font-size-sm);
        }
        li::before {
            counter-increment: step;
            content: counter(step);
            display: inline-grid;
            place-items: center;
            width: 1.75rem;
            height: 1.75rem;
            border-radius: 50%;
            border: var(--border-width) solid var(--color-border);
            background: var(--color-surface);
        }
        li.done::before {
            background: var(--color-success-bg);
            border-color: var(--color-success);
        }
        li a {
            color: inherit;
        }
        li[aria-current="step"] {
            color: var(--color-text);
            font-weight: 700;
        }
        li[aria-current="step"]::before {
            background: var(--color-primary);
            border-color: var(--color-primary);
            color: var(--color-on-primary);
        }
    });
    view! { class=class,
        <nav aria-label="Setup progress">
            <ol>
                {steps.iter().enumerate().map(|(i, title)| {
                    let title = *title;
                    let href = move || links.and_then(|l| l.with(|l| l.get(i).cloned().flatten()));
                    view! { class=class,
                        <li class=("done", move || i < current.get())
                            aria-current=move || (i == current.get()).then_some("step")>
                            {move || match href() {
                                Some(href) => view! { class=class, <a href=href data-step-link=i>{title}</a> }.into_any(),
                                None => view! { <span>{title}</span> }.into_any(),
                            }}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </nav>
    }
}
