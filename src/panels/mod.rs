//! Panels: one file per kind. Each builds a model of what it shows from the
//! store (serialisable, so `render --state` can say it) and draws that model.
//!
//! Panels read the store, the catalogue and the clock through [`Ctx`]; they
//! never know which API a number came from, and they never mutate the app:
//! anything a user asks for comes back as a [`Command`].

mod backups;
mod chrome;
mod fault_reports;
mod gauge;
mod header;
mod hq_uplink;
mod image;
mod inspections;
mod platform_check;
mod process;
mod sla_stats;
mod stat;
mod status_grid;
mod table;
mod text;
mod ticker;
mod ticket_board;
mod tickets;
mod timeseries;
pub mod view;

use egui::{Rect, Ui};
use serde::Serialize;

use crate::kpi::Catalog;
use crate::kpi::health::kpi_severity;
use crate::layout::{Layout, Panel, PanelKind};
use crate::model::{Severity, Target, TimestampMs};
use crate::sla::Policy;
use crate::store::Store;

pub use view::{PanelView, ViewStates};

/// Everything a panel may read while building its model and drawing.
pub struct Ctx<'a> {
    pub store: &'a Store,
    pub catalog: &'a Catalog,
    pub sla: &'a Policy,
    pub layout: &'a Layout,
    /// The data clock: what "now" is for staleness and ranges.
    pub now_ms: TimestampMs,
    /// Seconds on the UI's own clock, for animations.
    pub anim_time_s: f64,
    /// Whether anything may move.
    pub animations: bool,
    /// The duty officer's workstation: panels offer actions (转工单).
    pub duty: bool,
}

impl<'a> Ctx<'a> {
    /// The wall's time zone offset, ms.
    pub fn utc_offset_ms(&self) -> i64 {
        i64::from(self.layout.wall.utc_offset_h) * 3_600_000
    }

    /// Formats a timestamp in the wall's time zone.
    pub fn local(&self, t_ms: TimestampMs, fmt: &str) -> String {
        crate::model::to_utc(t_ms + self.utc_offset_ms())
            .naive_utc()
            .format(fmt)
            .to_string()
    }

    /// Targets of a kind (any kind if `None`) in the given systems (all if empty), in inventory order.
    pub fn targets(
        &self,
        kind: Option<crate::model::TargetKind>,
        systems: &[String],
    ) -> Vec<&Target> {
        self.store
            .targets()
            .iter()
            .filter(|t| kind.is_none_or(|k| t.kind == k))
            .filter(|t| systems.is_empty() || systems.contains(&t.system))
            .collect()
    }

    /// Age of the oldest stale source, if any source is stale: what panels
    /// that draw on every source (alerts, health grids) show as their age.
    pub fn sources_stale_age_s(&self) -> Option<f64> {
        self.store
            .sources()
            .filter(|s| s.is_stale(self.now_ms))
            .map(|s| s.age_s(self.now_ms).unwrap_or(f64::INFINITY))
            .reduce(f64::max)
    }

    /// A still picture at `now_ms`: nothing animates (renders, tests).
    pub fn at_rest(
        store: &'a Store,
        catalog: &'a Catalog,
        sla: &'a Policy,
        layout: &'a Layout,
        now_ms: TimestampMs,
    ) -> Ctx<'a> {
        Ctx {
            store,
            catalog,
            sla,
            layout,
            now_ms,
            anim_time_s: 0.0,
            animations: false,
            duty: false,
        }
    }

    /// A target's display name, or its id when unknown.
    pub fn target_name<'b>(&'b self, id: &'b str) -> &'b str {
        self.store
            .inventory()
            .target(id)
            .map_or(id, |t| t.name.as_str())
    }

    /// Latest value of a series, whether it is stale, and its severity.
    pub fn reading(&self, kpi: &str, target: &str) -> Reading {
        let value = self.store.latest(kpi, target).map(|s| s.value);
        let interval = self
            .catalog
            .get(kpi)
            .map_or(60.0, |k| f64::from(k.interval_s));
        let stale = self.store.is_stale(interval, kpi, target, self.now_ms);
        let age_s = self
            .store
            .latest(kpi, target)
            .map(|s| (self.now_ms - s.t_ms).max(0) as f64 / 1000.0);
        Reading {
            value,
            stale,
            age_s,
            severity: kpi_severity(self.store, self.catalog, kpi, target, self.now_ms),
        }
    }
}

/// One KPI reading as a panel shows it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Reading {
    pub value: Option<f64>,
    pub stale: bool,
    /// Age of the value, seconds.
    pub age_s: Option<f64>,
    pub severity: Severity,
}

/// What a user asked for from a panel; applied by the app after the frame.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Sort a table by a column (index), toggling direction when repeated.
    SortTable { panel: String, column: usize },
    /// Open a ticket for an alert (转工单).
    CreateTicket { alert: String },
}

