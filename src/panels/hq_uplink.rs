//! HQ uplink: whether monitoring results reach the national (总局) platform,
//! when the last report went, how late it was, and whether the counts we
//! sent match what HQ acknowledged (口径一致).

use egui::{Align2, Rect, Ui, pos2};
use serde::Serialize;

use super::{Ctx, format_age};
use crate::app::theme::{self, size};
use crate::model::Severity;

#[derive(Clone, Debug, Serialize)]
pub struct HqUplinkModel {
    pub connected: bool,
    pub last_report: Option<String>,
    pub report_age_s: Option<f64>,
    pub lag_s: f64,
    pub sent_today: u64,
    pub acked_today: u64,
    pub consistent: bool,
    pub severity: Severity,
    pub stale_age_s: Option<f64>,
}

pub fn model(cx: &Ctx<'_>) -> HqUplinkModel {
    let u = cx
        .store
        .routine()
        .uplink
        .clone()
        .unwrap_or(crate::model::Uplink {
            connected: false,
            last_report_ms: None,
            interval_s: 300,
            lag_s: 0.0,
            sent_today: 0,
            acked_today: 0,
        });
    let age = u
        .last_report_ms
        .map(|t| (cx.now_ms - t).max(0) as f64 / 1000.0);
    let late = age.is_none_or(|a| a > 2.0 * f64::from(u.interval_s));
    let consistent = u.sent_today == u.acked_today;
    let severity = if !u.connected || late {
        Severity::Critical
    } else if !consistent || u.lag_s > f64::from(u.interval_s) / 2.0 {
        Severity::Warning
    } else {
        Severity::Normal
    };
    HqUplinkModel {
        connected: u.connected,
        last_report: u.last_report_ms.map(|t| cx.local(t, "%H:%M:%S")),
        report_age_s: age,
        lag_s: u.lag_s,
        sent_today: u.sent_today,
        acked_today: u.acked_today,
        consistent,
        severity,
        stale_age_s: cx.sources_stale_age_s(),
    }
}

pub fn ui(ui: &mut Ui, rect: Rect, m: &HqUplinkModel) {
    let p = ui.painter();
    let (word, color) = if m.connected {
        ("● 已连接", theme::NORMAL)
    } else {
        ("● 连接中断", theme::CRITICAL)
    };
    p.text(
        pos2(rect.min.x, rect.min.y + 30.0),
        Align2::LEFT_CENTER,
        word,
        theme::bold(size::BODY * 1.3),
        color,
    );
    let line = |i: usize, label: &str, value: String, c: egui::Color32| {
        let step = ((rect.height() - 80.0) / 4.0).clamp(40.0, 110.0);
        let y = rect.min.y + 80.0 + (i as f32 + 0.5) * step;
        p.text(
            pos2(rect.min.x, y),
            Align2::LEFT_CENTER,
            label,
            theme::font(size::BODY),
            theme::TEXT_DIM,
        );
        p.text(
            pos2(rect.max.x, y),
            Align2::RIGHT_CENTER,
            value,
            theme::bold(size::BODY),
            c,
        );
    };
    let age = m.report_age_s.map_or_else(
        || "无".to_owned(),
        |a| {
            format!(
                "{}（{}前）",
                m.last_report.clone().unwrap_or_default(),
                format_age(a)
            )
        },
    );
    line(0, "最近上报", age, theme::TEXT);
    let lag_color = if m.lag_s > 150.0 {
        theme::WARNING
    } else {
        theme::TEXT
    };
    line(1, "上报延迟", format!("{:.0}秒", m.lag_s), lag_color);
    line(
        2,
        "今日上报 / 总局确认",
        format!("{} / {}", m.sent_today, m.acked_today),
        theme::TEXT,
    );
    let (c_word, c_color) = if m.consistent {
        ("口径一致".to_owned(), theme::NORMAL)
    } else {
        (
            format!("不一致（差 {} 条）", m.sent_today - m.acked_today),
            theme::WARNING,
        )
    };
    line(3, "数据一致性", c_word, c_color);
}
