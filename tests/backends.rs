//! The sources against real servers on 127.0.0.1: Prometheus and
//! `VictoriaMetrics` holding the simulated estate (backfilled history and a
//! live scrape of `opswall sim`), `node_exporter`'s own series, Alertmanager
//! fed by that Prometheus's rules, and Zabbix 6.0 loaded with the estate.
//!
//! `scripts/backends.sh start` sets them up and writes their addresses to
//! `target/backends/env`; `scripts/test.sh` sources it. Without those
//! variables these tests say so and pass, unless `OPSWALL_REQUIRE_BACKENDS=1`
//! (CI) makes a missing server a failure.

#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use opswall::kpi::Catalog;
use opswall::layout::{self, HistoryNeed, Known, Layout};
use opswall::model::{Muted, SeriesKey, Severity, TargetKind};
use opswall::panels::Ctx;
use opswall::sim::Estate;
use opswall::sources::alertmanager::Alertmanager;
use opswall::sources::config::{self, SourceSpec};
use opswall::sources::prometheus::{self, Clock, Prometheus};
use opswall::sources::scheduler::Fetcher;
use opswall::sources::zabbix::Zabbix;
use opswall::store::{Limits, Store, Update};

#[expect(clippy::print_stderr, reason = "says why a test does nothing")]
/// A backend's setting from the environment `scripts/backends.sh` wrote.
/// `None` (and a note) when it is absent outside CI; a failure under CI.
fn backend(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(v) if !v.is_empty() => Some(v),
        _ if std::env::var("OPSWALL_REQUIRE_BACKENDS").as_deref() == Ok("1") => panic!(
            "{var} is not set but OPSWALL_REQUIRE_BACKENDS=1: the real servers are missing; \
             run scripts/backends.sh start and source target/backends/env"
        ),
        _ => {
            eprintln!(
                "{var} is not set: this real-server test does nothing (scripts/test.sh runs it)"
            );
            None
        }
    }
}

fn number(var: &str) -> i64 {
    backend(var).unwrap().parse().unwrap()
}

fn seed() -> u64 {
    backend("OPSWALL_SIM_SEED").map_or(1, |s| s.parse().unwrap())
}

/// A source of a shipped sources file, pointed at `url`.
fn shipped_source(file: &str, name: &str, url: &str) -> SourceSpec {
    let path = Path::new("layouts").join(file);
    let mut spec = config::load(&path, &Catalog::builtin())
        .unwrap()
        .sources
        .into_iter()
        .find(|s| s.name == name)
        .unwrap();
    url.trim_end_matches('/').clone_into(&mut spec.url);
    spec
}

fn fixed(t_ms: i64) -> Clock {
    Arc::new(move || t_ms)
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn env(var: &str) -> Option<String> {
    std::env::var(var).ok()
}

fn load_layout(file: &str, estate: &Estate, catalog: &Catalog) -> Layout {
    let known = Known {
        catalog,
        inventory: Some(estate.inventory()),
    };
    layout::load(Path::new("layouts").join(file).as_path(), &known).unwrap()
}

/// The store a wall holds after these updates from `source`.
fn store_of(source: &str, interval_s: f64, updates: impl IntoIterator<Item = Update>) -> Store {
    let mut store = Store::new(Limits::default());
    store.register_source(source, interval_s);
    for u in updates {
        store.apply(u);
    }
    store
}

/// The in-process wall's store at `t_ms`: the estate's inventory and samples
/// every `step_ms` over the last `range_ms`, under `source`'s name (the
/// numbers are compared, not alerts and tickets, which Prometheus lacks).
fn in_process(estate: &Estate, source: &str, t_ms: i64, range_ms: i64, step_ms: i64) -> Store {
    let updates = estate
        .history(t_ms - range_ms, t_ms, step_ms)
        .filter_map(|u| match u {
            Update::Inventory { inventory, .. } => Some(Update::Inventory {
                source: source.to_owned(),
                inventory,
            }),
            Update::Samples { at_ms, samples, .. } => Some(Update::Samples {
                source: source.to_owned(),
                at_ms,
                samples,
            }),
            _ => None,
        });
    store_of(source, step_ms as f64 / 1000.0, updates)
}

/// Whether two numbers agree to `rel` of their size (exactly when 0).
fn close(a: f64, b: f64, rel: f64) -> bool {
    a == b || (a - b).abs() <= rel * a.abs().max(b.abs())
}

/// Compares JSON values, numbers to `rel`; says where they first differ.
fn json_diff(a: &serde_json::Value, b: &serde_json::Value, rel: f64, at: &str) -> Option<String> {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            (!close(x, y, rel)).then(|| format!("{at}: {x} vs {y}"))
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (x, y))| json_diff(x, y, rel, &format!("{at}[{i}]"))),
        (Value::Object(x), Value::Object(y)) if x.len() == y.len() => {
            x.iter().find_map(|(k, xv)| match y.get(k) {
                Some(yv) => json_diff(xv, yv, rel, &format!("{at}.{k}")),
                None => Some(format!("{at}.{k} missing")),
            })
        }
        _ => (a != b).then(|| format!("{at}: {a} vs {b}")),
    }
}

