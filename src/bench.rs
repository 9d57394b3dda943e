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
    /// A large Prometheus answer: decode speed, frames while it is fetched.
    pub source: SourceReport,
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
    let (mut times, vertices) =
        measure_times(layout, page, store, catalog, now_ms, size, frames, warmup);
    times.sort_by(f64::total_cmp);
    BenchRow {
        case: case.to_owned(),
        frames,
        median_ms: percentile(&times, 0.5),
        p99_ms: percentile(&times, 0.99),
        vertices,
    }
}

#[expect(
    clippy::too_many_arguments,
    reason = "one call per case, every input spelled out"
)]
/// The times of `frames` frames in drawing order, ms, and the last frame's vertices.
fn measure_times(
    layout: &Layout,
    page: usize,
    store: &Store,
    catalog: &Catalog,
    now_ms: TimestampMs,
    size: [u32; 2],
    frames: usize,
    warmup: usize,
) -> (Vec<f64>, usize) {
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
    (times, vertices)
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
) -> anyhow::Result<BenchReport> {
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
    let source = source_case(layout, &store, catalog, now_ms, frames)?;
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
    Ok(BenchReport {
        size,
        rows,
        heavy_redecimate_ms: cold.median_ms,
        heavy_ratio,
        source,
        peak_rss_mb: peak_rss_mb(),
    })
}

/// What a large Prometheus answer costs, and what it costs the frames drawn
/// while it is being fetched and decoded.
#[derive(Clone, Debug, Serialize)]
pub struct SourceReport {
    /// Size of one `query_range` body, MB (10⁶ bytes).
    pub body_mb: f64,
    pub series: usize,
    pub points: usize,
    /// Median time to decode the body into labelled points, ms.
    pub decode_median_ms: f64,
    /// Body size over that median.
    pub decode_mb_per_s: f64,
    /// Frame median with no fetch running, ms.
    pub idle_frame_median_ms: f64,
    /// Frame median while the `prometheus` source fetches and decodes the
    /// body over and over (the range query and the instant query), ms.
    pub busy_frame_median_ms: f64,
    /// Busy over idle.
    pub busy_ratio: f64,
    /// Fetches (two bodies each) completed while the busy frames were drawn.
    pub fetches_during_frames: usize,
    /// Median of one fetch, ms.
    pub fetch_median_ms: f64,
    /// Applying one fetch's updates to the store (the UI thread does this
    /// once per history read), ms in all.
    pub apply_ms: f64,
    /// The frames that takes at the wall's per-frame sample budget, and the
    /// longest of them, ms.
    pub apply_frames: usize,
    pub apply_frame_max_ms: f64,
}

