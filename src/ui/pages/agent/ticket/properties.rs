//! Everything about a ticket an agent can change: status, priority, assignee (claim, release),
//! help topic, department (transfer, refer), due date, tags, copied customers, merges and links.

use leptos::prelude::*;
use leptos_router::components::A;

use super::status::StatusField;
use crate::domain::config::role::Permission;
use crate::domain::form::FieldKind;
use crate::domain::ticket_change::TicketChange;
use crate::server_fns::agent_queue::Workspace;
use crate::server_fns::agent_ticket::{
    AgentTicket, ChangeTicket, LinkTicket, MergeTicket, UnmergeTicket,
};
use crate::ui::components::{CustomField, FormAlert};
use crate::ui::form_data::Submitted;

#[component]
pub fn Properties(
    ticket: AgentTicket,
    workspace: Workspace,
    version: RwSignal<u64>,
    /// The closing status waiting for its resolution class (see [`StatusField`]).
    closing: RwSignal<Option<String>>,
) -> impl IntoView {
    let t = ticket.ticket;
    let number = t.number.clone();
    let change = ServerAction::<ChangeTicket>::new();
    let merge = ServerAction::<MergeTicket>::new();
    let unmerge = ServerAction::<UnmergeTicket>::new();
    let link = ServerAction::<LinkTicket>::new();
    let stored_number = StoredValue::new(number.clone());
    let apply = move |c: TicketChange| {
        change.dispatch(ChangeTicket {
            number: stored_number.get_value(),
            version: version.get_untracked(),
            change: c,
        });
    };
    let error = Signal::derive(move || {
        change
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| merge.value().get().and_then(Result::err))
            .or_else(|| unmerge.value().get().and_then(Result::err))
            .or_else(|| link.value().get().and_then(Result::err))
    });
    let allowed = ticket.allowed.clone();
    let may = move |p: Permission| allowed.contains(&p);
    let missing: Vec<&str> = [
        (Permission::TicketEdit, "edit"),
        (Permission::TicketAssign, "assign"),
        (Permission::TicketTransfer, "transfer"),
        (Permission::TicketRefer, "refer"),
        (Permission::TicketClose, "close"),
        (Permission::TicketMerge, "merge"),
        (Permission::TicketLink, "link"),
    ]
    .into_iter()
    .filter(|(p, _)| !ticket.allowed.contains(p))
    .map(|(_, word)| word)
    .collect();
    let me = workspace.me.clone();
    let assigned_to_me = t.assignee_id.as_deref() == Some(me.key.as_str());
    let select = move |id: &'static str,
                       label: &'static str,
                       current: String,
                       options: Vec<(String, String)>,
                       make: fn(String) -> TicketChange,
                       enabled: bool| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <select id=id disabled=!enabled on:change=move |ev| apply(make(event_target_value(&ev)))>
                    {options.into_iter().map(|(k, n)| {
                        let chosen = k == current;
                        view! { <option value=k selected=chosen>{n}</option> }
                    }).collect_view()}
                </select>
            </div>
        }
    };
    let mut agents: Vec<(String, String)> = vec![(String::new(), "Unassigned".into())];
    agents.extend(
        workspace
            .agents
            .iter()
            .map(|a| (a.key.clone(), a.name.clone())),
    );
    let mut teams: Vec<(String, String)> = vec![(String::new(), "No team".into())];
    teams.extend(
        workspace
            .teams
            .iter()
            .map(|x| (x.key.clone(), x.name.clone())),
    );
    let mut topics: Vec<(String, String)> = vec![(String::new(), "(none)".into())];
    topics.extend(
        workspace
            .topics
            .iter()
            .map(|x| (x.key.clone(), x.name.clone())),
    );
    let departments: Vec<(String, String)> = workspace
        .departments
        .iter()
        .map(|d| (d.key.clone(), d.name.clone()))
        .collect();
    let other_departments: Vec<(String, String)> = departments
        .iter()
        .filter(|(k, _)| *k != t.department)
        .cloned()
        .collect();

    let (claim, release, transfer, refer, due, tags, copied, edit) =
        (apply, apply, apply, apply, apply, apply, apply, apply);
    let form = StoredValue::new(ticket.form.clone());
    let field_error = move |name: String| {
        Signal::derive(move || {
            error
                .get()
                .and_then(|e| e.field_message(&format!("field.{name}")))
        })
    };
    let me_key = me.key.clone();
    let (merge_number, unmerge_number, link_number) =
        (number.clone(), number.clone(), number.clone());
    view! {
        <section class="card properties">
            <h2>"Properties"</h2>
            {(!missing.is_empty()).then(|| view! {
                <p class="field__hint" role="note">{format!("Your role in {} does not allow you to {} this ticket.", t.department_name, missing.join(", "))}</p>
            })}
            <FormAlert error fields=&[] />
            <StatusField ticket=t.clone() workspace=workspace.clone() apply=Callback::new(apply) closing
                enabled=may(Permission::TicketEdit) || may(Permission::TicketClose)
                error=Signal::derive(move || error.get().and_then(|e| e.field_message("resolution"))) />
            {select("prop-priority", "Priority", t.priority.clone(),
                workspace.priorities.iter().map(|p| (p.key.clone(), p.name.clone())).collect(),
                |priority| TicketChange::Priority { priority }, may(Permission::TicketEdit))}
            {select("prop-assignee", "Assignee", t.assignee_id.clone().unwrap_or_default(), agents,
                |agent| TicketChange::Assign { agent: Some(agent).filter(|a| !a.is_empty()) },
                may(Permission::TicketAssign))}
            <div class="actions">
                {(!assigned_to_me && may(Permission::TicketAssign)).then(|| view! {
                    <button type="button" class="button button--small" on:click=move |_| claim(TicketChange::Assign { agent: Some(me_key.clone()) })>"Claim"</button>
                })}
                {(t.assignee_id.is_some() && may(Permission::TicketRelease)).then(|| view! {
                    <button type="button" class="button button--small" on:click=move |_| release(TicketChange::Assign { agent: None })>"Release"</button>
                })}
            </div>
            {select("prop-team", "Team", t.team_id.clone().unwrap_or_default(), teams,
                |team| TicketChange::AssignTeam { team: Some(team).filter(|t| !t.is_empty()) },
                may(Permission::TicketAssign))}
            {select("prop-topic", "Help topic", t.help_topic.clone().unwrap_or_default(), topics,
                |topic| TicketChange::HelpTopic { topic }, may(Permission::TicketEdit))}
            {(!ticket.form.is_empty()).then(|| view! {
                <form class="property-form" aria-label="Details" on:submit=move |ev| {
                    ev.prevent_default();
                    let Some(submitted) = Submitted::of(&ev) else { return };
                    let values = form.with_value(|fields| fields.iter().map(|f| {
                        let name = &f.def.name;
                        let inputs: Vec<String> = match f.def.kind {
                            FieldKind::MultipleChoice => (0..f.def.choices.len())
                                .flat_map(|i| submitted.all(&format!("fields[{name}][{i}]")))
                                .collect(),
                            _ => submitted.all(&format!("fields[{name}][0]")),
                        };
                        (name.clone(), inputs)
                    }).collect());
                    edit(TicketChange::Fields { values });
                }>
                    <h3>"Details"</h3>
                    {ticket.form.iter().cloned().map(|f| {
                        let error = field_error(f.def.name.clone());
                        view! { <CustomField def=f.def values=f.inputs staff=true error /> }
                    }).collect_view()}
                    <button type="submit" class="button button--small">"Save details"</button>
                </form>
            })}

            {may(Permission::TicketTransfer).then(|| view! {
            <form class="property-form" on:submit=move |ev| {
                ev.prevent_default();
                if let Some(form) = Submitted::of(&ev) {
                    transfer(TicketChange::Transfer { department: form.text("department"), comment: form.text("comment") });
                }
            }>
                <div class="field">
                    <label for="prop-transfer">"Transfer to department"</label>
                    <select id="prop-transfer" name="department">
                        {other_departments.clone().into_iter().map(|(k, n)| view! { <option value=k>{n}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="prop-transfer-comment">"Comment for colleagues"</label>
                    <textarea id="prop-transfer-comment" name="comment" rows="2"></textarea>
                </div>
                <button type="submit" class="button button--small">"Transfer"</button>
            </form>
            })}

            {may(Permission::TicketRefer).then(|| view! {
            <form class="property-form" on:submit=move |ev| {
                ev.prevent_default();
                if let Some(form) = Submitted::of(&ev) {
                    refer(TicketChange::Refer { department: form.text("department") });
                }
            }>
                <div class="field">
                    <label for="prop-refer">"Refer to department"</label>
                    <select id="prop-refer" name="department">
                        {other_departments.into_iter().map(|(k, n)| view! { <option value=k>{n}</option> }).collect_view()}
                    </select>
                </div>
                {(!t.referred.is_empty()).then(|| view! { <p class="field__hint">{format!("Referred to: {}", t.referred.join(", "))}</p> })}
                <button type="submit" class="button button--small">"Refer"</button>
            </form>
            })}

            <form class="property-form" on:submit=move |ev| {
                ev.prevent_default();
                let Some(form) = Submitted::of(&ev) else { return };
                let cleared = ev.submitter().and_then(|b| b.get_attribute("value")).as_deref() == Some("clear");
                let when = form.value("due").and_then(|v| chrono::NaiveDateTime::parse_from_str(&v, "%Y-%m-%dT%H:%M").ok()).map(|d| d.and_utc());
                due(TicketChange::Due { due: if cleared { None } else { when } });
            }>
                <div class="field">
                    <label for="prop-due">"Due (UTC)"</label>
                    <input id="prop-due" name="due" type="datetime-local" value=t.due_at.map(|d| d.format("%Y-%m-%dT%H:%M").to_string()) />
                </div>
                <div class="actions">
                    <button type="submit" class="button button--small" value="set">"Set due date"</button>
                    {t.due_at.is_some().then(|| view! { <button type="submit" class="button button--small button--quiet" value="clear">"Clear"</button> })}
                </div>
            </form>

            <form class="property-form" on:submit=move |ev| {
                ev.prevent_default();
                if let Some(form) = Submitted::of(&ev) {
                    let list = form.text("tags").split([',', ' ']).filter(|s| !s.is_empty()).map(String::from).collect();
                    tags(TicketChange::Tags { tags: list });
                }
            }>
                <div class="field">
                    <label for="prop-tags">"Tags"</label>
                    <input id="prop-tags" name="tags" value=t.tags.join(", ") />
                </div>
                <button type="submit" class="button button--small">"Save tags"</button>
            </form>

            <form class="property-form" on:submit=move |ev| {
                ev.prevent_default();
                if let Some(form) = Submitted::of(&ev) {
                    let list = form.text("emails").split([',', ' ', ';']).filter(|s| !s.is_empty()).map(String::from).collect();
                    copied(TicketChange::Collaborators { emails: list });
                }
            }>
                <div class="field">
                    <label for="prop-copied">"Copied customers (emails)"</label>
                    <input id="prop-copied" name="emails" placeholder="name@example.com, …" />
                    <p class="field__hint">{format!("{} copied now.", t.collaborator_ids.len())}</p>
                </div>
                <button type="submit" class="button button--small">"Save copied"</button>
            </form>

            {match t.merged_into.clone() {
                Some(target) => view! {
                    <div class="property-form">
                        <p>"Merged into " <A href=format!("/agent/tickets/{target}")>{format!("#{target}")}</A></p>
                        <button type="button" class="button button--small" on:click=move |_| { unmerge.dispatch(UnmergeTicket { number: unmerge_number.clone() }); }>"Undo merge"</button>
                    </div>
                }.into_any(),
                None if !may(Permission::TicketMerge) => ().into_any(),
                None => view! {
                    <form class="property-form" on:submit=move |ev| {
                        ev.prevent_default();
                        if let Some(form) = Submitted::of(&ev) {
                            merge.dispatch(MergeTicket { number: merge_number.clone(), version: version.get_untracked(), target: form.text("target").trim_start_matches('#').to_string() });
                        }
                    }>
                        <div class="field">
                            <label for="prop-merge">"Merge into ticket number"</label>
                            <input id="prop-merge" name="target" inputmode="numeric" />
                        </div>
                        <button type="submit" class="button button--small">"Merge"</button>
                    </form>
                }.into_any(),
            }}
            {(!ticket.merged_here.is_empty()).then(|| view! {
                <p class="field__hint">"Merged into this ticket: "
                    {ticket.merged_here.iter().map(|n| view! { <A href=format!("/agent/tickets/{n}")>{format!("#{n} ")}</A> }).collect_view()}
                </p>
            })}

            {may(Permission::TicketLink).then(|| view! {
            <form class="property-form" on:submit=move |ev| {
                ev.prevent_default();
                if let Some(form) = Submitted::of(&ev) {
                    link.dispatch(LinkTicket { number: link_number.clone(), other: form.text("other").trim_start_matches('#').to_string() });
                }
            }>
                <div class="field">
                    <label for="prop-link">"Link a related ticket"</label>
                    <input id="prop-link" name="other" inputmode="numeric" />
                </div>
                <button type="submit" class="button button--small">"Link"</button>
            </form>
            })}
            {(!t.links.is_empty()).then(|| view! {
                <p class="field__hint">"Related: "
                    {t.links.iter().map(|n| view! { <A href=format!("/agent/tickets/{n}")>{format!("#{n} ")}</A> }).collect_view()}
                </p>
            })}
        </section>
    }
    .into_any()
}
