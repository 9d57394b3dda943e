//! The `prometheus` source: anything that speaks the Prometheus HTTP API
//! (Prometheus, `VictoriaMetrics`, Thanos, Mimir).
//!
//! Each KPI of the sources file is one `PromQL` query; a result's labels name
//! its target through the KPI's template (`{database}/{tablespace}`). Every
//! interval the source asks for the value now (`/api/v1/query`); at start,
//! and after an outage, it asks for the charts' history (`/api/v1/query_range`)
//! at a step chosen from the widest chart's width and the longest range, so
//! a chart never gets more points than it has pixel columns. `NaN` and
//! infinite values are gaps, never numbers. Prometheus cannot tell which
//! application system a target belongs to: the targets file says so, or the
//! series' `system` label, or it is listed as 未分配.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use serde::Deserialize;
use tracing::{debug, warn};

use super::config::{KpiQuery, SourceSpec, fill_template};
use super::http::{Env, FetchError, HttpClient};
use super::scheduler::Fetcher;
use crate::layout::HistoryNeed;
use crate::model::{Inventory, Sample, SeriesKey, Target, TimestampMs};
use crate::store::Update;

/// Queries in flight at once per source.
const PARALLEL_QUERIES: usize = 4;

/// Prometheus refuses more points than this per series in one range query.
const MAX_POINTS_PER_SERIES: i64 = 11_000;

/// Targets a source may add on its own (beyond its targets file).
const MAX_DISCOVERED_TARGETS: usize = 20_000;

/// The id of the system a target goes to when nothing says which.
pub use crate::model::UNASSIGNED;

/// The time a query is evaluated at, UTC ms. The wall uses the real clock;
/// tests pin it to compare with the simulated estate.
pub type Clock = Arc<dyn Fn() -> TimestampMs + Send + Sync>;

/// `{"status": "success", "data": …}` or `{"status": "error", "error": …}`.
#[derive(Deserialize)]
struct Envelope<D> {
    status: String,
    #[serde(default = "Option::default")]
    data: Option<D>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default, rename = "errorType")]
    error_type: Option<String>,
}

#[derive(Deserialize)]
#[serde(tag = "resultType", content = "result", rename_all = "lowercase")]
enum Data {
    Vector(Vec<InstantSeries>),
    Matrix(Vec<RangeSeries>),
    Scalar(Point),
    String(serde::de::IgnoredAny),
}

#[derive(Deserialize)]
struct InstantSeries {
    metric: HashMap<String, String>,
    value: Point,
}

#[derive(Deserialize)]
struct RangeSeries {
    metric: HashMap<String, String>,
    values: Vec<Point>,
}

/// `[1712345678.123, "42.5"]`: seconds and the value as text (`NaN`, `+Inf` too).
#[derive(Clone, Copy, Debug)]
pub struct Point {
    pub t_ms: TimestampMs,
    pub value: f64,
}

impl<'de> Deserialize<'de> for Point {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Point, D::Error> {
        #[derive(Deserialize)]
        struct Raw<'a>(f64, #[serde(borrow)] std::borrow::Cow<'a, str>);
        let Raw(t, v) = Raw::deserialize(d)?;
        let value = match v.as_ref() {
            "NaN" => f64::NAN,
            "+Inf" | "Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            text => text
                .parse()
                .map_err(|_| serde::de::Error::custom(format!("`{text}` is not a number")))?,
        };
        Ok(Point {
            t_ms: (t * 1000.0).round() as i64,
            value,
        })
    }
}

/// A decoded query result: label sets with their points.
pub type Decoded = Vec<(HashMap<String, String>, Vec<Point>)>;

/// Decodes a `/api/v1/query` or `/api/v1/query_range` body.
pub fn decode_result(body: &[u8]) -> Result<Decoded, FetchError> {
    let envelope: Envelope<Data> = super::http::decode_now(body)?;
    into_result(envelope)
}

fn into_result(envelope: Envelope<Data>) -> Result<Decoded, FetchError> {
    if envelope.status != "success" {
        let kind = envelope.error_type.unwrap_or_default();
        let msg = envelope.error.unwrap_or_else(|| "未说明原因".into());
        return Err(FetchError::Api(format!("{kind} {msg}").trim().to_owned()));
    }
    match envelope.data {
        Some(Data::Vector(v)) => Ok(v.into_iter().map(|s| (s.metric, vec![s.value])).collect()),
        Some(Data::Matrix(m)) => Ok(m.into_iter().map(|s| (s.metric, s.values)).collect()),
        Some(Data::Scalar(p)) => Ok(vec![(HashMap::new(), vec![p])]),
        Some(Data::String(_)) => Err(FetchError::Shape("查询结果是字符串，不是数值".into())),
        None => Err(FetchError::Shape("应答缺少 data".into())),
    }
}

