//! The store: everything fetched, held on the UI thread, bounded.
//!
//! Sources send [`Update`]s over a bounded channel; the app applies them at
//! the start of a frame and panels only read. Each series is a ring buffer
//! that keeps at most `max_points` samples and nothing older than the
//! retention; alerts are capped too. Every source has a [`SourceState`] so
//! the wall can say how fresh its data is, and a failed fetch keeps the last
//! good values in place.

mod decimate;

use std::collections::{BTreeMap, HashMap, VecDeque};

use serde::Serialize;

pub use decimate::decimate_min_max;

use crate::model::{Alert, Inventory, Routine, Sample, SeriesKey, Target, Ticket, TimestampMs};

/// Something a source learned, sent to the UI thread.
#[derive(Clone, Debug)]
pub enum Update {
    /// The estate's shape: systems and targets. Replaces the previous one.
    Inventory {
        source: String,
        inventory: Inventory,
    },
    /// New samples, measured at `at_ms`.
    Samples {
        source: String,
        at_ms: TimestampMs,
        samples: Vec<(SeriesKey, Sample)>,
    },
    /// The source's full list of current (and recently cleared) alerts.
    Alerts {
        source: String,
        at_ms: TimestampMs,
        alerts: Vec<Alert>,
    },
    /// The source's tickets as they stand: open ones and this month's.
    Tickets {
        source: String,
        at_ms: TimestampMs,
        tickets: Vec<Ticket>,
    },
    /// Backups, inspections, the HQ uplink and the platform's subsystems.
    Routine {
        source: String,
        at_ms: TimestampMs,
        routine: Routine,
    },
    /// Something the duty officer should read once (a command that failed).
    Notice { source: String, message: String },
    /// Part of a fetch failed while the rest arrived (one bad query of many);
    /// `None` clears it.
    Warning {
        source: String,
        message: Option<String>,
    },
    /// A fetch failed; the last good data stays.
    Failed {
        source: String,
        at_ms: TimestampMs,
        error: String,
    },
}

/// Samples in one update at most: the UI applies a bounded number of samples
/// per frame, so a long history read is spread over frames.
pub const SAMPLES_PER_UPDATE: usize = 20_000;

impl Update {
    /// `samples` as one or more `Samples` updates of at most
    /// [`SAMPLES_PER_UPDATE`] each (one, empty, when there are none: it still
    /// says the source answered).
    pub fn sample_batches(
        source: &str,
        at_ms: TimestampMs,
        samples: Vec<(SeriesKey, Sample)>,
    ) -> Vec<Update> {
        let batches = samples.len().div_ceil(SAMPLES_PER_UPDATE).max(1);
        let mut rest = samples.into_iter();
        (0..batches)
            .map(|_| Update::Samples {
                source: source.to_owned(),
                at_ms,
                samples: rest.by_ref().take(SAMPLES_PER_UPDATE).collect(),
            })
            .collect()
    }

    /// The number of samples the update carries.
    pub fn sample_count(&self) -> usize {
        match self {
            Update::Samples { samples, .. } => samples.len(),
            _ => 0,
        }
    }

    /// The source the update came from.
    pub fn source(&self) -> &str {
        match self {
            Update::Inventory { source, .. }
            | Update::Samples { source, .. }
            | Update::Alerts { source, .. }
            | Update::Tickets { source, .. }
            | Update::Routine { source, .. }
            | Update::Notice { source, .. }
            | Update::Warning { source, .. }
            | Update::Failed { source, .. } => source,
        }
    }

    /// Renames the source (a simulated estate shown under a configured name).
    pub fn set_source(&mut self, name: &str) {
        match self {
            Update::Inventory { source, .. }
            | Update::Samples { source, .. }
            | Update::Alerts { source, .. }
            | Update::Tickets { source, .. }
            | Update::Routine { source, .. }
            | Update::Notice { source, .. }
            | Update::Warning { source, .. }
            | Update::Failed { source, .. } => name.clone_into(source),
        }
    }
}

/// How fresh one source is, as the header and stale badges show it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SourceState {
    pub name: String,
    /// Expected time between updates, seconds.
    pub interval_s: f64,
    /// Data time of the last successful update.
    pub last_ok_ms: Option<TimestampMs>,
    /// The last error, cleared by the next success.
    pub error: Option<String>,
    /// What part of the last fetch failed while the rest arrived.
    pub warning: Option<String>,
}

impl SourceState {
    /// A source is stale when its last good update is older than two intervals.
    pub fn is_stale(&self, now_ms: TimestampMs) -> bool {
        match self.last_ok_ms {
            None => true,
            Some(t) => (now_ms - t) as f64 > 2.0 * self.interval_s * 1000.0,
        }
    }

