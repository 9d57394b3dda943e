//! What the ticket panels share: the tickets a panel covers and how a clock
//! and a process are drawn.

use egui::{Align2, CornerRadius, Painter, Rect, Stroke, pos2, vec2};
use serde::Serialize;

use super::Ctx;
use crate::app::theme::{self, size};
use crate::model::{Priority, Ticket};
use crate::sla::{Clock, ClockKind, ClockState, format_remaining};

/// Tickets of the panel's systems (all when empty).
pub fn tickets<'a>(
    cx: &'a Ctx<'_>,
    systems: &'a [String],
) -> impl Iterator<Item = &'a Ticket> + 'a {
    cx.store
        .tickets()
        .filter(move |t| systems.is_empty() || systems.contains(&t.system))
}

/// One clock as a panel shows it.
#[derive(Clone, Debug, Serialize)]
pub struct ClockView {
    pub kind: ClockKind,
    pub state: ClockState,
    /// `剩余 12分`, `超时 5分`, `达标`…
    pub text: String,
    /// Share of the allowed time used, for the bar.
    pub used: f64,
    pub remaining_ms: i64,
}

impl ClockView {
    pub fn new(c: &Clock) -> ClockView {
        let text = match c.state {
            ClockState::Met | ClockState::Missed | ClockState::Pending => {
                c.state.label_zh().to_owned()
            }
            _ => format_remaining(c.remaining_ms),
        };
        ClockView {
            kind: c.kind,
            state: c.state,
            text,
            used: c.used,
            remaining_ms: c.remaining_ms,
        }
    }
}

/// The colour of a clock state.
pub fn clock_color(state: ClockState) -> egui::Color32 {
    match state {
        ClockState::Pending => theme::TEXT_DIM,
        ClockState::Running => theme::ACCENT,
        ClockState::Warning => theme::AMBER,
        ClockState::NearBreach => theme::WARNING,
        ClockState::Breached | ClockState::Missed => theme::CRITICAL,
        ClockState::Met => theme::NORMAL,
    }
}

/// The colour of a priority badge.
pub fn priority_color(p: Priority) -> egui::Color32 {
    match p {
        Priority::Urgent => theme::CRITICAL,
        Priority::High => theme::WARNING,
        Priority::Medium => theme::ACCENT,
        Priority::Low => theme::TEXT_DIM,
    }
}

/// A countdown bar: label, the share of time used, and the time left.
/// `blink_on` false hides a breached bar's fill (it flashes).
pub fn clock_bar(p: &Painter, rect: Rect, c: &ClockView, blink_on: bool) {
    let color = clock_color(c.state);
    let y = rect.center().y;
    // The time left always shows, at the right; the label if it fits beside
    // it; the bar in what is left between them.
    let time = p.layout_no_wrap(c.text.clone(), theme::bold(size::SMALL), color);
    let time_x = rect.max.x - time.size().x;
    p.galley(pos2(time_x, y - time.size().y / 2.0), time, color);
    let label = p.layout_no_wrap(
        c.kind.label_zh().to_owned(),
        theme::font(size::SMALL),
        theme::TEXT_DIM,
    );
    if rect.min.x + label.size().x + 8.0 > time_x {
        return;
    }
    let label_right = rect.min.x + label.size().x;
    p.galley(
        pos2(rect.min.x, y - label.size().y / 2.0),
        label,
        theme::TEXT_DIM,
    );
    let bar = Rect::from_min_max(
        pos2(label_right + 10.0, y - 8.0),
        pos2(time_x.min(rect.max.x - 170.0) - 12.0, y + 8.0),
    );
    if bar.width() < 40.0 {
        // Too narrow for a bar: the label and the time left are what matter.
        return;
    }
    p.rect_filled(bar, CornerRadius::same(3), theme::TRACK);
    let used = c.used.clamp(0.0, 1.0) as f32;
    if used > 0.0 && (blink_on || c.state != ClockState::Breached) {
        let fill = Rect::from_min_size(bar.min, vec2(bar.width() * used, bar.height()));
        p.rect_filled(fill, CornerRadius::same(3), color);
    }
}

/// A process's stages as a chain of dots; done ones filled, the current one
/// ringed, with labels under them when `labels` is set.
pub fn steps(p: &Painter, rect: Rect, stages: &[&str], current: usize, done: bool, labels: bool) {
    let n = stages.len().max(1);
    let y = if labels {
        rect.min.y + 16.0
    } else {
        rect.center().y
    };
    let step = rect.width() / n as f32;
    let x_of = |i: usize| rect.min.x + step * (i as f32 + 0.5);
    for i in 0..n.saturating_sub(1) {
        let color = if i < current || done {
            theme::NORMAL
        } else {
            theme::TRACK
        };
        p.line_segment(
            [pos2(x_of(i), y), pos2(x_of(i + 1), y)],
            Stroke::new(4.0, color),
        );
    }
    for (i, name) in stages.iter().enumerate() {
        let at = pos2(x_of(i), y);
        let (fill, ring) = match i {
            _ if done || i < current => (theme::NORMAL, theme::NORMAL),
            _ if i == current => (theme::ACCENT, theme::TEXT),
            _ => (theme::TRACK, theme::TEXT_DIM),
        };
        p.circle(at, 11.0, fill, Stroke::new(2.5, ring));
        if labels {
            let color = if i == current && !done {
                theme::ACCENT
            } else {
                theme::TEXT_DIM
            };
            let galley =
                p.layout_no_wrap((*name).to_owned(), theme::font(size::SMALL * 0.8), color);
            let scale = ((step - 6.0) / galley.size().x).min(1.0);
            let font = theme::font(size::SMALL * 0.8 * scale);
            p.text(pos2(at.x, y + 18.0), Align2::CENTER_TOP, *name, font, color);
        }
    }
}

/// The card behind row `i` of a list of `row_h`-high rows: drawn, and returned.
pub fn row_card(p: &Painter, rect: Rect, i: usize, row_h: f32, gap: f32) -> Rect {
    let r = Rect::from_min_size(
        rect.min + vec2(0.0, i as f32 * row_h),
        vec2(rect.width(), row_h - gap),
    );
    p.rect_filled(
        r,
        CornerRadius::same(4),
        theme::faded(theme::TITLE_BAR, 0.45),
    );
    r
}

/// `另有 N …` in the bottom-right corner when a list has more rows than fit.
pub fn more_rows_ui(p: &Painter, rect: Rect, rows: usize, fits: usize, unit: &str) {
    if rows > fits {
        let text = format!("另有 {} {unit}", rows - fits);
        p.text(
            rect.right_bottom(),
            Align2::RIGHT_BOTTOM,
            text,
            theme::font(size::SMALL),
            theme::TEXT_DIM,
        );
    }
}

/// Whether a flashing element is lit now (always when nothing may move).
pub fn blink_on(cx: &Ctx<'_>) -> bool {
    !cx.animations || (cx.anim_time_s * 2.0).floor() as i64 % 2 == 0
}
