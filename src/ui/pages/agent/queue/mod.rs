//! The agent's queue: the queues with live counts, the chosen queue's tickets (refreshed live,
//! new ones highlighted), search, filters, saved queues, bulk actions and keyboard moves.

mod alerts;
mod bulk;
mod compliance;
mod filters;
mod sidebar;

use std::collections::HashSet;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::domain::queue::{Column, Queue, QueueFilter, QueueSort};
use crate::server_fns::agent_queue::{
    BulkChange, QueuePage, QueueQuery, load_queue_nav, load_queue_page, load_workspace,
};
use crate::ui::components::QueueTable;
use crate::ui::form_data::Submitted;
use crate::ui::keyboard::typing_in_a_field;
use crate::ui::live::{throttled, use_feed};

use alerts::NewTicketAlerts;
use bulk::{BulkBar, BulkResult};
use compliance::SlaCompliance;
use filters::FilterPanel;
use sidebar::QueueSidebar;

#[component]
pub fn AgentQueuePage() -> impl IntoView {
    let feed = use_feed();
    // At most one refetch per quarter second, however many tickets change.
    let changed = throttled(feed.tickets_changed(), 250);
    let query = use_query_map();
    let queue = Memo::new(move |_| {
        query
            .read()
            .get("queue")
            .and_then(|q| Queue::from_param(&q))
            .unwrap_or(Queue::Open)
    });
    // The search is part of the address (`?queue=open&q=printer`): shareable, and a search sent
    // before the page is interactive still works.
    let search = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let navigate = use_navigate();
    let search_for = move |q: String| {
        let mut href = format!("/agent?queue={}", queue.get_untracked().as_param());
        if !q.is_empty() {
            href.push_str("&q=");
            href.push_str(&String::from(
                leptos::web_sys::js_sys::encode_uri_component(&q),
            ));
        }
        navigate(&href, Default::default());
    };
    let filter = RwSignal::new(None::<QueueFilter>);
    let sort = RwSignal::new(None::<QueueSort>);
    let cursor = RwSignal::new(None::<String>);
    let back = RwSignal::new(Vec::<Option<String>>::new());
    // A new queue starts from its own first page, filter and sort.
    Effect::new(move |_| {
        queue.track();
        filter.set(None);
        sort.set(None);
        cursor.set(None);
        back.set(Vec::new());
    });

    let nav = Resource::new(move || changed.get(), |_| load_queue_nav());
    let workspace = Resource::new(|| (), |_| load_workspace());
    let page = Resource::new(
        move || {
            let query = QueueQuery {
                queue: Some(queue.get()),
                filter: filter.get(),
                search: search.get(),
                sort: sort.get(),
                cursor: cursor.get(),
            };
            // Every live change refetches the page (a snapshot, so nothing is missed).
            (query, changed.get())
        },
        |(query, _)| load_queue_page(query),
    );

    // Rows that were not on the previous load of the same list are new: highlighted. Resources
    // are read only inside Transitions (or effects), never in memos above them.
    // (query, numbers listed, numbers new in that listing); rendering the same listing twice
    // gives the same answer.
    type Seen = (QueueQuery, HashSet<String>, HashSet<String>);
    let known = StoredValue::new(None::<Seen>);
    let with_fresh = move |p: QueuePage| {
        let current: HashSet<String> = p.rows.iter().map(|r| r.number.clone()).collect();
        let key = QueueQuery {
            queue: Some(queue.get_untracked()),
            filter: filter.get_untracked(),
            search: search.get_untracked(),
            sort: sort.get_untracked(),
            cursor: cursor.get_untracked(),
        };
        let fresh: HashSet<String> = match known.get_value() {
            Some((previous, listed, fresh)) if previous == key && listed == current => fresh,
            Some((previous, listed, _)) if previous == key => {
                current.difference(&listed).cloned().collect()
            }
            _ => HashSet::new(),
        };
        known.set_value(Some((key, current, fresh.clone())));
        (p, fresh)
    };
    // The listed numbers, for the keyboard.
    let numbers = RwSignal::new(Vec::<String>::new());
    Effect::new(move |_| {
        if let Some(Ok(p)) = page.get() {
            numbers.set(p.rows.iter().map(|r| r.number.clone()).collect());
        }
    });

    let selected = RwSignal::new(HashSet::<String>::new());
    let bulk = ServerAction::<BulkChange>::new();
    Effect::new(move |_| {
        if let Some(Ok(outcomes)) = bulk.value().get() {
            // Keep the failures selected so they can be retried or looked at.
            selected.set(
                outcomes
                    .into_iter()
                    .filter(|o| o.error.is_some())
                    .map(|o| o.number)
                    .collect(),
            );
        }
    });
    let row_cursor = RwSignal::new(0usize);
    let help = RwSignal::new(false);
    keyboard(numbers, row_cursor, selected, help);

    let submit_search = search_for.clone();
    view! {
        <Title text="Queue" />
        <div class="queue">
            <QueueSidebar nav current=queue />
            <section class="queue__main" aria-labelledby="queue-title">
                <header class="page-header page-header--split">
                    <div>
                        <h1 id="queue-title">"Queue"</h1>
                        <Transition fallback=|| ()>
                            <h2 class="lead">{move || page.get().and_then(Result::ok).map(|p| p.title)}</h2>
                        </Transition>
                    </div>
                    <NewTicketAlerts feed />
                </header>
                <form class="toolbar" role="search" method="get" action="/agent" on:submit=move |ev| {
                    ev.prevent_default();
                    if let Some(form) = Submitted::of(&ev) {
                        cursor.set(None);
                        back.set(Vec::new());
                        submit_search(form.text("q"));
                    }
                }>
                    <label for="queue-search">"Search tickets"</label>
                    <input type="hidden" name="queue" prop:value=move || queue.get().as_param() />
                    <input id="queue-search" name="q" type="search" prop:value=move || search.get()
                        placeholder="Subject, message, requester, field…" />
                    <button type="submit" class="button">"Search"</button>
                    {
                        let clear = search_for.clone();
                        move || (!search.get().is_empty()).then(|| {
                            let clear = clear.clone();
                            view! {
                                <button type="button" class="button button--quiet" on:click=move |_| clear(String::new())>"Clear search"</button>
                            }
                        })
                    }
                </form>
                <Transition fallback=|| ()>
                    {move || workspace.get().and_then(Result::ok).map(|ws| {
                        // The filter on show: the one applied, else the built-in queue's own (known
                        // here without waiting for the page), else the saved queue's as loaded.
                        // Live refreshes do not re-render the panel.
                        let loaded = page.get_untracked().and_then(Result::ok);
                        let current = match filter.get().or_else(|| queue.get().builtin_filter()) {
                            Some(shown) => Some((
                                shown,
                                loaded.as_ref().map_or_else(|| Column::DEFAULT.to_vec(), |p| p.columns.clone()),
                                sort.get_untracked().or(loaded.map(|p| p.sort)).unwrap_or_default(),
                            )),
                            None => loaded.map(|p| (p.filter, p.columns, p.sort)),
                        };
                        view! {
                            <FilterPanel workspace=ws.clone() current filter sort nav />
                            <BulkBar workspace=ws selected bulk />
                        }
                    })}
                </Transition>
                <BulkResult bulk />
                <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || page.get().map(|result| match result.map(with_fresh) {
                        Ok((page, fresh)) => {
                            let next = page.next.clone();
                            view! {
                                <QueueTable rows=page.rows columns=page.columns selected cursor=row_cursor fresh />
                                <nav class="pager" aria-label="Pages">
                                    {move || (!back.get().is_empty()).then(|| view! {
                                        <button type="button" class="button" on:click=move |_| {
                                            let previous = back.try_update(|b| b.pop()).flatten().flatten();
                                            cursor.set(previous);
                                        }>"Previous page"</button>
                                    })}
                                    {next.map(|next| view! {
                                        <button type="button" class="button" on:click=move |_| {
                                            back.update(|b| b.push(cursor.get_untracked()));
                                            cursor.set(Some(next.clone()));
                                        }>"Next page"</button>
                                    })}
                                </nav>
                            }.into_any()
                        }
                        Err(e) => view! { <div class="alert alert--error" role="alert">{e.to_string()}</div> }.into_any(),
                    })}
                </Transition>
                <SlaCompliance />
                <KeyboardHelp open=help />
            </section>
        </div>
    }
}

