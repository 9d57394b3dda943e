//! Table: top-N targets with a column per KPI, severity-coloured cells,
//! sorted by a column (click a header to sort by it, again to reverse).

use egui::{Align2, Rect, RichText, Sense, Ui};
use egui_extras::{Column, TableBuilder};
use serde::Serialize;

use super::view::PanelView;
use super::{Command, Ctx};
use crate::app::theme::{self, size};
use crate::layout::Panel;
use crate::model::Severity;

#[derive(Clone, Debug, Serialize)]
pub struct Cell {
    pub value: Option<f64>,
    pub text: String,
    pub severity: Severity,
}

#[derive(Clone, Debug, Serialize)]
pub struct Row {
    pub target: String,
    pub name: String,
    pub system: String,
    pub cells: Vec<Cell>,
}

#[derive(Clone, Debug, Serialize)]
pub struct TableModel {
    /// Column headers: the KPIs' Chinese names with units.
    pub columns: Vec<String>,
    pub sort_column: usize,
    pub ascending: bool,
    pub rows: Vec<Row>,
    pub stale_age_s: Option<f64>,
}

const ROW_H: f32 = 46.0;
const HEADER_H: f32 = 48.0;

pub fn model(panel: &Panel, cx: &Ctx<'_>, view: Option<&PanelView>) -> TableModel {
    let b = &panel.binding;
    let (sort_column, ascending) = view.and_then(|v| v.sort).unwrap_or((0, b.ascending));
    let kpis: Vec<_> = b.columns.iter().filter_map(|c| cx.catalog.get(c)).collect();
    let mut stale_age: Option<f64> = None;
    let mut rows: Vec<Row> = cx
        .targets(b.target_kind, &b.systems)
        .into_iter()
        .filter(|t| kpis.iter().any(|k| cx.store.latest(&k.id, &t.id).is_some()))
        .map(|t| {
            let cells = kpis
                .iter()
                .map(|k| {
                    let r = cx.reading(&k.id, &t.id);
                    if r.stale {
                        let age = r.age_s.unwrap_or(f64::INFINITY);
                        stale_age = Some(stale_age.map_or(age, |a| a.max(age)));
                    }
                    Cell {
                        value: r.value,
                        text: r
                            .value
                            .map_or_else(|| "—".to_owned(), |v| k.format_value(v)),
                        severity: r.severity,
                    }
                })
                .collect();
            Row {
                target: t.id.clone(),
                name: t.name.clone(),
                system: cx.store.inventory().system_name(&t.system).to_owned(),
                cells,
            }
        })
        .collect();
    let key = |r: &Row| {
        r.cells
            .get(sort_column)
            .and_then(|c| c.value)
            .unwrap_or(f64::NEG_INFINITY)
    };
    rows.sort_by(|a, b2| {
        key(b2)
            .total_cmp(&key(a))
            .then_with(|| a.target.cmp(&b2.target))
    });
    if ascending {
        rows.reverse();
    }
    rows.truncate(b.top.unwrap_or(10));
    TableModel {
        columns: kpis
            .iter()
            .map(|k| format_header(&k.name_zh, k.display_unit()))
            .collect(),
        sort_column,
        ascending,
        rows,
        stale_age_s: stale_age,
    }
}

fn format_header(name: &str, unit: &str) -> String {
    if unit.is_empty() {
        name.to_owned()
    } else {
        format!("{name}({unit})")
    }
}

pub fn ui(ui: &mut Ui, rect: Rect, panel: &Panel, m: &TableModel) -> Vec<Command> {
    let mut commands = Vec::new();
    let fits = (((rect.height() - HEADER_H) / ROW_H).floor().max(0.0)) as usize;
    let name_w = (rect.width() * 0.34).max(200.0);
    let col_w = ((rect.width() - name_w) / m.columns.len().max(1) as f32).max(60.0);
    ui.style_mut().override_font_id = Some(theme::font(size::BODY));
    ui.style_mut().visuals.faint_bg_color = theme::faded(theme::TITLE_BAR, 0.35);

    let mut table = TableBuilder::new(ui)
        .id_salt(("table", &panel.id))
        .striped(true)
        .vscroll(false)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::exact(name_w - 8.0).clip(true));
    for _ in &m.columns {
        table = table.column(Column::exact(col_w - 8.0).clip(true));
    }
    table
        .header(HEADER_H, |mut header| {
            header.col(|ui| {
                ui.label(
                    RichText::new("对象")
                        .color(theme::TEXT_DIM)
                        .font(theme::font(size::SMALL)),
                );
            });
            for (i, c) in m.columns.iter().enumerate() {
                let arrow = if i == m.sort_column {
                    if m.ascending { " ▲" } else { " ▼" }
                } else {
                    ""
                };
                let (_, resp) = header.col(|ui| {
                    ui.label(
                        RichText::new(format!("{c}{arrow}"))
                            .color(theme::TEXT_DIM)
                            .font(theme::font(size::SMALL)),
                    );
                });
                if resp.interact(Sense::click()).clicked() {
                    commands.push(Command::SortTable {
                        panel: panel.id.clone(),
                        column: i,
                    });
                }
            }
        })
        .body(|mut body| {
            for row in m.rows.iter().take(fits) {
                body.row(ROW_H, |mut r| {
                    r.col(|ui| {
                        ui.label(RichText::new(&row.name).color(theme::TEXT));
                    });
                    for cell in &row.cells {
                        r.col(|ui| {
                            let color = match cell.severity {
                                Severity::Normal => theme::TEXT,
                                s => theme::severity(s),
                            };
                            let rect = ui.max_rect();
                            if cell.severity >= Severity::Warning {
                                ui.painter().rect_filled(
                                    rect.shrink(3.0),
                                    4.0,
                                    theme::faded(color, 0.18),
                                );
                            }
                            ui.painter().text(
                                rect.right_center() - egui::vec2(10.0, 0.0),
                                Align2::RIGHT_CENTER,
                                &cell.text,
                                theme::bold(size::BODY),
                                color,
                            );
                        });
                    }
                });
            }
        });
    commands
}