/// The step of a range query: one point per pixel column of the widest
/// chart, never finer than the source's interval, a whole number of seconds,
/// and within Prometheus' points-per-series limit.
pub fn step_ms(need: HistoryNeed, range_ms: i64, interval_ms: i64) -> i64 {
    let per_pixel = need.range_ms.max(range_ms) / i64::from(need.width_px.max(1));
    let limit = range_ms / MAX_POINTS_PER_SERIES + 1;
    let step = per_pixel.max(interval_ms).max(limit).max(1_000);
    (step + 999) / 1_000 * 1_000
}

pub struct Prometheus {
    name: String,
    http: HttpClient,
    kpis: Arc<Vec<KpiQuery>>,
    interval_ms: i64,
    history: HistoryPlan,
    need: HistoryNeed,
    clock: Clock,
    /// Targets from the targets file, plus those found in results.
    inventory: Inventory,
    inventory_sent: bool,
    system_label: String,
    /// Queries whose results could not be mapped to targets, logged once each.
    unmapped_logged: BTreeSet<String>,
}

impl Prometheus {
    pub fn new(spec: &SourceSpec, need: HistoryNeed) -> Result<Prometheus, FetchError> {
        let clock: Clock = Arc::new(|| chrono::Utc::now().timestamp_millis());
        Prometheus::with(spec, need, &|var| std::env::var(var).ok(), clock)
    }

    /// With credentials read through `env` and queries evaluated at `clock`.
    pub fn with(
        spec: &SourceSpec,
        need: HistoryNeed,
        env: &Env,
        clock: Clock,
    ) -> Result<Prometheus, FetchError> {
        let inventory = match &spec.targets_file {
            Some(path) => super::config::load_targets(path).map_err(FetchError::Config)?,
            None => Inventory::default(),
        };
        Ok(Prometheus {
            name: spec.name.clone(),
            http: HttpClient::with_env(spec, env)?,
            kpis: Arc::new(spec.kpis.clone()),
            interval_ms: spec.interval.as_millis() as i64,
            // The charts' longest range at least, so none starts half empty.
            history: HistoryPlan::new(
                ((spec.backfill_h * 3_600_000.0) as i64).max(if spec.backfill_h > 0.0 {
                    need.range_ms
                } else {
                    0
                }),
                spec.interval,
            ),
            need,
            clock,
            inventory,
            inventory_sent: false,
            system_label: spec.system_label.clone(),
            unmapped_logged: BTreeSet::new(),
        })
    }

