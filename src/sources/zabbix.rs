//! The `zabbix` source: Zabbix 6.0's JSON-RPC API (`api_jsonrpc.php`).
//!
//! It logs in with an API token or with a user and password (`user.login`,
//! again when the session ends), reads the hosts of the configured host
//! groups as targets and their groups as application systems, the items
//! whose keys the sources file names (a `*` in a key matches any text) with
//! their latest values, their history at start and after an outage, and the
//! open problems as alerts, acknowledged or not.
//!
//! A KPI's target template may use `{host}` (the technical host name),
//! `{hostname}` (the visible name) and `{1}`…`{9}` (the item key's
//! parameters), so a tablespace item `oracle.tbs_used_file_pct[HX_DATA]` on
//! host `hx-ora` becomes target `hx-ora/HX_DATA` with `{host}/{1}`.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tracing::{debug, info};

use super::config::{KpiQuery, Secret, SourceSpec, fill_template};
use super::http::{Env, FetchError, HttpClient};
use super::prometheus::{Clock, HistoryPlan, UNASSIGNED};
use super::scheduler::Fetcher;
use crate::model::{Alert, AppSystem, Inventory, Sample, SeriesKey, Severity, Target, TimestampMs};
use crate::store::Update;

/// Items per `history.get` call, and rows per call at most.
const HISTORY_ITEMS_PER_CALL: usize = 50;
const HISTORY_ROWS_PER_CALL: usize = 100_000;

/// `history.get` calls per chunk of items at most (paged by time).
const HISTORY_PAGES: usize = 100;
/// Problems read per fetch at most, newest first.
const MAX_PROBLEMS: usize = 2_000;
/// Hosts and items taken at most.
const MAX_HOSTS: usize = 20_000;
const MAX_ITEMS: usize = 100_000;

#[derive(Deserialize)]
struct RpcResponse<T> {
    #[serde(default = "Option::default")]
    result: Option<T>,
    #[serde(default)]
    error: Option<RpcError>,
}

#[derive(Debug, Deserialize)]
struct RpcError {
    code: i64,
    message: String,
    #[serde(default)]
    data: String,
}

impl RpcError {
    /// The session ended or the token is not accepted.
    fn is_auth(&self) -> bool {
        let text = format!("{} {}", self.message, self.data).to_ascii_lowercase();
        text.contains("session terminated")
            || text.contains("not authori")
            || text.contains("re-login")
            || text.contains("incorrect user name or password")
            || text.contains("api token")
    }
}

#[derive(Deserialize)]
#[expect(
    clippy::struct_field_names,
    reason = "Zabbix calls a host's technical name `host`"
)]
struct Host {
    hostid: String,
    host: String,
    name: String,
    #[serde(default)]
    groups: Vec<Group>,
}

#[derive(Deserialize)]
struct Group {
    groupid: String,
    name: String,
}

#[derive(Clone, Deserialize)]
struct Item {
    itemid: String,
    hostid: String,
    key_: String,
    value_type: String,
    #[serde(default)]
    lastclock: String,
    #[serde(default)]
    lastvalue: String,
}

#[derive(Deserialize)]
struct HistoryRow {
    itemid: String,
    clock: String,
    value: String,
}

#[derive(Deserialize)]
struct Problem {
    eventid: String,
    objectid: String,
    clock: String,
    name: String,
    severity: String,
    acknowledged: String,
    #[serde(default)]
    suppressed: String,
    #[serde(default)]
    acknowledges: Vec<Acknowledge>,
}

#[derive(Deserialize)]
struct Acknowledge {
    #[serde(default)]
    userid: String,
    #[serde(default)]
    clock: String,
    /// Bit 2 set: this update acknowledged the problem.
    #[serde(default)]
    action: String,
}

/// Who acknowledged: `user.get` tells the names behind the ids.
#[derive(Deserialize)]
struct User {
    userid: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    surname: String,
}

