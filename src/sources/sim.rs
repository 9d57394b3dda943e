//! The simulated estate as a live source: backfills recent history, then
//! sends the estate's samples and alerts every tick of the virtual clock.

use std::time::Duration;

use tracing::{debug, info};

use super::Outbox;
use crate::sim::{Estate, SimClock};
use crate::store::Update;

/// How the live simulated source runs.
#[derive(Clone, Debug)]
pub struct SimSourceConfig {
    /// Simulated seconds between samples.
    pub tick_s: f64,
    /// Simulated hours of history sent at start.
    pub backfill_h: f64,
}

impl Default for SimSourceConfig {
    fn default() -> Self {
        SimSourceConfig {
            tick_s: 15.0,
            backfill_h: 3.0,
        }
    }
}

/// Runs until the UI goes away.
pub async fn run(estate: Estate, clock: SimClock, config: SimSourceConfig, out: Outbox) {
    let tick_ms = (config.tick_s * 1000.0).max(1000.0) as i64;
    let now = clock.now_ms();
    let from = now - (config.backfill_h * 3_600_000.0) as i64;
    let started = std::time::Instant::now();
    // History at a minute's step at most: enough for the charts, a fraction of the memory.
    let history_step_ms = tick_ms.max(60_000);
    for update in estate.history(from, now, history_step_ms) {
        if !out.send([update]).await {
            return;
        }
    }
    info!(
        seed = estate.seed(),
        ms = started.elapsed().as_millis(),
        "simulated estate backfilled"
    );

    let mut last_tick = now.div_euclid(tick_ms);
    loop {
        // Sleep until the virtual clock reaches the next tick.
        let next_ms = (last_tick + 1) * tick_ms;
        let wait_virtual_ms = (next_ms - clock.now_ms()).max(0) as f64;
        let wait = Duration::from_secs_f64(wait_virtual_ms / 1000.0 / clock.speed().max(1e-6));
        tokio::time::sleep(wait.min(Duration::from_hours(1))).await;

        let now = clock.now_ms();
        let tick = now.div_euclid(tick_ms);
        if tick <= last_tick {
            continue;
        }
        last_tick = tick;
        let at = tick * tick_ms;
        let samples = estate.samples_at(at);
        debug!(at, samples = samples.len(), "simulated tick");
        let source = crate::sim::SOURCE_NAME.to_owned();
        let alerts = estate.alerts_at(at);
        let tickets = estate.tickets_at(at);
        let routine = estate.routine_at(at);
        let tick = [
            Update::Routine {
                source: source.clone(),
                at_ms: at,
                routine,
            },
            Update::Tickets {
                source: source.clone(),
                at_ms: at,
                tickets,
            },
            Update::Samples {
                source: source.clone(),
                at_ms: at,
                samples,
            },
            Update::Alerts {
                source,
                at_ms: at,
                alerts,
            },
        ];
        // One wake-up per tick: samples and alerts land in the same frame.
        if !out.send(tick).await {
            return;
        }
    }
}
