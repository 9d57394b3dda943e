//! Status grid: one tile per target, coloured by its worst KPI (parts rolled
//! up into their parent), grouped by application system.

use egui::{Align2, CornerRadius, Rect, Stroke, StrokeKind, Ui, pos2, vec2};
use serde::Serialize;

use super::Ctx;
use crate::app::theme::{self, size};
use crate::kpi::health::target_severity;
use crate::layout::Panel;
use crate::model::Severity;

#[derive(Clone, Debug, Serialize)]
pub struct Tile {
    pub target: String,
    pub name: String,
    pub severity: Severity,
}

#[derive(Clone, Debug, Serialize)]
pub struct Group {
    pub system: String,
    pub name: String,
    pub tiles: Vec<Tile>,
}

#[derive(Clone, Debug, Serialize)]
pub struct StatusGridModel {
    pub groups: Vec<Group>,
    /// Tiles per severity: normal, warning, critical, unknown.
    pub counts: [usize; 4],
    pub stale_age_s: Option<f64>,
}

pub fn model(panel: &Panel, cx: &Ctx<'_>) -> StatusGridModel {
    let b = &panel.binding;
    let mut groups: Vec<Group> = Vec::new();
    let mut counts = [0; 4];
    for t in cx.targets(b.target_kind, &b.systems) {
        let severity = target_severity(cx.store, cx.catalog, t, cx.now_ms);
        counts[match severity {
            Severity::Normal => 0,
            Severity::Warning => 1,
            Severity::Critical => 2,
            Severity::Unknown => 3,
        }] += 1;
        let name = if t.kind == crate::model::TargetKind::Database {
            // A database is known by its name (HXDB), not its id.
            t.name.split('(').next().unwrap_or(&t.name).to_owned()
        } else {
            short_name(&t.id)
        };
        let tile = Tile {
            target: t.id.clone(),
            name,
            severity,
        };
        match groups.iter_mut().find(|g| g.system == t.system) {
            Some(g) => g.tiles.push(tile),
            None => groups.push(Group {
                system: t.system.clone(),
                name: cx.store.inventory().system_name(&t.system).to_owned(),
                tiles: vec![tile],
            }),
        }
    }
    // Staleness of the grid: the sources behind it.
    let stale_age_s = cx.sources_stale_age_s();
    StatusGridModel {
        groups,
        counts,
        stale_age_s,
    }
}

/// Tiles are small: a part shows its own name (`HX_DATA`, `+FRA`, `JDBC`),
/// anything else its id without the system prefix, upper-cased.
fn short_name(id: &str) -> String {
    let tail = match id.rsplit_once('/') {
        Some((_, part)) => part,
        None => id.split_once('-').map_or(id, |(_, t)| t),
    };
    tail.to_uppercase()
}

pub fn ui(ui: &mut Ui, rect: Rect, m: &StatusGridModel, _cx: &Ctx<'_>) {
    let painter = ui.painter();
    // Legend line with counts.
    let legend_h = 40.0;
    let mut x = rect.min.x;
    for (i, (label, sev)) in [
        ("正常", Severity::Normal),
        ("警告", Severity::Warning),
        ("严重", Severity::Critical),
        ("未知", Severity::Unknown),
    ]
    .iter()
    .enumerate()
    {
        painter.circle_filled(
            pos2(x + 10.0, rect.min.y + 16.0),
            9.0,
            theme::severity(*sev),
        );
        let text = format!("{label} {}", m.counts[i]);
        let r = painter.text(
            pos2(x + 26.0, rect.min.y + 16.0),
            Align2::LEFT_CENTER,
            text,
            theme::font(size::SMALL),
            theme::TEXT,
        );
        x = r.max.x + 28.0;
    }

    let area = Rect::from_min_max(rect.min + vec2(0.0, legend_h), rect.max);
    let label_w = 190.0;
    let tiles_w = (area.width() - label_w).max(40.0);
    let gap = 8.0;
    let n_groups = m.groups.len().max(1) as f32;
    // Largest tile width such that every group's tiles fit in the area.
    let mut tile_w = 150.0_f32;
    let tile_h_of = |w: f32| (w * 0.42).max(36.0);
    loop {
        let per_row = ((tiles_w + gap) / (tile_w + gap)).floor().max(1.0);
        let rows: f32 = m
            .groups
            .iter()
            .map(|g| (g.tiles.len() as f32 / per_row).ceil().max(1.0))
            .sum();
        let needed = rows * (tile_h_of(tile_w) + gap) + n_groups * gap;
        if needed <= area.height() || tile_w <= 70.0 {
            break;
        }
        tile_w -= 6.0;
    }
    let tile_h = tile_h_of(tile_w);
    let per_row = (((tiles_w + gap) / (tile_w + gap)).floor().max(1.0)) as usize;
    let font = theme::bold((tile_h * 0.42).min(size::SMALL));

    let mut y = area.min.y;
    for g in &m.groups {
        let rows = g.tiles.len().div_ceil(per_row).max(1);
        let block_h = rows as f32 * (tile_h + gap) - gap;
        let worst = g
            .tiles
            .iter()
            .map(|t| t.severity)
            .max()
            .unwrap_or(Severity::Normal);
        let label_color = if worst >= Severity::Warning {
            theme::severity(worst)
        } else {
            theme::TEXT
        };
        painter.text(
            pos2(area.min.x, y + block_h / 2.0),
            Align2::LEFT_CENTER,
            &g.name,
            theme::font(size::BODY),
            label_color,
        );
        for (i, tile) in g.tiles.iter().enumerate() {
            let (r, c) = (i / per_row, i % per_row);
            let min = pos2(
                area.min.x + label_w + c as f32 * (tile_w + gap),
                y + r as f32 * (tile_h + gap),
            );
            let t = Rect::from_min_size(min, vec2(tile_w, tile_h));
            let color = theme::severity(tile.severity);
            painter.rect_filled(
                t,
                CornerRadius::same(4),
                theme::faded(
                    color,
                    if tile.severity == Severity::Normal {
                        0.22
                    } else {
                        0.75
                    },
                ),
            );
            painter.rect_stroke(
                t,
                CornerRadius::same(4),
                Stroke::new(1.5, color),
                StrokeKind::Inside,
            );
            let text_color = if tile.severity == Severity::Normal {
                theme::TEXT
            } else {
                theme::BACKGROUND
            };
            // Shrink a long name to fit its tile rather than spill over the next.
            let galley = painter.layout_no_wrap(tile.name.clone(), font.clone(), text_color);
            let fit = ((tile_w - 8.0) / galley.size().x).min(1.0);
            let galley = if fit < 1.0 {
                painter.layout_no_wrap(tile.name.clone(), theme::bold(font.size * fit), text_color)
            } else {
                galley
            };
            painter.galley(t.center() - galley.size() / 2.0, galley, text_color);
        }
        y += block_h + gap * 2.0;
        if y > area.max.y {
            break;
        }
    }
}