    pub fn age_s(&self, now_ms: TimestampMs) -> Option<f64> {
        self.last_ok_ms.map(|t| (now_ms - t).max(0) as f64 / 1000.0)
    }
}

/// What the header says of samples dropped as too far in the future.
fn future_warning(n: usize) -> String {
    format!("{n} 个样本的时间超前取数时间 5 分钟以上，已丢弃（检查数据源服务器的时钟）")
}

/// Limits that keep the store's memory flat over weeks.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Samples kept per series (ring buffer capacity).
    pub max_points: usize,
    /// Samples older than this are dropped, ms.
    pub retention_ms: i64,
    /// Number of distinct series kept; new series beyond it are ignored.
    pub max_series: usize,
    /// Alerts kept, newest first.
    pub max_alerts: usize,
    /// Tickets kept per source, newest first.
    pub max_tickets: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_points: 2_880,
            retention_ms: 24 * 3_600_000,
            max_series: 20_000,
            max_alerts: 2_000,
            max_tickets: 5_000,
        }
    }
}

/// One bounded time series in time order.
#[derive(Clone, Debug, Default)]
pub struct Series {
    samples: VecDeque<Sample>,
}

impl Series {
    /// Appends a sample, keeping time order (a sample older than the newest
    /// one is inserted in place; an equal timestamp replaces the value).
    // Samples from the future never get here (see `MAX_FUTURE_SKEW_MS`): one
    // would pin `newest` ahead and age every correct sample out.
    fn push(&mut self, sample: Sample, limits: &Limits) {
        match self.samples.back() {
            Some(last) if sample.t_ms < last.t_ms => {
                let at = self.samples.partition_point(|s| s.t_ms < sample.t_ms);
                if self.samples.get(at).is_some_and(|s| s.t_ms == sample.t_ms) {
                    self.samples[at] = sample;
                } else {
                    self.samples.insert(at, sample);
                }
            }
            Some(last) if sample.t_ms == last.t_ms => {
                if let Some(back) = self.samples.back_mut() {
                    *back = sample;
                }
            }
            _ => self.samples.push_back(sample),
        }
        let newest = self.samples.back().map_or(sample.t_ms, |s| s.t_ms);
        while self.samples.len() > limits.max_points
            || self
                .samples
                .front()
                .is_some_and(|s| newest - s.t_ms > limits.retention_ms)
        {
            self.samples.pop_front();
        }
    }

    pub fn latest(&self) -> Option<Sample> {
        self.samples.back().copied()
    }

    pub fn len(&self) -> usize {
        self.samples.len()
    }

    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }

    /// The samples as one or two contiguous slices, oldest first.
    pub fn as_slices(&self) -> (&[Sample], &[Sample]) {
        self.samples.as_slices()
    }

    /// Samples with `from_ms <= t <= to_ms`, copied out in order.
    pub fn range(&self, from_ms: TimestampMs, to_ms: TimestampMs) -> Vec<Sample> {
        let start = self.samples.partition_point(|s| s.t_ms < from_ms);
        self.samples
            .range(start..)
            .take_while(|s| s.t_ms <= to_ms)
            .copied()
            .collect()
    }
}

/// Everything the wall shows, as last received.
#[derive(Debug, Default)]
pub struct Store {
    limits: Limits,
    /// Every source's own inventory; `inventory` merges them.
    inventories: BTreeMap<String, Inventory>,
    inventory: Inventory,
    series: HashMap<SeriesKey, Series>,
    /// KPIs present per target, for roll-ups.
    kpis_by_target: BTreeMap<String, Vec<String>>,
    /// Which source each series came from, for staleness.
    series_source: HashMap<SeriesKey, String>,
    alerts_by_source: BTreeMap<String, Vec<Alert>>,
    /// All sources' alerts, newest first, at most `max_alerts`.
    alerts: Vec<Alert>,
    tickets_by_source: BTreeMap<String, Vec<Ticket>>,
    /// The routine, from whichever source reported it last.
    routine: Routine,
    sources: BTreeMap<String, SourceState>,
    /// Samples of each source's last batch dropped as too far in the future.
    future_dropped: BTreeMap<String, usize>,
    generation: u64,
}

/// How far past its update's instant a sample may lie (a server's clock a
/// little ahead of the wall's). Later samples are dropped and the source
/// warns: one wrong clock must not pin a series in the future.
pub const MAX_FUTURE_SKEW_MS: i64 = 5 * 60_000;

