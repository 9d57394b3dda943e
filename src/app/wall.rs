//! Laying out a page on the design canvas and drawing it: shared by the
//! window, `render` and `bench`, so all three draw exactly the same thing.
//!
//! The canvas is laid out again at the window's real size: a zoom factor
//! makes one design pixel one point, so text is rasterised at its final
//! size and stays crisp (no bitmap scaling).

use egui::{Align2, CornerRadius, Pos2, Rect, Ui, Vec2, pos2, vec2};

use super::theme::{self, size};
use crate::layout::{Layout, LayoutError, Panel, ScaleMode};
use crate::panels::{self, Command, Ctx, ViewStates};

/// Zoom factor that maps the design canvas onto a window of `window_px`
/// physical pixels, given the display's native pixels per point.
pub fn zoom_for(mode: ScaleMode, window_px: Vec2, design: [f32; 2], native_ppp: f32) -> f32 {
    let sx = window_px.x / design[0];
    let sy = window_px.y / design[1];
    let scale = match mode {
        ScaleMode::Fit | ScaleMode::Stretch => sx.min(sy),
        ScaleMode::Fill => sx.max(sy),
    };
    (scale / native_ppp.max(0.01)).max(0.05)
}

/// Where the canvas goes inside the available rect (in points after zoom).
pub fn canvas_rect(mode: ScaleMode, available: Rect, design: [f32; 2]) -> Rect {
    match mode {
        ScaleMode::Stretch => available,
        ScaleMode::Fit | ScaleMode::Fill => {
            Rect::from_center_size(available.center(), vec2(design[0], design[1]))
        }
    }
}

/// The rect of a panel on the canvas.
pub fn panel_rect(canvas: Rect, layout: &Layout, panel: &Panel) -> Rect {
    let [cols, rows] = layout.wall.grid;
    let cell = vec2(canvas.width() / cols as f32, canvas.height() / rows as f32);
    let [c, r, w, h] = panel.at;
    let half_gap = layout.wall.gap / 2.0;
    Rect::from_min_size(
        canvas.min + vec2(c as f32 * cell.x, r as f32 * cell.y),
        vec2(w as f32 * cell.x, h as f32 * cell.y),
    )
    .shrink(half_gap)
}

/// Draws page `page` of the layout on the canvas.
pub fn page_ui(
    ui: &mut Ui,
    canvas: Rect,
    page: usize,
    cx: &Ctx<'_>,
    views: &mut ViewStates,
) -> Vec<Command> {
    let layout = cx.layout;
    let Some(page) = layout.pages.get(page) else {
        return Vec::new();
    };
    ui.painter()
        .rect_filled(ui.max_rect(), CornerRadius::ZERO, theme::BACKGROUND);
    background_ui(ui, canvas);
    let mut commands = Vec::new();
    for panel in &page.panels {
        let rect = panel_rect(canvas, layout, panel);
        commands.extend(panels::panel_ui(
            ui,
            rect,
            panel,
            cx,
            views.get_mut(&panel.id),
        ));
    }
    commands
}

/// A faint grid on the canvas, as wall backgrounds have.
fn background_ui(ui: &Ui, canvas: Rect) {
    let p = ui.painter();
    p.rect_filled(canvas, CornerRadius::ZERO, theme::BACKGROUND);
    let step = 120.0;
    let stroke = egui::Stroke::new(1.0, theme::faded(theme::GRID_LINE, 0.35));
    let mut x = canvas.min.x;
    while x < canvas.max.x {
        p.line_segment([pos2(x, canvas.min.y), pos2(x, canvas.max.y)], stroke);
        x += step;
    }
    let mut y = canvas.min.y;
    while y < canvas.max.y {
        p.line_segment([pos2(canvas.min.x, y), pos2(canvas.max.x, y)], stroke);
        y += step;
    }
}

/// Page dots and the page name at the bottom of the canvas.
pub fn pager_ui(ui: &Ui, canvas: Rect, layout: &Layout, current: usize, paused: bool) {
    let p = ui.painter();
    let n = layout.pages.len();
    let y = canvas.max.y - 14.0;
    let x0 = canvas.center().x - (n as f32 - 1.0) * 18.0;
    for i in 0..n {
        let color = if i == current {
            theme::ACCENT
        } else {
            theme::faded(theme::TEXT_DIM, 0.6)
        };
        p.circle_filled(pos2(x0 + i as f32 * 36.0, y), 7.0, color);
    }
    if paused {
        let text = format!(
            "‖ 已暂停 · {}",
            layout.pages.get(current).map_or("", |pg| pg.name.as_str())
        );
        p.text(
            pos2(x0 + n as f32 * 36.0 + 10.0, y),
            Align2::LEFT_CENTER,
            text,
            theme::font(size::SMALL),
            theme::AMBER,
        );
    }
}

