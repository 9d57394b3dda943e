//! The simulated estate as the bureau's collectors would show it, so real
//! monitoring servers can hold the same estate the wall simulates:
//! Prometheus text exposition for live scraping (`/metrics` on `opswall sim`),
//! `OpenMetrics` history for `promtool tsdb create-blocks-from openmetrics`,
//! `VictoriaMetrics`' import format, and Zabbix hosts, items, triggers and
//! `zabbix_sender` input.
//!
//! Every KPI is one gauge family with exporter-style names: the exporters'
//! own names where the catalogue's query reads a gauge directly (the oracledb
//! and `WebLogic` exporters, blackbox `probe_success`), recording-rule names
//! (`level:metric:unit`) where a bureau would compute the KPI with a rule. A
//! target's labels follow its exporter (`instance`, `database` + `tablespace`,
//! `server` + `name`…) and always carry `system`. A series with no value at
//! an instant (its collector is down) is written as `NaN`, so a store that
//! fills gaps from earlier samples still shows the gap.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use serde::Serialize;

use super::Estate;
use crate::kpi::{Catalog, Comparison};
use crate::model::{Target, TargetKind, TimestampMs};

/// One KPI as a metric family.
#[derive(Clone, Copy, Debug)]
pub struct Family {
    pub kpi: &'static str,
    /// Metric name.
    pub metric: &'static str,
    /// Constant labels that tell this KPI from others sharing the metric name.
    pub labels: &'static [(&'static str, &'static str)],
    /// Zabbix item key; parts of a target (a tablespace, a pool) get their
    /// name as the key's one parameter: `oracle.tbs_used_file_pct[HX_DATA]`.
    pub zabbix_key: &'static str,
}

const fn f(
    kpi: &'static str,
    metric: &'static str,
    labels: &'static [(&'static str, &'static str)],
    zabbix_key: &'static str,
) -> Family {
    Family {
        kpi,
        metric,
        labels,
        zabbix_key,
    }
}

const ICMP: &[(&str, &str)] = &[("module", "icmp")];
const LISTENER: &[(&str, &str)] = &[("module", "tcp_connect"), ("service", "oracle-listener")];
const WLS_PORT: &[(&str, &str)] = &[("module", "tcp_connect"), ("service", "weblogic")];
const ETAX_HTTP: &[(&str, &str)] = &[("module", "http_2xx"), ("target_group", "etax")];
const SESSIONS: &[(&str, &str)] = &[("resource_name", "sessions")];

