//! Delivering the outbox: due messages go to the SMTP server; a failure waits twice as long each
//! time; after the configured number of attempts a message is a dead letter that an admin can
//! send again from the Email page.

use chrono::Duration;
use serde_json::json;

use crate::domain::audit::{AuditActor, AuditRecord, Origin};
use crate::domain::permission::{Action, Resource, authorize};
use crate::error::AppError;
use crate::server::mail::smtp::{self, Transport};
use crate::server::request::{Caller, internal};
use crate::server::state::AppState;
use crate::server::store::{Refusal, StoreError, template_label};
use crate::server_fns::email::{EmailStatus, MailboxStatus, OutboxMessage, Sender};

/// Messages one look delivers at most; the next look takes the rest.
const BATCH: usize = 20;
/// How long a claimed message is left to its claimant before another process may try it.
const LEASE_SECONDS: i64 = 120;

/// The delay before attempt `attempts + 1` after `attempts` failures: `first`, doubling, at
/// most a day.
pub fn backoff(first: Duration, attempts: u32) -> Duration {
    let factor = 2_i32.saturating_pow(attempts.saturating_sub(1).min(20));
    (first * factor).min(Duration::days(1))
}

/// Delivers what is due; returns how many messages were sent.
pub async fn deliver_due(state: &AppState, transport: &Transport) -> Result<usize, AppError> {
    let now = state.clock.now();
    let claimed = state
        .store
        .claim_mail(now, now + Duration::seconds(LEASE_SECONDS), BATCH)
        .await
        .map_err(internal)?;
    let mut sent = 0;
    for message in claimed {
        match smtp::send(transport, &message.mail).await {
            Ok(()) => {
                let now = state.clock.now();
                let record =
                    AuditRecord::new(now, AuditActor::system(), "email.sent", Origin::default())
                        .object("outbox", &message.id)
                        .after(
                            json!({ "to": message.mail.to, "subject": message.mail.subject,
                        "ticket": message.mail.ticket, "attempt": message.attempts + 1 }),
                        );
                state
                    .store
                    .mail_sent(&message.id, now, &record)
                    .await
                    .map_err(internal)?;
                sent += 1;
            }
            Err(error) => {
                let attempts = message.attempts + 1;
                let retry_at = (attempts < state.settings.mail.max_attempts).then(|| {
                    state.clock.now() + backoff(state.settings.mail.retry_after, attempts)
                });
                if retry_at.is_none() {
                    tracing::warn!(id = %message.id, %error, "mail is a dead letter after {attempts} attempts");
                    let record = AuditRecord::new(
                        state.clock.now(),
                        AuditActor::system(),
                        "email.dead_letter",
                        Origin::default(),
                    )
                    .object("outbox", &message.id)
                    .after(
                        json!({ "to": message.mail.to, "subject": message.mail.subject,
                        "ticket": message.mail.ticket, "error": error }),
                    );
                    state.store.append_audit(&record).await.map_err(internal)?;
                } else {
                    tracing::info!(id = %message.id, %error, attempts, "mail delivery failed; will retry");
                }
                state
                    .store
                    .mail_failed(&message.id, retry_at, &error)
                    .await
                    .map_err(internal)?;
            }
        }
    }
    Ok(sent)
}

fn admin(caller: &Caller) -> Result<(), AppError> {
    authorize(&caller.actor, Action::Administer, &Resource::System)?;
    Ok(())
}

/// The outbox and mailboxes for the admin Email page: counts and the newest messages of a status.
pub async fn overview(
    state: &AppState,
    caller: &Caller,
    status: Option<&str>,
) -> Result<EmailStatus, AppError> {
    admin(caller)?;
    let status = match status.filter(|s| !s.is_empty()) {
        Some(s @ ("queued" | "sent" | "dead")) => Some(s),
        Some(_) => return Err(AppError::invalid("status", "Choose queued, sent or dead.")),
        None => None,
    };
    let store = &state.store;
    let counts = store.outbox_counts().await.map_err(internal)?;
    let messages = store.outbox(status, 100).await.map_err(internal)?;
    let mailboxes = store.mailboxes().await.map_err(internal)?;
    let senders = store.department_senders().await.map_err(internal)?;
    let mail = &state.settings.mail;
    Ok(EmailStatus {
        // Only scheme, host and port: credentials never leave the server.
        smtp: mail.smtp_url.as_deref().map(|url| {
            let without_query = url.split('?').next().unwrap_or(url);
            match without_query.split_once("://") {
                Some((scheme, rest)) => format!(
                    "{scheme}://{}",
                    rest.rsplit_once('@').map_or(rest, |(_, host)| host)
                ),
                None => without_query.to_string(),
            }
        }),
        from: mail.from.clone(),
        max_attempts: mail.max_attempts,
        queued: counts.queued,
        sent: counts.sent,
        dead: counts.dead,
        messages: messages
            .into_iter()
            .map(|m| OutboxMessage {
                template: template_label(&m.template),
                recipients: m.recipients.join(", "),
                id: m.id,
                status: m.status,
                subject: m.subject,
                ticket: m.ticket,
                attempts: m.attempts,
                created_at: m.created_at,
                next_at: m.next_at,
                sent_at: m.sent_at,
                last_error: m.last_error,
            })
            .collect(),
        mailboxes: mailboxes
            .into_iter()
            .map(|m| MailboxStatus {
                key: m.key,
                name: m.def.name,
                address: m.def.address,
                active: m.def.active,
                last_fetch_at: m.last_fetch_at,
                last_error: m.last_error,
                fetched: m.fetched,
            })
            .collect(),
        senders: senders
            .into_iter()
            .map(|(department, name, address)| Sender {
                department,
                name,
                address,
            })
            .collect(),
    })
}

/// Makes a mailbox due now; the fetcher takes it within a second.
pub async fn fetch_now(state: &AppState, caller: &Caller, key: &str) -> Result<(), AppError> {
    admin(caller)?;
    let known = state
        .store
        .mailboxes()
        .await
        .map_err(internal)?
        .into_iter()
        .any(|m| m.key == key);
    if !known {
        return Err(AppError::NotFound);
    }
    state.store.fetch_mailbox_now(key).await.map_err(internal)
}

/// Puts a dead letter back in the queue.
pub async fn resend(state: &AppState, caller: &Caller, id: &str) -> Result<(), AppError> {
    admin(caller)?;
    let now = state.clock.now();
    let record = AuditRecord::new(
        now,
        caller.audit_actor(),
        "email.resent",
        caller.origin.clone(),
    )
    .object("outbox", id);
    state
        .store
        .resend_mail(id, now, &record)
        .await
        .map_err(|e| match e {
            StoreError::Refused(Refusal::UnknownRecord) => AppError::conflict(
                "Only a dead letter can be sent again; this message is queued or sent already.",
            ),
            other => internal(other),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_twice_as_long_each_time_up_to_a_day() {
        let first = Duration::minutes(1);
        assert_eq!(backoff(first, 1), Duration::minutes(1));
        assert_eq!(backoff(first, 2), Duration::minutes(2));
        assert_eq!(backoff(first, 5), Duration::minutes(16));
        assert_eq!(backoff(first, 40), Duration::days(1));
    }
}
