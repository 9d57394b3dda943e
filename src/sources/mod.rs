//! Sources: background tasks that fetch data and send [`Update`]s to the UI.
//!
//! Each source runs as a task on the one Tokio runtime `main` owns. It sends
//! over a bounded channel (a slow UI makes sources wait; it never grows a
//! queue) and asks for a repaint after each send. The UI thread never awaits
//! a source.

pub mod alertmanager;
pub mod config;
pub mod http;
pub mod platform;
pub mod prometheus;
pub mod scheduler;
pub mod sim;
pub mod zabbix;

use std::sync::Arc;

use tracing::error;

use crate::store::Update;

/// What the workstation asks a source to do.
#[derive(Clone, Debug, PartialEq)]
pub enum SourceCommand {
    /// Open a ticket for an alert (转工单).
    CreateTicket { alert: crate::model::Alert },
}

/// Capacity of the channel of commands to a source.
pub const COMMAND_CAPACITY: usize = 16;

/// A command channel of the right capacity.
pub fn command_channel() -> (
    tokio::sync::mpsc::Sender<SourceCommand>,
    tokio::sync::mpsc::Receiver<SourceCommand>,
) {
    tokio::sync::mpsc::channel(COMMAND_CAPACITY)
}

/// Capacity of the channel from sources to the UI, in updates.
pub const CHANNEL_CAPACITY: usize = 64;

/// Called after an update is sent, to wake the UI.
pub type Repaint = Arc<dyn Fn() + Send + Sync>;

/// The sending half every source gets.
#[derive(Clone)]
pub struct Outbox {
    tx: tokio::sync::mpsc::Sender<Update>,
    repaint: Repaint,
}

impl Outbox {
    pub fn new(tx: tokio::sync::mpsc::Sender<Update>, repaint: Repaint) -> Outbox {
        Outbox { tx, repaint }
    }

    /// Sends updates, then wakes the UI once. Returns false once the UI is gone.
    pub async fn send(&self, updates: impl IntoIterator<Item = Update>) -> bool {
        for update in updates {
            if self.tx.send(update).await.is_err() {
                return false;
            }
        }
        (self.repaint)();
        true
    }
}

/// A channel of the right capacity.
pub fn channel() -> (
    tokio::sync::mpsc::Sender<Update>,
    tokio::sync::mpsc::Receiver<Update>,
) {
    tokio::sync::mpsc::channel(CHANNEL_CAPACITY)
}

/// What starting the sources gave the wall.
pub struct Started {
    /// Where 转工单 goes: the first source that takes commands (sim or platform).
    pub commands: Option<tokio::sync::mpsc::Sender<SourceCommand>>,
    /// Each source's name and interval, for the header and staleness.
    pub sources: Vec<(String, f64)>,
}

/// Starts every source of a sources file on `runtime`. A source that cannot
/// start (a missing credential, say) is still listed and reports why, so the
/// wall shows it as down instead of silently missing.
pub fn start(
    file: &config::SourcesFile,
    runtime: &tokio::runtime::Handle,
    out: &Outbox,
    simulated: &sim::Simulated,
    history: crate::layout::HistoryNeed,
) -> Started {
    let mut commands = None;
    let mut listed = Vec::new();
    for spec in &file.sources {
        listed.push((spec.name.clone(), spec.interval.as_secs_f64()));
        let wants_commands = commands.is_none()
            && matches!(
                spec.kind,
                config::SourceKind::Sim | config::SourceKind::Platform
            );
        let (tx, rx) = command_channel();
        let rx = wants_commands.then_some(rx);
        let schedule = scheduler::Schedule {
            interval: spec.interval,
            timeout: spec.timeout,
            backoff_max: spec.backoff_max,
        };
        let name = spec.name.clone();
        let task_out = out.clone();
        let started = match spec.kind {
            config::SourceKind::Sim => {
                let (estate, clock, mut cfg) = simulated.clone().into_parts();
                cfg.tick_s = spec.interval.as_secs_f64();
                cfg.name.clone_from(&spec.name);
                runtime.spawn(sim::run(
                    estate,
                    clock,
                    cfg,
                    task_out,
                    rx.unwrap_or_else(|| command_channel().1),
                ));
                Ok(())
            }
            config::SourceKind::Platform => platform::Platform::new(spec).map(|f| {
                runtime.spawn(scheduler::run(name.clone(), f, schedule, task_out, rx));
            }),
            config::SourceKind::Prometheus => prometheus::Prometheus::new(spec, history).map(|f| {
                runtime.spawn(scheduler::run(name.clone(), f, schedule, task_out, None));
            }),
            config::SourceKind::Alertmanager => alertmanager::Alertmanager::new(spec).map(|f| {
                runtime.spawn(scheduler::run(name.clone(), f, schedule, task_out, None));
            }),
            config::SourceKind::Zabbix => zabbix::Zabbix::new(spec).map(|f| {
                runtime.spawn(scheduler::run(name.clone(), f, schedule, task_out, None));
            }),
        };
        match started {
            Ok(()) => {
                if wants_commands {
                    commands = Some(tx);
                }
            }
            Err(e) => {
                error!(source = %spec.name, error = %e, "source cannot start");
                let out = out.clone();
                let failed = Update::Failed {
                    source: spec.name.clone(),
                    at_ms: chrono::Utc::now().timestamp_millis(),
                    error: e.to_string(),
                };
                runtime.spawn(async move {
                    out.send([failed]).await;
                });
            }
        }
    }
    Started {
        commands,
        sources: listed,
    }
}
