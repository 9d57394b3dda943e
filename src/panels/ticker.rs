//! Alert ticker (轮播表): the alerts on a board that steps one row at a time
//! with a short eased slide when there are more than fit. New alerts blink
//! for two minutes; recovered ones stay briefly, marked 已恢复.

use egui::{Align2, CornerRadius, Rect, Ui, pos2, vec2};
use serde::Serialize;

use super::view::{PanelView, TickerPos};
use super::{Command, Ctx};
use crate::app::theme::{self, size};
use crate::layout::Panel;
use crate::model::Severity;

/// An alert counts as new this long after it is first seen, ms.
pub const NEW_FOR_MS: i64 = 120_000;
/// Seconds between steps of the board.
pub const STEP_EVERY_S: f64 = 4.0;
/// Seconds one step's slide takes.
pub const STEP_SLIDE_S: f64 = 0.45;
const ROW_H: f32 = 50.0;

#[derive(Clone, Debug, Serialize)]
pub struct TickerRow {
    pub id: String,
    #[serde(skip)]
    pub first_seen_ms: i64,
    pub severity: Severity,
    pub time: String,
    pub system: String,
    pub target: String,
    pub message: String,
    pub acknowledged: bool,
    pub owner: Option<String>,
    pub muted: Option<crate::model::Muted>,
    pub new: bool,
    pub recovered: bool,
    /// The ticket opened for this alert, if any.
    pub ticket: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct TickerModel {
    pub alerts: Vec<TickerRow>,
    pub active: usize,
    pub stale_age_s: Option<f64>,
}

pub fn model(panel: &Panel, cx: &Ctx<'_>) -> TickerModel {
    let b = &panel.binding;
    let mut alerts: Vec<TickerRow> = cx
        .store
        .alerts()
        .iter()
        .filter(|a| a.severity >= b.min_severity)
        .filter(|a| b.systems.is_empty() || b.systems.contains(&a.system))
        .map(|a| TickerRow {
            id: a.id.clone(),
            first_seen_ms: a.first_seen_ms,
            severity: a.severity,
            time: cx.local(a.first_seen_ms, "%H:%M"),
            system: cx.store.inventory().system_name(&a.system).to_owned(),
            target: cx.target_name(&a.target).to_owned(),
            message: a.message.clone(),
            acknowledged: a.acknowledged,
            owner: a.owner.clone(),
            muted: a.muted,
            new: a.cleared_ms.is_none() && cx.now_ms - a.first_seen_ms < NEW_FOR_MS,
            recovered: a.cleared_ms.is_some(),
            ticket: cx
                .store
                .tickets()
                .find(|t| t.alerts.contains(&a.id))
                .map(|t| t.id.clone()),
        })
        .collect();
    // Unrecovered first, worst first, newest first.
    alerts.sort_by(|a, b| {
        a.recovered
            .cmp(&b.recovered)
            .then(b.severity.cmp(&a.severity))
            .then(b.first_seen_ms.cmp(&a.first_seen_ms))
            .then_with(|| a.id.cmp(&b.id))
    });
    let stale_age_s = cx.sources_stale_age_s();
    TickerModel {
        active: alerts.iter().filter(|a| !a.recovered).count(),
        alerts,
        stale_age_s,
    }
}

/// Where the board is: the top row and how far into a slide, 0..1.
/// `moving` is false on a still wall and on the workstation (rows hold buttons).
fn position(
    t: &mut TickerPos,
    moving: bool,
    now_s: f64,
    total: usize,
    fits: usize,
) -> (usize, f32) {
    if total <= fits || !moving {
        t.offset = 0;
        return (0, 0.0);
    }
    let since = now_s - t.stepped_at_s;
    if !(0.0..STEP_EVERY_S).contains(&since) {
        t.offset = (t.offset + 1) % total;
        t.stepped_at_s = now_s;
    }
    let since = now_s - t.stepped_at_s;
    let slide = (since / STEP_SLIDE_S).clamp(0.0, 1.0) as f32;
    (t.offset, slide)
}

pub fn ui(
    ui: &mut Ui,
    rect: Rect,
    m: &TickerModel,
    cx: &Ctx<'_>,
    view: &mut PanelView,
) -> Vec<Command> {
    let mut commands = Vec::new();
    let fits = ((rect.height() / ROW_H).floor() as usize).max(1);
    let painter = ui.painter().with_clip_rect(rect.intersect(ui.clip_rect()));
    if m.alerts.is_empty() {
        super::chrome::all_clear_ui(&painter, rect, "✓ 当前无告警");
        return commands;
    }

    let total = m.alerts.len();
    let moving = cx.animations && !cx.duty;
    let (offset, slide) = position(&mut view.ticker, moving, cx.anim_time_s, total, fits);
    let eased = 1.0 - (1.0 - slide).powi(3);
    // The row that just left slides up out of view while the rest follow.
    let shift = if slide < 1.0 && total > fits {
        (1.0 - eased) * ROW_H
    } else {
        0.0
    };
    let blink_on = !cx.animations || (cx.anim_time_s * 2.0).floor() as i64 % 2 == 0;

    for k in 0..=fits {
        let idx = (offset + total - usize::from(shift > 0.0) + k) % total;
        let row = &m.alerts[idx];
        let y = rect.min.y + (k as f32 - usize::from(shift > 0.0) as f32) * ROW_H + shift;
        let r = Rect::from_min_size(pos2(rect.min.x, y), vec2(rect.width(), ROW_H - 6.0));
        // On the workstation an alert without a ticket offers 转工单.
        let offer = cx.duty && !row.recovered && row.ticket.is_none();
        let button_w = if offer { 150.0 } else { 0.0 };
        row_ui(&painter, r, row, blink_on, button_w, cx.duty);
        if offer && r.max.y <= rect.max.y + 1.0 && r.min.y >= rect.min.y - 1.0 {
            let at = Rect::from_min_max(
                pos2(r.max.x - button_w + 8.0, r.min.y + 4.0),
                pos2(r.max.x - 6.0, r.max.y - 4.0),
            );
            let button =
                egui::Button::new(egui::RichText::new("转工单").font(theme::font(size::SMALL)));
            if ui.put(at, button).clicked() {
                commands.push(Command::CreateTicket {
                    alert: row.id.clone(),
                });
            }
        }
        if total <= fits && k + 1 >= total {
            break;
        }
    }

    // Ask for the next frame only when something will move.
    if cx.animations {
        let mut next = f64::INFINITY;
        if moving && total > fits {
            let since = cx.anim_time_s - view.ticker.stepped_at_s;
            next = if since < STEP_SLIDE_S {
                0.0
            } else {
                STEP_EVERY_S - since
            };
        }
        if m.alerts.iter().any(|a| a.new) {
            next = next.min(0.5 - (cx.anim_time_s % 0.5));
        }
        if next.is_finite() {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_secs_f64(next.max(0.0)));
        }
    }
    commands
}

