//! The browser side of `POST /files`: pick or drop files, watch each upload's progress, and hand
//! the finished ones to the surrounding form as `attachments[i]` inputs.

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::wasm_bindgen::closure::Closure;
use leptos::web_sys::{
    DragEvent, File, FileList, FormData, HtmlInputElement, ProgressEvent, XmlHttpRequest,
};

use crate::domain::attachment::AttachmentRef;
use crate::error::AppError;

#[derive(Clone)]
struct Item {
    key: usize,
    name: String,
    percent: RwSignal<u32>,
    outcome: RwSignal<Option<Result<AttachmentRef, String>>>,
}

/// `name`: the form inputs it fills, `NAME[0]`, `NAME[1]`, ... (`attachments` for a message's
/// files, `fields[FIELD]` for a file field); `label` and `id` name the control.
#[component]
pub fn AttachmentPicker(
    #[prop(into, default = "attachments".to_string())] name: String,
    #[prop(into, default = "Attachments".to_string())] label: String,
    #[prop(into, default = "attachments-input".to_string())] id: String,
    #[prop(default = true)] optional: bool,
    #[prop(into, optional)] hint: Option<String>,
) -> impl IntoView {
    let items = RwSignal::new(Vec::<Item>::new());
    let next_key = StoredValue::new(0usize);
    let start = move |files: FileList| {
        for i in 0..files.length() {
            if let Some(file) = files.get(i) {
                let key = next_key.get_value();
                next_key.set_value(key + 1);
                let item = Item {
                    key,
                    name: file.name(),
                    percent: RwSignal::new(0),
                    outcome: RwSignal::new(None),
                };
                items.update(|list| list.push(item.clone()));
                send(file, item);
            }
        }
    };
    let done = move || {
        items
            .get()
            .into_iter()
            .filter_map(|item| item.outcome.get().and_then(Result::ok))
            .collect::<Vec<_>>()
    };
    view! {
        <div class="field">
            <label for=id.clone()>{label} {optional.then(|| view! { <span class="muted">" (optional)"</span> })}</label>
            {hint.filter(|h| !h.is_empty()).map(|h| view! { <p class="field__hint">{h}</p> })}
            <div
                class="dropzone"
                on:dragover=|ev: DragEvent| ev.prevent_default()
                on:drop=move |ev: DragEvent| {
                    ev.prevent_default();
                    if let Some(files) = ev.data_transfer().and_then(|dt| dt.files()) {
                        start(files);
                    }
                }
            >
                <input
                    id=id
                    type="file"
                    multiple=true
                    on:change=move |ev| {
                        let input: HtmlInputElement = event_target(&ev);
                        if let Some(files) = input.files() {
                            start(files);
                        }
                        input.set_value("");
                    }
                />
                <p class="muted">"Choose files or drop them here."</p>
            </div>
            <ul class="uploads" aria-live="polite">
                <For each=move || items.get() key=|item| item.key let:item>
                    <li class="uploads__item">
                        <span class="uploads__name">{item.name.clone()}</span>
                        {
                            let (name, outcome, percent) = (item.name.clone(), item.outcome, item.percent);
                            move || match outcome.get() {
                            None => view! {
                                <progress max="100" value=move || percent.get() aria-label=format!("Uploading {name}")></progress>
                            }.into_any(),
                            Some(Ok(file)) => view! { <span class="badge">{format!("Attached ({} KB)", file.size.div_ceil(1024))}</span> }.into_any(),
                            Some(Err(message)) => view! { <span class="field__error" role="alert">{message}</span> }.into_any(),
                            }
                        }
                        <button type="button" class="button button--small button--quiet"
                            aria-label=format!("Remove {}", item.name)
                            on:click=move |_| items.update(|list| list.retain(|i| i.key != item.key))>
                            "Remove"
                        </button>
                    </li>
                </For>
            </ul>
            {move || done().into_iter().enumerate().map(|(i, file)| view! {
                <input type="hidden" name=format!("{name}[{i}]") value=file.id />
            }).collect_view()}
        </div>
    }
}

/// Uploads one file, reporting progress and the outcome into `item`.
fn send(file: File, item: Item) {
    let fail = move |message: String| item.outcome.set(Some(Err(message)));
    let Ok(xhr) = XmlHttpRequest::new() else {
        return fail("This browser cannot upload files.".into());
    };
    let Ok(form) = FormData::new() else {
        return fail("This browser cannot upload files.".into());
    };
    if form
        .append_with_blob_and_filename("file", &file, &file.name())
        .is_err()
        || xhr.open("POST", "/files").is_err()
    {
        return fail("The file could not be read.".into());
    }
    let progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |ev: ProgressEvent| {
        if ev.length_computable() && ev.total() > 0.0 {
            item.percent
                .set(((ev.loaded() / ev.total()) * 100.0) as u32);
        }
    });
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(Some(progress.as_ref().unchecked_ref()));
    }
    progress.forget();
    let request = xhr.clone();
    let finished = Closure::<dyn FnMut()>::new(move || {
        let text = request.response_text().ok().flatten().unwrap_or_default();
        let outcome = match request.status() {
            Ok(200) => serde_json::from_str::<Vec<AttachmentRef>>(&text)
                .ok()
                .and_then(|files| files.into_iter().next())
                .ok_or_else(|| "The server's answer was not understood.".to_string()),
            _ => Err(serde_json::from_str::<AppError>(&text)
                .map(|e| e.to_string())
                .unwrap_or_else(|_| "The upload failed; try again.".to_string())),
        };
        item.outcome.set(Some(outcome));
    });
    xhr.set_onloadend(Some(finished.as_ref().unchecked_ref()));
    finished.forget();
    if xhr.send_with_opt_form_data(Some(&form)).is_err() {
        fail("The upload could not start.".into());
    }
}
