//! Time series: several lines over the panel's range, with the KPI's
//! warning and critical thresholds drawn as dashed lines, and a legend.
//!
//! Lines are decimated to min/max per pixel column when data arrives (or the
//! panel's width changes), never per frame, so a frame costs the same
//! whether a series holds a thousand points or a hundred thousand.

use egui::{Rect, Ui};
use egui_plot::{Corner, HLine, Legend, Line, LineStyle, Plot, PlotPoint, PlotPoints};
use serde::Serialize;

use super::view::{ChartCache, PanelView};
use super::{Ctx, Reading};
use crate::app::theme::{self, size};
use crate::layout::Panel;
use crate::store::decimate_min_max;

/// One line of the chart.
#[derive(Clone, Debug, Serialize)]
pub struct Line1 {
    pub label: String,
    pub kpi: String,
    pub target: String,
    pub reading: Reading,
    pub severity: crate::model::Severity,
}

#[derive(Clone, Debug, Serialize)]
pub struct TimeseriesModel {
    pub series: Vec<Line1>,
    pub range_min: u32,
    pub unit: String,
    pub warn: Option<f64>,
    pub crit: Option<f64>,
}

pub fn model(panel: &Panel, cx: &Ctx<'_>) -> TimeseriesModel {
    let b = &panel.binding;
    let mut refs: Vec<(String, String, Option<String>)> = b
        .series
        .iter()
        .map(|s| (s.kpi.clone(), s.target.clone(), s.label.clone()))
        .collect();
    if let Some(kpi) = &b.kpi {
        // Top N targets by their latest value.
        let mut ranked: Vec<(f64, &str)> = cx
            .targets(b.target_kind, &b.systems)
            .iter()
            .filter_map(|t| {
                cx.store
                    .latest(kpi, &t.id)
                    .map(|s| (s.value, t.id.as_str()))
            })
            .collect();
        ranked.sort_by(|a, b2| b2.0.total_cmp(&a.0).then_with(|| a.1.cmp(b2.1)));
        if b.ascending {
            ranked.reverse();
        }
        for (_, target) in ranked.into_iter().take(b.top.unwrap_or(4)) {
            refs.push((kpi.clone(), target.to_owned(), None));
        }
    }
    let first_kpi = refs.first().and_then(|r| cx.catalog.get(&r.0));
    let series = refs
        .into_iter()
        .map(|(kpi, target, label)| {
            let reading = cx.reading(&kpi, &target);
            Line1 {
                label: label.unwrap_or_else(|| cx.target_name(&target).to_owned()),
                severity: reading.severity,
                kpi,
                target,
                reading,
            }
        })
        .collect();
    let thresholds = first_kpi
        .filter(|k| !k.is_display_only() && k.comparison != crate::kpi::Comparison::NotEqual);
    TimeseriesModel {
        series,
        range_min: b.range_min,
        unit: first_kpi
            .map(|k| k.display_unit().to_owned())
            .unwrap_or_default(),
        warn: thresholds.map(|k| k.warn),
        crit: thresholds.map(|k| k.crit),
    }
}

/// Re-decimates the panel's lines if the data or the width changed.
pub fn refresh_cache(cache: &mut ChartCache, m: &TimeseriesModel, cx: &Ctx<'_>, columns: usize) {
    let generation = cx.store.generation();
    if cache.generation == generation && cache.columns == columns && !cache.lines.is_empty() {
        return;
    }
    let to = cx.now_ms;
    let from = to - i64::from(m.range_min) * 60_000;
    cache.lines = m
        .series
        .iter()
        .map(|s| {
            let Some(series) = cx.store.series(&s.kpi, &s.target) else {
                return Vec::new();
            };
            let (a, b) = series.as_slices();
            let mut points = decimate_min_max(a, from, to, columns);
            if !b.is_empty() {
                // Decimate each contiguous part; the boundary column may hold four points.
                points.extend(decimate_min_max(b, from, to, columns));
            }
            points
                .into_iter()
                .map(|[t, v]| PlotPoint::new((t - from as f64) / 1000.0, v))
                .collect()
        })
        .collect();
    cache.generation = generation;
    cache.columns = columns;
    cache.from_ms = from;
}

pub fn ui(
    ui: &mut Ui,
    rect: Rect,
    panel: &Panel,
    m: &TimeseriesModel,
    cx: &Ctx<'_>,
    view: &mut PanelView,
) {
    let columns = (rect.width() * ui.ctx().pixels_per_point()).max(16.0) as usize;
    refresh_cache(&mut view.chart, m, cx, columns);
    let from_ms = view.chart.from_ms;
    let offset_ms = cx.utc_offset_ms();
    let range_s = f64::from(m.range_min) * 60.0;
    let unit = m.unit.clone();

    let plot = Plot::new(("ts", &panel.id))
        .width(rect.width())
        .height(rect.height())
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .show_x(false)
        .show_y(false)
        .show_background(false)
        .grid_color(theme::grid_color())
        .include_x(0.0)
        .include_x(range_s)
        .legend(
            Legend::default()
                .position(Corner::LeftTop)
                .background_alpha(0.3)
                .follow_insertion_order(true),
        )
        .x_axis_formatter(move |mark, _| {
            let t = from_ms + (mark.value * 1000.0) as i64 + offset_ms;
            crate::model::to_utc(t).format("%H:%M").to_string()
        })
        .y_axis_formatter(move |mark, _| format!("{}{}", mark.value, unit))
        .y_axis_min_width(96.0);

    let lines = &view.chart.lines;
    ui.scope_builder(egui::UiBuilder::new().max_rect(rect), |ui| {
        // egui_plot sets axis labels in Small and the legend in Body: size both for the wall.
        let style = ui.style_mut();
        style
            .text_styles
            .insert(egui::TextStyle::Small, theme::font(size::SMALL));
        style
            .text_styles
            .insert(egui::TextStyle::Body, theme::font(size::SMALL));
        style.visuals.override_text_color = Some(theme::TEXT_DIM);
        plot.show(ui, |plot_ui| {
            for (i, (s, points)) in m.series.iter().zip(lines).enumerate() {
                let color = theme::SERIES[i % theme::SERIES.len()];
                let color = if s.reading.stale {
                    theme::faded(color, 0.45)
                } else {
                    color
                };
                plot_ui.line(
                    Line::new(s.label.clone(), PlotPoints::Borrowed(points))
                        .color(color)
                        .width(2.5),
                );
            }
            if let Some(w) = m.warn {
                plot_ui.hline(
                    HLine::new(format!("警告 {w}"), w)
                        .color(theme::WARNING)
                        .style(LineStyle::dashed_loose())
                        .width(2.0),
                );
            }
            if let Some(c) = m.crit {
                plot_ui.hline(
                    HLine::new(format!("严重 {c}"), c)
                        .color(theme::CRITICAL)
                        .style(LineStyle::dashed_loose())
                        .width(2.0),
                );
            }
        });
    });
}
