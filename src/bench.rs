//! The benchmark: what a frame costs (layout + tessellation, on one thread,
//! no GPU), what decimation saves, and how much memory the process peaks at.
//!
//! Figures are medians and 99th percentiles over many frames; compare them as
//! ratios, since the machines this runs on are shared and noisy.

use std::time::Instant;

use egui::{Pos2, RawInput, Rect, vec2};
use serde::Serialize;

use crate::app::{fonts, wall};
use crate::kpi::Catalog;
use crate::layout::{Binding, Layout, Page, Panel, PanelKind, ScaleMode, SeriesRef, Wall};
use crate::model::{Sample, SeriesKey, TimestampMs};
use crate::panels::{Ctx, ViewStates};
use crate::store::{Limits, Store, Update};

/// One measured case.
#[derive(Clone, Debug, Serialize)]
pub struct BenchRow {
    pub case: String,
    pub frames: usize,
    pub median_ms: f64,
    pub p99_ms: f64,
    /// Triangles' vertices of the last frame, a proxy for GPU work.
    pub vertices: usize,
}

/// The whole report.
#[derive(Clone, Debug, Serialize)]
pub struct BenchReport {
    pub size: [u32; 2],
    pub rows: Vec<BenchRow>,
    /// Cost of the first frame after new data (re-decimating the heavy page), ms.
    pub heavy_redecimate_ms: f64,
    /// Heavy page median over the 10 000-point page median.
    pub heavy_ratio: f64,
    /// Peak resident memory of this process, MB.
    pub peak_rss_mb: f64,
}

/// Frame time percentile (0..=1) of sorted durations, ms.
fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[expect(
    clippy::too_many_arguments,
    reason = "one call per case, every input spelled out"
)]
/// Measures `frames` frames of one page at `size` pixels (one point per pixel).
pub fn measure(
    case: &str,
    layout: &Layout,
    page: usize,
    store: &Store,
    catalog: &Catalog,
    now_ms: TimestampMs,
    size: [u32; 2],
    frames: usize,
    warmup: usize,
) -> BenchRow {
    let ctx = egui::Context::default();
    fonts::install(&ctx);
    let screen = Rect::from_min_size(Pos2::ZERO, vec2(size[0] as f32, size[1] as f32));
    let zoom = wall::zoom_for(layout.wall.scale, screen.size(), layout.wall.design, 1.0);
    ctx.set_zoom_factor(zoom);
    let mut views = ViewStates::default();
    let sla = crate::sla::Policy::builtin();
    let mut times = Vec::with_capacity(frames);
    let mut vertices = 0;
    for i in 0..(frames + warmup) {
        let input = RawInput {
            screen_rect: Some(screen),
            time: Some(i as f64 / 60.0),
            ..RawInput::default()
        };
        let start = Instant::now();
        let out = ctx.run_ui(input, |ui| {
            let cx = Ctx {
                store,
                catalog,
                sla: &sla,
                layout,
                now_ms,
                anim_time_s: i as f64 / 60.0,
                animations: layout.wall.animations,
                duty: false,
            };
            let canvas = wall::canvas_rect(layout.wall.scale, ui.max_rect(), layout.wall.design);
            wall::page_ui(ui, canvas, page, &cx, &mut views);
        });
        let meshes = ctx.tessellate(out.shapes, out.pixels_per_point);
        let elapsed = start.elapsed().as_secs_f64() * 1000.0;
        if i >= warmup {
            times.push(elapsed);
        }
        vertices = meshes
            .iter()
            .map(|m| match &m.primitive {
                egui::epaint::Primitive::Mesh(mesh) => mesh.vertices.len(),
                egui::epaint::Primitive::Callback(_) => 0,
            })
            .sum();
    }
    times.sort_by(f64::total_cmp);
    BenchRow {
        case: case.to_owned(),
        frames,
        median_ms: percentile(&times, 0.5),
        p99_ms: percentile(&times, 0.99),
        vertices,
    }
}