/// Every KPI the simulated estate produces, as a family.
pub const FAMILIES: &[Family] = &[
    f(
        "host_cpu_user_pct",
        "instance:node_cpu_user:percent",
        &[],
        "system.cpu.util[,user]",
    ),
    f(
        "host_cpu_total_pct",
        "instance:node_cpu_utilisation:percent",
        &[],
        "system.cpu.util",
    ),
    f(
        "host_mem_used_pct",
        "instance:node_memory_utilisation:percent",
        &[],
        "vm.memory.utilization",
    ),
    f(
        "host_swap_used_pct",
        "instance:node_swap_utilisation:percent",
        &[],
        "system.swap.pused",
    ),
    f("host_icmp_up", "probe_success", ICMP, "icmpping"),
    f(
        "host_icmp_loss_pct",
        "instance:probe_icmp_loss:percent",
        &[],
        "icmppingloss",
    ),
    f(
        "host_fs_used_pct",
        "instance:node_filesystem_utilisation:percent",
        &[],
        "vfs.fs.pused.max",
    ),
    f("host_agent_up", "instance:node_agent:up", &[], "agent.ping"),
    f("ora_instance_up", "oracledb_up", &[], "oracle.ping"),
    f(
        "ora_listener_port_up",
        "probe_success",
        LISTENER,
        "oracle.listener.port",
    ),
    f(
        "ora_session_count",
        "oracledb_resource_current_utilization",
        SESSIONS,
        "oracle.session_count",
    ),
    f(
        "ora_session_usage_pct",
        "database:oracledb_session_usage:percent",
        &[],
        "oracle.session_usage_pct",
    ),
    f(
        "ora_process_usage_pct",
        "database:oracledb_process_usage:percent",
        &[],
        "oracle.process_usage_pct",
    ),
    f(
        "ora_active_session_pct",
        "database:oracledb_active_sessions:percent",
        &[],
        "oracle.session_active_pct",
    ),
    f(
        "ora_long_txn_count",
        "oracledb_long_transaction_long_count",
        &[],
        "oracle.long_txn_count",
    ),
    f(
        "ora_longest_txn_minutes",
        "database:oracledb_longest_transaction:minutes",
        &[],
        "oracle.longest_txn_min",
    ),
    f(
        "ora_long_locked_sessions",
        "oracledb_blocked_sessions_long_count",
        &[],
        "oracle.session_long_time_locked",
    ),
    f(
        "ora_tablespace_used_pct",
        "oracledb_tablespace_used_percent",
        &[],
        "oracle.tbs_used_file_pct",
    ),
    f(
        "ora_asm_dg_used_pct",
        "oracledb_asm_diskgroup_used_percent",
        &[],
        "oracle.asm_used_pct",
    ),
    f(
        "ora_sga_size_bytes",
        "oracledb_sga_total_bytes",
        &[],
        "oracle.sga_total",
    ),
    f(
        "ora_shared_pool_free_pct",
        "oracledb_sysmetric_shared_pool_free_pct",
        &[],
        "oracle.shared_pool_free",
    ),
    f(
        "ora_pga_allocated_bytes",
        "oracledb_pga_total_allocated_bytes",
        &[],
        "oracle.total_pga_allocated",
    ),
    f(
        "ora_pga_used_pct",
        "database:oracledb_pga_used:percent",
        &[],
        "oracle.pga_used_pct",
    ),
    f(
        "wls_server_state",
        "wls_server_state",
        &[],
        "wls.server.state",
    ),
    f(
        "wls_server_health",
        "wls_server_overallhealth_state",
        &[],
        "wls.server.health",
    ),
    f(
        "wls_heap_free_pct",
        "wls_jvm_heap_free_percent",
        &[],
        "wls.jvm.heap_free_pct",
    ),
    f(
        "wls_threadpool_queue_length",
        "wls_threadpool_queue_length",
        &[],
        "wls.threadpool.queue_length",
    ),
    f(
        "wls_pending_user_requests",
        "wls_threadpool_pending_user_request_count",
        &[],
        "wls.threadpool.pending_user_requests",
    ),
    f(
        "wls_stuck_thread_count",
        "wls_threadpool_stuck_thread_count",
        &[],
        "wls.threadpool.stuck_threads",
    ),
    f(
        "wls_hogging_thread_count",
        "wls_threadpool_hogging_thread_count",
        &[],
        "wls.threadpool.hogging_threads",
    ),
    f(
        "wls_listen_port_up",
        "probe_success",
        WLS_PORT,
        "wls.listen.port",
    ),
    f(
        "wls_jdbc_pool_state",
        "wls_datasource_state",
        &[],
        "wls.jdbc.state",
    ),
    f(
        "wls_jdbc_active_connections",
        "wls_datasource_active_connections_current_count",
        &[],
        "wls.jdbc.active",
    ),
    f(
        "wls_jdbc_pool_usage_pct",
        "datasource:wls_datasource_usage:percent",
        &[],
        "wls.jdbc.usage_pct",
    ),
    f(
        "wls_jdbc_waiting_for_connection",
        "wls_datasource_waiting_for_connection_current_count",
        &[],
        "wls.jdbc.waiting",
    ),
    f(
        "wls_jdbc_leaked_connections",
        "datasource:wls_datasource_leaked_connections:increase15m",
        &[],
        "wls.jdbc.leaked",
    ),
    f(
        "wls_jdbc_failed_reserve",
        "datasource:wls_datasource_failed_reserve_requests:increase5m",
        &[],
        "wls.jdbc.failed_reserve",
    ),
    f(
        "wls_jms_server_health",
        "wls_jms_health_state",
        &[],
        "wls.jms.health",
    ),
    f(
        "wls_jms_messages_pending",
        "wls_jms_messages_pending_count",
        &[],
        "wls.jms.pending",
    ),
    f(
        "etax_portal_up",
        "probe_success",
        ETAX_HTTP,
        "web.test.ok[etax_home]",
    ),
    f(
        "etax_availability_pct",
        "business:probe_availability:percent1d",
        &[],
        "etax.availability_pct",
    ),
    f(
        "etax_response_time_s",
        "probe_duration_seconds",
        ETAX_HTTP,
        "web.test.time",
    ),
    f(
        "etax_http_error_rate_pct",
        "business:etax_http_errors:percent5m",
        &[],
        "etax.http_error_pct",
    ),
    f(
        "etax_online_users",
        "etax_online_users",
        &[],
        "etax.online_users",
    ),
    f(
        "etax_declare_success_rate_pct",
        "business:etax_biz_success:percent10m",
        &[("biz", "declare")],
        "etax.success_pct[declare]",
    ),
    f(
        "etax_payment_success_rate_pct",
        "business:etax_biz_success:percent10m",
        &[("biz", "payment")],
        "etax.success_pct[payment]",
    ),
    f(
        "etax_invoice_success_rate_pct",
        "business:etax_biz_success:percent10m",
        &[("biz", "invoice")],
        "etax.success_pct[invoice]",
    ),
    f(
        "etax_tls_cert_days_left",
        "business:probe_ssl_cert_days_left:days",
        &[],
        "etax.cert_days_left",
    ),
];

