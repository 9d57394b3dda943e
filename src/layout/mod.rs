//! Layout files: what the wall shows, where, and for how long.
//!
//! A layout is TOML (see `layouts/command-center.toml`). It is parsed into
//! [`file`] types that mirror the text, then resolved against the KPI
//! catalogue and the estate's inventory into a checked [`Layout`]: kinds,
//! KPIs, targets and systems known, every panel on the grid and none
//! overlapping. Every problem is reported with `file:line`, all of them, not
//! just the first. Parsing takes text, so tests need no disk.

mod file;
pub mod watch;

use std::fmt;
use std::path::Path;

use serde::Serialize;
use toml::Spanned;

use crate::kpi::Catalog;
use crate::model::{Inventory, Severity, TargetKind};

use file::{RawLayout, RawPanel};

/// 1-based line of byte offset `at` in `text`.
pub fn line_of(text: &str, at: usize) -> usize {
    text.as_bytes()[..at.min(text.len())]
        .split(|b| *b == b'\n')
        .count()
}

/// One problem in a layout file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LayoutError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for LayoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// How the design canvas meets a window of another size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScaleMode {
    /// Whole canvas visible, uniform scale, letterboxed.
    Fit,
    /// Window filled, uniform scale, edges cropped.
    Fill,
    /// Window filled, grid stretched; text keeps its proportions.
    Stretch,
}

/// The kinds of panel a layout can place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PanelKind {
    Header,
    Stat,
    Gauge,
    Timeseries,
    Table,
    StatusGrid,
    Ticker,
    Text,
    Image,
    TicketBoard,
    SlaStats,
    FaultReports,
    Process,
    Backups,
    Inspections,
    HqUplink,
    PlatformCheck,
}

impl PanelKind {
    const ALL: [(&'static str, PanelKind); 17] = [
        ("header", PanelKind::Header),
        ("stat", PanelKind::Stat),
        ("gauge", PanelKind::Gauge),
        ("timeseries", PanelKind::Timeseries),
        ("table", PanelKind::Table),
        ("status_grid", PanelKind::StatusGrid),
        ("ticker", PanelKind::Ticker),
        ("text", PanelKind::Text),
        ("image", PanelKind::Image),
        ("ticket_board", PanelKind::TicketBoard),
        ("sla_stats", PanelKind::SlaStats),
        ("fault_reports", PanelKind::FaultReports),
        ("process", PanelKind::Process),
        ("backups", PanelKind::Backups),
        ("inspections", PanelKind::Inspections),
        ("hq_uplink", PanelKind::HqUplink),
        ("platform_check", PanelKind::PlatformCheck),
    ];

    fn parse(s: &str) -> Option<PanelKind> {
        PanelKind::ALL
            .iter()
            .find(|(k, _)| *k == s)
            .map(|(_, v)| *v)
    }

    fn names() -> String {
        PanelKind::ALL
            .iter()
            .map(|(k, _)| *k)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// How a stat panel folds several targets into one number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Agg {
    Max,
    Min,
    Avg,
    Sum,
}

/// Counters computed from the whole store rather than one KPI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Alerts not yet recovered.
    ActiveAlerts,
    /// Critical alerts not yet recovered.
    CriticalAlerts,
    /// Active alerts nobody has acknowledged.
    UnackedAlerts,
    /// Targets (of the panel's kind and systems) whose worst KPI is warning or worse.
    UnhealthyTargets,
    /// Share of those targets that are healthy, percent.
    HealthyPct,
    /// Tickets not yet resolved.
    OpenTickets,
    /// SLA clocks running past their due time.
    BreachedClocks,
    /// SLA clocks running past their near-breach share.
    NearBreachClocks,
}

/// One explicitly named series of a chart.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SeriesRef {
    pub kpi: String,
    pub target: String,
    pub label: Option<String>,
}

