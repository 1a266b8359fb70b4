//! A ticket opened by a guest link: read it (replies appear live) and reply, or revoke the link.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::server_fns::guest_access::{GuestReply, RevokeGuestLink, guest_ticket};
use crate::ui::components::{FormAlert, TicketFacts};
use crate::ui::live::live_feed;

#[component]
pub fn GuestTicketPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let reply = ServerAction::<GuestReply>::new();
    let revoke = ServerAction::<RevokeGuestLink>::new();
    let feed = live_feed(format!("/api/v1/events?guest={}", token()));
    let changed = feed.tickets_changed();
    let ticket = Resource::new(
        move || {
            (
                token(),
                reply.version().get(),
                revoke.version().get(),
                changed.get(),
            )
        },
        |(token, _, _, _)| guest_ticket(token),
    );
    // The reply being written survives live refreshes; cleared once sent.
    let draft = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(Ok(())) = reply.value().get() {
            draft.set(String::new());
        }
    });
    let reply_error = Signal::derive(move || reply.value().get().and_then(Result::err));
    let message_error = move || reply_error.get().and_then(|e| e.field_message("message"));
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || ticket.get().map(|result| match result {
                Err(_) if matches!(revoke.value().get(), Some(Ok(()))) => view! {
                    <Title text="Link revoked" />
                    <section class="notice">
                        <h1>"Link revoked"</h1>
                        <p>"This link no longer opens the ticket. Ask for a new one any time."</p>
                        <a href="/status" class="button">"Check a ticket's status"</a>
                    </section>
                }.into_any(),
                Err(_) => view! {
                    <Title text="Link not valid" />
                    <section class="notice notice--denied">
                        <h1>"This link does not work"</h1>
                        <p>"It may have expired or been revoked. Ask for a new one with your email and ticket number."</p>
                        <a href="/status" class="button">"Check a ticket's status"</a>
                    </section>
                }.into_any(),
                Ok(t) => {
                    let open = t.can_close;
                    view! {
                        <Title text=format!("Ticket #{}", t.summary.number) />
                        <header class="page-header page-header--split">
                            <div>
                                <p class="muted">{format!("Ticket #{} · guest access", t.summary.number)}</p>
                                <h1>{t.summary.subject.clone()}</h1>
                            </div>
                            <button type="button" class="button" on:click=move |_| {
                                revoke.dispatch(RevokeGuestLink { token: token() });
                            }>"Revoke this link"</button>
                        </header>
                        <TicketFacts ticket=t files_at=format!("/guest/{}/files", token()) />
                        {open.then(|| view! {
                            <section class="card" aria-labelledby="reply-title">
                                <h2 id="reply-title">"Reply"</h2>
                                <FormAlert error=reply_error fields=&["message"] />
                                <ActionForm action=reply>
                                    <input type="hidden" name="token" value=token() />
                                    <div class="field" class:field--invalid=move || message_error().is_some()>
                                        <label for="field-reply">"Your reply"</label>
                                        <textarea id="field-reply" name="message" rows="4" required=true
                                            prop:value=move || draft.get() on:input=move |ev| draft.set(event_target_value(&ev))></textarea>
                                        {move || message_error().map(|m| view! { <p class="field__error">{m}</p> })}
                                    </div>
                                    <button type="submit" class="button button--primary" disabled=move || reply.pending().get()>"Send reply"</button>
                                </ActionForm>
                            </section>
                        })}
                    }.into_any()
                }
            })}
        </Transition>
    }
}
