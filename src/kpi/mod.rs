//! The KPI catalogue (指标库) and threshold evaluation.
//!
//! The catalogue is a TOML file admins edit (`layouts/kpi-catalog.toml`): per
//! indicator a Chinese name, unit, thresholds, comparison and collection
//! interval. Evaluation turns a value (or its absence, or its staleness) into
//! a [`Severity`]; panels and roll-ups call it and never compare thresholds
//! themselves.

pub mod health;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::Severity;

/// How a value is compared with its thresholds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    /// Warning when value > warn, critical when value > crit.
    Above,
    /// Warning when value < warn, critical when value < crit.
    Below,
    /// `warn` (== `crit`) is the healthy value; anything else is critical.
    NotEqual,
}

/// One indicator of the catalogue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Kpi {
    pub id: String,
    /// `server`, `database`, `middleware` or `business`.
    pub group: String,
    pub name_zh: String,
    #[serde(default)]
    pub name_en: String,
    /// `%`, `count`, `bool`, `enum`, `s`, `min`, `bytes`, `days`.
    pub unit: String,
    pub warn: f64,
    pub crit: f64,
    pub comparison: Comparison,
    /// Suggested collection interval, seconds.
    pub interval_s: u32,
    #[serde(default)]
    pub prometheus: String,
    #[serde(default)]
    pub zabbix_key: String,
}

impl Kpi {
    /// A display-only KPI has no thresholds (`warn = crit = -1`).
    pub fn is_display_only(&self) -> bool {
        self.warn < 0.0 && self.crit < 0.0
    }

    /// Severity of one value. `None` (no data) is unknown.
    pub fn evaluate(&self, value: Option<f64>) -> Severity {
        let Some(v) = value else {
            return Severity::Unknown;
        };
        if v.is_nan() {
            return Severity::Unknown;
        }
        if self.is_display_only() {
            return Severity::Normal;
        }
        match self.comparison {
            Comparison::Above if v > self.crit => Severity::Critical,
            Comparison::Above if v > self.warn => Severity::Warning,
            Comparison::Below if v < self.crit => Severity::Critical,
            Comparison::Below if v < self.warn => Severity::Warning,
            Comparison::NotEqual if v != self.warn => Severity::Critical,
            _ => Severity::Normal,
        }
    }

    /// Severity of a value that may be stale: stale data is unknown, whatever it says.
    pub fn evaluate_fresh(&self, value: Option<f64>, stale: bool) -> Severity {
        if stale {
            Severity::Unknown
        } else {
            self.evaluate(value)
        }
    }

    /// Formats a value with this KPI's unit, as the wall shows it; enum
    /// states by name.
    pub fn format_value(&self, value: f64) -> String {
        let state = |names: &[&'static str]| {
            names
                .get(value.max(0.0) as usize)
                .map_or_else(|| format!("{value:.0}"), |s| (*s).to_owned())
        };
        match self.id.as_str() {
            "wls_server_state" => state(&[
                "SHUTDOWN",
                "STARTING",
                "RUNNING",
                "STANDBY",
                "SUSPENDING",
                "RESUMING",
                "SHUTTING",
                "FAILED",
                "UNKNOWN",
            ]),
            "wls_server_health" | "wls_jms_server_health" => {
                state(&["OK", "FAILED", "OVERLOADED", "CRITICAL", "WARN"])
            }
            "wls_jdbc_pool_state" => {
                state(&["Running", "Suspended", "Shutdown", "Overloaded", "Unknown"])
            }
            _ => format_value(&self.unit, value),
        }
    }

    /// The unit as shown after a number (empty for counts and booleans).
    pub fn display_unit(&self) -> &str {
        display_unit(&self.unit)
    }
}

/// The kind of target a catalogue KPI measures, told by its id's prefix
/// (`ora_tablespace_*` a tablespace, `wls_jdbc_*` a JDBC pool…). Sources that
/// do not know their targets' kinds (Prometheus, Zabbix) use it.
pub fn target_kind_of(kpi: &str) -> Option<crate::model::TargetKind> {
    use crate::model::TargetKind;
    const PREFIXES: [(&str, TargetKind); 8] = [
        ("host_", TargetKind::Host),
        ("ora_tablespace_", TargetKind::Tablespace),
        ("ora_asm_", TargetKind::AsmDiskGroup),
        ("ora_", TargetKind::Database),
        ("wls_jdbc_", TargetKind::JdbcPool),
        ("wls_jms_", TargetKind::JmsServer),
        ("wls_", TargetKind::Weblogic),
        ("etax_", TargetKind::Business),
    ];
    PREFIXES
        .iter()
        .find(|(prefix, _)| kpi.starts_with(prefix))
        .map(|(_, kind)| *kind)
}

/// The unit as shown after a number.
pub fn display_unit(unit: &str) -> &str {
    match unit {
        "%" => "%",
        "s" => "秒",
        "min" => "分钟",
        "days" => "天",
        "bytes" => "GB",
        _ => "",
    }
}

/// Formats a value for its unit: enum and bool states in words, bytes in GB.
pub fn format_value(unit: &str, value: f64) -> String {
    if value.is_nan() {
        return "—".to_owned();
    }
    match unit {
        "bool" => if value >= 0.5 { "正常" } else { "中断" }.to_owned(),
        "bytes" => format!("{:.1}", value / 1_073_741_824.0),
        "count" | "enum" => format!("{value:.0}"),
        "%" if value.abs() >= 99.0 && value.abs() < 100.0 => format!("{value:.2}"),
        _ if value.abs() >= 100.0 => format!("{value:.0}"),
        _ => format!("{value:.1}"),
    }
}

