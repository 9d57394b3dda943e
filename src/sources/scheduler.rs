//! Runs one real source: fetch, send, wait, again.
//!
//! Fetches of one source never overlap (the loop awaits each one). Each
//! fetch has a deadline; a failing source is retried after exponentially
//! longer waits up to a cap, and its failure is sent so the wall can mark it.
//! Waits carry a little jitter so sources started together drift apart. The
//! first failure and the recovery are logged once each.

use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use tokio::sync::mpsc::Receiver;
use tokio::time::Instant;
use tracing::{debug, info, warn};

use super::http::FetchError;
use super::{Outbox, SourceCommand};
use crate::store::Update;

/// A source the scheduler can drive.
pub trait Fetcher: Send + 'static {
    /// One fetch: everything new since the last one, as updates.
    fn fetch(&mut self) -> impl Future<Output = Result<Vec<Update>, FetchError>> + Send;

    /// Whether the next fetch reads history (at start, after an outage): it
    /// gets a longer deadline than the interval's fetches.
    fn fetches_history(&self) -> bool {
        false
    }

    /// Carries out a command from the workstation; returns updates to send
    /// (the tickets as they now stand, say).
    fn command(
        &mut self,
        command: SourceCommand,
    ) -> impl Future<Output = Result<Vec<Update>, FetchError>> + Send {
        let _ = command;
        async { Err(FetchError::Api("此数据源不受理工单".into())) }
    }
}

/// How often and how patiently a source is fetched.
#[derive(Clone, Copy, Debug)]
pub struct Schedule {
    pub interval: Duration,
    /// Deadline of one fetch cycle (all its requests).
    pub timeout: Duration,
    /// Longest wait between retries.
    pub backoff_max: Duration,
}

impl Schedule {
    /// The wait after a cycle: the interval with ±10 % jitter when healthy;
    /// interval × 2^(failures−1), capped, when failing.
    pub fn wait(&self, failures: u32, jitter: f64) -> Duration {
        let base = self.interval.as_secs_f64();
        let secs = if failures == 0 {
            base
        } else {
            let factor = 2f64.powi(failures.saturating_sub(1).min(20) as i32);
            (base * factor).min(self.backoff_max.as_secs_f64().max(base))
        };
        Duration::from_secs_f64((secs * (1.0 + 0.1 * jitter.clamp(-1.0, 1.0))).max(0.05))
    }
}

/// A fetch that reads history may take this many times the source's timeout.
pub const HISTORY_TIMEOUT_FACTOR: u32 = 6;

/// A number in −1..1 that differs from call to call.
fn jitter() -> f64 {
    let mut h = std::hash::RandomState::new().build_hasher();
    h.write_u64(0x9e37_79b9);
    (h.finish() % 2_000_001) as f64 / 1_000_000.0 - 1.0
}

/// Runs `fetcher` until the UI goes away.
pub async fn run<F: Fetcher>(
    name: String,
    mut fetcher: F,
    schedule: Schedule,
    out: Outbox,
    commands: Option<Receiver<SourceCommand>>,
) {
    let mut commands = commands;
    let mut failures: u32 = 0;
    loop {
        let timeout = if fetcher.fetches_history() {
            schedule.timeout * HISTORY_TIMEOUT_FACTOR
        } else {
            schedule.timeout
        };
        let result = match tokio::time::timeout(timeout, fetcher.fetch()).await {
            Ok(r) => r,
            Err(_) => Err(FetchError::Timeout(timeout.as_secs().max(1))),
        };
        let sent = match result {
            Ok(updates) => {
                if failures > 0 {
                    info!(source = %name, failures, "source recovered");
                }
                failures = 0;
                out.send(updates).await
            }
            Err(error) => {
                failures = failures.saturating_add(1);
                if failures == 1 {
                    warn!(source = %name, %error, "source failed; keeping its last good data");
                } else {
                    debug!(source = %name, %error, failures, "source still failing");
                }
                out.send([failed(&name, &error)]).await
            }
        };
        if !sent {
            return;
        }
        let deadline = Instant::now() + schedule.wait(failures, jitter());
        loop {
            tokio::select! {
                () = tokio::time::sleep_until(deadline) => break,
                command = next_command(&mut commands) => {
                    let Some(command) = command else {
                        commands = None;
                        continue;
                    };
                    let updates = match tokio::time::timeout(schedule.timeout, fetcher.command(command)).await {
                        Ok(Ok(updates)) => updates,
                        Ok(Err(error)) => {
                            warn!(source = %name, %error, "command failed");
                            vec![Update::Notice { source: name.clone(), message: format!("转工单失败：{error}") }]
                        }
                        Err(_) => vec![Update::Notice { source: name.clone(), message: "转工单失败：超时".into() }],
                    };
                    if !out.send(updates).await {
                        return;
                    }
                }
            }
        }
    }
}

fn failed(name: &str, error: &FetchError) -> Update {
    Update::Failed {
        source: name.to_owned(),
        at_ms: chrono::Utc::now().timestamp_millis(),
        error: error.to_string(),
    }
}

/// The next command, or never once the channel is gone.
async fn next_command(commands: &mut Option<Receiver<SourceCommand>>) -> Option<SourceCommand> {
    match commands {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_its_cap_and_jitter_stays_small() {
        let s = Schedule {
            interval: Duration::from_secs(10),
            timeout: Duration::from_secs(5),
            backoff_max: Duration::from_mins(1),
        };
        assert_eq!(s.wait(0, 0.0), Duration::from_secs(10));
        assert_eq!(s.wait(1, 0.0), Duration::from_secs(10));
        assert_eq!(s.wait(2, 0.0), Duration::from_secs(20));
        assert_eq!(s.wait(3, 0.0), Duration::from_secs(40));
        assert_eq!(s.wait(4, 0.0), Duration::from_mins(1));
        assert_eq!(s.wait(400, 0.0), Duration::from_mins(1));
        assert_eq!(s.wait(0, 1.0), Duration::from_secs(11));
        assert_eq!(s.wait(0, -1.0), Duration::from_secs(9));
        for _ in 0..100 {
            let j = jitter();
            assert!((-1.0..=1.0).contains(&j));
        }
    }
}
