//! Email as the help desk sees it, without any I/O: the templates and what they render, the
//! message ids that carry a signed ticket token, how an incoming message finds its ticket, quote
//! stripping and loop protection. Sending (SMTP), fetching (IMAP) and MIME parsing live in
//! `server::mail`.

pub mod incoming;
pub mod loops;
pub mod mailbox;
pub mod outgoing;
pub mod quote;
pub mod template;
pub mod threading;
pub mod token;