/// The family of a KPI.
pub fn family(kpi: &str) -> Option<&'static Family> {
    FAMILIES.iter().find(|f| f.kpi == kpi)
}

/// The part name of a target that is part of another (`hx-ora/HX_DATA` → `HX_DATA`).
fn part_name(target: &Target) -> &str {
    target.id.rsplit('/').next().unwrap_or(&target.id)
}

/// The labels that name a target, as its exporter would write them.
pub fn target_labels(target: &Target) -> Vec<(&'static str, String)> {
    let parent = || target.parent.clone().unwrap_or_default();
    let mut labels = match target.kind {
        TargetKind::Host => vec![("instance", target.id.clone())],
        TargetKind::Database => vec![("database", target.id.clone())],
        TargetKind::Tablespace => vec![
            ("database", parent()),
            ("tablespace", part_name(target).to_owned()),
        ],
        TargetKind::AsmDiskGroup => vec![
            ("database", parent()),
            (
                "diskgroup",
                part_name(target).trim_start_matches('+').to_owned(),
            ),
        ],
        TargetKind::Weblogic => vec![("server", target.id.clone())],
        TargetKind::JdbcPool | TargetKind::JmsServer => {
            vec![("server", parent()), ("name", part_name(target).to_owned())]
        }
        TargetKind::Business => vec![("business", target.id.clone())],
    };
    labels.push(("system", target.system.clone()));
    labels
}

/// How a source maps a family's labels back to the target id: the template
/// for the sources file (`{database}/{tablespace}`).
pub fn target_template(kind: TargetKind) -> &'static str {
    match kind {
        TargetKind::Host => "{instance}",
        TargetKind::Database => "{database}",
        TargetKind::Tablespace => "{database}/{tablespace}",
        TargetKind::AsmDiskGroup => "{database}/+{diskgroup}",
        TargetKind::Weblogic => "{server}",
        TargetKind::JdbcPool | TargetKind::JmsServer => "{server}/{name}",
        TargetKind::Business => "{business}",
    }
}

