//! Image: a picture shipped in `assets/` (the bureau's emblem), fitted into
//! the panel with its aspect ratio kept.

use egui::{Rect, TextureHandle, TextureOptions, Ui};
use serde::Serialize;

use crate::layout::Panel;

#[derive(Clone, Debug, Serialize)]
pub struct ImageModel {
    pub image: String,
}

pub fn model(panel: &Panel) -> ImageModel {
    ImageModel {
        image: panel.binding.image.clone().unwrap_or_default(),
    }
}

/// The texture of a shipped image, decoded once per context.
fn texture(ctx: &egui::Context, name: &str) -> Option<TextureHandle> {
    let id = egui::Id::unique(("asset-image", name));
    if let Some(t) = ctx.data(|d| d.get_temp::<TextureHandle>(id)) {
        return Some(t);
    }
    let bytes = crate::assets::image(name)?;
    let rgba = image::load_from_memory(bytes).ok()?.to_rgba8();
    let size = [rgba.width() as usize, rgba.height() as usize];
    let color = egui::ColorImage::from_rgba_unmultiplied(size, rgba.as_raw());
    let handle = ctx.load_texture(name, color, TextureOptions::LINEAR);
    ctx.data_mut(|d| d.insert_temp(id, handle.clone()));
    Some(handle)
}

pub fn ui(ui: &mut Ui, rect: Rect, m: &ImageModel) {
    let Some(tex) = texture(ui.ctx(), &m.image) else {
        return;
    };
    let size = tex.size_vec2();
    let scale = (rect.width() / size.x).min(rect.height() / size.y);
    let shown = Rect::from_center_size(rect.center(), size * scale);
    let uv = Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0));
    ui.painter()
        .image(tex.id(), shown, uv, egui::Color32::WHITE);
}
