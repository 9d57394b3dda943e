//! The sources file: where the wall's data comes from, kept apart from the
//! layouts so one layout serves several sites.
//!
//! Secrets never live in the file: a source names the environment variables
//! that hold its token or user and password, and they are read when the wall
//! starts. Every error names its file and line.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use crate::kpi::Catalog;
use crate::layout::line_of;

/// What a source speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceKind {
    /// The built-in simulated estate, in process.
    Sim,
    /// The ops platform's REST API (`docs/platform-api.md`).
    Platform,
    /// Anything that speaks the Prometheus HTTP API (Prometheus, `VictoriaMetrics`, Thanos, Mimir).
    Prometheus,
    /// Alertmanager API v2.
    Alertmanager,
    /// Zabbix 6.0 JSON-RPC.
    Zabbix,
}

impl SourceKind {
    const ALL: [(&'static str, SourceKind); 5] = [
        ("sim", SourceKind::Sim),
        ("platform", SourceKind::Platform),
        ("prometheus", SourceKind::Prometheus),
        ("alertmanager", SourceKind::Alertmanager),
        ("zabbix", SourceKind::Zabbix),
    ];

    fn parse(s: &str) -> Option<SourceKind> {
        SourceKind::ALL
            .iter()
            .find(|(k, _)| *k == s)
            .map(|(_, kind)| *kind)
    }

    pub fn key(self) -> &'static str {
        SourceKind::ALL
            .iter()
            .find(|(_, k)| *k == self)
            .map_or("sim", |(key, _)| key)
    }
}

/// How a source proves who it is. Holds variable names, never secrets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Auth {
    None,
    /// `Authorization: Bearer $VAR` (Zabbix: an API token).
    Bearer {
        token_env: String,
    },
    /// HTTP basic auth (Zabbix: `user.login`).
    UserPassword {
        user_env: String,
        password_env: String,
    },
}

