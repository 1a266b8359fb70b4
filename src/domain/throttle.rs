//! Sign-in throttling: after too many failures for one account or one address, refuse for a while.

use chrono::{DateTime, Duration, Utc};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThrottlePolicy {
    pub max_failures: usize,
    pub window: Duration,
    pub lockout: Duration,
}

impl Default for ThrottlePolicy {
    /// Five failures within fifteen minutes lock for two minutes.
    fn default() -> Self {
        Self {
            max_failures: 5,
            window: Duration::minutes(15),
            lockout: Duration::minutes(2),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThrottleVerdict {
    Allowed,
    /// Refused until the given instant.
    Locked {
        until: DateTime<Utc>,
    },
}

impl ThrottlePolicy {
    /// The earliest failure that still counts at `now`.
    pub fn window_start(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - self.window
    }

    /// `failures` are the times of recent failed sign-ins for one account or one address.
    pub fn check(&self, failures: &[DateTime<Utc>], now: DateTime<Utc>) -> ThrottleVerdict {
        let start = self.window_start(now);
        let recent = failures.iter().filter(|t| **t > start && **t <= now);
        let count = recent.clone().count();
        let latest = recent.max();
        match latest {
            Some(latest) if count >= self.max_failures && now < *latest + self.lockout => {
                ThrottleVerdict::Locked {
                    until: *latest + self.lockout,
                }
            }
            _ => ThrottleVerdict::Allowed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(minutes: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap() + Duration::minutes(minutes)
    }

    #[test]
    fn four_failures_do_not_lock() {
        let p = ThrottlePolicy::default();
        assert_eq!(
            p.check(&[t(0), t(1), t(2), t(3)], t(3)),
            ThrottleVerdict::Allowed
        );
    }

    #[test]
    fn the_fifth_failure_within_fifteen_minutes_locks_for_two_minutes() {
        let p = ThrottlePolicy::default();
        let failures = [t(0), t(1), t(2), t(3), t(4)];
        assert_eq!(
            p.check(&failures, t(4)),
            ThrottleVerdict::Locked { until: t(6) }
        );
        assert_eq!(
            p.check(&failures, t(5)),
            ThrottleVerdict::Locked { until: t(6) }
        );
    }

    #[test]
    fn the_lock_lifts_after_two_minutes() {
        let p = ThrottlePolicy::default();
        let failures = [t(0), t(1), t(2), t(3), t(4)];
        assert_eq!(p.check(&failures, t(6)), ThrottleVerdict::Allowed);
    }

    #[test]
    fn failures_older_than_the_window_do_not_count() {
        let p = ThrottlePolicy::default();
        let failures = [t(0), t(1), t(2), t(3), t(16)];
        assert_eq!(p.check(&failures, t(16)), ThrottleVerdict::Allowed);
    }
}
