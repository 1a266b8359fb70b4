//! Message-IDs that carry a signed ticket token: `<docket.{number}.{nonce}.{signature}@{host}>`.
//! A reply names our Message-ID in In-Reply-To or References, and the signature proves the number
//! in it came from us, so nobody can thread mail into a ticket by guessing its number.

use hmac::{Hmac, Mac};
use sha2::Sha256;

const PREFIX: &str = "docket.";
/// Hex digits of the HMAC kept: 80 bits, ample against forgery by guessing.
const SIGNATURE_HEX: usize = 20;

fn signature(secret: &[u8], number: &str, nonce: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(b"message-id|");
    mac.update(number.as_bytes());
    mac.update(b"|");
    mac.update(nonce.as_bytes());
    let digest = mac.finalize().into_bytes();
    hex::encode(digest)[..SIGNATURE_HEX].to_string()
}

/// A new Message-ID (without angle brackets) for mail about ticket `number`; `nonce` makes it
/// unique (random hex).
pub fn ticket_message_id(secret: &[u8], number: &str, nonce: &str, host: &str) -> String {
    format!(
        "{PREFIX}{number}.{nonce}.{}@{host}",
        signature(secret, number, nonce)
    )
}

/// A Message-ID for mail that belongs to no ticket.
pub fn plain_message_id(nonce: &str, host: &str) -> String {
    format!("docket-mail.{nonce}@{host}")
}

/// The ticket number in one of our Message-IDs, when its signature is right.
pub fn ticket_of(secret: &[u8], message_id: &str) -> Option<String> {
    let id = message_id
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>');
    let (local, _host) = id.rsplit_once('@')?;
    let rest = local.strip_prefix(PREFIX)?;
    let (rest, sig) = rest.rsplit_once('.')?;
    let (number, nonce) = rest.rsplit_once('.')?;
    if number.is_empty() || nonce.is_empty() {
        return None;
    }
    let expected = signature(secret, number, nonce);
    // Constant-time enough for a comparison of two hex strings of fixed length.
    let same = expected.len() == sig.len()
        && expected
            .bytes()
            .zip(sig.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    same.then(|| number.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"a secret of the help desk";

    #[test]
    fn a_signed_id_gives_back_its_ticket() {
        let id = ticket_message_id(SECRET, "SOC-0042", "9f2c", "help.example.com");
        assert!(id.starts_with("docket.SOC-0042.9f2c."));
        assert_eq!(ticket_of(SECRET, &id).as_deref(), Some("SOC-0042"));
        assert_eq!(
            ticket_of(SECRET, &format!("<{id}>")).as_deref(),
            Some("SOC-0042")
        );
    }

    #[test]
    fn a_forged_or_foreign_id_gives_nothing() {
        let id = ticket_message_id(SECRET, "482913", "ab", "h");
        let forged = id.replace("482913", "482914");
        assert_eq!(ticket_of(SECRET, &forged), None);
        assert_eq!(ticket_of(b"another secret", &id), None);
        assert_eq!(ticket_of(SECRET, "CAF=abc@mail.gmail.com"), None);
        assert_eq!(ticket_of(SECRET, "docket..x.y@h"), None);
        assert_eq!(ticket_of(SECRET, ""), None);
    }
}
