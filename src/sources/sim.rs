//! The simulated estate as a live source: backfills recent history, then
//! sends the estate's samples, alerts, tickets and routine every tick of the
//! virtual clock, and takes commands from the duty workstation (turn an
//! alert into a ticket).

use std::time::Duration;

use tokio::sync::mpsc::Receiver;
use tracing::{debug, info, warn};

use super::{Outbox, SourceCommand};
use crate::model::{Alert, Ticket, TimestampMs};
use crate::sim::{Estate, SimClock};
use crate::store::Update;

/// How the live simulated source runs.
#[derive(Clone, Debug)]
pub struct SimSourceConfig {
    /// Simulated seconds between samples.
    pub tick_s: f64,
    /// Simulated hours of history sent at start.
    pub backfill_h: f64,
    /// The name the wall shows for it.
    pub name: String,
}

impl Default for SimSourceConfig {
    fn default() -> Self {
        SimSourceConfig {
            tick_s: 15.0,
            backfill_h: 3.0,
            name: crate::sim::SOURCE_NAME.to_owned(),
        }
    }
}

/// The simulated estate a `sim` source in a sources file runs: seed, clock
/// and settings from the command line.
#[derive(Clone, Debug)]
pub struct Simulated {
    pub estate: Estate,
    pub clock: SimClock,
    pub config: SimSourceConfig,
}

impl Simulated {
    pub fn into_parts(self) -> (Estate, SimClock, SimSourceConfig) {
        (self.estate, self.clock, self.config)
    }
}

/// Tickets opened from the workstation are kept this many at most, oldest dropped.
pub const MAX_MANUAL_TICKETS: usize = 500;

/// The simulated service desk's tickets opened by hand from alerts.
#[derive(Debug, Default)]
pub struct ManualTickets {
    opened: Vec<(Alert, TimestampMs, u64)>,
    next_seq: u64,
}

impl ManualTickets {
    /// Opens a ticket for `alert` at `now_ms`, unless one is already open for it.
    /// Returns false when the alert already has one.
    pub fn open(&mut self, estate: &Estate, alert: Alert, now_ms: TimestampMs) -> bool {
        let has_auto = estate
            .tickets_at(now_ms)
            .iter()
            .any(|t| t.alerts.contains(&alert.id));
        if has_auto || self.opened.iter().any(|(a, ..)| a.id == alert.id) {
            return false;
        }
        self.next_seq += 1;
        self.opened.push((alert, now_ms, self.next_seq));
        if self.opened.len() > MAX_MANUAL_TICKETS {
            self.opened.remove(0);
        }
        true
    }

    /// Every ticket the desk has, the hand-opened ones included, as they stand at `t_ms`.
    /// An alert the duty officer turned into a ticket before the desk's own
    /// automation did keeps only the officer's ticket.
    pub fn tickets_at(&self, estate: &Estate, t_ms: TimestampMs) -> Vec<Ticket> {
        let mut all = estate.tickets_at(t_ms);
        all.retain(|t| {
            !t.alerts
                .iter()
                .any(|a| self.opened.iter().any(|(o, ..)| &o.id == a))
        });
        all.extend(
            self.opened
                .iter()
                .map(|(a, at, seq)| estate.ticket_from_alert(a, *at, *seq, t_ms)),
        );
        all
    }
}

/// Runs until the UI goes away.
pub async fn run(
    estate: Estate,
    clock: SimClock,
    config: SimSourceConfig,
    out: Outbox,
    commands: Receiver<SourceCommand>,
) {
    // Once the UI drops its sender there are no more commands; stop listening.
    let mut commands = Some(commands);
    let tick_ms = (config.tick_s * 1000.0).max(1000.0) as i64;
    let now = clock.now_ms();
    let from = now - (config.backfill_h * 3_600_000.0) as i64;
    let started = std::time::Instant::now();
    // History at a minute's step at most: enough for the charts, a fraction of the memory.
    let history_step_ms = tick_ms.max(60_000);
    for mut update in estate.history(from, now, history_step_ms) {
        update.set_source(&config.name);
        if !out.send([update]).await {
            return;
        }
    }
    info!(
        seed = estate.seed(),
        ms = started.elapsed().as_millis(),
        "simulated estate backfilled"
    );

    let source = config.name.clone();
    let mut manual = ManualTickets::default();
    let mut last_tick = now.div_euclid(tick_ms);
    loop {
        // Sleep until the virtual clock reaches the next tick, or a command comes.
        let next_ms = (last_tick + 1) * tick_ms;
        let wait_virtual_ms = (next_ms - clock.now_ms()).max(0) as f64;
        let wait = Duration::from_secs_f64(wait_virtual_ms / 1000.0 / clock.speed().max(1e-6));
        tokio::select! {
            () = tokio::time::sleep(wait.min(Duration::from_hours(1))) => {}
            command = next_command(&mut commands) => {
                let Some(SourceCommand::CreateTicket { alert }) = command else {
                    commands = None;
                    continue;
                };
                let at = clock.now_ms();
                let id = alert.id.clone();
                if manual.open(&estate, alert, at) {
                    info!(alert = %id, "ticket opened from an alert");
                } else {
                    warn!(alert = %id, "the alert already has a ticket");
                }
                let tickets = manual.tickets_at(&estate, at);
                if !out.send([Update::Tickets { source: source.clone(), at_ms: at, tickets }]).await {
                    return;
                }
                continue;
            }
        }

        let now = clock.now_ms();
        let tick = now.div_euclid(tick_ms);
        if tick <= last_tick {
            continue;
        }
        last_tick = tick;
        let at = tick * tick_ms;
        let samples = estate.samples_at(at);
        debug!(at, samples = samples.len(), "simulated tick");
        let tick = [
            Update::Routine {
                source: source.clone(),
                at_ms: at,
                routine: estate.routine_at(at),
            },
            Update::Tickets {
                source: source.clone(),
                at_ms: at,
                tickets: manual.tickets_at(&estate, at),
            },
            Update::Samples {
                source: source.clone(),
                at_ms: at,
                samples,
            },
            Update::Alerts {
                source: source.clone(),
                at_ms: at,
                alerts: estate.alerts_at(at),
            },
        ];
        // One wake-up per tick: everything lands in the same frame.
        if !out.send(tick).await {
            return;
        }
    }
}

/// The next command, or never once the channel is gone.
async fn next_command(commands: &mut Option<Receiver<SourceCommand>>) -> Option<SourceCommand> {
    match commands {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}
