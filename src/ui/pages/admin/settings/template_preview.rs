//! An email template filled with a sample ticket, as the recipient would read it: subject, plain
//! text, and the HTML in a sandboxed frame (no scripts, no navigation).

use leptos::prelude::*;
use serde_json::Value;

use crate::domain::mail::template::{MailTemplate, Vars, render};

fn sample() -> Vars {
    let mut vars = Vars::default();
    for (name, value) in [
        ("ticket.number", "482913"),
        ("ticket.subject", "VPN drops every hour"),
        ("ticket.status", "Open"),
        ("ticket.priority", "High"),
        ("ticket.department", "Support"),
        ("ticket.url", "https://help.example.com/tickets/482913"),
        (
            "ticket.agent_url",
            "https://help.example.com/agent/tickets/482913",
        ),
        ("requester.name", "Alice Liddell"),
        ("requester.first_name", "Alice"),
        ("requester.email", "alice@example.com"),
        ("agent.name", "Priya Shah"),
        (
            "message",
            "The tunnel drops at 10:00, 11:00 and 12:00.\nLogs attached.",
        ),
        ("link", "https://help.example.com/guest/sample-link"),
        ("link.expires", "2026-03-09 09:00 UTC"),
        (
            "sla.event",
            "First response SLA breached (due 2026-03-02 13:00 UTC).",
        ),
        ("helpdesk.name", "Example Help Desk"),
        ("recipient.name", "Alice Liddell"),
    ] {
        vars.set(name, value);
    }
    vars
}

#[component]
pub fn TemplatePreview(item: RwSignal<Value>) -> impl IntoView {
    let rendered = Memo::new(move |_| {
        item.with(|v| serde_json::from_value::<MailTemplate>(v.clone()).ok())
            .map(|t| (t.kind.variables().join(" "), render(&t, &sample())))
    });
    view! {
        <section class="template-preview" aria-labelledby="template-preview-title">
            <h3 id="template-preview-title">"Preview with a sample ticket"</h3>
            {move || match rendered.get() {
                Some((variables, mail)) => view! {
                    <p class="muted">"Filled for this kind: " <code>{variables}</code></p>
                    <p><b>"Subject: "</b><span data-testid="preview-subject">{mail.subject}</span></p>
                    <pre class="template-preview__text" data-testid="preview-text">{mail.text}</pre>
                    <iframe class="template-preview__html" title="HTML version" sandbox="" srcdoc=mail.html></iframe>
                }.into_any(),
                None => view! { <p class="muted">"Fill in the template to see it."</p> }.into_any(),
            }}
        </section>
    }
}