/// Every panel of every page, as the render JSON says, must be the same
/// (numbers to `rel`).
fn assert_same_panels(
    layout: &Layout,
    expected: &Store,
    got: &Store,
    t_ms: i64,
    rel: f64,
    what: &str,
) {
    let catalog = Catalog::builtin();
    let sla = opswall::sla::Policy::builtin();
    let mut compared = 0;
    for page in 0..layout.pages.len() {
        let describe = |store: &Store| {
            let cx = Ctx::at_rest(store, &catalog, &sla, layout, t_ms);
            let at = t_ms.to_string();
            let state = opswall::render::describe(layout, page, &cx, at, [3840, 2160]).unwrap();
            serde_json::to_value(&state).unwrap()
        };
        let (a, b) = (describe(expected), describe(got));
        let (pa, pb) = (
            a["panels"].as_array().unwrap(),
            b["panels"].as_array().unwrap(),
        );
        assert_eq!(pa.len(), pb.len());
        for (i, (x, y)) in pa.iter().zip(pb).enumerate() {
            let title = x["title"].as_str().unwrap_or("");
            if let Some(d) = json_diff(x, y, rel, "") {
                panic!(
                    "{what}: page {page} panel {i} ({title}) differs from the in-process wall at {d}"
                );
            }
            compared += 1;
        }
    }
    assert!(compared >= 30, "only {compared} panels compared");
}

/// Reads the simulated estate back through a Prometheus-API server and
/// compares the wall panel by panel with the in-process one. Values agree
/// to `rel` (Prometheus keeps every bit; `VictoriaMetrics` 12 significant digits).
fn prometheus_api_matches_the_estate(url: &str, rel: f64, what: &str) {
    let estate = Estate::new(seed());
    let catalog = Catalog::builtin();
    let layout = load_layout("prometheus.toml", &estate, &catalog);
    let need = layout.history_need();
    assert!(need.range_ms >= 3 * 3_600_000, "{need:?}");
    let spec = shipped_source("sources-prometheus-sim.toml", "Prometheus", url);
    let step = prometheus::step_ms(need, need.range_ms, spec.interval.as_millis() as i64);
    // Half an hour before the backfill ends, on the step: the charts' whole
    // range lies in the backfilled history, every query instant on a sample.
    let to = number("OPSWALL_HISTORY_TO_MS");
    let hours = number("OPSWALL_HISTORY_HOURS");
    assert!(
        hours * 3_600_000 >= need.range_ms + 1_800_000,
        "the backfill is too short"
    );
    let t = (to - 1_800_000).div_euclid(step) * step;

    let mut source = Prometheus::with(&spec, need, &env, fixed(t)).unwrap();
    let updates = common::runtime().block_on(source.fetch()).unwrap();
    let warnings: Vec<_> = updates
        .iter()
        .filter_map(|u| match u {
            Update::Warning {
                message: Some(m), ..
            } => Some(m.clone()),
            _ => None,
        })
        .collect();
    assert!(warnings.is_empty(), "{what}: queries failed: {warnings:?}");
    let got = store_of(&spec.name, spec.interval.as_secs_f64(), updates);
    let expected = in_process(&estate, &spec.name, t, need.range_ms, step);

    // Every series the estate has, with the same samples.
    assert_eq!(got.inventory(), estate.inventory());
    let mut missing = Vec::new();
    for key in estate.series_keys() {
        let (Some(e), g) = (
            expected.series(&key.kpi, &key.target),
            got.series(&key.kpi, &key.target),
        ) else {
            continue;
        };
        let Some(g) = g else {
            missing.push(format!("{}@{}", key.kpi, key.target));
            continue;
        };
        let (es, gs): (Vec<_>, Vec<_>) = (e.range(i64::MIN, i64::MAX), g.range(i64::MIN, i64::MAX));
        assert_eq!(
            es.len(),
            gs.len(),
            "{what}: {}@{}: sample counts differ",
            key.kpi,
            key.target
        );
        for (a, b) in es.iter().zip(&gs) {
            assert_eq!(a.t_ms, b.t_ms, "{what}: {}@{}", key.kpi, key.target);
            assert!(
                close(a.value, b.value, rel),
                "{what}: {}@{} at {}: {} in process, {} here",
                key.kpi,
                key.target,
                a.t_ms,
                a.value,
                b.value
            );
        }
    }
    assert!(missing.is_empty(), "{what}: series missing: {missing:?}");
    assert_eq!(got.series_count(), expected.series_count(), "{what}");
    assert_eq!(got.sample_count(), expected.sample_count(), "{what}");
    assert_same_panels(&layout, &expected, &got, t, rel, what);
}

