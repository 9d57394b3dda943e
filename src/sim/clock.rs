//! The virtual clock: simulated time that can run faster than real time.

use std::time::Instant;

use crate::model::TimestampMs;

/// Maps real elapsed time to simulated time: `origin + elapsed × speed`.
#[derive(Clone, Debug)]
pub struct SimClock {
    origin_ms: TimestampMs,
    started: Instant,
    speed: f64,
}

impl SimClock {
    /// A clock that reads `origin_ms` now and advances `speed` times faster than real time.
    pub fn new(origin_ms: TimestampMs, speed: f64) -> SimClock {
        SimClock {
            origin_ms,
            started: Instant::now(),
            speed: speed.max(0.0),
        }
    }

    /// The simulated instant now.
    pub fn now_ms(&self) -> TimestampMs {
        let elapsed_ms = self.started.elapsed().as_secs_f64() * 1000.0;
        self.origin_ms + (elapsed_ms * self.speed) as i64
    }

    pub fn speed(&self) -> f64 {
        self.speed
    }
}