    /// Runs one query per KPI, a few at a time; results in KPI order.
    async fn query_all(
        &self,
        path: &'static str,
        params: Vec<(&'static str, String)>,
    ) -> Vec<(usize, Result<Decoded, FetchError>)> {
        let mut results = Vec::with_capacity(self.kpis.len());
        let mut set = tokio::task::JoinSet::new();
        let mut next = 0;
        while next < self.kpis.len() || !set.is_empty() {
            while next < self.kpis.len() && set.len() < PARALLEL_QUERIES {
                let http = self.http.clone();
                let kpis = self.kpis.clone();
                let mut q = params.clone();
                let i = next;
                q.push(("query", kpis[i].query.clone()));
                set.spawn(async move { (i, query(&http, path, &q).await) });
                next += 1;
            }
            match set.join_next().await {
                Some(Ok(r)) => results.push(r),
                Some(Err(e)) => warn!(source = %self.name, error = %e, "a query task failed"),
                None => break,
            }
        }
        results.sort_by_key(|(i, _)| *i);
        results
    }

    /// Maps results to samples; returns them and the labels of unmapped series' queries.
    fn samples(&mut self, results: Vec<(usize, Result<Decoded, FetchError>)>) -> Mapped {
        let mut mapped = Mapped::default();
        let kpis = self.kpis.clone();
        for (i, result) in results {
            let kpi = &kpis[i];
            let series = match result {
                Ok(s) => s,
                Err(e) => {
                    mapped.errors.push(format!("{}：{e}", kpi.kpi));
                    continue;
                }
            };
            mapped.ok += 1;
            for (labels, points) in series {
                let Some(target) =
                    fill_template(&kpi.target, |l| labels.get(l).map(String::as_str))
                else {
                    if self.unmapped_logged.insert(kpi.kpi.clone()) {
                        warn!(source = %self.name, kpi = %kpi.kpi, template = %kpi.target, ?labels,
                            "a series' labels do not fill the target template; it is not shown");
                    }
                    continue;
                };
                self.discover(&target, &kpi.kpi, &labels);
                let key = SeriesKey::new(kpi.kpi.clone(), target);
                for p in points.into_iter().filter(|p| p.value.is_finite()) {
                    mapped.samples.push((
                        key.clone(),
                        Sample {
                            t_ms: p.t_ms,
                            value: p.value,
                        },
                    ));
                }
            }
        }
        mapped
    }

    /// Adds a target the targets file does not list, its kind told by the KPI.
    fn discover(&mut self, id: &str, kpi: &str, labels: &HashMap<String, String>) {
        if self.inventory.target(id).is_some()
            || self.inventory.targets.len() >= MAX_DISCOVERED_TARGETS
        {
            return;
        }
        let Some(kind) = crate::kpi::target_kind_of(kpi) else {
            return;
        };
        let system = labels
            .get(&self.system_label)
            .filter(|s| !s.is_empty())
            .cloned()
            .unwrap_or_else(|| UNASSIGNED.to_owned());
        if self.inventory.system(&system).is_none() {
            self.inventory.systems.push(crate::model::AppSystem {
                id: system.clone(),
                name: if system == UNASSIGNED {
                    "未分配".to_owned()
                } else {
                    system.clone()
                },
            });
        }
        self.inventory.targets.push(Target {
            id: id.to_owned(),
            name: id.to_owned(),
            kind,
            system,
            parent: None,
            detail: String::new(),
        });
        self.inventory_sent = false;
    }
}

#[derive(Default)]
struct Mapped {
    samples: Vec<(SeriesKey, Sample)>,
    /// Queries that answered.
    ok: usize,
    /// `kpi：why` for those that did not.
    errors: Vec<String>,
}

async fn query(
    http: &HttpClient,
    path: &str,
    params: &[(&str, String)],
) -> Result<Decoded, FetchError> {
    let envelope: Envelope<Data> = http.get(path, params).await?;
    into_result(envelope)
}

/// Prometheus' time parameter: seconds with millisecond precision.
fn seconds(t_ms: TimestampMs) -> String {
    format!("{}.{:03}", t_ms.div_euclid(1000), t_ms.rem_euclid(1000))
}

/// When a source reads history: at its first fetch (the backfill), and after
/// an outage, for the gap it left.
#[derive(Clone, Copy, Debug)]
pub(super) struct HistoryPlan {
    /// How far back the first fetch reads, ms.
    backfill: i64,
    /// The source's interval, ms: a longer silence leaves a gap to fill.
    interval: i64,
    /// Data time of the last fetch that arrived whole.
    last_ok: Option<TimestampMs>,
}

impl HistoryPlan {
    pub(super) fn new(backfill_ms: i64, interval: std::time::Duration) -> HistoryPlan {
        HistoryPlan {
            backfill: backfill_ms,
            interval: interval.as_millis() as i64,
            last_ok: None,
        }
    }

    /// Where a fetch at `now` reads history from, if it reads any.
    pub(super) fn from(&self, now: TimestampMs) -> Option<TimestampMs> {
        match self.last_ok {
            None if self.backfill > 0 => Some(now - self.backfill),
            Some(t) if now - t > 2 * self.interval => Some(t),
            _ => None,
        }
    }

    /// The fetch at `now` arrived whole.
    pub(super) fn done(&mut self, now: TimestampMs) {
        self.last_ok = Some(now);
    }
}

impl Fetcher for Prometheus {
    fn fetches_history(&self) -> bool {
        self.history.from((self.clock)()).is_some()
    }