#[test]
fn prometheus_shows_the_numbers_the_in_process_wall_shows() {
    let Some(url) = backend("OPSWALL_PROMETHEUS_URL") else {
        return;
    };
    prometheus_api_matches_the_estate(&url, 0.0, "Prometheus");
}

/// `VictoriaMetrics` keeps 12 significant decimal digits of a value.
const VM_PRECISION: f64 = 1e-11;

#[test]
fn victoria_metrics_shows_the_numbers_the_in_process_wall_shows() {
    let Some(url) = backend("OPSWALL_VM_URL") else {
        return;
    };
    prometheus_api_matches_the_estate(&url, VM_PRECISION, "VictoriaMetrics");
}

/// Raw samples of each KPI's selector over the last `window`, by series.
async fn raw_samples(
    http: &reqwest::Client,
    url: &str,
    spec: &SourceSpec,
    window: &str,
    at_s: i64,
) -> BTreeMap<SeriesKey, Vec<(i64, f64)>> {
    let mut out = BTreeMap::new();
    for kpi in &spec.kpis {
        let body = http
            .get(format!("{url}/api/v1/query"))
            .query(&[
                ("query", format!("{}[{window}]", kpi.query)),
                ("time", at_s.to_string()),
            ])
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let series =
            prometheus::decode_result(&body).unwrap_or_else(|e| panic!("{}: {e}", kpi.query));
        for (labels, points) in series {
            let target =
                config::fill_template(&kpi.target, |l| labels.get(l).map(String::as_str)).unwrap();
            out.insert(
                SeriesKey::new(kpi.kpi.clone(), target),
                points.iter().map(|p| (p.t_ms, p.value)).collect(),
            );
        }
    }
    out
}

/// The live scrape of `opswall sim`: samples stamped after the backfill are
/// the estate's values at their instants, in Prometheus and `VictoriaMetrics`.
#[test]
fn the_live_scrape_holds_the_estate_values_at_their_instants() {
    let (Some(prom), Some(vm)) = (backend("OPSWALL_PROMETHEUS_URL"), backend("OPSWALL_VM_URL"))
    else {
        return;
    };
    let estate = Estate::new(seed());
    let to = number("OPSWALL_HISTORY_TO_MS");
    let rt = common::runtime();
    let http = reqwest::Client::new();
    for (url, rel, what) in [
        (prom, 0.0, "Prometheus"),
        (vm, VM_PRECISION, "VictoriaMetrics"),
    ] {
        let spec = shipped_source("sources-prometheus-sim.toml", "Prometheus", &url);
        // Wait for two scrapes after the backfill's end.
        let deadline = Instant::now() + Duration::from_secs(90);
        let (live, total) = loop {
            let at_s = now_ms() / 1000;
            let raw = rt.block_on(raw_samples(&http, &url, &spec, "10m", at_s));
            let live: Vec<_> = raw
                .iter()
                .flat_map(|(k, pts)| pts.iter().filter(|(t, _)| *t > to).map(move |p| (k, *p)))
                .collect();
            let instants: std::collections::BTreeSet<i64> =
                live.iter().map(|(_, (t, _))| *t).collect();
            if instants.len() >= 2 {
                break (
                    live.into_iter()
                        .map(|(k, p)| (k.clone(), p))
                        .collect::<Vec<_>>(),
                    raw.len(),
                );
            }
            assert!(
                Instant::now() < deadline,
                "{what}: no live samples after 90 s"
            );
            std::thread::sleep(Duration::from_secs(5));
        };
        assert!(
            total >= estate.series_keys().count() / 2,
            "{what}: {total} series"
        );
        for (key, (t, v)) in &live {
            let expected = estate.value_at(&key.kpi, &key.target, *t);
            match expected {
                Some(e) => assert!(
                    close(*v, e, rel),
                    "{what}: {}@{} at {t}: {v}, the estate {e}",
                    key.kpi,
                    key.target
                ),
                None => assert!(
                    v.is_nan(),
                    "{what}: {}@{} at {t} is {v}, the estate has none",
                    key.kpi,
                    key.target
                ),
            }
        }
    }
}