impl User {
    /// The user's name (Chinese `姓名` surname first, Latin `Name Surname`),
    /// else the login name.
    fn display(&self) -> String {
        let (name, surname) = (self.name.trim(), self.surname.trim());
        let full = if format!("{surname}{name}").is_ascii() {
            format!("{name} {surname}").trim().to_owned()
        } else {
            format!("{surname}{name}")
        };
        if full.is_empty() {
            self.username.clone()
        } else {
            full
        }
    }
}

impl Acknowledge {
    fn acknowledged(&self) -> bool {
        self.action.parse::<u32>().is_ok_and(|a| a & 2 != 0)
    }
}

#[derive(Deserialize)]
struct Trigger {
    triggerid: String,
    #[serde(default)]
    hosts: Vec<TriggerHost>,
    #[serde(default)]
    items: Vec<TriggerItem>,
}

#[derive(Deserialize)]
struct TriggerHost {
    host: String,
}

#[derive(Deserialize)]
struct TriggerItem {
    key_: String,
}

/// An item matched to a KPI and a target.
#[derive(Clone)]
struct Mapped {
    item: Item,
    kpi: String,
    target: String,
}

pub struct Zabbix {
    name: String,
    http: HttpClient,
    path: &'static str,
    kpis: Vec<KpiQuery>,
    host_groups: Vec<String>,
    /// Token or session id; `None` until logged in.
    session: Option<Secret>,
    /// Logged in with a user and password (and may log in again).
    uses_login: bool,
    history: HistoryPlan,
    clock: Clock,
    /// The targets file, when there is one: systems and kinds it names win.
    known: Inventory,
    inventory: Option<Inventory>,
    next_id: u64,
    /// Rows asked for per `history.get` call.
    history_rows: usize,
}

impl Zabbix {
    pub fn new(spec: &SourceSpec) -> Result<Zabbix, FetchError> {
        let clock: Clock = std::sync::Arc::new(|| chrono::Utc::now().timestamp_millis());
        Zabbix::with(spec, &|var| std::env::var(var).ok(), clock)
    }

