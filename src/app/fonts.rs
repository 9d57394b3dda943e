//! The bundled Chinese font, installed in place of egui's defaults so every
//! wall renders the same glyphs, with no system fonts and no network.

use std::sync::Arc;

use egui::{FontData, FontDefinitions, FontFamily};

use super::theme::BOLD_FAMILY;

static REGULAR: &[u8] = include_bytes!("../../fonts/NotoSansSC-Regular-subset.otf");
static BOLD: &[u8] = include_bytes!("../../fonts/NotoSansSC-Bold-subset.otf");

/// Font definitions with Noto Sans SC first in every family.
pub fn definitions() -> FontDefinitions {
    let mut defs = FontDefinitions::empty();
    defs.font_data
        .insert("sc".into(), Arc::new(FontData::from_static(REGULAR)));
    defs.font_data
        .insert("sc_bold".into(), Arc::new(FontData::from_static(BOLD)));
    defs.families
        .insert(FontFamily::Proportional, vec!["sc".into()]);
    defs.families
        .insert(FontFamily::Monospace, vec!["sc".into()]);
    defs.families.insert(
        FontFamily::Name(BOLD_FAMILY.into()),
        vec!["sc_bold".into(), "sc".into()],
    );
    defs
}

/// Installs the wall's fonts and visuals on a context.
pub fn install(ctx: &egui::Context) {
    ctx.set_fonts(definitions());
    ctx.set_visuals(super::theme::visuals());
}
