//! Acting on several selected tickets at once: assign, transfer, status, priority, close. Each
//! ticket succeeds or fails on its own, and failures are listed.

use std::collections::HashSet;

use leptos::prelude::*;

use crate::domain::ticket::closing_status;
use crate::domain::ticket_change::TicketChange;
use crate::server_fns::agent_queue::{BulkChange, Workspace};

/// The bar of bulk actions for the selected tickets; `bulk` belongs to the page, so its result
/// (see [`BulkResult`]) outlives re-renders of the bar.
#[component]
pub fn BulkBar(
    workspace: Workspace,
    selected: RwSignal<HashSet<String>>,
    bulk: ServerAction<BulkChange>,
) -> impl IntoView {
    let apply = move |change: TicketChange| {
        let mut numbers: Vec<String> = selected.get_untracked().into_iter().collect();
        numbers.sort();
        bulk.dispatch(BulkChange { numbers, change });
    };
    let closed = closing_status(&workspace.statuses).map(|s| s.key.clone());
    // The resolution class a bulk close records (alert tickets need one).
    let resolution = RwSignal::new(String::new());
    let status_change = move |status: String| TicketChange::Status {
        status,
        resolution: Some(resolution.get_untracked()).filter(|r| !r.is_empty()),
    };
    let ws = StoredValue::new(workspace);
    let picker = move |label: &'static str,
                       id: &'static str,
                       options: Vec<(String, String)>,
                       make: fn(String) -> TicketChange| {
        view! {
            <label for=id class="visually-hidden">{label}</label>
            <select id=id on:change=move |ev| {
                let value = event_target_value(&ev);
                if !value.is_empty() { apply(make(value)); }
            }>
                <option value="" selected=true>{label}</option>
                {options.into_iter().map(|(k, n)| view! { <option value=k>{n}</option> }).collect_view()}
            </select>
        }
    };
    view! {
        <Show when=move || !selected.with(HashSet::is_empty)>
            <div class="bulk-bar" role="region" aria-label="Bulk actions">
                <strong>{move || format!("{} selected", selected.with(HashSet::len))}</strong>
                {picker("Assign to…", "bulk-assign",
                    ws.with_value(|w| w.agents.iter().map(|a| (a.key.clone(), a.name.clone())).collect()),
                    |agent| TicketChange::Assign { agent: Some(agent) })}
                {picker("Assign team…", "bulk-team",
                    ws.with_value(|w| w.teams.iter().map(|t| (t.key.clone(), t.name.clone())).collect()),
                    |team| TicketChange::AssignTeam { team: Some(team) })}
                <label for="bulk-status" class="visually-hidden">"Set status…"</label>
                <select id="bulk-status" on:change=move |ev| {
                    let value = event_target_value(&ev);
                    if !value.is_empty() { apply(status_change(value)); }
                }>
                    <option value="" selected=true>"Set status…"</option>
                    {ws.with_value(|w| w.statuses.iter().map(|s| view! { <option value=s.key.clone()>{s.name.clone()}</option> }).collect_view())}
                </select>
                <label for="bulk-resolution" class="visually-hidden">"Resolution for closing"</label>
                <select id="bulk-resolution" on:change=move |ev| resolution.set(event_target_value(&ev))>
                    <option value="" selected=true>"Resolution for closing…"</option>
                    {ws.with_value(|w| w.resolutions.iter().map(|c| view! { <option value=c.key.clone()>{c.name.clone()}</option> }).collect_view())}
                </select>
                {picker("Set priority…", "bulk-priority",
                    ws.with_value(|w| w.priorities.iter().map(|p| (p.key.clone(), p.name.clone())).collect()),
                    |priority| TicketChange::Priority { priority })}
                {picker("Transfer to…", "bulk-transfer",
                    ws.with_value(|w| w.departments.iter().map(|d| (d.key.clone(), d.name.clone())).collect()),
                    |department| TicketChange::Transfer { department, comment: String::new() })}
                {closed.clone().map(|status| view! {
                    <button type="button" class="button" on:click=move |_| apply(status_change(status.clone()))>"Close"</button>
                })}
                <button type="button" class="button button--quiet" on:click=move |_| selected.set(HashSet::new())>"Clear selection"</button>
            </div>
        </Show>
    }
    .into_any()
}

/// How the last bulk change went: how many tickets changed, and why the others did not.
#[component]
pub fn BulkResult(bulk: ServerAction<BulkChange>) -> impl IntoView {
    view! {
        {move || bulk.value().get().map(|result| match result {
            Ok(outcomes) => {
                let failed: Vec<_> = outcomes.iter().filter(|o| o.error.is_some()).cloned().collect();
                let done = outcomes.len() - failed.len();
                let all_done = failed.is_empty();
                view! {
                    <div class="alert" class:alert--success=all_done class:alert--error=!all_done role="status">
                        <p>{format!("Changed {done} of {} tickets.", outcomes.len())}</p>
                        {(!all_done).then(|| view! {
                            <ul>{failed.into_iter().map(|o| view! { <li>{format!("#{}: {}", o.number, o.error.unwrap_or_default())}</li> }).collect_view()}</ul>
                        })}
                    </div>
                }.into_any()
            }
            Err(e) => view! { <div class="alert alert--error" role="alert">{e.to_string()}</div> }.into_any(),
        })}
    }
}
