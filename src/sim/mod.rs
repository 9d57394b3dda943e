//! The simulated estate: opswall's built-in source.
//!
//! A believable municipal bureau (see [`estate`]) whose every KPI is a pure
//! function of a seed and an instant: working-day and filing-period load,
//! smooth noise, slow tablespace growth, and incidents that push KPIs over
//! their thresholds and raise alerts. Because nothing depends on replayed
//! history, a render at any `--at` instant and a live wall at the same
//! instant show the same numbers, and history can be backfilled at once.

mod clock;
mod desk;
mod dynamics;
pub mod estate;
pub mod expose;
mod incidents;
mod rng;
mod routine;
pub mod time;

use crate::model::{Alert, Inventory, Sample, SeriesKey, TimestampMs};
use crate::store::Update;

pub use clock::SimClock;
pub use estate::{ETAX_BUSINESSES, ETAX_PORTAL};
pub use incidents::{Incident, IncidentKind};

use incidents::Candidates;
use rng::{hash, str_hash};

/// The name the simulated source goes by in the store and the header.
pub const SOURCE_NAME: &str = "模拟数据";

/// One simulated series and its fixed per-series parameters.
#[derive(Clone, Debug)]
struct SimSeries {
    key: SeriesKey,
    target: usize,
    /// Per-series random word: base levels and noise derive from it.
    salt: u64,
}

/// The simulated estate for one seed.
#[derive(Clone, Debug)]
pub struct Estate {
    seed: u64,
    inventory: Inventory,
    series: Vec<SimSeries>,
    candidates: Candidates,
}