/// What a panel is bound to. Which fields matter depends on the kind; the
/// resolver has checked that the ones a kind needs are there.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Binding {
    pub kpi: Option<String>,
    pub target: Option<String>,
    pub target_kind: Option<TargetKind>,
    /// Empty means every system.
    pub systems: Vec<String>,
    pub top: Option<usize>,
    pub series: Vec<SeriesRef>,
    pub columns: Vec<String>,
    /// Time range of charts and sparklines, minutes.
    pub range_min: u32,
    pub agg: Option<Agg>,
    pub metric: Option<Metric>,
    pub text: Option<String>,
    pub image: Option<String>,
    pub rows: Option<usize>,
    pub min_severity: Severity,
    /// Largest first unless `sort = "asc"`.
    pub ascending: bool,
    /// Ticket kind a process or ticket panel covers.
    pub ticket_kind: Option<crate::model::TicketKind>,
}

/// A resolved panel.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Panel {
    /// Stable within the layout: `page index / panel index`.
    pub id: String,
    pub kind: PanelKind,
    pub title: String,
    /// Column, row, width, height in grid cells.
    pub at: [u32; 4],
    pub binding: Binding,
    /// Line of the panel in its file.
    pub line: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Page {
    pub name: String,
    pub dwell_s: f64,
    pub panels: Vec<Panel>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Wall {
    pub title: String,
    pub subtitle: Option<String>,
    /// Design canvas, design pixels.
    pub design: [f32; 2],
    pub scale: ScaleMode,
    /// Columns, rows.
    pub grid: [u32; 2],
    /// Space between panels, design pixels.
    pub gap: f32,
    pub utc_offset_h: i32,
    pub animations: bool,
}

/// A checked layout, ready to draw.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Layout {
    pub file: String,
    pub wall: Wall,
    pub pages: Vec<Page>,
}

/// How much history a layout's charts draw: what a source that can fetch
/// ranges (Prometheus, Zabbix) asks for at start and after an outage.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HistoryNeed {
    /// The longest chart or sparkline range, ms.
    pub range_ms: i64,
    /// The widest of those charts, design pixels: more points than this are
    /// decimated away when drawn.
    pub width_px: u32,
}

impl Layout {
    /// The history the layout's charts and sparklines need.
    pub fn history_need(&self) -> HistoryNeed {
        let charts = self.pages.iter().flat_map(|p| &p.panels).filter(|p| {
            matches!(p.kind, PanelKind::Timeseries | PanelKind::Stat) && p.binding.kpi.is_some()
                || !p.binding.series.is_empty()
        });
        let cell_px = self.wall.design[0] / self.wall.grid[0].max(1) as f32;
        let mut need = HistoryNeed {
            range_ms: 0,
            width_px: 1,
        };
        for p in charts {
            need.range_ms = need.range_ms.max(i64::from(p.binding.range_min) * 60_000);
            need.width_px = need.width_px.max((p.at[2] as f32 * cell_px) as u32);
        }
        need
    }
}

/// What the resolver checks names against.
pub struct Known<'a> {
    pub catalog: &'a Catalog,
    /// The estate's targets and systems when they are known before the wall
    /// starts (the simulator); `None` when real sources tell them at run time,
    /// and any well-formed id is accepted (its panel shows 无数据 until a
    /// source reports it).
    pub inventory: Option<&'a Inventory>,
}

/// Parses and resolves layout text. `file` names it in errors.
pub fn parse(text: &str, file: &str, known: &Known<'_>) -> Result<Layout, Vec<LayoutError>> {
    let raw: RawLayout = toml::from_str(text).map_err(|e| {
        vec![LayoutError {
            file: file.to_owned(),
            line: e.span().map_or(1, |s| line_of(text, s.start)),
            message: format!("TOML: {}", e.message().trim()),
        }]
    })?;
    Resolver {
        text,
        file,
        known,
        errors: Vec::new(),
    }
    .resolve(&raw)
}

/// Reads and resolves a layout file.
pub fn load(path: &Path, known: &Known<'_>) -> Result<Layout, Vec<LayoutError>> {
    let file = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(text) => parse(&text, &file, known),
        Err(e) => Err(vec![LayoutError {
            file,
            line: 0,
            message: format!("cannot read: {e}"),
        }]),
    }
}

/// A target or system id a source could report: printable, no spaces, not empty.
fn is_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 200 && !id.chars().any(|c| c.is_whitespace() || c.is_control())
}

struct Resolver<'a> {
    text: &'a str,
    file: &'a str,
    known: &'a Known<'a>,
    errors: Vec<LayoutError>,
}

