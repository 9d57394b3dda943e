//! SLA clocks: how long a ticket may take, from a policy file admins edit,
//! and where each of its clocks stands now.
//!
//! A clock starts when the ticket is reported (the report clock: when it is
//! resolved), is due after its allowed minutes, and ends when the matching
//! timestamp is set. Done on or before the due instant is met; after it,
//! missed. Still running past it is breached. All arithmetic is on UTC
//! milliseconds, so midnight, month ends and tickets older than the wall
//! need no special case.

use serde::{Deserialize, Serialize};

use crate::model::{Priority, Ticket, TicketKind, TimestampMs};

const MINUTE_MS: i64 = 60_000;

/// The four clocks of the service contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockKind {
    Response,
    OnSite,
    Resolution,
    Report,
}

impl ClockKind {
    pub const ALL: [ClockKind; 4] = [
        ClockKind::Response,
        ClockKind::OnSite,
        ClockKind::Resolution,
        ClockKind::Report,
    ];

    pub fn label_zh(self) -> &'static str {
        match self {
            ClockKind::Response => "响应",
            ClockKind::OnSite => "到场",
            ClockKind::Resolution => "解决",
            ClockKind::Report => "报告",
        }
    }
}

/// Where a clock stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockState {
    /// Not started yet (a report clock before resolution).
    Pending,
    /// Running, under the warning share of its time.
    Running,
    /// Running, past the warning share.
    Warning,
    /// Running, past the near-breach share.
    NearBreach,
    /// Running past its due instant.
    Breached,
    /// Done on time.
    Met,
    /// Done late.
    Missed,
}

impl ClockState {
    pub fn label_zh(self) -> &'static str {
        match self {
            ClockState::Pending => "未开始",
            ClockState::Running => "计时中",
            ClockState::Warning => "预警",
            ClockState::NearBreach => "临近超时",
            ClockState::Breached => "已超时",
            ClockState::Met => "达标",
            ClockState::Missed => "超时完成",
        }
    }

    /// Whether the clock is still counting.
    pub fn is_running(self) -> bool {
        matches!(
            self,
            ClockState::Running
                | ClockState::Warning
                | ClockState::NearBreach
                | ClockState::Breached
        )
    }
}

/// One clock of one ticket.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Clock {
    pub kind: ClockKind,
    pub state: ClockState,
    pub start_ms: Option<TimestampMs>,
    pub due_ms: Option<TimestampMs>,
    pub done_ms: Option<TimestampMs>,
    /// Allowed time, minutes.
    pub allowed_min: u32,
    /// Share of the allowed time used (at `done_ms` if done), may exceed 1.
    pub used: f64,
    /// Time left until due (negative when overdue), ms; at `done_ms` if done.
    pub remaining_ms: i64,
}

/// Allowed minutes per clock; 0 means the clock does not apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    pub response_min: u32,
    pub on_site_min: u32,
    pub resolution_min: u32,
    pub report_min: u32,
}

impl Limits {
    pub fn get(&self, kind: ClockKind) -> u32 {
        match kind {
            ClockKind::Response => self.response_min,
            ClockKind::OnSite => self.on_site_min,
            ClockKind::Resolution => self.resolution_min,
            ClockKind::Report => self.report_min,
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            response_min: 30,
            on_site_min: 120,
            resolution_min: 420,
            report_min: 1440,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    kind: Option<String>,
    priority: Option<String>,
    response_min: Option<u32>,
    on_site_min: Option<u32>,
    resolution_min: Option<u32>,
    report_min: Option<u32>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    warning_at: Option<f64>,
    near_breach_at: Option<f64>,
    default: Option<Limits>,
    #[serde(default)]
    rule: Vec<toml::Spanned<RawRule>>,
}

/// A rule resolved: which tickets it matches and what it overrides.
#[derive(Clone, Debug, PartialEq)]
struct Rule {
    kind: Option<TicketKind>,
    priority: Option<Priority>,
    overrides: RawRule,
}

/// The SLA policy.
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    /// Share of allowed time at which a running clock turns to warning.
    pub warning_at: f64,
    /// Share at which it is near breach.
    pub near_breach_at: f64,
    pub default: Limits,
    rules: Vec<Rule>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            warning_at: 0.5,
            near_breach_at: 0.75,
            default: Limits::default(),
            rules: Vec::new(),
        }
    }
}

/// The policy shipped with opswall.
pub const BUILTIN_POLICY: &str = include_str!("../../layouts/sla-policy.toml");

