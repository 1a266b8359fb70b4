//! One SLA clock as a badge that counts down every second in the browser, coloured by state,
//! with the exact due time on hover; a paused clock says why and what is left.

use chrono::{DateTime, Duration, Utc};
use leptos::prelude::*;

use crate::domain::sla::clock::SlaState;
use crate::server_fns::agent_ticket::SlaBadge;

/// `seconds` as people read a countdown: "2d 4h", "3h 05m", "4m 09s".
pub fn countdown(seconds: i64) -> String {
    let s = seconds.abs();
    let (d, h, m, sec) = (s / 86_400, s % 86_400 / 3600, s % 3600 / 60, s % 60);
    if d > 0 {
        format!("{d}d {h}h")
    } else if h > 0 {
        format!("{h}h {m:02}m")
    } else {
        format!("{m}m {sec:02}s")
    }
}

/// The clock's state `elapsed` seconds after the server evaluated it (running clocks only move).
fn state_at(badge: &SlaBadge, now: DateTime<Utc>) -> SlaState {
    match badge.state {
        SlaState::OnTrack | SlaState::AtRisk => match (badge.due_at, badge.at_risk_at) {
            (Some(due), _) if now >= due => SlaState::Breached,
            (_, Some(risk)) if now >= risk => SlaState::AtRisk,
            _ => badge.state,
        },
        other => other,
    }
}

#[component]
pub fn SlaCountdown(badge: SlaBadge) -> impl IntoView {
    // Seconds since the page got this clock; the server's `evaluated_at` is the start, so a
    // browser clock that is off does not matter.
    let elapsed = RwSignal::new(0i64);
    Effect::new(move |_| {
        let loaded = leptos::web_sys::js_sys::Date::now();
        let tick = gloo_timers::callback::Interval::new(1000, move || {
            let ms = leptos::web_sys::js_sys::Date::now() - loaded;
            elapsed.set((ms / 1000.0) as i64);
        });
        let tick = StoredValue::new_local(Some(tick));
        on_cleanup(move || tick.update_value(|t| drop(t.take())));
    });
    let label = badge.clock.label();
    let due_title = badge.due_at.map_or_else(
        || "No due time while the clock is paused".to_string(),
        |due| format!("Due {}", due.format("%Y-%m-%d %H:%M:%S UTC")),
    );
    let badge = StoredValue::new(badge);
    let now = move || badge.with_value(|b| b.evaluated_at) + Duration::seconds(elapsed.get());
    let state = move || badge.with_value(|b| state_at(b, now()));
    let text = move || {
        badge.with_value(|b| match state() {
            SlaState::Met => format!("{label}: met"),
            SlaState::Paused => format!("{label}: paused, {} left", countdown(b.remaining_seconds)),
            running => match b.due_at {
                Some(due) => {
                    let left = (due - now()).num_seconds();
                    if running == SlaState::Breached {
                        format!("{label}: overdue {}", countdown(left))
                    } else {
                        format!("{label}: {} left", countdown(left))
                    }
                }
                None => format!("{label}: no business hours"),
            },
        })
    };
    let title = move || {
        badge.with_value(|b| match &b.paused_by {
            Some(status) if state() == SlaState::Paused => format!(
                "Paused while the ticket is “{status}”: the clock resumes with the time left when the status changes."
            ),
            _ => due_title.clone(),
        })
    };
    let class = move || match state() {
        SlaState::OnTrack => "sla sla--on-track",
        SlaState::AtRisk => "sla sla--at-risk",
        SlaState::Breached => "sla sla--breached",
        SlaState::Paused => "sla sla--paused",
        SlaState::Met => "sla sla--met",
    };
    view! {
        <span class=class role="timer" aria-label=format!("{label} SLA") title=title>{text}</span>
    }
}

/// A queue row's SLA due time, counting down in the browser: "in 2h 05m", "overdue 4m 10s";
/// "paused" (and why, on hover) while the status pauses the clocks. Before the page is live it
/// shows the due time itself.
#[component]
pub fn DueCountdown(due: Option<DateTime<Utc>>, paused: bool, status: String) -> impl IntoView {
    if paused {
        let why =
            format!("Paused while the ticket is “{status}”: the clocks resume with the time left.");
        return view! { <span class="sla sla--paused" title=why>"paused"</span> }.into_any();
    }
    let Some(due) = due else {
        return view! { <span class="muted">"—"</span> }.into_any();
    };
    let now = RwSignal::new(None::<DateTime<Utc>>);
    Effect::new(move |_| {
        let read =
            move || DateTime::from_timestamp_millis(leptos::web_sys::js_sys::Date::now() as i64);
        now.set(read());
        let tick = gloo_timers::callback::Interval::new(1000, move || now.set(read()));
        let tick = StoredValue::new_local(Some(tick));
        on_cleanup(move || tick.update_value(|t| drop(t.take())));
    });
    let text = move || match now.get() {
        None => format!("due {}", due.format("%m-%d %H:%M")),
        Some(now) if now >= due => format!("overdue {}", countdown((now - due).num_seconds())),
        Some(now) => format!("in {}", countdown((due - now).num_seconds())),
    };
    let class = move || match now.get() {
        Some(now) if now >= due => "sla sla--breached",
        _ => "sla sla--on-track",
    };
    view! {
        <span class=class title=format!("Due {}", due.format("%Y-%m-%d %H:%M:%S UTC"))>{text}</span>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countdowns_read_in_the_largest_useful_units() {
        assert_eq!(countdown(9), "0m 09s");
        assert_eq!(countdown(3 * 3600 + 5 * 60 + 7), "3h 05m");
        assert_eq!(countdown(2 * 86_400 + 4 * 3600), "2d 4h");
        assert_eq!(countdown(-125), "2m 05s");
    }
}
