//! The alert behind an alert ticket: where it came from, its fingerprint, how often it fired and
//! what it is about (the observables). The thread holds its occurrence timeline.

use leptos::prelude::*;

use crate::server_fns::agent_ticket::AlertPanel;

#[component]
pub fn AlertDetails(alert: AlertPanel) -> impl IntoView {
    let last_seen = alert
        .last_seen
        .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_default();
    view! {
        <section class="card alert-panel" aria-labelledby="alert-panel-title">
            <h2 id="alert-panel-title">"Alert"</h2>
            <dl class="facts">
                <dt>"Source"</dt><dd>{alert.source}</dd>
                {alert.rule.map(|rule| view! { <dt>"Rule"</dt><dd>{rule}</dd> })}
                <dt>"Fingerprint"</dt><dd><code>{alert.fingerprint}</code></dd>
                <dt>"Occurrences"</dt><dd data-testid="alert-occurrences">{alert.occurrences}</dd>
                <dt>"Last seen"</dt><dd>{last_seen}</dd>
            </dl>
            {(!alert.observables.is_empty()).then(|| view! {
                <h3>"Observables"</h3>
                <ul class="observables">
                    {alert.observables.into_iter().map(|o| view! {
                        <li><span class="observables__kind">{o.kind.label()}</span>" "<code>{o.value}</code></li>
                    }).collect_view()}
                </ul>
            })}
        </section>
    }
}
