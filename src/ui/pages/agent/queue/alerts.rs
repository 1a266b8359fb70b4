//! Optional browser notifications and a short sound for new tickets in the agent's queues. The
//! choice is kept in this browser (localStorage).

use leptos::prelude::*;

use crate::domain::live::LiveEvent;
use crate::ui::live::LiveFeed;

const KEY: &str = "docket.notify-new-tickets";

fn storage() -> Option<leptos::web_sys::Storage> {
    window().local_storage().ok().flatten()
}

#[component]
pub fn NewTicketAlerts(feed: LiveFeed) -> impl IntoView {
    let enabled = RwSignal::new(false);
    Effect::new(move |_| {
        enabled.set(
            storage()
                .and_then(|s| s.get_item(KEY).ok().flatten())
                .is_some(),
        );
    });
    Effect::new(move |_| {
        if let Some(LiveEvent::TicketCreated { ticket, .. }) = feed.latest.get()
            && enabled.get_untracked()
        {
            announce(&ticket);
        }
    });
    view! {
        <label class="toggle">
            <input type="checkbox" prop:checked=move || enabled.get() on:change=move |ev| {
                let on = event_target_checked(&ev);
                enabled.set(on);
                if let Some(s) = storage() {
                    let _ = if on { s.set_item(KEY, "1") } else { s.remove_item(KEY) };
                }
                if on {
                    let _ = leptos::web_sys::Notification::request_permission();
                }
            } />
            " Notify me of new tickets"
        </label>
    }
}

/// A desktop notification (when allowed) and a short beep.
fn announce(number: &str) {
    use leptos::web_sys::{
        AudioContext, Notification, NotificationOptions, NotificationPermission,
    };
    if Notification::permission() == NotificationPermission::Granted {
        let options = NotificationOptions::new();
        options.set_body("A new ticket arrived in your queues.");
        let _ = Notification::new_with_options(&format!("New ticket #{number}"), &options);
    }
    if let Ok(audio) = AudioContext::new()
        && let (Ok(tone), Ok(gain)) = (audio.create_oscillator(), audio.create_gain())
    {
        tone.frequency().set_value(880.0);
        gain.gain().set_value(0.05);
        let now = audio.current_time();
        let _ = tone.connect_with_audio_node(&gain);
        let _ = gain.connect_with_audio_node(&audio.destination());
        let _ = tone.start();
        let _ = tone.stop_with_when(now + 0.15);
    }
}
