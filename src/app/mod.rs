//! The eframe app: the wall window (and, later, the duty and edit modes).
//!
//! Each frame: apply what sources sent, reload the layout if its file
//! changed, handle keys, lay the canvas out at the window's size, draw the
//! current page, then apply the panels' commands. Repaints happen when data
//! arrives or something is due (page change, clock minute, an animation),
//! never in a busy loop.

mod carousel;
pub mod fonts;
pub mod theme;
pub mod wall;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use egui::{Key, Ui, ViewportCommand};
use tracing::{info, warn};

use crate::kpi::Catalog;
use crate::layout::{Known, Layout, watch::LiveLayout};
use crate::panels::{Command, Ctx, ViewStates};
use crate::sim::SimClock;
use crate::store::{Store, Update};

pub use carousel::Carousel;

/// Asks for exactly one frame soon. egui turns a zero-delay request into two
/// frames (to let things settle); a wall woken by data needs only one.
pub fn wake(ctx: &egui::Context) {
    ctx.request_repaint_after(Duration::from_millis(1));
}

/// Updates applied per frame at most, so a burst cannot stall a frame.
const MAX_UPDATES_PER_FRAME: usize = 256;

/// Samples applied per frame at most: a long history read is spread over a
/// few frames instead of stalling one (see `store::SAMPLES_PER_UPDATE`).
pub const MAX_SAMPLES_PER_FRAME: usize = 40_000;

/// A screenshot to take after a delay, then quit (for checking the real window).
#[derive(Clone, Debug)]
pub struct ScreenshotPlan {
    pub path: PathBuf,
    pub after_s: f64,
}

/// Everything the wall window needs to start.
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent switches from the command line"
)]
pub struct WallConfig {
    pub layout: Layout,
    pub layout_path: Option<PathBuf>,
    /// Problems of the layout file at start-up (the wall then runs the shipped layout).
    pub layout_errors: Vec<crate::layout::LayoutError>,
    pub catalog: Catalog,
    pub sla: crate::sla::Policy,
    pub store: Store,
    pub updates: tokio::sync::mpsc::Receiver<Update>,
    pub clock: SimClock,
    pub screenshot: Option<ScreenshotPlan>,
    /// Log how many frames were drawn every minute.
    pub frame_stats: bool,
    /// Keep everything still, whatever the layout asks.
    pub no_animations: bool,
    /// The duty officer's workstation: interactive, starts paused.
    pub duty: bool,
    /// Where workstation commands go (`None`: the source takes none).
    pub commands: Option<tokio::sync::mpsc::Sender<crate::sources::SourceCommand>>,
    /// Whether layout reloads check target and system ids against the store's
    /// inventory (only the simulator knows its estate before it starts).
    pub check_targets: bool,
}

pub struct WallApp {
    cfg: WallConfig,
    /// The layout file, when the wall runs from one, kept live.
    live: Option<LiveLayout>,
    views: ViewStates,
    carousel: Carousel,
    frames: u64,
    frames_logged_at_s: f64,
    shot: Arc<Mutex<Option<Arc<egui::ColorImage>>>>,
    shot_requested: bool,
    /// A message for the duty officer and until when (UI time) it shows.
    notice: Option<(String, f64)>,
}

impl WallApp {
    pub fn new(cc: &eframe::CreationContext<'_>, cfg: WallConfig) -> WallApp {
        fonts::install(&cc.egui_ctx);
        cc.egui_ctx.options_mut(|o| o.zoom_with_keyboard = false);
        let live = cfg.layout_path.clone().map(|p| {
            let ctx = cc.egui_ctx.clone();
            LiveLayout::new(p, cfg.layout.clone(), Arc::new(move || wake(&ctx)))
                .with_errors(cfg.layout_errors.clone())
        });
        let duty = cfg.duty;
        WallApp {
            cfg,
            live,
            views: ViewStates::default(),
            carousel: Carousel {
                paused: duty,
                ..Carousel::default()
            },
            frames: 0,
            frames_logged_at_s: 0.0,
            shot: Arc::default(),
            shot_requested: false,
            notice: None,
        }
    }

