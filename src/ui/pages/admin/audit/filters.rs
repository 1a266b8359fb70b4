//! The audit search form: a GET form, so a search is an address that can be bookmarked and shared.

use leptos::prelude::*;
use leptos_router::components::Form;

use crate::domain::audit::filter::AuditFilter;
use crate::error::AppError;
use crate::ui::components::FieldProblem;

#[component]
pub fn AuditFilters(filter: Memo<AuditFilter>, error: Signal<Option<AppError>>) -> impl IntoView {
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    view! {
        <Form method="GET" action="/admin/audit" attr:class="card form-grid form-grid--filters" attr:aria-label="Search the audit log">
            <div class="field">
                <label for="audit-actor">"Actor"</label>
                <input id="audit-actor" name="actor" type="search" placeholder="email, key or id"
                    prop:value=move || filter.with(|f| f.actor.clone()) />
            </div>
            <div class="field">
                <label for="audit-object">"Object"</label>
                <input id="audit-object" name="object" type="search" placeholder="ticket:482913"
                    prop:value=move || filter.with(|f| f.object.clone()) />
                <FieldProblem error field="object" />
            </div>
            <div class="field">
                <label for="audit-action">"Event type"</label>
                <input id="audit-action" name="action" type="search" placeholder="ticket.priority_changed" list="audit-actions"
                    prop:value=move || filter.with(|f| f.action.clone()) />
                <datalist id="audit-actions">
                    {COMMON_ACTIONS.iter().map(|a| view! { <option value=*a></option> }).collect_view()}
                </datalist>
                <FieldProblem error field="action" />
            </div>
            <div class="field">
                <label for="audit-ip">"IP address"</label>
                <input id="audit-ip" name="ip" type="search" placeholder="10.1.2.3 or 10.1."
                    prop:value=move || filter.with(|f| f.ip.clone()) />
            </div>
            <div class="field">
                <label for="audit-from">"From (UTC)"</label>
                <input id="audit-from" name="from" type="date" prop:value=move || filter.with(|f| date(f.from)) />
            </div>
            <div class="field">
                <label for="audit-to">"To (UTC, inclusive)"</label>
                <input id="audit-to" name="to" type="date" prop:value=move || filter.with(|f| date(f.to)) />
                <FieldProblem error field="to" />
            </div>
            <button type="submit" class="button button--primary">"Search"</button>
        </Form>
    }
}

/// Suggestions for the event type field (any type or prefix may be typed).
const COMMON_ACTIONS: &[&str] = &[
    "ticket.",
    "ticket.viewed",
    "ticket.created",
    "ticket.replied",
    "ticket.noted",
    "ticket.status_changed",
    "ticket.priority_changed",
    "ticket.assignee_changed",
    "ticket.department_changed",
    "ticket.merged",
    "attachment.downloaded",
    "user.",
    "user.signed_in",
    "user.sign_in_failed",
    "settings.",
    "email.",
    "webhook.",
    "audit.",
];
