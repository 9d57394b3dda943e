//! Stat: one big number (翻牌器) with its unit, threshold colour and a
//! sparkline of the panel's time range. The number flips digit by digit when
//! it changes.

use std::fmt::Write as _;

use egui::{Align2, Pos2, Rect, Shape, Stroke, Ui, pos2, vec2};
use serde::Serialize;

use super::view::PanelView;
use super::{Ctx, Reading};
use crate::app::theme::{self, size};
use crate::kpi::health::target_severity;
use crate::layout::{Agg, Metric, Panel};
use crate::model::Severity;
use crate::store::decimate_min_max;

/// Seconds a flip takes.
pub const FLIP_S: f64 = 0.6;
const SPARK_COLUMNS: usize = 90;

#[derive(Clone, Debug, Serialize)]
pub struct StatModel {
    /// What the number is of: a target's name, or how targets were folded.
    pub label: String,
    pub reading: Reading,
    pub text: String,
    pub unit: String,
    pub severity: Severity,
    /// Sparkline values over the panel's range, oldest first.
    #[serde(skip)]
    pub spark: Vec<f64>,
    pub spark_points: usize,
}

pub fn model(panel: &Panel, cx: &Ctx<'_>) -> StatModel {
    let b = &panel.binding;
    if let Some(metric) = b.metric {
        return metric_model(panel, metric, cx);
    }
    let Some(kpi_id) = b.kpi.as_deref() else {
        return empty(panel);
    };
    let Some(kpi) = cx.catalog.get(kpi_id) else {
        return empty(panel);
    };

    let (label, reading, spark) = if let Some(target) = b.target.as_deref() {
        let reading = cx.reading(kpi_id, target);
        (
            cx.target_name(target).to_owned(),
            reading,
            spark(cx, kpi_id, target, b.range_min),
        )
    } else {
        let agg = b.agg.unwrap_or(Agg::Max);
        let targets = cx.targets(b.target_kind, &b.systems);
        let readings: Vec<Reading> = targets.iter().map(|t| cx.reading(kpi_id, &t.id)).collect();
        let fresh: Vec<f64> = readings
            .iter()
            .filter(|r| !r.stale)
            .filter_map(|r| r.value)
            .collect();
        let value = fold(agg, &fresh);
        let stale = fresh.is_empty();
        let age_s = readings.iter().filter_map(|r| r.age_s).reduce(f64::min);
        let severity = kpi.evaluate_fresh(value, stale);
        let label = format!(
            "{}{}个{}",
            agg_label(agg),
            targets.len(),
            b.target_kind.map_or("对象", |k| k.label_zh())
        );
        (
            label,
            Reading {
                value,
                stale,
                age_s,
                severity,
            },
            Vec::new(),
        )
    };
    StatModel {
        label,
        text: reading
            .value
            .map_or_else(|| "—".to_owned(), |v| kpi.format_value(v)),
        unit: kpi.display_unit().to_owned(),
        severity: reading.severity,
        spark_points: spark.len(),
        spark,
        reading,
    }
}

fn empty(panel: &Panel) -> StatModel {
    StatModel {
        label: panel.title.clone(),
        reading: Reading {
            value: None,
            stale: true,
            age_s: None,
            severity: Severity::Unknown,
        },
        text: "—".to_owned(),
        unit: String::new(),
        severity: Severity::Unknown,
        spark: Vec::new(),
        spark_points: 0,
    }
}

fn agg_label(agg: Agg) -> &'static str {
    match agg {
        Agg::Max => "最高 · ",
        Agg::Min => "最低 · ",
        Agg::Avg => "平均 · ",
        Agg::Sum => "合计 · ",
    }
}

/// Folds values; `None` when there are none.
pub fn fold(agg: Agg, values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    Some(match agg {
        Agg::Max => values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        Agg::Min => values.iter().copied().fold(f64::INFINITY, f64::min),
        Agg::Sum => values.iter().sum(),
        Agg::Avg => values.iter().sum::<f64>() / values.len() as f64,
    })
}

