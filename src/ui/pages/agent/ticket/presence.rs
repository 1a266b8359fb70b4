//! Who else is on this ticket, live: announced on arrival, refreshed while here, "typing" while
//! the composer is used, gone on leaving (or when a browser stops refreshing). Each page is its
//! own tab, so one person in two tabs shows as typing if either tab is.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::domain::live::{Activity, LiveEvent};
use crate::server_fns::agent_ticket::{Colleague, announce_presence};
use crate::ui::live::LiveFeed;

/// How often this page says it is still here (the server forgets after 45 s).
const HEARTBEAT_MS: u32 = 20_000;

/// A random id for this page (browser only), telling apart one person's tabs.
pub fn new_tab_id() -> String {
    let n = leptos::web_sys::js_sys::Math::random() * 1e15;
    format!("{:x}", n as u64)
}

/// Tells colleagues what this agent is doing on the ticket, from tab `tab`.
pub fn announce(number: String, tab: String, activity: Activity) {
    spawn_local(async move {
        let _ = announce_presence(number, activity, tab).await;
    });
}

/// `announce_presence(number, left, tab)` sent as a beacon (a form POST with the session cookie).
fn leave_by_beacon(number: &str, tab: &str) {
    use leptos::web_sys::UrlSearchParams;
    if let Ok(params) = UrlSearchParams::new() {
        params.append("number", number);
        params.append("activity", "left");
        params.append("tab", tab);
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
    /// This page's tab id (set by the page in the browser before this runs).
    tab: StoredValue<String>,
    initial: Signal<Vec<Colleague>>,
) -> impl IntoView {
    // Every tab heard of, departed ones included, so neither a snapshot read before a change nor
    // a late event can bring back what is already known to be older.
    let others = RwSignal::new(Vec::<Colleague>::new());
    Effect::new(move |_| {
        let snapshot = initial.get();
        others.update(|list| merge_snapshot(list, snapshot));
    });
    Effect::new(move |_| {
        if let Some(LiveEvent::Presence {
            ticket,
            user,
            tab,
            name,
            activity,
            at,
        }) = feed.latest.get()
            && ticket == number.get_untracked()
            && user != me.get_untracked()
        {
            others.update(|list| {
                hear(
                    list,
                    Colleague {
                        user,
                        tab,
                        name,
                        activity,
                        at,
                    },
                )
            });
        }
    });
    // Arrive, stay, leave. Each visit is a new presence (a tab id the server has not seen leave),
    // so coming back to a ticket is never mistaken for a late heartbeat of the earlier visit.
    Effect::new(move |_| {
        let ticket = number.get();
        let id = new_tab_id();
        tab.set_value(id.clone());
        announce(ticket.clone(), id.clone(), Activity::Viewing);
        let (beat, beat_id) = (ticket.clone(), id.clone());
        let interval = gloo_timers::callback::Interval::new(HEARTBEAT_MS, move || {
            announce(beat.clone(), beat_id.clone(), Activity::Viewing);
        });
        let interval = StoredValue::new_local(Some(interval));
        on_cleanup(move || {
            interval.update_value(|i| drop(i.take()));
            announce(ticket, id, Activity::Left);
        });
    });
    // Closing the tab unmounts nothing: say goodbye with a beacon, which outlives the page.
    let handle = window_event_listener(leptos::ev::pagehide, move |_| {
        leave_by_beacon(&number.get_untracked(), &tab.get_value());
    });
    on_cleanup(move || handle.remove());
    view! {
        <div class="presence" role="status" aria-label="Also on this ticket">
            {move || people(&others.get()).into_iter().map(|(name, typing)| {
                let text = if typing { format!("{name} is typing…") } else { format!("{name} is viewing") };
                view! { <span class="presence__who" class:presence__who--typing=typing>{text}</span> }
            }).collect_view()}
        </div>
    }
    .into_any()
}

/// Takes in news of one tab unless what is known of it is newer.
fn hear(list: &mut Vec<Colleague>, news: Colleague) {
    match list
        .iter_mut()
        .find(|c| c.user == news.user && c.tab == news.tab)
    {
        Some(known) if known.at > news.at => {}
        Some(known) => *known = news,
        None => list.push(news),
    }
}

/// A fresh list from the server: tabs it no longer has are gone (left or stale), unless heard
/// of after it was read; what it has is taken in unless already known newer.
fn merge_snapshot(list: &mut Vec<Colleague>, snapshot: Vec<Colleague>) {
    let read_at = snapshot.iter().map(|c| c.at).max();
    list.retain(|c| {
        snapshot.iter().any(|s| s.user == c.user && s.tab == c.tab)
            || read_at.is_some_and(|t| c.at > t)
    });
    for news in snapshot {
        hear(list, news);
    }
}

/// One line per person, in order of arrival: typing if any of their tabs is. Departed tabs are
/// not shown.
fn people(tabs: &[Colleague]) -> Vec<(String, bool)> {
    let mut people: Vec<(String, String, bool)> = Vec::new();
    for c in tabs.iter().filter(|c| c.activity != Activity::Left) {
        let typing = c.activity == Activity::Typing;
        match people.iter_mut().find(|(user, _, _)| *user == c.user) {
            Some(person) => person.2 |= typing,
            None => people.push((c.user.clone(), c.name.clone(), typing)),
        }
    }
    people
        .into_iter()
        .map(|(_, name, typing)| (name, typing))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, TimeZone, Utc};

    fn at(s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, s).unwrap()
    }

    fn tab(user: &str, activity: Activity, s: u32) -> Colleague {
        Colleague {
            user: user.into(),
            tab: format!("{user}-tab"),
            name: user.to_uppercase(),
            activity,
            at: at(s),
        }
    }

    #[test]
    fn a_snapshot_read_before_typing_does_not_undo_it() {
        let mut list = vec![tab("ana", Activity::Viewing, 1)];
        hear(&mut list, tab("ana", Activity::Typing, 5));
        merge_snapshot(&mut list, vec![tab("ana", Activity::Viewing, 1)]);
        assert_eq!(people(&list), vec![("ANA".to_string(), true)]);
    }

    #[test]
    fn older_news_is_ignored_and_newer_taken() {
        let mut list = vec![tab("ana", Activity::Typing, 5)];
        hear(&mut list, tab("ana", Activity::Viewing, 3));
        assert_eq!(people(&list), vec![("ANA".to_string(), true)]);
        hear(&mut list, tab("ana", Activity::Left, 9));
        assert!(people(&list).is_empty());
    }

    #[test]
    fn a_snapshot_drops_tabs_it_no_longer_has_unless_heard_of_later() {
        let mut list = vec![
            tab("ana", Activity::Viewing, 1),
            tab("ben", Activity::Viewing, 8),
        ];
        merge_snapshot(&mut list, vec![tab("cy", Activity::Viewing, 4)]);
        let names: Vec<_> = people(&list).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, vec!["BEN", "CY"]);
    }
}
