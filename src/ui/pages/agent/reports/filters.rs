//! The report's filter: a GET form, so a view is an address that can be bookmarked and shared.

use leptos::prelude::*;
use leptos_router::components::Form;

use crate::domain::metrics::filter::{Granularity, ReportFilter};
use crate::domain::ticket::Named;
use crate::error::AppError;
use crate::ui::components::FieldProblem;

#[component]
pub fn ReportFilters(
    filter: Memo<ReportFilter>,
    /// The departments the viewer may narrow to (read from the dashboard).
    departments: Signal<Vec<Named>>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    view! {
        <Form method="GET" action="/agent/reports" attr:class="card form-grid form-grid--filters" attr:aria-label="Report filter">
            <div class="field">
                <label for="report-from">"From"</label>
                <input id="report-from" name="from" type="date" prop:value=move || filter.with(|f| date(f.from)) />
                <FieldProblem error field="from" />
            </div>
            <div class="field">
                <label for="report-to">"To (inclusive)"</label>
                <input id="report-to" name="to" type="date" prop:value=move || filter.with(|f| date(f.to)) />
                <FieldProblem error field="to" />
            </div>
            <div class="field">
                <label for="report-by">"Count by"</label>
                <select id="report-by" name="by" prop:value=move || filter.with(|f| f.by.as_str().to_string())>
                    <option value=Granularity::Day.as_str()>"Day"</option>
                    <option value=Granularity::Week.as_str()>"Week"</option>
                </select>
            </div>
            <div class="field">
                <label for="report-department">"Department"</label>
                <select id="report-department" name="department"
                    prop:value=move || filter.with(|f| f.department.clone().unwrap_or_default())>
                    <option value="">"All my departments"</option>
                    <Transition fallback=|| ()>
                        {move || departments.get().into_iter().map(|d| view! { <option value=d.key>{d.name}</option> }).collect_view()}
                    </Transition>
                </select>
            </div>
            <button type="submit" class="button button--primary">"Show"</button>
        </Form>
    }
}
