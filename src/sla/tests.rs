//! SLA arithmetic at its edges.

use super::*;
use crate::model::{Priority, Ticket, TicketKind};

const MIN: i64 = 60_000;

/// Beijing wall time to UTC ms.
fn bj(s: &str) -> i64 {
    crate::parse_time(s).unwrap()
}

fn ticket(kind: TicketKind, priority: Priority, reported_ms: i64) -> Ticket {
    Ticket {
        id: "GD-1".into(),
        kind,
        priority,
        title: "t".into(),
        system: "hx".into(),
        target: None,
        alerts: Vec::new(),
        owner: None,
        reported_ms,
        responded_ms: None,
        on_site_ms: None,
        resolved_ms: None,
        report_ms: None,
        stage: 0,
    }
}

fn state(p: &Policy, t: &Ticket, kind: ClockKind, now: i64) -> ClockState {
    p.clock(t, kind, now).unwrap().state
}

#[test]
fn response_exactly_at_thirty_minutes_is_met_and_a_millisecond_later_is_missed() {
    let p = Policy::builtin();
    let r = bj("2026-12-10 10:00");
    let mut t = ticket(TicketKind::Incident, Priority::High, r);
    t.responded_ms = Some(r + 30 * MIN);
    assert_eq!(
        state(&p, &t, ClockKind::Response, r + 60 * MIN),
        ClockState::Met
    );
    t.responded_ms = Some(r + 30 * MIN + 1);
    assert_eq!(
        state(&p, &t, ClockKind::Response, r + 60 * MIN),
        ClockState::Missed
    );
    t.responded_ms = Some(r + 29 * MIN + 59_000);
    assert_eq!(
        state(&p, &t, ClockKind::Response, r + 60 * MIN),
        ClockState::Met
    );
}

#[test]
fn a_running_clock_warns_at_half_nears_breach_at_three_quarters_and_breaches_after_due() {
    let p = Policy::builtin();
    let r = bj("2026-12-10 10:00");
    let t = ticket(TicketKind::Incident, Priority::High, r);
    let at = |ms: i64| state(&p, &t, ClockKind::Response, r + ms);
    assert_eq!(at(14 * MIN + 59_999), ClockState::Running);
    assert_eq!(at(15 * MIN), ClockState::Warning);
    assert_eq!(at(22 * MIN + 29_999), ClockState::Warning);
    assert_eq!(at(22 * MIN + 30_000), ClockState::NearBreach);
    assert_eq!(at(29 * MIN + 59_000), ClockState::NearBreach);
    assert_eq!(at(30 * MIN), ClockState::NearBreach, "due, not yet over");
    assert_eq!(at(30 * MIN + 1), ClockState::Breached);

    let c = p
        .clock(&t, ClockKind::Response, r + 29 * MIN + 59_000)
        .unwrap();
    assert_eq!(c.remaining_ms, 1_000);
    assert_eq!(format_remaining(c.remaining_ms), "剩余 0分");
    let c = p.clock(&t, ClockKind::Response, r + 30 * MIN + 1).unwrap();
    assert_eq!(format_remaining(c.remaining_ms), "超时 1分");
    assert_eq!(format_remaining(-(61 * MIN)), "超时 1小时01分");
    assert_eq!(format_remaining(90 * MIN + 30_000), "剩余 1小时30分");
}

#[test]
fn clocks_across_midnight_and_a_month_end() {
    let p = Policy::builtin();
    let r = bj("2026-12-10 23:50");
    let t = ticket(TicketKind::Incident, Priority::High, r);
    let c = p
        .clock(&t, ClockKind::Response, bj("2026-12-11 00:19"))
        .unwrap();
    assert_eq!(c.due_ms, Some(bj("2026-12-11 00:20")));
    assert_eq!(c.state, ClockState::NearBreach);
    assert_eq!(format_remaining(c.remaining_ms), "剩余 1分");
    assert_eq!(
        state(&p, &t, ClockKind::Response, bj("2026-12-11 00:21")),
        ClockState::Breached
    );

    let r = bj("2026-11-30 20:00");
    let t = ticket(TicketKind::Incident, Priority::Urgent, r);
    let c = p
        .clock(&t, ClockKind::Resolution, bj("2026-12-01 02:59"))
        .unwrap();
    assert_eq!(c.due_ms, Some(bj("2026-12-01 03:00")));
    assert_eq!(c.state, ClockState::NearBreach);
    assert_eq!(
        state(&p, &t, ClockKind::Resolution, bj("2026-12-01 03:01")),
        ClockState::Breached
    );
}

