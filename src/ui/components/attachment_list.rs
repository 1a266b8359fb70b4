//! The files sent with a thread entry, as download links with their sizes.

use leptos::prelude::*;

use crate::domain::attachment::AttachmentRef;

/// `files_at`: where the files are fetched from (`/files`, or a guest link's own
/// `/guest/TOKEN/files`).
#[component]
pub fn AttachmentList(
    attachments: Vec<AttachmentRef>,
    #[prop(into)] files_at: String,
) -> impl IntoView {
    (!attachments.is_empty()).then(|| {
        view! {
            <ul class="attachments" aria-label="Attachments">
                {attachments.into_iter().map(|a| {
                    let label = format!("{} ({} KB)", a.name, a.size.div_ceil(1024));
                    view! { <li><a href=format!("{files_at}/{}", a.id) download=a.name.clone()>{label}</a></li> }
                }).collect_view()}
            </ul>
        }
    })
}
