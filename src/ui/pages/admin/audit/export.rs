//! Export the current search as CSV or JSON lines, streamed, with a progress bar counting events.

use leptos::prelude::*;

use crate::domain::audit::export::ExportFormat;
use crate::domain::audit::filter::AuditFilter;
use crate::ui::downloads::{Progress, save_with_progress};

#[derive(Clone, PartialEq)]
enum State {
    Idle,
    /// Progress so far, and how many of its lines are not events (the CSV header).
    Running(Progress, u64),
    Done(u64),
    Failed(String),
}

#[component]
pub fn ExportPanel(filter: Memo<AuditFilter>) -> impl IntoView {
    let state = RwSignal::new(State::Idle);
    let start = move |format: ExportFormat| {
        let url = format!(
            "/admin/audit/export?format={}&{}",
            format.extension(),
            filter.get_untracked().query_string()
        );
        let name = format!("docket-audit.{}", format.extension());
        // Lines before the first event (the CSV header).
        let header = format.header().lines().count() as u64;
        state.set(State::Running(Progress::default(), header));
        leptos::task::spawn_local(async move {
            let outcome =
                save_with_progress(&url, &name, |p| state.set(State::Running(p, header))).await;
            state.set(match outcome {
                Ok(()) => match state.get_untracked() {
                    State::Running(p, header) => State::Done(p.lines.saturating_sub(header)),
                    _ => State::Done(0),
                },
                Err(e) => State::Failed(e.to_string()),
            });
        });
    };
    let running = move || matches!(state.get(), State::Running(..));
    view! {
        <div class="toolbar" aria-label="Export">
            <span class="muted">"Export these results:"</span>
            <button type="button" class="button" disabled=running on:click=move |_| start(ExportFormat::Csv)>"CSV"</button>
            <button type="button" class="button" disabled=running on:click=move |_| start(ExportFormat::JsonLines)>"JSON lines"</button>
            {move || match state.get() {
                State::Idle => ().into_any(),
                State::Running(p, header) => {
                    let total = p.total.unwrap_or(0).max(1);
                    let events = p.lines.saturating_sub(header);
                    view! {
                        <progress max=total value=events.min(total) aria-label="Export progress"></progress>
                        <span role="status">{format!("Exporting: {} of {} events", events, p.total.map(|t| t.to_string()).unwrap_or_else(|| "?".into()))}</span>
                    }.into_any()
                }
                State::Done(n) => view! { <span role="status">{format!("Exported {n} event{}.", if n == 1 { "" } else { "s" })}</span> }.into_any(),
                State::Failed(message) => view! { <span class="field__error" role="alert">{message}</span> }.into_any(),
            }}
        </div>
    }
}
