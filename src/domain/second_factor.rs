//! Two-factor sign-in: time-based one-time codes (TOTP, RFC 6238: HMAC-SHA1, 6 digits, 30 s
//! steps, as every authenticator app reads them from an `otpauth://` QR code), single-use
//! recovery codes, and which roles must use it. Randomness and the clock come from the caller.

use chrono::{DateTime, Utc};
use data_encoding::BASE32_NOPAD;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha1::Sha1;
use sha2::{Digest, Sha256};

use crate::domain::user::Role;

/// Seconds per code.
pub const STEP_SECONDS: i64 = 30;
/// Digits per code.
pub const DIGITS: u32 = 6;
/// Bytes of a secret: 160 bits, as RFC 4226 recommends.
pub const SECRET_BYTES: usize = 20;
/// Recovery codes issued at once.
pub const RECOVERY_CODES: usize = 10;
/// Random bytes behind one recovery code (80 bits: 16 base32 characters).
pub const RECOVERY_CODE_BYTES: usize = 10;
/// Wrong codes one sign-in may try before the password has to be entered again.
pub const MAX_ATTEMPTS: i64 = 5;

/// A shared TOTP secret.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Vec<u8>);

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret(..)")
    }
}

impl TotpSecret {
    pub fn from_bytes(bytes: [u8; SECRET_BYTES]) -> Self {
        Self(bytes.to_vec())
    }

    /// A secret as authenticator apps show and accept it (base32; spaces and case ignored).
    pub fn parse(text: &str) -> Option<Self> {
        let cleaned: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '=')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        BASE32_NOPAD
            .decode(cleaned.as_bytes())
            .ok()
            .filter(|b| b.len() >= 10)
            .map(Self)
    }

    /// Base32, no padding: what the user types when they cannot scan the QR code.
    pub fn base32(&self) -> String {
        BASE32_NOPAD.encode(&self.0)
    }

    /// The code for one time step.
    pub fn code_at_step(&self, step: i64) -> String {
        let mut mac = Hmac::<Sha1>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(&step.to_be_bytes());
        let digest = mac.finalize().into_bytes();
        let offset = usize::from(digest[19] & 0x0f);
        let binary = u32::from_be_bytes([
            digest[offset] & 0x7f,
            digest[offset + 1],
            digest[offset + 2],
            digest[offset + 3],
        ]);
        format!(
            "{:0width$}",
            binary % 10u32.pow(DIGITS),
            width = DIGITS as usize
        )
    }

    /// The code shown at `at`.
    pub fn code_at(&self, at: DateTime<Utc>) -> String {
        self.code_at_step(step_of(at))
    }

    /// The `otpauth://` URI of the QR code: "Issuer: account" in the app's list.
    pub fn uri(&self, issuer: &str, account: &str) -> String {
        let label = format!("{issuer}:{account}");
        format!(
            "otpauth://totp/{}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
            percent_encode(&label),
            self.base32(),
            percent_encode(issuer)
        )
    }

    /// The step a typed code was shown in, when it matches the step of `now` or one either side
    /// (clocks drift, people type slowly) and comes after `last_used`: a code works once.
    pub fn verify(&self, code: &str, now: DateTime<Utc>, last_used: i64) -> Option<i64> {
        let now = step_of(now);
        [now - 1, now, now + 1]
            .into_iter()
            .filter(|step| *step > last_used)
            .find(|step| constant_time_eq(self.code_at_step(*step).as_bytes(), code.as_bytes()))
    }
}

/// The time step of an instant.
pub fn step_of(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(STEP_SECONDS)
}

/// What someone typed as their second factor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypedCode {
    /// Six digits from the authenticator app.
    Totp(String),
    /// One of the recovery codes, normalised (lower case, no separators).
    Recovery(String),
}

impl TypedCode {
    /// Reads a code, ignoring spaces and dashes.
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let cleaned: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if cleaned.is_empty() {
            return Err("Enter the code from your authenticator app.");
        }
        if cleaned.len() == DIGITS as usize && cleaned.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(Self::Totp(cleaned));
        }
        if cleaned.len() == recovery_code_len()
            && BASE32_NOPAD
                .decode(cleaned.to_ascii_uppercase().as_bytes())
                .is_ok()
        {
            return Ok(Self::Recovery(cleaned));
        }
        Err("Enter the 6-digit code from your authenticator app, or one of your recovery codes.")
    }
}

fn recovery_code_len() -> usize {
    BASE32_NOPAD.encode_len(RECOVERY_CODE_BYTES)
}

