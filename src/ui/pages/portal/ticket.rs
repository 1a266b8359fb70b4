//! One ticket as its customer sees it: details, the conversation, replying, closing and
//! reopening. Agents' replies appear live; the reply being written is kept across refreshes.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::domain::ticket::CustomerStatusChange;
use crate::error::AppError;
use crate::server_fns::tickets::{ChangeTicketStatus, CustomerTicket, ReplyToTicket, view_ticket};
use crate::ui::components::{FormAlert, TicketFacts};
use crate::ui::live::{ConnectionBadge, live_feed};
use crate::ui::uploads::AttachmentPicker;

#[component]
pub fn TicketPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let number = Signal::derive(move || params.read().get("number").unwrap_or_default());
    let reply = ServerAction::<ReplyToTicket>::new();
    let change = ServerAction::<ChangeTicketStatus>::new();
    let feed = live_feed("/api/v1/events".to_string());
    let changed = feed.ticket_changed(number);
    let ticket = Resource::new(
        move || {
            (
                number.get(),
                reply.version().get(),
                change.version().get(),
                changed.get(),
            )
        },
        |(number, _, _, _)| view_ticket(number),
    );
    // Kept by an effect: the resource is read only inside the Transition and effects.
    let can_reply = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(result) = ticket.get() {
            can_reply.set(result.is_ok_and(|t| t.can_close));
        }
    });
    let just_created = move || query.read().get("created").is_some();
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || ticket.get().map(|result| match result {
                Ok(t) => view! {
                    <TicketDetail ticket=t change just_created=just_created() />
                    <p class="muted"><ConnectionBadge feed /></p>
                }.into_any(),
                Err(AppError::Unauthenticated) => view! {
                    <Title text="Sign in required" />
                    <section class="notice">
                        <h1>"Sign in required"</h1>
                        <p>"Sign in to see this ticket, or ask for a private link with its number and your email."</p>
                        <div class="actions">
                            <A href="/sign-in" attr:class="button button--primary">"Sign in"</A>
                            <A href="/status" attr:class="button">"Check a ticket's status"</A>
                        </div>
                    </section>
                }.into_any(),
                Err(e) => view! {
                    <Title text="Ticket not found" />
                    <section class="notice">
                        <h1>"Ticket not found"</h1>
                        <p>{e.to_string()}</p>
                        <A href="/tickets" attr:class="button">"My tickets"</A>
                    </section>
                }.into_any(),
            })}
        </Transition>
        <Show when=move || can_reply.get()>
            <ReplyCard number reply />
        </Show>
    }
}

#[component]
fn TicketDetail(
    ticket: CustomerTicket,
    change: ServerAction<ChangeTicketStatus>,
    just_created: bool,
) -> impl IntoView {
    let change_error = Signal::derive(move || change.value().get().and_then(Result::err));
    let (can_close, can_reopen) = (ticket.can_close, ticket.can_reopen);
    let status_number = ticket.summary.number.clone();
    view! {
        <Title text=format!("Ticket #{}", ticket.summary.number) />
        {just_created.then(|| view! {
            <p class="alert alert--success" role="status">{format!("Ticket #{} is open. Replies appear on this page.", ticket.summary.number)}</p>
        })}
        <header class="page-header page-header--split">
            <div>
                <p class="muted">{format!("Ticket #{}", ticket.summary.number)}</p>
                <h1>{ticket.summary.subject.clone()}</h1>
            </div>
            <div class="actions">
                {can_close.then(|| {
                    let number = status_number.clone();
                    view! {
                        <button type="button" class="button" on:click=move |_| {
                            change.dispatch(ChangeTicketStatus { number: number.clone(), change: CustomerStatusChange::Close });
                        }>"Close ticket"</button>
                    }
                })}
                {can_reopen.then(|| {
                    let number = status_number.clone();
                    view! {
                        <button type="button" class="button" on:click=move |_| {
                            change.dispatch(ChangeTicketStatus { number: number.clone(), change: CustomerStatusChange::Reopen });
                        }>"Reopen ticket"</button>
                    }
                })}
            </div>
        </header>
        <FormAlert error=change_error fields=&[] />
        <TicketFacts ticket=ticket.clone() files_at="/files" />
    }
}

/// The reply form, outside the live-refreshed part so a reply being written (and its uploads)
/// survives agents' changes; cleared after each reply sent.
#[component]
fn ReplyCard(number: Signal<String>, reply: ServerAction<ReplyToTicket>) -> impl IntoView {
    let reply_error = Signal::derive(move || reply.value().get().and_then(Result::err));
    let message_error = move || reply_error.get().and_then(|e| e.field_message("message"));
    let sent = RwSignal::new(0u32);
    Effect::new(move |_| {
        if let Some(Ok(())) = reply.value().get() {
            sent.update(|s| *s += 1);
        }
    });
    view! {
        <section class="card" aria-labelledby="reply-title">
            <h2 id="reply-title">"Reply"</h2>
            <FormAlert error=reply_error fields=&["message"] />
            {move || {
                sent.track();
                view! {
                    <ActionForm action=reply>
                        <input type="hidden" name="number" prop:value=move || number.get() />
                        <div class="field" class:field--invalid=move || message_error().is_some()>
                            <label for="field-reply">"Your reply"</label>
                            <textarea id="field-reply" name="message" rows="4" required=true
                                aria-invalid=move || message_error().is_some().then_some("true")></textarea>
                            {move || message_error().map(|m| view! { <p class="field__error">{m}</p> })}
                        </div>
                        <AttachmentPicker />
                        <button type="submit" class="button button--primary" disabled=move || reply.pending().get()>"Send reply"</button>
                    </ActionForm>
                }
            }}
        </section>
    }
}
