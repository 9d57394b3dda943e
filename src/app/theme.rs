//! The wall's look: the only place colours and text sizes are defined.
//!
//! Dark navy with cyan and amber accents, as the bureau's staff know from
//! their 大屏 screens, tuned to be read from across a room: big numbers, few
//! colours that each mean one thing, severity colours that stay consistent on
//! every panel.
#![expect(
    clippy::disallowed_methods,
    reason = "the theme is where colours are defined"
)]

use egui::{Color32, FontFamily, FontId, Visuals};

use crate::model::Severity;

pub const BACKGROUND: Color32 = Color32::from_rgb(4, 12, 30);
pub const PANEL_FILL: Color32 = Color32::from_rgb(9, 24, 50);
pub const PANEL_FILL_DEEP: Color32 = Color32::from_rgb(6, 17, 38);
pub const PANEL_BORDER: Color32 = Color32::from_rgb(28, 74, 122);
pub const TITLE_BAR: Color32 = Color32::from_rgb(13, 40, 80);
pub const ACCENT: Color32 = Color32::from_rgb(0, 212, 255);
pub const ACCENT_DIM: Color32 = Color32::from_rgb(0, 110, 150);
pub const AMBER: Color32 = Color32::from_rgb(255, 183, 40);
pub const TEXT: Color32 = Color32::from_rgb(220, 232, 255);
pub const TEXT_DIM: Color32 = Color32::from_rgb(128, 156, 196);
pub const GRID_LINE: Color32 = Color32::from_rgb(24, 48, 82);
pub const STALE: Color32 = Color32::from_rgb(170, 120, 255);
pub const TRACK: Color32 = Color32::from_rgb(20, 40, 70);

pub const NORMAL: Color32 = Color32::from_rgb(46, 229, 157);
pub const WARNING: Color32 = Color32::from_rgb(255, 176, 32);
pub const CRITICAL: Color32 = Color32::from_rgb(255, 77, 79);
pub const UNKNOWN: Color32 = Color32::from_rgb(122, 134, 153);

/// Colours for the lines of a chart, in order.
pub const SERIES: [Color32; 8] = [
    Color32::from_rgb(0, 212, 255),
    Color32::from_rgb(255, 183, 40),
    Color32::from_rgb(46, 229, 157),
    Color32::from_rgb(186, 120, 255),
    Color32::from_rgb(255, 110, 160),
    Color32::from_rgb(90, 150, 255),
    Color32::from_rgb(240, 240, 120),
    Color32::from_rgb(120, 230, 230),
];

/// The colour of a severity.
pub fn severity(s: Severity) -> Color32 {
    match s {
        Severity::Normal => NORMAL,
        Severity::Warning => WARNING,
        Severity::Critical => CRITICAL,
        Severity::Unknown => UNKNOWN,
    }
}

/// The colour of a big value: accent when normal, purple when stale, else its severity.
pub fn value(s: Severity, stale: bool) -> Color32 {
    match s {
        _ if stale => STALE,
        Severity::Normal => ACCENT,
        s => severity(s),
    }
}

/// A colour at a fraction of its opacity.
pub fn faded(c: Color32, alpha: f32) -> Color32 {
    c.gamma_multiply(alpha)
}

/// Text sizes, in design pixels of a 3840×2160 canvas.
pub mod size {
    pub const WALL_TITLE: f32 = 64.0;
    pub const PANEL_TITLE: f32 = 32.0;
    pub const BODY: f32 = 28.0;
    pub const SMALL: f32 = 24.0;
    pub const BIG_NUMBER: f32 = 104.0;
    pub const UNIT: f32 = 36.0;
}

/// Regular text of a size.
pub fn font(size: f32) -> FontId {
    FontId::new(size, FontFamily::Proportional)
}

/// Bold text of a size (big numbers, titles).
pub fn bold(size: f32) -> FontId {
    FontId::new(size, FontFamily::Name(BOLD_FAMILY.into()))
}

/// Name of the bold font family.
pub const BOLD_FAMILY: &str = "bold";

/// egui visuals for the wall.
pub fn visuals() -> Visuals {
    let mut v = Visuals::dark();
    v.panel_fill = BACKGROUND;
    v.window_fill = PANEL_FILL;
    v.extreme_bg_color = PANEL_FILL_DEEP;
    v.override_text_color = Some(TEXT);
    v.widgets.noninteractive.bg_stroke.color = PANEL_BORDER;
    v.widgets.noninteractive.fg_stroke.color = TEXT_DIM;
    v.selection.bg_fill = ACCENT_DIM;
    v
}

/// The stroke colour of chart grids and axes.
pub fn grid_color() -> Color32 {
    GRID_LINE
}
