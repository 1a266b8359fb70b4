//! Guest access links: one ticket, for whoever holds the link, until it expires or is revoked.

use chrono::{DateTime, Utc};

use super::{Binds, Store, StoreError};
use crate::domain::audit::AuditRecord;

impl Store {
    /// Stores a link keyed by the SHA-256 of its token.
    #[allow(clippy::too_many_arguments)]
    pub async fn issue_guest_link(
        &self,
        key: &str,
        number: &str,
        email: &str,
        at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        mail: &[crate::domain::mail::outgoing::OutgoingMail],
        record: &AuditRecord,
    ) -> Result<(), StoreError> {
        let sql = "CREATE type::record('guest_link', $key) CONTENT {
                ticket: (SELECT VALUE id FROM ONLY ticket WHERE number = $number LIMIT 1),
                email: $email, created_at: $at, expires_at: $expires, revoked_at: NONE } RETURN NONE;";
        let binds = Binds::default()
            .with("key", key.to_string())
            .with("number", number.to_string())
            .with("email", email.to_string())
            .with("at", at)
            .with("expires", expires_at)
            .with_mail(mail, at);
        self.audited_write(sql, binds, record).await
    }

    /// The ticket number a live link (not expired, not revoked) opens.
    pub async fn guest_link_ticket(
        &self,
        key: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, StoreError> {
        let number: Option<String> = self
            .db
            .query(
                "SELECT VALUE ticket.number FROM ONLY type::record('guest_link', $key)
                 WHERE revoked_at = NONE AND expires_at > $now",
            )
            .bind(("key", key.to_string()))
            .bind(("now", now))
            .await?
            .take(0)?;
        Ok(number)
    }

    pub async fn revoke_guest_link(
        &self,
        key: &str,
        at: DateTime<Utc>,
        record: &AuditRecord,
    ) -> Result<(), StoreError> {
        let binds = Binds::default().with("key", key.to_string()).with("at", at);
        self.audited_write(
            "UPDATE type::record('guest_link', $key) SET revoked_at = $at RETURN NONE;",
            binds,
            record,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use chrono::{Duration, Utc};

    use crate::domain::audit::{AuditActor, AuditRecord, Origin};
    use crate::domain::ticket::Source;
    use crate::domain::user::{Email, Role};
    use crate::server::store::{NewTicket, NewUser, test_store};

    fn record() -> AuditRecord {
        AuditRecord::new(Utc::now(), AuditActor::system(), "test", Origin::default())
    }

    #[tokio::test]
    async fn a_guest_link_works_until_it_expires_or_is_revoked() {
        let store = test_store().await;
        let now = Utc::now();
        let user = NewUser {
            email: Email::parse("cee@example.com").unwrap(),
            name: "Cee".into(),
            role: Role::Customer,
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$aGFzaA".into(),
            at: now,
        };
        let user = store.create_user(&user, &record()).await.unwrap();
        let fields = BTreeMap::new();
        let ticket = NewTicket {
            attachments: &[],
            collaborators: &[],
            number: "482913",
            subject: "Printer",
            requester_id: &user.id,
            department: "support",
            help_topic: Some("general"),
            priority: "normal",
            status: "open",
            assignee: None,
            team: None,
            tags: &[],
            sla_plan: None,
            routing_note: None,
            source: Source::Web,
            fields: &fields,
            message: "Jammed",
            author_name: "Cee",
            search_text: "Printer Cee",
            email: None,
            mail: &[],
            alert: None,
            at: now,
        };
        store.create_ticket(&ticket, &record()).await.unwrap();
        store
            .issue_guest_link(
                "k1",
                "482913",
                "cee@example.com",
                now,
                now + Duration::hours(1),
                &[],
                &record(),
            )
            .await
            .unwrap();

        assert_eq!(
            store
                .guest_link_ticket("k1", now + Duration::minutes(59))
                .await
                .unwrap()
                .as_deref(),
            Some("482913")
        );
        assert_eq!(
            store
                .guest_link_ticket("k1", now + Duration::hours(1))
                .await
                .unwrap(),
            None,
            "expired"
        );
        assert_eq!(store.guest_link_ticket("other", now).await.unwrap(), None);

        store.revoke_guest_link("k1", now, &record()).await.unwrap();
        assert_eq!(
            store.guest_link_ticket("k1", now).await.unwrap(),
            None,
            "revoked"
        );
    }
}
