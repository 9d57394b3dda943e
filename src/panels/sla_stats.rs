//! SLA statistics for the month: mean time to acknowledge (MTTA), mean time
//! to resolve (MTTR), and the share of clocks met, overall and by system.

use chrono::Datelike;
use egui::{Align2, CornerRadius, Rect, Ui, pos2, vec2};
use serde::Serialize;

use super::Ctx;
use super::tickets::tickets;
use crate::app::theme::{self, size};
use crate::layout::Panel;
use crate::sla::ClockState;

#[derive(Clone, Debug, Serialize)]
pub struct SystemSla {
    pub system: String,
    pub name: String,
    pub met: usize,
    /// Missed, or running past due.
    pub failed: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct SlaStatsModel {
    pub month: String,
    pub tickets: usize,
    /// Mean minutes from report to response, over responded tickets.
    pub mtta_min: Option<f64>,
    /// Mean minutes from report to resolution, over resolved tickets.
    pub mttr_min: Option<f64>,
    /// Share of decided clocks met, percent.
    pub met_pct: Option<f64>,
    pub by_system: Vec<SystemSla>,
    pub stale_age_s: Option<f64>,
}

fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

pub fn model(panel: &Panel, cx: &Ctx<'_>) -> SlaStatsModel {
    let local = crate::model::to_utc(cx.now_ms + cx.utc_offset_ms()).naive_utc();
    let month_start = local
        .date()
        .with_day(1)
        .unwrap_or(local.date())
        .and_hms_opt(0, 0, 0)
        .unwrap_or(local);
    let month_start_ms = month_start.and_utc().timestamp_millis() - cx.utc_offset_ms();
    let month: Vec<_> = tickets(cx, &panel.binding.systems)
        .filter(|t| t.reported_ms >= month_start_ms)
        .collect();

    let minutes = |a: i64, b: Option<i64>| b.map(|b| (b - a) as f64 / 60_000.0);
    let mtta: Vec<f64> = month
        .iter()
        .filter_map(|t| minutes(t.reported_ms, t.responded_ms))
        .collect();
    let mttr: Vec<f64> = month
        .iter()
        .filter_map(|t| minutes(t.reported_ms, t.resolved_ms))
        .collect();

    let mut by_system: Vec<SystemSla> = Vec::new();
    for t in &month {
        let idx = if let Some(i) = by_system.iter().position(|s| s.system == t.system) {
            i
        } else {
            by_system.push(SystemSla {
                system: t.system.clone(),
                name: cx.store.inventory().system_name(&t.system).to_owned(),
                met: 0,
                failed: 0,
            });
            by_system.len() - 1
        };
        for c in cx.sla.clocks(t, cx.now_ms) {
            match c.state {
                ClockState::Met => by_system[idx].met += 1,
                ClockState::Missed | ClockState::Breached => by_system[idx].failed += 1,
                _ => {}
            }
        }
    }
    by_system.sort_by(|a, b| a.system.cmp(&b.system));
    let met: usize = by_system.iter().map(|s| s.met).sum();
    let failed: usize = by_system.iter().map(|s| s.failed).sum();
    SlaStatsModel {
        month: local.format("%Y年%m月").to_string(),
        tickets: month.len(),
        mtta_min: mean(&mtta),
        mttr_min: mean(&mttr),
        met_pct: (met + failed > 0).then(|| 100.0 * met as f64 / (met + failed) as f64),
        by_system,
        stale_age_s: cx.sources_stale_age_s(),
    }
}

fn format_minutes(m: Option<f64>) -> String {
    match m {
        None => "—".to_owned(),
        Some(m) if m >= 120.0 => format!("{:.1}小时", m / 60.0),
        Some(m) => format!("{m:.0}分钟"),
    }
}

pub fn ui(ui: &mut Ui, rect: Rect, m: &SlaStatsModel) {
    let p = ui.painter();
    let top_h = 120.0;
    let third = rect.width() / 3.0;
    let met_color = match m.met_pct {
        Some(v) if v < 90.0 => theme::CRITICAL,
        Some(v) if v < 98.0 => theme::WARNING,
        Some(_) => theme::NORMAL,
        None => theme::TEXT_DIM,
    };
    let big = [
        ("平均响应(MTTA)", format_minutes(m.mtta_min), theme::ACCENT),
        ("平均解决(MTTR)", format_minutes(m.mttr_min), theme::ACCENT),
        (
            "本月SLA达标率",
            m.met_pct
                .map_or_else(|| "—".to_owned(), |v| format!("{v:.1}%")),
            met_color,
        ),
    ];
    for (i, (label, value, color)) in big.iter().enumerate() {
        let x = rect.min.x + third * (i as f32 + 0.5);
        p.text(
            pos2(x, rect.min.y + 16.0),
            Align2::CENTER_CENTER,
            *label,
            theme::font(size::SMALL),
            theme::TEXT_DIM,
        );
        p.text(
            pos2(x, rect.min.y + 70.0),
            Align2::CENTER_CENTER,
            value,
            theme::bold(56.0),
            *color,
        );
    }
    let subtitle = format!("{} · 共{}张工单 · 各系统时限达标情况", m.month, m.tickets);
    p.text(
        pos2(rect.min.x, rect.min.y + top_h),
        Align2::LEFT_TOP,
        subtitle,
        theme::font(size::SMALL),
        theme::TEXT_DIM,
    );

    let list = Rect::from_min_max(pos2(rect.min.x, rect.min.y + top_h + 40.0), rect.max);
    let row_h = (list.height() / m.by_system.len().max(1) as f32).min(46.0);
    let label_w = 220.0;
    for (i, s) in m.by_system.iter().enumerate() {
        let y = list.min.y + i as f32 * row_h + row_h / 2.0;
        if y > list.max.y {
            break;
        }
        p.text(
            pos2(list.min.x, y),
            Align2::LEFT_CENTER,
            &s.name,
            theme::font(size::SMALL),
            theme::TEXT,
        );
        let total = (s.met + s.failed).max(1) as f32;
        let bar = Rect::from_min_max(
            pos2(list.min.x + label_w, y - 10.0),
            pos2(list.max.x - 170.0, y + 10.0),
        );
        p.rect_filled(
            bar,
            CornerRadius::same(3),
            theme::faded(theme::CRITICAL, 0.7),
        );
        let met = Rect::from_min_size(
            bar.min,
            vec2(bar.width() * s.met as f32 / total, bar.height()),
        );
        p.rect_filled(met, CornerRadius::same(3), theme::NORMAL);
        let text = format!(
            "{:.0}% ({}/{})",
            100.0 * s.met as f32 / total,
            s.met,
            s.met + s.failed
        );
        p.text(
            pos2(list.max.x, y),
            Align2::RIGHT_CENTER,
            text,
            theme::font(size::SMALL),
            theme::TEXT,
        );
    }
}
