//! One ticket in the agent workspace: the whole thread, a composer for replies and notes, every
//! property in a side panel, colleagues' presence, all refreshed live. Changes carry the version
//! shown; a stale one comes back as a conflict naming what changed.

mod alert_panel;
mod composer;
mod history;
mod presence;
mod properties;
mod status;
mod thread;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::domain::config::role::Permission;

use crate::error::AppError;
use crate::server_fns::agent_queue::load_workspace;
use crate::server_fns::agent_ticket::{AgentTicket, load_agent_ticket};
use crate::ui::components::SlaCountdown;
use crate::ui::live::use_feed;

use alert_panel::AlertDetails;
use composer::Composer;
use history::TicketHistory;
use presence::Colleagues;
use properties::Properties;
use thread::AgentThread;

#[component]
pub fn AgentTicketPage() -> impl IntoView {
    let params = use_params_map();
    let number = Signal::derive(move || params.read().get("number").unwrap_or_default());
    let feed = use_feed();
    let changed = feed.ticket_changed(number);
    let ticket = Resource::new(
        move || (number.get(), changed.get()),
        |(n, _)| load_agent_ticket(n),
    );
    let workspace = Resource::new(|| (), |_| load_workspace());
    // What the composer and presence need from the loaded ticket, kept by an effect: resources
    // are read only inside Transitions and effects, never above them (that would suspend the
    // whole area). `version` is the one every change is based on: the one on screen.
    let version = RwSignal::new(0u64);
    // This page's own id for presence, made in the browser before the children's effects run.
    let tab = StoredValue::new(String::new());
    Effect::new(move |_| tab.set_value(presence::new_tab_id()));
    let loaded = RwSignal::new(None::<AgentTicket>);
    let pane = RwSignal::new(Pane::Thread);
    // A closing status chosen, waiting for its resolution class: kept here so that a live
    // refresh of the ticket (which draws the properties anew) does not forget it.
    let closing = RwSignal::new(None::<String>);
    let me = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(Ok(t)) = ticket.get() {
            version.set(t.ticket.version);
            loaded.set(Some(t));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(w)) = workspace.get() {
            me.set(w.me.key);
        }
    });

    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || ticket.get().map(|result| match result {
                Ok(t) => view! { <Header ticket=t /> }.into_any(),
                Err(e) => view! { <Missing error=e /> }.into_any(),
            })}
        </Transition>
        <Show when=move || loaded.with(Option::is_some)>
            <Colleagues number feed me tab initial=Signal::derive(move || loaded.get().map(|t| t.colleagues).unwrap_or_default()) />
            <div class="ticket-workspace">
                <div class="ticket-workspace__main">
                    <div class="tabs" role="tablist" aria-label="Ticket">
                        <button type="button" role="tab" class="tab" aria-selected=move || (pane.get() == Pane::Thread).to_string()
                            on:click=move |_| pane.set(Pane::Thread)>"Thread"</button>
                        <button type="button" role="tab" class="tab" aria-selected=move || (pane.get() == Pane::History).to_string()
                            on:click=move |_| pane.set(Pane::History)>"History"</button>
                    </div>
                    <Show when=move || pane.get() == Pane::History fallback=move || view! {
                        <Transition fallback=|| ()>
                            {move || ticket.get().and_then(Result::ok).map(|t| view! { <AgentThread entries=t.thread number=t.ticket.number /> })}
                        </Transition>
                    }>
                        <TicketHistory number changed=Signal::from(changed) />
                    </Show>
                    <Show when=move || loaded.with(|t| t.as_ref().is_some_and(|t| t.works))
                        fallback=|| view! { <p class="alert alert--info" role="note">"You can read this ticket (your role may search every department) but not work on it: it belongs to a department you are not in."</p> }>
                        <Composer number version workspace tab
                            subject=Signal::derive(move || loaded.get().map(|t| t.ticket.subject).unwrap_or_default())
                            requester=Signal::derive(move || loaded.get().map(|t| t.ticket.requester_name).unwrap_or_default())
                            department=Signal::derive(move || loaded.get().map(|t| t.ticket.department).unwrap_or_default())
                            may_reply=Signal::derive(move || loaded.get().is_none_or(|t| t.allowed.contains(&Permission::TicketReply))) />
                    </Show>
                </div>
                <aside class="ticket-workspace__side" aria-label="Ticket properties">
                    <Transition fallback=|| ()>
                        {move || ticket.get().and_then(Result::ok).and_then(|t| t.alert).map(|alert| view! { <AlertDetails alert /> })}
                    </Transition>
                    <Transition fallback=|| ()>
                        {move || match (ticket.get().and_then(Result::ok), workspace.get().and_then(Result::ok)) {
                            (Some(t), Some(ws)) => Some(view! { <Properties ticket=t workspace=ws version closing /> }),
                            _ => None,
                        }}
                    </Transition>
                </aside>
            </div>
        </Show>
    }
}

/// What the main column shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pane {
    Thread,
    History,
}

#[component]
fn Header(ticket: AgentTicket) -> impl IntoView {
    let t = ticket.ticket;
    view! {
        <Title text=format!("#{} {}", t.number, t.subject) />
        <header class="page-header page-header--split">
            <div>
                <p class="muted">
                    <A href="/agent">"Queue"</A>
                    {format!(" / Ticket #{} · {} · {}", t.number, t.department_name, t.priority_name)}
                </p>
                <h1>{t.subject.clone()}</h1>
                <p class="muted">
                    {format!("From {} <{}>", t.requester_name, t.requester_email)}
                    {t.merged_into.clone().map(|target| view! {
                        " · Merged into " <A href=format!("/agent/tickets/{target}")>{format!("#{target}")}</A>
                    })}
                </p>
            </div>
            <span class="badge" class:badge--muted=t.status.state == crate::domain::ticket::State::Closed>{t.status.name.clone()}</span>
        </header>
        {(!ticket.sla.is_empty()).then(|| view! {
            <div class="sla-clocks" aria-label="SLA clocks">
                {ticket.sla.into_iter().map(|badge| view! { <SlaCountdown badge /> }).collect_view()}
            </div>
        })}
        {(!ticket.fields.is_empty()).then(|| view! {
            <dl class="facts facts--inline" aria-label="Custom fields">
                {ticket.fields.into_iter().map(|(label, value)| view! { <dt>{label}</dt><dd>{value}</dd> }).collect_view()}
            </dl>
        })}
    }
}

#[component]
fn Missing(error: AppError) -> impl IntoView {
    view! {
        <Title text="Ticket not found" />
        <section class="notice">
            <h1>"Ticket not found"</h1>
            <p>{error.to_string()}</p>
            <A href="/agent" attr:class="button">"Back to the queue"</A>
        </section>
    }
}