impl Store {
    pub fn new(limits: Limits) -> Store {
        Store {
            limits,
            ..Store::default()
        }
    }

    /// Declares a source so the header lists it before its first update.
    pub fn register_source(&mut self, name: &str, interval_s: f64) {
        self.sources
            .entry(name.to_owned())
            .or_insert_with(|| SourceState {
                name: name.to_owned(),
                interval_s,
                last_ok_ms: None,
                error: None,
                warning: None,
            });
    }

    /// Applies one update. Bumps the generation so caches know to refresh.
    pub fn apply(&mut self, update: Update) {
        self.generation += 1;
        match update {
            Update::Inventory {
                source,
                mut inventory,
            } => {
                inventory.systems.truncate(1_000);
                inventory.targets.truncate(self.limits.max_series);
                self.source_mut(&source).error = None;
                self.inventories.insert(source, inventory);
                self.merge_inventories();
            }
            Update::Notice { .. } => {}
            Update::Warning { source, message } => {
                let future = self.future_dropped.get(&source).copied().unwrap_or(0);
                self.source_mut(&source).warning =
                    message.or_else(|| (future > 0).then(|| future_warning(future)));
            }
            Update::Samples {
                source,
                at_ms,
                samples,
            } => {
                let mut future = 0;
                let batch = samples.len();
                for (key, sample) in samples {
                    if sample.t_ms > at_ms.saturating_add(MAX_FUTURE_SKEW_MS) {
                        future += 1;
                        continue;
                    }
                    self.push_sample(&source, key, sample);
                }
                if batch > 0 {
                    self.future_dropped.insert(source.clone(), future);
                    if future > 0 {
                        self.source_mut(&source).warning = Some(future_warning(future));
                    }
                }
                self.mark_ok(&source, at_ms);
            }
            Update::Alerts {
                source,
                at_ms,
                mut alerts,
            } => {
                // Keep the newest when a source sends more than the bound.
                alerts.sort_by(|a, b| {
                    b.first_seen_ms
                        .cmp(&a.first_seen_ms)
                        .then_with(|| a.id.cmp(&b.id))
                });
                alerts.truncate(self.limits.max_alerts);
                self.alerts_by_source.insert(source.clone(), alerts);
                self.merge_alerts();
                self.mark_ok(&source, at_ms);
            }
            Update::Tickets {
                source,
                at_ms,
                mut tickets,
            } => {
                // Keep the newest when a source sends more than the bound.
                tickets.sort_by(|a, b| {
                    b.reported_ms
                        .cmp(&a.reported_ms)
                        .then_with(|| a.id.cmp(&b.id))
                });
                tickets.truncate(self.limits.max_tickets);
                self.tickets_by_source.insert(source.clone(), tickets);
                self.mark_ok(&source, at_ms);
            }
            Update::Routine {
                source,
                at_ms,
                mut routine,
            } => {
                // Bounded like everything else: a source cannot grow these without limit.
                routine.backups.truncate(1_000);
                routine.inspections.truncate(100);
                routine.platform.truncate(100);
                self.routine = routine;
                self.mark_ok(&source, at_ms);
            }
            Update::Failed { source, error, .. } => {
                self.source_mut(&source).error = Some(error);
            }
        }
    }

    /// Records a successful update from a source: its data is as fresh as `at_ms`.
    fn mark_ok(&mut self, source: &str, at_ms: TimestampMs) {
        let state = self.source_mut(source);
        state.last_ok_ms = Some(state.last_ok_ms.map_or(at_ms, |t| t.max(at_ms)));
        state.error = None;
    }

    /// One inventory from all sources: the first source (by name) to name a
    /// system or target wins; later duplicates are ignored.
    fn merge_inventories(&mut self) {
        let mut merged = Inventory::default();
        let mut systems = std::collections::HashSet::new();
        let mut targets = std::collections::HashSet::new();
        for inv in self.inventories.values() {
            for s in &inv.systems {
                if systems.insert(s.id.clone()) {
                    merged.systems.push(s.clone());
                }
            }
            for t in &inv.targets {
                if targets.insert(t.id.clone()) {
                    merged.targets.push(t.clone());
                }
            }
        }
        self.inventory = merged;
    }

    fn merge_alerts(&mut self) {
        let mut all: Vec<Alert> = self.alerts_by_source.values().flatten().cloned().collect();
        all.sort_by(|a, b| {
            b.first_seen_ms
                .cmp(&a.first_seen_ms)
                .then_with(|| a.id.cmp(&b.id))
        });
        all.truncate(self.limits.max_alerts);
        self.alerts = all;
    }

