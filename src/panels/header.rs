//! Header: the wall's title, the date and Beijing time, and a dot per data
//! source saying how fresh it is.

use egui::{Align2, CornerRadius, Rect, Shape, Stroke, Ui, pos2, vec2};
use serde::Serialize;

use super::{Ctx, format_age};
use crate::app::theme::{self, size};
use crate::layout::Panel;

#[derive(Clone, Debug, Serialize)]
pub struct SourceDot {
    pub name: String,
    /// `ok`, `partial` (fresh, but some of its queries fail), `stale` or `down`.
    pub state: String,
    pub age_s: Option<f64>,
    pub error: Option<String>,
    pub warning: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct HeaderModel {
    pub title: String,
    pub subtitle: Option<String>,
    pub date: String,
    pub time: String,
    pub page: String,
    pub sources: Vec<SourceDot>,
}

const WEEKDAYS: [&str; 7] = [
    "星期一",
    "星期二",
    "星期三",
    "星期四",
    "星期五",
    "星期六",
    "星期日",
];

pub fn model(panel: &Panel, cx: &Ctx<'_>) -> HeaderModel {
    use chrono::Datelike;
    let local = crate::model::to_utc(cx.now_ms + cx.utc_offset_ms()).naive_utc();
    let weekday = WEEKDAYS[local.weekday().num_days_from_monday() as usize];
    let sources = cx
        .store
        .sources()
        .map(|s| SourceDot {
            name: s.name.clone(),
            state: if s.last_ok_ms.is_none() || (s.error.is_some() && s.is_stale(cx.now_ms)) {
                "down"
            } else if s.is_stale(cx.now_ms) {
                "stale"
            } else if s.warning.is_some() {
                "partial"
            } else {
                "ok"
            }
            .to_owned(),
            age_s: s.age_s(cx.now_ms),
            error: s.error.clone(),
            warning: s.warning.clone(),
        })
        .collect();
    HeaderModel {
        title: if panel.title.is_empty() {
            cx.layout.wall.title.clone()
        } else {
            panel.title.clone()
        },
        subtitle: cx.layout.wall.subtitle.clone(),
        date: format!("{} {weekday}", local.format("%Y年%m月%d日")),
        time: local.format("%H:%M").to_string(),
        page: String::new(),
        sources,
    }
}

pub fn ui(ui: &mut Ui, rect: Rect, m: &HeaderModel, _cx: &Ctx<'_>) {
    let painter = ui.painter();
    let c = rect.center();

    // A title plate with slanted wings, the usual 大屏 header shape.
    let plate_w = (rect.width() * 0.42).min(1800.0);
    let top = rect.min.y;
    let bottom = rect.max.y - 8.0;
    let plate = vec![
        pos2(c.x - plate_w / 2.0, top),
        pos2(c.x + plate_w / 2.0, top),
        pos2(c.x + plate_w / 2.0 - 60.0, bottom),
        pos2(c.x - plate_w / 2.0 + 60.0, bottom),
    ];
    painter.add(Shape::convex_polygon(
        plate,
        theme::faded(theme::TITLE_BAR, 0.9),
        Stroke::new(2.0, theme::ACCENT_DIM),
    ));
    painter.line_segment(
        [
            pos2(rect.min.x, bottom),
            pos2(c.x - plate_w / 2.0 + 60.0, bottom),
        ],
        Stroke::new(2.0, theme::ACCENT_DIM),
    );
    painter.line_segment(
        [
            pos2(c.x + plate_w / 2.0 - 60.0, bottom),
            pos2(rect.max.x, bottom),
        ],
        Stroke::new(2.0, theme::ACCENT_DIM),
    );
    painter.rect_filled(
        Rect::from_center_size(pos2(c.x, bottom), vec2(plate_w * 0.5, 5.0)),
        CornerRadius::ZERO,
        theme::ACCENT,
    );
    let title_y = if m.subtitle.is_some() {
        c.y - 14.0
    } else {
        c.y - 4.0
    };
    painter.text(
        pos2(c.x, title_y),
        Align2::CENTER_CENTER,
        &m.title,
        theme::bold(size::WALL_TITLE),
        theme::TEXT,
    );
    if let Some(sub) = &m.subtitle {
        painter.text(
            pos2(c.x, bottom - 8.0),
            Align2::CENTER_BOTTOM,
            sub,
            theme::font(size::SMALL),
            theme::TEXT_DIM,
        );
    }

    // Left: date. Right: sources, then the clock.
    painter.text(
        pos2(rect.min.x + 24.0, c.y),
        Align2::LEFT_CENTER,
        &m.date,
        theme::font(size::UNIT),
        theme::TEXT,
    );
    let clock = painter.text(
        pos2(rect.max.x - 24.0, c.y),
        Align2::RIGHT_CENTER,
        &m.time,
        theme::bold(size::WALL_TITLE),
        theme::ACCENT,
    );
    let mut x = clock.min.x - 40.0;
    for s in m.sources.iter().rev() {
        let (color, word) = match s.state.as_str() {
            "ok" => (theme::NORMAL, String::new()),
            "partial" => (theme::AMBER, " 部分失败".to_owned()),
            "stale" => (
                theme::STALE,
                format!(" {}前", format_age(s.age_s.unwrap_or(f64::INFINITY))),
            ),
            _ => (theme::CRITICAL, " 中断".to_owned()),
        };
        let label = format!("{}{word}", s.name);
        let r = painter.text(
            pos2(x, c.y),
            Align2::RIGHT_CENTER,
            label,
            theme::font(size::BODY),
            theme::TEXT_DIM,
        );
        painter.circle_filled(pos2(r.min.x - 18.0, c.y), 10.0, color);
        x = r.min.x - 48.0;
    }
}