/// A `query_range` answer of about `target_bytes`: `series` host series of
/// CPU use, points 15 s apart, values written as Prometheus writes them.
pub fn query_range_body(target_bytes: usize, start_ms: TimestampMs) -> (Vec<u8>, usize, usize) {
    use std::fmt::Write as _;
    let series = 120;
    let mut body = String::with_capacity(target_bytes + 4096);
    body.push_str(r#"{"status":"success","data":{"resultType":"matrix","result":["#);
    let per_series = target_bytes / series;
    let mut points = 0;
    for s in 0..series {
        if s > 0 {
            body.push(',');
        }
        let _ = write!(
            body,
            r#"{{"metric":{{"__name__":"instance:node_cpu_utilisation:percent","instance":"bench-host{s:03}","job":"node","system":"hx"}},"values":["#
        );
        let begin = body.len();
        let mut i = 0u64;
        while body.len() - begin < per_series {
            if i > 0 {
                body.push(',');
            }
            let t = start_ms / 1000 + i as i64 * 15;
            // A wandering value with every digit Prometheus would print.
            let v = 40.0 + 30.0 * ((i as f64 / 37.0 + s as f64).sin()) + (i % 7) as f64 / 3.0;
            let _ = write!(body, r#"[{t},"{v}"]"#);
            i += 1;
            points += 1;
        }
        body.push_str("]}");
    }
    body.push_str("]}}");
    (body.into_bytes(), series, points)
}

/// Measures decoding a 10 MB `query_range` body, then frames of page 0 of
/// `layout` idle and while a real `prometheus` source fetches that body from
/// a server on 127.0.0.1 over and over, in alternating rounds.
pub fn source_case(
    layout: &Layout,
    store: &Store,
    catalog: &Catalog,
    now_ms: TimestampMs,
    frames: usize,
) -> anyhow::Result<SourceReport> {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    use crate::sources::prometheus::{Prometheus, decode_result};
    use crate::sources::scheduler::Fetcher as _;

    let (body, series, points) = query_range_body(10_000_000, now_ms - 3 * 3_600_000);
    let body_mb = body.len() as f64 / 1e6;
    let mut decode_ms = Vec::new();
    for _ in 0..15 {
        let start = Instant::now();
        let decoded = decode_result(&body).map_err(|e| anyhow::anyhow!("{e}"))?;
        decode_ms.push(start.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(decoded.len(), series);
    }
    decode_ms.sort_by(f64::total_cmp);
    let decode_median_ms = percentile(&decode_ms, 0.5);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let body = Arc::new(body);
    let served = body.clone();
    let app = axum::Router::new().fallback(move || {
        let b = served.clone();
        async move { b.as_ref().clone() }
    });
    let addr = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        tokio::spawn(async move { axum::serve(listener, app).await });
        anyhow::Ok(addr)
    })?;
    let text = format!(
        "[[source]]\nname = \"bench\"\nkind = \"prometheus\"\nurl = \"http://{addr}\"\ntimeout_s = 60\nbackfill_h = 3\n\
         [[source.kpi]]\nid = \"host_cpu_total_pct\"\nquery = 'instance:node_cpu_utilisation:percent'\ntarget = \"{{instance}}\"\n"
    );
    let spec =
        crate::sources::config::parse(&text, "bench.toml", std::path::Path::new("."), catalog)
            .map_err(|e| anyhow::anyhow!("{}", e.join("; ")))?
            .sources
            .remove(0);
    let need = crate::layout::HistoryNeed {
        range_ms: 3 * 3_600_000,
        width_px: 1_600,
    };
    let fetch_once = {
        let spec = spec.clone();
        move || {
            let spec = spec.clone();
            async move {
                let clock: crate::sources::prometheus::Clock = Arc::new(move || now_ms);
                let mut source = Prometheus::with(&spec, need, &|_| None, clock)?;
                source.fetch().await
            }
        }
    };
    // One fetch first: it must work, and its updates tell the apply cost.
    let updates = runtime
        .block_on(fetch_once())
        .map_err(|e| anyhow::anyhow!("the bench fetch failed: {e}"))?;
    // Applied as the wall does: updates until the frame's sample budget is spent.
    let mut scratch = Store::new(Limits::default());
    scratch.register_source("bench", 15.0);
    let (mut apply_ms, mut apply_frame_max_ms, mut apply_frames) = (0.0, 0.0f64, 0);
    let mut updates = updates.into_iter().peekable();
    while updates.peek().is_some() {
        let start = Instant::now();
        let mut samples = 0;
        while samples < crate::app::MAX_SAMPLES_PER_FRAME {
            let Some(u) = updates.next() else { break };
            samples += u.sample_count();
            scratch.apply(u);
        }
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        apply_ms += ms;
        apply_frame_max_ms = apply_frame_max_ms.max(ms);
        apply_frames += 1;
    }
    drop(scratch);

    let busy = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicUsize::new(0));
    let fetch_ms = Arc::new(std::sync::Mutex::new(Vec::new()));
    {
        let (busy, done, fetch_ms) = (busy.clone(), done.clone(), fetch_ms.clone());
        runtime.spawn(async move {
            loop {
                if !busy.load(Ordering::Relaxed) {
                    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                    continue;
                }
                let start = Instant::now();
                if fetch_once().await.is_ok() {
                    done.fetch_add(1, Ordering::Relaxed);
                    if let Ok(mut v) = fetch_ms.lock() {
                        v.push(start.elapsed().as_secs_f64() * 1000.0);
                    }
                }
            }
        });
    }
    // Alternating rounds, so drift on a shared machine hits both alike; each
    // round lasts a second at least, several fetches long.
    let rounds = 6;
    let per_round = (frames / rounds).max(20);
    let round = std::time::Duration::from_secs(1);
    let (mut idle, mut loaded) = (Vec::new(), Vec::new());
    let mut fetches = 0;
    for _ in 0..rounds {
        busy.store(false, Ordering::Relaxed);
        std::thread::sleep(std::time::Duration::from_millis(300));
        idle.extend(frame_times(
            layout, 0, store, catalog, now_ms, per_round, round,
        ));
        busy.store(true, Ordering::Relaxed);
        // Let the first fetch get to decoding.
        std::thread::sleep(std::time::Duration::from_millis(100));
        let before = done.load(Ordering::Relaxed);
        loaded.extend(frame_times(
            layout, 0, store, catalog, now_ms, per_round, round,
        ));
        fetches += done.load(Ordering::Relaxed) - before;
    }
    busy.store(false, Ordering::Relaxed);
    idle.sort_by(f64::total_cmp);
    loaded.sort_by(f64::total_cmp);
    let mut fetch_ms = fetch_ms.lock().map(|v| v.clone()).unwrap_or_default();
    fetch_ms.sort_by(f64::total_cmp);
    runtime.shutdown_background();
    let idle_frame_median_ms = percentile(&idle, 0.5);
    let busy_frame_median_ms = percentile(&loaded, 0.5);
    Ok(SourceReport {
        body_mb,
        series,
        points,
        decode_median_ms,
        decode_mb_per_s: body_mb / (decode_median_ms / 1000.0).max(1e-9),
        idle_frame_median_ms,
        busy_frame_median_ms,
        busy_ratio: busy_frame_median_ms / idle_frame_median_ms.max(1e-9),
        fetches_during_frames: fetches,
        fetch_median_ms: percentile(&fetch_ms, 0.5),
        apply_ms,
        apply_frames,
        apply_frame_max_ms,
    })
}

/// Times of frames of one page at 3840×2160, after a short warm-up: at
/// least `frames` of them and for at least `at_least`.
fn frame_times(
    layout: &Layout,
    page: usize,
    store: &Store,
    catalog: &Catalog,
    now_ms: TimestampMs,
    frames: usize,
    at_least: std::time::Duration,
) -> Vec<f64> {
    let start = Instant::now();
    let mut times = Vec::new();
    while times.len() < frames || start.elapsed() < at_least {
        let (t, _) = measure_times(
            layout,
            page,
            store,
            catalog,
            now_ms,
            [3840, 2160],
            frames,
            3,
        );
        times.extend(t);
    }
    times
}
