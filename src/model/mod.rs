//! The domain model every source speaks: targets with their application
//! systems, samples keyed by (KPI, target), alerts and severities.
//!
//! Sources (the simulated estate today, real APIs later) produce these types;
//! the store keeps them; KPI evaluation, panels and the render JSON read them.
//! Nothing here knows where a number came from.

mod ops;
mod ticket;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use ops::{Backup, Inspection, Routine, Subsystem, Uplink};
pub use ticket::{Priority, Ticket, TicketKind};

/// Milliseconds since the Unix epoch, UTC. Every timestamp inside opswall.
pub type TimestampMs = i64;

/// Converts a timestamp to a `chrono` UTC time (the epoch if out of range).
pub fn to_utc(ms: TimestampMs) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// How bad a KPI value, a target or an alert is.
///
/// Ordered by how much it should draw the eye when rolled up: a target with
/// one critical KPI is critical, one with only unknowns is unknown.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    #[default]
    Normal,
    Unknown,
    Warning,
    Critical,
}

impl Severity {
    /// The Chinese label shown on the wall.
    pub fn label_zh(self) -> &'static str {
        match self {
            Severity::Normal => "正常",
            Severity::Unknown => "未知",
            Severity::Warning => "警告",
            Severity::Critical => "严重",
        }
    }
}

/// What kind of thing a target is; decides which KPIs it has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    /// A Linux or AIX server.
    Host,
    /// An Oracle database instance.
    Database,
    /// One tablespace of a database (parent: the database).
    Tablespace,
    /// One ASM disk group (parent: the database).
    #[serde(rename = "asm_diskgroup")]
    AsmDiskGroup,
    /// A `WebLogic` managed server.
    Weblogic,
    /// A JDBC connection pool (parent: the `WebLogic` server).
    JdbcPool,
    /// A JMS server (parent: the `WebLogic` server).
    JmsServer,
    /// The e-tax portal as a whole, or one of its businesses.
    Business,
}

impl TargetKind {
    /// Every kind, in display order.
    pub const ALL: [TargetKind; 8] = [
        TargetKind::Host,
        TargetKind::Database,
        TargetKind::Tablespace,
        TargetKind::AsmDiskGroup,
        TargetKind::Weblogic,
        TargetKind::JdbcPool,
        TargetKind::JmsServer,
        TargetKind::Business,
    ];

    /// Whether targets of this kind are parts of their parent (a tablespace of
    /// its database) rather than running on it (a database on its host).
    pub fn is_part(self) -> bool {
        matches!(
            self,
            TargetKind::Tablespace
                | TargetKind::AsmDiskGroup
                | TargetKind::JdbcPool
                | TargetKind::JmsServer
        )
    }

    /// The name used in layout files (`targets = "host"`).
    pub fn key(self) -> &'static str {
        match self {
            TargetKind::Host => "host",
            TargetKind::Database => "database",
            TargetKind::Tablespace => "tablespace",
            TargetKind::AsmDiskGroup => "asm_diskgroup",
            TargetKind::Weblogic => "weblogic",
            TargetKind::JdbcPool => "jdbc_pool",
            TargetKind::JmsServer => "jms_server",
            TargetKind::Business => "business",
        }
    }

    /// Parses the layout-file name of a kind.
    pub fn from_key(key: &str) -> Option<TargetKind> {
        TargetKind::ALL.into_iter().find(|k| k.key() == key)
    }

    /// The Chinese label shown on the wall.
    pub fn label_zh(self) -> &'static str {
        match self {
            TargetKind::Host => "服务器",
            TargetKind::Database => "数据库",
            TargetKind::Tablespace => "表空间",
            TargetKind::AsmDiskGroup => "ASM磁盘组",
            TargetKind::Weblogic => "中间件",
            TargetKind::JdbcPool => "JDBC连接池",
            TargetKind::JmsServer => "JMS服务器",
            TargetKind::Business => "业务",
        }
    }
}

/// An application system (应用系统): the unit the bureau thinks in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppSystem {
    /// Short stable id used in layout files, e.g. `hx`.
    pub id: String,
    /// Chinese name shown on the wall, e.g. `核心征管`.
    pub name: String,
}

/// One monitored thing: a host, a database, a `WebLogic` server, a business…
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    /// Stable id used in layout files and series keys, e.g. `hx-db01`.
    pub id: String,
    /// Display name, e.g. `核心征管库 HXDB`.
    pub name: String,
    pub kind: TargetKind,
    /// Id of the application system the target belongs to.
    pub system: String,
    /// The target this one is part of (a tablespace's database).
    #[serde(default)]
    pub parent: Option<String>,
    /// Operating system or product detail, e.g. `AIX 7.2`, `Oracle 19c`.
    #[serde(default)]
    pub detail: String,
}

/// Identifies one time series: a KPI measured on a target.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SeriesKey {
    pub kpi: String,
    pub target: String,
}

impl SeriesKey {
    pub fn new(kpi: impl Into<String>, target: impl Into<String>) -> Self {
        SeriesKey {
            kpi: kpi.into(),
            target: target.into(),
        }
    }
}

/// One measured value.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    pub t_ms: TimestampMs,
    pub value: f64,
}

/// An alert (告警) raised on a target.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    /// Unique and stable for the alert's life.
    pub id: String,
    pub severity: Severity,
    pub target: String,
    /// Application system of the target.
    pub system: String,
    /// KPI that crossed its threshold, if the alert is about one.
    pub kpi: Option<String>,
    /// What happened, in Chinese, e.g. `JDBC连接池耗尽`.
    pub message: String,
    pub first_seen_ms: TimestampMs,
    pub acknowledged: bool,
    /// Engineer who owns it, once assigned.
    pub owner: Option<String>,
    /// When it recovered; recovered alerts stay listed briefly.
    pub cleared_ms: Option<TimestampMs>,
    /// Held back from notification by a silence or an inhibiting alert
    /// (Alertmanager); still shown, marked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub muted: Option<Muted>,
}

/// Why an active alert is not notified.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Muted {
    /// A silence matches it: someone has taken it in hand.
    Silenced,
    /// A worse alert it depends on is firing.
    Inhibited,
}

/// The system id of targets and alerts no source could assign to one.
pub const UNASSIGNED: &str = "unassigned";

/// Everything a source knows about the estate's shape.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inventory {
    #[serde(default)]
    pub systems: Vec<AppSystem>,
    #[serde(default)]
    pub targets: Vec<Target>,
}

impl Inventory {
    pub fn target(&self, id: &str) -> Option<&Target> {
        self.targets.iter().find(|t| t.id == id)
    }

    pub fn system(&self, id: &str) -> Option<&AppSystem> {
        self.systems.iter().find(|s| s.id == id)
    }

    /// Chinese name of a system, or the id itself if unknown.
    /// The system's name; 未分配 for targets no source could assign.
    pub fn system_name<'a>(&'a self, id: &'a str) -> &'a str {
        match self.system(id) {
            Some(s) => s.name.as_str(),
            None if id == UNASSIGNED => "未分配",
            None => id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kind_has_one_name_in_layouts_and_in_json() {
        for kind in TargetKind::ALL {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.key()));
            assert_eq!(TargetKind::from_key(kind.key()), Some(kind));
        }
    }
}
