//! The `opswall` command: the wall window, and `render`, `check`, `bench`.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result, anyhow, bail};
use clap::{Parser, Subcommand};
use tracing::{info, warn};

use opswall::app::{ScreenshotPlan, WallApp, WallConfig};
use opswall::kpi::Catalog;
use opswall::layout::{self, Known, Layout, LayoutError};
use opswall::panels::Ctx;
use opswall::sim::{Estate, SimClock};
use opswall::sources::{self, Outbox, sim::SimSourceConfig};
use opswall::store::{Limits, Store};

/// The shipped wall layout, used when no --layout is given.
const DEFAULT_LAYOUT: &str = "layouts/command-center.toml";
const BUILTIN_LAYOUT: &str = include_str!("../layouts/command-center.toml");

#[derive(Parser)]
#[command(
    name = "opswall",
    version,
    about = "运维监控指挥中心大屏 — a command-center wall for a tax bureau's operations center"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(clap::Args)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "command-line switches are independent booleans"
)]
struct RunArgs {
    /// Layout file (hot-reloaded while the wall runs).
    #[arg(long)]
    layout: Option<PathBuf>,
    /// KPI catalogue file; the shipped one by default.
    #[arg(long)]
    catalog: Option<PathBuf>,
    /// SLA policy file; the shipped one by default.
    #[arg(long)]
    sla: Option<PathBuf>,
    /// Seed of the simulated estate.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Simulated time runs this many times faster than real time.
    #[arg(long, default_value_t = 1.0)]
    speed: f64,
    /// Start the simulated clock at this instant (RFC 3339 or "YYYY-MM-DD HH:MM" Beijing time).
    #[arg(long)]
    at: Option<String>,
    /// Simulated seconds between data updates.
    #[arg(long, default_value_t = 15.0)]
    tick: f64,
    /// Open full screen (kiosk).
    #[arg(long)]
    fullscreen: bool,
    /// Initial window size in pixels, `WxH`.
    #[arg(long, default_value = "1920x1080")]
    size: String,
    /// Save a screenshot of the window to this PNG, then quit.
    #[arg(long)]
    screenshot: Option<PathBuf>,
    /// Seconds to wait before the screenshot.
    #[arg(long, default_value_t = 3.0)]
    screenshot_after: f64,
    /// Log how many frames were drawn each minute.
    #[arg(long)]
    frame_stats: bool,
    /// Nothing moves: no flip counters, no ticker steps, no blinking.
    #[arg(long)]
    no_animations: bool,
    /// Hours of data kept per series (older samples are dropped).
    #[arg(long, default_value_t = 24.0)]
    retention_h: f64,
    /// Samples kept per series at most, whatever the retention.
    #[arg(long, default_value_t = 2880)]
    max_points: usize,
    /// The duty officer's workstation: starts paused, alerts offer 转工单.
    #[arg(long)]
    duty: bool,
    /// Sources file: where the data comes from (the simulated estate when absent).
    #[arg(long)]
    sources: Option<PathBuf>,
}