/// Why a catalogue file could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("{file}:{line}: {message}")]
    Syntax {
        file: String,
        line: usize,
        message: String,
    },
    #[error("{file}: KPI `{id}` is defined twice")]
    Duplicate { file: String, id: String },
}

#[derive(Deserialize)]
struct CatalogFile {
    kpi: Vec<Kpi>,
}

/// The loaded catalogue, keyed by KPI id.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    kpis: BTreeMap<String, Kpi>,
}

/// The catalogue shipped with opswall, compiled in so the app runs from any directory.
pub const BUILTIN_CATALOG: &str = include_str!("../../layouts/kpi-catalog.toml");

impl Catalog {
    /// Parses catalogue text; `file` names it in error messages.
    pub fn parse(text: &str, file: &str) -> Result<Catalog, CatalogError> {
        let parsed: CatalogFile = toml::from_str(text).map_err(|e| CatalogError::Syntax {
            file: file.to_owned(),
            line: e
                .span()
                .map_or(0, |s| crate::layout::line_of(text, s.start)),
            message: e.message().to_owned(),
        })?;
        let mut kpis = BTreeMap::new();
        for kpi in parsed.kpi {
            let id = kpi.id.clone();
            if kpis.insert(id.clone(), kpi).is_some() {
                return Err(CatalogError::Duplicate {
                    file: file.to_owned(),
                    id,
                });
            }
        }
        Ok(Catalog { kpis })
    }

    /// The catalogue shipped with opswall.
    pub fn builtin() -> Catalog {
        // The shipped file is checked by a unit test, so this cannot fail in a release.
        Catalog::parse(BUILTIN_CATALOG, "layouts/kpi-catalog.toml").unwrap_or_default()
    }

    pub fn get(&self, id: &str) -> Option<&Kpi> {
        self.kpis.get(id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Kpi> {
        self.kpis.values()
    }

    pub fn len(&self) -> usize {
        self.kpis.len()
    }

    pub fn is_empty(&self) -> bool {
        self.kpis.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kpi(warn: f64, crit: f64, comparison: Comparison) -> Kpi {
        Kpi {
            id: "k".into(),
            group: "server".into(),
            name_zh: "测试".into(),
            name_en: String::new(),
            unit: "%".into(),
            warn,
            crit,
            comparison,
            interval_s: 60,
            prometheus: String::new(),
            zabbix_key: String::new(),
        }
    }

    #[test]
    fn above_is_strict_at_each_threshold() {
        let k = kpi(80.0, 90.0, Comparison::Above);
        assert_eq!(k.evaluate(Some(79.99)), Severity::Normal);
        assert_eq!(k.evaluate(Some(80.0)), Severity::Normal);
        assert_eq!(k.evaluate(Some(80.01)), Severity::Warning);
        assert_eq!(k.evaluate(Some(90.0)), Severity::Warning);
        assert_eq!(k.evaluate(Some(90.01)), Severity::Critical);
    }

    #[test]
    fn below_is_strict_at_each_threshold() {
        let k = kpi(99.9, 99.5, Comparison::Below);
        assert_eq!(k.evaluate(Some(100.0)), Severity::Normal);
        assert_eq!(k.evaluate(Some(99.9)), Severity::Normal);
        assert_eq!(k.evaluate(Some(99.89)), Severity::Warning);
        assert_eq!(k.evaluate(Some(99.5)), Severity::Warning);
        assert_eq!(k.evaluate(Some(99.49)), Severity::Critical);
    }

    #[test]
    fn not_equal_is_critical_off_the_healthy_value() {
        let k = kpi(1.0, 1.0, Comparison::NotEqual);
        assert_eq!(k.evaluate(Some(1.0)), Severity::Normal);
        assert_eq!(k.evaluate(Some(0.0)), Severity::Critical);
        assert_eq!(k.evaluate(Some(2.0)), Severity::Critical);
    }

    #[test]
    fn zero_warning_threshold_warns_on_any_positive_value() {
        let k = kpi(0.0, 10.0, Comparison::Above);
        assert_eq!(k.evaluate(Some(0.0)), Severity::Normal);
        assert_eq!(k.evaluate(Some(1.0)), Severity::Warning);
        assert_eq!(k.evaluate(Some(11.0)), Severity::Critical);
    }

    #[test]
    fn missing_nan_and_stale_are_unknown_and_display_only_is_normal() {
        let k = kpi(80.0, 90.0, Comparison::Above);
        assert_eq!(k.evaluate(None), Severity::Unknown);
        assert_eq!(k.evaluate(Some(f64::NAN)), Severity::Unknown);
        assert_eq!(k.evaluate_fresh(Some(95.0), true), Severity::Unknown);
        assert_eq!(k.evaluate_fresh(Some(95.0), false), Severity::Critical);
        let display = kpi(-1.0, -1.0, Comparison::Above);
        assert_eq!(display.evaluate(Some(1e9)), Severity::Normal);
        assert_eq!(display.evaluate(None), Severity::Unknown);
    }

    #[test]
    fn shipped_catalogue_has_the_tendered_indicators() {
        let cat = Catalog::parse(BUILTIN_CATALOG, "kpi-catalog.toml").unwrap();
        let count = |g: &str| cat.iter().filter(|k| k.group == g).count();
        assert!(count("server") >= 4, "server {}", count("server"));
        assert!(count("database") >= 8);
        assert!(count("middleware") >= 9);
        assert!(count("business") >= 5);
        assert_eq!(cat.get("ora_tablespace_used_pct").unwrap().crit, 95.0);
    }

    #[test]
    fn catalogue_syntax_error_names_the_line() {
        let err = Catalog::parse("[[kpi]]\nid = \"a\"\nwarn = = 3\n", "c.toml").unwrap_err();
        assert!(err.to_string().starts_with("c.toml:3:"), "{err}");
    }
}
