//! The platform API end to end: `opswall sim`'s server and the `platform`
//! source over real HTTP on 127.0.0.1. The wall fed over HTTP must look the
//! same as the wall fed in process; 转工单 posts a ticket that every wall
//! reading the platform then shows; bad servers give clear messages and the
//! source recovers by itself.

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use common::{AT, at_ms};
use opswall::api::server::SimPlatform;
use opswall::kpi::Catalog;
use opswall::layout::{self, Known};
use opswall::model::Severity;
use opswall::panels::Ctx;
use opswall::sim::{Estate, SimClock};
use opswall::sources::config::{self, SourceSpec};
use opswall::sources::platform::Platform;
use opswall::sources::scheduler::{self, Fetcher, Schedule};
use opswall::sources::{self, Outbox, SourceCommand};
use opswall::store::{Limits, Store, Update};

const TOKEN: &str = "tok-SECRET-4711";

fn env(var: &str) -> Option<String> {
    (var == "TEST_PLATFORM_TOKEN").then(|| TOKEN.to_owned())
}

/// A platform source spec for `url`, from sources-file text.
fn spec(url: &str, extra: &str) -> SourceSpec {
    let text = format!(
        "[[source]]\nname = \"{}\"\nkind = \"platform\"\nurl = \"{url}\"\ninterval_s = 60\ntimeout_s = 2\ntoken_env = \"TEST_PLATFORM_TOKEN\"\n{extra}\n",
        opswall::sim::SOURCE_NAME
    );
    config::parse(
        &text,
        "test-sources.toml",
        Path::new("."),
        &Catalog::builtin(),
    )
    .unwrap()
    .sources
    .remove(0)
}

/// Serves the simulated estate, frozen at the fixture's instant, on a free port.
async fn serve_sim(tick_s: f64) -> (SocketAddr, Arc<SimPlatform>) {
    serve_sim_at(tick_s, at_ms()).await
}

/// The first instant, a minute apart from the fixture's, with an active
/// warning alert (warnings get no automatic ticket): something to 转工单.
fn instant_with_an_unticketed_warning() -> (i64, opswall::model::Alert) {
    let estate = Estate::new(common::SEED);
    (0..24 * 60)
        .map(|m| at_ms() + m * 60_000)
        .find_map(|t| {
            let tickets = estate.tickets_at(t);
            estate
                .alerts_at(t)
                .into_iter()
                .find(|a| {
                    a.severity == Severity::Warning
                        && a.cleared_ms.is_none()
                        && !tickets.iter().any(|tk| tk.alerts.contains(&a.id))
                })
                .map(|a| (t, a))
        })
        .expect("a warning alert without a ticket within a day of the fixture")
}

/// Serves the simulated estate frozen at `t_ms` on a free port.
async fn serve_sim_at(tick_s: f64, t_ms: i64) -> (SocketAddr, Arc<SimPlatform>) {
    let platform = Arc::new(SimPlatform::new(
        Estate::new(common::SEED),
        SimClock::new(t_ms, 0.0),
        tick_s,
        Some(TOKEN.to_owned()),
    ));
    let addr = opswall::api::server::spawn("127.0.0.1:0".parse().unwrap(), platform.clone())
        .await
        .unwrap();
    (addr, platform)
}

fn store_from(updates: Vec<Update>) -> Store {
    let mut store = Store::new(Limits::default());
    store.register_source(opswall::sim::SOURCE_NAME, 60.0);
    for u in updates {
        store.apply(u);
    }
    store
}

#[test]
fn the_wall_fed_over_http_looks_the_same_as_the_wall_fed_in_process() {
    let rt = common::runtime();
    let updates = rt.block_on(async {
        let (addr, _p) = serve_sim(60.0).await;
        let mut source = Platform::with_env(&spec(&format!("http://{addr}"), ""), &env).unwrap();
        source.fetch().await.unwrap()
    });
    let over_http = store_from(updates);
    let in_process = common::fixture().store;
    assert_eq!(over_http.series_count(), in_process.series_count());
    assert_eq!(over_http.sample_count(), in_process.sample_count());

    let catalog = Catalog::builtin();
    let sla = opswall::sla::Policy::builtin();
    let estate = Estate::new(common::SEED);
    let known = Known {
        catalog: &catalog,
        inventory: Some(estate.inventory()),
    };
    let layout = layout::load(Path::new("layouts/command-center.toml"), &known).unwrap();
    for page in 0..layout.pages.len() {
        let describe = |store: &Store| {
            let cx = Ctx::at_rest(store, &catalog, &sla, &layout, at_ms());
            let state =
                opswall::render::describe(&layout, page, &cx, AT.into(), [3840, 2160]).unwrap();
            serde_json::to_value(&state).unwrap()
        };
        let (a, b) = (describe(&in_process), describe(&over_http));
        let panels = a["panels"].as_array().unwrap();
        assert!(!panels.is_empty());
        for (i, (pa, pb)) in panels
            .iter()
            .zip(b["panels"].as_array().unwrap())
            .enumerate()
        {
            assert_eq!(
                pa, pb,
                "page {page} panel {i} differs between in-process and HTTP"
            );
        }
        assert_eq!(a, b, "page {page}");
    }
}