/// A `PromQL` selector for a family: its name and constant labels.
pub fn selector(family: &Family) -> String {
    if family.labels.is_empty() {
        return family.metric.to_owned();
    }
    let labels: Vec<String> = family
        .labels
        .iter()
        .map(|(k, v)| format!("{k}=\"{v}\""))
        .collect();
    format!("{}{{{}}}", family.metric, labels.join(", "))
}

/// Escapes a label value for the text formats.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// A sample value as the text formats write it.
fn number(value: Option<f64>) -> String {
    match value {
        Some(v) if v.is_finite() => format!("{v}"),
        Some(v) if v > 0.0 => "+Inf".into(),
        Some(v) if v < 0.0 => "-Inf".into(),
        _ => "NaN".into(),
    }
}

/// One exposed series: where it sits in the estate and its label text.
struct Exposed {
    family: usize,
    key: crate::model::SeriesKey,
    /// Label names and values, the family's constant labels first.
    pairs: Vec<(&'static str, String)>,
    /// The same as `{a="b",c="d"}`.
    labels: String,
}

/// The estate's series, grouped by metric name so each family's lines are
/// contiguous (`OpenMetrics` requires it).
pub struct Exposition {
    series: Vec<Exposed>,
    /// Metric names in output order, each with its series' indices.
    metrics: Vec<(&'static str, Vec<usize>)>,
}

impl Exposition {
    pub fn new(estate: &Estate) -> Exposition {
        let inventory = estate.inventory();
        let mut series = Vec::new();
        for key in estate.series_keys() {
            let Some(fi) = FAMILIES.iter().position(|f| f.kpi == key.kpi) else {
                continue;
            };
            let Some(target) = inventory.target(&key.target) else {
                continue;
            };
            let constant = FAMILIES[fi]
                .labels
                .iter()
                .map(|(k, v)| (*k, (*v).to_owned()));
            let pairs: Vec<(&'static str, String)> =
                constant.chain(target_labels(target)).collect();
            let mut text = String::from("{");
            for (i, (k, v)) in pairs.iter().enumerate() {
                if i > 0 {
                    text.push(',');
                }
                let _ = write!(text, "{k}=\"{}\"", escape(v));
            }
            text.push('}');
            series.push(Exposed {
                family: fi,
                key: key.clone(),
                pairs,
                labels: text,
            });
        }
        let mut metrics: Vec<(&'static str, Vec<usize>)> = Vec::new();
        for (i, s) in series.iter().enumerate() {
            let name = FAMILIES[s.family].metric;
            match metrics.iter_mut().find(|(m, _)| *m == name) {
                Some((_, members)) => members.push(i),
                None => metrics.push((name, vec![i])),
            }
        }
        Exposition { series, metrics }
    }

    pub fn len(&self) -> usize {
        self.series.len()
    }

    pub fn is_empty(&self) -> bool {
        self.series.is_empty()
    }

    /// Every series' value at `t_ms`, in series order (`None`: no sample).
    fn values_at(&self, estate: &Estate, t_ms: TimestampMs) -> Vec<Option<f64>> {
        let samples: HashMap<_, f64> = estate
            .samples_at(t_ms)
            .into_iter()
            .map(|(k, s)| (k, s.value))
            .collect();
        self.series
            .iter()
            .map(|s| samples.get(&s.key).copied())
            .collect()
    }

    /// Prometheus text exposition (format 0.0.4) of the instant `t_ms`, every
    /// sample stamped with it in ms, so a scrape stores the simulated instant.
    pub fn text_at(&self, estate: &Estate, t_ms: TimestampMs) -> String {
        let values = self.values_at(estate, t_ms);
        let mut out = String::with_capacity(self.series.len() * 96);
        for (metric, members) in &self.metrics {
            let _ = writeln!(out, "# TYPE {metric} gauge");
            for &i in members {
                let s = &self.series[i];
                let _ = writeln!(out, "{metric}{} {} {t_ms}", s.labels, number(values[i]));
            }
        }
        out
    }

    /// `OpenMetrics` text of every instant `step_ms` apart in `from_ms..=to_ms`
    /// (timestamps in seconds, `# EOF` last), for `promtool`'s backfill.
    pub fn openmetrics(
        &self,
        estate: &Estate,
        instants: &[TimestampMs],
        w: &mut dyn Write,
    ) -> io::Result<()> {
        let columns = self.columns(estate, instants);
        for (metric, members) in &self.metrics {
            writeln!(w, "# TYPE {metric} gauge")?;
            for &i in members {
                let s = &self.series[i];
                for (t, v) in instants.iter().zip(&columns[i]) {
                    let secs = *t as f64 / 1000.0;
                    writeln!(w, "{metric}{} {} {secs}", s.labels, number(*v))?;
                }
            }
        }
        writeln!(w, "# EOF")
    }

    /// `VictoriaMetrics`' JSON-lines import (`/api/v1/import`): one line per
    /// series. JSON has no `NaN`: a missing sample is left out.
    pub fn victoria_metrics(
        &self,
        estate: &Estate,
        instants: &[TimestampMs],
        w: &mut dyn Write,
    ) -> io::Result<()> {
        let columns = self.columns(estate, instants);
        for (s, column) in self.series.iter().zip(&columns) {
            let mut metric = serde_json::Map::new();
            metric.insert("__name__".into(), FAMILIES[s.family].metric.into());
            for (k, v) in &s.pairs {
                metric.insert((*k).to_owned(), v.clone().into());
            }
            let (mut values, mut timestamps) = (Vec::new(), Vec::new());
            for (t, v) in instants.iter().zip(column) {
                if let Some(v) = v.filter(|v| v.is_finite()) {
                    values.push(v);
                    timestamps.push(*t);
                }
            }
            let line =
                serde_json::json!({ "metric": metric, "values": values, "timestamps": timestamps });
            serde_json::to_writer(&mut *w, &line)?;
            writeln!(w)?;
        }
        Ok(())
    }

    /// Values per series over `instants` (series-major).
    fn columns(&self, estate: &Estate, instants: &[TimestampMs]) -> Vec<Vec<Option<f64>>> {
        let mut columns = vec![Vec::with_capacity(instants.len()); self.series.len()];
        for &t in instants {
            for (column, v) in columns.iter_mut().zip(self.values_at(estate, t)) {
                column.push(v);
            }
        }
        columns
    }
}

/// Instants `step_ms` apart ending at `to_ms` (rounded down to the step) and
/// covering `hours` hours.
pub fn instants(to_ms: TimestampMs, hours: f64, step_ms: i64) -> Vec<TimestampMs> {
    let step_ms = step_ms.max(1_000);
    let last = to_ms.div_euclid(step_ms) * step_ms;
    let count = ((hours * 3_600_000.0) as i64 / step_ms).max(0);
    (0..=count).rev().map(|i| last - i * step_ms).collect()
}

/// A Zabbix host: one per target that is not part of another; parts become
/// items with their name as the key's parameter.
#[derive(Debug, Serialize)]
pub struct ZabbixHost {
    /// Technical name: the target id.
    pub host: String,
    /// Visible name.
    pub name: String,
    pub groups: Vec<String>,
    pub items: Vec<ZabbixItem>,
    pub triggers: Vec<ZabbixTrigger>,
}

#[derive(Debug, Serialize)]
pub struct ZabbixItem {
    pub key: String,
    pub name: String,
    pub units: String,
}

#[derive(Debug, Serialize)]
pub struct ZabbixTrigger {
    pub description: String,
    pub expression: String,
    /// 2 warning, 4 high.
    pub priority: u8,
}

#[derive(Debug, Serialize)]
pub struct ZabbixHosts {
    /// Host group names: the application systems' names.
    pub groups: Vec<String>,
    pub hosts: Vec<ZabbixHost>,
}

/// The Zabbix host a target's items live on, and the item key for a KPI.
pub fn zabbix_item(estate: &Estate, kpi: &str, target_id: &str) -> Option<(String, String)> {
    let family = family(kpi)?;
    let target = estate.inventory().target(target_id)?;
    if target.kind.is_part() {
        let host = target.parent.clone()?;
        Some((
            host,
            format!("{}[{}]", family.zabbix_key, part_name(target)),
        ))
    } else {
        Some((target.id.clone(), family.zabbix_key.to_owned()))
    }
}

/// The estate as Zabbix hosts, with a trigger per threshold.
pub fn zabbix_hosts(estate: &Estate, catalog: &Catalog) -> ZabbixHosts {
    let inventory = estate.inventory();
    let mut hosts: Vec<ZabbixHost> = inventory
        .targets
        .iter()
        .filter(|t| !t.kind.is_part())
        .map(|t| ZabbixHost {
            host: t.id.clone(),
            name: t.name.clone(),
            groups: vec![inventory.system_name(&t.system).to_owned()],
            items: Vec::new(),
            triggers: Vec::new(),
        })
        .collect();
    for key in estate.series_keys() {
        let Some((host, item_key)) = zabbix_item(estate, &key.kpi, &key.target) else {
            continue;
        };
        let Some(h) = hosts.iter_mut().find(|h| h.host == host) else {
            continue;
        };
        let def = catalog.get(&key.kpi);
        let name = def.map_or(key.kpi.clone(), |d| d.name_zh.clone());
        let target_name = inventory
            .target(&key.target)
            .map_or("", |t| t.name.as_str());
        if let Some(d) = def {
            h.triggers
                .extend(triggers(&host, &item_key, &name, target_name, d));
        }
        h.items.push(ZabbixItem {
            key: item_key,
            name: format!("{name}（{target_name}）"),
            units: def.map(|d| d.unit.clone()).unwrap_or_default(),
        });
    }
    let mut groups: Vec<String> = inventory.systems.iter().map(|s| s.name.clone()).collect();
    groups.dedup();
    ZabbixHosts { groups, hosts }
}

fn triggers(
    host: &str,
    key: &str,
    name: &str,
    target_name: &str,
    def: &crate::kpi::Kpi,
) -> Vec<ZabbixTrigger> {
    let item = format!("last(/{host}/{key})");
    let description = |level: &str| format!("{target_name} {name}{level}");
    match def.comparison {
        _ if def.is_display_only() => Vec::new(),
        Comparison::NotEqual => vec![ZabbixTrigger {
            description: description("异常"),
            expression: format!("{item}<>{}", def.crit),
            priority: 4,
        }],
        Comparison::Above | Comparison::Below => {
            let op = if def.comparison == Comparison::Above {
                ">"
            } else {
                "<"
            };
            vec![
                ZabbixTrigger {
                    description: description("严重"),
                    expression: format!("{item}{op}{}", def.crit),
                    priority: 4,
                },
                ZabbixTrigger {
                    description: description("预警"),
                    expression: format!("{item}{op}{} and not {item}{op}{}", def.warn, def.crit),
                    priority: 2,
                },
            ]
        }
    }
}

/// `zabbix_sender -T` input: `<host> <key> <unix s> <value>` per sample.
/// Missing samples are left out (Zabbix has no `NaN`).
pub fn zabbix_sender(
    estate: &Estate,
    instants: &[TimestampMs],
    w: &mut dyn Write,
) -> io::Result<()> {
    let mut items: HashMap<(String, String), (String, String)> = HashMap::new();
    for key in estate.series_keys() {
        if let Some(item) = zabbix_item(estate, &key.kpi, &key.target) {
            items.insert((key.kpi.clone(), key.target.clone()), item);
        }
    }
    for &t in instants {
        for (k, s) in estate.samples_at(t) {
            let Some((host, key)) = items.get(&(k.kpi, k.target)) else {
                continue;
            };
            if s.value.is_finite() {
                writeln!(w, "{host} {key} {} {}", t / 1000, s.value)?;
            }
        }
    }
    Ok(())
}

/// The estate's systems and targets as a targets file (TOML) for sources
/// that cannot tell them (Prometheus, Zabbix).
pub fn targets_toml(estate: &Estate) -> Result<String, toml::ser::Error> {
    let body = toml::to_string(estate.inventory())?;
    Ok(format!(
        "# Application systems and targets of the simulated estate (opswall sim export targets).\n\n{body}"
    ))
}

/// The `[[source.kpi]]` tables that read the simulated estate from a
/// Prometheus (or `VictoriaMetrics`) that scraped or imported it, ready to
/// paste into a sources file.
pub fn prometheus_kpis_toml() -> String {
    let mut out = String::new();
    for f in FAMILIES {
        let Some(kind) = crate::kpi::target_kind_of(f.kpi) else {
            continue;
        };
        let _ = writeln!(
            out,
            "[[source.kpi]]\nid = \"{}\"\nquery = '{}'\ntarget = \"{}\"\n",
            f.kpi,
            selector(f),
            target_template(kind)
        );
    }
    out
}

/// The `[[source.kpi]]` tables that read the simulated estate from a Zabbix
/// loaded with [`zabbix_hosts`] and [`zabbix_sender`].
pub fn zabbix_kpis_toml() -> String {
    let mut out = String::new();
    for f in FAMILIES {
        let Some(kind) = crate::kpi::target_kind_of(f.kpi) else {
            continue;
        };
        let (query, target) = if kind.is_part() {
            (format!("{}[*]", f.zabbix_key), "{host}/{1}")
        } else {
            (f.zabbix_key.to_owned(), "{host}")
        };
        let _ = writeln!(
            out,
            "[[source.kpi]]\nid = \"{}\"\nquery = '{query}'\ntarget = \"{target}\"\n",
            f.kpi
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kpi_of_the_estate_has_one_family_and_the_catalogue_knows_it() {
        let estate = Estate::new(1);
        let catalog = Catalog::builtin();
        for key in estate.series_keys() {
            assert!(family(&key.kpi).is_some(), "{} has no family", key.kpi);
        }
        for f in FAMILIES {
            assert!(
                catalog.get(f.kpi).is_some(),
                "{} is not in the catalogue",
                f.kpi
            );
        }
        // Families sharing a name differ in their constant labels.
        for a in FAMILIES {
            for b in FAMILIES {
                if a.kpi != b.kpi && a.metric == b.metric {
                    assert_ne!(a.labels, b.labels, "{} and {}", a.kpi, b.kpi);
                }
            }
        }
    }

    #[test]
    fn the_text_exposition_carries_the_estate_values_and_labels() {
        let estate = Estate::new(1);
        let e = Exposition::new(&estate);
        let t = 1_796_264_400_000;
        let text = e.text_at(&estate, t);
        let v = estate
            .value_at("ora_tablespace_used_pct", "hx-ora/HX_DATA", t)
            .unwrap();
        let line = format!(
            "oracledb_tablespace_used_percent{{database=\"hx-ora\",tablespace=\"HX_DATA\",system=\"hx\"}} {v} {t}"
        );
        assert!(text.contains(&line), "{line} missing");
        assert!(
            text.contains("probe_success{module=\"icmp\",instance=\"hx-app01\",system=\"hx\"}")
        );
        // One TYPE line per metric name, even when KPIs share it.
        assert_eq!(text.matches("# TYPE probe_success gauge").count(), 1);
        assert_eq!(
            text.lines().filter(|l| !l.starts_with('#')).count(),
            e.len()
        );
    }

    #[test]
    fn openmetrics_history_is_grouped_by_family_and_ends_with_eof() {
        let estate = Estate::new(1);
        let e = Exposition::new(&estate);
        let ts = instants(1_796_264_400_000, 0.25, 60_000);
        assert_eq!(ts.len(), 16);
        let mut out = Vec::new();
        e.openmetrics(&estate, &ts, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.ends_with("# EOF\n"));
        // Contiguous families: a metric name never reappears after another one.
        let mut seen = Vec::new();
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let name = line.split(['{', ' ']).next().unwrap();
            if seen.last() != Some(&name) {
                assert!(!seen.contains(&name), "{name} is split");
                seen.push(name);
            }
        }
        assert!(text.contains("} NaN 1796264400\n") || text.contains(" 1796264400\n"));
    }

    #[test]
    fn victoria_metrics_lines_have_names_labels_and_aligned_values() {
        let estate = Estate::new(1);
        let e = Exposition::new(&estate);
        let ts = instants(1_796_264_400_000, 0.1, 60_000);
        let mut out = Vec::new();
        e.victoria_metrics(&estate, &ts, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), e.len());
        let line = text
            .lines()
            .find(|l| l.contains("\"tablespace\":\"HX_DATA\""))
            .unwrap();
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["metric"]["__name__"], "oracledb_tablespace_used_percent");
        assert_eq!(v["metric"]["database"], "hx-ora");
        assert_eq!(v["metric"]["system"], "hx");
        assert_eq!(
            v["values"].as_array().unwrap().len(),
            v["timestamps"].as_array().unwrap().len()
        );
    }

    #[test]
    fn zabbix_items_sit_on_their_hosts_with_parts_as_parameters() {
        let estate = Estate::new(1);
        assert_eq!(
            zabbix_item(&estate, "ora_tablespace_used_pct", "hx-ora/HX_DATA"),
            Some(("hx-ora".into(), "oracle.tbs_used_file_pct[HX_DATA]".into()))
        );
        let hosts = zabbix_hosts(&estate, &Catalog::builtin());
        let ora = hosts.hosts.iter().find(|h| h.host == "hx-ora").unwrap();
        assert_eq!(ora.groups, ["核心征管"]);
        assert!(
            ora.items
                .iter()
                .any(|i| i.key == "oracle.asm_used_pct[+DATA]")
        );
        assert!(
            ora.triggers
                .iter()
                .any(|t| t.expression == "last(/hx-ora/oracle.tbs_used_file_pct[HX_DATA])>95")
        );
        let mut sent = Vec::new();
        zabbix_sender(
            &estate,
            &instants(1_796_264_400_000, 0.0, 60_000),
            &mut sent,
        )
        .unwrap();
        let sent = String::from_utf8(sent).unwrap();
        assert!(
            sent.lines()
                .any(|l| l.starts_with("hx-ora oracle.tbs_used_file_pct[HX_DATA] 1796264400 "))
        );
    }

    #[test]
    fn every_family_names_its_target_kind_by_its_kpi() {
        let estate = Estate::new(1);
        for key in estate.series_keys() {
            let target = estate.inventory().target(&key.target).unwrap();
            assert_eq!(
                crate::kpi::target_kind_of(&key.kpi),
                Some(target.kind),
                "{}",
                key.kpi
            );
            // The template rebuilds the id from the labels.
            let labels = target_labels(target);
            let id = crate::sources::config::fill_template(target_template(target.kind), |l| {
                labels
                    .iter()
                    .find(|(k, _)| *k == l)
                    .map(|(_, v)| v.as_str())
            });
            assert_eq!(id.as_deref(), Some(key.target.as_str()));
        }
    }

    #[test]
    fn the_targets_file_parses_back_to_the_estate() {
        let estate = Estate::new(1);
        let text = targets_toml(&estate).unwrap();
        let inv: crate::model::Inventory = toml::from_str(&text).unwrap();
        assert_eq!(&inv, estate.inventory());
    }
}