/// A recovery code as shown once to its owner: four groups of four, e.g. `k3vq-8m2a-…`.
pub fn recovery_code(bytes: [u8; RECOVERY_CODE_BYTES]) -> String {
    let plain = BASE32_NOPAD.encode(&bytes).to_ascii_lowercase();
    plain
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// What is stored of a recovery code: the SHA-256 of its normalised form (80 random bits make a
/// slow hash unnecessary).
pub fn recovery_code_key(normalised: &str) -> String {
    hex::encode(Sha256::digest(normalised.as_bytes()))
}

/// Which accounts must sign in with a second factor (everyone may choose to).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TwoFactorPolicy {
    #[default]
    Optional,
    Admins,
    Staff,
}

impl TwoFactorPolicy {
    pub fn requires(self, role: Role) -> bool {
        match self {
            Self::Optional => false,
            Self::Admins => role == Role::Admin,
            Self::Staff => role.is_staff(),
        }
    }

    /// Whether an account of `role` that has (or has not) set a second factor up must set one up
    /// before it may have a session.
    pub fn must_enrol(self, role: Role, enrolled: bool) -> bool {
        self.requires(role) && !enrolled
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(seconds, 0).unwrap()
    }

    /// RFC 6238 appendix B, SHA-1 rows (the last 6 of their 8 digits).
    #[test]
    fn codes_match_the_rfc_6238_test_vectors() {
        let secret = TotpSecret(b"12345678901234567890".to_vec());
        for (time, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
            (20_000_000_000, "353130"),
        ] {
            assert_eq!(secret.code_at(at(time)), code, "at {time}");
        }
    }

    #[test]
    fn a_code_works_in_its_step_and_one_either_side_and_only_once() {
        let secret = TotpSecret::from_bytes([7; SECRET_BYTES]);
        let now = at(1_700_000_015);
        let step = step_of(now);
        let code = secret.code_at_step(step);
        assert_eq!(secret.verify(&code, now, 0), Some(step));
        assert_eq!(
            secret.verify(&code, at(1_700_000_045), 0),
            Some(step),
            "a step late"
        );
        assert_eq!(
            secret.verify(&code, at(1_699_999_985), 0),
            Some(step),
            "a step early"
        );
        assert_eq!(
            secret.verify(&code, at(1_700_000_075), 0),
            None,
            "two steps late"
        );
        assert_eq!(secret.verify(&code, now, step), None, "already used");
        let earlier = secret.code_at_step(step - 1);
        assert_eq!(
            secret.verify(&earlier, now, step - 1),
            None,
            "an older step after a newer one"
        );
        let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
        assert_eq!(secret.verify(&wrong, now, 0), None);
        assert_eq!(secret.verify("12345", now, 0), None);
    }

    #[test]
    fn secrets_read_back_as_apps_show_them() {
        let secret = TotpSecret::from_bytes(*b"abcdefghijklmnopqrst");
        let shown = secret.base32();
        assert_eq!(shown.len(), 32);
        let typed = shown
            .to_lowercase()
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(TotpSecret::parse(&typed), Some(secret.clone()));
        assert_eq!(TotpSecret::parse("not base32!"), None);
        let uri = secret.uri("Acme Help", "ana@example.com");
        assert!(
            uri.starts_with("otpauth://totp/Acme%20Help%3Aana%40example.com?secret="),
            "{uri}"
        );
        assert!(uri.contains(&format!(
            "secret={shown}&issuer=Acme%20Help&algorithm=SHA1&digits=6&period=30"
        )));
    }

    #[test]
    fn typed_codes_are_told_apart() {
        assert_eq!(
            TypedCode::parse(" 123 456 "),
            Ok(TypedCode::Totp("123456".into()))
        );
        let code = recovery_code([0xAB; RECOVERY_CODE_BYTES]);
        assert_eq!(code.len(), 19, "{code}");
        assert_eq!(code.matches('-').count(), 3);
        let normalised = code.replace('-', "");
        assert_eq!(
            TypedCode::parse(&code.to_uppercase()),
            Ok(TypedCode::Recovery(normalised.clone()))
        );
        assert_eq!(recovery_code_key(&normalised).len(), 64);
        assert!(TypedCode::parse("").is_err());
        assert!(TypedCode::parse("12345").is_err());
        assert!(TypedCode::parse("1234567").is_err());
        assert!(TypedCode::parse("!!!!-!!!!-!!!!-!!!!").is_err());
    }

    #[test]
    fn the_policy_names_the_roles_that_must_use_a_second_factor() {
        use TwoFactorPolicy::*;
        assert!(!Optional.requires(Role::Admin));
        assert!(Admins.requires(Role::Admin) && !Admins.requires(Role::Agent));
        assert!(Staff.requires(Role::Agent) && Staff.requires(Role::Admin));
        assert!(!Staff.requires(Role::Customer));
        assert!(Admins.must_enrol(Role::Admin, false) && !Admins.must_enrol(Role::Admin, true));
        assert!(!Admins.must_enrol(Role::Agent, false));
    }
}