/// The banner shown while a layout file is broken: the old layout keeps running.
pub fn layout_errors_ui(ui: &Ui, canvas: Rect, errors: &[LayoutError]) {
    if errors.is_empty() {
        return;
    }
    let p = ui.painter();
    let shown: Vec<String> = errors.iter().take(6).map(ToString::to_string).collect();
    let more = errors.len().saturating_sub(shown.len());
    let mut text = format!(
        "布局文件有误，继续显示上次正确的布局：\n{}",
        shown.join("\n")
    );
    if more > 0 {
        text.push_str("\n……另有");
        text.push_str(&more.to_string());
        text.push_str("处错误");
    }
    let galley = p.layout(
        text,
        theme::font(size::BODY),
        theme::BACKGROUND,
        canvas.width() * 0.7,
    );
    let rect = Rect::from_min_size(
        pos2(
            canvas.center().x - galley.size().x / 2.0 - 24.0,
            canvas.min.y + 150.0,
        ),
        galley.size() + vec2(48.0, 32.0),
    );
    p.rect_filled(rect, CornerRadius::same(8), theme::AMBER);
    p.galley(rect.min + vec2(24.0, 16.0), galley, theme::BACKGROUND);
}

/// A short message for the duty officer at the bottom of the canvas.
pub fn notice_ui(ui: &Ui, canvas: Rect, text: &str) {
    let p = ui.painter();
    let galley = p.layout_no_wrap(text.to_owned(), theme::font(size::BODY), theme::BACKGROUND);
    let rect = Rect::from_center_size(
        pos2(canvas.center().x, canvas.max.y - 130.0),
        galley.size() + vec2(48.0, 24.0),
    );
    p.rect_filled(rect, CornerRadius::same(8), theme::ACCENT);
    p.galley(rect.min + vec2(24.0, 12.0), galley, theme::BACKGROUND);
}

/// The banners at the foot of the wall: red while a data source is down,
/// amber while one answers only in part (some queries failing, a missing
/// watchdog alert), each saying which and why.
pub fn sources_down_ui(ui: &Ui, canvas: Rect, cx: &Ctx<'_>) {
    let down: Vec<String> = cx
        .store
        .sources()
        .filter(|s| s.error.is_some() && s.is_stale(cx.now_ms))
        .map(|s| format!("{}：{}", s.name, s.error.as_deref().unwrap_or("")))
        .collect();
    let partial: Vec<String> = cx
        .store
        .sources()
        .filter(|s| s.error.is_none() || !s.is_stale(cx.now_ms))
        .filter_map(|s| Some(format!("{}：{}", s.name, s.warning.as_deref()?)))
        .collect();
    let mut y = canvas.max.y - 60.0;
    if !down.is_empty() {
        let text = format!("数据源中断，面板显示最后一次数据：{}", down.join("；"));
        banner(ui, pos2(canvas.center().x, y), text, theme::CRITICAL);
        y -= 56.0;
    }
    if !partial.is_empty() {
        let text = format!("数据不全：{}", partial.join("；"));
        banner(ui, pos2(canvas.center().x, y), text, theme::AMBER);
    }
}

fn banner(ui: &Ui, center: Pos2, text: String, color: egui::Color32) {
    let p = ui.painter();
    let galley = p.layout_no_wrap(text, theme::font(size::BODY), theme::TEXT);
    let rect = Rect::from_center_size(center, galley.size() + vec2(48.0, 20.0));
    p.rect_filled(rect, CornerRadius::same(8), theme::faded(color, 0.9));
    p.galley(rect.min + vec2(24.0, 10.0), galley, theme::TEXT);
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::Pos2;

    const DESIGN: [f32; 2] = [3840.0, 2160.0];

    #[test]
    fn fit_fill_and_stretch_scale_the_design_canvas() {
        // A 1080p screen shows the 4K design at half scale in every mode.
        for mode in [ScaleMode::Fit, ScaleMode::Fill, ScaleMode::Stretch] {
            assert_eq!(zoom_for(mode, vec2(1920.0, 1080.0), DESIGN, 1.0), 0.5);
        }
        // 16:10: fit letterboxes (width decides), fill crops (height decides).
        assert_eq!(
            zoom_for(ScaleMode::Fit, vec2(1920.0, 1200.0), DESIGN, 1.0),
            0.5
        );
        let fill = zoom_for(ScaleMode::Fill, vec2(1920.0, 1200.0), DESIGN, 1.0);
        assert!((fill - 1200.0 / 2160.0).abs() < 1e-6);
        // A HiDPI display's own scale is divided out.
        assert_eq!(
            zoom_for(ScaleMode::Fit, vec2(3840.0, 2160.0), DESIGN, 2.0),
            0.5
        );
    }

    #[test]
    fn canvas_is_centred_for_fit_and_fill_and_fills_for_stretch() {
        let avail = Rect::from_min_size(Pos2::ZERO, vec2(3840.0, 2400.0));
        let fit = canvas_rect(ScaleMode::Fit, avail, DESIGN);
        assert_eq!(fit.size(), vec2(3840.0, 2160.0));
        assert_eq!(fit.min.y, 120.0);
        assert_eq!(canvas_rect(ScaleMode::Stretch, avail, DESIGN), avail);
    }
}
