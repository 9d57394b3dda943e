//! The simulated service desk: tickets, worked the way the bureau's
//! engineers work them.
//!
//! Critical alerts open tickets automatically (the alert → ticket link the
//! contract asks for); engineers respond, go on site, resolve and file fault
//! reports after believable delays, a few of them late. Planned work runs
//! beside it: a weekly patch release through its five stages, data
//! maintenance in seven, changes and consultations. Like the rest of the
//! estate, every ticket is a pure function of the seed and the instant: a
//! plan with all its future timestamps is drawn, then cut at the instant.

use chrono::{Datelike, NaiveDate, TimeZone, Weekday};

use super::Estate;
use super::incidents::{ENGINEERS, Incident, IncidentKind, incidents_starting};
use super::rng::{Draw, hash, str_hash};
use super::time::BEIJING_OFFSET_MS;
use crate::model::{Alert, Priority, Severity, Ticket, TicketKind, TimestampMs, to_utc};

const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;
/// Open tickets older than this are not looked for (nothing stays open longer).
const LOOK_BACK_MS: i64 = 8 * DAY;

/// A ticket with every timestamp it will ever have, and when each stage begins.
#[derive(Clone, Debug)]
struct Plan {
    ticket: Ticket,
    /// Start of each stage; the ticket's process is done at `done_ms`.
    stage_starts: Vec<TimestampMs>,
}

impl Plan {
    /// The ticket as it stands at `t_ms`: later timestamps not yet set.
    fn at(&self, t_ms: TimestampMs) -> Ticket {
        let mut t = self.ticket.clone();
        let cut = |v: Option<TimestampMs>| v.filter(|x| *x <= t_ms);
        t.responded_ms = cut(t.responded_ms);
        t.on_site_ms = cut(t.on_site_ms);
        t.resolved_ms = cut(t.resolved_ms);
        t.report_ms = cut(t.report_ms);
        t.stage = self
            .stage_starts
            .iter()
            .rposition(|s| *s <= t_ms)
            .unwrap_or(0);
        if t.responded_ms.is_none() {
            t.owner = None;
        }
        t
    }
}

/// Beijing calendar date of an instant.
fn local_date(t_ms: TimestampMs) -> NaiveDate {
    to_utc(t_ms + BEIJING_OFFSET_MS).date_naive()
}

/// UTC ms of a Beijing wall-clock time.
fn beijing(date: NaiveDate, hour: u32, minute: u32) -> TimestampMs {
    let naive = date.and_hms_opt(hour, minute, 0).unwrap_or_default();
    chrono::Utc.from_utc_datetime(&naive).timestamp_millis() - BEIJING_OFFSET_MS
}

fn ticket_id(prefix: &str, reported_ms: TimestampMs, seq: u64) -> String {
    format!(
        "{prefix}{}{:03}",
        local_date(reported_ms).format("%Y%m%d"),
        seq % 1000
    )
}

fn engineer(d: &mut Draw) -> String {
    ENGINEERS[d.index(ENGINEERS.len())].to_owned()
}

/// A ticket opened by a critical alert.
fn incident_plan(estate: &Estate, inc: &Incident) -> Plan {
    let target = &estate.inventory.targets[inc.target];
    let mut d = Draw::new(hash(&[estate.seed, str_hash(&inc.id), 0x71C]));
    let emergency = matches!(
        inc.kind,
        IncidentKind::HostUnreachable | IncidentKind::EtaxLatency
    ) && inc.peak > 0.85;
    let reported = inc.first_seen_ms() + (d.range(1.0, 3.0) * MIN as f64) as i64;
    // Most respond well within the half hour; about one in ten does not.
    let respond = if d.next() < 0.1 {
        d.range(31.0, 55.0)
    } else {
        d.range(2.0, 26.0)
    };
    let responded = reported + (respond * MIN as f64) as i64;
    let on_site_after = if d.next() < 0.08 {
        d.range(125.0, 170.0)
    } else {
        d.range(35.0, 110.0)
    };
    let on_site = (reported + (on_site_after * MIN as f64) as i64).max(responded + 10 * MIN);
    let resolved = (inc.end_ms + (d.range(5.0, 40.0) * MIN as f64) as i64).max(on_site + 15 * MIN);
    let report_after = if d.next() < 0.1 {
        d.range(25.0, 36.0)
    } else {
        d.range(3.0, 20.0)
    };
    let report = resolved + (report_after * HOUR as f64) as i64;
    let kind = if emergency {
        TicketKind::Emergency
    } else {
        TicketKind::Incident
    };
    let stage_starts = if emergency {
        // 沟通确认 → 恢复系统 → 查找问题原因 → 出具方案 → 问题跟踪
        vec![
            reported,
            responded,
            resolved,
            resolved + (report - resolved) * 3 / 5,
            report,
        ]
    } else {
        // 受理 → 响应 → 到场处理 → 解决 → 故障报告
        vec![reported, responded, on_site, resolved, report]
    };
    // Unique within a day: the incident's UTC hour slot and draw.
    let seq = (inc.start_ms.div_euclid(HOUR).rem_euclid(24) as u64) * 10 + inc.attempt;
    Plan {
        ticket: Ticket {
            id: ticket_id(if emergency { "YJ" } else { "GZ" }, reported, seq),
            kind,
            priority: if emergency {
                Priority::Urgent
            } else {
                Priority::High
            },
            title: format!("{} {}", target.name, inc.message()),
            system: target.system.clone(),
            target: Some(target.id.clone()),
            alerts: vec![inc.id.clone()],
            owner: Some(ENGINEERS[inc.engineer].to_owned()),
            reported_ms: reported,
            responded_ms: Some(responded),
            on_site_ms: Some(on_site),
            resolved_ms: Some(resolved),
            report_ms: Some(report),
            stage: 0,
        },
        stage_starts,
    }
}