    /// Applies waiting updates, up to a budget per frame; true when some
    /// are left for the next frame.
    fn drain_updates(&mut self, now_s: f64) -> bool {
        let mut samples = 0;
        for _ in 0..MAX_UPDATES_PER_FRAME {
            if samples >= MAX_SAMPLES_PER_FRAME {
                break;
            }
            match self.cfg.updates.try_recv() {
                Ok(crate::store::Update::Notice { source, message }) => {
                    info!(%source, %message, "source notice");
                    self.notice = Some((format!("{source}：{message}"), now_s + 8.0));
                }
                Ok(update) => {
                    samples += update.sample_count();
                    self.cfg.store.apply(update);
                }
                Err(_) => return false,
            }
        }
        !self.cfg.updates.is_empty()
    }

    /// Reloads the layout after its file changed; a broken file keeps the old layout.
    fn reload_layout(&mut self) {
        let Some(live) = &mut self.live else { return };
        let known = Known {
            catalog: &self.cfg.catalog,
            inventory: self.cfg.check_targets.then(|| self.cfg.store.inventory()),
        };
        if live.poll(&known) {
            self.cfg.layout = live.layout().clone();
            self.views.clear();
        }
    }

    fn handle_keys(&mut self, ui: &Ui, now_s: f64) {
        let pages = self.cfg.layout.pages.len();
        let (left, right, space, f11, esc) = ui.input(|i| {
            (
                i.key_pressed(Key::ArrowLeft),
                i.key_pressed(Key::ArrowRight),
                i.key_pressed(Key::Space),
                i.key_pressed(Key::F11),
                i.key_pressed(Key::Escape),
            )
        });
        if left {
            self.carousel.step(-1, pages, now_s);
        }
        if right {
            self.carousel.step(1, pages, now_s);
        }
        if space {
            self.carousel.toggle_pause(now_s);
        }
        let full = ui.ctx().input(|i| i.viewport().fullscreen.unwrap_or(false));
        if f11 || (esc && full) {
            ui.ctx()
                .send_viewport_cmd(ViewportCommand::Fullscreen(!full));
        }
    }

    /// Advances the carousel; returns seconds until the next page change.
    fn rotate(&mut self, now_s: f64) -> Option<f64> {
        let dwell: Vec<f64> = self.cfg.layout.pages.iter().map(|p| p.dwell_s).collect();
        self.carousel.tick(now_s, &dwell)
    }

    /// Asks the source to open a ticket for an alert; says on screen what happened.
    fn create_ticket(&mut self, alert_id: &str, now_s: f64) {
        let alert = self
            .cfg
            .store
            .alerts()
            .iter()
            .find(|a| a.id == alert_id)
            .cloned();
        let notice = match (alert, &self.cfg.commands) {
            (None, _) => format!("告警 {alert_id} 已不在列表中，未转工单"),
            (Some(_), None) => "当前数据源不支持转工单".to_owned(),
            (Some(alert), Some(tx)) => {
                let what = format!(
                    "{} {}",
                    self.cfg
                        .store
                        .inventory()
                        .target(&alert.target)
                        .map_or(alert.target.as_str(), |t| t.name.as_str()),
                    alert.message
                );
                match tx.try_send(crate::sources::SourceCommand::CreateTicket { alert }) {
                    Ok(()) => format!("已提交转工单：{what}"),
                    Err(_) => "转工单未提交：数据源繁忙，请稍后再试".to_owned(),
                }
            }
        };
        info!(%notice, "duty action");
        self.notice = Some((notice, now_s + 6.0));
    }

    fn commands(&mut self, commands: Vec<Command>, now_s: f64) {
        for c in commands {
            match c {
                Command::CreateTicket { alert } => self.create_ticket(&alert, now_s),
                Command::SortTable { panel, column } => {
                    let view = self.views.get_mut(&panel);
                    view.sort = match view.sort {
                        Some((col, asc)) if col == column => Some((col, !asc)),
                        _ => Some((column, false)),
                    };
                }
            }
        }
    }

    fn notice_ui(&mut self, ui: &Ui, canvas: egui::Rect, now_s: f64) {
        let Some((text, until)) = &self.notice else {
            return;
        };
        if now_s >= *until {
            self.notice = None;
            return;
        }
        wall::notice_ui(ui, canvas, text);
        ui.ctx()
            .request_repaint_after(Duration::from_secs_f64(until - now_s));
    }

