//! RFC 9457 problem details: how the JSON APIs (REST, alerts) answer with an error.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::error::AppError;

/// A problem as the APIs send it (`application/problem+json`).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// Always `about:blank`: the status and title say what happened.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: String,
    pub status: u16,
    /// What went wrong and what to do about it, in a sentence.
    pub detail: String,
    /// For invalid input: each field with its problem.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

/// A problem response.
pub fn problem(status: StatusCode, title: &str, detail: impl Into<String>) -> Response {
    respond(Problem {
        kind: "about:blank",
        title: title.to_string(),
        status: status.as_u16(),
        detail: detail.into(),
        errors: Vec::new(),
    })
}

fn respond(problem: Problem) -> Response {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_string(&problem).unwrap_or_default();
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response
}

/// The problem a use case's error becomes, with the status `AppError::status` gives it.
pub fn from_error(error: AppError) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let title = match &error {
        AppError::Unauthenticated | AppError::BadCredentials => "Unauthorized",
        AppError::Forbidden | AppError::NotPermitted { .. } => "Forbidden",
        AppError::NotFound => "Not found",
        AppError::Invalid { .. } => "Invalid request",
        AppError::Conflict { .. } => "Conflict",
        AppError::Rejected { .. } => "Rejected by a ticket filter",
        AppError::Throttled { .. } => "Too many requests",
        AppError::TooLarge { .. } => "Payload too large",
        AppError::Internal { .. } => "Internal error",
        AppError::Transport { .. } => "Bad request",
    };
    let errors = match &error {
        AppError::Invalid { fields } => fields
            .iter()
            .map(|f| FieldProblem {
                field: f.field.clone(),
                message: f.message.clone(),
            })
            .collect(),
        _ => Vec::new(),
    };
    let retry_after = match &error {
        AppError::Throttled { retry_after_secs } => Some(*retry_after_secs),
        _ => None,
    };
    let mut response = respond(Problem {
        kind: "about:blank",
        title: title.to_string(),
        status: status.as_u16(),
        detail: error.to_string(),
        errors,
    });
    if let Some(secs) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    response
}

/// A use case's error as an axum rejection, so handlers can use `?`.
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        ApiError(error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        from_error(self.0)
    }
}