#[test]
fn an_alert_turned_into_a_ticket_over_http_shows_on_every_wall() {
    let rt = common::runtime();
    rt.block_on(async {
        let (t, alert) = instant_with_an_unticketed_warning();
        let (addr, _p) = serve_sim_at(15.0, t).await;
        let url = format!("http://{addr}");
        let mut workstation = Platform::with_env(&spec(&url, "backfill_h = 0"), &env).unwrap();
        let mut wall = Platform::with_env(&spec(&url, "backfill_h = 0"), &env).unwrap();
        let before = store_from(workstation.fetch().await.unwrap());
        // The workstation sees the alert, without a ticket.
        assert!(before.alerts().iter().any(|a| a.id == alert.id));
        assert!(!before.tickets().any(|tk| tk.alerts.contains(&alert.id)));

        let updates = workstation
            .command(SourceCommand::CreateTicket {
                alert: alert.clone(),
            })
            .await
            .unwrap();
        let after = store_from(updates);
        let ticket = after
            .tickets()
            .find(|t| t.alerts.contains(&alert.id))
            .expect("the workstation sees its new ticket at once");
        assert_eq!(ticket.target.as_deref(), Some(alert.target.as_str()));
        assert_eq!(ticket.reported_ms, t);

        // Another wall reading the same platform shows it on its next fetch.
        let other = store_from(wall.fetch().await.unwrap());
        let seen = other
            .tickets()
            .find(|t| t.alerts.contains(&alert.id))
            .unwrap();
        assert_eq!(seen.id, ticket.id);

        // Twice is refused with the platform's reason.
        let again = workstation
            .command(SourceCommand::CreateTicket {
                alert: alert.clone(),
            })
            .await
            .unwrap_err()
            .to_string();
        assert!(
            again.contains("409") && again.contains("already has a ticket"),
            "{again}"
        );
        // An alert the platform never had is refused too.
        let mut ghost = alert;
        ghost.id = "NO-SUCH-ALERT".into();
        let e = workstation
            .command(SourceCommand::CreateTicket { alert: ghost })
            .await
            .unwrap_err()
            .to_string();
        assert!(e.contains("404"), "{e}");
    });
}

#[test]
fn the_duty_workstation_click_reaches_the_platform_through_the_scheduler() {
    let rt = common::runtime();
    rt.block_on(async {
        let (t, alert) = instant_with_an_unticketed_warning();
        let (addr, _platform) = serve_sim_at(15.0, t).await;
        let s = spec(&format!("http://{addr}"), "backfill_h = 0");
        let source = Platform::with_env(&s, &env).unwrap();
        let (tx, mut rx) = sources::channel();
        let (commands, commands_rx) = sources::command_channel();
        let out = Outbox::new(tx, Arc::new(|| {}));
        let schedule = Schedule {
            interval: Duration::from_mins(1),
            timeout: Duration::from_secs(5),
            backoff_max: Duration::from_mins(1),
        };
        tokio::spawn(scheduler::run(
            s.name.clone(),
            source,
            schedule,
            out,
            Some(commands_rx),
        ));
        let mut store = Store::new(Limits::default());
        while store.alerts().is_empty() {
            store.apply(rx.recv().await.unwrap());
        }
        assert!(!store.tickets().any(|tk| tk.alerts.contains(&alert.id)));
        commands
            .send(SourceCommand::CreateTicket {
                alert: alert.clone(),
            })
            .await
            .unwrap();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while !store.tickets().any(|t| t.alerts.contains(&alert.id)) {
            let u = tokio::time::timeout_at(deadline, rx.recv())
                .await
                .unwrap()
                .unwrap();
            store.apply(u);
        }
    });
}

#[test]
fn a_wrong_token_is_refused_and_never_echoed() {
    let rt = common::runtime();
    rt.block_on(async {
        let (addr, _p) = serve_sim(15.0).await;
        let s = spec(&format!("http://{addr}"), "");
        let wrong = |var: &str| (var == "TEST_PLATFORM_TOKEN").then(|| "not-the-token".to_owned());
        let mut source = Platform::with_env(&s, &wrong).unwrap();
        let e = source.fetch().await.unwrap_err().to_string();
        assert!(e.contains("认证失败") && e.contains("401"), "{e}");
        assert!(!e.contains("not-the-token"));
        let missing = |_: &str| None;
        let Err(e) = Platform::with_env(&s, &missing) else {
            panic!("a missing token must stop the source")
        };
        assert!(
            e.to_string()
                .contains("环境变量 TEST_PLATFORM_TOKEN 未设置"),
            "{e}"
        );
    });
}

#[test]
fn a_caller_without_the_token_learns_nothing_and_bad_queries_get_the_json_error() {
    let rt = common::runtime();
    rt.block_on(async {
        let (addr, _p) = serve_sim(60.0).await;
        let http = reqwest::Client::new();
        let get = |path: &str, token: Option<&str>| {
            let mut r = http.get(format!("http://{addr}{path}"));
            if let Some(t) = token {
                r = r.header("Authorization", format!("Bearer {t}"));
            }
            r.send()
        };
        // A broken query without the token: 401, not a word about the query.
        let r = get("/api/v1/samples?from_ms=abc", None).await.unwrap();
        assert_eq!(r.status().as_u16(), 401);
        assert!(r.text().await.unwrap().contains("bearer token"));
        // With the token: 400 in the API's own error shape.
        let r = get("/api/v1/samples?from_ms=abc", Some(TOKEN))
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 400);
        let body: serde_json::Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
        assert!(
            body["error"].as_str().unwrap().contains("from_ms"),
            "{body}"
        );
        let r = get("/api/v1/alerts?limit=many", Some(TOKEN)).await.unwrap();
        assert_eq!(r.status().as_u16(), 400);
        let body: serde_json::Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
        assert!(body["error"].is_string(), "{body}");
    });
}
