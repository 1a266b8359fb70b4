//! A queue's tickets in the agent's chosen columns, with selection, a keyboard cursor, and new
//! arrivals highlighted.

use std::collections::HashSet;

use leptos::prelude::*;

use crate::ui::components::DueCountdown;
use leptos_router::components::A;

use crate::domain::queue::Column;
use crate::domain::ticket::State;
use crate::server_fns::agent_queue::QueueRow;

#[component]
pub fn QueueTable(
    rows: Vec<QueueRow>,
    columns: Vec<Column>,
    /// Numbers of the selected tickets (for bulk actions).
    selected: RwSignal<HashSet<String>>,
    /// The row the keyboard is on.
    cursor: RwSignal<usize>,
    /// Numbers that arrived since the last load.
    fresh: HashSet<String>,
) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="empty">"No tickets here."</p> }.into_any();
    }
    let all: Vec<String> = rows.iter().map(|r| r.number.clone()).collect();
    let all_selected = {
        let all = all.clone();
        move || selected.with(|s| all.iter().all(|n| s.contains(n)))
    };
    let header_columns = columns.clone();
    view! {
        <div class="table-wrap">
            <table class="table table--queue">
                <thead>
                    <tr>
                        <th scope="col" class="table__check">
                            <input type="checkbox" aria-label="Select all tickets on this page"
                                prop:checked=all_selected
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    selected.update(|s| for n in &all { if on { s.insert(n.clone()); } else { s.remove(n); } });
                                } />
                        </th>
                        <th scope="col">"Ticket"</th>
                        {header_columns.into_iter().map(|c| view! { <th scope="col">{c.label()}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .enumerate()
                        .map(|(index, row)| {
                            let number = row.number.clone();
                            let is_new = fresh.contains(&row.number);
                            let toggle = number.clone();
                            let checked = number.clone();
                            view! {
                                <tr class:row--new=is_new class:row--cursor=move || cursor.get() == index
                                    aria-selected=move || (cursor.get() == index).to_string()>
                                    <td class="table__check">
                                        <input type="checkbox" aria-label=format!("Select ticket #{number}")
                                            prop:checked=move || selected.with(|s| s.contains(&checked))
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                selected.update(|s| if on { s.insert(toggle.clone()); } else { s.remove(&toggle); });
                                            } />
                                    </td>
                                    <td class="nowrap">
                                        <A href=format!("/agent/tickets/{number}")>{format!("#{number}")}</A>
                                    </td>
                                    {columns.iter().map(|c| cell(*c, &row)).collect_view()}
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

fn cell(column: Column, row: &QueueRow) -> AnyView {
    let time = |t: chrono::DateTime<chrono::Utc>| {
        view! { <td class="nowrap"><time datetime=t.to_rfc3339()>{t.format("%Y-%m-%d %H:%M").to_string()}</time></td> }.into_any()
    };
    match column {
        Column::Subject => {
            let matched = row.matched.clone();
            view! {
                <td>
                    <span class="queue__subject">{row.subject.clone()}</span>
                    {(!matched.is_empty()).then(|| view! {
                        <p class="queue__match">
                            {matched.into_iter().map(|s| if s.matched {
                                view! { <mark>{s.text}</mark> }.into_any()
                            } else {
                                view! { <span>{s.text}</span> }.into_any()
                            }).collect_view()}
                        </p>
                    })}
                </td>
            }
            .into_any()
        }
        Column::Requester => view! { <td title=row.requester_email.clone()>{row.requester.clone()}</td> }.into_any(),
        Column::Status => view! {
            <td><span class="badge" class:badge--muted=row.state == State::Closed>{row.status.clone()}</span></td>
        }
        .into_any(),
        Column::Priority => view! {
            <td><span class=format!("priority priority--{}", row.priority_key)>{row.priority.clone()}</span></td>
        }
        .into_any(),
        Column::Department => view! { <td>{row.department.clone()}</td> }.into_any(),
        Column::Assignee => view! {
            <td>{row.assignee.clone().unwrap_or_else(|| "—".into())}</td>
        }
        .into_any(),
        Column::Team => view! { <td>{row.team.clone().unwrap_or_else(|| "—".into())}</td> }.into_any(),
        Column::Source => view! { <td>{row.source.as_str()}</td> }.into_any(),
        Column::Tags => view! { <td>{row.tags.join(", ")}</td> }.into_any(),
        Column::Created => time(row.created_at),
        Column::Updated => time(row.updated_at),
        Column::Due => view! { <td class="nowrap"><DueCountdown due=row.sla_due paused=row.sla_paused status=row.status.clone() /></td> }.into_any(),
    }
}