impl Estate {
    pub fn new(seed: u64) -> Estate {
        let inventory = estate::build_inventory();
        let mut series = Vec::new();
        for (i, target) in inventory.targets.iter().enumerate() {
            for kpi in estate::kpis_for(target) {
                series.push(SimSeries {
                    key: SeriesKey::new(*kpi, target.id.clone()),
                    target: i,
                    salt: hash(&[seed, str_hash(&target.id), str_hash(kpi)]),
                });
            }
        }
        let candidates = Candidates::new(&inventory);
        Estate {
            seed,
            inventory,
            series,
            candidates,
        }
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn inventory(&self) -> &Inventory {
        &self.inventory
    }

    /// Every series the estate produces.
    pub fn series_keys(&self) -> impl Iterator<Item = &SeriesKey> {
        self.series.iter().map(|s| &s.key)
    }

    /// Incidents active (or recently recovered) at `t_ms`.
    pub fn incidents_at(&self, t_ms: TimestampMs) -> Vec<Incident> {
        incidents::incidents_at(self.seed, t_ms, &self.candidates)
    }

    /// Every sample measured at `t_ms`. A series whose collector is down at
    /// that instant (its host unreachable) has no sample.
    pub fn samples_at(&self, t_ms: TimestampMs) -> Vec<(SeriesKey, Sample)> {
        let moment = dynamics::Moment::new(self, t_ms);
        self.series
            .iter()
            .filter_map(|s| {
                let value = moment.value(self, s)?;
                Some((s.key.clone(), Sample { t_ms, value }))
            })
            .collect()
    }

    /// One series' value at `t_ms`, if it has one then.
    pub fn value_at(&self, kpi: &str, target: &str, t_ms: TimestampMs) -> Option<f64> {
        let series = self
            .series
            .iter()
            .find(|s| s.key.kpi == kpi && s.key.target == target)?;
        dynamics::Moment::new(self, t_ms).value(self, series)
    }

    /// Alerts shown at `t_ms`: active ones and those recovered in the last minutes.
    pub fn alerts_at(&self, t_ms: TimestampMs) -> Vec<Alert> {
        self.incidents_at(t_ms)
            .iter()
            .filter_map(|i| i.alert(&self.inventory, t_ms))
            .collect()
    }

    /// Updates that bring a store to the state a live source would have left
    /// it in at `to_ms`: inventory, samples every `step_ms` since `from_ms`
    /// (one update per instant, made as they are taken, so a long history
    /// never sits in memory twice), then the alerts and tickets at `to_ms`.
    pub fn history(
        &self,
        from_ms: TimestampMs,
        to_ms: TimestampMs,
        step_ms: i64,
    ) -> impl Iterator<Item = Update> + '_ {
        let step_ms = step_ms.max(1_000);
        let first = from_ms.div_euclid(step_ms) * step_ms;
        let last = to_ms.div_euclid(step_ms) * step_ms;
        let source = || SOURCE_NAME.to_owned();
        let inventory = Update::Inventory {
            source: source(),
            inventory: self.inventory.clone(),
        };
        let instants = (0..)
            .map(move |i| first + i * step_ms)
            .take_while(move |t| *t <= last);
        let samples = instants.map(move |t| Update::Samples {
            source: source(),
            at_ms: t,
            samples: self.samples_at(t),
        });
        let tail = std::iter::once_with(move || {
            [
                Update::Alerts {
                    source: source(),
                    at_ms: last,
                    alerts: self.alerts_at(to_ms),
                },
                Update::Tickets {
                    source: source(),
                    at_ms: last,
                    tickets: self.tickets_at(to_ms),
                },
                Update::Routine {
                    source: source(),
                    at_ms: last,
                    routine: self.routine_at(to_ms),
                },
            ]
        })
        .flatten();
        std::iter::once(inventory).chain(samples).chain(tail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kpi::Catalog;
    use crate::model::{Severity, TargetKind};

    const T: TimestampMs = 1_796_264_400_000; // 2026-12-03 10:20 Beijing

    #[test]
    fn estate_has_the_size_the_bureau_runs() {
        let e = Estate::new(1);
        let count = |k: TargetKind| e.inventory().targets.iter().filter(|t| t.kind == k).count();
        assert!(count(TargetKind::Host) >= 40);
        assert_eq!(count(TargetKind::Database), 6);
        assert_eq!(count(TargetKind::Weblogic), 8);
        assert!(count(TargetKind::Tablespace) >= 24);
        assert!(count(TargetKind::AsmDiskGroup) >= 12);
        assert!(count(TargetKind::JmsServer) >= 2);
        let aix = e
            .inventory()
            .targets
            .iter()
            .filter(|t| t.detail.starts_with("AIX"))
            .count();
        assert!(aix >= 6);
        assert!(e.inventory().systems.len() >= 6);
        for t in &e.inventory().targets {
            assert!(
                e.inventory().system(&t.system).is_some(),
                "{} has no system",
                t.id
            );
        }
    }

    #[test]
    fn every_produced_kpi_is_in_the_catalogue_and_all_tendered_groups_are_covered() {
        let cat = Catalog::builtin();
        let e = Estate::new(1);
        let mut groups = std::collections::BTreeMap::new();
        for key in e.series_keys() {
            let kpi = cat
                .get(&key.kpi)
                .unwrap_or_else(|| panic!("{} not in catalogue", key.kpi));
            groups
                .entry(kpi.group.clone())
                .or_insert_with(std::collections::BTreeSet::new)
                .insert(kpi.id.clone());
        }
        for kpi in cat.iter() {
            assert!(
                groups.get(&kpi.group).is_some_and(|s| s.contains(&kpi.id)),
                "{} not simulated",
                kpi.id
            );
        }
    }

    #[test]
    fn same_seed_and_instant_give_the_same_estate() {
        let a = Estate::new(42);
        let b = Estate::new(42);
        assert_eq!(a.samples_at(T), b.samples_at(T));
        assert_eq!(a.alerts_at(T), b.alerts_at(T));
        let c = Estate::new(43);
        assert_ne!(a.samples_at(T), c.samples_at(T));
    }

    #[test]
    fn values_stay_in_range() {
        let e = Estate::new(7);
        for h in 0..48 {
            for (key, s) in e.samples_at(T + h * 1_800_000) {
                assert!(s.value.is_finite(), "{key:?}");
                if key.kpi.ends_with("_pct") {
                    assert!((0.0..=100.0).contains(&s.value), "{key:?} = {}", s.value);
                }
            }
        }
    }

    #[test]
    fn incidents_raise_alerts_that_match_the_kpis_and_clear() {
        let e = Estate::new(3);
        let cat = Catalog::builtin();
        let mut seen = std::collections::BTreeSet::new();
        let mut cleared = 0;
        // A simulated month, hour by hour.
        for h in 0..(30 * 24) {
            let t = T + h * 3_600_000;
            for alert in e.alerts_at(t) {
                seen.insert(format!("{:?}", alert.message));
                if alert.cleared_ms.is_some() {
                    cleared += 1;
                    continue;
                }
                let kpi = alert.kpi.as_deref().unwrap();
                let v = e.value_at(kpi, &alert.target, t).unwrap();
                let sev = cat.get(kpi).unwrap().evaluate(Some(v));
                assert!(
                    sev >= Severity::Warning,
                    "{} on {} at {t}: {v} is {sev:?}",
                    alert.message,
                    alert.target
                );
            }
        }
        assert!(seen.len() >= 6, "only {seen:?}");
        assert!(cleared > 0);
    }

    #[test]
    fn unreachable_host_goes_silent() {
        let e = Estate::new(3);
        let t = (0..(30 * 24 * 6))
            .map(|i| T + i * 600_000)
            .find(|t| {
                e.incidents_at(*t)
                    .iter()
                    .any(|i| i.kind == IncidentKind::HostUnreachable && i.intensity(*t) > 0.0)
            })
            .expect("a month has a host outage");
        let inc = e
            .incidents_at(t)
            .into_iter()
            .find(|i| i.kind == IncidentKind::HostUnreachable)
            .unwrap();
        let host = &e.inventory().targets[inc.target].id;
        assert_eq!(e.value_at("host_icmp_up", host, t), Some(0.0));
        assert_eq!(e.value_at("host_cpu_total_pct", host, t), None);
    }
}
