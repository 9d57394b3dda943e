//! The one shared harness for snapshot and render tests: a fixed instant, a
//! fixed seed, the simulated estate's store, and layouts from TOML text.

#![allow(dead_code, reason = "each test binary uses part of the shared helpers")]
#![expect(clippy::unwrap_used, reason = "a test helper fails loudly")]

use egui::vec2;
use egui_kittest::Harness;

use opswall::app::{fonts, wall};
use opswall::kpi::Catalog;
use opswall::layout::{self, Known, Layout};
use opswall::panels::{Ctx, ViewStates};
use opswall::sim::Estate;
use opswall::store::Store;

/// 2026-12-10 10:30 Beijing: a weekday morning in the filing period.
pub const AT: &str = "2026-12-10 10:30";
pub const SEED: u64 = 1;

pub fn at_ms() -> i64 {
    opswall::parse_time(AT).unwrap()
}

pub struct Fixture {
    pub catalog: Catalog,
    pub estate: Estate,
    pub store: Store,
}

pub fn fixture() -> Fixture {
    let catalog = Catalog::builtin();
    let estate = Estate::new(SEED);
    let store = opswall::render::sim_store(&estate, at_ms());
    Fixture {
        catalog,
        estate,
        store,
    }
}

impl Fixture {
    pub fn layout(&self, text: &str) -> Layout {
        let known = Known {
            catalog: &self.catalog,
            inventory: self.estate.inventory(),
        };
        layout::parse(text, "test.toml", &known).unwrap_or_else(|e| panic!("{e:?}"))
    }

    /// A harness drawing page 0 of `layout` at `size_px`, one design pixel per `1/ppp` pixels.
    pub fn harness<'a>(&'a self, layout: &'a Layout, size_px: [f32; 2]) -> Harness<'a> {
        let ppp = wall::zoom_for(
            layout.wall.scale,
            vec2(size_px[0], size_px[1]),
            layout.wall.design,
            1.0,
        );
        let mut views = ViewStates::default();
        let store = &self.store;
        let catalog = &self.catalog;
        let now_ms = at_ms();
        let mut harness = Harness::builder()
            .with_size(vec2(size_px[0], size_px[1]) / ppp)
            .with_pixels_per_point(ppp)
            .with_context_setup(fonts::install)
            .build_ui(move |ui| {
                let cx = Ctx {
                    store,
                    catalog,
                    layout,
                    now_ms,
                    anim_time_s: 0.0,
                    animations: false,
                };
                let canvas =
                    wall::canvas_rect(layout.wall.scale, ui.max_rect(), layout.wall.design);
                wall::page_ui(ui, canvas, 0, &cx, &mut views);
            });
        harness.run_steps(2);
        harness
    }
}

/// A one-panel layout on a 960×540 canvas, the panel filling it.
pub fn single_panel(panel_toml: &str) -> String {
    format!(
        "[wall]\ntitle = \"测试\"\ndesign = [960, 540]\ngrid = [1, 1]\ngap = 8\n\n[[page]]\nname = \"p\"\n\n[[page.panel]]\nat = [0, 0, 1, 1]\n{panel_toml}\n"
    )
}
