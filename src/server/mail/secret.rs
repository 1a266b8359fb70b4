//! The server's secret key: it signs the ticket tokens in our Message-IDs and the audit trail's
//! tombstones, and encrypts mailbox passwords typed on the admin page. From `security.secret_key`
//! (`DOCKET_SECURITY_SECRET_KEY`) when set (then a copy of the database alone cannot decrypt or
//! re-sign them), else a random key kept in the database.

use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use sha2::{Digest, Sha256};

use crate::server::store::{Store, StoreError};

#[derive(Clone)]
pub struct SecretKey([u8; 32]);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(..)")
    }
}

impl SecretKey {
    /// The configured key (any text, hashed to 32 bytes), else the database's.
    pub async fn load(configured: Option<&str>, store: &Store) -> Result<SecretKey, StoreError> {
        match configured {
            Some(text) => Ok(SecretKey(Sha256::digest(text.as_bytes()).into())),
            None => {
                let candidate: [u8; 32] = rand::random();
                let stored = store.secret_key(&hex::encode(candidate)).await?;
                let bytes = hex::decode(stored)
                    .ok()
                    .and_then(|b| <[u8; 32]>::try_from(b).ok())
                    .ok_or_else(|| StoreError::Corrupt("secret key".into()))?;
                Ok(SecretKey(bytes))
            }
        }
    }

    /// The key for signing (a sub-key, so signatures never reveal the encryption key).
    pub fn signing(&self) -> Vec<u8> {
        self.derive(b"signing").to_vec()
    }

    /// The key that signs audit tombstones: a sub-key of its own, so no other signature made with
    /// this key can pass for a tombstone's.
    pub fn tombstone_signing(&self) -> Vec<u8> {
        self.derive(b"audit-tombstone").to_vec()
    }

    fn derive(&self, purpose: &[u8]) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(self.0);
        hasher.update(purpose);
        hasher.finalize().into()
    }

    fn cipher(&self) -> ChaCha20Poly1305 {
        ChaCha20Poly1305::new(Key::from_slice(&self.derive(b"sealing")))
    }

    /// `plain` encrypted and authenticated, as base64 of nonce and ciphertext.
    pub fn seal(&self, plain: &str) -> String {
        let nonce: [u8; 12] = rand::random();
        let sealed = self
            .cipher()
            .encrypt(Nonce::from_slice(&nonce), plain.as_bytes())
            .expect("ChaCha20-Poly1305 encrypts any input");
        let mut out = nonce.to_vec();
        out.extend(sealed);
        base64::engine::general_purpose::STANDARD.encode(out)
    }

    /// What [`SecretKey::seal`] sealed; none when it was sealed with another key or altered.
    pub fn open(&self, sealed: &str) -> Option<String> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(sealed)
            .ok()?;
        if bytes.len() < 12 {
            return None;
        }
        let (nonce, body) = bytes.split_at(12);
        let plain = self.cipher().decrypt(Nonce::from_slice(nonce), body).ok()?;
        String::from_utf8(plain).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_text_opens_only_with_its_key() {
        let key = SecretKey([7; 32]);
        let sealed = key.seal("imap password");
        assert_ne!(sealed, "imap password");
        assert_eq!(key.open(&sealed).as_deref(), Some("imap password"));
        assert_eq!(SecretKey([8; 32]).open(&sealed), None);
        assert_eq!(key.open("not base64!"), None);
        assert_ne!(key.signing(), key.derive(b"sealing").to_vec());
        assert_ne!(key.tombstone_signing(), key.signing());
    }
}
