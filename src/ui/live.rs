//! The browser side of `GET /api/v1/events`: one EventSource per page area, reconnected with
//! backoff (gloo-timers), a visible connection state, and a counter pages refetch on.

use leptos::prelude::*;

use crate::domain::live::LiveEvent;

/// Where the stream stands, as the badge shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Connection {
    Connecting,
    Live,
    /// Lost; trying again in this many seconds.
    Retrying(u32),
}

/// A live event stream: the latest event, and `refresh`, bumped on every event and on every
/// (re)connect so pages refetch a snapshot and miss nothing while disconnected.
#[derive(Clone, Copy)]
pub struct LiveFeed {
    pub connection: ReadSignal<Connection>,
    pub latest: ReadSignal<Option<LiveEvent>>,
    pub refresh: ReadSignal<u64>,
}

impl LiveFeed {
    /// A counter that moves when an event `wanted` arrives, or after a (re)connect.
    pub fn refresh_when(
        self,
        wanted: impl Fn(&LiveEvent) -> bool + Send + Sync + 'static,
    ) -> Memo<u64> {
        let count = StoredValue::new(0u64);
        Memo::new(move |_| {
            self.refresh.track();
            // `latest` is cleared on (re)connect: refetch then too.
            let relevant = self.latest.with_untracked(|e| match e {
                None | Some(LiveEvent::Resync) => true,
                Some(event) => wanted(event),
            });
            if relevant {
                count.update_value(|c| *c += 1);
            }
            count.get_value()
        })
    }

    /// [`LiveFeed::refresh_when`] for ticket changes (not presence).
    pub fn tickets_changed(self) -> Memo<u64> {
        self.refresh_when(|e| {
            matches!(
                e,
                LiveEvent::TicketCreated { .. } | LiveEvent::TicketUpdated { .. }
            )
        })
    }

    /// [`LiveFeed::refresh_when`] for changes to one ticket.
    pub fn ticket_changed(self, number: Signal<String>) -> Memo<u64> {
        self.refresh_when(move |e| {
            matches!(
                e,
                LiveEvent::TicketCreated { .. } | LiveEvent::TicketUpdated { .. }
            ) && e.ticket() == Some(number.get_untracked().as_str())
        })
    }
}

/// `counter`, passed on at most once per `window_ms`: the first change at once, a burst's later
/// changes together at the end of the window. Keeps an alert storm from turning into one refetch
/// per alert without delaying a lone change.
pub fn throttled(counter: Memo<u64>, window_ms: u32) -> ReadSignal<u64> {
    let (out, set_out) = signal(counter.get_untracked());
    let last_emit = StoredValue::new(f64::MIN);
    let pending = StoredValue::new(false);
    Effect::new(move |_| {
        let value = counter.get();
        if pending.get_value() {
            return;
        }
        let now = js_sys_now();
        let since = now - last_emit.get_value();
        if since >= f64::from(window_ms) {
            last_emit.set_value(now);
            set_out.set(value);
        } else {
            pending.set_value(true);
            let wait = (f64::from(window_ms) - since).max(0.0) as u32;
            gloo_timers::callback::Timeout::new(wait, move || {
                if pending.try_set_value(false).is_none() {
                    last_emit.try_set_value(js_sys_now());
                    if let Some(latest) = counter.try_get_untracked() {
                        set_out.try_set(latest);
                    }
                }
            })
            .forget();
        }
    });
    out
}

fn js_sys_now() -> f64 {
    leptos::web_sys::js_sys::Date::now()
}

/// The live feed a layout provided for its pages.
pub fn use_feed() -> LiveFeed {
    expect_context::<LiveFeed>()
}

