//! Who may create a customer account from the portal.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RegistrationPolicy {
    /// Anyone may sign up.
    Open,
    /// Only staff create customer accounts.
    Closed,
    /// No accounts: customers follow tickets through guest links only.
    GuestOnly,
}

impl RegistrationPolicy {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "open" => Some(Self::Open),
            "closed" => Some(Self::Closed),
            "guest-only" => Some(Self::GuestOnly),
            _ => None,
        }
    }

    pub fn allows_sign_up(self) -> bool {
        self == Self::Open
    }
}