/// `node_exporter`'s own series through the catalogue's default queries.
#[test]
fn node_exporter_series_read_with_the_catalogue_queries() {
    let Some(url) = backend("OPSWALL_PROMETHEUS_URL") else {
        return;
    };
    let text = format!(
        r#"[[source]]
name = "节点"
kind = "prometheus"
url = "{url}"
backfill_h = 0
[[source.kpi]]
id = "host_cpu_total_pct"
target = "{{instance}}"
[[source.kpi]]
id = "host_cpu_user_pct"
target = "{{instance}}"
[[source.kpi]]
id = "host_mem_used_pct"
target = "{{instance}}"
[[source.kpi]]
id = "host_fs_used_pct"
query = 'max by (instance) (100 * (1 - node_filesystem_avail_bytes{{job="node",fstype!~"tmpfs|overlay"}} / node_filesystem_size_bytes{{job="node",fstype!~"tmpfs|overlay"}}))'
target = "{{instance}}"
[[source.kpi]]
id = "host_agent_up"
target = "{{instance}}"
"#
    );
    let spec = config::parse(&text, "node.toml", Path::new("."), &Catalog::builtin())
        .unwrap()
        .sources
        .remove(0);
    let need = HistoryNeed {
        range_ms: 0,
        width_px: 1,
    };
    let rt = common::runtime();
    let deadline = Instant::now() + Duration::from_secs(90);
    let store = loop {
        let mut source = Prometheus::new(&spec, need).unwrap();
        let updates = rt.block_on(source.fetch()).unwrap();
        let store = store_of(&spec.name, 15.0, updates);
        // rate() needs two scrapes of `node_exporter`.
        if store.latest("host_cpu_total_pct", "ci-node").is_some() {
            break store;
        }
        assert!(
            Instant::now() < deadline,
            "no CPU series from node_exporter after 90 s"
        );
        std::thread::sleep(Duration::from_secs(5));
    };
    let target = store
        .inventory()
        .target("ci-node")
        .expect("ci-node is discovered");
    assert_eq!(target.kind, TargetKind::Host);
    assert_eq!(target.system, prometheus::UNASSIGNED);
    for kpi in [
        "host_cpu_total_pct",
        "host_cpu_user_pct",
        "host_mem_used_pct",
        "host_fs_used_pct",
    ] {
        let v = store
            .latest(kpi, "ci-node")
            .unwrap_or_else(|| panic!("{kpi}"))
            .value;
        assert!((0.0..=100.0).contains(&v), "{kpi} = {v}");
    }
    let user = store.latest("host_cpu_user_pct", "ci-node").unwrap().value;
    let total = store.latest("host_cpu_total_pct", "ci-node").unwrap().value;
    assert!(user <= total + 1e-9, "user {user} > total {total}");
    assert_eq!(store.latest("host_agent_up", "ci-node").unwrap().value, 1.0);
    // Memory agrees with this machine's /proc/meminfo (it moves a little).
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap();
    let field = |name: &str| -> f64 {
        let line = meminfo.lines().find(|l| l.starts_with(name)).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    };
    let mem = 100.0 * (1.0 - field("MemAvailable:") / field("MemTotal:"));
    let got = store.latest("host_mem_used_pct", "ci-node").unwrap().value;
    assert!(
        (got - mem).abs() < 5.0,
        "node_exporter says {got:.1} %, /proc/meminfo {mem:.1} %"
    );
}

/// Fetches again every second until `ok` holds; fails after a minute.
fn wait_until(what: &str, fetch: impl Fn() -> Store, ok: &dyn Fn(&Store) -> bool) -> Store {
    let deadline = Instant::now() + Duration::from_mins(1);
    loop {
        let store = fetch();
        if ok(&store) {
            return store;
        }
        assert!(
            Instant::now() < deadline,
            "after 60 s still not: {what}; alerts: {:#?}",
            store.alerts()
        );
        std::thread::sleep(Duration::from_secs(1));
    }
}

