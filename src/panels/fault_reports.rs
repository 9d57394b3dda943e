//! Fault reports due: resolved incidents whose 24-hour report clock is
//! running, the one due soonest first.

use egui::{Align2, CornerRadius, Rect, Ui, pos2, vec2};
use serde::Serialize;

use super::Ctx;
use super::tickets::{ClockView, clock_color, tickets};
use crate::app::theme::{self, size};
use crate::layout::Panel;
use crate::sla::ClockKind;

#[derive(Clone, Debug, Serialize)]
pub struct ReportRow {
    pub id: String,
    pub title: String,
    pub resolved: String,
    pub due: String,
    pub clock: ClockView,
}

#[derive(Clone, Debug, Serialize)]
pub struct FaultReportsModel {
    pub rows: Vec<ReportRow>,
    pub stale_age_s: Option<f64>,
}

const ROW_H: f32 = 54.0;

pub fn model(panel: &Panel, cx: &Ctx<'_>) -> FaultReportsModel {
    let mut rows: Vec<ReportRow> = tickets(cx, &panel.binding.systems)
        .filter_map(|t| {
            let c = cx.sla.clock(t, ClockKind::Report, cx.now_ms)?;
            if !c.state.is_running() {
                return None;
            }
            Some(ReportRow {
                id: t.id.clone(),
                title: t.title.clone(),
                resolved: t
                    .resolved_ms
                    .map(|r| cx.local(r, "%d日 %H:%M"))
                    .unwrap_or_default(),
                due: c
                    .due_ms
                    .map(|d| cx.local(d, "%d日 %H:%M"))
                    .unwrap_or_default(),
                clock: ClockView::new(&c),
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        a.clock
            .remaining_ms
            .cmp(&b.clock.remaining_ms)
            .then_with(|| a.id.cmp(&b.id))
    });
    FaultReportsModel {
        rows,
        stale_age_s: cx.sources_stale_age_s(),
    }
}

pub fn ui(ui: &mut Ui, rect: Rect, m: &FaultReportsModel) {
    let p = ui.painter().with_clip_rect(rect.intersect(ui.clip_rect()));
    if m.rows.is_empty() {
        super::chrome::all_clear_ui(&p, rect, "✓ 无待提交的故障报告");
        return;
    }
    let head = rect.min.y + 16.0;
    p.text(
        pos2(rect.min.x, head),
        Align2::LEFT_CENTER,
        "工单 / 故障",
        theme::font(size::SMALL),
        theme::TEXT_DIM,
    );
    // Columns from the right: time left, then the deadline.
    let due_x = rect.max.x - 400.0;
    p.text(
        pos2(due_x, head),
        Align2::LEFT_CENTER,
        "报告截止",
        theme::font(size::SMALL),
        theme::TEXT_DIM,
    );
    let fits = (((rect.height() - 36.0) / ROW_H).floor() as usize).max(1);
    for (i, row) in m.rows.iter().take(fits).enumerate() {
        let r = Rect::from_min_size(
            pos2(rect.min.x, rect.min.y + 36.0 + i as f32 * ROW_H),
            vec2(rect.width(), ROW_H - 6.0),
        );
        let color = clock_color(row.clock.state);
        p.rect_filled(r, CornerRadius::same(4), theme::faded(color, 0.12));
        let y = r.center().y;
        let clip = Rect::from_min_max(r.min, pos2(due_x - 12.0, r.max.y));
        p.with_clip_rect(clip.intersect(p.clip_rect())).text(
            pos2(r.min.x + 10.0, y),
            Align2::LEFT_CENTER,
            format!("{}  {}", row.id, row.title),
            theme::font(size::SMALL),
            theme::TEXT,
        );
        p.text(
            pos2(due_x, y),
            Align2::LEFT_CENTER,
            &row.due,
            theme::font(size::SMALL),
            theme::TEXT,
        );
        p.text(
            pos2(r.max.x - 8.0, y),
            Align2::RIGHT_CENTER,
            &row.clock.text,
            theme::bold(size::SMALL),
            color,
        );
    }
}