fn spark(cx: &Ctx<'_>, kpi: &str, target: &str, range_min: u32) -> Vec<f64> {
    let Some(series) = cx.store.series(kpi, target) else {
        return Vec::new();
    };
    let from = cx.now_ms - i64::from(range_min) * 60_000;
    let samples = series.range(from, cx.now_ms);
    decimate_min_max(&samples, from, cx.now_ms, SPARK_COLUMNS)
        .into_iter()
        .map(|p| p[1])
        .collect()
}

/// Ticket counts: open tickets, or running clocks in a state, with a label saying what else is going on.
fn ticket_metric(
    metric: Metric,
    cx: &Ctx<'_>,
    systems: &[String],
) -> (f64, Severity, &'static str, String) {
    use crate::sla::ClockState;
    let open: Vec<_> = cx
        .store
        .tickets()
        .filter(|t| !t.is_resolved() && (systems.is_empty() || systems.contains(&t.system)))
        .collect();
    // Every running clock counts, fault-report clocks of resolved tickets too.
    let count = |state: ClockState| {
        cx.store
            .tickets()
            .filter(|t| systems.is_empty() || systems.contains(&t.system))
            .flat_map(|t| cx.sla.clocks(t, cx.now_ms))
            .filter(|c| c.state == state)
            .count()
    };
    match metric {
        Metric::BreachedClocks => {
            let n = count(ClockState::Breached);
            let sev = if n > 0 {
                Severity::Critical
            } else {
                Severity::Normal
            };
            (n as f64, sev, "项", format!("未解决工单 {}", open.len()))
        }
        Metric::NearBreachClocks => {
            let n = count(ClockState::NearBreach);
            let sev = if n > 0 {
                Severity::Warning
            } else {
                Severity::Normal
            };
            (
                n as f64,
                sev,
                "项",
                format!("预警 {}", count(ClockState::Warning)),
            )
        }
        _ => {
            let urgent = open
                .iter()
                .filter(|t| t.priority == crate::model::Priority::Urgent)
                .count();
            (
                open.len() as f64,
                Severity::Normal,
                "张",
                format!("其中紧急 {urgent}"),
            )
        }
    }
}

