//! Which address each department's mail comes from (set per department under Departments).

use leptos::prelude::*;
use leptos_router::components::A;

use crate::server_fns::email::Sender;

#[component]
pub fn SenderTable(senders: Vec<Sender>, default_from: String) -> impl IntoView {
    view! {
        <section aria-labelledby="senders-title">
            <h2 id="senders-title">"Sending addresses"</h2>
            <p class="muted">"Each department's mail comes from its own address when it has one. "
                <A href="/admin/settings/departments">"Change them under Departments"</A>"."</p>
            <div class="table-wrap">
                <table class="table table--dense">
                    <thead><tr><th scope="col">"Department"</th><th scope="col">"Sends from"</th></tr></thead>
                    <tbody>
                        {senders.into_iter().map(|s| {
                            let from = s.address.unwrap_or_else(|| format!("{default_from} (the help desk's)"));
                            view! { <tr><td>{s.name}</td><td>{from}</td></tr> }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
