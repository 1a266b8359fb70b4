//! The browser side of a large streamed download (the audit export): read the response as it
//! arrives, report progress in lines against the server's `X-Total-Count`, and save the file.
//! Chunks are gathered into blobs as they come, so the page's own memory stays small.

use leptos::wasm_bindgen::{JsCast, JsValue};
use leptos::web_sys::js_sys::{Array, Reflect, Uint8Array};
use leptos::web_sys::{
    Blob, BlobPropertyBag, HtmlAnchorElement, ReadableStreamDefaultReader, Response, Url,
};
use wasm_bindgen_futures::JsFuture;

use crate::error::AppError;

/// How far a download is: lines received, and how many the server announced.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    pub lines: u64,
    pub total: Option<u64>,
}

/// Bytes gathered before they are folded into one blob.
const FOLD_BYTES: u32 = 8 * 1024 * 1024;

/// Fetches `url` (with the session cookie), calling `on_progress` as lines arrive, then saves the
/// body as `file_name`. Browser only.
pub async fn save_with_progress(
    url: &str,
    file_name: &str,
    on_progress: impl Fn(Progress),
) -> Result<(), AppError> {
    let failed = |what: &str| AppError::Transport {
        message: what.to_string(),
    };
    let window = leptos::web_sys::window().ok_or_else(|| failed("no window"))?;
    let response: Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|_| failed("the export could not be fetched"))?
        .unchecked_into();
    if !response.ok() {
        let text = match response.text() {
            Ok(promise) => JsFuture::from(promise)
                .await
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default(),
            Err(_) => String::new(),
        };
        return Err(serde_json::from_str::<AppError>(&text)
            .unwrap_or_else(|_| failed(&format!("the server answered {}", response.status()))));
    }
    let total = response
        .headers()
        .get("x-total-count")
        .ok()
        .flatten()
        .and_then(|t| t.parse().ok());
    let content_type = response
        .headers()
        .get("content-type")
        .ok()
        .flatten()
        .unwrap_or_default();
    let body = response
        .body()
        .ok_or_else(|| failed("the export was empty"))?;
    let reader: ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let mut progress = Progress { lines: 0, total };
    on_progress(progress);
    let blobs = Array::new();
    let pending = Array::new();
    let mut pending_bytes = 0u32;
    loop {
        let chunk = JsFuture::from(reader.read())
            .await
            .map_err(|_| failed("the export was cut short"))?;
        let done = Reflect::get(&chunk, &JsValue::from_str("done"))
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true);
        if done {
            break;
        }
        let Ok(value) = Reflect::get(&chunk, &JsValue::from_str("value")) else {
            break;
        };
        let bytes: Uint8Array = value.unchecked_into();
        progress.lines += bytes.to_vec().iter().filter(|b| **b == b'\n').count() as u64;
        on_progress(progress);
        pending_bytes += bytes.length();
        pending.push(&bytes);
        if pending_bytes >= FOLD_BYTES {
            blobs.push(blob(&pending, &content_type)?.as_ref());
            pending.set_length(0);
            pending_bytes = 0;
        }
    }
    blobs.push(blob(&pending, &content_type)?.as_ref());
    let file = blob(&blobs, &content_type)?;
    let href = Url::create_object_url_with_blob(&file).map_err(|_| failed("cannot save"))?;
    let anchor: HtmlAnchorElement = window
        .document()
        .and_then(|d| d.create_element("a").ok())
        .ok_or_else(|| failed("cannot save"))?
        .unchecked_into();
    anchor.set_href(&href);
    anchor.set_download(file_name);
    anchor.click();
    // Revoked later: the browser reads the blob after the click returns.
    gloo_timers::callback::Timeout::new(60_000, move || {
        let _ = Url::revoke_object_url(&href);
    })
    .forget();
    Ok(())
}

fn blob(parts: &Array, content_type: &str) -> Result<Blob, AppError> {
    let options = BlobPropertyBag::new();
    options.set_type(content_type);
    Blob::new_with_u8_array_sequence_and_options(parts, &options).map_err(|_: JsValue| {
        AppError::Transport {
            message: "the browser could not hold the export".into(),
        }
    })
}
