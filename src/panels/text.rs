//! Text: a note on the wall (duty phone numbers, a notice), wrapped to fit.

use egui::{Rect, Ui};
use serde::Serialize;

use crate::app::theme::{self, size};
use crate::layout::Panel;

#[derive(Clone, Debug, Serialize)]
pub struct TextModel {
    pub text: String,
}

pub fn model(panel: &Panel) -> TextModel {
    TextModel {
        text: panel.binding.text.clone().unwrap_or_default(),
    }
}

pub fn ui(ui: &mut Ui, rect: Rect, m: &TextModel) {
    let galley = ui.painter().layout(
        m.text.clone(),
        theme::font(size::BODY),
        theme::TEXT,
        rect.width(),
    );
    ui.painter().galley(rect.min, galley, theme::TEXT);
}