    pub fn with(spec: &SourceSpec, env: &Env, clock: Clock) -> Result<Zabbix, FetchError> {
        let http = HttpClient::with_env(spec, env)?;
        let known = match &spec.targets_file {
            Some(path) => super::config::load_targets(path).map_err(FetchError::Config)?,
            None => Inventory::default(),
        };
        Ok(Zabbix {
            name: spec.name.clone(),
            session: http.token.clone(),
            uses_login: http.credentials.is_some(),
            path: if std::path::Path::new(&spec.url)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("php"))
            {
                ""
            } else {
                "/api_jsonrpc.php"
            },
            http,
            kpis: spec.kpis.clone(),
            host_groups: spec.host_groups.clone(),
            history: HistoryPlan::new((spec.backfill_h * 3_600_000.0) as i64, spec.interval),
            clock,
            known,
            inventory: None,
            next_id: 0,
            history_rows: HISTORY_ROWS_PER_CALL,
        })
    }

    /// Asks `history.get` for this many rows a call (small pages in tests).
    #[must_use]
    pub fn with_history_rows_per_call(mut self, rows: usize) -> Zabbix {
        self.history_rows = rows.max(1);
        self
    }

    /// One JSON-RPC call; logs in first, and again once if the session ended.
    async fn call<T: DeserializeOwned + Send + 'static>(
        &mut self,
        method: &str,
        params: Value,
    ) -> Result<T, FetchError> {
        if self.session.is_none() {
            self.login().await?;
        }
        match self.call_once(method, &params).await {
            Err(RetryAuth(e)) if self.uses_login => {
                debug!(source = %self.name, error = %e, "Zabbix session ended; logging in again");
                self.session = None;
                self.login().await?;
                self.call_once(method, &params)
                    .await
                    .map_err(|RetryAuth(e)| e)
            }
            r => r.map_err(|RetryAuth(e)| e),
        }
    }

    async fn call_once<T: DeserializeOwned + Send + 'static>(
        &mut self,
        method: &str,
        params: &Value,
    ) -> Result<T, RetryAuth> {
        self.next_id += 1;
        let mut body =
            json!({"jsonrpc": "2.0", "method": method, "params": params, "id": self.next_id});
        if let Some(s) = &self.session {
            body["auth"] = Value::String(s.expose().to_owned());
        }
        let bytes =
            serde_json::to_vec(&body).map_err(|e| RetryAuth(FetchError::Config(e.to_string())))?;
        let r: RpcResponse<T> = self
            .http
            .post_with(self.path, "application/json-rpc", None, bytes)
            .await
            .map_err(RetryAuth)?;
        match (r.result, r.error) {
            (_, Some(e)) if e.is_auth() => Err(RetryAuth(FetchError::Unauthorized(
                e.code.unsigned_abs() as u16,
            ))),
            (_, Some(e)) => Err(RetryAuth(FetchError::Api(
                format!("{method}：{} {}", e.message, e.data)
                    .trim()
                    .to_owned(),
            ))),
            (Some(result), None) => Ok(result),
            (None, None) => Err(RetryAuth(FetchError::Shape(format!(
                "{method} 的应答既无 result 也无 error"
            )))),
        }
    }

    async fn login(&mut self) -> Result<(), FetchError> {
        let Some((user, password)) = self.http.credentials.clone() else {
            return Err(FetchError::Config(
                "Zabbix 需要 token_env 或 user_env + password_env".into(),
            ));
        };
        self.next_id += 1;
        let body = json!({"jsonrpc": "2.0", "method": "user.login", "id": self.next_id,
            "params": {"username": user.expose(), "password": password.expose()}});
        let bytes = serde_json::to_vec(&body).map_err(|e| FetchError::Config(e.to_string()))?;
        let r: RpcResponse<String> = self
            .http
            .post_with(self.path, "application/json-rpc", None, bytes)
            .await?;
        match (r.result, r.error) {
            (Some(session), None) => {
                info!(source = %self.name, "logged in to Zabbix");
                self.session = Some(Secret::new(session));
                Ok(())
            }
            (_, Some(e)) => Err(FetchError::Api(
                format!("登录失败：{} {}", e.message, e.data)
                    .trim()
                    .to_owned(),
            )),
            (None, None) => Err(FetchError::Shape("user.login 的应答没有会话".into())),
        }
    }

    async fn hosts(&mut self) -> Result<Vec<Host>, FetchError> {
        let mut params = json!({"output": ["hostid", "host", "name"], "selectGroups": ["groupid", "name"],
            "filter": {"status": "0"}, "limit": MAX_HOSTS});
        if !self.host_groups.is_empty() {
            let groups: Vec<Group> = self
                .call(
                    "hostgroup.get",
                    json!({"output": ["groupid", "name"], "filter": {"name": self.host_groups}}),
                )
                .await?;
            if groups.is_empty() {
                return Err(FetchError::Api(format!(
                    "找不到主机群组 {}",
                    self.host_groups.join("、")
                )));
            }
            params["groupids"] =
                json!(groups.iter().map(|g| g.groupid.clone()).collect::<Vec<_>>());
        }
        self.call("host.get", params).await
    }

    async fn items(&mut self, hostids: &[String]) -> Result<Vec<Item>, FetchError> {
        // Prefix search narrows the items on the server; exact matching happens here.
        let prefixes: Vec<String> = self
            .kpis
            .iter()
            .map(|k| k.query.split('*').next().unwrap_or("").to_owned())
            .collect();
        self.call(
            "item.get",
            json!({"output": ["itemid", "hostid", "key_", "value_type", "lastclock", "lastvalue"],
                "hostids": hostids, "search": {"key_": prefixes}, "startSearch": true,
                "searchByAny": true, "filter": {"value_type": ["0", "3"]}, "limit": MAX_ITEMS}),
        )
        .await
    }

    /// Matches items to KPIs and names their targets.
    fn map_items(&self, items: Vec<Item>, hosts: &HashMap<String, &Host>) -> Vec<Mapped> {
        let mut out = Vec::new();
        for item in items {
            let Some(host) = hosts.get(&item.hostid) else {
                continue;
            };
            let Some((kpi, params)) = self
                .kpis
                .iter()
                .find_map(|k| key_matches(&k.query, &item.key_).map(|p| (k, p)))
            else {
                continue;
            };
            let target = fill_template(&kpi.target, |label| match label {
                "host" => Some(host.host.as_str()),
                "hostname" => Some(host.name.as_str()),
                n => n
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| params.get(i.checked_sub(1)?))
                    .map(String::as_str),
            });
            if let Some(target) = target {
                out.push(Mapped {
                    kpi: kpi.kpi.clone(),
                    target,
                    item,
                });
            }
        }
        out
    }

    /// Targets and systems: the targets file where it names them, else the
    /// host's first group as its system and the KPI's kind.
    fn inventory(&self, hosts: &[Host], mapped: &[Mapped]) -> Inventory {
        let mut inv = Inventory::default();
        let mut systems = HashSet::new();
        let mut add_system = |inv: &mut Inventory, id: &str, name: &str| {
            if systems.insert(id.to_owned()) {
                inv.systems.push(AppSystem {
                    id: id.to_owned(),
                    name: name.to_owned(),
                });
            }
        };
        let host_system = |h: &Host| -> (String, String) {
            if let Some(t) = self.known.target(&h.host) {
                return (
                    t.system.clone(),
                    self.known.system_name(&t.system).to_owned(),
                );
            }
            h.groups
                .first()
                .map_or((UNASSIGNED.into(), "未分配".into()), |g| {
                    (g.name.clone(), g.name.clone())
                })
        };
        let by_host: HashMap<&str, &Host> = hosts.iter().map(|h| (h.host.as_str(), h)).collect();
        let mut seen = HashSet::new();
        for m in mapped {
            if !seen.insert(m.target.clone()) {
                continue;
            }
            if let Some(t) = self.known.target(&m.target) {
                add_system(&mut inv, &t.system, self.known.system_name(&t.system));
                inv.targets.push(t.clone());
                continue;
            }
            let host = hosts.iter().find(|h| h.hostid == m.item.hostid);
            let (system, system_name) =
                host.map_or((UNASSIGNED.into(), "未分配".into()), host_system);
            add_system(&mut inv, &system, &system_name);
            let Some(kind) = crate::kpi::target_kind_of(&m.kpi) else {
                continue;
            };
            let parent = host
                .map(|h| h.host.clone())
                .filter(|h| *h != m.target && by_host.contains_key(h.as_str()));
            inv.targets.push(Target {
                id: m.target.clone(),
                name: host
                    .filter(|h| h.host == m.target)
                    .map_or_else(|| m.target.clone(), |h| h.name.clone()),
                kind,
                system,
                parent,
                detail: String::new(),
            });
        }
        inv
    }

    async fn history(
        &mut self,
        mapped: &[Mapped],
        from_ms: TimestampMs,
        to_ms: TimestampMs,
    ) -> Result<Vec<(SeriesKey, Sample)>, FetchError> {
        let by_id: HashMap<&str, &Mapped> =
            mapped.iter().map(|m| (m.item.itemid.as_str(), m)).collect();
        let mut samples = Vec::new();
        for value_type in ["0", "3"] {
            let ids: Vec<String> = mapped
                .iter()
                .filter(|m| m.item.value_type == value_type)
                .map(|m| m.item.itemid.clone())
                .collect();
            for chunk in ids.chunks(HISTORY_ITEMS_PER_CALL) {
                // Paged by time: the next call starts at the last second seen,
                // whose rows are skipped when they come again.
                let mut time_from = from_ms.div_euclid(1000);
                let mut last_second: HashSet<(String, String)> = HashSet::new();
                for _ in 0..HISTORY_PAGES {
                    let rows: Vec<HistoryRow> = self
                        .call("history.get", json!({"output": ["itemid", "clock", "value"], "history": value_type.parse::<u8>().unwrap_or(0),
                            "itemids": chunk, "time_from": time_from, "time_till": to_ms.div_euclid(1000),
                            "sortfield": "clock", "sortorder": "ASC", "limit": self.history_rows}))
                        .await?;
                    let full = rows.len() >= self.history_rows;
                    let before = samples.len();
                    let mut new_rows = 0;
                    let mut next_second = HashSet::new();
                    let last_clock = rows.last().map(|r| r.clock.clone());
                    for row in rows {
                        if last_second.contains(&(row.itemid.clone(), row.clock.clone())) {
                            continue;
                        }
                        new_rows += 1;
                        if Some(&row.clock) == last_clock.as_ref() {
                            next_second.insert((row.itemid.clone(), row.clock.clone()));
                        }
                        let (Some(m), Ok(clock), Ok(value)) = (
                            by_id.get(row.itemid.as_str()),
                            row.clock.parse::<i64>(),
                            row.value.parse::<f64>(),
                        ) else {
                            continue;
                        };
                        if value.is_finite() {
                            samples.push((
                                SeriesKey::new(m.kpi.clone(), m.target.clone()),
                                Sample {
                                    t_ms: clock * 1000,
                                    value,
                                },
                            ));
                        }
                    }
                    debug!(source = %self.name, rows = samples.len() - before, "history page");
                    let Some(clock) = last_clock.and_then(|c| c.parse::<i64>().ok()) else {
                        break;
                    };
                    if !full || new_rows == 0 {
                        break;
                    }
                    time_from = clock;
                    last_second = next_second;
                }
            }
        }
        Ok(samples)
    }

    async fn problems(
        &mut self,
        hosts: &[Host],
        mapped: &[Mapped],
        inventory: &Inventory,
    ) -> Result<Vec<Alert>, FetchError> {
        let hostids: Vec<&str> = hosts.iter().map(|h| h.hostid.as_str()).collect();
        let id_of: HashMap<&str, &str> = hosts
            .iter()
            .map(|h| (h.host.as_str(), h.hostid.as_str()))
            .collect();
        let problems: Vec<Problem> = self
            .call("problem.get", json!({"output": "extend", "hostids": hostids, "selectAcknowledges": "extend",
                "recent": false, "sortfield": ["eventid"], "sortorder": "DESC", "limit": MAX_PROBLEMS}))
            .await?;
        if problems.is_empty() {
            return Ok(Vec::new());
        }
        let trigger_ids: Vec<&str> = problems.iter().map(|p| p.objectid.as_str()).collect();
        let triggers: Vec<Trigger> = self
            .call(
                "trigger.get",
                json!({"output": ["triggerid"], "triggerids": trigger_ids,
                "selectHosts": ["host"], "selectItems": ["key_"]}),
            )
            .await?;
        let triggers: HashMap<&str, &Trigger> =
            triggers.iter().map(|t| (t.triggerid.as_str(), t)).collect();
        let mut user_ids: Vec<&str> = problems
            .iter()
            .flat_map(|p| {
                p.acknowledges
                    .iter()
                    .filter(|a| a.acknowledged())
                    .map(|a| a.userid.as_str())
            })
            .collect();
        user_ids.sort_unstable();
        user_ids.dedup();
        let users: HashMap<String, String> = if user_ids.is_empty() {
            HashMap::new()
        } else {
            // A user who may not read other users gets ids instead of names.
            match self
                .call::<Vec<User>>("user.get", json!({"output": ["userid", "username", "name", "surname"], "userids": user_ids}))
                .await
            {
                Ok(users) => users.into_iter().map(|u| (u.userid.clone(), u.display())).collect(),
                Err(e) => {
                    debug!(source = %self.name, error = %e, "user.get failed; acknowledgements show user ids");
                    HashMap::new()
                }
            }
        };
        let mut alerts = Vec::with_capacity(problems.len());
        for p in &problems {
            let trigger = triggers.get(p.objectid.as_str());
            let host = trigger
                .and_then(|t| t.hosts.first())
                .map(|h| h.host.clone())
                .unwrap_or_default();
            // The item the trigger watches, when it is one the wall shows.
            let hostid = id_of.get(host.as_str()).copied().unwrap_or("");
            let item = trigger.and_then(|t| {
                t.items.iter().find_map(|ti| {
                    mapped
                        .iter()
                        .find(|m| m.item.key_ == ti.key_ && m.item.hostid == hostid)
                })
            });
            let target = item.map_or_else(|| host.clone(), |m| m.target.clone());
            let system = inventory
                .target(&target)
                .or_else(|| inventory.target(&host))
                .map_or_else(|| UNASSIGNED.to_owned(), |t| t.system.clone());
            // The newest acknowledgement.
            let owner = p
                .acknowledges
                .iter()
                .filter(|a| a.acknowledged())
                .max_by_key(|a| a.clock.parse::<i64>().unwrap_or(0))
                .map(|a| {
                    users
                        .get(a.userid.as_str())
                        .cloned()
                        .unwrap_or_else(|| format!("用户{}", a.userid))
                });
            alerts.push(Alert {
                id: format!("zbx-{}", p.eventid),
                severity: severity(&p.severity),
                target,
                system,
                kpi: item.map(|m| m.kpi.clone()),
                message: p.name.clone(),
                first_seen_ms: p.clock.parse::<i64>().unwrap_or(0) * 1000,
                acknowledged: p.acknowledged == "1",
                owner,
                cleared_ms: None,
                muted: (p.suppressed == "1").then_some(crate::model::Muted::Silenced),
            });
        }
        Ok(alerts)
    }
}

