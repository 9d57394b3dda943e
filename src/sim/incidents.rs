//! Incidents: the things that go wrong in the simulated estate.
//!
//! Every simulated hour has a fixed, seed-derived chance of starting an
//! incident (higher during the filing period), so the incidents active at any
//! instant can be found by looking back a few hours, without replaying
//! history. Each incident raises one alert, which is acknowledged by an
//! engineer after a while and clears when the incident ends.

use crate::model::{Alert, Inventory, Severity, TargetKind, TimestampMs};

use super::rng::{Draw, hash};
use super::time::filing_pressure;

const HOUR_MS: i64 = 3_600_000;
const MINUTE_MS: i64 = 60_000;
/// No incident lasts longer than this, so looking back this far finds them all.
const MAX_DURATION_MS: i64 = 5 * HOUR_MS;
/// Recovered alerts stay on the list this long.
pub const RECOVERED_SHOWN_MS: i64 = 10 * MINUTE_MS;

/// Duty engineers who acknowledge and own alerts.
pub const ENGINEERS: [&str; 6] = ["张伟", "李娜", "王强", "刘洋", "陈静", "杨帆"];

/// What went wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IncidentKind {
    /// `WebLogic` threads stuck, queue backing up.
    StuckThreads,
    /// A JDBC pool has no free connection.
    JdbcExhausted,
    /// A tablespace fills up until a DBA extends it.
    TablespaceFilling,
    /// A host stops answering ping and its agent goes silent.
    HostUnreachable,
    /// An e-tax business answers slowly and with errors.
    EtaxLatency,
    /// Sessions waiting on locks in a database.
    LockWaits,
    /// JMS messages pile up.
    JmsBacklog,
}

/// One incident on one target, active over `[start_ms, end_ms)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Incident {
    pub kind: IncidentKind,
    /// Index into the inventory's targets.
    pub target: usize,
    pub start_ms: TimestampMs,
    pub end_ms: TimestampMs,
    /// How bad it gets, `0.6..1.0`.
    pub peak: f64,
    /// Stable id, from the hour slot and draw.
    pub id: String,
    /// Minutes from first seen until an engineer acknowledges.
    ack_after_min: i64,
    /// Which draw of its hour slot it came from.
    pub attempt: u64,
    /// Index into [`ENGINEERS`] of who owns it.
    pub engineer: usize,
}

impl Incident {
    /// How strongly the incident acts at `t_ms`, `0..=peak`: it builds up
    /// over its first fifth (a tablespace over most of its life), then holds.
    pub fn intensity(&self, t_ms: TimestampMs) -> f64 {
        if t_ms < self.start_ms || t_ms >= self.end_ms {
            return 0.0;
        }
        let ramp_share = if self.kind == IncidentKind::TablespaceFilling {
            0.85
        } else {
            0.2
        };
        let ramp_ms = ((self.end_ms - self.start_ms) as f64 * ramp_share).max(1.0);
        let x = ((t_ms - self.start_ms) as f64 / ramp_ms).min(1.0);
        x * self.peak
    }

    /// When monitoring first notices it: once the build-up crosses the alert threshold.
    pub fn first_seen_ms(&self) -> TimestampMs {
        let share = match self.kind {
            // The fill passes 95 % when its intensity reaches 0.6 (see dynamics).
            IncidentKind::TablespaceFilling => 0.85 * 0.6 / self.peak,
            IncidentKind::HostUnreachable => 0.03,
            IncidentKind::EtaxLatency => 0.15,
            _ => 0.08,
        };
        self.start_ms + ((self.end_ms - self.start_ms) as f64 * share) as i64
    }

    pub fn severity(&self) -> Severity {
        match self.kind {
            IncidentKind::LockWaits | IncidentKind::JmsBacklog if self.peak < 0.8 => {
                Severity::Warning
            }
            _ => Severity::Critical,
        }
    }

    pub fn message(&self) -> &'static str {
        match self.kind {
            IncidentKind::StuckThreads => "WebLogic阻塞线程超限",
            IncidentKind::JdbcExhausted => "JDBC连接池耗尽",
            IncidentKind::TablespaceFilling => "表空间使用率超过95%",
            IncidentKind::HostUnreachable => "主机网络不可达",
            IncidentKind::EtaxLatency => "业务响应时间超过5秒",
            IncidentKind::LockWaits => "数据库长时间锁等待",
            IncidentKind::JmsBacklog => "JMS消息积压",
        }
    }

    fn kpi(&self) -> &'static str {
        match self.kind {
            IncidentKind::StuckThreads => "wls_stuck_thread_count",
            IncidentKind::JdbcExhausted => "wls_jdbc_pool_usage_pct",
            IncidentKind::TablespaceFilling => "ora_tablespace_used_pct",
            IncidentKind::HostUnreachable => "host_icmp_up",
            IncidentKind::EtaxLatency => "etax_response_time_s",
            IncidentKind::LockWaits => "ora_long_locked_sessions",
            IncidentKind::JmsBacklog => "wls_jms_messages_pending",
        }
    }

    /// The alert this incident raises, as it stands at `t_ms`; `None` before
    /// it is noticed and once its recovery has been shown long enough.
    pub fn alert(&self, inventory: &Inventory, t_ms: TimestampMs) -> Option<Alert> {
        let first_seen = self.first_seen_ms();
        if t_ms < first_seen || t_ms >= self.end_ms + RECOVERED_SHOWN_MS {
            return None;
        }
        let target = &inventory.targets[self.target];
        let acknowledged = t_ms >= first_seen + self.ack_after_min * MINUTE_MS;
        Some(Alert {
            id: self.id.clone(),
            severity: self.severity(),
            target: target.id.clone(),
            system: target.system.clone(),
            kpi: Some(self.kpi().to_owned()),
            message: self.message().to_owned(),
            first_seen_ms: first_seen,
            acknowledged,
            owner: acknowledged.then(|| ENGINEERS[self.engineer].to_owned()),
            cleared_ms: (t_ms >= self.end_ms).then_some(self.end_ms),
            muted: None,
        })
    }
}