/// A planned ticket whose stages take `stage_min` minutes each from `start`.
#[expect(
    clippy::too_many_arguments,
    reason = "a constructor with every field named at the call"
)]
fn planned(
    kind: TicketKind,
    prefix: &str,
    seq: u64,
    priority: Priority,
    title: String,
    system: &str,
    start: TimestampMs,
    respond_min: f64,
    stage_min: &[f64],
    d: &mut Draw,
) -> Plan {
    let mut stage_starts = vec![start];
    let mut t = start;
    for m in &stage_min[..stage_min.len() - 1] {
        t += (m * MIN as f64) as i64;
        stage_starts.push(t);
    }
    let done = t + (stage_min[stage_min.len() - 1] * MIN as f64) as i64;
    Plan {
        ticket: Ticket {
            id: ticket_id(prefix, start, seq),
            kind,
            priority,
            title,
            system: system.to_owned(),
            target: None,
            alerts: Vec::new(),
            owner: Some(engineer(d)),
            reported_ms: start,
            responded_ms: Some(start + (respond_min * MIN as f64) as i64),
            on_site_ms: None,
            resolved_ms: Some(done),
            report_ms: None,
            stage: 0,
        },
        stage_starts,
    }
}

const PATCHES: [&str; 4] = [
    "WebLogic季度安全补丁",
    "Oracle RU补丁",
    "操作系统安全补丁",
    "应用版本升级",
];
const DATA_JOBS: [&str; 5] = [
    "纳税人登记信息更正",
    "申报数据补录",
    "发票数据核对",
    "征期数据清理",
    "税款入库数据修复",
];
const QUESTIONS: [&str; 4] = [
    "申报表填写咨询",
    "发票开具权限咨询",
    "系统登录问题咨询",
    "报表导出咨询",
];
const CHANGES: [&str; 3] = ["数据库参数调整", "中间件连接池扩容", "网络策略变更"];

