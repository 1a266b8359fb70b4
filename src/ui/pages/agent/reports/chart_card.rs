//! One chart of the report: its picture, its numbers as a table, and its CSV export.

use leptos::prelude::*;

use crate::domain::metrics::chart::Chart;
use crate::ui::components::ChartSvg;

#[component]
pub fn ChartCard(
    chart: Chart,
    /// The report's filter as a query string.
    query: String,
) -> impl IntoView {
    let (header, rows) = chart.table();
    let export = if query.is_empty() {
        format!("/agent/reports/export?chart={}", chart.id)
    } else {
        format!("/agent/reports/export?chart={}&{query}", chart.id)
    };
    let title_id = format!("card-{}", chart.id);
    let heading_id = title_id.clone();
    let title = chart.title.clone();
    view! {
        <article class="card chart-card" aria-labelledby=title_id>
            <header class="chart-card__header">
                <h3 id=heading_id>{title.clone()}</h3>
                <a class="button button--small button--quiet" href=export download="" rel="external">"CSV"</a>
            </header>
            <ChartSvg chart />
            <details class="chart-card__table">
                <summary>"Table"</summary>
                <div class="table-wrap">
                    <table class="table table--dense" aria-label=title>
                        <thead><tr>{header.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}</tr></thead>
                        <tbody>
                            {rows.into_iter().map(|row| view! {
                                <tr>{row.into_iter().enumerate().map(|(i, cell)| if i == 0 {
                                    view! { <th scope="row">{cell}</th> }.into_any()
                                } else {
                                    view! { <td class="num">{cell}</td> }.into_any()
                                }).collect_view()}</tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </details>
        </article>
    }
    .into_any()
}