fn metric_model(panel: &Panel, metric: Metric, cx: &Ctx<'_>) -> StatModel {
    let b = &panel.binding;
    let alerts_stale = cx.store.sources().all(|s| s.is_stale(cx.now_ms));
    let (value, severity, unit, label) = match metric {
        Metric::ActiveAlerts | Metric::CriticalAlerts | Metric::UnackedAlerts => {
            // What needs someone: not cleared, not silenced or inhibited, and
            // worse than information (Alertmanager's Watchdog is `info`).
            let (active, muted): (Vec<_>, Vec<_>) = cx
                .store
                .alerts()
                .iter()
                .filter(|a| a.cleared_ms.is_none())
                .partition(|a| a.muted.is_none());
            let active: Vec<_> = active
                .into_iter()
                .filter(|a| a.severity >= Severity::Warning)
                .collect();
            let n = active
                .iter()
                .filter(|a| match metric {
                    Metric::CriticalAlerts => a.severity == Severity::Critical,
                    Metric::UnackedAlerts => !a.acknowledged,
                    _ => true,
                })
                .count() as f64;
            let sev = match metric {
                Metric::CriticalAlerts if n > 0.0 => Severity::Critical,
                Metric::ActiveAlerts | Metric::UnackedAlerts if n > 0.0 => Severity::Warning,
                _ => Severity::Normal,
            };
            let unacked = active.iter().filter(|a| !a.acknowledged).count();
            let mut label = format!("已确认 {} · 未确认 {unacked}", active.len() - unacked);
            if !muted.is_empty() {
                let _ = write!(label, " · 已静默 {}", muted.len());
            }
            (n, sev, "条", label)
        }
        Metric::OpenTickets | Metric::BreachedClocks | Metric::NearBreachClocks => {
            ticket_metric(metric, cx, &b.systems)
        }
        Metric::UnhealthyTargets | Metric::HealthyPct => {
            let targets = cx.targets(b.target_kind, &b.systems);
            let (mut bad, mut unknown) = (0usize, 0usize);
            for t in &targets {
                match target_severity(cx.store, cx.catalog, t, cx.now_ms) {
                    Severity::Warning | Severity::Critical => bad += 1,
                    Severity::Unknown => unknown += 1,
                    Severity::Normal => {}
                }
            }
            // Targets whose state is unknown (no data, or stale) are neither
            // healthy nor not: they leave the share and are counted apart.
            // Over fewer than half the targets a share would mislead.
            let known = targets.len() - unknown;
            let mut label = format!("{}个对象", targets.len());
            if unknown > 0 {
                let _ = write!(label, " · 未知 {unknown}");
            }
            if metric == Metric::HealthyPct {
                if known == 0 || known * 2 < targets.len() {
                    (f64::NAN, Severity::Unknown, "%", label)
                } else {
                    let pct = 100.0 * (known - bad) as f64 / known as f64;
                    let sev = if pct < 90.0 {
                        Severity::Critical
                    } else if pct < 98.0 {
                        Severity::Warning
                    } else {
                        Severity::Normal
                    };
                    (pct, sev, "%", label)
                }
            } else {
                let sev = if bad > 0 {
                    Severity::Warning
                } else {
                    Severity::Normal
                };
                (bad as f64, sev, "个", format!("共{label}"))
            }
        }
    };
    let text = if value.is_nan() {
        "—".to_owned()
    } else if unit == "%" {
        format!("{value:.1}")
    } else {
        format!("{value:.0}")
    };
    StatModel {
        label,
        reading: Reading {
            value: value.is_finite().then_some(value),
            stale: alerts_stale,
            age_s: None,
            severity,
        },
        text,
        unit: if value.is_nan() { "" } else { unit }.to_owned(),
        severity: if alerts_stale || value.is_nan() {
            Severity::Unknown
        } else {
            severity
        },
        spark: Vec::new(),
        spark_points: 0,
    }
}

pub fn ui(ui: &mut Ui, rect: Rect, m: &StatModel, cx: &Ctx<'_>, view: &mut PanelView) {
    let painter = ui.painter();
    let color = theme::value(m.severity, m.reading.stale);

    // Label on top, number in the middle, sparkline at the bottom.
    painter.text(
        rect.left_top(),
        Align2::LEFT_TOP,
        &m.label,
        theme::font(size::SMALL),
        theme::TEXT_DIM,
    );
    let spark_h = if m.spark.len() > 1 {
        (rect.height() * 0.28).min(90.0)
    } else {
        0.0
    };
    let number_area = Rect::from_min_max(rect.min + vec2(0.0, 30.0), rect.max - vec2(0.0, spark_h));
    let font_size = size::BIG_NUMBER
        .min(number_area.height() * 0.85)
        .max(size::BODY);

    let flip = &mut view.flip;
    if flip.shown != m.text {
        flip.previous = std::mem::replace(&mut flip.shown, m.text.clone());
        flip.changed_at_s = cx.anim_time_s;
    }
    let progress = if cx.animations {
        ((cx.anim_time_s - flip.changed_at_s) / FLIP_S).clamp(0.0, 1.0)
    } else {
        1.0
    };
    if progress < 1.0 {
        ui.ctx().request_repaint();
    }
    let unit_font = theme::font(size::UNIT.min(font_size * 0.4));
    let unit_w = painter
        .layout_no_wrap(m.unit.clone(), unit_font.clone(), color)
        .size()
        .x;
    let digits_w = flip_text_ui(
        ui,
        number_area,
        &flip.previous,
        &flip.shown,
        progress as f32,
        font_size,
        color,
        unit_w,
    );
    let unit_pos = pos2(
        number_area.center().x + digits_w / 2.0 - unit_w / 2.0 + 8.0,
        number_area.center().y + font_size * 0.28,
    );
    ui.painter().text(
        unit_pos,
        Align2::LEFT_BOTTOM,
        &m.unit,
        unit_font,
        theme::TEXT_DIM,
    );

    if spark_h > 0.0 {
        let area = Rect::from_min_max(pos2(rect.min.x, rect.max.y - spark_h), rect.max);
        sparkline(ui, area, &m.spark, color);
    }
}