/// A secret read from the environment. Its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret obtained at run time (a session id).
    pub fn new(value: String) -> Secret {
        Secret(value)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// Reads a secret from a named environment variable, through `env`.
pub fn secret_from_env(var: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Secret, String> {
    match env(var) {
        Some(v) if !v.is_empty() => Ok(Secret(v)),
        Some(_) => Err(format!("环境变量 {var} 为空")),
        None => Err(format!("环境变量 {var} 未设置")),
    }
}

/// One KPI's query for a Prometheus or Zabbix source.
#[derive(Clone, Debug, PartialEq)]
pub struct KpiQuery {
    pub kpi: String,
    /// `PromQL`, or for Zabbix an item key (a `*` matches any text).
    pub query: String,
    /// How a result's labels (Prometheus) or host and key (Zabbix) name the
    /// target: `{label}` placeholders, e.g. `{database}/{tablespace}`.
    pub target: String,
}

/// One source, checked.
#[derive(Clone, Debug)]
pub struct SourceSpec {
    pub name: String,
    pub kind: SourceKind,
    /// Base URL, without a trailing slash. Empty for `sim`.
    pub url: String,
    pub interval: Duration,
    pub timeout: Duration,
    /// Longest wait between retries while the source keeps failing.
    pub backoff_max: Duration,
    pub auth: Auth,
    pub tls_verify: bool,
    pub ca_file: Option<PathBuf>,
    /// Responses larger than this are dropped with an error.
    pub max_body_bytes: usize,
    /// History fetched at start, hours.
    pub backfill_h: f64,
    /// KPI queries (Prometheus, Zabbix).
    pub kpis: Vec<KpiQuery>,
    /// Targets and application systems the source cannot tell (TOML, see [`load_targets`]).
    pub targets_file: Option<PathBuf>,
    /// Label carrying an alert's severity (Alertmanager).
    pub severity_label: String,
    /// Label templates naming an alert's target, tried in order (Alertmanager).
    pub alert_target: Vec<String>,
    /// Label naming an alert's application system (Alertmanager).
    pub system_label: String,
    /// Host groups whose hosts the wall shows (Zabbix); all when empty.
    pub host_groups: Vec<String>,
    /// The always-firing alert (Alertmanager): when it is missing, the
    /// alerting pipeline behind Alertmanager is broken and the wall says so.
    pub watchdog: Option<String>,
}

/// A sources file, checked.
#[derive(Clone, Debug)]
pub struct SourcesFile {
    pub file: String,
    pub sources: Vec<SourceSpec>,
}

impl SourcesFile {
    /// The wall's default: the simulated estate alone, fetched every `tick_s`.
    pub fn builtin_sim(tick_s: f64) -> SourcesFile {
        SourcesFile {
            file: "(built in)".into(),
            sources: vec![SourceSpec {
                name: crate::sim::SOURCE_NAME.to_owned(),
                kind: SourceKind::Sim,
                url: String::new(),
                interval: Duration::from_secs_f64(tick_s.max(1.0)),
                timeout: Duration::from_secs(10),
                backoff_max: Duration::from_mins(5),
                auth: Auth::None,
                tls_verify: true,
                ca_file: None,
                max_body_bytes: 0,
                backfill_h: 3.0,
                kpis: Vec::new(),
                targets_file: None,
                severity_label: "severity".into(),
                alert_target: Vec::new(),
                system_label: "system".into(),
                host_groups: Vec::new(),
                watchdog: None,
            }],
        }
    }

    /// Whether every source is the in-process simulator (targets are then known before start).
    pub fn only_sim(&self) -> bool {
        self.sources.iter().all(|s| s.kind == SourceKind::Sim)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    source: Vec<Spanned<RawSource>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    name: Spanned<String>,
    kind: Spanned<String>,
    #[serde(default)]
    url: Option<Spanned<String>>,
    #[serde(default)]
    interval_s: Option<Spanned<f64>>,
    #[serde(default)]
    timeout_s: Option<Spanned<f64>>,
    #[serde(default)]
    backoff_max_s: Option<Spanned<f64>>,
    #[serde(default)]
    token_env: Option<Spanned<String>>,
    #[serde(default)]
    user_env: Option<Spanned<String>>,
    #[serde(default)]
    password_env: Option<Spanned<String>>,
    #[serde(default)]
    tls_verify: Option<bool>,
    #[serde(default)]
    ca_file: Option<Spanned<String>>,
    #[serde(default)]
    max_body_mb: Option<Spanned<f64>>,
    #[serde(default)]
    backfill_h: Option<Spanned<f64>>,
    #[serde(default)]
    target: Option<String>,
    #[serde(default)]
    alert_target: Option<Vec<String>>,
    #[serde(default)]
    targets_file: Option<Spanned<String>>,
    #[serde(default)]
    severity_label: Option<String>,
    #[serde(default)]
    system_label: Option<String>,
    #[serde(default)]
    host_groups: Vec<String>,
    #[serde(default)]
    watchdog: Option<Spanned<String>>,
    #[serde(default)]
    kpi: Vec<Spanned<RawKpi>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKpi {
    id: Spanned<String>,
    #[serde(default)]
    query: Option<String>,
    #[serde(default)]
    target: Option<String>,
}

/// The default target label template.
pub const DEFAULT_TARGET: &str = "{target}";

/// The default templates naming an alert's target: an explicit `target`
/// label, then the exporter's `instance`.
pub const DEFAULT_ALERT_TARGET: [&str; 2] = ["{target}", "{instance}"];

/// Parses a sources file. `file` names it in errors; relative paths in it
/// (`ca_file`, `targets_file`) are taken from `base_dir`.
pub fn parse(
    text: &str,
    file: &str,
    base_dir: &Path,
    catalog: &Catalog,
) -> Result<SourcesFile, Vec<String>> {
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(1, |s| line_of(text, s.start));
        vec![format!("{file}:{line}: TOML: {}", e.message().trim())]
    })?;
    let mut errors = Vec::new();
    let mut err =
        |at: usize, msg: String| errors.push(format!("{file}:{}: {msg}", line_of(text, at)));
    let mut names = BTreeSet::new();
    let mut sources = Vec::new();
    if raw.source.is_empty() {
        err(0, "no [[source]] in the file".into());
    }
    for spanned in &raw.source {
        let at = spanned.span().start;
        let r = spanned.get_ref();
        let name = r.name.get_ref().trim().to_owned();
        if name.is_empty() || name.chars().count() > 24 {
            err(
                r.name.span().start,
                "a source name is 1 to 24 characters".into(),
            );
        } else if !names.insert(name.clone()) {
            err(
                r.name.span().start,
                format!("two sources are named `{name}`"),
            );
        }
        let Some(kind) = SourceKind::parse(r.kind.get_ref()) else {
            let known: Vec<&str> = SourceKind::ALL.iter().map(|(k, _)| *k).collect();
            err(
                r.kind.span().start,
                format!(
                    "unknown source kind `{}`; known: {}",
                    r.kind.get_ref(),
                    known.join(", ")
                ),
            );
            continue;
        };
        let url = match (&r.url, kind) {
            (None, SourceKind::Sim) => String::new(),
            (None, _) => {
                err(at, format!("a `{}` source needs `url`", kind.key()));
                String::new()
            }
            (Some(u), _) => {
                let v = u.get_ref().trim().trim_end_matches('/').to_owned();
                if !(v.starts_with("http://") || v.starts_with("https://")) {
                    err(
                        u.span().start,
                        format!("url `{v}` must start with http:// or https://"),
                    );
                } else if v
                    .split("://")
                    .nth(1)
                    .is_some_and(|rest| rest.split('/').next().is_some_and(|h| h.contains('@')))
                {
                    err(
                        u.span().start,
                        "url must not carry a user or password; name environment variables with user_env and password_env".into(),
                    );
                }
                v
            }
        };
        let mut seconds =
            |v: &Option<Spanned<f64>>, default: f64, range: (f64, f64), what: &str| {
                let Some(v) = v else { return default };
                let x = *v.get_ref();
                if x.is_finite() && x >= range.0 && x <= range.1 {
                    x
                } else {
                    err(
                        v.span().start,
                        format!("{what} must be {} to {}", range.0, range.1),
                    );
                    default
                }
            };
        let interval_s = seconds(&r.interval_s, 15.0, (1.0, 3600.0), "interval_s");
        let timeout_s = seconds(&r.timeout_s, 10.0, (0.1, 600.0), "timeout_s");
        let backoff_max_s = seconds(&r.backoff_max_s, 300.0, (1.0, 86_400.0), "backoff_max_s");
        let max_body_mb = seconds(&r.max_body_mb, 64.0, (0.001, 4096.0), "max_body_mb");
        let backfill_h = seconds(&r.backfill_h, 3.0, (0.0, 24.0 * 31.0), "backfill_h");
        if timeout_s > interval_s.max(1.0) * 4.0 {
            err(at, "timeout_s is more than four intervals".into());
        }
        let env_name = |v: &Spanned<String>, err: &mut dyn FnMut(usize, String)| {
            let name = v.get_ref().trim();
            let ok = !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !name.starts_with(|c: char| c.is_ascii_digit());
            if !ok {
                err(
                    v.span().start,
                    format!(
                        "`{name}` is not an environment variable name (write the variable's name, never the secret)"
                    ),
                );
            }
            name.to_owned()
        };
        let auth = match (&r.token_env, &r.user_env, &r.password_env) {
            (None, None, None) => Auth::None,
            (Some(t), None, None) => Auth::Bearer {
                token_env: env_name(t, &mut err),
            },
            (None, Some(u), Some(p)) => Auth::UserPassword {
                user_env: env_name(u, &mut err),
                password_env: env_name(p, &mut err),
            },
            _ => {
                err(
                    at,
                    "give either token_env, or both user_env and password_env".into(),
                );
                Auth::None
            }
        };
        if kind == SourceKind::Sim && (auth != Auth::None || r.url.is_some()) {
            err(
                at,
                "a `sim` source runs in process: no url or credentials".into(),
            );
        }
        let ca_file = r.ca_file.as_ref().map(|c| {
            let p = base_dir.join(c.get_ref());
            if !p.is_file() {
                err(
                    c.span().start,
                    format!("ca_file `{}` does not exist", p.display()),
                );
            }
            p
        });
        let targets_file = r.targets_file.as_ref().map(|c| {
            let p = base_dir.join(c.get_ref());
            if !p.is_file() {
                err(
                    c.span().start,
                    format!("targets_file `{}` does not exist", p.display()),
                );
            }
            p
        });
        if let Some(w) = &r.watchdog {
            if kind != SourceKind::Alertmanager {
                err(
                    w.span().start,
                    format!(
                        "`watchdog` is for alertmanager sources, not `{}`",
                        kind.key()
                    ),
                );
            } else if w.get_ref().trim().is_empty() {
                err(w.span().start, "`watchdog` names no alert".to_owned());
            }
        }
        let default_target = r.target.clone().unwrap_or_else(|| {
            if kind == SourceKind::Zabbix {
                "{host}"
            } else {
                DEFAULT_TARGET
            }
            .to_owned()
        });
        let mut kpis = Vec::new();
        let mut seen = BTreeSet::new();
        for k in &r.kpi {
            let k_at = k.span().start;
            let k = k.get_ref();
            let id = k.id.get_ref();
            let Some(def) = catalog.get(id) else {
                err(
                    k.id.span().start,
                    format!("unknown KPI `{id}` (not in the KPI catalogue)"),
                );
                continue;
            };
            if !matches!(kind, SourceKind::Prometheus | SourceKind::Zabbix) {
                err(
                    k_at,
                    format!("a `{}` source takes no [[source.kpi]]", kind.key()),
                );
                continue;
            }
            let query = match &k.query {
                Some(q) if !q.trim().is_empty() => q.trim().to_owned(),
                _ => {
                    let default = match kind {
                        SourceKind::Zabbix => default_zabbix_key(&def.zabbix_key),
                        _ => default_promql(&def.prometheus),
                    };
                    let Some(q) = default else {
                        err(
                            k_at,
                            format!(
                                "KPI `{id}` has no usable default query in the catalogue; write `query`"
                            ),
                        );
                        continue;
                    };
                    q
                }
            };
            let target = k.target.clone().unwrap_or_else(|| default_target.clone());
            if !target.contains('{') && kind == SourceKind::Prometheus {
                err(
                    k_at,
                    format!("target `{target}` names no label; write e.g. \"{{instance}}\""),
                );
            }
            seen.insert(id.clone());
            kpis.push(KpiQuery {
                kpi: id.clone(),
                query,
                target,
            });
        }
        if matches!(kind, SourceKind::Prometheus | SourceKind::Zabbix) && kpis.is_empty() {
            err(
                at,
                format!(
                    "a `{}` source needs at least one [[source.kpi]]",
                    kind.key()
                ),
            );
        }
        sources.push(SourceSpec {
            name,
            kind,
            url,
            interval: Duration::from_secs_f64(interval_s),
            timeout: Duration::from_secs_f64(timeout_s),
            backoff_max: Duration::from_secs_f64(backoff_max_s.max(interval_s)),
            auth,
            tls_verify: r.tls_verify.unwrap_or(true),
            ca_file,
            max_body_bytes: (max_body_mb * 1024.0 * 1024.0) as usize,
            backfill_h,
            kpis,
            targets_file,
            severity_label: r
                .severity_label
                .clone()
                .unwrap_or_else(|| "severity".into()),
            alert_target: r.alert_target.clone().unwrap_or_else(|| {
                DEFAULT_ALERT_TARGET
                    .iter()
                    .map(|t| (*t).to_owned())
                    .collect()
            }),
            system_label: r.system_label.clone().unwrap_or_else(|| "system".into()),
            host_groups: r.host_groups.clone(),
            watchdog: r.watchdog.as_ref().map(|w| w.get_ref().trim().to_owned()),
        });
    }
    if errors.is_empty() {
        Ok(SourcesFile {
            file: file.to_owned(),
            sources,
        })
    } else {
        Err(errors)
    }
}

/// Reads and parses a sources file.
pub fn load(path: &Path, catalog: &Catalog) -> Result<SourcesFile, Vec<String>> {
    let file = path.display().to_string();
    let text =
        std::fs::read_to_string(path).map_err(|e| vec![format!("{file}:0: cannot read: {e}")])?;
    let base = path.parent().unwrap_or(Path::new("."));
    parse(&text, &file, base, catalog)
}

/// The catalogue's `PromQL` as a default query: the text before its notes
/// (three spaces and a parenthesis), without a `CUSTOM:` mark.
pub fn default_promql(catalogue_text: &str) -> Option<String> {
    let text = catalogue_text.trim();
    let text = text.strip_prefix("CUSTOM:").unwrap_or(text).trim();
    let query = text.split("   ").next()?.trim();
    (!query.is_empty()).then(|| query.to_owned())
}

/// The catalogue's Zabbix key as a default: the key before its notes, unless
/// the catalogue marks it as a custom construction.
pub fn default_zabbix_key(catalogue_text: &str) -> Option<String> {
    let text = catalogue_text.trim();
    if text.starts_with("CUSTOM") {
        return None;
    }
    let key = text.split("   ").next()?.trim();
    (!key.is_empty()).then(|| key.to_owned())
}

/// Fills `{label}` placeholders from `lookup`. None when a label is missing or empty.
pub fn fill_template<'a>(
    template: &str,
    lookup: impl Fn(&str) -> Option<&'a str>,
) -> Option<String> {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('}')?;
        let value = lookup(&after[..close]).filter(|v| !v.is_empty())?;
        out.push_str(value);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// A targets file: application systems and targets a source cannot tell.
///
/// ```toml
/// [[systems]]
/// id = "hx"
/// name = "核心征管"
///
/// [[targets]]
/// id = "hx-app01"
/// name = "核心征管应用 01"
/// kind = "host"
/// system = "hx"
/// ```
pub fn load_targets(path: &Path) -> Result<crate::model::Inventory, String> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{file}:0: cannot read: {e}"))?;
    parse_targets(&text, &file)
}

/// Parses and checks targets-file text; errors name `file:line`.
pub fn parse_targets(text: &str, file: &str) -> Result<crate::model::Inventory, String> {
    let inv: crate::model::Inventory = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(1, |s| line_of(text, s.start));
        format!("{file}:{line}: {}", e.message().trim())
    })?;
    for t in &inv.targets {
        if inv.system(&t.system).is_none() {
            return Err(format!(
                "{file}: target `{}` names unknown system `{}`",
                t.id, t.system
            ));
        }
        if let Some(p) = &t.parent
            && inv.target(p).is_none()
        {
            return Err(format!(
                "{file}: target `{}` names unknown parent `{p}`",
                t.id
            ));
        }
    }
    Ok(inv)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<SourcesFile, Vec<String>> {
        parse(text, "s.toml", Path::new("."), &Catalog::builtin())
    }

    #[test]
    fn a_platform_source_with_defaults() {
        let f = parse_str(
            "[[source]]\nname = \"平台\"\nkind = \"platform\"\nurl = \"https://ops.example/\"\ntoken_env = \"OPS_TOKEN\"\n",
        )
        .unwrap();
        let s = &f.sources[0];
        assert_eq!(s.url, "https://ops.example");
        assert_eq!(s.interval, Duration::from_secs(15));
        assert!(s.tls_verify);
        assert_eq!(
            s.auth,
            Auth::Bearer {
                token_env: "OPS_TOKEN".into()
            }
        );
        assert!(!f.only_sim());
    }

    #[test]
    fn a_watchdog_belongs_to_alertmanager() {
        let ok = parse_str(
            "[[source]]\nname = \"am\"\nkind = \"alertmanager\"\nurl = \"http://127.0.0.1:9093\"\nwatchdog = \"Watchdog\"\n",
        )
        .unwrap();
        assert_eq!(ok.sources[0].watchdog.as_deref(), Some("Watchdog"));
        let errors = parse_str(
            "[[source]]\nname = \"z\"\nkind = \"platform\"\nurl = \"http://127.0.0.1:1\"\nwatchdog = \"Watchdog\"\n",
        )
        .unwrap_err()
        .join("\n");
        assert!(
            errors.contains("s.toml:5: `watchdog` is for alertmanager sources"),
            "{errors}"
        );
    }

    #[test]
    fn errors_name_their_line() {
        let text = "[[source]]\nname = \"p\"\nkind = \"prometheus\"\nurl = \"ftp://x\"\ninterval_s = 0\n\n[[source.kpi]]\nid = \"no_such_kpi\"\n\n[[source]]\nname = \"p\"\nkind = \"nagios\"\n";
        let errors = parse_str(text).unwrap_err();
        let joined = errors.join("\n");
        assert!(joined.contains("s.toml:4: url `ftp://x`"), "{joined}");
        assert!(joined.contains("s.toml:5: interval_s"), "{joined}");
        assert!(
            joined.contains("s.toml:8: unknown KPI `no_such_kpi`"),
            "{joined}"
        );
        assert!(
            joined.contains("s.toml:11: two sources are named `p`"),
            "{joined}"
        );
        assert!(
            joined.contains("s.toml:12: unknown source kind `nagios`"),
            "{joined}"
        );
    }

    #[test]
    fn secrets_are_never_written_in_the_file() {
        let errors = parse_str(
            "[[source]]\nname = \"p\"\nkind = \"platform\"\nurl = \"http://admin:pw@x\"\ntoken_env = \"eyJhbGciOi.xyz\"\n",
        )
        .unwrap_err()
        .join("\n");
        assert!(errors.contains(":4: url must not carry a user"), "{errors}");
        assert!(
            errors.contains(":5: `eyJhbGciOi.xyz` is not an environment variable name"),
            "{errors}"
        );
        let e = parse_str(
            "[[source]]\nname = \"p\"\nkind = \"platform\"\nurl = \"http://x\"\nuser_env = \"U\"\n",
        )
        .unwrap_err();
        assert!(e[0].contains("both user_env and password_env"), "{e:?}");
    }

    #[test]
    fn kpi_queries_default_to_the_catalogue() {
        let f = parse_str(
            "[[source]]\nname = \"prom\"\nkind = \"prometheus\"\nurl = \"http://127.0.0.1:9090\"\n[[source.kpi]]\nid = \"wls_heap_free_pct\"\n[[source.kpi]]\nid = \"host_mem_used_pct\"\ntarget = \"{instance}\"\n",
        )
        .unwrap();
        let k = &f.sources[0].kpis;
        assert_eq!(k[0].query, "wls_jvm_heap_free_percent");
        assert_eq!(k[0].target, "{target}");
        assert_eq!(
            k[1].query,
            "100 * (1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes)"
        );
        assert_eq!(k[1].target, "{instance}");
    }

    #[test]
    fn catalogue_defaults_drop_notes() {
        assert_eq!(
            default_promql("CUSTOM: oracledb_long_transaction_max_age_seconds / 60").as_deref(),
            Some("oracledb_long_transaction_max_age_seconds / 60")
        );
        assert_eq!(
            default_promql("wls_server_state   (alt: wls_server_state_val)").as_deref(),
            Some("wls_server_state")
        );
        assert_eq!(default_zabbix_key("CUSTOM: db.odbc.select[x]"), None);
        assert_eq!(default_zabbix_key("icmpping").as_deref(), Some("icmpping"));
    }

    #[test]
    fn templates_fill_from_labels() {
        let labels = [("database", "hx-ora"), ("tablespace", "USERS")];
        let look = |k: &str| labels.iter().find(|(n, _)| *n == k).map(|(_, v)| *v);
        assert_eq!(
            fill_template("{database}/{tablespace}", look).as_deref(),
            Some("hx-ora/USERS")
        );
        assert_eq!(fill_template("{instance}", look), None);
        assert_eq!(fill_template("fixed", look).as_deref(), Some("fixed"));
    }
}
