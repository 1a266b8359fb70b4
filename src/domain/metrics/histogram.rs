//! Durations counted into fixed buckets, so that a median or a 90th percentile over any range of
//! days is a sum of small per-day counts instead of a sort of every ticket.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Bucket upper bounds in seconds (a duration `d` falls in the first bucket with `d < bound`);
/// durations of 90 days or more fall in one last, open-ended bucket.
pub const BOUNDS: [i64; 40] = [
    60,
    2 * 60,
    3 * 60,
    5 * 60,
    7 * 60,
    10 * 60,
    15 * 60,
    20 * 60,
    30 * 60,
    45 * 60,
    3600,
    90 * 60,
    2 * 3600,
    3 * 3600,
    4 * 3600,
    6 * 3600,
    8 * 3600,
    12 * 3600,
    18 * 3600,
    DAY,
    DAY * 3 / 2,
    2 * DAY,
    3 * DAY,
    4 * DAY,
    5 * DAY,
    7 * DAY,
    10 * DAY,
    14 * DAY,
    21 * DAY,
    30 * DAY,
    45 * DAY,
    60 * DAY,
    75 * DAY,
    90 * DAY,
    120 * DAY,
    180 * DAY,
    270 * DAY,
    365 * DAY,
    2 * 365 * DAY,
    5 * 365 * DAY,
];

const DAY: i64 = 86_400;

/// How many durations fell in each bucket (by index into [`BOUNDS`], the last index being the
/// open-ended bucket). Counts may be negative in a delta.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Histogram(BTreeMap<u8, i64>);

/// The bucket of a duration of `seconds` (negative durations count as zero).
pub fn bucket(seconds: i64) -> u8 {
    let i = BOUNDS.partition_point(|&bound| bound <= seconds.max(0));
    i as u8
}

/// The seconds a bucket spans: `[lower, upper)`; the last bucket's upper bound is its lower one.
fn span(index: u8) -> (i64, i64) {
    let i = usize::from(index);
    let lower = if i == 0 { 0 } else { BOUNDS[i - 1] };
    let upper = BOUNDS.get(i).copied().unwrap_or(lower);
    (lower, upper)
}

impl Histogram {
    pub fn of(seconds: &[i64]) -> Histogram {
        let mut h = Histogram::default();
        for &s in seconds {
            h.add(s);
        }
        h
    }

    pub fn add(&mut self, seconds: i64) {
        self.shift(bucket(seconds), 1);
    }

    fn shift(&mut self, index: u8, by: i64) {
        let count = self.0.entry(index).or_insert(0);
        *count += by;
        if *count == 0 {
            self.0.remove(&index);
        }
    }

    /// `self + sign * other`, bucket by bucket.
    pub fn merge(&mut self, other: &Histogram, sign: i64) {
        for (&index, &n) in &other.0 {
            self.shift(index, sign * n);
        }
    }

    pub fn count(&self) -> i64 {
        self.0.values().sum()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The `p`-th percentile (0 < p <= 100) in seconds: the nearest-rank duration, that is the
    /// `ceil(p/100 * n)`-th smallest. Its bucket's `count` values are taken as spread evenly, the
    /// k-th at the middle of the k-th `count`-th of the bucket. None when empty. In the
    /// open-ended last bucket the answer is that bucket's lower bound.
    pub fn percentile(&self, p: u8) -> Option<i64> {
        let n = self.count();
        if n <= 0 {
            return None;
        }
        let rank = ((i64::from(p) * n + 99) / 100).max(1);
        let mut below = 0;
        for (&index, &count) in &self.0 {
            if below + count >= rank {
                let (lower, upper) = span(index);
                let k = rank - below;
                return Some(lower + (upper - lower) * (2 * k - 1) / (2 * count));
            }
            below += count;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_fall_in_the_first_bucket_whose_bound_exceeds_them() {
        assert_eq!(bucket(0), 0);
        assert_eq!(bucket(59), 0);
        assert_eq!(bucket(60), 1);
        assert_eq!(bucket(-5), 0);
        assert_eq!(bucket(10 * 365 * DAY), BOUNDS.len() as u8);
    }

    #[test]
    fn a_median_is_the_middle_value_placed_inside_its_bucket() {
        // 3, 8 and 40 minutes: the median is the 2nd value, alone in the [7, 10) minute bucket,
        // so it is reported at that bucket's middle, 8.5 minutes.
        let h = Histogram::of(&[3 * 60, 8 * 60, 40 * 60]);
        assert_eq!(h.percentile(50), Some(510));
        // The 90th percentile is the 3rd value, alone in [30, 45) minutes: 37.5 minutes.
        assert_eq!(h.percentile(90), Some(2250));
    }

    #[test]
    fn values_sharing_a_bucket_are_spread_evenly_across_it() {
        // Four values in [1 h, 1.5 h): ranks 1..4 sit at 1/8, 3/8, 5/8, 7/8 of the bucket.
        let h = Histogram::of(&[3600, 3700, 4000, 5000]);
        assert_eq!(h.percentile(25), Some(3825));
        assert_eq!(h.percentile(50), Some(4275));
        assert_eq!(h.percentile(100), Some(5175));
    }

    #[test]
    fn merging_a_negative_delta_removes_what_was_added() {
        let mut h = Histogram::of(&[60, 600, 6000]);
        h.merge(&Histogram::of(&[600]), -1);
        assert_eq!(h, Histogram::of(&[60, 6000]));
        h.merge(&Histogram::of(&[60, 6000]), -1);
        assert!(h.is_empty());
        assert_eq!(h.percentile(50), None);
    }

    #[test]
    fn the_open_ended_bucket_reports_its_lower_bound() {
        let h = Histogram::of(&[20 * 365 * DAY]);
        assert_eq!(h.percentile(50), Some(5 * 365 * DAY));
    }
}