/// A transport or API error, or one that a new login may cure.
struct RetryAuth(FetchError);

/// Zabbix severities: 0 not classified and 1 information are info, 2 warning
/// and 3 average warnings, 4 high and 5 disaster critical.
pub fn severity(level: &str) -> Severity {
    match level {
        "4" | "5" => Severity::Critical,
        "2" | "3" => Severity::Warning,
        _ => Severity::Normal,
    }
}

/// Whether `key` matches `pattern` (`*` any text); the key's parameters when it does.
pub fn key_matches(pattern: &str, key: &str) -> Option<Vec<String>> {
    if !glob(pattern.as_bytes(), key.as_bytes()) {
        return None;
    }
    Some(key_params(key))
}

fn glob(p: &[u8], s: &[u8]) -> bool {
    match p.split_first() {
        None => s.is_empty(),
        Some((b'*', rest)) => (0..=s.len()).any(|i| glob(rest, &s[i..])),
        Some((c, rest)) => s.first() == Some(c) && glob(rest, &s[1..]),
    }
}

/// The parameters of an item key: `a[x,"y,z",]` → `x`, `y,z` and an empty one.
pub fn key_params(key: &str) -> Vec<String> {
    let Some(open) = key.find('[') else {
        return Vec::new();
    };
    let inner = key[open + 1..]
        .strip_suffix(']')
        .unwrap_or(&key[open + 1..]);
    let mut params = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            '\\' if quoted && chars.peek() == Some(&'"') => {
                current.push('"');
                chars.next();
            }
            ',' if !quoted => params.push(std::mem::take(&mut current)),
            c => current.push(c),
        }
    }
    params.push(current);
    params
}