/// What one panel shows, for the render JSON and for drawing.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum Model {
    Header(header::HeaderModel),
    Stat(stat::StatModel),
    Gauge(gauge::GaugeModel),
    Timeseries(timeseries::TimeseriesModel),
    Table(table::TableModel),
    StatusGrid(status_grid::StatusGridModel),
    Ticker(ticker::TickerModel),
    Text(text::TextModel),
    Image(image::ImageModel),
    TicketBoard(ticket_board::TicketBoardModel),
    SlaStats(sla_stats::SlaStatsModel),
    FaultReports(fault_reports::FaultReportsModel),
    Process(process::ProcessModel),
    Backups(backups::BackupsModel),
    Inspections(inspections::InspectionsModel),
    HqUplink(hq_uplink::HqUplinkModel),
    PlatformCheck(platform_check::PlatformCheckModel),
}

impl Model {
    /// The panel's overall severity (worst thing it shows).
    pub fn severity(&self) -> Severity {
        match self {
            Model::Stat(m) => m.severity,
            Model::Gauge(m) => m.severity,
            Model::Timeseries(m) => m
                .series
                .iter()
                .map(|s| s.severity)
                .max()
                .unwrap_or(Severity::Unknown),
            Model::Table(m) => m
                .rows
                .iter()
                .flat_map(|r| r.cells.iter().map(|c| c.severity))
                .max()
                .unwrap_or(Severity::Normal),
            Model::StatusGrid(m) => m
                .groups
                .iter()
                .flat_map(|g| g.tiles.iter().map(|t| t.severity))
                .max()
                .unwrap_or(Severity::Normal),
            Model::Ticker(m) => m
                .alerts
                .iter()
                .filter(|a| !a.recovered)
                .map(|a| a.severity)
                .max()
                .unwrap_or(Severity::Normal),
            Model::TicketBoard(m) if m.breached > 0 => Severity::Critical,
            Model::FaultReports(m)
                if m.rows
                    .iter()
                    .any(|r| r.clock.state == crate::sla::ClockState::Breached) =>
            {
                Severity::Critical
            }
            Model::SlaStats(m) if m.met_pct.is_some_and(|v| v < 90.0) => Severity::Warning,
            Model::Backups(m) => m
                .rows
                .iter()
                .map(|r| r.severity)
                .max()
                .unwrap_or(Severity::Normal),
            Model::Inspections(m) if m.cards.iter().any(|c| c.status == "已逾期") => {
                Severity::Warning
            }
            Model::HqUplink(m) => m.severity,
            Model::PlatformCheck(m) if m.down > 0 => Severity::Critical,
            Model::Header(_)
            | Model::Text(_)
            | Model::Image(_)
            | Model::TicketBoard(_)
            | Model::SlaStats(_)
            | Model::FaultReports(_)
            | Model::Process(_)
            | Model::Inspections(_)
            | Model::PlatformCheck(_) => Severity::Normal,
        }
    }

    /// Age of the oldest data the panel shows, if any of it is stale.
    pub fn stale_age_s(&self) -> Option<f64> {
        match self {
            Model::Stat(m) => m
                .reading
                .stale
                .then_some(m.reading.age_s.unwrap_or(f64::INFINITY)),
            Model::Gauge(m) => m
                .reading
                .stale
                .then_some(m.reading.age_s.unwrap_or(f64::INFINITY)),
            Model::Timeseries(m) => worst_age(m.series.iter().map(|s| &s.reading)),
            Model::Table(m) => m.stale_age_s,
            Model::StatusGrid(m) => m.stale_age_s,
            Model::Ticker(m) => m.stale_age_s,
            Model::TicketBoard(m) => m.stale_age_s,
            Model::SlaStats(m) => m.stale_age_s,
            Model::FaultReports(m) => m.stale_age_s,
            Model::Process(m) => m.stale_age_s,
            Model::Backups(m) => m.stale_age_s,
            Model::Inspections(m) => m.stale_age_s,
            Model::HqUplink(m) => m.stale_age_s,
            Model::PlatformCheck(m) => m.stale_age_s,
            Model::Header(_) | Model::Text(_) | Model::Image(_) => None,
        }
    }
}

fn worst_age<'a>(readings: impl Iterator<Item = &'a Reading>) -> Option<f64> {
    readings
        .filter(|r| r.stale)
        .map(|r| r.age_s.unwrap_or(f64::INFINITY))
        .reduce(f64::max)
}

