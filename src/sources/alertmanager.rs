//! The `alertmanager` source: active alerts from Alertmanager's API v2
//! (`/api/v2/alerts`), silenced and inhibited ones included and marked, with
//! the silence's author as the alert's owner (`/api/v2/silences`).
//!
//! Labels decide what the wall shows: the severity label (`severity` unless
//! the sources file says otherwise), the first target template whose labels
//! are all present, the system label or the targets file; the message is the
//! `summary` annotation, else `description`, else the alert's name.

use std::collections::HashMap;

use serde::Deserialize;

use super::config::{SourceSpec, fill_template};
use super::http::{Env, FetchError, HttpClient};
use super::prometheus::UNASSIGNED;
use super::scheduler::Fetcher;
use crate::model::{Alert, Inventory, Muted, Severity, TimestampMs};
use crate::store::Update;

/// Alerts taken from one answer at most; the store keeps fewer.
const MAX_ALERTS: usize = 10_000;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GettableAlert {
    labels: HashMap<String, String>,
    #[serde(default)]
    annotations: HashMap<String, String>,
    fingerprint: String,
    starts_at: String,
    status: AlertStatus,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AlertStatus {
    state: String,
    #[serde(default)]
    silenced_by: Vec<String>,
    #[serde(default)]
    inhibited_by: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Silence {
    id: String,
    created_by: String,
    status: SilenceStatus,
}

#[derive(Deserialize)]
struct SilenceStatus {
    state: String,
}

pub struct Alertmanager {
    name: String,
    http: HttpClient,
    severity_label: String,
    system_label: String,
    target_templates: Vec<String>,
    /// Systems of targets, from the targets file.
    inventory: Inventory,
    /// The always-firing alert whose absence means the pipeline is broken.
    watchdog: Option<String>,
    clock: super::prometheus::Clock,
}

impl Alertmanager {
    pub fn new(spec: &SourceSpec) -> Result<Alertmanager, FetchError> {
        Alertmanager::with_env(spec, &|var| std::env::var(var).ok())
    }

    pub fn with_env(spec: &SourceSpec, env: &Env) -> Result<Alertmanager, FetchError> {
        let inventory = match &spec.targets_file {
            Some(path) => super::config::load_targets(path).map_err(FetchError::Config)?,
            None => Inventory::default(),
        };
        Ok(Alertmanager {
            name: spec.name.clone(),
            http: HttpClient::with_env(spec, env)?,
            severity_label: spec.severity_label.clone(),
            system_label: spec.system_label.clone(),
            target_templates: spec.alert_target.clone(),
            inventory,
            watchdog: spec.watchdog.clone(),
            clock: std::sync::Arc::new(|| chrono::Utc::now().timestamp_millis()),
        })
    }

    fn alert(&self, a: GettableAlert, owners: &HashMap<String, String>) -> Option<Alert> {
        let name = a.labels.get("alertname").cloned().unwrap_or_default();
        let target = self
            .target_templates
            .iter()
            .find_map(|t| fill_template(t, |l| a.labels.get(l).map(String::as_str)))
            .unwrap_or_else(|| name.clone());
        let system = a
            .labels
            .get(&self.system_label)
            .filter(|s| !s.is_empty())
            .cloned()
            .or_else(|| self.inventory.target(&target).map(|t| t.system.clone()))
            .unwrap_or_else(|| UNASSIGNED.to_owned());
        let message = ["summary", "description", "message"]
            .iter()
            .find_map(|k| a.annotations.get(*k).filter(|m| !m.trim().is_empty()))
            .cloned()
            .unwrap_or_else(|| name.clone());
        let first_seen_ms = chrono::DateTime::parse_from_rfc3339(&a.starts_at)
            .ok()?
            .timestamp_millis();
        let muted = if !a.status.silenced_by.is_empty() {
            Some(Muted::Silenced)
        } else if !a.status.inhibited_by.is_empty() || a.status.state == "suppressed" {
            Some(Muted::Inhibited)
        } else {
            None
        };
        let owner = a
            .status
            .silenced_by
            .iter()
            .find_map(|id| owners.get(id))
            .cloned();
        Some(Alert {
            id: a.fingerprint,
            severity: severity(a.labels.get(&self.severity_label).map(String::as_str)),
            kpi: a.labels.get("kpi").cloned(),
            target,
            system,
            message,
            first_seen_ms,
            acknowledged: muted == Some(Muted::Silenced),
            owner,
            cleared_ms: None,
            muted,
        })
    }
}

/// A severity label's value as a wall severity: Prometheus' usual words and
/// Zabbix-style levels; anything else is a warning, never dropped.
pub fn severity(label: Option<&str>) -> Severity {
    match label.map(str::to_ascii_lowercase).as_deref() {
        Some("critical" | "crit" | "error" | "page" | "disaster" | "high" | "p1" | "严重") => {
            Severity::Critical
        }
        Some("info" | "information" | "informational" | "none" | "low" | "notice" | "提示") => {
            Severity::Normal
        }
        _ => Severity::Warning,
    }
}

impl Fetcher for Alertmanager {
    async fn fetch(&mut self) -> Result<Vec<Update>, FetchError> {
        let query = [
            ("active", "true".to_owned()),
            ("silenced", "true".to_owned()),
            ("inhibited", "true".to_owned()),
            ("unprocessed", "true".to_owned()),
        ];
        let raw: Vec<GettableAlert> = self.http.get("/api/v2/alerts", &query).await?;
        let silences: Vec<Silence> = self.http.get("/api/v2/silences", &[]).await?;
        let owners: HashMap<String, String> = silences
            .into_iter()
            .filter(|s| s.status.state == "active")
            .map(|s| (s.id, s.created_by))
            .collect();
        // Alertmanager answering says nothing of the rules behind it: when
        // the always-firing alert is gone, "no alerts" cannot be trusted.
        let watchdog_missing = self.watchdog.as_ref().filter(|w| {
            !raw.iter()
                .any(|a| a.labels.get("alertname").is_some_and(|n| n == *w))
        });
        let warning = watchdog_missing.map(|w| {
            format!("看门狗告警 {w} 未收到：告警链路（规则、Prometheus）可能中断，告警不全")
        });
        // The watchdog is a heartbeat, not an alert: it is not listed.
        let mut alerts: Vec<Alert> = raw
            .into_iter()
            .filter(|a| {
                self.watchdog.is_none() || a.labels.get("alertname") != self.watchdog.as_ref()
            })
            .take(MAX_ALERTS)
            .filter_map(|a| self.alert(a, &owners))
            .collect();
        alerts.sort_by(|a, b| a.id.cmp(&b.id));
        let at_ms: TimestampMs = (self.clock)();
        Ok(vec![
            Update::Alerts {
                source: self.name.clone(),
                at_ms,
                alerts,
            },
            Update::Warning {
                source: self.name.clone(),
                message: warning,
            },
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_words_map_and_unknown_ones_warn() {
        assert_eq!(severity(Some("critical")), Severity::Critical);
        assert_eq!(severity(Some("Disaster")), Severity::Critical);
        assert_eq!(severity(Some("info")), Severity::Normal);
        assert_eq!(severity(Some("warning")), Severity::Warning);
        assert_eq!(severity(Some("whatever")), Severity::Warning);
        assert_eq!(severity(None), Severity::Warning);
    }

    #[test]
    fn an_alert_takes_target_system_message_and_silence_owner_from_labels() {
        let text = "[[source]]\nname = \"am\"\nkind = \"alertmanager\"\nurl = \"http://127.0.0.1:1\"\nalert_target = [\"{database}/{tablespace}\", \"{instance}\"]\n";
        let spec = super::super::config::parse(
            text,
            "s.toml",
            std::path::Path::new("."),
            &crate::kpi::Catalog::builtin(),
        )
        .unwrap()
        .sources
        .remove(0);
        let am = Alertmanager::with_env(&spec, &|_| None).unwrap();
        let body = r#"{"labels":{"alertname":"TablespaceAlmostFull","severity":"critical","database":"hx-ora","tablespace":"HX_DATA","system":"hx"},
            "annotations":{"summary":"表空间 hx-ora/HX_DATA 使用率 93.1%"},"fingerprint":"abc","startsAt":"2026-12-10T02:30:00.000Z",
            "endsAt":"2026-12-10T03:30:00.000Z","updatedAt":"2026-12-10T02:30:00.000Z",
            "status":{"state":"suppressed","silencedBy":["s1"],"inhibitedBy":[]},"receivers":[{"name":"null"}]}"#;
        let raw: GettableAlert = serde_json::from_str(body).unwrap();
        let owners = HashMap::from([("s1".to_owned(), "张工".to_owned())]);
        let a = am.alert(raw, &owners).unwrap();
        assert_eq!(a.target, "hx-ora/HX_DATA");
        assert_eq!(a.system, "hx");
        assert_eq!(a.severity, Severity::Critical);
        assert_eq!(a.message, "表空间 hx-ora/HX_DATA 使用率 93.1%");
        assert_eq!(a.first_seen_ms, 1_796_869_800_000);
        assert_eq!(a.muted, Some(Muted::Silenced));
        assert!(a.acknowledged);
        assert_eq!(a.owner.as_deref(), Some("张工"));
    }
}