/// The planned work of one Beijing day.
fn day_plans(estate: &Estate, date: NaiveDate) -> Vec<Plan> {
    let seed = estate.seed;
    let day_no = u64::from(date.num_days_from_ce().unsigned_abs());
    let systems: Vec<&str> = estate
        .inventory
        .systems
        .iter()
        .map(|s| s.id.as_str())
        .collect();
    let weekday = date.weekday();
    let workday = !matches!(weekday, Weekday::Sat | Weekday::Sun);
    let mut plans = Vec::new();
    let mut d = Draw::new(hash(&[seed, day_no, 0xDE5C]));

    // The weekly patch release starts on Wednesday morning.
    if weekday == Weekday::Wed {
        let week = day_no / 7;
        let system = systems[(week as usize) % systems.len()];
        let title = PATCHES[(week as usize) % PATCHES.len()].to_owned();
        // 补丁验证 1 d → 模拟环境测试 2 d → 发布升级通知 1 d → 升级实施 (night) → 汇总.
        let stages = [
            d.range(20.0, 30.0) * 60.0,
            d.range(40.0, 56.0) * 60.0,
            24.0 * 60.0,
            10.0 * 60.0,
            d.range(8.0, 20.0) * 60.0,
        ];
        plans.push(planned(
            TicketKind::PatchRelease,
            "BD",
            1,
            Priority::Medium,
            title,
            system,
            beijing(date, 9, 0),
            d.range(5.0, 20.0),
            &stages,
            &mut d,
        ));
    }
    if workday {
        for i in 0..=d.index(3) {
            let start = beijing(date, 8, 30) + (d.range(0.0, 8.0) * HOUR as f64) as i64;
            let system = systems[d.index(systems.len())];
            let title = DATA_JOBS[d.index(DATA_JOBS.len())].to_owned();
            let stages: Vec<f64> = (0..7).map(|_| d.range(20.0, 150.0)).collect();
            let respond = if d.next() < 0.08 {
                d.range(31.0, 50.0)
            } else {
                d.range(3.0, 25.0)
            };
            let priority = if d.next() < 0.3 {
                Priority::High
            } else {
                Priority::Medium
            };
            plans.push(planned(
                TicketKind::DataMaintenance,
                "SJ",
                10 + i as u64,
                priority,
                title,
                system,
                start,
                respond,
                &stages,
                &mut d,
            ));
        }
        if d.next() < 0.6 {
            let start = beijing(date, 10, 0) + (d.range(0.0, 6.0) * HOUR as f64) as i64;
            let system = systems[d.index(systems.len())];
            let title = CHANGES[d.index(CHANGES.len())].to_owned();
            let stages = [
                d.range(60.0, 240.0),
                d.range(120.0, 600.0),
                d.range(60.0, 180.0),
                d.range(30.0, 120.0),
            ];
            plans.push(planned(
                TicketKind::Change,
                "BG",
                20,
                Priority::Medium,
                title,
                system,
                start,
                d.range(5.0, 25.0),
                &stages,
                &mut d,
            ));
        }
    }
    for i in 0..=d.index(if workday { 4 } else { 2 }) {
        let start = beijing(date, 8, 30) + (d.range(0.0, 9.0) * HOUR as f64) as i64;
        let system = systems[d.index(systems.len())];
        let title = QUESTIONS[d.index(QUESTIONS.len())].to_owned();
        let answer = if d.next() < 0.07 {
            d.range(250.0, 330.0)
        } else {
            d.range(15.0, 180.0)
        };
        let respond = if d.next() < 0.05 {
            d.range(31.0, 45.0)
        } else {
            d.range(2.0, 20.0)
        };
        plans.push(planned(
            TicketKind::Consultation,
            "ZX",
            30 + i as u64,
            Priority::Low,
            title,
            system,
            start,
            respond,
            &[respond, answer],
            &mut d,
        ));
    }
    plans
}

impl Estate {
    /// A ticket the duty officer opened from an alert at `created_ms` (转工单),
    /// as it stands at `t_ms`: the desk works it like any other incident.
    pub fn ticket_from_alert(
        &self,
        alert: &Alert,
        created_ms: TimestampMs,
        seq: u64,
        t_ms: TimestampMs,
    ) -> Ticket {
        let mut d = Draw::new(hash(&[
            self.seed,
            str_hash(&alert.id),
            created_ms as u64,
            0x7A,
        ]));
        let responded = created_ms + (d.range(3.0, 25.0) * MIN as f64) as i64;
        let on_site = created_ms + (d.range(40.0, 110.0) * MIN as f64) as i64;
        let cleared = alert
            .cleared_ms
            .filter(|c| *c > created_ms)
            .unwrap_or(created_ms + (d.range(60.0, 300.0) * MIN as f64) as i64);
        let resolved = (cleared + (d.range(5.0, 30.0) * MIN as f64) as i64).max(on_site + 15 * MIN);
        let report = resolved + (d.range(3.0, 20.0) * HOUR as f64) as i64;
        let target = self.inventory.target(&alert.target);
        let plan = Plan {
            ticket: Ticket {
                // Service-desk tickets opened by hand have their own series.
                id: ticket_id("SD", created_ms, seq),
                kind: TicketKind::Incident,
                priority: if alert.severity == Severity::Critical {
                    Priority::High
                } else {
                    Priority::Medium
                },
                title: format!(
                    "{} {}",
                    target.map_or(alert.target.as_str(), |t| t.name.as_str()),
                    alert.message
                ),
                system: alert.system.clone(),
                target: Some(alert.target.clone()),
                alerts: vec![alert.id.clone()],
                owner: Some(engineer(&mut d)),
                reported_ms: created_ms,
                responded_ms: Some(responded),
                on_site_ms: Some(on_site),
                resolved_ms: Some(resolved),
                report_ms: Some(report),
                stage: 0,
            },
            stage_starts: vec![created_ms, responded, on_site, resolved, report],
        };
        plan.at(t_ms)
    }

