//! Which audit chain shard each of this process's writes appends to.
//!
//! Every audited write reads and replaces its shard's chain head, and a new ticket adds to its
//! queue count shard's row: two transactions on one shard at once conflict at commit, and the
//! loser runs again. Drawing shards at random, 32 concurrent API clients on 8 shards conflicted
//! almost always and some creations failed after every retry (BENCHMARKS.md). So a write takes a
//! shard no other write of this process holds, and waits for one when all are taken: within a
//! process, writes never collide on a shard; across replicas they still can, and retry.

use std::sync::Mutex;

use tokio::sync::{Semaphore, SemaphorePermit};

use crate::domain::audit::SHARDS;

/// The shards not held by a write in flight.
#[derive(Debug)]
pub(super) struct ShardPool {
    free: Mutex<Vec<u8>>,
    permits: Semaphore,
}

/// A shard held until dropped.
pub(super) struct ShardLease<'a> {
    pool: &'a ShardPool,
    pub(super) shard: u8,
    _permit: SemaphorePermit<'a>,
}

impl ShardPool {
    pub(super) fn new() -> ShardPool {
        ShardPool {
            free: Mutex::new((0..SHARDS).collect()),
            permits: Semaphore::new(usize::from(SHARDS)),
        }
    }

    /// A shard no other write holds, waiting while all are held; a random one of the free
    /// shards, so chains grow evenly.
    pub(super) async fn take(&self) -> ShardLease<'_> {
        let permit = self
            .permits
            .acquire()
            .await
            .expect("the shard semaphore is never closed");
        let mut free = self.free.lock().expect("the shard pool lock");
        let at = rand::random_range(0..free.len());
        let shard = free.swap_remove(at);
        ShardLease {
            pool: self,
            shard,
            _permit: permit,
        }
    }
}

impl Drop for ShardLease<'_> {
    fn drop(&mut self) {
        self.pool
            .free
            .lock()
            .expect("the shard pool lock")
            .push(self.shard);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn writes_in_flight_never_share_a_shard_and_a_released_one_is_taken_again() {
        let pool = ShardPool::new();
        let mut held = Vec::new();
        for _ in 0..SHARDS {
            held.push(pool.take().await);
        }
        let mut shards: Vec<u8> = held.iter().map(|l| l.shard).collect();
        shards.sort();
        assert_eq!(shards, (0..SHARDS).collect::<Vec<_>>());

        // All held: the next write waits until one is released, then gets exactly that one.
        let waiting = tokio::time::timeout(std::time::Duration::from_millis(50), pool.take()).await;
        assert!(
            waiting.is_err(),
            "a ninth write got a shard while all 8 were held"
        );
        let released = held.swap_remove(3);
        let shard = released.shard;
        drop(released);
        assert_eq!(pool.take().await.shard, shard);
    }
}
