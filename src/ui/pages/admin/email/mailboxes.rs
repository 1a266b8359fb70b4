//! The mailboxes Docket fetches: when each was last fetched, how it went, and "Fetch now".

use leptos::prelude::*;
use leptos_router::components::A;

use crate::server_fns::email::{FetchMailboxNow, MailboxStatus};

#[component]
pub fn MailboxTable(mailboxes: Vec<MailboxStatus>, on_change: Callback<()>) -> impl IntoView {
    let fetch = ServerAction::<FetchMailboxNow>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = fetch.value().get() {
            on_change.run(());
        }
    });
    if mailboxes.is_empty() {
        return view! {
            <p class="muted">"No mailboxes yet. " <A href="/admin/settings/mailboxes">"Add one"</A>
               " so that mail to your support address becomes tickets, or pipe mail in with docket mail-pipe."</p>
        }
        .into_any();
    }
    view! {
        {move || fetch.value().get().and_then(Result::err).map(|e| view! {
            <p class="alert alert--error" role="alert">{e.to_string()}</p>
        })}
        <div class="table-wrap">
            <table class="table table--dense">
                <thead>
                    <tr>
                        <th scope="col">"Mailbox"</th>
                        <th scope="col">"Address"</th>
                        <th scope="col">"Last fetch (UTC)"</th>
                        <th scope="col">"Messages taken"</th>
                        <th scope="col">"Problem"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {mailboxes.into_iter().map(|m| {
                        let key = m.key.clone();
                        view! {
                            <tr>
                                <td>{m.name}{(!m.active).then_some(" (inactive)")}</td>
                                <td>{m.address}</td>
                                <td class="nowrap">{m.last_fetch_at.map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string()).unwrap_or_else(|| "never".into())}</td>
                                <td>{m.fetched}</td>
                                <td class="wrap">{m.last_error.unwrap_or_default()}</td>
                                <td>
                                    {m.active.then(|| view! {
                                        <button type="button" class="button button--small"
                                            disabled=move || fetch.pending().get()
                                            on:click=move |_| { fetch.dispatch(FetchMailboxNow { key: key.clone() }); }>
                                            "Fetch now"
                                        </button>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
