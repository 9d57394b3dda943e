//! Gauge: a 270° arc with the KPI's threshold bands, a needle and the value.

use std::f32::consts::PI;

use egui::{Align2, Pos2, Rect, Shape, Stroke, Ui, pos2, vec2};
use serde::Serialize;

use super::{Ctx, Reading};
use crate::app::theme::{self, size};
use crate::kpi::Comparison;
use crate::layout::{Agg, Panel};
use crate::model::Severity;

#[derive(Clone, Debug, Serialize)]
pub struct GaugeModel {
    pub label: String,
    pub reading: Reading,
    pub text: String,
    pub unit: String,
    pub severity: Severity,
    pub min: f64,
    pub max: f64,
    /// Threshold bands as (from, to, severity) along the scale.
    pub bands: Vec<(f64, f64, Severity)>,
}

pub fn model(panel: &Panel, cx: &Ctx<'_>) -> GaugeModel {
    let b = &panel.binding;
    let kpi = b.kpi.as_deref().and_then(|k| cx.catalog.get(k));
    let (label, reading) = match (kpi, b.target.as_deref()) {
        (Some(k), Some(t)) => (cx.target_name(t).to_owned(), cx.reading(&k.id, t)),
        (Some(k), None) => {
            let agg = b.agg.unwrap_or(Agg::Max);
            let readings: Vec<Reading> = cx
                .targets(b.target_kind, &b.systems)
                .iter()
                .map(|t| cx.reading(&k.id, &t.id))
                .collect();
            let fresh: Vec<f64> = readings
                .iter()
                .filter(|r| !r.stale)
                .filter_map(|r| r.value)
                .collect();
            let value = super::stat::fold(agg, &fresh);
            let stale = fresh.is_empty();
            let age_s = readings.iter().filter_map(|r| r.age_s).reduce(f64::min);
            let label = format!("{}台", readings.len());
            (
                label,
                Reading {
                    value,
                    stale,
                    age_s,
                    severity: k.evaluate_fresh(value, stale),
                },
            )
        }
        _ => (
            String::new(),
            Reading {
                value: None,
                stale: true,
                age_s: None,
                severity: Severity::Unknown,
            },
        ),
    };
    let (min, max, bands, unit) = match kpi {
        Some(k) => {
            // Percentages use their whole scale unless the thresholds sit low
            // on it (an error rate), where the scale would hide the bands.
            let top = k.crit.max(k.warn);
            let max = if k.unit == "%" && (top >= 50.0 || k.comparison == Comparison::Below) {
                100.0
            } else {
                (top * 1.5).max(reading.value.unwrap_or(0.0)).max(1.0)
            };
            let bands = match k.comparison {
                _ if k.is_display_only() => vec![(0.0, max, Severity::Normal)],
                Comparison::Above => vec![
                    (0.0, k.warn, Severity::Normal),
                    (k.warn, k.crit, Severity::Warning),
                    (k.crit, max, Severity::Critical),
                ],
                Comparison::Below => vec![
                    (0.0, k.crit, Severity::Critical),
                    (k.crit, k.warn, Severity::Warning),
                    (k.warn, max, Severity::Normal),
                ],
                Comparison::NotEqual => vec![(0.0, max, Severity::Normal)],
            };
            (0.0, max, bands, k.display_unit().to_owned())
        }
        None => (0.0, 100.0, Vec::new(), String::new()),
    };
    GaugeModel {
        label,
        text: match (kpi, reading.value) {
            (Some(k), Some(v)) => k.format_value(v),
            _ => "—".to_owned(),
        },
        // No unit beside the dash of a missing value.
        unit: if reading.value.is_some() {
            unit
        } else {
            String::new()
        },
        severity: reading.severity,
        reading,
        min,
        max,
        bands,
    }
}

const START: f32 = 0.75 * PI;
const SWEEP: f32 = 1.5 * PI;

fn arc(center: Pos2, radius: f32, from: f32, to: f32) -> Vec<Pos2> {
    let steps = ((to - from).abs() / SWEEP * 64.0).ceil().max(2.0) as usize;
    (0..=steps)
        .map(|i| {
            let a = START + SWEEP * (from + (to - from) * i as f32 / steps as f32);
            center + vec2(a.cos(), a.sin()) * radius
        })
        .collect()
}

pub fn ui(ui: &mut Ui, rect: Rect, m: &GaugeModel) {
    let painter = ui.painter();
    let radius = (rect.width() / 2.0).min(rect.height() / 1.75) * 0.9;
    let center = pos2(rect.center().x, rect.min.y + radius * 1.02);
    let span = (m.max - m.min).max(1e-9);
    let frac = |v: f64| (((v - m.min) / span).clamp(0.0, 1.0)) as f32;

    // Track, threshold bands on the outside, value arc inside.
    painter.add(Shape::line(
        arc(center, radius * 0.8, 0.0, 1.0),
        Stroke::new(radius * 0.16, theme::TRACK),
    ));
    for (from, to, sev) in &m.bands {
        let pts = arc(center, radius * 0.98, frac(*from), frac(*to));
        painter.add(Shape::line(
            pts,
            Stroke::new(radius * 0.05, theme::faded(theme::severity(*sev), 0.8)),
        ));
    }
    let color = theme::value(m.severity, m.reading.stale);
    if let Some(v) = m.reading.value {
        painter.add(Shape::line(
            arc(center, radius * 0.8, 0.0, frac(v)),
            Stroke::new(radius * 0.16, color),
        ));
        let a = START + SWEEP * frac(v);
        let tip = center + vec2(a.cos(), a.sin()) * radius * 0.62;
        painter.line_segment([center, tip], Stroke::new(4.0, theme::TEXT));
        painter.circle_filled(center, 8.0, theme::TEXT);
    }

    // The value sits in the open bottom of the arc, below the needle's hub.
    let number = theme::bold((radius * 0.34).clamp(size::BODY, size::BIG_NUMBER));
    let text = format!("{}{}", m.text, m.unit);
    painter.text(
        center + vec2(0.0, radius * 0.5),
        Align2::CENTER_CENTER,
        text,
        number,
        color,
    );
    painter.text(
        pos2(rect.center().x, rect.max.y),
        Align2::CENTER_BOTTOM,
        &m.label,
        theme::font(size::SMALL),
        theme::TEXT_DIM,
    );
}