    fn source_mut(&mut self, name: &str) -> &mut SourceState {
        self.sources
            .entry(name.to_owned())
            .or_insert_with(|| SourceState {
                name: name.to_owned(),
                interval_s: 15.0,
                last_ok_ms: None,
                error: None,
                warning: None,
            })
    }

    fn push_sample(&mut self, source: &str, key: SeriesKey, sample: Sample) {
        if let Some(series) = self.series.get_mut(&key) {
            series.push(sample, &self.limits);
            return;
        }
        if self.series.len() >= self.limits.max_series {
            return;
        }
        let mut series = Series::default();
        series.push(sample, &self.limits);
        self.series_source.insert(key.clone(), source.to_owned());
        let kpis = self.kpis_by_target.entry(key.target.clone()).or_default();
        if let Err(at) = kpis.binary_search(&key.kpi) {
            kpis.insert(at, key.kpi.clone());
        }
        self.series.insert(key, series);
    }

    /// Bumped by every applied update.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn inventory(&self) -> &Inventory {
        &self.inventory
    }

    pub fn targets(&self) -> &[Target] {
        &self.inventory.targets
    }

    pub fn series(&self, kpi: &str, target: &str) -> Option<&Series> {
        self.series.get(&SeriesKey::new(kpi, target))
    }

    pub fn series_count(&self) -> usize {
        self.series.len()
    }

    pub fn sample_count(&self) -> usize {
        self.series.values().map(Series::len).sum()
    }

    pub fn latest(&self, kpi: &str, target: &str) -> Option<Sample> {
        self.series(kpi, target).and_then(Series::latest)
    }

    /// The KPIs that have series for a target, sorted.
    pub fn kpis_of(&self, target: &str) -> &[String] {
        self.kpis_by_target.get(target).map_or(&[], Vec::as_slice)
    }

    /// Newest first.
    pub fn alerts(&self) -> &[Alert] {
        &self.alerts
    }

    /// Every source's tickets, newest first within a source.
    pub fn tickets(&self) -> impl Iterator<Item = &Ticket> {
        self.tickets_by_source.values().flatten()
    }

    /// Backups, inspections, uplink and platform status as last reported.
    pub fn routine(&self) -> &Routine {
        &self.routine
    }

    pub fn sources(&self) -> impl Iterator<Item = &SourceState> {
        self.sources.values()
    }

    pub fn source(&self, name: &str) -> Option<&SourceState> {
        self.sources.get(name)
    }

    /// The source a series came from.
    pub fn source_of(&self, kpi: &str, target: &str) -> Option<&SourceState> {
        let name = self.series_source.get(&SeriesKey::new(kpi, target))?;
        self.sources.get(name)
    }

    /// Whether a series' newest sample is too old to trust: older than two of
    /// the larger of the KPI's interval and its source's interval.
    pub fn is_stale(
        &self,
        kpi_interval_s: f64,
        kpi: &str,
        target: &str,
        now_ms: TimestampMs,
    ) -> bool {
        let Some(latest) = self.latest(kpi, target) else {
            return true;
        };
        let source_interval = self.source_of(kpi, target).map_or(0.0, |s| s.interval_s);
        let allowed_ms = 2.0 * kpi_interval_s.max(source_interval) * 1000.0;
        (now_ms - latest.t_ms) as f64 > allowed_ms
    }

    /// The limits this store was made with.
    pub fn limits(&self) -> Limits {
        self.limits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples(source: &str, at: i64, kv: &[(&str, &str, f64)]) -> Update {
        Update::Samples {
            source: source.into(),
            at_ms: at,
            samples: kv
                .iter()
                .map(|(k, t, v)| {
                    (
                        SeriesKey::new(*k, *t),
                        Sample {
                            t_ms: at,
                            value: *v,
                        },
                    )
                })
                .collect(),
        }
    }

    #[test]
    fn ring_buffer_keeps_capacity_and_retention() {
        let limits = Limits {
            max_points: 10,
            retention_ms: 50_000,
            ..Limits::default()
        };
        let mut store = Store::new(limits);
        for i in 0..100 {
            store.apply(samples("sim", i * 1000, &[("cpu", "h1", i as f64)]));
        }
        let s = store.series("cpu", "h1").unwrap();
        assert_eq!(s.len(), 10);
        assert_eq!(s.latest().unwrap().value, 99.0);

        let limits = Limits {
            max_points: 1000,
            retention_ms: 5_000,
            ..Limits::default()
        };
        let mut store = Store::new(limits);
        for i in 0..100 {
            store.apply(samples("sim", i * 1000, &[("cpu", "h1", i as f64)]));
        }
        assert_eq!(store.series("cpu", "h1").unwrap().len(), 6);
    }

    #[test]
    fn out_of_order_samples_are_placed_in_time_order() {
        let mut store = Store::new(Limits::default());
        for t in [3, 1, 2, 2] {
            store.apply(samples("sim", t * 1000, &[("cpu", "h1", t as f64)]));
        }
        let s = store.series("cpu", "h1").unwrap();
        let times: Vec<i64> = s.range(0, 10_000).iter().map(|s| s.t_ms).collect();
        assert_eq!(times, vec![1000, 2000, 3000]);
    }

    #[test]
    fn series_count_is_bounded() {
        let mut store = Store::new(Limits {
            max_series: 3,
            ..Limits::default()
        });
        for i in 0..10 {
            store.apply(samples("sim", 0, &[("cpu", &format!("h{i}"), 1.0)]));
        }
        assert_eq!(store.series_count(), 3);
    }

    #[test]
    fn failure_keeps_last_good_value_and_staleness_follows_age() {
        let mut store = Store::new(Limits::default());
        store.register_source("sim", 15.0);
        store.apply(samples("sim", 1_000, &[("cpu", "h1", 42.0)]));
        store.apply(Update::Failed {
            source: "sim".into(),
            at_ms: 20_000,
            error: "超时".into(),
        });
        assert_eq!(store.latest("cpu", "h1").unwrap().value, 42.0);
        assert_eq!(store.source("sim").unwrap().error.as_deref(), Some("超时"));
        // KPI interval 60 s: stale after 120 s.
        assert!(!store.is_stale(60.0, "cpu", "h1", 121_000));
        assert!(store.is_stale(60.0, "cpu", "h1", 121_001));
        assert!(store.is_stale(60.0, "cpu", "nope", 0));
        assert!(store.source("sim").unwrap().is_stale(31_001));
        assert!(!store.source("sim").unwrap().is_stale(31_000));
    }

    #[test]
    fn a_sample_from_the_future_is_dropped_and_the_source_warns() {
        let mut store = Store::new(Limits::default());
        store.register_source("prom", 15.0);
        let t = 1_796_264_400_000;
        store.apply(samples("prom", t, &[("cpu", "h1", 40.0)]));
        // A server clock 10 minutes ahead: its sample must not pin the series.
        let ahead = Update::Samples {
            source: "prom".into(),
            at_ms: t + 15_000,
            samples: vec![(
                SeriesKey::new("cpu", "h1"),
                Sample {
                    t_ms: t + 15_000 + 600_000,
                    value: 99.0,
                },
            )],
        };
        store.apply(ahead);
        store.apply(Update::Warning {
            source: "prom".into(),
            message: None,
        });
        assert_eq!(store.latest("cpu", "h1").unwrap().value, 40.0);
        let warning = store.source("prom").unwrap().warning.clone().unwrap();
        assert!(warning.contains("时钟"), "{warning}");
        // A little ahead is clock skew and is kept; the warning goes.
        store.apply(samples("prom", t + 30_000, &[("cpu", "h1", 41.0)]));
        store.apply(Update::Samples {
            source: "prom".into(),
            at_ms: t + 45_000,
            samples: vec![(
                SeriesKey::new("cpu", "h1"),
                Sample {
                    t_ms: t + 45_000 + 60_000,
                    value: 42.0,
                },
            )],
        });
        store.apply(Update::Warning {
            source: "prom".into(),
            message: None,
        });
        assert_eq!(store.latest("cpu", "h1").unwrap().value, 42.0);
        assert_eq!(store.source("prom").unwrap().warning, None);
    }

    #[test]
    fn big_sample_sets_travel_in_bounded_updates() {
        let many: Vec<_> = (0..45_000)
            .map(|i| {
                (
                    SeriesKey::new("cpu", format!("h{}", i % 7)),
                    Sample {
                        t_ms: i64::from(i) * 1_000,
                        value: 1.0,
                    },
                )
            })
            .collect();
        let sizes: Vec<_> = Update::sample_batches("prom", 0, many)
            .iter()
            .map(Update::sample_count)
            .collect();
        assert_eq!(sizes, [SAMPLES_PER_UPDATE, SAMPLES_PER_UPDATE, 5_000]);
        // None still says the source answered.
        let none = Update::sample_batches("prom", 7, Vec::new());
        assert!(
            matches!(&none[..], [Update::Samples { at_ms: 7, samples, .. }] if samples.is_empty())
        );
    }
}
