//! The duty workstation turns an alert into a ticket (转工单): the ticker
//! offers the action, the command reaches the source, and the new ticket,
//! linked to the alert, comes back to the wall.

mod common;

use std::time::Duration;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use common::{at_ms, fixture, single_panel};
use opswall::app::{fonts, wall};
use opswall::model::{Alert, Severity};
use opswall::panels::{Command, Ctx, ViewStates};
use opswall::sim::{Estate, SimClock};
use opswall::sources::{self, Outbox, SourceCommand, sim::SimSourceConfig};
use opswall::store::Update;

#[test]
fn the_ticker_offers_to_turn_an_alert_without_a_ticket_into_one() {
    let f = fixture();
    let layout = f.layout(&single_panel("kind = \"ticker\"\ntitle = \"实时告警\""));
    let mut store = opswall::render::sim_store(&f.estate, at_ms());
    // A warning alert: critical ones already have their automatic ticket.
    let alert = Alert {
        id: "TEST-1".into(),
        severity: Severity::Warning,
        target: "hx-app01".into(),
        system: "hx".into(),
        kpi: Some("host_mem_used_pct".into()),
        message: "内存使用率超过85%".into(),
        first_seen_ms: at_ms() - 60_000,
        acknowledged: false,
        owner: None,
        cleared_ms: None,
        muted: None,
    };
    // And an alert that already has its ticket: it offers nothing.
    let ticketed = store
        .tickets()
        .find(|t| !t.alerts.is_empty())
        .unwrap()
        .alerts[0]
        .clone();
    let with_ticket = Alert {
        id: ticketed,
        severity: Severity::Critical,
        ..alert.clone()
    };
    store.apply(Update::Alerts {
        source: opswall::sim::SOURCE_NAME.into(),
        at_ms: at_ms(),
        alerts: vec![alert, with_ticket],
    });

    let mut views = ViewStates::default();
    let mut harness = Harness::builder()
        .with_size(egui::vec2(960.0, 540.0))
        .with_context_setup(fonts::install)
        .build_ui_state(
            |ui, commands: &mut Vec<Command>| {
                let cx = Ctx {
                    duty: true,
                    ..Ctx::at_rest(&store, &f.catalog, &f.sla, &layout, at_ms())
                };
                let canvas =
                    wall::canvas_rect(layout.wall.scale, ui.max_rect(), layout.wall.design);
                commands.extend(wall::page_ui(ui, canvas, 0, &cx, &mut views));
            },
            Vec::new(),
        );
    harness.run();
    let buttons = harness.query_all_by_label("转工单").count();
    assert_eq!(buttons, 1, "only the alert without a ticket offers it");
    harness.get_by_label("转工单").click();
    harness.run();
    assert!(
        harness.state().contains(&Command::CreateTicket {
            alert: "TEST-1".into()
        }),
        "{:?}",
        harness.state()
    );
}

#[test]
fn the_simulated_desk_opens_the_ticket_and_sends_it_back() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let (tx, mut rx) = sources::channel();
    let (commands, commands_rx) = sources::command_channel();
    let clock = SimClock::new(at_ms(), 1.0);
    let out = Outbox::new(tx, std::sync::Arc::new(|| {}));
    let config = SimSourceConfig {
        tick_s: 15.0,
        backfill_h: 0.1,
        ..SimSourceConfig::default()
    };
    runtime.spawn(sources::sim::run(
        Estate::new(1),
        clock,
        config,
        out,
        commands_rx,
    ));

    let alert = Alert {
        id: "TEST-2".into(),
        severity: Severity::Warning,
        target: "gs-app02".into(),
        system: "gs".into(),
        kpi: None,
        message: "磁盘使用率超过80%".into(),
        first_seen_ms: at_ms() - 120_000,
        acknowledged: true,
        owner: Some("李娜".into()),
        cleared_ms: None,
        muted: None,
    };
    let ticket = runtime.block_on(async {
        commands
            .send(SourceCommand::CreateTicket { alert })
            .await
            .unwrap();
        tokio::time::timeout(Duration::from_secs(10), async {
            while let Some(update) = rx.recv().await {
                if let Update::Tickets { tickets, .. } = update
                    && let Some(t) = tickets.into_iter().find(|t| t.alerts == ["TEST-2"])
                {
                    return Some(t);
                }
            }
            None
        })
        .await
        .unwrap()
    });
    let ticket = ticket.expect("the new ticket");
    assert_eq!(ticket.system, "gs");
    assert_eq!(ticket.target.as_deref(), Some("gs-app02"));
    assert!(
        ticket.title.contains("磁盘使用率超过80%"),
        "{}",
        ticket.title
    );
    assert!(
        ticket.responded_ms.is_none(),
        "just opened: nobody has responded yet"
    );
}

#[test]
fn an_alert_turned_into_a_ticket_by_hand_is_not_ticketed_twice() {
    use opswall::sources::sim::ManualTickets;
    let estate = Estate::new(1);
    // A critical alert caught in the minute before the desk's automation opens its ticket.
    let t = (0..2000)
        .map(|i| at_ms() + i * 60_000)
        .find(|t| {
            estate.alerts_at(*t).iter().any(|a| {
                a.severity == Severity::Critical
                    && a.cleared_ms.is_none()
                    && !estate
                        .tickets_at(*t)
                        .iter()
                        .any(|tk| tk.alerts.contains(&a.id))
            })
        })
        .expect("an alert waiting for its ticket");
    let alert = estate
        .alerts_at(t)
        .into_iter()
        .find(|a| {
            a.severity == Severity::Critical
                && !estate
                    .tickets_at(t)
                    .iter()
                    .any(|tk| tk.alerts.contains(&a.id))
        })
        .unwrap();
    let mut manual = ManualTickets::default();
    assert!(manual.open(&estate, alert.clone(), t));
    assert!(
        !manual.open(&estate, alert.clone(), t + 1_000),
        "a second click opens nothing"
    );
    let later = t + 3_600_000;
    let linked: Vec<_> = manual
        .tickets_at(&estate, later)
        .into_iter()
        .filter(|tk| tk.alerts.contains(&alert.id))
        .collect();
    assert_eq!(linked.len(), 1, "{linked:?}");
    assert_eq!(linked[0].reported_ms, t);
}
