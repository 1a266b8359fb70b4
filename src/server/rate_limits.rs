//! The rate limits of this process: each client's next allowed instant, in memory. Behind a load
//! balancer each replica counts its own requests, so a client may get up to a limit per replica.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};

use crate::domain::rate_limit::{RateLimit, RateVerdict};
use crate::error::AppError;

/// What is limited; each kind counts its clients apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Limited {
    /// Guest access links requested, by address and by email.
    GuestLink,
    /// Password resets requested, by address.
    PasswordReset,
    /// Requests with an API key, by key.
    ApiKey,
    /// Alerts ingested, by key and kind of source.
    AlertSource,
}

/// Clients kept before the forgotten ones (back to a full bucket) are dropped.
const PRUNE_AT: usize = 10_000;

#[derive(Debug, Default)]
pub struct RateLimiter {
    next: Mutex<HashMap<(Limited, String), DateTime<Utc>>>,
}

impl RateLimiter {
    /// Counts a request of `client` against `limit`; refused requests are not counted.
    pub fn take(
        &self,
        limited: Limited,
        client: &str,
        limit: RateLimit,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
        if next.len() >= PRUNE_AT {
            next.retain(|_, kept| !RateLimit::forgotten(*kept, now));
        }
        let key = (limited, client.to_string());
        match limit.check(next.get(&key).copied(), now) {
            RateVerdict::Allowed { next: at } => {
                next.insert(key, at);
                Ok(())
            }
            RateVerdict::Refused { retry_after } => Err(AppError::Throttled {
                retry_after_secs: u64::try_from(retry_after.num_seconds()).unwrap_or(1),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clients_and_kinds_are_counted_apart() {
        let limiter = RateLimiter::default();
        let limit = RateLimit::per_hour(1, 1);
        let now = Utc::now();
        assert!(limiter.take(Limited::ApiKey, "a", limit, now).is_ok());
        assert!(matches!(
            limiter.take(Limited::ApiKey, "a", limit, now),
            Err(AppError::Throttled {
                retry_after_secs: 3600
            })
        ));
        assert!(limiter.take(Limited::ApiKey, "b", limit, now).is_ok());
        assert!(limiter.take(Limited::AlertSource, "a", limit, now).is_ok());
    }
}