    fn screenshot(&mut self, ui: &Ui, now_s: f64) {
        let Some(plan) = self.cfg.screenshot.clone() else {
            return;
        };
        if let Some(img) = self.shot.lock().ok().and_then(|mut s| s.take()) {
            let [w, h] = img.size;
            let bytes: Vec<u8> = img
                .pixels
                .iter()
                .flat_map(egui::Color32::to_array)
                .collect();
            match image::save_buffer(
                &plan.path,
                &bytes,
                w as u32,
                h as u32,
                image::ExtendedColorType::Rgba8,
            ) {
                Ok(()) => info!(path = %plan.path.display(), "screenshot saved"),
                Err(e) => warn!(%e, "screenshot failed"),
            }
            ui.ctx().send_viewport_cmd(ViewportCommand::Close);
            return;
        }
        if now_s >= plan.after_s && !self.shot_requested {
            self.shot_requested = true;
            let slot = self.shot.clone();
            let ctx = ui.ctx().clone();
            ui.ctx()
                .request_screenshot(move |img: Arc<egui::ColorImage>| {
                    if let Ok(mut s) = slot.lock() {
                        *s = Some(img);
                    }
                    ctx.request_repaint();
                });
        }
        ui.ctx()
            .request_repaint_after(Duration::from_secs_f64((plan.after_s - now_s).max(0.05)));
    }
}

impl eframe::App for WallApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        let now_s = ui.input(|i| i.time);
        self.frames += 1;
        tracing::trace!(frame = self.frames, causes = ?ui.ctx().repaint_causes(), "frame");
        if self.cfg.frame_stats && now_s - self.frames_logged_at_s >= 60.0 {
            info!(
                frames = self.frames,
                seconds = now_s - self.frames_logged_at_s,
                "frames drawn"
            );
            self.frames = 0;
            self.frames_logged_at_s = now_s;
        }
        if self.drain_updates(now_s) {
            wake(ui.ctx());
        }
        self.reload_layout();
        self.handle_keys(ui, now_s);
        let until_next_page = self.rotate(now_s);

        // Lay the design canvas out at the window's real size.
        let wall = &self.cfg.layout.wall;
        let native_ppp = ui.ctx().native_pixels_per_point().unwrap_or(1.0);
        let window_px = ui.ctx().content_rect().size() * ui.ctx().pixels_per_point();
        let zoom = wall::zoom_for(wall.scale, window_px, wall.design, native_ppp);
        if (ui.ctx().zoom_factor() - zoom).abs() > 1e-4 {
            ui.ctx().set_zoom_factor(zoom);
            ui.ctx().request_repaint();
        }
        let canvas = wall::canvas_rect(wall.scale, ui.max_rect(), wall.design);

        let now_ms = self.cfg.clock.now_ms();
        let cx = Ctx {
            store: &self.cfg.store,
            catalog: &self.cfg.catalog,
            sla: &self.cfg.sla,
            layout: &self.cfg.layout,
            now_ms,
            anim_time_s: now_s,
            animations: self.cfg.layout.wall.animations && !self.cfg.no_animations,
            duty: self.cfg.duty,
        };
        let commands = wall::page_ui(ui, canvas, self.carousel.page, &cx, &mut self.views);
        wall::pager_ui(
            ui,
            canvas,
            &self.cfg.layout,
            self.carousel.page,
            self.carousel.paused,
        );
        wall::sources_down_ui(ui, canvas, &cx);
        wall::layout_errors_ui(ui, canvas, self.live.as_ref().map_or(&[], |l| l.errors()));
        self.commands(commands, now_s);
        self.notice_ui(ui, canvas, now_s);
        self.screenshot(ui, now_s);

        // Wake for the next page and for the clock's next minute; data wakes us itself.
        let speed = self.cfg.clock.speed().max(1e-6);
        let to_minute_s = (60_000 - now_ms.rem_euclid(60_000)) as f64 / 1000.0 / speed;
        let next = until_next_page.map_or(to_minute_s, |p| p.min(to_minute_s));
        tracing::trace!(next, ?until_next_page, to_minute_s, "next wake-up");
        ui.ctx()
            .request_repaint_after(Duration::from_secs_f64(next.clamp(0.05, 3600.0)));
    }

    fn clear_color(&self, _visuals: &egui::Visuals) -> [f32; 4] {
        theme::BACKGROUND.to_normalized_gamma_f32()
    }
}
