//! Email's I/O: MIME parsing (mail-parser), SMTP delivery (lettre), IMAP fetching (async-imap)
//! and the server's secret key. The rules are in `domain::mail`.

pub mod imap;
pub mod parse;
pub mod secret;
pub mod smtp;