/// A page of 12 charts × 4 series, each series `points` samples over 24 h.
pub fn heavy_case(
    inventory_hosts: &[String],
    now_ms: TimestampMs,
    points: usize,
) -> (Layout, Store) {
    let range_ms: i64 = 24 * 3_600_000;
    let mut store = Store::new(Limits {
        max_points: points.max(1),
        retention_ms: 2 * range_ms,
        ..Limits::default()
    });
    store.register_source("bench", 60.0);
    let mut panels = Vec::new();
    let kpis = [
        "host_cpu_total_pct",
        "host_mem_used_pct",
        "host_fs_used_pct",
        "host_swap_used_pct",
    ];
    for chart in 0..12 {
        let mut series = Vec::new();
        for (s, kpi) in kpis.iter().enumerate() {
            let target = inventory_hosts[(chart * 4 + s) % inventory_hosts.len().max(1)].clone();
            let step = range_ms / points.max(1) as i64;
            let samples: Vec<(SeriesKey, Sample)> = (0..points)
                .map(|i| {
                    let t = now_ms - range_ms + i as i64 * step;
                    let v = 50.0
                        + 30.0 * ((i as f64 / 977.0).sin() * (i as f64 / 89.0 + s as f64).cos());
                    (
                        SeriesKey::new(*kpi, target.clone()),
                        Sample { t_ms: t, value: v },
                    )
                })
                .collect();
            store.apply(Update::Samples {
                source: "bench".into(),
                at_ms: now_ms,
                samples,
            });
            series.push(SeriesRef {
                kpi: (*kpi).to_owned(),
                target,
                label: None,
            });
        }
        panels.push(Panel {
            id: format!("heavy/{chart}"),
            kind: PanelKind::Timeseries,
            title: format!("图表{}", chart + 1),
            at: [(chart % 4) as u32 * 6, (chart / 4) as u32 * 4, 6, 4],
            binding: Binding {
                series,
                range_min: 24 * 60,
                ..Binding::default()
            },
            line: 0,
        });
    }
    let layout = Layout {
        file: "heavy".into(),
        wall: Wall {
            title: "heavy".into(),
            subtitle: None,
            design: [3840.0, 2160.0],
            scale: ScaleMode::Fit,
            grid: [24, 12],
            gap: 16.0,
            utc_offset_h: 8,
            animations: true,
        },
        pages: vec![Page {
            name: "heavy".into(),
            dwell_s: 60.0,
            panels,
        }],
    };
    (layout, store)
}

/// Peak resident set size of this process, MB (Linux; 0 elsewhere).
pub fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Runs every case: each page of `layout` on the simulated estate, then the
/// heavy synthetic page at 10 000 and 100 000 points per series.
pub fn run(
    layout: &Layout,
    catalog: &Catalog,
    seed: u64,
    now_ms: TimestampMs,
    frames: usize,
) -> BenchReport {
    let size = [3840, 2160];
    let estate = crate::sim::Estate::new(seed);
    let store = crate::render::sim_store(&estate, now_ms);
    let mut rows = Vec::new();
    for (i, page) in layout.pages.iter().enumerate() {
        rows.push(measure(
            &format!("page {i} {}", page.name),
            layout,
            i,
            &store,
            catalog,
            now_ms,
            size,
            frames,
            5,
        ));
    }
    let hosts: Vec<String> = estate
        .inventory()
        .targets
        .iter()
        .filter(|t| t.kind == crate::model::TargetKind::Host)
        .map(|t| t.id.clone())
        .collect();
    let (light_layout, light_store) = heavy_case(&hosts, now_ms, 10_000);
    let light = measure(
        "12 charts x 4 series x 10k",
        &light_layout,
        0,
        &light_store,
        catalog,
        now_ms,
        size,
        frames,
        5,
    );
    drop(light_store);
    let (heavy_layout, heavy_store) = heavy_case(&hosts, now_ms, 100_000);
    let heavy = measure(
        "12 charts x 4 series x 100k",
        &heavy_layout,
        0,
        &heavy_store,
        catalog,
        now_ms,
        size,
        frames,
        5,
    );
    // One cold frame: the cost of decimating 4.8 M points when data arrives.
    let cold = measure(
        "heavy, first frame after data",
        &heavy_layout,
        0,
        &heavy_store,
        catalog,
        now_ms,
        size,
        1,
        0,
    );
    let heavy_ratio = heavy.median_ms / light.median_ms.max(1e-9);
    rows.push(light);
    rows.push(heavy);
    BenchReport {
        size,
        rows,
        heavy_redecimate_ms: cold.median_ms,
        heavy_ratio,
        peak_rss_mb: peak_rss_mb(),
    }
}
