//! SLA compliance on the agent dashboard: per department and priority, the share of first
//! responses and resolutions given in time, among the clocks that have stopped.

use leptos::prelude::*;

use crate::server_fns::agent_queue::load_sla_compliance;

/// "3 of 4 (75 %)", or a dash before any clock stopped.
fn share(met: u64, total: u64) -> String {
    match (met * 100).checked_div(total) {
        Some(percent) => format!("{met} of {total} ({percent} %)"),
        None => "—".to_string(),
    }
}

#[component]
pub fn SlaCompliance() -> impl IntoView {
    let lines = Resource::new(|| (), |_| load_sla_compliance());
    view! {
        <details class="card compliance">
            <summary>"SLA compliance"</summary>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || lines.get().map(|result| match result {
                    Err(e) => view! { <div class="alert alert--error" role="alert">{e.to_string()}</div> }.into_any(),
                    Ok(lines) if lines.is_empty() => view! { <p class="muted">"No ticket with an SLA plan yet."</p> }.into_any(),
                    Ok(lines) => view! {
                        <div class="table-wrap">
                            <table class="table table--dense">
                                <caption class="visually-hidden">"SLA compliance per department and priority"</caption>
                                <thead><tr>
                                    <th scope="col">"Department"</th><th scope="col">"Priority"</th>
                                    <th scope="col">"First response in time"</th><th scope="col">"Resolved in time"</th>
                                </tr></thead>
                                <tbody>
                                    {lines.into_iter().map(|l| view! {
                                        <tr>
                                            <td>{l.department}</td>
                                            <td>{l.priority}</td>
                                            <td>{share(l.first_response_met, l.first_response_total)}</td>
                                            <td>{share(l.resolution_met, l.resolution_total)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                })}
            </Transition>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_read_as_counts_and_percentages() {
        assert_eq!(share(3, 4), "3 of 4 (75 %)");
        assert_eq!(share(0, 0), "—");
    }
}
