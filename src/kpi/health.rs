//! Health roll-up: a target's severity is its worst KPI, and a parent (a
//! database, a `WebLogic` server) is as bad as its worst part.

use crate::model::{Severity, Target, TimestampMs};
use crate::store::Store;

use super::Catalog;

/// Severity of one KPI on one target, unknown when missing or stale.
pub fn kpi_severity(
    store: &Store,
    catalog: &Catalog,
    kpi: &str,
    target: &str,
    now_ms: TimestampMs,
) -> Severity {
    let Some(def) = catalog.get(kpi) else {
        return Severity::Unknown;
    };
    let stale = store.is_stale(f64::from(def.interval_s), kpi, target, now_ms);
    def.evaluate_fresh(store.latest(kpi, target).map(|s| s.value), stale)
}

/// Worst severity over a target's own KPIs; unknown if it has none.
fn own_severity(store: &Store, catalog: &Catalog, target: &str, now_ms: TimestampMs) -> Severity {
    let kpis = store.kpis_of(target);
    if kpis.is_empty() {
        return Severity::Unknown;
    }
    let severities: Vec<Severity> = kpis
        .iter()
        .map(|k| kpi_severity(store, catalog, k, target, now_ms))
        .collect();
    // A silent collector beside answering probes (host down: ping 0, the rest
    // stale) is critical through the probe; unknowns only win when nothing is known.
    let worst_known = severities
        .iter()
        .copied()
        .filter(|s| *s != Severity::Unknown)
        .max();
    match worst_known {
        Some(Severity::Normal) if severities.contains(&Severity::Unknown) => Severity::Unknown,
        Some(s) => s,
        None => Severity::Unknown,
    }
}

/// Worst severity of a target and everything that is part of it.
pub fn target_severity(
    store: &Store,
    catalog: &Catalog,
    target: &Target,
    now_ms: TimestampMs,
) -> Severity {
    let mut worst = own_severity(store, catalog, &target.id, now_ms);
    for part in store
        .targets()
        .iter()
        .filter(|t| t.parent.as_deref() == Some(target.id.as_str()) && t.kind.is_part())
    {
        worst = worst.max(own_severity(store, catalog, &part.id, now_ms));
    }
    worst
}