impl Fetcher for Zabbix {
    async fn fetch(&mut self) -> Result<Vec<Update>, FetchError> {
        let now = (self.clock)();
        let hosts = self.hosts().await?;
        let hostids: Vec<String> = hosts.iter().map(|h| h.hostid.clone()).collect();
        let items = if hostids.is_empty() {
            Vec::new()
        } else {
            self.items(&hostids).await?
        };
        let by_id: HashMap<String, &Host> = hosts.iter().map(|h| (h.hostid.clone(), h)).collect();
        let mapped = self.map_items(items, &by_id);
        let inventory = self.inventory(&hosts, &mapped);
        let mut updates = Vec::new();
        // Kept only once the whole fetch has arrived.
        let new_inventory = self.inventory.as_ref() != Some(&inventory);
        if new_inventory {
            updates.push(Update::Inventory {
                source: self.name.clone(),
                inventory: inventory.clone(),
            });
        }

        let from = self.history.from(now);
        if let Some(from) = from {
            let samples = self.history(&mapped, from, now).await?;
            debug!(source = %self.name, samples = samples.len(), "Zabbix history fetched");
            updates.extend(Update::sample_batches(&self.name, now, samples));
        }

        let mut latest = Vec::new();
        for m in &mapped {
            let (Ok(clock), Ok(value)) = (
                m.item.lastclock.parse::<i64>(),
                m.item.lastvalue.parse::<f64>(),
            ) else {
                continue;
            };
            if clock > 0 && value.is_finite() {
                latest.push((
                    SeriesKey::new(m.kpi.clone(), m.target.clone()),
                    Sample {
                        t_ms: clock * 1000,
                        value,
                    },
                ));
            }
        }
        updates.extend(Update::sample_batches(&self.name, now, latest));
        let alerts = if hosts.is_empty() {
            Vec::new()
        } else {
            self.problems(&hosts, &mapped, &inventory).await?
        };
        updates.push(Update::Alerts {
            source: self.name.clone(),
            at_ms: now,
            alerts,
        });
        if new_inventory {
            self.inventory = Some(inventory);
        }
        self.history.done(now);
        Ok(updates)
    }

