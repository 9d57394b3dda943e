//! Inspection calendar: the year's four proactive inspections, planned,
//! done, or overdue, with their findings and how many are fixed.

use egui::{Align2, CornerRadius, Rect, Stroke, StrokeKind, Ui, pos2, vec2};
use serde::Serialize;

use super::Ctx;
use crate::app::theme::{self, size};

#[derive(Clone, Debug, Serialize)]
pub struct InspectionCard {
    pub name: String,
    pub planned: String,
    /// `已完成`, `计划中` or `已逾期`.
    pub status: String,
    pub done: Option<String>,
    pub findings: u32,
    pub fixed: u32,
}

#[derive(Clone, Debug, Serialize)]
pub struct InspectionsModel {
    pub cards: Vec<InspectionCard>,
    pub stale_age_s: Option<f64>,
}

pub fn model(cx: &Ctx<'_>) -> InspectionsModel {
    let cards = cx
        .store
        .routine()
        .inspections
        .iter()
        .map(|i| InspectionCard {
            name: i.name.clone(),
            planned: cx.local(i.planned_ms, "%m月%d日"),
            status: match i.done_ms {
                Some(_) => "已完成",
                None if i.planned_ms + 7 * 86_400_000 < cx.now_ms => "已逾期",
                None => "计划中",
            }
            .to_owned(),
            done: i.done_ms.map(|t| cx.local(t, "%m月%d日")),
            findings: i.findings,
            fixed: i.fixed,
        })
        .collect();
    InspectionsModel {
        cards,
        stale_age_s: cx.sources_stale_age_s(),
    }
}

pub fn ui(ui: &mut Ui, rect: Rect, m: &InspectionsModel) {
    let p = ui.painter();
    let n = m.cards.len().max(1) as f32;
    let w = rect.width() / n;
    for (i, c) in m.cards.iter().enumerate() {
        let r = Rect::from_min_size(
            pos2(rect.min.x + i as f32 * w, rect.min.y),
            vec2(w - 12.0, rect.height()),
        );
        let color = match c.status.as_str() {
            "已完成" => theme::NORMAL,
            "已逾期" => theme::CRITICAL,
            _ => theme::ACCENT,
        };
        p.rect_filled(r, CornerRadius::same(6), theme::faded(color, 0.1));
        p.rect_stroke(
            r,
            CornerRadius::same(6),
            Stroke::new(2.0, theme::faded(color, 0.7)),
            StrokeKind::Inside,
        );
        let cx_ = r.center().x;
        let cy = r.center().y;
        p.text(
            pos2(cx_, cy - 70.0),
            Align2::CENTER_CENTER,
            &c.name,
            theme::font(size::BODY),
            theme::TEXT,
        );
        p.text(
            pos2(cx_, cy),
            Align2::CENTER_CENTER,
            &c.status,
            theme::bold(size::UNIT * 1.4),
            color,
        );
        let detail = match &c.done {
            Some(d) => format!("{d} 完成 · 问题 {}/{} 已整改", c.fixed, c.findings),
            None => format!("计划 {}", c.planned),
        };
        let galley = p.layout(
            detail,
            theme::font(size::SMALL),
            theme::TEXT_DIM,
            r.width() - 24.0,
        );
        p.galley(
            pos2(cx_ - galley.size().x / 2.0, cy + 44.0),
            galley,
            theme::TEXT_DIM,
        );
    }
}