#[derive(Subcommand)]
#[expect(clippy::doc_markdown, reason = "help text, shown as written")]
enum SimCommand {
    /// Write the simulated estate in a monitoring server's own format, so a
    /// real Prometheus, VictoriaMetrics or Zabbix holds the same estate.
    Export {
        /// openmetrics (promtool backfill), vm (VictoriaMetrics /api/v1/import),
        /// zabbix (zabbix_sender -T input), zabbix-hosts (JSON: groups, hosts,
        /// items, triggers), targets (a targets file for sources files),
        /// prometheus-kpis and zabbix-kpis (the [[source.kpi]] tables that read
        /// the estate back from those servers).
        #[arg(value_enum)]
        format: ExportFormat,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The last instant, UTC ms (default: now).
        #[arg(long)]
        to_ms: Option<i64>,
        /// Hours of history up to it.
        #[arg(long, default_value_t = 6.0)]
        hours: f64,
        /// Seconds between samples.
        #[arg(long, default_value_t = 15)]
        step_s: u32,
        /// Write here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ExportFormat {
    Openmetrics,
    Vm,
    Zabbix,
    ZabbixHosts,
    Targets,
    PrometheusKpis,
    ZabbixKpis,
}

#[derive(Subcommand)]
enum Command {
    /// Draw a page headless to PNG, and say what each panel shows as JSON.
    Render {
        #[arg(long)]
        layout: Option<PathBuf>,
        /// Page index, from 0.
        #[arg(long, default_value_t = 0)]
        page: usize,
        /// Image size in pixels, `WxH`.
        #[arg(long, default_value = "3840x2160")]
        size: String,
        /// Instant to render (RFC 3339 or "YYYY-MM-DD HH:MM" Beijing time); now by default.
        #[arg(long)]
        at: Option<String>,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, default_value = "wall.png")]
        out: PathBuf,
        /// Write the panels' state as JSON here.
        #[arg(long)]
        state: Option<PathBuf>,
    },
    /// Serve the simulated estate through the platform API (see docs/platform-api.md)
    /// and as Prometheus metrics (`/metrics`); or export it (`opswall sim export`).
    #[command(args_conflicts_with_subcommands = true)]
    Sim {
        #[command(subcommand)]
        export: Option<SimCommand>,
        /// Address to listen on; keep it on loopback unless the network is trusted.
        #[arg(long, default_value = "127.0.0.1:18700")]
        listen: std::net::SocketAddr,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Simulated time runs this many times faster than real time (0 stops it).
        #[arg(long, default_value_t = 1.0)]
        speed: f64,
        /// Start the simulated clock at this instant (RFC 3339 or "YYYY-MM-DD HH:MM" Beijing time).
        #[arg(long)]
        at: Option<String>,
        /// Simulated seconds between measurements.
        #[arg(long, default_value_t = 15.0)]
        tick: f64,
        /// Require `Authorization: Bearer <token>`, the token read from this environment variable.
        #[arg(long)]
        token_env: Option<String>,
    },
    /// Check layout files, KPI catalogues, SLA policies, sources files and targets files; print every error as <file:line>.
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Measure frame cost and memory on the shipped layout and a heavy synthetic page.
    Bench {
        #[arg(long)]
        layout: Option<PathBuf>,
        /// Frames measured per case.
        #[arg(long, default_value_t = 300)]
        frames: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    init_logging();
    match run() {
        Ok(code) => code,
        Err(e) => {
            #[expect(clippy::print_stderr, reason = "the CLI's own error output")]
            {
                eprintln!("opswall: {e:#}");
            }
            ExitCode::FAILURE
        }
    }
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("OPSWALL_LOG").unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new(
            "info,wgpu=warn,naga=warn,eframe=warn,egui_glow=warn,winit=warn",
        )
    });
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

fn run() -> Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        None => run_wall(cli.run).map(|()| ExitCode::SUCCESS),
        Some(Command::Render {
            layout,
            page,
            size,
            at,
            seed,
            out,
            state,
        }) => render(
            layout.as_deref(),
            page,
            &size,
            at.as_deref(),
            seed,
            &out,
            state.as_deref(),
        )
        .map(|()| ExitCode::SUCCESS),
        Some(Command::Check { files }) => Ok(check(&files)),
        Some(Command::Sim {
            export:
                Some(SimCommand::Export {
                    format,
                    seed,
                    to_ms,
                    hours,
                    step_s,
                    out,
                }),
            ..
        }) => {
            export(format, seed, to_ms, hours, step_s, out.as_deref()).map(|()| ExitCode::SUCCESS)
        }
        Some(Command::Sim {
            export: None,
            listen,
            seed,
            speed,
            at,
            tick,
            token_env,
        }) => serve_sim(
            listen,
            seed,
            speed,
            at.as_deref(),
            tick,
            token_env.as_deref(),
        )
        .map(|()| ExitCode::SUCCESS),
        Some(Command::Bench {
            layout,
            frames,
            seed,
            json,
        }) => bench(layout.as_deref(), frames, seed, json).map(|()| ExitCode::SUCCESS),
    }
}

