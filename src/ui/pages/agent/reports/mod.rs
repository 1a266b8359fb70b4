//! Reports: the figures a help desk or SOC lead opens every morning (volume, response times,
//! SLA, resolutions and noisy rules, workload) for a range of days, every chart with its table
//! and CSV export. The filter lives in the address, so a view can be shared.

mod chart_card;
mod filters;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::domain::metrics::chart::Part;
use crate::domain::metrics::filter::ReportFilter;
use crate::domain::metrics::report::Dashboard;
use crate::error::AppError;
use crate::server_fns::reports::load_dashboard;

use chart_card::ChartCard;
use filters::ReportFilters;

#[component]
pub fn AgentReportsPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        query.with(|q| {
            ReportFilter::from_query(
                ReportFilter::KEYS
                    .into_iter()
                    .filter_map(|k| q.get_str(k).map(|v| (k, v))),
            )
        })
    });
    let dashboard = Resource::new(move || filter.get(), load_dashboard);
    let error = Signal::derive(move || dashboard.get().and_then(Result::err));
    let departments = Signal::derive(move || {
        dashboard
            .get()
            .and_then(Result::ok)
            .map(|d| d.departments)
            .unwrap_or_default()
    });
    view! {
        <Title text="Reports" />
        <header class="page-header">
            <h1>"Reports"</h1>
        </header>
        <ReportFilters filter departments error />
        <nav class="tabs" aria-label="Report sections">
            {Part::ALL.into_iter().map(|part| view! { <a href=format!("#{}", part.slug())>{part.title()}</a> }).collect_view()}
        </nav>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || dashboard.get().map(|result| match result {
                Ok(dashboard) => view! { <Report dashboard filter=filter.get_untracked() /> }.into_any(),
                // Field problems are shown at the filter form.
                Err(AppError::Invalid { .. }) => ().into_any(),
                Err(AppError::Forbidden) => view! {
                    <div class="alert alert--error" role="alert">"Your role does not include reports (stats.view) in any of your departments."</div>
                }.into_any(),
                Err(e) => view! { <div class="alert alert--error" role="alert">{e.to_string()}</div> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Report(dashboard: Dashboard, filter: ReportFilter) -> impl IntoView {
    let range = dashboard.range.clone();
    let charts = StoredValue::new(dashboard.charts);
    let query = filter.query_string();
    view! {
        <p class="muted">{format!("{} to {}, in the help desk's time zone.", range.from, range.to)}</p>
        {(dashboard.uncounted > 0).then(|| view! {
            <div class="alert" role="status">{format!(
                "Catching up: {}{} recent changes are not counted yet; the figures fill in within seconds.",
                if dashboard.uncounted >= 1000 { "over " } else { "" },
                dashboard.uncounted.min(1000),
            )}</div>
        })}
        <dl class="figures" aria-label="Headline figures">
            {dashboard.figures.into_iter().map(|f| view! {
                <div class="figures__item">
                    <dt>{f.label}</dt>
                    <dd>{f.value.map_or_else(|| "–".to_string(), |v| f.unit.format(v))}</dd>
                </div>
            }).collect_view()}
        </dl>
        {Part::ALL.into_iter().map(|part| {
            let query = query.clone();
            view! {
                <section class="report-part" id=part.slug() aria-labelledby=format!("{}-title", part.slug())>
                    <h2 id=format!("{}-title", part.slug())>{part.title()}</h2>
                    <div class="chart-grid">
                        {charts.with_value(|all| all.iter().filter(|c| c.part == part).cloned().collect::<Vec<_>>())
                            .into_iter()
                            .map(|chart| view! { <ChartCard chart query=query.clone() /> })
                            .collect_view()}
                    </div>
                </section>
            }
            .into_any()
        }).collect_view()}
    }
    .into_any()
}
