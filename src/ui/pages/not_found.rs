//! The page for addresses that lead nowhere (served with status 404 by the server's fallback).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <Title text="Page not found" />
        <main id="main" class="notice">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address."</p>
            <A href="/" attr:class="button">"Go to the portal"</A>
        </main>
    }
}