fn parse_size(s: &str) -> Result<[u32; 2]> {
    let (w, h) = s
        .split_once(['x', 'X'])
        .ok_or_else(|| anyhow!("size `{s}` is not WxH"))?;
    let (w, h): (u32, u32) = (w.parse().context("width")?, h.parse().context("height")?);
    if !(64..=16384).contains(&w) || !(64..=16384).contains(&h) {
        bail!("size {w}x{h} is out of range (64 to 16384 each way)");
    }
    Ok([w, h])
}

fn parse_at(at: Option<&str>) -> Result<i64> {
    match at {
        Some(s) => opswall::parse_time(s)
            .ok_or_else(|| anyhow!("cannot read time `{s}`; use RFC 3339 or \"YYYY-MM-DD HH:MM\"")),
        None => Ok(chrono::Utc::now().timestamp_millis()),
    }
}

fn catalog(path: Option<&Path>) -> Result<Catalog> {
    match path {
        None => Ok(Catalog::builtin()),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("cannot read {}", p.display()))?;
            Ok(Catalog::parse(&text, &p.display().to_string())?)
        }
    }
}

fn sla_policy(path: Option<&Path>) -> Result<opswall::sla::Policy> {
    let Some(p) = path else {
        return Ok(opswall::sla::Policy::builtin());
    };
    let text =
        std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?;
    opswall::sla::Policy::parse(&text, &p.display().to_string())
        .map_err(|errors| anyhow!("{}", errors.join("\n")))
}

/// Loads a layout, or the shipped one (from the working directory, else compiled in).
fn read_layout(
    path: Option<&Path>,
    known: &Known<'_>,
) -> (Option<PathBuf>, Result<Layout, Vec<LayoutError>>) {
    let path = path
        .map(Path::to_path_buf)
        .or_else(|| Some(PathBuf::from(DEFAULT_LAYOUT)).filter(|p| p.exists()));
    let result = match &path {
        Some(p) => layout::load(p, known),
        None => layout::parse(BUILTIN_LAYOUT, DEFAULT_LAYOUT, known),
    };
    (path, result)
}

/// Loads a layout for a command that cannot run without a good one.
fn load_layout(path: Option<&Path>, known: &Known<'_>) -> Result<(Layout, Option<PathBuf>)> {
    let (path, result) = read_layout(path, known);
    match result {
        Ok(l) => Ok((l, path)),
        Err(errors) => {
            let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
            bail!(
                "the layout has {} error(s):\n{}",
                errors.len(),
                list.join("\n")
            )
        }
    }
}