    /// Tickets as they stand at `t_ms`: everything reported this month
    /// (Beijing), and anything older still open or awaiting its report.
    pub fn tickets_at(&self, t_ms: TimestampMs) -> Vec<Ticket> {
        let today = local_date(t_ms);
        let month_start = beijing(today.with_day(1).unwrap_or(today), 0, 0);
        let from = month_start.min(t_ms - LOOK_BACK_MS);

        let mut plans: Vec<Plan> =
            incidents_starting(self.seed, from - 6 * HOUR, t_ms, &self.candidates)
                .iter()
                .filter(|i| i.severity() == Severity::Critical)
                .map(|i| incident_plan(self, i))
                .collect();
        let mut date = local_date(from);
        while date <= today {
            plans.extend(day_plans(self, date));
            let Some(next) = date.succ_opt() else { break };
            date = next;
        }
        let mut out: Vec<Ticket> = plans
            .iter()
            .filter(|p| p.ticket.reported_ms <= t_ms)
            .map(|p| p.at(t_ms))
            .filter(|t| {
                t.reported_ms >= month_start
                    || t.resolved_ms.is_none()
                    || (t.kind.has_fault_report() && t.report_ms.is_none())
            })
            .collect();
        out.sort_by(|a, b| {
            a.reported_ms
                .cmp(&b.reported_ms)
                .then_with(|| a.id.cmp(&b.id))
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;
    use crate::sla::{ClockKind, ClockState, Policy};

    fn at(s: &str) -> TimestampMs {
        crate::parse_time(s).unwrap()
    }

    #[test]
    fn the_desk_is_deterministic() {
        let t = at("2026-12-10 10:30");
        assert_eq!(Estate::new(5).tickets_at(t), Estate::new(5).tickets_at(t));
        assert_ne!(Estate::new(5).tickets_at(t), Estate::new(6).tickets_at(t));
    }

    #[test]
    fn a_simulated_month_visits_every_stage_of_every_process_in_order() {
        let e = Estate::new(3);
        let start = at("2026-11-01 00:00");
        let mut seen: BTreeMap<TicketKind, BTreeSet<usize>> = BTreeMap::new();
        let mut last_stage: BTreeMap<String, usize> = BTreeMap::new();
        // Every 20 simulated minutes for 30 days.
        for step in 0..(30 * 72) {
            let t = start + step * 20 * MIN;
            for ticket in e.tickets_at(t) {
                seen.entry(ticket.kind).or_default().insert(ticket.stage);
                let prev = last_stage
                    .insert(ticket.id.clone(), ticket.stage)
                    .unwrap_or(0);
                assert!(
                    ticket.stage >= prev,
                    "{} went back from stage {prev} to {}",
                    ticket.id,
                    ticket.stage
                );
                assert!(ticket.reported_ms <= t);
                for done in [
                    ticket.responded_ms,
                    ticket.on_site_ms,
                    ticket.resolved_ms,
                    ticket.report_ms,
                ]
                .into_iter()
                .flatten()
                {
                    assert!(done <= t, "{} has a future timestamp", ticket.id);
                }
            }
        }
        for kind in TicketKind::ALL {
            let stages: BTreeSet<usize> = (0..kind.stages().len()).collect();
            assert_eq!(
                seen.get(&kind),
                Some(&stages),
                "{kind:?} did not go through every stage"
            );
        }
    }

    #[test]
    fn critical_alerts_open_tickets_and_a_few_clocks_are_missed() {
        let e = Estate::new(3);
        let policy = Policy::builtin();
        let end = at("2026-11-30 23:00");
        let tickets = e.tickets_at(end);
        // Every critical alert raised this month has its ticket, opened within minutes.
        let mut linked = 0;
        for h in 0..(29 * 24) {
            let t = at("2026-11-01 00:00") + h * HOUR;
            for alert in e
                .alerts_at(t)
                .into_iter()
                .filter(|a| a.severity == Severity::Critical)
            {
                let ticket = tickets.iter().find(|tk| tk.alerts.contains(&alert.id));
                let ticket = ticket.unwrap_or_else(|| panic!("alert {} has no ticket", alert.id));
                assert!((ticket.reported_ms - alert.first_seen_ms) <= 3 * MIN);
                linked += 1;
            }
        }
        assert!(linked > 20, "only {linked} critical alerts in a month");

        let mut states: BTreeMap<(ClockKind, ClockState), usize> = BTreeMap::new();
        for t in &tickets {
            for c in policy.clocks(t, end) {
                *states.entry((c.kind, c.state)).or_default() += 1;
            }
        }
        let count = |k, s| states.get(&(k, s)).copied().unwrap_or(0);
        let met = count(ClockKind::Response, ClockState::Met);
        let missed = count(ClockKind::Response, ClockState::Missed);
        assert!(
            missed > 0 && met > 5 * missed,
            "response met {met}, missed {missed}"
        );
        assert!(
            count(ClockKind::Report, ClockState::Missed) > 0,
            "{states:?}"
        );
        assert!(
            count(ClockKind::OnSite, ClockState::Missed) > 0,
            "{states:?}"
        );
    }
}