/// Opens the event stream at `url` once the page runs in the browser; closes it on cleanup.
pub fn live_feed(url: String) -> LiveFeed {
    let (connection, set_connection) = signal(Connection::Connecting);
    let (latest, set_latest) = signal(None::<LiveEvent>);
    let (refresh, set_refresh) = signal(0u64);
    // Effects run only in the browser: the stream's browser objects are made and dropped there.
    Effect::new(move |_| {
        let link = Link {
            current: StoredValue::new_local(None),
            stopped: StoredValue::new(false),
            set_connection,
            set_latest,
            set_refresh,
        };
        connect(url.clone(), 0, link);
        on_cleanup(move || {
            link.stopped.set_value(true);
            if let Some(Some(source)) = link.current.try_get_value() {
                source.close();
            }
        });
    });
    LiveFeed {
        connection,
        latest,
        refresh,
    }
}

/// Seconds to wait before reconnect attempt `attempt` (1, 2, 4, ... up to 30).
fn backoff(attempt: u32) -> u32 {
    2u32.saturating_pow(attempt.min(5)).min(30)
}

/// The stream's moving parts, shared by its callbacks (made in the browser only).
#[derive(Clone, Copy)]
struct Link {
    current: StoredValue<Option<leptos::web_sys::EventSource>, LocalStorage>,
    /// Set when the page goes away: no more reconnects. (Gone with the page: also "stopped".)
    stopped: StoredValue<bool>,
    set_connection: WriteSignal<Connection>,
    set_latest: WriteSignal<Option<LiveEvent>>,
    set_refresh: WriteSignal<u64>,
}

fn connect(url: String, attempt: u32, link: Link) {
    use leptos::wasm_bindgen::JsCast;
    use leptos::wasm_bindgen::closure::Closure;
    use leptos::web_sys::{EventSource, MessageEvent};

    if link.stopped.try_get_value().unwrap_or(true) {
        return;
    }
    let (set_connection, set_latest, set_refresh) =
        (link.set_connection, link.set_latest, link.set_refresh);
    let Ok(source) = EventSource::new(&url) else {
        set_connection.set(Connection::Retrying(backoff(attempt)));
        return;
    };
    link.current.try_set_value(Some(source.clone()));
    set_connection.set(Connection::Connecting);
    // After a connection that worked, the backoff starts over.
    let opened = std::rc::Rc::new(std::cell::Cell::new(false));
    let opened_now = opened.clone();
    let on_open = Closure::<dyn FnMut()>::new(move || {
        opened_now.set(true);
        set_connection.set(Connection::Live);
        // A snapshot after every (re)connect: whatever happened meanwhile is fetched.
        set_latest.set(None);
        set_refresh.update(|r| *r += 1);
    });
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        if let Some(text) = event.data().as_string()
            && let Ok(parsed) = serde_json::from_str::<LiveEvent>(&text)
        {
            set_latest.set(Some(parsed));
            set_refresh.update(|r| *r += 1);
        }
    });
    let retry_source = source.clone();
    let retry_url = url.clone();
    let on_error = Closure::<dyn FnMut()>::new(move || {
        // Take over from the browser's own retry so the backoff and the state are ours.
        retry_source.close();
        let attempt = if opened.get() { 0 } else { attempt };
        let wait = backoff(attempt);
        set_connection.set(Connection::Retrying(wait));
        let url = retry_url.clone();
        gloo_timers::callback::Timeout::new(wait * 1000, move || {
            connect(url, attempt + 1, link);
        })
        .forget();
    });
    source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_open.forget();
    on_message.forget();
    on_error.forget();
}

/// The connection state, for people and for tests (`role=status`).
#[component]
pub fn ConnectionBadge(feed: LiveFeed) -> impl IntoView {
    let text = move || match feed.connection.get() {
        Connection::Connecting => "Connecting…".to_string(),
        Connection::Live => "Live".to_string(),
        Connection::Retrying(s) => format!("Offline, retrying in {s} s"),
    };
    let class = move || match feed.connection.get() {
        Connection::Live => "live live--on",
        Connection::Connecting => "live",
        Connection::Retrying(_) => "live live--off",
    };
    view! { <span class=class role="status" aria-label="Live updates">{text}</span> }
}
