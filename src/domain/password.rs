//! The password policy: what a new password must satisfy before it is hashed.

pub const MIN_LENGTH: usize = 10;
pub const MAX_LENGTH: usize = 128;

/// A password that satisfies the policy. It is never serialised back to a client.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("Use at least {MIN_LENGTH} characters.")]
    TooShort,
    #[error("Use at most {MAX_LENGTH} characters.")]
    TooLong,
    #[error("Do not use your email address as your password.")]
    SameAsEmail,
    #[error("Use more than one distinct character.")]
    TooRepetitive,
    #[error("That password is too common; choose another.")]
    TooCommon,
}

const COMMON: &[&str] = &[
    "password",
    "password1",
    "password123",
    "passw0rd",
    "qwertyuiop",
    "1234567890",
    "0123456789",
    "12345678910",
    "iloveyou12",
    "administrator",
    "letmein123",
    "welcome123",
    "changeme123",
    "qwerty1234",
    "abcdefghij",
    "trustno1234",
];

impl NewPassword {
    /// Checks the policy; `email` is the account's address, which the password may not equal.
    pub fn parse(raw: &str, email: &str) -> Result<NewPassword, PasswordError> {
        let length = raw.chars().count();
        if length < MIN_LENGTH {
            return Err(PasswordError::TooShort);
        }
        if length > MAX_LENGTH {
            return Err(PasswordError::TooLong);
        }
        let lower = raw.to_lowercase();
        if !email.is_empty() && (lower == email.to_lowercase() || lower == local_part(email)) {
            return Err(PasswordError::SameAsEmail);
        }
        let mut distinct: Vec<char> = raw.chars().collect();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() < 4 {
            return Err(PasswordError::TooRepetitive);
        }
        if COMMON.contains(&lower.as_str()) {
            return Err(PasswordError::TooCommon);
        }
        Ok(NewPassword(raw.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

fn local_part(email: &str) -> String {
    email.split('@').next().unwrap_or_default().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_varied_password_is_accepted() {
        assert!(NewPassword::parse("correct horse battery", "a@example.com").is_ok());
    }

    #[test]
    fn short_passwords_are_refused() {
        assert_eq!(
            NewPassword::parse("abc123", "").unwrap_err(),
            PasswordError::TooShort
        );
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        assert_eq!(
            NewPassword::parse("ééééé", "").unwrap_err(),
            PasswordError::TooShort
        );
    }

    #[test]
    fn overly_long_passwords_are_refused() {
        let long = "ab1!".repeat(40);
        assert_eq!(
            NewPassword::parse(&long, "").unwrap_err(),
            PasswordError::TooLong
        );
    }

    #[test]
    fn the_email_address_is_not_a_password() {
        let err = NewPassword::parse("Priya.Shah@example.com", "priya.shah@example.com");
        assert_eq!(err.unwrap_err(), PasswordError::SameAsEmail);
        let err = NewPassword::parse("priyashah99", "priyashah99@example.com");
        assert_eq!(err.unwrap_err(), PasswordError::SameAsEmail);
    }

    #[test]
    fn repetitive_and_common_passwords_are_refused() {
        assert_eq!(
            NewPassword::parse("aaaaaaaaaaaa", "").unwrap_err(),
            PasswordError::TooRepetitive
        );
        assert_eq!(
            NewPassword::parse("Password123", "").unwrap_err(),
            PasswordError::TooCommon
        );
    }

    #[test]
    fn debug_output_hides_the_password() {
        let p = NewPassword::parse("correct horse battery", "").unwrap();
        assert!(!format!("{p:?}").contains("horse"));
    }
}