/// Sends a request; its answer must succeed and be JSON.
async fn json_of(request: reqwest::RequestBuilder) -> serde_json::Value {
    let response = request.send().await.unwrap().error_for_status().unwrap();
    serde_json::from_slice(&response.bytes().await.unwrap()).unwrap()
}

async fn get_json(http: &reqwest::Client, url: &str) -> serde_json::Value {
    json_of(http.get(url)).await
}

async fn post_json(
    http: &reqwest::Client,
    url: &str,
    content_type: &str,
    body: &serde_json::Value,
) -> serde_json::Value {
    let request = http
        .post(url)
        .header("Content-Type", content_type)
        .body(serde_json::to_vec(body).unwrap());
    json_of(request).await
}

/// Alerts that the real Prometheus's rules fire, through Alertmanager:
/// severities, targets, systems, a silence with its author, an inhibition.
#[test]
fn alertmanager_alerts_with_silences_and_inhibitions() {
    let Some(url) = backend("OPSWALL_ALERTMANAGER_URL") else {
        return;
    };
    let estate = Estate::new(seed());
    let spec = shipped_source("sources-prometheus-sim.toml", "Alertmanager", &url);
    let rt = common::runtime();
    let http = reqwest::Client::new();
    let fetch = |rt: &tokio::runtime::Runtime| {
        let mut source = Alertmanager::with_env(&spec, &env).unwrap();
        let updates = rt.block_on(source.fetch()).unwrap();
        store_of(&spec.name, 15.0, updates)
    };
    let wait_for = |what: &str, ok: &dyn Fn(&Store) -> bool| wait_until(what, || fetch(&rt), ok);
    let by_name = |store: &Store, name: &str| {
        store
            .alerts()
            .iter()
            .find(|a| a.target == name || a.message.contains(name))
            .cloned()
    };

    let store = wait_for("CiNodeUp and the inhibited alert are there", &|s| {
        by_name(s, "ci-node").is_some() && by_name(s, "CiInhibitedByWatchdog").is_some()
    });
    // The watchdog is there, so the pipeline is whole: no warning, and the
    // heartbeat itself is not listed as an alert.
    assert!(store.alerts().iter().all(|a| a.target != "OpswallWatchdog"));
    assert_eq!(store.source(&spec.name).unwrap().warning, None);
    let node = by_name(&store, "ci-node").unwrap();
    assert_eq!(node.severity, Severity::Warning);
    assert_eq!(node.system, prometheus::UNASSIGNED);
    assert!(node.message.contains("ci-node"), "{}", node.message);
    assert!(node.first_seen_ms <= now_ms() && node.first_seen_ms > now_ms() - 3_600_000);
    assert_eq!(node.muted, None);
    let inhibited = store
        .alerts()
        .iter()
        .find(|a| a.target == "CiInhibitedByWatchdog")
        .unwrap();
    assert_eq!(inhibited.muted, Some(Muted::Inhibited));
    // Tablespace alerts name the estate's tablespaces, their systems and KPI.
    for a in store
        .alerts()
        .iter()
        .filter(|a| a.message.starts_with("表空间"))
    {
        let t = estate
            .inventory()
            .target(&a.target)
            .unwrap_or_else(|| panic!("{}", a.target));
        assert_eq!(t.kind, TargetKind::Tablespace);
        assert_eq!(a.system, t.system);
        assert_eq!(a.severity, Severity::Critical);
        assert_eq!(a.kpi.as_deref(), Some("ora_tablespace_used_pct"));
    }

    // The duty officer silences CiNodeUp in Alertmanager: the wall shows who.
    let starts = chrono::Utc::now();
    let silence = serde_json::json!({
        "matchers": [{"name": "alertname", "value": "CiNodeUp", "isRegex": false, "isEqual": true}],
        "startsAt": starts.to_rfc3339(),
        "endsAt": (starts + chrono::Duration::minutes(30)).to_rfc3339(),
        "createdBy": "值班员张伟",
        "comment": "演练：静默 CI 节点告警",
    });
    let created = rt.block_on(post_json(
        &http,
        &format!("{url}/api/v2/silences"),
        "application/json",
        &silence,
    ));
    let id = created["silenceID"].as_str().unwrap().to_owned();
    let store = wait_for("CiNodeUp is silenced", &|s| {
        by_name(s, "ci-node").is_some_and(|a| a.muted == Some(Muted::Silenced))
    });
    let node = by_name(&store, "ci-node").unwrap();
    assert_eq!(node.owner.as_deref(), Some("值班员张伟"));
    assert!(node.acknowledged);
    // Others are not touched.
    assert_eq!(
        store
            .alerts()
            .iter()
            .find(|a| a.target == "CiInhibitedByWatchdog")
            .unwrap()
            .muted,
        Some(Muted::Inhibited)
    );

    // Expiring the silence brings it back.
    rt.block_on(async {
        http.delete(format!("{url}/api/v2/silence/{id}"))
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap();
        let silences = get_json(&http, &format!("{url}/api/v2/silences")).await;
        let s = silences
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id.as_str())
            .unwrap();
        assert_eq!(s["status"]["state"], "expired");
    });
    let store = wait_for("CiNodeUp is active again", &|s| {
        by_name(s, "ci-node").is_some_and(|a| a.muted.is_none())
    });
    assert_eq!(by_name(&store, "ci-node").unwrap().owner, None);

    // A watchdog that never fires: the alerts still come, with a warning
    // that they cannot be trusted to be complete.
    let mut lost = spec.clone();
    lost.watchdog = Some("NoSuchWatchdog".into());
    let mut source = Alertmanager::with_env(&lost, &env).unwrap();
    let store = store_of(&lost.name, 15.0, rt.block_on(source.fetch()).unwrap());
    assert!(by_name(&store, "ci-node").is_some());
    assert!(
        by_name(&store, "OpswallWatchdog").is_some(),
        "only the configured watchdog is hidden"
    );
    let warning = store.source(&lost.name).unwrap().warning.clone().unwrap();
    assert!(
        warning.contains("NoSuchWatchdog") && warning.contains("告警链路"),
        "{warning}"
    );
}

