//! The one shared harness for snapshot and render tests: a fixed instant, a
//! fixed seed, the simulated estate's store, and layouts from TOML text.

#![allow(dead_code, reason = "each test binary uses part of the shared helpers")]
#![expect(clippy::unwrap_used, reason = "a test helper fails loudly")]

use egui_kittest::Harness;

use opswall::kpi::Catalog;
use opswall::layout::{self, Known, Layout};
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
    pub sla: opswall::sla::Policy,
    pub estate: Estate,
    pub store: Store,
}

pub fn fixture() -> Fixture {
    let catalog = Catalog::builtin();
    let estate = Estate::new(SEED);
    let store = opswall::render::sim_store(&estate, at_ms());
    Fixture {
        catalog,
        sla: opswall::sla::Policy::builtin(),
        estate,
        store,
    }
}

impl Fixture {
    pub fn layout(&self, text: &str) -> Layout {
        let known = Known {
            catalog: &self.catalog,
            inventory: Some(self.estate.inventory()),
        };
        layout::parse(text, "test.toml", &known).unwrap_or_else(|e| panic!("{e:?}"))
    }

    /// A harness drawing page 0 of `layout` at `size_px`.
    pub fn harness<'a>(&'a self, layout: &'a Layout, size_px: [u32; 2]) -> Harness<'a> {
        opswall::render::harness(
            layout,
            0,
            &self.store,
            &self.catalog,
            &self.sla,
            at_ms(),
            size_px,
        )
    }
}

/// A one-panel layout on a 960×540 canvas, the panel filling it.
pub fn single_panel(panel_toml: &str) -> String {
    format!(
        "[wall]\ntitle = \"测试\"\ndesign = [960, 540]\ngrid = [1, 1]\ngap = 8\n\n[[page]]\nname = \"p\"\n\n[[page.panel]]\nat = [0, 0, 1, 1]\n{panel_toml}\n"
    )
}

/// A small Tokio runtime for tests that talk HTTP.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}
