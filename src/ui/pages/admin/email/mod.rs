//! The admin Email page: the SMTP server mail goes to, the outbox by status with dead letters to
//! send again, and the mailboxes Docket fetches.

mod mailboxes;
mod outbox;
mod senders;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::server_fns::email::email_overview;

use mailboxes::MailboxTable;
use outbox::OutboxTable;
use senders::SenderTable;

#[component]
pub fn AdminEmailPage() -> impl IntoView {
    let (status, set_status) = signal(None::<String>);
    let (refresh, set_refresh) = signal(0u32);
    let overview = Resource::new(
        move || (status.get(), refresh.get()),
        |(status, _)| email_overview(status),
    );
    let reload = Callback::new(move |_| set_refresh.update(|n| *n += 1));
    let tab = move |value: Option<&'static str>, label: &'static str| {
        let value = value.map(str::to_string);
        let current = value.clone();
        view! {
            <button type="button" class="tab" aria-pressed=move || (status.get() == current).to_string()
                on:click=move |_| set_status.set(value.clone())>{label}</button>
        }
    };
    view! {
        <Title text="Email" />
        <header class="page-header page-header--split">
            <h1>"Email"</h1>
            <nav class="page-header__links" aria-label="Email settings">
                <A href="/admin/settings/email-templates">"Templates"</A>
                <A href="/admin/settings/mailboxes">"Mailboxes"</A>
                <button type="button" class="button" on:click=move |_| reload.run(())>"Refresh"</button>
            </nav>
        </header>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || overview.get().map(|result| match result {
                Ok(o) => view! {
                    <section aria-labelledby="smtp-title" class="card">
                        <h2 id="smtp-title">"Sending"</h2>
                        {match o.smtp.clone() {
                            Some(smtp) => view! {
                                <p>"Mail goes to " <code>{smtp}</code> " from " <code>{o.from.clone()}</code>
                                   {format!(", up to {} attempts per message, each retry waiting twice as long.", o.max_attempts)}</p>
                            }.into_any(),
                            None => view! {
                                <p class="alert alert--warning" role="status">
                                    "No SMTP server is configured (mail.smtp_url in Leptos.toml or DOCKET_MAIL_SMTP_URL): mail waits in the outbox and goes out once one is set."
                                </p>
                            }.into_any(),
                        }}
                        <p class="stat-row">
                            <span class="stat"><b>{o.queued}</b>" queued"</span>
                            <span class="stat"><b>{o.sent}</b>" sent"</span>
                            <span class={if o.dead > 0 { "stat stat--bad" } else { "stat" }}><b>{o.dead}</b>" dead letters"</span>
                        </p>
                    </section>
                    <SenderTable senders=o.senders.clone() default_from=o.from.clone() />
                    <section aria-labelledby="outbox-title">
                        <h2 id="outbox-title">"Outbox"</h2>
                        <div class="tabs" role="group" aria-label="Show messages">
                            {tab(None, "All")}
                            {tab(Some("queued"), "Queued")}
                            {tab(Some("sent"), "Sent")}
                            {tab(Some("dead"), "Dead letters")}
                        </div>
                        <OutboxTable messages=o.messages.clone() on_change=reload />
                    </section>
                    <section aria-labelledby="mailboxes-title">
                        <h2 id="mailboxes-title">"Mailboxes"</h2>
                        <MailboxTable mailboxes=o.mailboxes.clone() on_change=reload />
                    </section>
                }.into_any(),
                Err(e) => view! { <div class="alert alert--error" role="alert">{e.to_string()}</div> }.into_any(),
            })}
        </Transition>
    }
}