    async fn fetch(&mut self) -> Result<Vec<Update>, FetchError> {
        let now = (self.clock)();
        let mut updates = Vec::new();

        // History: at start, and for the gap an outage left.
        let from = self.history.from(now);
        if let Some(from) = from {
            let step = step_ms(self.need, now - from, self.interval_ms);
            let start = from.div_euclid(step) * step;
            let params = vec![
                ("start", seconds(start)),
                ("end", seconds(now)),
                ("step", format!("{}", step / 1000)),
            ];
            let results = self.query_all("/api/v1/query_range", params).await;
            let mapped = self.samples(results);
            debug!(source = %self.name, samples = mapped.samples.len(), step_ms = step, "history fetched");
            if mapped.ok == 0 && !mapped.errors.is_empty() {
                return Err(all_failed(mapped.errors));
            }
            updates.extend(Update::sample_batches(&self.name, now, mapped.samples));
        }

        let results = self
            .query_all("/api/v1/query", vec![("time", seconds(now))])
            .await;
        let mapped = self.samples(results);
        if mapped.ok == 0 && !mapped.errors.is_empty() {
            return Err(all_failed(mapped.errors));
        }
        if !self.inventory_sent {
            updates.insert(
                0,
                Update::Inventory {
                    source: self.name.clone(),
                    inventory: self.inventory.clone(),
                },
            );
            self.inventory_sent = true;
        }
        updates.extend(Update::sample_batches(&self.name, now, mapped.samples));
        updates.push(Update::Warning {
            source: self.name.clone(),
            message: partial(&mapped.errors, self.kpis.len()),
        });
        self.history.done(now);
        Ok(updates)
    }
}

/// Every query failed: the first reason says what is wrong (they usually share it).
fn all_failed(errors: Vec<String>) -> FetchError {
    let n = errors.len();
    let first = errors.into_iter().next().unwrap_or_default();
    FetchError::Api(format!("{n} 个查询全部失败，例如 {first}"))
}

/// A warning when some queries failed, `None` when all answered.
fn partial(errors: &[String], total: usize) -> Option<String> {
    let first = errors.first()?;
    Some(format!("{}/{total} 个查询失败：{first}", errors.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_decode_with_nan_infinities_and_errors() {
        let body = br#"{"status":"success","data":{"resultType":"matrix","result":[
            {"metric":{"instance":"a"},"values":[[1700000000,"1.5"],[1700000015.5,"NaN"],[1700000030,"+Inf"]]}]}}"#;
        let r = decode_result(body).unwrap();
        assert_eq!(r.len(), 1);
        let points = &r[0].1;
        assert_eq!(points[0].t_ms, 1_700_000_000_000);
        assert_eq!(points[0].value, 1.5);
        assert_eq!(points[1].t_ms, 1_700_000_015_500);
        assert!(points[1].value.is_nan());
        assert!(points[2].value.is_infinite());

        let vector = br#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1700000000,"7"]}]}}"#;
        assert_eq!(decode_result(vector).unwrap()[0].1[0].value, 7.0);

        let error = br#"{"status":"error","errorType":"bad_data","error":"parse error at char 3"}"#;
        let e = decode_result(error).unwrap_err().to_string();
        assert!(e.contains("bad_data parse error at char 3"), "{e}");

        let garbage = br#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"x"]}]}}"#;
        assert!(matches!(decode_result(garbage), Err(FetchError::Shape(_))));
        assert!(matches!(
            decode_result(b"<html>"),
            Err(FetchError::NotJson(_))
        ));
    }

    #[test]
    fn the_step_follows_the_widest_chart_and_the_limits() {
        let need = HistoryNeed {
            range_ms: 3 * 3_600_000,
            width_px: 1_800,
        };
        // 3 h over 1800 px is 6 s a pixel: the 15 s interval wins.
        assert_eq!(step_ms(need, 3 * 3_600_000, 15_000), 15_000);
        // A narrow chart: 3 h over 180 px = 60 s.
        let narrow = HistoryNeed {
            width_px: 180,
            ..need
        };
        assert_eq!(step_ms(narrow, 3 * 3_600_000, 15_000), 60_000);
        // A week at 1 s would break Prometheus' 11 000 points per series.
        let week = 7 * 24 * 3_600_000;
        let s = step_ms(
            HistoryNeed {
                range_ms: week,
                width_px: 100_000,
            },
            week,
            1_000,
        );
        assert!(week / s <= MAX_POINTS_PER_SERIES, "{s}");
        assert_eq!(s % 1_000, 0);
    }

    #[test]
    fn time_parameters_keep_milliseconds() {
        assert_eq!(seconds(1_700_000_000_123), "1700000000.123");
        assert_eq!(seconds(1_700_000_000_000), "1700000000.000");
    }
}
