//! The estate's rhythm: the working day in Beijing, weekends, and the monthly
//! filing period (征期) that peaks toward the 15th.

use chrono::{Datelike, Timelike, Weekday};

use crate::model::{TimestampMs, to_utc};

/// Beijing is UTC+8 all year.
pub const BEIJING_OFFSET_MS: i64 = 8 * 3_600_000;

/// Share of peak business load by Beijing hour, `0.0..=1.0`, piecewise linear.
const DAY_CURVE: [(f64, f64); 12] = [
    (0.0, 0.06),
    (6.5, 0.06),
    (8.5, 0.75),
    (10.0, 1.0),
    (11.5, 0.95),
    (12.5, 0.55),
    (14.0, 0.95),
    (16.0, 1.0),
    (17.5, 0.7),
    (19.5, 0.3),
    (22.0, 0.12),
    (24.0, 0.06),
];

fn beijing(t_ms: TimestampMs) -> chrono::NaiveDateTime {
    to_utc(t_ms + BEIJING_OFFSET_MS).naive_utc()
}

/// How far into the filing period `t_ms` is: 0 outside it, rising to 1 on the 15th.
pub fn filing_pressure(t_ms: TimestampMs) -> f64 {
    let day = beijing(t_ms).day();
    if day > 15 {
        return 0.0;
    }
    let x = f64::from(day) / 15.0;
    x * x
}

/// Business load at `t_ms`, `0.0..=1.5`: the working-day curve, much lower at
/// weekends, scaled up by the filing period.
pub fn load(t_ms: TimestampMs) -> f64 {
    let local = beijing(t_ms);
    let hour = f64::from(local.hour()) + f64::from(local.minute()) / 60.0;
    let mut day = DAY_CURVE[0].1;
    for pair in DAY_CURVE.windows(2) {
        let ((h0, v0), (h1, v1)) = (pair[0], pair[1]);
        if hour >= h0 && hour < h1 {
            day = v0 + (v1 - v0) * (hour - h0) / (h1 - h0);
            break;
        }
    }
    let weekend = matches!(local.weekday(), Weekday::Sat | Weekday::Sun);
    let day = if weekend { day * 0.3 } else { day };
    day * (1.0 + 0.5 * filing_pressure(t_ms))
}

/// Whole days since the epoch, for slow growth.
pub fn days(t_ms: TimestampMs) -> f64 {
    t_ms as f64 / 86_400_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> TimestampMs {
        chrono::DateTime::parse_from_rfc3339(s)
            .unwrap()
            .timestamp_millis()
    }

    #[test]
    fn working_hours_are_busier_than_night_and_weekend() {
        let morning = load(at("2026-12-03T10:00:00+08:00"));
        let night = load(at("2026-12-03T03:00:00+08:00"));
        let saturday = load(at("2026-12-05T10:00:00+08:00"));
        assert!(morning > 4.0 * night);
        assert!(morning > 2.0 * saturday);
    }

    #[test]
    fn filing_period_peaks_on_the_fifteenth() {
        assert!(filing_pressure(at("2026-12-15T10:00:00+08:00")) > 0.99);
        assert!(filing_pressure(at("2026-12-03T10:00:00+08:00")) < 0.1);
        assert_eq!(filing_pressure(at("2026-12-20T10:00:00+08:00")), 0.0);
    }
}