/// Candidate targets for each kind of incident, precomputed from the inventory.
#[derive(Clone, Debug, Default)]
pub struct Candidates {
    weblogic: Vec<usize>,
    jdbc: Vec<usize>,
    tablespaces: Vec<usize>,
    hosts: Vec<usize>,
    businesses: Vec<usize>,
    databases: Vec<usize>,
    jms: Vec<usize>,
}

impl Candidates {
    pub fn new(inventory: &Inventory) -> Candidates {
        let mut c = Candidates::default();
        for (i, t) in inventory.targets.iter().enumerate() {
            let list = match t.kind {
                TargetKind::Weblogic => &mut c.weblogic,
                TargetKind::JdbcPool => &mut c.jdbc,
                // System tablespaces do not fill up in practice; application ones do.
                TargetKind::Tablespace if !t.id.contains("/SYS") => &mut c.tablespaces,
                // Database hosts are clustered; the front and app tiers are what drops off.
                TargetKind::Host if !t.id.contains("-db") => &mut c.hosts,
                TargetKind::Business if t.id != super::estate::ETAX_PORTAL => &mut c.businesses,
                TargetKind::Database => &mut c.databases,
                TargetKind::JmsServer => &mut c.jms,
                _ => continue,
            };
            list.push(i);
        }
        c
    }
}

/// Incidents that start in hour slot `slot` (hours since the epoch).
fn incidents_in_slot(seed: u64, slot: i64, candidates: &Candidates) -> Vec<Incident> {
    let slot_start = slot * HOUR_MS;
    let pressure = filing_pressure(slot_start);
    let mut out = Vec::new();
    for attempt in 0..3u64 {
        let mut d = Draw::new(hash(&[seed, slot as u64, attempt]));
        if d.next() > 0.16 * (1.0 + pressure) {
            continue;
        }
        let (kind, list, min_min, max_min) = match d.index(10) {
            0 | 1 => (
                IncidentKind::StuckThreads,
                &candidates.weblogic,
                20.0,
                120.0,
            ),
            2 | 3 => (IncidentKind::JdbcExhausted, &candidates.jdbc, 15.0, 90.0),
            4 => (
                IncidentKind::TablespaceFilling,
                &candidates.tablespaces,
                120.0,
                290.0,
            ),
            5 => (IncidentKind::HostUnreachable, &candidates.hosts, 8.0, 45.0),
            6 | 7 => (
                IncidentKind::EtaxLatency,
                &candidates.businesses,
                10.0,
                60.0,
            ),
            8 => (IncidentKind::LockWaits, &candidates.databases, 10.0, 50.0),
            _ => (IncidentKind::JmsBacklog, &candidates.jms, 20.0, 100.0),
        };
        if list.is_empty() {
            continue;
        }
        let target = list[d.index(list.len())];
        let start_ms = slot_start + (d.next() * HOUR_MS as f64) as i64;
        let duration_ms = (d.range(min_min, max_min) * MINUTE_MS as f64) as i64;
        out.push(Incident {
            kind,
            target,
            start_ms,
            end_ms: start_ms + duration_ms.min(MAX_DURATION_MS),
            peak: d.range(0.6, 1.0),
            id: format!("SIM-{slot}-{attempt}"),
            attempt,
            ack_after_min: d.range(2.0, 25.0) as i64,
            engineer: d.index(ENGINEERS.len()),
        });
    }
    out
}

/// Every incident that starts in `[from_ms, to_ms]`.
pub fn incidents_starting(
    seed: u64,
    from_ms: TimestampMs,
    to_ms: TimestampMs,
    candidates: &Candidates,
) -> Vec<Incident> {
    let mut out = Vec::new();
    for slot in from_ms.div_euclid(HOUR_MS)..=to_ms.div_euclid(HOUR_MS) {
        out.extend(
            incidents_in_slot(seed, slot, candidates)
                .into_iter()
                .filter(|i| (from_ms..=to_ms).contains(&i.start_ms)),
        );
    }
    out
}

/// Every incident that is active, or whose alert is still shown, at `t_ms`.
pub fn incidents_at(seed: u64, t_ms: TimestampMs, candidates: &Candidates) -> Vec<Incident> {
    let now_slot = t_ms.div_euclid(HOUR_MS);
    let back = (MAX_DURATION_MS + RECOVERED_SHOWN_MS) / HOUR_MS + 1;
    let mut out = Vec::new();
    for slot in (now_slot - back)..=now_slot {
        for inc in incidents_in_slot(seed, slot, candidates) {
            if inc.start_ms <= t_ms && t_ms < inc.end_ms + RECOVERED_SHOWN_MS {
                out.push(inc);
            }
        }
    }
    out
}
