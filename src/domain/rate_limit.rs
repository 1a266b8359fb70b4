//! Request rates: a limit of so many requests per period with a burst allowance, decided by the
//! generic cell rate algorithm (one instant per client: when its bucket is empty again).

use chrono::{DateTime, Duration, Utc};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed per `period` on average.
    pub requests: u32,
    pub period: Duration,
    /// Requests allowed at once on top of the average (at least 1).
    pub burst: u32,
}

/// Guest access links one address may ask for: enough for a customer with several tickets,
/// too few to probe which ticket numbers belong to which email.
pub const GUEST_LINKS_PER_ADDRESS: RateLimit = RateLimit::per_hour(10, 10);
/// Guest access links asked for one email (each one mails its owner).
pub const GUEST_LINKS_PER_EMAIL: RateLimit = RateLimit::per_hour(5, 5);
/// Password resets one address may ask for (each account also gets at most a few an hour).
pub const RESETS_PER_ADDRESS: RateLimit = RateLimit::per_hour(10, 10);

/// What a client's request meets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RateVerdict {
    /// Allowed; the client's new theoretical arrival time, to keep.
    Allowed { next: DateTime<Utc> },
    /// Refused; try again after this long (at least a second).
    Refused { retry_after: Duration },
}

impl RateLimit {
    pub const fn per_minute(requests: u32, burst: u32) -> Self {
        Self {
            requests,
            period: Duration::minutes(1),
            burst,
        }
    }

    pub const fn per_hour(requests: u32, burst: u32) -> Self {
        Self {
            requests,
            period: Duration::hours(1),
            burst,
        }
    }

    /// The spacing of requests at the average rate.
    fn interval(&self) -> Duration {
        self.period / i32::try_from(self.requests.max(1)).unwrap_or(i32::MAX)
    }

    /// Decides a request at `now` of a client whose theoretical arrival time is `kept` (none
    /// for a client not seen, or seen long enough ago).
    pub fn check(&self, kept: Option<DateTime<Utc>>, now: DateTime<Utc>) -> RateVerdict {
        let interval = self.interval();
        let tat = kept.map_or(now, |t| t.max(now));
        let tolerance = interval * i32::try_from(self.burst.max(1) - 1).unwrap_or(i32::MAX);
        let earliest = tat - tolerance;
        if now < earliest {
            let wait = earliest - now;
            // Whole seconds, rounded up, as `Retry-After` carries them.
            let secs = (wait.num_milliseconds() + 999) / 1000;
            return RateVerdict::Refused {
                retry_after: Duration::seconds(secs.max(1)),
            };
        }
        RateVerdict::Allowed {
            next: tat + interval,
        }
    }

    /// Whether a kept instant no longer matters at `now` (the client is back to a full bucket).
    pub fn forgotten(kept: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        kept <= now
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000 + secs, 0).unwrap()
    }

    /// Runs requests at the given seconds; returns which were allowed.
    fn run(limit: RateLimit, times: &[i64]) -> Vec<bool> {
        let mut kept = None;
        times
            .iter()
            .map(|&t| match limit.check(kept, at(t)) {
                RateVerdict::Allowed { next } => {
                    kept = Some(next);
                    true
                }
                RateVerdict::Refused { .. } => false,
            })
            .collect()
    }

    #[test]
    fn a_burst_is_allowed_then_the_average_rate() {
        // 60 a minute (one a second), bursts of 3.
        let limit = RateLimit::per_minute(60, 3);
        assert_eq!(run(limit, &[0, 0, 0, 0]), [true, true, true, false]);
        assert_eq!(
            run(limit, &[0, 0, 0, 1, 1, 2]),
            [true, true, true, true, false, true]
        );
    }

    #[test]
    fn an_idle_client_gets_its_burst_back() {
        let limit = RateLimit::per_minute(60, 3);
        assert_eq!(
            run(limit, &[0, 0, 0, 10, 10, 10, 10]),
            [true, true, true, true, true, true, false]
        );
    }

    #[test]
    fn a_refusal_says_when_to_come_back() {
        let limit = RateLimit::per_hour(5, 5);
        let mut kept = None;
        for _ in 0..5 {
            let RateVerdict::Allowed { next } = limit.check(kept, at(0)) else {
                panic!("the burst is allowed");
            };
            kept = Some(next);
        }
        // Five in an hour used at once: the next one in 12 minutes.
        assert_eq!(
            limit.check(kept, at(0)),
            RateVerdict::Refused {
                retry_after: Duration::minutes(12)
            }
        );
        assert!(matches!(
            limit.check(kept, at(720)),
            RateVerdict::Allowed { .. }
        ));
    }

    #[test]
    fn the_wait_is_at_least_a_second_and_rounded_up() {
        let limit = RateLimit::per_minute(600, 1);
        let RateVerdict::Allowed { next } = limit.check(None, at(0)) else {
            panic!()
        };
        assert_eq!(
            limit.check(Some(next), at(0)),
            RateVerdict::Refused {
                retry_after: Duration::seconds(1)
            }
        );
    }

    #[test]
    fn a_kept_instant_in_the_past_is_forgotten() {
        assert!(RateLimit::forgotten(at(0), at(1)));
        assert!(!RateLimit::forgotten(at(2), at(1)));
    }
}
