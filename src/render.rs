//! Headless rendering: a page drawn with the same panel code as the window,
//! to a PNG, plus JSON saying what every panel shows. Same inputs, same output.

use std::path::Path;

use anyhow::{Context as _, Result, anyhow};
use egui::vec2;
use egui_kittest::Harness;
use serde::Serialize;

use crate::app::{fonts, wall};
use crate::kpi::Catalog;
use crate::layout::Layout;
use crate::model::TimestampMs;
use crate::panels::{self, Ctx, PanelState, ViewStates};
use crate::sim::Estate;
use crate::sla::Policy;
use crate::store::{Limits, Store};

/// Simulated history loaded before a render, hours.
pub const HISTORY_H: i64 = 3;
/// Step of that history, ms.
pub const HISTORY_STEP_MS: i64 = 60_000;

/// A store holding what a live simulated wall would hold at `at_ms`.
pub fn sim_store(estate: &Estate, at_ms: TimestampMs) -> Store {
    let mut store = Store::new(Limits::default());
    store.register_source(crate::sim::SOURCE_NAME, HISTORY_STEP_MS as f64 / 1000.0);
    for update in estate.history(at_ms - HISTORY_H * 3_600_000, at_ms, HISTORY_STEP_MS) {
        store.apply(update);
    }
    store
}

/// The render JSON.
#[derive(Serialize)]
pub struct RenderState<'a> {
    pub layout: &'a str,
    pub page: usize,
    pub page_name: &'a str,
    pub at: String,
    pub size: [u32; 2],
    pub panels: Vec<PanelState<'a>>,
}

/// Describes every panel of a page.
pub fn describe<'a>(
    layout: &'a Layout,
    page: usize,
    cx: &Ctx<'_>,
    at: String,
    size: [u32; 2],
) -> Result<RenderState<'a>> {
    let p = layout.pages.get(page).ok_or_else(|| {
        anyhow!(
            "page {page} does not exist (the layout has {})",
            layout.pages.len()
        )
    })?;
    Ok(RenderState {
        layout: &layout.file,
        page,
        page_name: &p.name,
        at,
        size,
        panels: p
            .panels
            .iter()
            .map(|panel| panels::state(panel, cx))
            .collect(),
    })
}

/// A kittest harness drawing page `page` still at `now_ms`, `size_px` pixels.
/// The one place a page is drawn headless: `render` and the tests share it.
pub fn harness<'a>(
    layout: &'a Layout,
    page: usize,
    store: &'a Store,
    catalog: &'a Catalog,
    sla: &'a Policy,
    now_ms: TimestampMs,
    size_px: [u32; 2],
) -> Harness<'a> {
    let design = layout.wall.design;
    let window = vec2(size_px[0] as f32, size_px[1] as f32);
    // One design pixel is one point; pixels per point makes the canvas fill the image.
    let ppp = wall::zoom_for(layout.wall.scale, window, design, 1.0);
    let mut views = ViewStates::default();
    let mut harness = Harness::builder()
        .with_size(window / ppp)
        .with_pixels_per_point(ppp)
        .with_context_setup(fonts::install)
        .build_ui(move |ui| {
            let cx = Ctx::at_rest(store, catalog, sla, layout, now_ms);
            let canvas = wall::canvas_rect(layout.wall.scale, ui.max_rect(), design);
            wall::page_ui(ui, canvas, page, &cx, &mut views);
        });
    harness.run_steps(2);
    harness
}

/// Draws a page to an RGBA image of `size_px` pixels.
pub fn render_page(
    layout: &Layout,
    page: usize,
    store: &Store,
    catalog: &Catalog,
    sla: &Policy,
    now_ms: TimestampMs,
    size_px: [u32; 2],
) -> Result<image::RgbaImage> {
    if page >= layout.pages.len() {
        return Err(anyhow!(
            "page {page} does not exist (the layout has {})",
            layout.pages.len()
        ));
    }
    harness(layout, page, store, catalog, sla, now_ms, size_px)
        .render()
        .map_err(|e| anyhow!("headless rendering failed: {e}"))
}

/// Writes a PNG.
pub fn save_png(image: &image::RgbaImage, path: &Path) -> Result<()> {
    image
        .save(path)
        .with_context(|| format!("cannot write {}", path.display()))
}