fn run_wall(args: RunArgs) -> Result<()> {
    let catalog = catalog(args.catalog.as_deref())?;
    let sla = sla_policy(args.sla.as_deref())?;
    let estate = Estate::new(args.seed);
    if !(1.0..=3600.0).contains(&args.tick) {
        bail!("--tick must be 1 to 3600 simulated seconds");
    }
    let sources_file = match &args.sources {
        None => sources::config::SourcesFile::builtin_sim(args.tick),
        Some(p) => sources::config::load(p, &catalog).map_err(|errors| {
            anyhow!(
                "the sources file has {} error(s):\n{}",
                errors.len(),
                errors.join("\n")
            )
        })?,
    };
    // Only the simulator's targets are known before the wall starts.
    let check_targets = sources_file.only_sim();
    let known = Known {
        catalog: &catalog,
        inventory: check_targets.then(|| estate.inventory()),
    };
    // A broken layout file never keeps the wall dark: it opens on the shipped
    // layout, shows what is wrong, and switches over once the file is fixed.
    let (layout_path, result) = read_layout(args.layout.as_deref(), &known);
    let (layout, layout_errors) = match result {
        Ok(layout) => (layout, Vec::new()),
        Err(errors) => {
            warn!(
                errors = errors.len(),
                "the layout file has errors; showing the shipped layout until it is fixed"
            );
            let builtin = layout::parse(BUILTIN_LAYOUT, DEFAULT_LAYOUT, &known)
                .map_err(|e| anyhow!("the shipped layout is broken: {}", e[0]))?;
            (builtin, errors)
        }
    };
    let [w, h] = parse_size(&args.size)?;
    let clock = SimClock::new(parse_at(args.at.as_deref())?, args.speed);

    // One runtime for every source; the UI thread never blocks on it.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("opswall-sources")
        .enable_all()
        .build()
        .context("cannot start the source runtime")?;
    let (tx, rx) = sources::channel();
    if !(0.1..=24.0 * 90.0).contains(&args.retention_h)
        || !(10..=1_000_000).contains(&args.max_points)
    {
        bail!("--retention-h must be 0.1 to 2160 and --max-points 10 to 1000000");
    }
    let limits = Limits {
        retention_ms: (args.retention_h * 3_600_000.0) as i64,
        max_points: args.max_points,
        ..Limits::default()
    };
    let mut store = Store::new(limits);
    for spec in &sources_file.sources {
        store.register_source(&spec.name, spec.interval.as_secs_f64());
    }

    let mut viewport = egui::ViewportBuilder::default()
        .with_title(layout.wall.title.clone())
        .with_inner_size([w as f32, h as f32])
        .with_fullscreen(args.fullscreen);
    if let Some(icon) =
        opswall::assets::image("logo.png").and_then(|b| eframe::icon_data::from_png_bytes(b).ok())
    {
        viewport = viewport.with_icon(icon);
    }
    let options = eframe::NativeOptions {
        viewport,
        ..eframe::NativeOptions::default()
    };
    let screenshot = args.screenshot.map(|path| ScreenshotPlan {
        path,
        after_s: args.screenshot_after,
    });
    let handle = runtime.handle().clone();
    let history = layout.history_need();
    let simulated = sources::sim::Simulated {
        estate,
        clock: clock.clone(),
        config: SimSourceConfig {
            tick_s: args.tick,
            ..SimSourceConfig::default()
        },
    };
    info!(seed = args.seed, speed = args.speed, layout = %layout.file, "starting the wall");
    eframe::run_native(
        "opswall",
        options,
        Box::new(move |cc| {
            let ctx = cc.egui_ctx.clone();
            let out = Outbox::new(tx, std::sync::Arc::new(move || opswall::app::wake(&ctx)));
            let started = sources::start(&sources_file, &handle, &out, &simulated, history);
            let cfg = WallConfig {
                layout,
                layout_path,
                layout_errors,
                catalog,
                sla,
                store,
                updates: rx,
                clock,
                screenshot,
                frame_stats: args.frame_stats,
                no_animations: args.no_animations,
                duty: args.duty,
                commands: started.commands,
                check_targets,
            };
            Ok(Box::new(WallApp::new(cc, cfg)))
        }),
    )
    .map_err(|e| anyhow!("the window could not be opened: {e}"))?;
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    Ok(())
}

fn serve_sim(
    listen: std::net::SocketAddr,
    seed: u64,
    speed: f64,
    at: Option<&str>,
    tick: f64,
    token_env: Option<&str>,
) -> Result<()> {
    if !(1.0..=3600.0).contains(&tick) {
        bail!("--tick must be 1 to 3600 simulated seconds");
    }
    let token = match token_env {
        None => None,
        Some(var) => Some(
            std::env::var(var)
                .ok()
                .filter(|t| !t.is_empty())
                .ok_or_else(|| anyhow!("environment variable {var} is not set"))?,
        ),
    };
    let clock = SimClock::new(parse_at(at)?, speed);
    let platform = std::sync::Arc::new(opswall::api::server::SimPlatform::new(
        Estate::new(seed),
        clock,
        tick,
        token,
    ));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("opswall-api")
        .enable_all()
        .build()
        .context("cannot start the runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("cannot listen on {listen}"))?;
        info!(%listen, seed, speed, "serving the simulated estate");
        opswall::api::server::serve(listener, platform)
            .await
            .context("the API server stopped")
    })
}

