//! The agent's queue. TODO(#4): the live queue of tickets; until then the page says so.

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AgentQueuePage() -> impl IntoView {
    view! {
        <Title text="Queue" />
        <header class="page-header">
            <h1>"Queue"</h1>
        </header>
        <section class="card empty-state" aria-label="Tickets">
            <p class="empty">"The live queue is not switched on in this build yet: tickets customers open are kept and will be listed here."</p>
        </section>
    }
}
