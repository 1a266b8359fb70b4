//! Who else is on this ticket, live: announced on arrival, refreshed while here, "typing" while
//! the composer is used, gone on leaving (or when a browser stops refreshing).

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::domain::live::{Activity, LiveEvent};
use crate::server_fns::agent_ticket::{Colleague, announce_presence};
use crate::ui::live::LiveFeed;

/// How often this page says it is still here (the server forgets after 45 s).
const HEARTBEAT_MS: u32 = 20_000;

/// Tells colleagues what this agent is doing on the ticket.
pub fn announce(number: String, activity: Activity) {
    spawn_local(async move {
        let _ = announce_presence(number, activity).await;
    });
}

/// `announce_presence(number, left)` sent as a beacon (a form POST with the session cookie).
fn leave_by_beacon(number: &str) {
    use leptos::web_sys::UrlSearchParams;
    if let Ok(params) = UrlSearchParams::new() {
        params.append("number", number);
        params.append("activity", "left");
        let _ = window()
            .navigator()
            .send_beacon_with_opt_url_search_params("/rpc/announce_presence", Some(&params));
    }
}

#[component]
pub fn Colleagues(
    number: Signal<String>,
    feed: LiveFeed,
    me: RwSignal<String>,
    initial: Signal<Vec<Colleague>>,
) -> impl IntoView {
    let others = RwSignal::new(Vec::<Colleague>::new());
    Effect::new(move |_| others.set(initial.get()));
    Effect::new(move |_| {
        if let Some(LiveEvent::Presence {
            ticket,
            user,
            name,
            activity,
            ..
        }) = feed.latest.get()
            && ticket == number.get_untracked()
            && user != me.get_untracked()
        {
            others.update(|list| {
                list.retain(|c| c.user != user);
                if activity != Activity::Left {
                    list.push(Colleague {
                        user,
                        name,
                        activity,
                    });
                }
            });
        }
    });
    // Arrive, stay, leave.
    Effect::new(move |_| {
        let ticket = number.get();
        announce(ticket.clone(), Activity::Viewing);
        let beat = ticket.clone();
        let interval = gloo_timers::callback::Interval::new(HEARTBEAT_MS, move || {
            announce(beat.clone(), Activity::Viewing);
        });
        let interval = StoredValue::new_local(Some(interval));
        on_cleanup(move || {
            interval.update_value(|i| drop(i.take()));
            announce(ticket, Activity::Left);
        });
    });
    // Closing the tab unmounts nothing: say goodbye with a beacon, which outlives the page.
    let handle = window_event_listener(leptos::ev::pagehide, move |_| {
        leave_by_beacon(&number.get_untracked());
    });
    on_cleanup(move || handle.remove());
    view! {
        <div class="presence" role="status" aria-label="Also on this ticket">
            {move || others.get().into_iter().map(|c| {
                let text = match c.activity {
                    Activity::Typing => format!("{} is typing…", c.name),
                    _ => format!("{} is viewing", c.name),
                };
                view! { <span class="presence__who" class:presence__who--typing=c.activity == Activity::Typing>{text}</span> }
            }).collect_view()}
        </div>
    }
    .into_any()
}
