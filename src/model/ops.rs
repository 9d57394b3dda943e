//! The bureau's routine operations as the wall shows them: database backups,
//! the inspection schedule, the uplink to the national (总局) platform, and
//! the ops platform's own subsystems.

use serde::{Deserialize, Serialize};

use super::TimestampMs;

/// The last full backup of one database and its checks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Backup {
    /// The database target id.
    pub target: String,
    /// When the last full backup finished successfully.
    pub last_full_ms: Option<TimestampMs>,
    /// Whether that backup's verification passed (`None`: not yet checked).
    pub verified: Option<bool>,
    /// When a restore was last tested.
    pub last_restore_test_ms: Option<TimestampMs>,
    /// The most recent attempt failed (the last good one is older).
    pub last_attempt_failed: bool,
    /// Size of the last full backup, GB.
    pub size_gb: f64,
}

/// One proactive inspection (巡检) of the year's four.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Inspection {
    /// e.g. `2026年第4季度巡检`.
    pub name: String,
    pub planned_ms: TimestampMs,
    /// When it was carried out, if it was.
    pub done_ms: Option<TimestampMs>,
    /// Findings: problems found, and how many of them are fixed.
    pub findings: u32,
    pub fixed: u32,
}

/// The link that reports monitoring results up to the national platform.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Uplink {
    pub connected: bool,
    /// When the last report was sent.
    pub last_report_ms: Option<TimestampMs>,
    /// How often a report is due, seconds.
    pub interval_s: u32,
    /// Delay of the last report past its due time, seconds.
    pub lag_s: f64,
    /// Records we sent today, and records HQ acknowledged (口径一致 when equal).
    pub sent_today: u64,
    pub acked_today: u64,
}

/// One subsystem of the ops platform and whether it answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Subsystem {
    /// e.g. `综合监控`.
    pub name: String,
    pub up: bool,
    /// Since when it has been in its current state.
    pub since_ms: TimestampMs,
    /// Response time of its health check, ms.
    pub response_ms: f64,
}

/// Everything routine, as one snapshot from a source.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Routine {
    pub backups: Vec<Backup>,
    pub inspections: Vec<Inspection>,
    pub uplink: Option<Uplink>,
    pub platform: Vec<Subsystem>,
}
