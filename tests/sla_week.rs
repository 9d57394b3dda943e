//! A simulated week on the 工单与SLA page: at chosen instants, every clock the
//! ticket board and the fault-report list show agrees with the contract's
//! arithmetic, worked out here from the tickets' own timestamps.

use opswall::kpi::Catalog;
use opswall::layout::{self, Known};
use opswall::model::Ticket;
use opswall::panels::{self, Ctx};
use opswall::sim::Estate;
use opswall::sla::Policy;

const MIN: i64 = 60_000;

/// The contract for a high-priority incident, by hand: (clock, start, allowed minutes, done).
fn contract(t: &Ticket) -> Vec<(&'static str, Option<i64>, i64, Option<i64>)> {
    vec![
        ("response", Some(t.reported_ms), 30, t.responded_ms),
        ("on_site", Some(t.reported_ms), 120, t.on_site_ms),
        ("resolution", Some(t.reported_ms), 420, t.resolved_ms),
        ("report", t.resolved_ms, 1440, t.report_ms),
    ]
}

fn expected_state(
    start: Option<i64>,
    allowed_min: i64,
    done: Option<i64>,
    now: i64,
) -> &'static str {
    let Some(start) = start else { return "pending" };
    let due = start + allowed_min * MIN;
    match done {
        Some(d) if d <= due => "met",
        Some(_) => "missed",
        None if now > due => "breached",
        None if (now - start) * 4 >= allowed_min * MIN * 3 => "near_breach",
        None if (now - start) * 2 >= allowed_min * MIN => "warning",
        None => "running",
    }
}

#[test]
fn a_week_of_tickets_meets_and_breaches_exactly_as_the_arithmetic_says() {
    let catalog = Catalog::builtin();
    let sla = Policy::builtin();
    let estate = Estate::new(11);
    let known = Known {
        catalog: &catalog,
        inventory: Some(estate.inventory()),
    };
    let text = include_str!("../layouts/command-center.toml");
    let layout = layout::parse(text, "command-center.toml", &known).unwrap();
    let page = layout
        .pages
        .iter()
        .position(|p| p.name == "工单与SLA")
        .expect("the 工单与SLA page");

    let mut checked = 0;
    let mut seen = std::collections::BTreeSet::new();
    for day in 7..14 {
        for hhmm in ["03:10", "10:30", "16:45", "23:55"] {
            let now = opswall::parse_time(&format!("2026-12-{day:02} {hhmm}")).unwrap();
            let store = opswall::render::sim_store(&estate, now);
            let cx = Ctx::at_rest(&store, &catalog, &sla, &layout, now);
            let states: Vec<serde_json::Value> = layout.pages[page]
                .panels
                .iter()
                .map(|p| serde_json::to_value(panels::state(p, &cx)).unwrap())
                .collect();
            let tickets: Vec<&Ticket> = store.tickets().collect();
            for s in &states {
                let rows = match s["kind"].as_str() {
                    Some("ticket_board" | "fault_reports") => {
                        s["shows"]["rows"].as_array().unwrap()
                    }
                    _ => continue,
                };
                for row in rows {
                    let t = tickets.iter().find(|t| t.id == row["id"]).unwrap();
                    if t.kind != opswall::model::TicketKind::Incident
                        || t.priority != opswall::model::Priority::High
                    {
                        continue;
                    }
                    let clocks: Vec<&serde_json::Value> = match row.get("clocks") {
                        Some(c) => c.as_array().unwrap().iter().collect(),
                        None => vec![&row["clock"]],
                    };
                    for c in clocks {
                        let (_, start, allowed, done) = contract(t)
                            .into_iter()
                            .find(|(k, ..)| *k == c["kind"])
                            .unwrap();
                        let want = expected_state(start, allowed, done, now);
                        assert_eq!(c["state"], want, "{} {} at {day} {hhmm}", t.id, c["kind"]);
                        // The minutes shown are the minutes the arithmetic gives.
                        if matches!(want, "running" | "warning" | "near_breach") {
                            let left_min = (start.unwrap() + allowed * MIN - now) / MIN;
                            let text = c["text"].as_str().unwrap();
                            let shown = if left_min >= 60 {
                                format!("剩余 {}小时{:02}分", left_min / 60, left_min % 60)
                            } else {
                                format!("剩余 {left_min}分")
                            };
                            assert_eq!(text, shown, "{} {}", t.id, c["kind"]);
                        }
                        seen.insert(want);
                        checked += 1;
                    }
                }
            }
        }
    }
    assert!(checked > 50, "only {checked} clocks checked");
    for state in ["met", "missed", "running", "breached"] {
        assert!(
            seen.contains(state),
            "no clock was {state} in the week: {seen:?}"
        );
    }
}
