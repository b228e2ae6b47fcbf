//! A directory's sync log: the provider's latest SCIM requests, what each did, and for a failure
//! what went wrong in words an admin can act on. Shown live while the wizard waits for the first
//! request, and on the directory's home page.

use crate::api::directory::SyncLogEntry;
use crate::client::style::scoped;
use leptos::prelude::*;
use stylers_macro::style_str;

/// The operation in words: `POST Users` → "Create user".
fn operation(method: &str, resource_type: &str) -> String {
    let what = match resource_type {
        "Users" => "user",
        "Groups" => "group",
        "" => "request",
        // Discovery (`ServiceProviderConfig`, `Schemas`, `ResourceTypes`) and anything new.
        other => return format!("{method} {other}"),
    };
    let verb = match method {
        "POST" => "Create",
        "PUT" => "Replace",
        "PATCH" => "Update",
        "DELETE" => "Delete",
        "GET" => "Read",
        other => other,
    };
    format!("{verb} {what}")
}

/// The latest requests, newest first, as a table; a note when there are none.
#[component]
pub fn SyncLog(
    /// The entries, newest first.
    #[prop(into)]
    entries: Signal<Vec<SyncLogEntry>>,
) -> impl IntoView {
    let class = scoped(style_str! {
        .scroll {
            overflow-x: auto;
        }
        .explain {
            margin-top: var(--space-1);
            font-size: var(--font-size-sm);
        }
        .time {
            white-space: nowrap;
        }
        .day {
            display: block;
            color: var(--color-text-muted);
            font-size: var(--font-size-sm);
        }
    });
    let row = move |e: SyncLogEntry| {
        // The time with seconds first (requests come seconds apart), the day under it.
        let (time, day) = (
            crate::core::cert::format_time_of_day(e.at.unix()),
            crate::core::cert::format_date(e.at.unix()),
        );
        let ok = e.status < 400;
        let op = operation(&e.method, &e.resource_type);
        view! { class=class,
            <tr data-sync-status=e.status>
                <td><span class="time">{time}</span><span class="day">{day}</span></td>
                <td>{op}</td>
                <td>
                    <span class=if ok { "badge success" } else { "badge warning" }>
                        {if ok { format!("Done ({})", e.status) } else { format!("Refused ({})", e.status) }}
                    </span>
                    " "{e.summary}
                    {e.explanation.map(|x| view! { class=class, <p class="explain">{x}</p> })}
                </td>
            </tr>
        }
    };
    view! { class=class,
        {move || entries.with(|l| {
            if l.is_empty() {
                view! { <p class="muted">"No request from your directory provider yet."</p> }.into_any()
            } else {
                let rows = l.iter().cloned().map(row).collect_view();
                view! { class=class,
                    <div class="scroll">
                        <table class="data">
                            <caption class="visually-hidden">"Latest requests from your directory provider, newest first"</caption>
                            <thead><tr>
                                <th scope="col">"When (UTC)"</th>
                                <th scope="col">"Operation"</th>
                                <th scope="col">"Result"</th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }.into_any()
            }
        })}
    }
}