/// A JSON-RPC call to Zabbix with the token, for what the test itself does.
async fn zabbix_call(
    http: &reqwest::Client,
    method: &str,
    params: serde_json::Value,
) -> serde_json::Value {
    let url = backend("OPSWALL_ZABBIX_URL").unwrap();
    let token = backend("OPSWALL_ZABBIX_TOKEN").unwrap();
    let body = serde_json::json!({"jsonrpc": "2.0", "method": method, "params": params, "id": 1, "auth": token});
    let r = post_json(http, &url, "application/json-rpc", &body).await;
    assert!(r.get("error").is_none(), "{method}: {r}");
    r["result"].clone()
}

fn zabbix_send(host: &str, key: &str, value: f64) {
    let server = backend("OPSWALL_ZABBIX_SERVER").unwrap();
    let (addr, port) = server.rsplit_once(':').unwrap();
    let out = std::process::Command::new("zabbix_sender")
        .args([
            "-z",
            addr,
            "-p",
            port,
            "-s",
            host,
            "-k",
            key,
            "-o",
            &value.to_string(),
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("processed: 1; failed: 0"),
        "zabbix_sender: {text}"
    );
}

/// Zabbix 6.0 loaded with the estate: inventory, latest values and history
/// equal the estate's; a threshold breach becomes a problem and an alert,
/// its acknowledgement shows with its author, its recovery clears it.
#[test]
fn zabbix_holds_the_estate_and_turns_problems_into_alerts() {
    let (Some(url), Some(_)) = (
        backend("OPSWALL_ZABBIX_URL"),
        backend("OPSWALL_ZABBIX_TOKEN"),
    ) else {
        return;
    };
    let estate = Estate::new(seed());
    let to = number("OPSWALL_HISTORY_TO_MS");
    let step_s = number("OPSWALL_ZABBIX_STEP_S");
    let rt = common::runtime();
    let http = reqwest::Client::new();

    // With the API token, at the end of the loaded history.
    let spec = shipped_source("sources-zabbix-sim.toml", "Zabbix", &url);
    let mut source = Zabbix::with(&spec, &env, fixed(to)).unwrap();
    let updates = rt.block_on(source.fetch()).unwrap();
    let store = store_of(&spec.name, 60.0, updates);

    // Inventory: every target that has an item, named as the targets file says.
    let inv = store.inventory();
    assert!(inv.targets.len() >= 100, "{} targets", inv.targets.len());
    for t in &inv.targets {
        assert_eq!(Some(t), estate.inventory().target(&t.id), "{}", t.id);
    }
    for s in &inv.systems {
        assert_eq!(Some(s), estate.inventory().system(&s.id));
    }

    // Every sample (latest values and history) is the estate's at its instant.
    let mut checked = 0;
    let mut series = 0;
    for key in estate.series_keys() {
        let Some(s) = store.series(&key.kpi, &key.target) else {
            continue;
        };
        series += 1;
        // Up to the end of the loaded history (later values are this test's own).
        for sample in s.range(i64::MIN, to) {
            let e = estate
                .value_at(&key.kpi, &key.target, sample.t_ms)
                .unwrap_or_else(|| {
                    panic!(
                        "{}@{} has a value at {} the estate lacks",
                        key.kpi, key.target, sample.t_ms
                    )
                });
            assert!(
                (sample.value - e).abs() <= 1e-6 * e.abs().max(1.0),
                "{}@{} at {}: Zabbix {} estate {e}",
                key.kpi,
                key.target,
                sample.t_ms,
                sample.value
            );
            checked += 1;
        }
    }
    let expected_series = spec
        .kpis
        .iter()
        .map(|k| estate.series_keys().filter(|s| s.kpi == k.kpi).count())
        .sum::<usize>();
    assert_eq!(series, expected_series, "series read from Zabbix");
    // 3 h of history at the export's step, for most series.
    let per_series = 3 * 3600 / step_s as usize;
    assert!(
        checked >= series * per_series * 9 / 10,
        "{checked} samples for {series} series"
    );

    // History read in small pages (by time) gives every sample all the same.
    let mut source = Zabbix::with(&spec, &env, fixed(to))
        .unwrap()
        .with_history_rows_per_call(997);
    let paged = store_of(&spec.name, 60.0, rt.block_on(source.fetch()).unwrap());
    assert_eq!(paged.series_count(), store.series_count());
    assert_eq!(paged.sample_count(), store.sample_count());

    // Without a targets file, host groups are the systems; a host-group
    // filter keeps only its hosts.
    let mut bare = spec.clone();
    bare.targets_file = None;
    bare.backfill_h = 0.0;
    bare.host_groups = vec!["电子税务局".into()];
    let mut source = Zabbix::with(&bare, &env, fixed(to)).unwrap();
    let by_groups = store_of(&spec.name, 60.0, rt.block_on(source.fetch()).unwrap());
    let inv = by_groups.inventory();
    assert_eq!(
        inv.systems
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>(),
        ["电子税务局"]
    );
    let tbs = inv.target("etax-ora/ETAX_DATA").unwrap();
    assert_eq!(tbs.kind, TargetKind::Tablespace);
    assert_eq!(tbs.parent.as_deref(), Some("etax-ora"));
    assert_eq!(inv.system_name(&tbs.system), "电子税务局");
    assert_eq!(inv.target("etax-db01").unwrap().kind, TargetKind::Host);
    assert!(inv.target("hx-ora").is_none(), "a host outside the group");
    assert!(inv.targets.iter().all(|t| t.id.starts_with("etax-")));

    // The same with user and password (user.login).
    let login = spec_with_login(&spec);
    let mut source = Zabbix::with(&login, &env, fixed(to)).unwrap();
    let store2 = store_of(&spec.name, 60.0, rt.block_on(source.fetch()).unwrap());
    assert_eq!(store2.series_count(), store.series_count());
    assert_eq!(store2.sample_count(), store.sample_count());
    let wrong = spec_with_password_env(&spec, "OPSWALL_TEST_WRONG_PASSWORD");
    let mut source = Zabbix::with(
        &wrong,
        &|v| {
            if v == "OPSWALL_TEST_WRONG_PASSWORD" {
                Some("nope".into())
            } else {
                env(v)
            }
        },
        fixed(to),
    )
    .unwrap();
    let e = rt.block_on(source.fetch()).unwrap_err().to_string();
    assert!(e.contains("登录失败"), "{e}");
    assert!(!e.contains("nope"), "{e}");

    // A breach: HX_DATA at 99 % fires its critical trigger.
    let (host, key) =
        opswall::sim::expose::zabbix_item(&estate, "ora_tablespace_used_pct", "hx-ora/HX_DATA")
            .unwrap();
    let live = |rt: &tokio::runtime::Runtime| {
        let mut s = Zabbix::with(&spec, &env, Arc::new(now_ms)).unwrap();
        store_of(&spec.name, 60.0, rt.block_on(s.fetch()).unwrap())
    };
    let breach = |s: &Store| {
        s.alerts()
            .iter()
            .find(|a| a.target == "hx-ora/HX_DATA" && a.severity == Severity::Critical)
            .cloned()
    };
    let wait = |what: &str, ok: &dyn Fn(&Store) -> bool| wait_until(what, || live(&rt), ok);
    // From a normal value (an earlier run may have left the problem open).
    zabbix_send(&host, &key, 50.0);
    wait("no problem before the breach", &|s| breach(s).is_none());
    zabbix_send(&host, &key, 99.0);
    // The problem and the item's latest value reach the API a moment apart.
    let s = wait("the breach is a problem and the latest value", &|s| {
        breach(s).is_some()
            && s.latest("ora_tablespace_used_pct", "hx-ora/HX_DATA")
                .is_some_and(|v| v.value == 99.0)
    });
    let alert = breach(&s).unwrap();
    assert_eq!(alert.kpi.as_deref(), Some("ora_tablespace_used_pct"));
    assert_eq!(alert.system, "hx");
    assert!(!alert.acknowledged);
    assert!(alert.message.contains("严重"), "{}", alert.message);
    assert_eq!(
        s.latest("ora_tablespace_used_pct", "hx-ora/HX_DATA")
            .unwrap()
            .value,
        99.0
    );

    // Acknowledged in Zabbix: the wall shows it and who did it.
    let eventid = alert.id.strip_prefix("zbx-").unwrap().to_owned();
    rt.block_on(zabbix_call(
        &http,
        "event.acknowledge",
        serde_json::json!({"eventids": [eventid], "action": 6, "message": "已联系DBA扩容"}),
    ));
    let s = wait("the problem is acknowledged", &|s| {
        breach(s).is_some_and(|a| a.acknowledged)
    });
    let owner = breach(&s).unwrap().owner.unwrap_or_default();
    // Admin's name in a new Zabbix is Zabbix Administrator.
    assert_eq!(owner, "Zabbix Administrator");

    // Back to normal: the problem resolves and the alert goes.
    zabbix_send(&host, &key, 50.0);
    wait("the problem is resolved", &|s| breach(s).is_none());
}

fn spec_with_login(spec: &SourceSpec) -> SourceSpec {
    spec_with_password_env(spec, "OPSWALL_ZABBIX_PASSWORD")
}

fn spec_with_password_env(spec: &SourceSpec, password_env: &str) -> SourceSpec {
    let mut s = spec.clone();
    s.auth = config::Auth::UserPassword {
        user_env: "OPSWALL_ZABBIX_USER".into(),
        password_env: password_env.into(),
    };
    s
}

/// The example sources files: they load, and the simulated ones hold what
/// `opswall sim export` prints (so they read back what the servers hold).
#[test]
fn shipped_sources_files_load_and_match_the_export() {
    let catalog = Catalog::builtin();
    let mut kinds = HashMap::new();
    for entry in std::fs::read_dir("layouts").unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with("sources-") {
            continue;
        }
        let file = config::load(&path, &catalog).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        for s in file.sources {
            kinds
                .entry(s.kind.key())
                .or_insert_with(Vec::new)
                .push(name.clone());
        }
    }
    for kind in ["sim", "platform", "prometheus", "alertmanager", "zabbix"] {
        assert!(
            kinds.contains_key(kind),
            "no example sources file has a `{kind}` source"
        );
    }
    let estate = Estate::new(1);
    assert!(
        std::fs::read_to_string("layouts/targets-sim.toml").unwrap()
            == opswall::sim::expose::targets_toml(&estate).unwrap(),
        "layouts/targets-sim.toml is stale: opswall sim export targets --out layouts/targets-sim.toml"
    );
    let prom = std::fs::read_to_string("layouts/sources-prometheus-sim.toml").unwrap();
    assert!(
        prom.contains(&opswall::sim::expose::prometheus_kpis_toml()),
        "sources-prometheus-sim.toml: kpi tables differ from the export"
    );
    let zbx = std::fs::read_to_string("layouts/sources-zabbix-sim.toml").unwrap();
    assert!(
        zbx.contains(&opswall::sim::expose::zabbix_kpis_toml()),
        "sources-zabbix-sim.toml: kpi tables differ from the export"
    );
}
