//! One ticket as its customer sees it: details, the conversation, replying, closing and reopening.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::domain::ticket::CustomerStatusChange;
use crate::error::AppError;
use crate::server_fns::tickets::{ChangeTicketStatus, CustomerTicket, ReplyToTicket, view_ticket};
use crate::ui::components::{FormAlert, TicketFacts};
use crate::ui::uploads::AttachmentPicker;

#[component]
pub fn TicketPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let number = move || params.read().get("number").unwrap_or_default();
    let reply = ServerAction::<ReplyToTicket>::new();
    let change = ServerAction::<ChangeTicketStatus>::new();
    let ticket = Resource::new(
        move || (number(), reply.version().get(), change.version().get()),
        |(number, _, _)| view_ticket(number),
    );
    let just_created = move || query.read().get("created").is_some();
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || ticket.get().map(|result| match result {
                Ok(t) => view! { <TicketDetail ticket=t reply change just_created=just_created() /> }.into_any(),
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
    }
}

#[component]
fn TicketDetail(
    ticket: CustomerTicket,
    reply: ServerAction<ReplyToTicket>,
    change: ServerAction<ChangeTicketStatus>,
    just_created: bool,
) -> impl IntoView {
    let number = ticket.summary.number.clone();
    let reply_error = Signal::derive(move || reply.value().get().and_then(Result::err));
    let change_error = Signal::derive(move || change.value().get().and_then(Result::err));
    let message_error = move || reply_error.get().and_then(|e| e.field_message("message"));
    let (can_close, can_reopen) = (ticket.can_close, ticket.can_reopen);
    let status_number = number.clone();
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
        {can_close.then(|| view! {
            <section class="card" aria-labelledby="reply-title">
                <h2 id="reply-title">"Reply"</h2>
                <FormAlert error=reply_error fields=&["message"] />
                <ActionForm action=reply>
                    <input type="hidden" name="number" value=number.clone() />
                    <div class="field" class:field--invalid=move || message_error().is_some()>
                        <label for="field-reply">"Your reply"</label>
                        <textarea id="field-reply" name="message" rows="4" required=true
                            aria-invalid=move || message_error().is_some().then_some("true")></textarea>
                        {move || message_error().map(|m| view! { <p class="field__error">{m}</p> })}
                    </div>
                    <AttachmentPicker />
                    <button type="submit" class="button button--primary" disabled=move || reply.pending().get()>"Send reply"</button>
                </ActionForm>
            </section>
        })}
    }
}