    fn fetches_history(&self) -> bool {
        self.history.from((self.clock)()).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_match_with_wildcards_and_give_their_parameters() {
        assert_eq!(
            key_matches(
                "oracle.tbs_used_file_pct[*]",
                "oracle.tbs_used_file_pct[HX_DATA]"
            ),
            Some(vec!["HX_DATA".to_owned()])
        );
        assert_eq!(
            key_matches("system.cpu.util", "system.cpu.util[,user]"),
            None
        );
        assert_eq!(
            key_matches("system.cpu.util[,user]", "system.cpu.util[,user]"),
            Some(vec![String::new(), "user".to_owned()])
        );
        assert_eq!(
            key_params(r#"web.test.time[etax_home,"a,b",x]"#),
            ["etax_home", "a,b", "x"]
        );
        assert_eq!(key_params("agent.ping"), Vec::<String>::new());
    }

    #[test]
    fn zabbix_severities_map_onto_three_levels() {
        assert_eq!(severity("5"), Severity::Critical);
        assert_eq!(severity("4"), Severity::Critical);
        assert_eq!(severity("3"), Severity::Warning);
        assert_eq!(severity("2"), Severity::Warning);
        assert_eq!(severity("1"), Severity::Normal);
        assert_eq!(severity("0"), Severity::Normal);
    }

    #[test]
    fn users_are_named_as_their_names_are_written() {
        let user = |username: &str, name: &str, surname: &str| User {
            userid: "1".into(),
            username: username.into(),
            name: name.into(),
            surname: surname.into(),
        };
        assert_eq!(user("zhangwei", "伟", "张").display(), "张伟");
        assert_eq!(
            user("Admin", "Zabbix", "Administrator").display(),
            "Zabbix Administrator"
        );
        assert_eq!(user("duty", "", "").display(), "duty");
    }

    #[test]
    fn session_errors_are_told_from_other_errors() {
        let e = RpcError {
            code: -32602,
            message: "Invalid params.".into(),
            data: "Session terminated, re-login, please.".into(),
        };
        assert!(e.is_auth());
        let e = RpcError {
            code: -32602,
            message: "Invalid params.".into(),
            data: "Invalid parameter \"/1\": unexpected parameter \"x\".".into(),
        };
        assert!(!e.is_auth());
    }
}
