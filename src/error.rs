//! `AppError`: the one error type that crosses from the server to the browser, with its HTTP status.

use serde::{Deserialize, Serialize};

use crate::domain::permission::Denied;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// A problem with one input field, shown next to that field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AppError {
    #[error("Please sign in to continue.")]
    Unauthenticated,
    #[error("The email or password is incorrect.")]
    BadCredentials,
    #[error("You are not allowed to do that.")]
    Forbidden,
    #[error("Not found.")]
    NotFound,
    /// Signed in and allowed to see the thing, but the role does not permit this action on it.
    #[error("{message}")]
    NotPermitted { message: String },
    #[error("{}", summary(.fields))]
    Invalid { fields: Vec<FieldError> },
    #[error("{message}")]
    Conflict { message: String },
    /// A ticket filter refuses the request (osTicket's "Ticket denied").
    #[error("{message}")]
    Rejected { message: String },
    #[error("Too many attempts. Try again in {retry_after_secs} seconds.")]
    Throttled { retry_after_secs: u64 },
    /// The request body is over a limit (413).
    #[error("The request is too large: {limit}.")]
    TooLarge { limit: String },
    #[error("Something went wrong on our side (reference {reference}).")]
    Internal { reference: String },
    /// The request never reached the use case (network, encoding); the text comes from the transport.
    #[error("Could not reach the server: {message}")]
    Transport { message: String },
}

fn summary(fields: &[FieldError]) -> String {
    match fields {
        [one] => one.message.clone(),
        _ => "Please correct the highlighted fields.".to_string(),
    }
}

impl AppError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            fields: vec![FieldError::new(field, message)],
        }
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::Conflict {
            message: message.into(),
        }
    }

    /// The HTTP status a response carrying this error gets.
    pub fn status(&self) -> u16 {
        match self {
            Self::Unauthenticated | Self::BadCredentials => 401,
            Self::Forbidden | Self::NotPermitted { .. } => 403,
            Self::NotFound => 404,
            Self::Invalid { .. } => 422,
            Self::Conflict { .. } | Self::Rejected { .. } => 409,
            Self::Throttled { .. } => 429,
            Self::TooLarge { .. } => 413,
            Self::Internal { .. } => 500,
            Self::Transport { .. } => 400,
        }
    }

    /// The message for one field, when this error names it.
    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            Self::Invalid { fields } => fields
                .iter()
                .find(|f| f.field == field)
                .map(|f| f.message.clone()),
            _ => None,
        }
    }
}

impl From<Denied> for AppError {
    fn from(denied: Denied) -> Self {
        match denied {
            Denied::Unauthenticated => Self::Unauthenticated,
            Denied::Forbidden => Self::Forbidden,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(message) | ServerFnErrorErr::MissingArg(message) => {
                Self::invalid("request", format!("The request was malformed: {message}"))
            }
            other => Self::Transport {
                message: other.to_string(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_maps_to_a_client_or_server_status() {
        assert_eq!(AppError::Unauthenticated.status(), 401);
        assert_eq!(AppError::Forbidden.status(), 403);
        assert_eq!(AppError::invalid("email", "bad").status(), 422);
        assert_eq!(
            AppError::Throttled {
                retry_after_secs: 1
            }
            .status(),
            429
        );
    }

    #[test]
    fn a_single_field_error_reads_as_its_own_message() {
        let e = AppError::invalid("email", "Enter a valid email address.");
        assert_eq!(e.to_string(), "Enter a valid email address.");
        assert_eq!(
            e.field_message("email").as_deref(),
            Some("Enter a valid email address.")
        );
    }

    #[test]
    fn errors_round_trip_as_tagged_json() {
        let e = AppError::Throttled {
            retry_after_secs: 120,
        };
        let json = serde_json::to_string(&e).unwrap();
        assert!(json.contains("\"kind\":\"throttled\""));
        assert_eq!(serde_json::from_str::<AppError>(&json).unwrap(), e);
    }
}