impl Policy {
    /// Parses policy text; every problem comes back as `file:line: message`.
    pub fn parse(text: &str, file: &str) -> Result<Policy, Vec<String>> {
        let raw: RawPolicy = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map_or(1, |s| crate::layout::line_of(text, s.start));
            vec![format!("{file}:{line}: {}", e.message().trim())]
        })?;
        let mut errors = Vec::new();
        let mut rules = Vec::new();
        for r in raw.rule {
            let line = crate::layout::line_of(text, r.span().start);
            let r = r.into_inner();
            let kind = r.kind.as_deref().map(|k| (k, TicketKind::from_key(k)));
            let priority = r.priority.as_deref().map(|p| (p, Priority::from_key(p)));
            if let Some((k, None)) = kind {
                errors.push(format!("{file}:{line}: unknown ticket kind `{k}`"));
            }
            if let Some((p, None)) = priority {
                errors.push(format!(
                    "{file}:{line}: unknown priority `{p}`; use urgent, high, medium or low"
                ));
            }
            rules.push(Rule {
                kind: kind.and_then(|k| k.1),
                priority: priority.and_then(|p| p.1),
                overrides: r,
            });
        }
        let warning_at = raw.warning_at.unwrap_or(0.5);
        let near_breach_at = raw.near_breach_at.unwrap_or(0.75);
        if !(0.0 < warning_at && warning_at < near_breach_at && near_breach_at < 1.0) {
            errors.push(format!("{file}:1: need 0 < warning_at ({warning_at}) < near_breach_at ({near_breach_at}) < 1"));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Policy {
            warning_at,
            near_breach_at,
            default: raw.default.unwrap_or_default(),
            rules,
        })
    }

    /// The shipped policy (checked by a test, so it always parses).
    pub fn builtin() -> Policy {
        Policy::parse(BUILTIN_POLICY, "layouts/sla-policy.toml").unwrap_or_default()
    }

    /// The limits for a kind and priority: the default with every matching rule applied in order.
    pub fn limits(&self, kind: TicketKind, priority: Priority) -> Limits {
        let mut l = self.default;
        for r in &self.rules {
            if r.kind.is_some_and(|k| k != kind) || r.priority.is_some_and(|p| p != priority) {
                continue;
            }
            let o = &r.overrides;
            l.response_min = o.response_min.unwrap_or(l.response_min);
            l.on_site_min = o.on_site_min.unwrap_or(l.on_site_min);
            l.resolution_min = o.resolution_min.unwrap_or(l.resolution_min);
            l.report_min = o.report_min.unwrap_or(l.report_min);
        }
        l
    }

    /// One clock of a ticket at `now_ms`; `None` if it does not apply.
    pub fn clock(&self, ticket: &Ticket, kind: ClockKind, now_ms: TimestampMs) -> Option<Clock> {
        let allowed_min = self.limits(ticket.kind, ticket.priority).get(kind);
        if allowed_min == 0 {
            return None;
        }
        let (start, done) = match kind {
            ClockKind::Response => (Some(ticket.reported_ms), ticket.responded_ms),
            ClockKind::OnSite => (Some(ticket.reported_ms), ticket.on_site_ms),
            ClockKind::Resolution => (Some(ticket.reported_ms), ticket.resolved_ms),
            ClockKind::Report => (ticket.resolved_ms, ticket.report_ms),
        };
        let allowed_ms = i64::from(allowed_min) * MINUTE_MS;
        let Some(start) = start else {
            return Some(Clock {
                kind,
                state: ClockState::Pending,
                start_ms: None,
                due_ms: None,
                done_ms: None,
                allowed_min,
                used: 0.0,
                remaining_ms: allowed_ms,
            });
        };
        let due = start + allowed_ms;
        let at = done.unwrap_or(now_ms);
        let used = (at - start) as f64 / allowed_ms as f64;
        let state = match done {
            Some(d) if d <= due => ClockState::Met,
            Some(_) => ClockState::Missed,
            None if now_ms > due => ClockState::Breached,
            None if used >= self.near_breach_at => ClockState::NearBreach,
            None if used >= self.warning_at => ClockState::Warning,
            None => ClockState::Running,
        };
        Some(Clock {
            kind,
            state,
            start_ms: Some(start),
            due_ms: Some(due),
            done_ms: done,
            allowed_min,
            used,
            remaining_ms: due - at,
        })
    }

    /// Every clock that applies to a ticket, in contract order.
    pub fn clocks(&self, ticket: &Ticket, now_ms: TimestampMs) -> Vec<Clock> {
        ClockKind::ALL
            .iter()
            .filter_map(|k| self.clock(ticket, *k, now_ms))
            .collect()
    }
}

/// Formats time left as the wall shows it, to the minute: `剩余 1小时05分`,
/// `超时 12分`. Whole minutes are counted down (29:59 left shows 29分).
pub fn format_remaining(remaining_ms: i64) -> String {
    let overdue = remaining_ms < 0;
    let minutes = if overdue {
        (-remaining_ms).div_euclid(MINUTE_MS) + i64::from((-remaining_ms) % MINUTE_MS != 0)
    } else {
        remaining_ms / MINUTE_MS
    };
    let text = if minutes >= 60 {
        format!("{}小时{:02}分", minutes / 60, minutes % 60)
    } else {
        format!("{minutes}分")
    };
    if overdue {
        format!("超时 {text}")
    } else {
        format!("剩余 {text}")
    }
}

#[cfg(test)]
mod tests;
