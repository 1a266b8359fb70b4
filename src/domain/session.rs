//! A sign-in session's life: it ends at its absolute expiry (checked by the store) or after
//! going unused for the idle timeout; its last use is written down at most once a minute.

use chrono::{DateTime, Duration, Utc};

/// How stale the written-down last use may get before a request writes it again.
pub const TOUCH_EVERY: Duration = Duration::minutes(1);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionUse {
    pub created_at: DateTime<Utc>,
    /// The last use written down; none until the first one after sign-in.
    pub last_seen_at: Option<DateTime<Utc>>,
}

impl SessionUse {
    pub fn last_used(&self) -> DateTime<Utc> {
        self.last_seen_at.unwrap_or(self.created_at)
    }

    /// Whether a request at `now` should write its use down (and check the idle timeout, which
    /// is at least five minutes, so a fresher session cannot have run out).
    pub fn stale(&self, now: DateTime<Utc>) -> bool {
        now - self.last_used() >= TOUCH_EVERY
    }

    /// Whether the session went unused longer than `idle` (none: no idle timeout).
    pub fn idle_expired(&self, now: DateTime<Utc>, idle: Option<Duration>) -> bool {
        idle.is_some_and(|idle| now - self.last_used() > idle)
    }
}

/// The idle timeout of a setting in minutes (0: none).
pub fn idle_timeout(minutes: i64) -> Option<Duration> {
    (minutes > 0).then(|| Duration::minutes(minutes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000, 0).unwrap() + Duration::minutes(minutes)
    }

    #[test]
    fn use_is_written_down_at_most_once_a_minute() {
        let fresh = SessionUse {
            created_at: at(0),
            last_seen_at: None,
        };
        assert!(!fresh.stale(at(0)));
        assert!(fresh.stale(at(1)));
        let seen = SessionUse {
            last_seen_at: Some(at(10)),
            ..fresh
        };
        assert!(!seen.stale(at(10)));
        assert!(seen.stale(at(11)));
    }

    #[test]
    fn a_session_unused_past_the_idle_timeout_ends() {
        let session = SessionUse {
            created_at: at(0),
            last_seen_at: Some(at(30)),
        };
        let idle = idle_timeout(60);
        assert!(!session.idle_expired(at(90), idle));
        assert!(session.idle_expired(at(91), idle));
        assert!(
            !session.idle_expired(at(100_000), idle_timeout(0)),
            "0: no idle timeout"
        );
    }
}