/// Draws `new` centred in `rect`, each changed character rolling in from
/// below while the old one rolls out (progress 0..1). Returns the text width.
#[expect(
    clippy::too_many_arguments,
    reason = "a drawing helper with its geometry spelled out"
)]
fn flip_text_ui(
    ui: &Ui,
    rect: Rect,
    old: &str,
    new: &str,
    progress: f32,
    font_size: f32,
    color: egui::Color32,
    unit_w: f32,
) -> f32 {
    let painter = ui.painter().with_clip_rect(rect.intersect(ui.clip_rect()));
    let font = theme::bold(font_size);
    let chars: Vec<char> = new.chars().collect();
    let old_chars: Vec<char> = old.chars().collect();
    // Right-align old against new so units digits line up.
    let shift = chars.len() as isize - old_chars.len() as isize;
    let widths: Vec<f32> = chars
        .iter()
        .map(|c| {
            painter
                .layout_no_wrap(c.to_string(), font.clone(), color)
                .size()
                .x
        })
        .collect();
    let total: f32 = widths.iter().sum();
    let mut x = rect.center().x - f32::midpoint(total, unit_w);
    let mid_y = rect.center().y;
    let eased = 1.0 - (1.0 - progress).powi(3);
    for (i, c) in chars.iter().enumerate() {
        let old_c = usize::try_from(i as isize - shift)
            .ok()
            .and_then(|j| old_chars.get(j))
            .copied();
        let at = |dy: f32| Pos2::new(x, mid_y + dy);
        if progress >= 1.0 || old_c == Some(*c) {
            painter.text(at(0.0), Align2::LEFT_CENTER, c, font.clone(), color);
        } else {
            let travel = font_size * 0.9;
            painter.text(
                at(travel * (1.0 - eased)),
                Align2::LEFT_CENTER,
                c,
                font.clone(),
                theme::faded(color, eased),
            );
            if let Some(o) = old_c {
                painter.text(
                    at(-travel * eased),
                    Align2::LEFT_CENTER,
                    o,
                    font.clone(),
                    theme::faded(color, 1.0 - eased),
                );
            }
        }
        x += widths[i];
    }
    total
}

/// A small line chart without axes.
pub fn sparkline(ui: &Ui, rect: Rect, values: &[f64], color: egui::Color32) {
    if values.len() < 2 {
        return;
    }
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let span = (hi - lo).max(1e-9);
    let n = (values.len() - 1) as f32;
    let points: Vec<Pos2> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let y =
                rect.max.y - ((v - lo) / span) as f32 * rect.height() * 0.9 - rect.height() * 0.05;
            pos2(rect.min.x + rect.width() * i as f32 / n, y)
        })
        .collect();
    let painter = ui.painter();
    for w in points.windows(2) {
        let quad = vec![
            w[0],
            w[1],
            pos2(w[1].x, rect.max.y),
            pos2(w[0].x, rect.max.y),
        ];
        painter.add(Shape::convex_polygon(
            quad,
            theme::faded(color, 0.12),
            Stroke::NONE,
        ));
    }
    painter.add(Shape::line(points, Stroke::new(2.5, color)));
}