fn row_ui(
    painter: &egui::Painter,
    r: Rect,
    row: &TickerRow,
    blink_on: bool,
    right_pad: f32,
    duty: bool,
) {
    let color = if row.recovered {
        theme::NORMAL
    } else {
        theme::severity(row.severity)
    };
    let fill_alpha = if row.new && blink_on { 0.38 } else { 0.12 };
    painter.rect_filled(r, CornerRadius::same(4), theme::faded(color, fill_alpha));
    painter.rect_filled(
        Rect::from_min_size(r.min, vec2(6.0, r.height())),
        CornerRadius::ZERO,
        color,
    );

    let font = theme::font(size::BODY);
    let y = r.center().y;
    let mut x = r.min.x + 18.0;
    let badge = if row.recovered {
        "恢复"
    } else {
        row.severity.label_zh()
    };
    let b = painter.text(
        pos2(x, y),
        Align2::LEFT_CENTER,
        badge,
        theme::bold(size::BODY),
        color,
    );
    x = b.max.x + 18.0;
    let t = painter.text(
        pos2(x, y),
        Align2::LEFT_CENTER,
        &row.time,
        font.clone(),
        theme::TEXT_DIM,
    );
    x = t.max.x + 18.0;
    let s = painter.text(
        pos2(x, y),
        Align2::LEFT_CENTER,
        &row.system,
        font.clone(),
        theme::ACCENT,
    );
    x = s.max.x + 18.0;
    let status = if let Some(ticket) = row.ticket.as_ref().filter(|_| duty) {
        format!("工单 {ticket}")
    } else if row.recovered {
        "已恢复".to_owned()
    } else if row.muted == Some(crate::model::Muted::Silenced) {
        format!("已静默·{}", row.owner.as_deref().unwrap_or(""))
    } else if row.muted == Some(crate::model::Muted::Inhibited) {
        "已抑制".to_owned()
    } else if row.acknowledged {
        format!("已确认·{}", row.owner.as_deref().unwrap_or(""))
    } else {
        "未确认".to_owned()
    };
    let status_color = if row.acknowledged || row.recovered || row.muted.is_some() {
        theme::TEXT_DIM
    } else {
        theme::AMBER
    };
    let st = painter.text(
        pos2(r.max.x - 12.0 - right_pad, y),
        Align2::RIGHT_CENTER,
        status,
        font.clone(),
        status_color,
    );
    let body = format!("{}  {}", row.target, row.message);
    let clip = Rect::from_min_max(pos2(x, r.min.y), pos2(st.min.x - 12.0, r.max.y));
    painter
        .with_clip_rect(clip.intersect(painter.clip_rect()))
        .text(pos2(x, y), Align2::LEFT_CENTER, body, font, theme::TEXT);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_board_steps_one_row_every_few_seconds_with_a_short_slide_and_wraps() {
        let mut t = TickerPos::default();
        // Three rows fit, five alerts: the board moves.
        assert_eq!(
            position(&mut t, true, 100.0, 5, 3).0,
            1,
            "a first step at once"
        );
        let (offset, slide) = position(&mut t, true, 100.0 + STEP_SLIDE_S / 2.0, 5, 3);
        assert_eq!(offset, 1);
        assert!((slide - 0.5).abs() < 1e-6);
        assert_eq!(
            position(&mut t, true, 100.0 + STEP_EVERY_S - 0.01, 5, 3),
            (1, 1.0)
        );
        assert_eq!(position(&mut t, true, 100.0 + STEP_EVERY_S, 5, 3).0, 2);
        for k in 2..=4 {
            position(&mut t, true, 100.0 + STEP_EVERY_S * f64::from(k), 5, 3);
        }
        assert_eq!(t.offset, 0, "wrapped around");
    }

    #[test]
    fn a_board_that_fits_or_must_keep_still_does_not_move() {
        let mut t = TickerPos::default();
        assert_eq!(position(&mut t, true, 50.0, 3, 3), (0, 0.0));
        assert_eq!(position(&mut t, false, 50.0, 9, 3), (0, 0.0));
        assert_eq!(position(&mut t, false, 99.0, 9, 3), (0, 0.0));
    }
}
