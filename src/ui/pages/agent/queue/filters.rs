//! Refining a queue with filters and a sort, and saving the result as one of the agent's queues
//! (with chosen columns).

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::domain::alerts::AlertSource;
use crate::domain::queue::{AssigneeFilter, Column, QueueFilter, QueueSort};
use crate::domain::ticket::{Source, State};
use crate::error::AppError;
use crate::server_fns::agent_queue::{QueueNav, SaveQueue, Workspace};
use crate::ui::components::FormAlert;
use crate::ui::form_data::Submitted;

#[component]
pub fn FilterPanel(
    workspace: Workspace,
    /// The listed page's filter, columns and sort.
    current: Option<(QueueFilter, Vec<Column>, QueueSort)>,
    filter: RwSignal<Option<QueueFilter>>,
    sort: RwSignal<Option<QueueSort>>,
    nav: Resource<Result<QueueNav, AppError>>,
) -> impl IntoView {
    let (shown, columns, current_sort) = current.unwrap_or_else(|| {
        (
            QueueFilter::default(),
            Column::DEFAULT.to_vec(),
            QueueSort::default(),
        )
    });
    let save = ServerAction::<SaveQueue>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = save.value().get() {
            nav.refetch();
            navigate(&format!("/agent?queue=saved:{id}"), Default::default());
        }
    });
    let save_error = Signal::derive(move || save.value().get().and_then(Result::err));
    let first = |list: &[String]| list.first().cloned().unwrap_or_default();
    let ws = workspace;
    let choice = move |value: String, label: String, chosen: &str| {
        let selected = value == chosen;
        view! { <option value=value selected=selected>{label}</option> }
    };
    let (status, priority, department, topic) = (
        first(&shown.statuses),
        first(&shown.priorities),
        first(&shown.departments),
        first(&shown.topics),
    );
    let assignee = match &shown.assignee {
        None => String::new(),
        Some(AssigneeFilter::Me) => "me".into(),
        Some(AssigneeFilter::Nobody) => "nobody".into(),
        Some(AssigneeFilter::Agent(id)) => id.clone(),
    };
    let state = match shown.state {
        None => "",
        Some(State::Open) => "open",
        Some(State::Closed) => "closed",
    };
    let team = first(&shown.teams);
    let source = shown.sources.first().map(|s| s.as_str()).unwrap_or("");
    let alert_source = first(&shown.alert_sources);
    let (field_name, field_value) = shown.field.clone().unwrap_or_default();
    // What the built-in queue's filter holds beyond the form's inputs.
    let kept = Kept {
        waiting: shown.waiting,
        overdue: shown.overdue,
        referred_only: shown.referred_only,
    };
    view! {
        <details class="card filters">
            <summary>"Filters, sort and saved queues"</summary>
            <form class="form-grid form-grid--filters" on:submit=move |ev| {
                ev.prevent_default();
                let Some(form) = Submitted::of(&ev) else { return };
                let (built, chosen_sort, chosen_columns) = read(&form, kept);
                if ev.submitter().and_then(|b| b.get_attribute("value")).as_deref() == Some("save") {
                    save.dispatch(SaveQueue { name: form.text("queue_name"), filter: built, columns: chosen_columns, sort: chosen_sort });
                } else {
                    filter.set(Some(built));
                    sort.set(Some(chosen_sort));
                }
            }>
                <Select label="State" name="state">
                    {choice("".into(), "Any".into(), state)}
                    {choice("open".into(), "Open".into(), state)}
                    {choice("closed".into(), "Closed".into(), state)}
                </Select>
                <Select label="Status" name="status">
                    {choice("".into(), "Any".into(), &status)}
                    {ws.statuses.iter().map(|s| choice(s.key.clone(), s.name.clone(), &status)).collect_view()}
                </Select>
                <Select label="Priority" name="priority">
                    {choice("".into(), "Any".into(), &priority)}
                    {ws.priorities.iter().map(|p| choice(p.key.clone(), p.name.clone(), &priority)).collect_view()}
                </Select>
                <Select label="Department" name="department">
                    {choice("".into(), "Any of mine".into(), &department)}
                    {ws.departments.iter().map(|d| choice(d.key.clone(), d.name.clone(), &department)).collect_view()}
                </Select>
                <Select label="Help topic" name="topic">
                    {choice("".into(), "Any".into(), &topic)}
                    {ws.topics.iter().map(|t| choice(t.key.clone(), t.name.clone(), &topic)).collect_view()}
                </Select>
                <Select label="Assignee" name="assignee">
                    {choice("".into(), "Anyone".into(), &assignee)}
                    {choice("me".into(), "Me".into(), &assignee)}
                    {choice("nobody".into(), "Nobody".into(), &assignee)}
                    {ws.agents.iter().map(|a| choice(a.key.clone(), a.name.clone(), &assignee)).collect_view()}
                </Select>
                <Select label="Team" name="team">
                    {choice("".into(), "Any".into(), &team)}
                    {ws.teams.iter().map(|t| choice(t.key.clone(), t.name.clone(), &team)).collect_view()}
                </Select>
                <Select label="Source" name="source">
                    {choice("".into(), "Any".into(), source)}
                    {Source::ALL.into_iter().map(|s| choice(s.as_str().into(), s.as_str().into(), source)).collect_view()}
                </Select>
                <Select label="Alert source" name="alert_source">
                    {choice("".into(), "Any".into(), &alert_source)}
                    {AlertSource::ALL.into_iter().map(|s| choice(s.slug().into(), s.slug().into(), &alert_source)).collect_view()}
                </Select>
                <div class="field">
                    <label for="filter-fingerprint">"Alert fingerprint"</label>
                    <input id="filter-fingerprint" name="fingerprint" value=shown.fingerprint.clone() />
                </div>
                <div class="field">
                    <label for="filter-tags">"Tags (all of)"</label>
                    <input id="filter-tags" name="tags" value=shown.tags.join(", ") />
                </div>
                <div class="field">
                    <label for="filter-from">"Created from"</label>
                    <input id="filter-from" name="from" type="date" value=shown.created_from.map(|d| d.to_string()) />
                </div>
                <div class="field">
                    <label for="filter-to">"Created to"</label>
                    <input id="filter-to" name="to" type="date" value=shown.created_to.map(|d| d.to_string()) />
                </div>
                <div class="field">
                    <label for="filter-field">"Custom field (name)"</label>
                    <input id="filter-field" name="field_name" value=field_name placeholder="affected_host" />
                </div>
                <div class="field">
                    <label for="filter-field-value">"Custom field contains"</label>
                    <input id="filter-field-value" name="field_value" value=field_value />
                </div>
                <Select label="Sort" name="sort">
                    {QueueSort::ALL.into_iter().map(|s| choice(s.as_str().into(), s.label().into(), current_sort.as_str())).collect_view()}
                </Select>
                <fieldset class="field field--wide">
                    <legend>"Columns"</legend>
                    {Column::ALL.into_iter().map(|c| {
                        let value = serde_json::to_value(c).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
                        view! {
                            <label class="check">
                                <input type="checkbox" name="columns" value=value checked=columns.contains(&c) />
                                {c.label()}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <button type="submit" class="button button--primary" value="apply">"Apply filters"</button>
                <div class="field">
                    <label for="queue-name">"Save as a queue named"</label>
                    <input id="queue-name" name="queue_name" maxlength="60" />
                </div>
                <button type="submit" class="button" value="save" disabled=move || save.pending().get()>"Save queue"</button>
            </form>
            <FormAlert error=save_error fields=&["name", "columns"] />
        </details>
    }
    .into_any()
}

#[component]
fn Select(label: &'static str, name: &'static str, children: Children) -> impl IntoView {
    let id = format!("filter-{name}");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <select id=id name=name>{children()}</select>
        </div>
    }
}

/// The flags of a built-in queue's filter that the form does not show, kept as they were.
#[derive(Clone, Copy)]
struct Kept {
    waiting: bool,
    overdue: bool,
    referred_only: bool,
}

/// The filter, sort and columns the form describes.
fn read(form: &Submitted, kept: Kept) -> (QueueFilter, QueueSort, Vec<Column>) {
    let one = |name: &str| form.value(name).into_iter().collect::<Vec<_>>();
    let date = |name: &str| form.value(name).and_then(|d| d.parse().ok());
    let filter = QueueFilter {
        state: match form.text("state").as_str() {
            "open" => Some(State::Open),
            "closed" => Some(State::Closed),
            _ => None,
        },
        waiting: kept.waiting,
        overdue: kept.overdue,
        referred_only: kept.referred_only,
        statuses: one("status"),
        priorities: one("priority"),
        departments: one("department"),
        topics: one("topic"),
        assignee: match form.text("assignee").as_str() {
            "" => None,
            "me" => Some(AssigneeFilter::Me),
            "nobody" => Some(AssigneeFilter::Nobody),
            id => Some(AssigneeFilter::Agent(id.to_string())),
        },
        teams: one("team"),
        sources: form
            .value("source")
            .and_then(|s| Source::parse(&s))
            .into_iter()
            .collect(),
        tags: form
            .text("tags")
            .split([',', ' '])
            .map(|t| t.trim().to_lowercase())
            .filter(|t| !t.is_empty())
            .collect(),
        created_from: date("from"),
        created_to: date("to"),
        field: form
            .value("field_name")
            .map(|n| (n, form.text("field_value"))),
        alert_sources: one("alert_source"),
        fingerprint: form.value("fingerprint"),
    };
    let sort = QueueSort::parse(&form.text("sort")).unwrap_or_default();
    let columns = form
        .all("columns")
        .into_iter()
        .filter_map(|c| serde_json::from_value(serde_json::Value::String(c)).ok())
        .collect();
    (filter, sort, columns)
}
