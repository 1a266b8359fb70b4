//! "Verify chain": checks every hash chain (and the checkpoint log) and says what it found.

use leptos::prelude::*;

use crate::server_fns::audit::VerifyAudit;

#[component]
pub fn VerifyButton() -> impl IntoView {
    let verify = ServerAction::<VerifyAudit>::new();
    view! {
        <div class="verify">
        <button type="button" class="button" on:click=move |_| { verify.dispatch(VerifyAudit {}); }
            disabled=move || verify.pending().get()>
            "Verify chain"
        </button>
        {move || verify.value().get().map(|result| match result {
            Ok(v) if v.breaks.is_empty() => view! {
                <p class="alert alert--success" role="status">{format!(
                    "The audit chain is intact: {} events verified, {} checkpoints matched{}.",
                    v.events,
                    v.checkpoints,
                    if v.pruned == 0 { String::new() } else { format!(", {} pruned events covered by signed tombstones", v.pruned) },
                )}</p>
            }.into_any(),
            Ok(v) => view! {
                <div class="alert alert--error" role="alert">
                    <p>{format!("The audit chain is broken ({} events verified):", v.events)}</p>
                    <ul>{v.breaks.iter().map(|b| view! { <li>{b.to_string()}</li> }).collect_view()}</ul>
                </div>
            }.into_any(),
            Err(e) => view! { <p class="alert alert--error" role="alert">{e.to_string()}</p> }.into_any(),
        })}
        </div>
    }
}