fn export(
    format: ExportFormat,
    seed: u64,
    to_ms: Option<i64>,
    hours: f64,
    step_s: u32,
    out: Option<&Path>,
) -> Result<()> {
    use opswall::sim::expose;
    if !(0.0..=24.0 * 31.0).contains(&hours) || !(1..=86_400).contains(&step_s) {
        bail!("--hours must be 0 to 744 and --step-s 1 to 86400");
    }
    let estate = Estate::new(seed);
    let to_ms = to_ms.unwrap_or_else(|| chrono::Utc::now().timestamp_millis());
    let instants = expose::instants(to_ms, hours, i64::from(step_s) * 1000);
    let mut w: Box<dyn std::io::Write> = match out {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("cannot write {}", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    match format {
        ExportFormat::Openmetrics => {
            expose::Exposition::new(&estate).openmetrics(&estate, &instants, &mut w)?;
        }
        ExportFormat::Vm => {
            expose::Exposition::new(&estate).victoria_metrics(&estate, &instants, &mut w)?;
        }
        ExportFormat::Zabbix => expose::zabbix_sender(&estate, &instants, &mut w)?,
        ExportFormat::ZabbixHosts => {
            serde_json::to_writer_pretty(
                &mut w,
                &expose::zabbix_hosts(&estate, &Catalog::builtin()),
            )?;
            writeln!(w)?;
        }
        ExportFormat::Targets => w.write_all(expose::targets_toml(&estate)?.as_bytes())?,
        ExportFormat::PrometheusKpis => w.write_all(expose::prometheus_kpis_toml().as_bytes())?,
        ExportFormat::ZabbixKpis => w.write_all(expose::zabbix_kpis_toml().as_bytes())?,
    }
    w.flush().context("cannot write the export")?;
    Ok(())
}

fn render(
    layout: Option<&Path>,
    page: usize,
    size: &str,
    at: Option<&str>,
    seed: u64,
    out: &Path,
    state: Option<&Path>,
) -> Result<()> {
    let catalog = Catalog::builtin();
    let estate = Estate::new(seed);
    let known = Known {
        catalog: &catalog,
        inventory: Some(estate.inventory()),
    };
    let (layout, _) = load_layout(layout, &known)?;
    let size = parse_size(size)?;
    let at_ms = parse_at(at)?;
    let store = opswall::render::sim_store(&estate, at_ms);

    let sla = opswall::sla::Policy::builtin();
    let image = opswall::render::render_page(&layout, page, &store, &catalog, &sla, at_ms, size)?;
    opswall::render::save_png(&image, out)?;
    if let Some(path) = state {
        let cx = Ctx::at_rest(&store, &catalog, &sla, &layout, at_ms);
        let at_text = opswall::model::to_utc(at_ms).to_rfc3339();
        let described = opswall::render::describe(&layout, page, &cx, at_text, size)?;
        let json = serde_json::to_string_pretty(&described)?;
        std::fs::write(path, json).with_context(|| format!("cannot write {}", path.display()))?;
    }
    info!(out = %out.display(), page, "rendered");
    Ok(())
}

#[expect(clippy::print_stdout, reason = "check reports to the terminal")]
fn check(files: &[PathBuf]) -> ExitCode {
    let catalog = Catalog::builtin();
    let estate = Estate::new(1);
    let known = Known {
        catalog: &catalog,
        inventory: Some(estate.inventory()),
    };
    let mut failed = false;
    for f in files {
        let text = match std::fs::read_to_string(f) {
            Ok(t) => t,
            Err(e) => {
                println!("{}:0: cannot read: {e}", f.display());
                failed = true;
                continue;
            }
        };
        let name = f.display().to_string();
        if text.contains("[[source]]") {
            let base = f.parent().unwrap_or(Path::new("."));
            match sources::config::parse(&text, &name, base, &catalog) {
                Ok(s) => println!("{name}: ok ({} sources)", s.sources.len()),
                Err(errors) => {
                    for e in errors {
                        println!("{e}");
                    }
                    failed = true;
                }
            }
            continue;
        }
        if text.contains("[[targets]]") && !text.contains("[wall]") {
            match sources::config::parse_targets(&text, &name) {
                Ok(inv) => println!(
                    "{name}: ok (targets file: {} systems, {} targets)",
                    inv.systems.len(),
                    inv.targets.len()
                ),
                Err(e) => {
                    println!("{e}");
                    failed = true;
                }
            }
            continue;
        }
        // A file with [[kpi]] tables is a catalogue, one with SLA clocks a
        // policy; anything else a layout.
        if text.contains("[[kpi]]") {
            match Catalog::parse(&text, &name) {
                Ok(c) => println!("{name}: ok ({} KPIs)", c.len()),
                Err(e) => {
                    println!("{e}");
                    failed = true;
                }
            }
            continue;
        }
        if !text.contains("[wall]")
            && (text.contains("[default]")
                || text.contains("[[rule]]")
                || text.contains("warning_at"))
        {
            match opswall::sla::Policy::parse(&text, &name) {
                Ok(_) => println!("{name}: ok (SLA policy)"),
                Err(errors) => {
                    for e in errors {
                        println!("{e}");
                    }
                    failed = true;
                }
            }
            continue;
        }
        match layout::parse(&text, &name, &known) {
            Ok(l) => {
                let panels: usize = l.pages.iter().map(|p| p.panels.len()).sum();
                println!("{name}: ok ({} pages, {panels} panels)", l.pages.len());
            }
            Err(errors) => {
                for e in errors {
                    println!("{e}");
                }
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

#[expect(clippy::print_stdout, reason = "bench reports to the terminal")]
fn bench(layout: Option<&Path>, frames: usize, seed: u64, json: bool) -> Result<()> {
    let catalog = Catalog::builtin();
    let estate = Estate::new(seed);
    let known = Known {
        catalog: &catalog,
        inventory: Some(estate.inventory()),
    };
    let (layout, _) = load_layout(layout, &known)?;
    // A fixed weekday morning in the filing period, so runs compare.
    let at = opswall::parse_time("2026-12-10 10:30").unwrap_or_default();
    let report = opswall::bench::run(&layout, &catalog, seed, at, frames.max(10))?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    println!(
        "frame CPU time (layout + tessellation), {}x{} px, one thread:",
        report.size[0], report.size[1]
    );
    println!(
        "{:<36} {:>7} {:>10} {:>10} {:>10}",
        "case", "frames", "median ms", "p99 ms", "vertices"
    );
    for r in &report.rows {
        println!(
            "{:<36} {:>7} {:>10.2} {:>10.2} {:>10}",
            r.case, r.frames, r.median_ms, r.p99_ms, r.vertices
        );
    }
    println!(
        "heavy (100k) / light (10k) median ratio: {:.2}",
        report.heavy_ratio
    );
    println!(
        "first heavy frame after new data (re-decimation): {:.1} ms",
        report.heavy_redecimate_ms
    );
    let s = &report.source;
    println!(
        "prometheus query_range body: {:.1} MB ({} series, {} points)",
        s.body_mb, s.series, s.points
    );
    println!(
        "  decode: median {:.1} ms = {:.0} MB/s",
        s.decode_median_ms, s.decode_mb_per_s
    );
    println!(
        "  page 0 frames: idle median {:.2} ms, while the source fetches and decodes it {:.2} ms (ratio {:.2}; {} fetches of median {:.0} ms during the frames)",
        s.idle_frame_median_ms,
        s.busy_frame_median_ms,
        s.busy_ratio,
        s.fetches_during_frames,
        s.fetch_median_ms
    );
    println!(
        "  applying one fetch to the store: {:.1} ms over {} frames, the longest {:.1} ms",
        s.apply_ms, s.apply_frames, s.apply_frame_max_ms
    );
    println!("peak RSS: {:.0} MB", report.peak_rss_mb);
    Ok(())
}