/// Builds a panel's model from the store.
pub fn model(panel: &Panel, cx: &Ctx<'_>, view: Option<&PanelView>) -> Model {
    match panel.kind {
        PanelKind::Header => Model::Header(header::model(panel, cx)),
        PanelKind::Stat => Model::Stat(stat::model(panel, cx)),
        PanelKind::Gauge => Model::Gauge(gauge::model(panel, cx)),
        PanelKind::Timeseries => Model::Timeseries(timeseries::model(panel, cx)),
        PanelKind::Table => Model::Table(table::model(panel, cx, view)),
        PanelKind::StatusGrid => Model::StatusGrid(status_grid::model(panel, cx)),
        PanelKind::Ticker => Model::Ticker(ticker::model(panel, cx)),
        PanelKind::Text => Model::Text(text::model(panel)),
        PanelKind::Image => Model::Image(image::model(panel)),
        PanelKind::TicketBoard => Model::TicketBoard(ticket_board::model(panel, cx)),
        PanelKind::SlaStats => Model::SlaStats(sla_stats::model(panel, cx)),
        PanelKind::FaultReports => Model::FaultReports(fault_reports::model(panel, cx)),
        PanelKind::Process => Model::Process(process::model(panel, cx)),
        PanelKind::Backups => Model::Backups(backups::model(cx)),
        PanelKind::Inspections => Model::Inspections(inspections::model(cx)),
        PanelKind::HqUplink => Model::HqUplink(hq_uplink::model(cx)),
        PanelKind::PlatformCheck => Model::PlatformCheck(platform_check::model(cx)),
    }
}

/// Draws one panel in `rect` (design points) and returns what the user asked for.
pub fn panel_ui(
    ui: &mut Ui,
    rect: Rect,
    panel: &Panel,
    cx: &Ctx<'_>,
    view: &mut PanelView,
) -> Vec<Command> {
    let model = model(panel, cx, Some(view));
    let mut commands = Vec::new();
    if let Model::Header(m) = &model {
        header::ui(ui, rect, m, cx);
        return commands;
    }
    let body = chrome::frame_ui(ui, rect, &panel.title, &model);
    let mut child = ui.new_child(egui::UiBuilder::new().max_rect(body).id_salt(&panel.id));
    child.set_clip_rect(body.intersect(ui.clip_rect()));
    match &model {
        Model::Stat(m) => stat::ui(&mut child, body, m, cx, view),
        Model::Gauge(m) => gauge::ui(&mut child, body, m),
        Model::Timeseries(m) => timeseries::ui(&mut child, body, panel, m, cx, view),
        Model::Table(m) => commands.extend(table::ui(&mut child, body, panel, m)),
        Model::StatusGrid(m) => status_grid::ui(&mut child, body, m, cx),
        Model::Ticker(m) => commands.extend(ticker::ui(&mut child, body, m, cx, view)),
        Model::Text(m) => text::ui(&mut child, body, m),
        Model::Image(m) => image::ui(&mut child, body, m),
        Model::TicketBoard(m) => ticket_board::ui(&mut child, body, m, cx),
        Model::SlaStats(m) => sla_stats::ui(&mut child, body, m),
        Model::FaultReports(m) => fault_reports::ui(&mut child, body, m),
        Model::Process(m) => process::ui(&mut child, body, m),
        Model::Backups(m) => backups::ui(&mut child, body, m),
        Model::Inspections(m) => inspections::ui(&mut child, body, m),
        Model::HqUplink(m) => hq_uplink::ui(&mut child, body, m),
        Model::PlatformCheck(m) => platform_check::ui(&mut child, body, m),
        Model::Header(_) => {}
    }
    commands
}

/// The JSON the render command writes for one panel.
#[derive(Serialize)]
pub struct PanelState<'a> {
    pub id: &'a str,
    pub kind: PanelKind,
    pub title: &'a str,
    pub severity: Severity,
    pub stale: bool,
    /// Age of the oldest stale data shown, seconds (absent when fresh).
    pub stale_age_s: Option<f64>,
    pub shows: Model,
}

/// Describes a panel as the render JSON does.
pub fn state<'a>(panel: &'a Panel, cx: &Ctx<'_>) -> PanelState<'a> {
    let shows = model(panel, cx, None);
    let stale_age_s = shows
        .stale_age_s()
        .map(|a| if a.is_finite() { a } else { -1.0 });
    PanelState {
        id: &panel.id,
        kind: panel.kind,
        title: &panel.title,
        severity: shows.severity(),
        stale: stale_age_s.is_some(),
        stale_age_s,
        shows,
    }
}

/// Formats an age for a stale badge: `3分钟`, `2小时`.
pub fn format_age(age_s: f64) -> String {
    if !age_s.is_finite() || age_s < 0.0 {
        "无数据".to_owned()
    } else if age_s < 90.0 {
        format!("{age_s:.0}秒")
    } else if age_s < 5400.0 {
        format!("{:.0}分钟", age_s / 60.0)
    } else {
        format!("{:.1}小时", age_s / 3600.0)
    }
}
