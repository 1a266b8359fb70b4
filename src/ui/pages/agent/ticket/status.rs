//! The ticket's status, and how it ended: choosing a closing status asks for the resolution class
//! (required for alert tickets) before anything is saved; a closed ticket shows its class.

use leptos::prelude::*;

use crate::domain::ticket::{Source, State, Ticket};
use crate::domain::ticket_change::TicketChange;
use crate::server_fns::agent_queue::Workspace;

#[component]
pub fn StatusField(
    ticket: Ticket,
    workspace: Workspace,
    apply: Callback<TicketChange>,
    enabled: bool,
    /// The server's word on the resolution (e.g. required for an alert).
    error: Signal<Option<String>>,
    /// A closing status chosen but not saved yet, while the class is asked for (owned by the
    /// page, so a live refresh keeps it).
    closing: RwSignal<Option<String>>,
) -> impl IntoView {
    let statuses = StoredValue::new(workspace.statuses.clone());
    let classes = workspace.resolutions.clone();
    let is_alert = ticket.source == Source::Alert;
    // Once the ticket has that status, the close is done.
    if closing.get_untracked().as_deref() == Some(ticket.status.key.as_str()) {
        closing.set(None);
    }
    let current = StoredValue::new(ticket.status.key.clone());
    let resolution_name = ticket.resolution.as_ref().map(|key| {
        classes
            .iter()
            .find(|c| &c.key == key)
            .map_or_else(|| key.clone(), |c| c.name.clone())
    });
    let options = classes.clone();
    view! {
        <div class="field">
            <label for="prop-status">"Status"</label>
            <select id="prop-status" disabled=!enabled
                prop:value=move || closing.get().unwrap_or_else(|| current.get_value())
                on:change=move |ev| {
                let key = event_target_value(&ev);
                let closes = statuses.with_value(|all| all.iter().any(|s| s.key == key && s.state == State::Closed));
                if closes {
                    closing.set(Some(key));
                } else {
                    closing.set(None);
                    apply.run(TicketChange::Status { status: key, resolution: None });
                }
            }>
                {workspace.statuses.iter().map(|s| {
                    let chosen = current.with_value(|c| *c == s.key);
                    view! { <option value=s.key.clone() selected=chosen>{s.name.clone()}</option> }
                }).collect_view()}
            </select>
            {resolution_name.map(|name| view! { <p class="field__hint">{format!("Resolution: {name}")}</p> })}
        </div>
        <Show when=move || closing.get().is_some()>
            <form class="property-form" aria-label="Close the ticket" on:submit=move |ev| {
                ev.prevent_default();
                let Some(status) = closing.get_untracked() else { return };
                let chosen = crate::ui::form_data::Submitted::of(&ev).map(|f| f.text("resolution")).unwrap_or_default();
                apply.run(TicketChange::Status { status, resolution: Some(chosen).filter(|c| !c.is_empty()) });
            }>
                <div class="field">
                    <label for="prop-resolution">"Resolution"</label>
                    <select id="prop-resolution" name="resolution" aria-invalid=move || error.get().is_some().to_string()
                        aria-describedby="prop-resolution-error">
                        <option value="">{if is_alert { "Choose how it ended…" } else { "Not classified" }}</option>
                        {options.iter().map(|c| view! { <option value=c.key.clone()>{c.name.clone()}</option> }).collect_view()}
                    </select>
                    <p id="prop-resolution-error" class="field__error">{move || error.get()}</p>
                </div>
                <div class="actions">
                    <button type="submit" class="button button--small">"Close ticket"</button>
                    <button type="button" class="button button--small button--quiet" on:click=move |_| closing.set(None)>"Cancel"</button>
                </div>
            </form>
        </Show>
    }
}
