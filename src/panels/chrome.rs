//! The frame every panel sits in: fill, border with corner accents, title
//! bar, and the stale badge that says how old the data is.

use egui::{Align2, CornerRadius, Pos2, Rect, Stroke, StrokeKind, Ui, pos2, vec2};

use super::{Model, format_age};
use crate::app::theme::{self, size};
use crate::model::Severity;

/// Height of a panel's title bar, design pixels.
pub const TITLE_H: f32 = 56.0;
const PAD: f32 = 14.0;

/// Draws the frame and title; returns the body rect for the content.
pub fn frame_ui(ui: &Ui, rect: Rect, title: &str, model: &Model) -> Rect {
    let painter = ui.painter();
    painter.rect_filled(
        rect,
        CornerRadius::same(6),
        theme::faded(theme::PANEL_FILL, 0.92),
    );
    painter.rect_stroke(
        rect,
        CornerRadius::same(6),
        Stroke::new(1.5, theme::PANEL_BORDER),
        StrokeKind::Inside,
    );
    corners(ui, rect);

    if title.is_empty() {
        return rect.shrink(PAD);
    }
    let bar = Rect::from_min_size(rect.min + vec2(2.0, 2.0), vec2(rect.width() - 4.0, TITLE_H));
    painter.rect_filled(
        bar,
        CornerRadius::same(4),
        theme::faded(theme::TITLE_BAR, 0.85),
    );
    let mark = Rect::from_min_size(bar.min + vec2(12.0, 14.0), vec2(8.0, TITLE_H - 28.0));
    painter.rect_filled(mark, CornerRadius::ZERO, theme::ACCENT);
    painter.text(
        pos2(bar.min.x + 32.0, bar.center().y),
        Align2::LEFT_CENTER,
        title,
        theme::bold(size::PANEL_TITLE),
        theme::TEXT,
    );

    // Right side of the title bar: stale badge, else a severity dot.
    let right = pos2(bar.max.x - 16.0, bar.center().y);
    if let Some(age) = model.stale_age_s() {
        let text = format!("⚠ 数据过期 {}", format_age(age));
        let galley = ui
            .painter()
            .layout_no_wrap(text, theme::font(size::SMALL), theme::BACKGROUND);
        let badge = Rect::from_min_size(
            pos2(right.x - galley.size().x - 24.0, bar.min.y + 10.0),
            vec2(galley.size().x + 24.0, TITLE_H - 20.0),
        );
        painter.rect_filled(badge, CornerRadius::same(4), theme::STALE);
        painter.galley(
            badge.center() - galley.size() / 2.0,
            galley,
            theme::BACKGROUND,
        );
    } else if !matches!(model, Model::Text(_) | Model::Image(_)) {
        let sev = model.severity();
        if sev != Severity::Normal {
            painter.circle_filled(pos2(right.x - 10.0, right.y), 10.0, theme::severity(sev));
        }
    }
    Rect::from_min_max(
        pos2(rect.min.x + PAD, bar.max.y + PAD * 0.6),
        rect.max - vec2(PAD, PAD),
    )
}

/// Bright L-shaped accents on the four corners.
fn corners(ui: &Ui, rect: Rect) {
    let len = 22.0_f32.min(rect.width() / 4.0);
    let stroke = Stroke::new(3.0, theme::ACCENT);
    let p = ui.painter();
    let c = |at: Pos2, dx: f32, dy: f32| {
        p.line_segment([at, at + vec2(dx * len, 0.0)], stroke);
        p.line_segment([at, at + vec2(0.0, dy * len)], stroke);
    };
    c(rect.left_top(), 1.0, 1.0);
    c(rect.right_top(), -1.0, 1.0);
    c(rect.left_bottom(), 1.0, -1.0);
    c(rect.right_bottom(), -1.0, -1.0);
}

/// What an empty list says instead: all clear, in green, centred.
pub fn all_clear_ui(p: &egui::Painter, rect: Rect, text: &str) {
    p.text(
        rect.center(),
        Align2::CENTER_CENTER,
        text,
        theme::font(size::BODY),
        theme::NORMAL,
    );
}
