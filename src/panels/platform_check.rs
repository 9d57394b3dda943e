//! Platform self-check: the ops platform's own subsystems (portal,
//! comprehensive monitoring, service management, asset and configuration
//! management), up or down, since when, and how fast they answer.

use egui::{Align2, CornerRadius, Rect, Ui, pos2, vec2};
use serde::Serialize;

use super::{Ctx, format_age};
use crate::app::theme::{self, size};

#[derive(Clone, Debug, Serialize)]
pub struct SubsystemTile {
    pub name: String,
    pub up: bool,
    pub for_s: f64,
    pub response_ms: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct PlatformCheckModel {
    pub tiles: Vec<SubsystemTile>,
    pub down: usize,
    pub stale_age_s: Option<f64>,
}

pub fn model(cx: &Ctx<'_>) -> PlatformCheckModel {
    let tiles: Vec<SubsystemTile> = cx
        .store
        .routine()
        .platform
        .iter()
        .map(|s| SubsystemTile {
            name: s.name.clone(),
            up: s.up,
            for_s: (cx.now_ms - s.since_ms).max(0) as f64 / 1000.0,
            response_ms: s.response_ms,
        })
        .collect();
    PlatformCheckModel {
        down: tiles.iter().filter(|t| !t.up).count(),
        tiles,
        stale_age_s: cx.sources_stale_age_s(),
    }
}

pub fn ui(ui: &mut Ui, rect: Rect, m: &PlatformCheckModel) {
    let p = ui.painter();
    let n = m.tiles.len().max(1) as f32;
    let h = rect.height() / n;
    for (i, t) in m.tiles.iter().enumerate() {
        let r = Rect::from_min_size(
            pos2(rect.min.x, rect.min.y + i as f32 * h),
            vec2(rect.width(), h - 8.0),
        );
        let color = if t.up { theme::NORMAL } else { theme::CRITICAL };
        p.rect_filled(
            r,
            CornerRadius::same(4),
            theme::faded(color, if t.up { 0.1 } else { 0.35 }),
        );
        p.circle_filled(pos2(r.min.x + 18.0, r.center().y), 9.0, color);
        p.text(
            pos2(r.min.x + 38.0, r.center().y),
            Align2::LEFT_CENTER,
            &t.name,
            theme::font(size::BODY),
            theme::TEXT,
        );
        let detail = if t.up {
            format!("正常 · {:.0}ms", t.response_ms)
        } else {
            format!("中断 {}", format_age(t.for_s))
        };
        p.text(
            pos2(r.max.x - 8.0, r.center().y),
            Align2::RIGHT_CENTER,
            detail,
            theme::bold(size::BODY),
            color,
        );
    }
}