/// j/k move, x selects, Enter opens, ? shows the keys. Ignored while typing in a field.
fn keyboard(
    numbers: RwSignal<Vec<String>>,
    cursor: RwSignal<usize>,
    selected: RwSignal<HashSet<String>>,
    help: RwSignal<bool>,
) {
    let navigate = use_navigate();
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || typing_in_a_field(&ev) {
            return;
        }
        let numbers = numbers.get_untracked();
        let current = cursor.get_untracked().min(numbers.len().saturating_sub(1));
        match ev.key().as_str() {
            "j" => cursor.set((current + 1).min(numbers.len().saturating_sub(1))),
            "k" => cursor.set(current.saturating_sub(1)),
            "x" => {
                if let Some(n) = numbers.get(current) {
                    selected.update(|s| {
                        if !s.remove(n) {
                            s.insert(n.clone());
                        }
                    });
                }
            }
            "Enter" => {
                if let Some(n) = numbers.get(current) {
                    navigate(&format!("/agent/tickets/{n}"), Default::default());
                }
            }
            "?" => help.update(|h| *h = !*h),
            "Escape" => help.set(false),
            _ => return,
        }
        ev.prevent_default();
    });
    on_cleanup(move || handle.remove());
}

#[component]
fn KeyboardHelp(open: RwSignal<bool>) -> impl IntoView {
    view! {
        <Show when=move || open.get()>
            <section class="card keyboard-help" role="dialog" aria-label="Keyboard shortcuts">
                <h2>"Keyboard shortcuts"</h2>
                <dl class="facts">
                    <dt><kbd>"j"</kbd>" / "<kbd>"k"</kbd></dt><dd>"Next / previous ticket"</dd>
                    <dt><kbd>"x"</kbd></dt><dd>"Select the ticket"</dd>
                    <dt><kbd>"Enter"</kbd></dt><dd>"Open the ticket"</dd>
                    <dt><kbd>"r"</kbd>" / "<kbd>"n"</kbd></dt><dd>"On a ticket: reply / internal note"</dd>
                    <dt><kbd>"a"</kbd></dt><dd>"On a ticket: assign"</dd>
                    <dt><kbd>"?"</kbd></dt><dd>"Show or hide this help"</dd>
                </dl>
                <button type="button" class="button" on:click=move |_| open.set(false)>"Close"</button>
            </section>
        </Show>
    }
}
