//! Process panel: the tickets of one kind (emergency, data maintenance,
//! patch release) still in their process, each with its stages as a chain.

use egui::{Align2, Rect, Ui, pos2};
use serde::Serialize;

use super::Ctx;
use super::tickets::{row_card, steps, tickets};
use crate::app::theme::{self, size};
use crate::layout::Panel;
use crate::model::TicketKind;

#[derive(Clone, Debug, Serialize)]
pub struct ProcessRow {
    pub id: String,
    pub title: String,
    pub system: String,
    pub stage: usize,
    pub stage_name: &'static str,
    pub since: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ProcessModel {
    pub kind: Option<TicketKind>,
    pub stages: Vec<&'static str>,
    pub rows: Vec<ProcessRow>,
    pub stale_age_s: Option<f64>,
}

const ROW_H: f32 = 112.0;

pub fn model(panel: &Panel, cx: &Ctx<'_>) -> ProcessModel {
    let kind = panel.binding.ticket_kind;
    let mut rows: Vec<ProcessRow> = tickets(cx, &panel.binding.systems)
        .filter(|t| Some(t.kind) == kind)
        // Still in its process: planned work until resolved, incidents until their report.
        .filter(|t| {
            if t.kind.has_fault_report() {
                t.report_ms.is_none()
            } else {
                t.resolved_ms.is_none()
            }
        })
        .map(|t| ProcessRow {
            id: t.id.clone(),
            title: t.title.clone(),
            system: cx.store.inventory().system_name(&t.system).to_owned(),
            stage: t.stage,
            stage_name: t.stage_name(),
            since: cx.local(t.reported_ms, "%m-%d %H:%M"),
        })
        .collect();
    rows.sort_by(|a, b| b.since.cmp(&a.since).then_with(|| a.id.cmp(&b.id)));
    ProcessModel {
        kind,
        stages: kind.map(|k| k.stages().to_vec()).unwrap_or_default(),
        rows,
        stale_age_s: cx.sources_stale_age_s(),
    }
}

pub fn ui(ui: &mut Ui, rect: Rect, m: &ProcessModel) {
    let p = ui.painter().with_clip_rect(rect.intersect(ui.clip_rect()));
    if m.rows.is_empty() {
        super::chrome::all_clear_ui(&p, rect, "✓ 当前无进行中的流程");
        return;
    }
    let fits = ((rect.height() / ROW_H).floor() as usize).max(1);
    for (i, row) in m.rows.iter().take(fits).enumerate() {
        let r = row_card(&p, rect, i, ROW_H, 8.0);
        let head = format!("{}  {} [{}]", row.id, row.title, row.system);
        let clip = Rect::from_min_max(r.min, pos2(r.max.x - 150.0, r.min.y + 36.0));
        p.with_clip_rect(clip.intersect(p.clip_rect())).text(
            pos2(r.min.x + 10.0, r.min.y + 18.0),
            Align2::LEFT_CENTER,
            head,
            theme::font(size::SMALL),
            theme::TEXT,
        );
        p.text(
            pos2(r.max.x - 10.0, r.min.y + 18.0),
            Align2::RIGHT_CENTER,
            &row.since,
            theme::font(size::SMALL),
            theme::TEXT_DIM,
        );
        let chain = Rect::from_min_max(
            pos2(r.min.x + 10.0, r.min.y + 36.0),
            pos2(r.max.x - 10.0, r.max.y - 2.0),
        );
        steps(&p, chain, &m.stages, row.stage, false, true);
    }
    super::tickets::more_rows_ui(&p, rect, m.rows.len(), fits, "项");
}
