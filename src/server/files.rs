//! `POST /files` (multipart uploads), `GET /files/{id}` and `GET /guest/{token}/files/{id}`
//! (downloads): plain HTTP because files
//! are streams of bytes, not arguments; the session cookie identifies the caller.

use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, Multipart, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::error::AppError;
use crate::server::request::Caller;
use crate::server::state::AppState;
use crate::server::use_cases::attachments::{self, Download, Upload};

/// `e` as its status and JSON body, for the plain-HTTP routes beside the server functions.
pub(super) fn error(e: AppError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, Json(e)).into_response()
}

/// A generated export (`body`) as a download named `name`, never cached.
pub(super) fn export_response(
    body: axum::body::Body,
    content_type: &'static str,
    name: &str,
) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

pub async fn upload(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    let caller = match Caller::from_request(&state, Some(peer.ip()), &headers).await {
        Ok(caller) => caller,
        Err(e) => return error(e),
    };
    let mut files = Vec::new();
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                let name = field.file_name().unwrap_or("attachment").to_string();
                match field.bytes().await {
                    Ok(data) => files.push(Upload {
                        name,
                        data: data.to_vec(),
                    }),
                    Err(_) => {
                        return error(AppError::invalid(
                            "files",
                            "The upload was cut short or too large.",
                        ));
                    }
                }
            }
            Ok(None) => break,
            Err(_) => {
                return error(AppError::invalid(
                    "files",
                    "The upload was cut short or too large.",
                ));
            }
        }
    }
    match attachments::upload(&state, &caller, files).await {
        Ok(refs) => Json(refs).into_response(),
        Err(e) => error(e),
    }
}

pub async fn download(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    match Caller::from_request(&state, Some(peer.ip()), &headers).await {
        Ok(caller) => file_response(attachments::download(&state, &caller, &id).await),
        Err(e) => error(e),
    }
}

/// `GET /guest/{token}/files/{id}`: a file of the ticket a guest link opens.
pub async fn guest_download(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path((token, id)): Path<(String, String)>,
) -> Response {
    match Caller::from_request(&state, Some(peer.ip()), &headers).await {
        Ok(caller) => {
            file_response(attachments::guest_download(&state, &caller, &token, &id).await)
        }
        Err(e) => error(e),
    }
}

fn file_response(result: Result<Download, AppError>) -> Response {
    let file = match result {
        Ok(file) => file,
        Err(e) => return error(e),
    };
    // RFC 6266: an ASCII fallback plus the exact name, percent-encoded.
    let ascii: String = file
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = file
        .name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    let mut response = file.data.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&file.content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment")),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}
