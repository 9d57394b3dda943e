//! Min/max decimation: reduce a series to what a chart's pixel columns can show.
//!
//! Each pixel column keeps its smallest and largest sample, in time order, so
//! spikes survive no matter how many points fall into one column. The cost of
//! drawing then follows the chart's width, not the number of samples.

use crate::model::{Sample, TimestampMs};

/// Decimates `samples` (time-ordered) over `[from_ms, to_ms]` into at most
/// two points per column. Returns `[t_ms, value]` pairs in time order.
/// NaN samples are skipped.
pub fn decimate_min_max(
    samples: &[Sample],
    from_ms: TimestampMs,
    to_ms: TimestampMs,
    columns: usize,
) -> Vec<[f64; 2]> {
    let columns = columns.max(1);
    let span = (to_ms - from_ms).max(1) as f64;
    let start = samples.partition_point(|s| s.t_ms < from_ms);
    let visible = &samples[start..];
    let end = visible.partition_point(|s| s.t_ms <= to_ms);
    let visible = &visible[..end];
    if visible.len() <= 2 * columns {
        return visible
            .iter()
            .filter(|s| !s.value.is_nan())
            .map(|s| [s.t_ms as f64, s.value])
            .collect();
    }

    let mut out = Vec::with_capacity(2 * columns);
    let mut column = usize::MAX;
    let mut min = Sample {
        t_ms: 0,
        value: f64::INFINITY,
    };
    let mut max = Sample {
        t_ms: 0,
        value: f64::NEG_INFINITY,
    };
    for s in visible.iter().filter(|s| !s.value.is_nan()) {
        let c = (((s.t_ms - from_ms) as f64 / span) * columns as f64) as usize;
        let c = c.min(columns - 1);
        if c != column {
            flush(&mut out, min, max);
            column = c;
            min = *s;
            max = *s;
            continue;
        }
        if s.value < min.value {
            min = *s;
        }
        if s.value > max.value {
            max = *s;
        }
    }
    flush(&mut out, min, max);
    out
}

fn flush(out: &mut Vec<[f64; 2]>, min: Sample, max: Sample) {
    if !min.value.is_finite() || !max.value.is_finite() {
        return;
    }
    let (first, second) = if min.t_ms <= max.t_ms {
        (min, max)
    } else {
        (max, min)
    };
    out.push([first.t_ms as f64, first.value]);
    if second.t_ms != first.t_ms {
        out.push([second.t_ms as f64, second.value]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wave(n: usize) -> Vec<Sample> {
        (0..n)
            .map(|i| Sample {
                t_ms: i as i64 * 10,
                value: ((i * 7919) % 1000) as f64,
            })
            .collect()
    }

    #[test]
    fn keeps_every_column_min_and_max() {
        let samples = wave(100_000);
        let (from, to) = (0, 999_990);
        let columns = 300;
        let out = decimate_min_max(&samples, from, to, columns);
        assert!(out.len() <= 2 * columns);
        let span = (to - from) as f64;
        for c in 0..columns {
            let in_col: Vec<&Sample> = samples
                .iter()
                .filter(|s| {
                    ((((s.t_ms - from) as f64 / span) * columns as f64) as usize).min(columns - 1)
                        == c
                })
                .collect();
            let lo = in_col.iter().map(|s| s.value).fold(f64::INFINITY, f64::min);
            let hi = in_col
                .iter()
                .map(|s| s.value)
                .fold(f64::NEG_INFINITY, f64::max);
            let t0 = in_col.first().unwrap().t_ms as f64;
            let t1 = in_col.last().unwrap().t_ms as f64;
            let kept: Vec<f64> = out
                .iter()
                .filter(|p| p[0] >= t0 && p[0] <= t1)
                .map(|p| p[1])
                .collect();
            assert!(kept.contains(&lo), "column {c} lost its min {lo}");
            assert!(kept.contains(&hi), "column {c} lost its max {hi}");
        }
    }

    #[test]
    fn output_is_time_ordered_and_spikes_survive() {
        let mut samples: Vec<Sample> = (0..50_000)
            .map(|i| Sample {
                t_ms: i,
                value: 1.0,
            })
            .collect();
        samples[31_337].value = 1e6;
        samples[4_242].value = -1e6;
        let out = decimate_min_max(&samples, 0, 49_999, 100);
        assert!(out.windows(2).all(|w| w[0][0] < w[1][0]));
        assert!(out.iter().any(|p| p[1] == 1e6));
        assert!(out.iter().any(|p| p[1] == -1e6));
    }

    #[test]
    fn short_series_pass_through_and_range_is_respected() {
        let samples = wave(10);
        assert_eq!(decimate_min_max(&samples, 0, 1000, 100).len(), 10);
        assert_eq!(decimate_min_max(&samples, 20, 50, 100).len(), 4);
        assert!(decimate_min_max(&[], 0, 10, 10).is_empty());
    }
}
