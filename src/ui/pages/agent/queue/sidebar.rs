//! The queues an agent works, with live counts, and their saved queues.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::domain::queue::Queue;
use crate::error::AppError;
use crate::server_fns::agent_queue::{DeleteQueue, QueueNav};

#[component]
pub fn QueueSidebar(
    nav: Resource<Result<QueueNav, AppError>>,
    current: Memo<Queue>,
) -> impl IntoView {
    let delete = ServerAction::<DeleteQueue>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            nav.refetch();
        }
    });
    view! {
        <nav class="queue-nav" aria-label="Queues">
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || nav.get().map(|result| match result {
                    Ok(nav) => view! {
                        <ul>
                            {nav.queues.into_iter().map(|entry| {
                                let param = entry.queue.as_param();
                                let queue = entry.queue.clone();
                                let saved = match &entry.queue { Queue::Saved(id) => Some(id.clone()), _ => None };
                                let label = entry.label.clone();
                                let is_saved = saved.is_some();
                                view! {
                                    <li class:queue-nav__saved=is_saved>
                                        <A href=format!("/agent?queue={param}")
                                            attr:aria-current=move || (current.get() == queue).then_some("page")>
                                            <span>{entry.label}</span>
                                            {entry.count.map(|n| view! { <span class="count" aria-label=format!("{n} tickets")>{n}</span> })}
                                            {entry.breaching_soon.filter(|n| *n > 0).map(|n| view! {
                                                <span class="count count--soon" title="Due within the next hour" aria-label=format!("{n} due within the hour")>{format!("⏱ {n}")}</span>
                                            })}
                                        </A>
                                        {saved.map(|id| view! {
                                            <button type="button" class="button button--quiet button--small"
                                                aria-label=format!("Delete saved queue {label}")
                                                on:click=move |_| { delete.dispatch(DeleteQueue { id: id.clone() }); }>"×"</button>
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <div class="alert alert--error" role="alert">{e.to_string()}</div> }.into_any(),
                })}
            </Transition>
        </nav>
    }
    .into_any()
}
