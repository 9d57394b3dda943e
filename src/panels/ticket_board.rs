//! Ticket board: open tickets, most urgent first, each with a countdown bar
//! per SLA clock coloured by its state, and its process stage. A breached
//! clock flashes.

use egui::{Align2, CornerRadius, Rect, Stroke, StrokeKind, Ui, pos2, vec2};
use serde::Serialize;

use super::Ctx;
use super::tickets::{ClockView, blink_on, clock_bar, priority_color, row_card, steps, tickets};
use crate::app::theme::{self, size};
use crate::layout::Panel;
use crate::sla::{ClockKind, ClockState};

#[derive(Clone, Debug, Serialize)]
pub struct BoardRow {
    pub id: String,
    pub kind: String,
    pub priority: String,
    #[serde(skip)]
    pub priority_level: crate::model::Priority,
    pub title: String,
    pub system: String,
    pub owner: Option<String>,
    pub stage: usize,
    pub stages: Vec<&'static str>,
    pub clocks: Vec<ClockView>,
    /// Time left on the tightest running clock (negative: overdue), ms.
    pub urgency_ms: i64,
    pub breached: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct TicketBoardModel {
    pub rows: Vec<BoardRow>,
    pub open: usize,
    pub breached: usize,
    pub stale_age_s: Option<f64>,
}

const ROW_H: f32 = 118.0;

pub fn model(panel: &Panel, cx: &Ctx<'_>) -> TicketBoardModel {
    let b = &panel.binding;
    let mut rows: Vec<BoardRow> = tickets(cx, &b.systems)
        .filter(|t| !t.is_resolved())
        .filter(|t| b.ticket_kind.is_none_or(|k| t.kind == k))
        .map(|t| {
            let clocks: Vec<ClockView> = cx
                .sla
                .clocks(t, cx.now_ms)
                .iter()
                .filter(|c| c.kind != ClockKind::Report)
                .map(ClockView::new)
                .collect();
            let running = clocks.iter().filter(|c| c.state.is_running());
            let urgency_ms = running.map(|c| c.remaining_ms).min().unwrap_or(i64::MAX);
            BoardRow {
                id: t.id.clone(),
                kind: t.kind.label_zh().to_owned(),
                priority: t.priority.label_zh().to_owned(),
                priority_level: t.priority,
                title: t.title.clone(),
                system: cx.store.inventory().system_name(&t.system).to_owned(),
                owner: t.owner.clone(),
                stage: t.stage,
                stages: t.kind.stages().to_vec(),
                breached: clocks.iter().any(|c| c.state == ClockState::Breached),
                clocks,
                urgency_ms,
            }
        })
        .collect();
    rows.sort_by(|a, b2| {
        a.urgency_ms
            .cmp(&b2.urgency_ms)
            .then(a.priority_level.cmp(&b2.priority_level))
            .then_with(|| a.id.cmp(&b2.id))
    });
    TicketBoardModel {
        open: rows.len(),
        breached: rows.iter().filter(|r| r.breached).count(),
        rows,
        stale_age_s: cx.sources_stale_age_s(),
    }
}

pub fn ui(ui: &mut Ui, rect: Rect, m: &TicketBoardModel, cx: &Ctx<'_>) {
    let p = ui.painter().with_clip_rect(rect.intersect(ui.clip_rect()));
    if m.rows.is_empty() {
        super::chrome::all_clear_ui(&p, rect, "✓ 当前无未解决工单");
        return;
    }
    let blink = blink_on(cx);
    let fits = ((rect.height() / ROW_H).floor() as usize).max(1);
    for (i, row) in m.rows.iter().take(fits).enumerate() {
        let r = row_card(&p, rect, i, ROW_H, 10.0);
        if row.breached {
            let alpha = if blink { 1.0 } else { 0.25 };
            p.rect_stroke(
                r,
                CornerRadius::same(4),
                Stroke::new(3.0, theme::faded(theme::CRITICAL, alpha)),
                StrokeKind::Inside,
            );
        }

        // First line: priority, kind, id, title; the stage chain on the right.
        let y1 = r.min.y + 26.0;
        let pc = priority_color(row.priority_level);
        let badge = Rect::from_min_size(pos2(r.min.x + 10.0, y1 - 17.0), vec2(64.0, 34.0));
        p.rect_filled(badge, CornerRadius::same(4), pc);
        p.text(
            badge.center(),
            Align2::CENTER_CENTER,
            &row.priority,
            theme::bold(size::SMALL),
            theme::BACKGROUND,
        );
        let k = p.text(
            pos2(badge.max.x + 12.0, y1),
            Align2::LEFT_CENTER,
            &row.kind,
            theme::bold(size::BODY),
            theme::TEXT,
        );
        let id = p.text(
            pos2(k.max.x + 12.0, y1),
            Align2::LEFT_CENTER,
            &row.id,
            theme::font(size::SMALL),
            theme::TEXT_DIM,
        );
        let chain_w = (r.width() * 0.3).min(520.0);
        let chain = Rect::from_min_max(
            pos2(r.max.x - chain_w - 10.0, r.min.y + 6.0),
            pos2(r.max.x - 10.0, r.min.y + 46.0),
        );
        let title_clip = Rect::from_min_max(
            pos2(id.max.x + 16.0, r.min.y),
            pos2(chain.min.x - 16.0, r.min.y + 52.0),
        );
        let owner = row
            .owner
            .as_deref()
            .map_or_else(|| "待响应".to_owned(), |o| format!("· {o}"));
        p.with_clip_rect(title_clip.intersect(p.clip_rect())).text(
            pos2(title_clip.min.x, y1),
            Align2::LEFT_CENTER,
            format!("{} [{}] {owner}", row.title, row.system),
            theme::font(size::BODY),
            theme::TEXT,
        );
        steps(&p, chain, &row.stages, row.stage, false, false);
        let stage_name = row.stages.get(row.stage).copied().unwrap_or("");
        p.text(
            pos2(chain.center().x, r.min.y + 64.0),
            Align2::CENTER_CENTER,
            stage_name,
            theme::font(size::SMALL),
            theme::ACCENT,
        );

        // Second line: one countdown bar per clock.
        let bars = Rect::from_min_max(
            pos2(r.min.x + 10.0, r.min.y + 56.0),
            pos2(chain.min.x - 20.0, r.max.y - 6.0),
        );
        let n = row.clocks.len().max(1) as f32;
        let w = bars.width() / n;
        for (j, c) in row.clocks.iter().enumerate() {
            let cell = Rect::from_min_size(
                pos2(bars.min.x + j as f32 * w, bars.min.y),
                vec2(w - 24.0, bars.height()),
            );
            clock_bar(&p, cell, c, blink);
        }
    }
    if cx.animations && m.breached > 0 {
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_secs_f64(
                0.5 - cx.anim_time_s % 0.5,
            ));
    }
    super::tickets::more_rows_ui(&p, rect, m.rows.len(), fits, "张工单");
}