#[test]
fn tickets_reported_before_the_wall_started_keep_their_history() {
    let p = Policy::builtin();
    let now = bj("2026-12-10 10:00");
    let r = now - 3 * 24 * 60 * MIN;
    let mut t = ticket(TicketKind::Incident, Priority::High, r);
    t.responded_ms = Some(r + 10 * MIN);
    t.on_site_ms = Some(r + 150 * MIN);
    assert_eq!(state(&p, &t, ClockKind::Response, now), ClockState::Met);
    assert_eq!(state(&p, &t, ClockKind::OnSite, now), ClockState::Missed);
    let c = p.clock(&t, ClockKind::Resolution, now).unwrap();
    assert_eq!(c.state, ClockState::Breached);
    assert_eq!(c.remaining_ms, -(3 * 24 * 60 - 420) * MIN);
}

#[test]
fn the_report_clock_waits_for_resolution_then_runs_a_day() {
    let p = Policy::builtin();
    let r = bj("2026-12-10 10:00");
    let mut t = ticket(TicketKind::Incident, Priority::High, r);
    assert_eq!(
        state(&p, &t, ClockKind::Report, r + 600 * MIN),
        ClockState::Pending
    );
    t.resolved_ms = Some(r + 300 * MIN);
    let c = p
        .clock(&t, ClockKind::Report, r + 300 * MIN + 18 * 60 * MIN)
        .unwrap();
    assert_eq!(c.due_ms, Some(r + 300 * MIN + 24 * 60 * MIN));
    assert_eq!(c.state, ClockState::NearBreach);
    t.report_ms = Some(r + 300 * MIN + 24 * 60 * MIN);
    assert_eq!(
        state(&p, &t, ClockKind::Report, r + 3000 * MIN),
        ClockState::Met
    );
}

#[test]
fn policy_rules_override_in_order_and_zero_turns_a_clock_off() {
    let p = Policy::builtin();
    let consult = ticket(TicketKind::Consultation, Priority::Medium, 0);
    let kinds: Vec<ClockKind> = p.clocks(&consult, 0).iter().map(|c| c.kind).collect();
    assert_eq!(kinds, vec![ClockKind::Response, ClockKind::Resolution]);
    assert_eq!(
        p.limits(TicketKind::Incident, Priority::Low).response_min,
        60
    );
    assert_eq!(
        p.limits(TicketKind::Incident, Priority::High),
        Limits::default()
    );
    assert_eq!(
        p.limits(TicketKind::Emergency, Priority::Low),
        Limits::default()
    );
}

#[test]
fn a_broken_policy_file_names_every_bad_line() {
    let text = "[default]\nresponse_min = 30\non_site_min = 120\nresolution_min = 420\nreport_min = 1440\n\n\
                [[rule]]\nkind = \"outage\"\n\n[[rule]]\npriority = \"p0\"\n";
    let errs = Policy::parse(text, "sla.toml").unwrap_err();
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert!(
        errs[0].starts_with("sla.toml:7: unknown ticket kind `outage`"),
        "{errs:?}"
    );
    assert!(
        errs[1].starts_with("sla.toml:10: unknown priority `p0`"),
        "{errs:?}"
    );
    let errs = Policy::parse("warning_at = = 1", "sla.toml").unwrap_err();
    assert!(errs[0].starts_with("sla.toml:1:"), "{errs:?}");
}
