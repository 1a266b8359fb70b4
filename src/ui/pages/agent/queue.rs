//! The agent's queue. Tickets arrive with the ticket model (issue #3) and the live queue (#4).

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
            <p class="empty">"No tickets yet. New tickets will appear here as they arrive."</p>
        </section>
    }
}