impl Resolver<'_> {
    fn line<T>(&self, s: &Spanned<T>) -> usize {
        line_of(self.text, s.span().start)
    }

    fn error(&mut self, line: usize, message: impl Into<String>) {
        self.errors.push(LayoutError {
            file: self.file.to_owned(),
            line,
            message: message.into(),
        });
    }

    fn resolve(mut self, raw: &RawLayout) -> Result<Layout, Vec<LayoutError>> {
        let wall = self.wall(&raw.wall);
        if raw.page.is_empty() {
            self.error(self.line(&raw.wall), "the layout has no [[page]]");
        }
        let mut pages = Vec::new();
        for (pi, page) in raw.page.iter().enumerate() {
            let page_line = self.line(page);
            let page = page.get_ref();
            let dwell_s = match &page.dwell_s {
                Some(d) if !(d.get_ref().is_finite() && *d.get_ref() >= 5.0) => {
                    self.error(
                        self.line(d),
                        format!(
                            "dwell_s = {} is too short for a wall; use 5 or more",
                            d.get_ref()
                        ),
                    );
                    60.0
                }
                Some(d) => *d.get_ref(),
                None => 60.0,
            };
            if page.panel.is_empty() {
                self.error(page_line, format!("page `{}` has no panels", page.name));
            }
            let panels: Vec<Panel> = page
                .panel
                .iter()
                .enumerate()
                .filter_map(|(i, p)| self.panel(pi, i, p, &wall))
                .collect();
            self.check_overlaps(&panels);
            pages.push(Page {
                name: page.name.clone(),
                dwell_s,
                panels,
            });
        }
        if self.errors.is_empty() {
            Ok(Layout {
                file: self.file.to_owned(),
                wall,
                pages,
            })
        } else {
            self.errors.sort_by_key(|e| e.line);
            Err(self.errors)
        }
    }

    fn wall(&mut self, raw: &Spanned<file::RawWall>) -> Wall {
        let w = raw.get_ref();
        let scale = match w.scale.get_ref().as_str() {
            "fit" => ScaleMode::Fit,
            "fill" => ScaleMode::Fill,
            "stretch" => ScaleMode::Stretch,
            other => {
                self.error(
                    self.line(&w.scale),
                    format!("unknown scale `{other}`; use fit, fill or stretch"),
                );
                ScaleMode::Fit
            }
        };
        let [dw, dh] = *w.design.get_ref();
        if dw < 640 || dh < 360 {
            self.error(
                self.line(&w.design),
                format!("design = [{dw}, {dh}] is smaller than 640×360"),
            );
        }
        let [cols, rows] = *w.grid.get_ref();
        if cols == 0 || rows == 0 || cols > 96 || rows > 96 {
            self.error(
                self.line(&w.grid),
                format!("grid = [{cols}, {rows}] must be 1 to 96 each way"),
            );
        }
        Wall {
            title: w.title.clone(),
            subtitle: w.subtitle.clone(),
            design: [dw as f32, dh as f32],
            scale,
            grid: [cols.max(1), rows.max(1)],
            gap: w.gap.unwrap_or(16.0).max(0.0),
            utc_offset_h: w.utc_offset_h.unwrap_or(8),
            animations: w.animations.unwrap_or(true),
        }
    }

    fn panel(
        &mut self,
        page: usize,
        index: usize,
        raw: &Spanned<RawPanel>,
        wall: &Wall,
    ) -> Option<Panel> {
        let line = self.line(raw);
        let p = raw.get_ref();
        let Some(kind) = PanelKind::parse(p.kind.get_ref()) else {
            let msg = format!(
                "unknown panel kind `{}`; known kinds: {}",
                p.kind.get_ref(),
                PanelKind::names()
            );
            self.error(self.line(&p.kind), msg);
            return None;
        };

        let [c, r, w, h] = *p.at.get_ref();
        let [cols, rows] = wall.grid;
        let ends_past =
            |start: u32, len: u32, limit: u32| start.checked_add(len).is_none_or(|end| end > limit);
        if w == 0 || h == 0 || ends_past(c, w, cols) || ends_past(r, h, rows) {
            let msg = format!("panel at = [{c}, {r}, {w}, {h}] is off the {cols}×{rows} grid");
            self.error(self.line(&p.at), msg);
        }

        let binding = self.binding(kind, p, line);
        Some(Panel {
            id: format!("{page}/{index}"),
            kind,
            title: p.title.clone().unwrap_or_default(),
            at: [c, r, w, h],
            binding,
            line,
        })
    }

    fn kpi(&mut self, s: &Spanned<String>) -> Option<String> {
        if self.known.catalog.get(s.get_ref()).is_some() {
            return Some(s.get_ref().clone());
        }
        self.error(
            self.line(s),
            format!("unknown KPI `{}` (not in the KPI catalogue)", s.get_ref()),
        );
        None
    }

    fn target(&mut self, s: &Spanned<String>) -> Option<String> {
        let id = s.get_ref();
        let known = match self.known.inventory {
            Some(inv) => inv.target(id).is_some(),
            None => is_id(id),
        };
        if known {
            return Some(id.clone());
        }
        self.error(self.line(s), format!("unknown target `{id}`"));
        None
    }

    fn binding(&mut self, kind: PanelKind, p: &RawPanel, line: usize) -> Binding {
        let mut b = Binding {
            range_min: p
                .range_min
                .as_ref()
                .map_or(60, |r| *r.get_ref())
                .clamp(1, 7 * 24 * 60),
            text: p.text.clone(),
            top: p.top.as_ref().map(|t| *t.get_ref()),
            rows: p.rows.as_ref().map(|t| *t.get_ref()),
            ..Binding::default()
        };
        b.kpi = p.kpi.as_ref().and_then(|k| self.kpi(k));
        b.target = p.target.as_ref().and_then(|t| self.target(t));
        if let Some(tk) = &p.targets {
            b.target_kind = TargetKind::from_key(tk.get_ref());
            if b.target_kind.is_none() {
                let names: Vec<&str> = TargetKind::ALL.iter().map(|k| k.key()).collect();
                let msg = format!(
                    "unknown target kind `{}`; known: {}",
                    tk.get_ref(),
                    names.join(", ")
                );
                self.error(self.line(tk), msg);
            }
        }
        if let Some(systems) = &p.systems {
            for s in systems.get_ref() {
                let known = match self.known.inventory {
                    Some(inv) => inv.system(s).is_some(),
                    None => is_id(s),
                };
                if !known {
                    self.error(
                        self.line(systems),
                        format!("unknown application system `{s}`"),
                    );
                }
            }
            b.systems.clone_from(systems.get_ref());
        }
        for s in &p.series {
            let (kpi, target) = (self.kpi(&s.kpi), self.target(&s.target));
            if let (Some(kpi), Some(target)) = (kpi, target) {
                b.series.push(SeriesRef {
                    kpi,
                    target,
                    label: s.label.clone(),
                });
            }
        }
        if let Some(cols) = &p.columns {
            for c in cols.get_ref() {
                if self.known.catalog.get(c).is_none() {
                    self.error(self.line(cols), format!("unknown KPI `{c}` in columns"));
                }
            }
            b.columns.clone_from(cols.get_ref());
        }
        if let Some(a) = &p.agg {
            b.agg = match a.get_ref().as_str() {
                "max" => Some(Agg::Max),
                "min" => Some(Agg::Min),
                "avg" => Some(Agg::Avg),
                "sum" => Some(Agg::Sum),
                other => {
                    self.error(
                        self.line(a),
                        format!("unknown agg `{other}`; use max, min, avg or sum"),
                    );
                    None
                }
            };
        }
        if let Some(m) = &p.metric {
            b.metric = match m.get_ref().as_str() {
                "active_alerts" => Some(Metric::ActiveAlerts),
                "critical_alerts" => Some(Metric::CriticalAlerts),
                "unacked_alerts" => Some(Metric::UnackedAlerts),
                "unhealthy_targets" => Some(Metric::UnhealthyTargets),
                "healthy_pct" => Some(Metric::HealthyPct),
                "open_tickets" => Some(Metric::OpenTickets),
                "breached_clocks" => Some(Metric::BreachedClocks),
                "near_breach_clocks" => Some(Metric::NearBreachClocks),
                other => {
                    let msg = format!(
                        "unknown metric `{other}`; use active_alerts, critical_alerts, unacked_alerts, unhealthy_targets, healthy_pct, open_tickets, breached_clocks or near_breach_clocks"
                    );
                    self.error(self.line(m), msg);
                    None
                }
            };
        }
        if let Some(s) = &p.min_severity {
            b.min_severity = match s.get_ref().as_str() {
                "warning" => Severity::Warning,
                "critical" => Severity::Critical,
                "normal" | "info" => Severity::Normal,
                other => {
                    self.error(
                        self.line(s),
                        format!("unknown min_severity `{other}`; use warning or critical"),
                    );
                    Severity::Normal
                }
            };
        }
        if let Some(s) = &p.sort {
            match s.get_ref().as_str() {
                "asc" => b.ascending = true,
                "desc" => {}
                other => self.error(
                    self.line(s),
                    format!("unknown sort `{other}`; use asc or desc"),
                ),
            }
        }
        b.image = p.image.as_ref().map(|i| i.get_ref().clone());
        if let Some(k) = &p.ticket_kind {
            b.ticket_kind = crate::model::TicketKind::from_key(k.get_ref());
            if b.ticket_kind.is_none() {
                let names: Vec<&str> = crate::model::TicketKind::ALL
                    .iter()
                    .map(|k| k.key())
                    .collect();
                let msg = format!(
                    "unknown ticket_kind `{}`; known: {}",
                    k.get_ref(),
                    names.join(", ")
                );
                self.error(self.line(k), msg);
            }
        }
        self.require(kind, p, &b, line);
        b
    }

    /// Checks that a kind has what it needs to show something.
    fn require(&mut self, kind: PanelKind, p: &RawPanel, b: &Binding, line: usize) {
        let has_kpi = p.kpi.is_some();
        let missing = match kind {
            PanelKind::Stat if p.metric.is_none() && !has_kpi => Some(
                "a stat needs `kpi` (with `target`, or `targets`/`systems` and `agg`) or `metric`",
            ),
            PanelKind::Stat | PanelKind::Gauge
                if has_kpi && p.target.is_none() && p.agg.is_none() =>
            {
                Some("a KPI without `target` needs `agg` (max, min, avg or sum) over its targets")
            }
            PanelKind::Gauge if !has_kpi => Some("a gauge needs `kpi`"),
            PanelKind::Timeseries if p.series.is_empty() && !has_kpi => {
                Some("a timeseries needs [[page.panel.series]] entries or `kpi` with `top`")
            }
            PanelKind::Table if p.columns.is_none() => Some("a table needs `columns` (KPI ids)"),
            PanelKind::StatusGrid if p.targets.is_none() && p.systems.is_none() => {
                Some("a status_grid needs `targets` (a target kind) or `systems`")
            }
            PanelKind::Text if b.text.is_none() => Some("a text panel needs `text`"),
            PanelKind::Image if b.image.is_none() => {
                Some("an image panel needs `image` (a file in assets/)")
            }
            PanelKind::Process if p.ticket_kind.is_none() => Some(
                "a process panel needs `ticket_kind` (emergency, data_maintenance or patch_release)",
            ),
            _ => None,
        };
        if let Some(m) = missing {
            self.error(line, m);
        }
        if let Some(img) = &p.image {
            let name = img.get_ref();
            if crate::assets::image(name).is_none() {
                self.error(
                    self.line(img),
                    format!(
                        "unknown image `{name}`; shipped images: {}",
                        crate::assets::names().join(", ")
                    ),
                );
            }
        }
    }

    fn check_overlaps(&mut self, panels: &[Panel]) {
        for (i, a) in panels.iter().enumerate() {
            for b in &panels[..i] {
                // Widened: a panel far off the grid (already reported) must not overflow here.
                let [ac, ar, aw, ah] = a.at.map(u64::from);
                let [bc, br, bw, bh] = b.at.map(u64::from);
                if ac < bc + bw && bc < ac + aw && ar < br + bh && br < ar + ah {
                    self.error(
                        a.line,
                        format!(
                            "panel `{}` overlaps panel `{}` (line {})",
                            a.title, b.title, b.line
                        ),
                    );
                }
            }
        }
    }
}
