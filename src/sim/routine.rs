//! The estate's routine: weekly full backups per database (Sunday night)
//! with verification and the odd failure, a monthly restore test, four
//! inspections a year, the uplink that reports to the national platform
//! every five minutes (sometimes late, sometimes not all acknowledged), and
//! the ops platform's subsystems. Pure functions of the seed and the instant.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

use super::Estate;
use super::rng::{Draw, hash, str_hash};
use super::time::BEIJING_OFFSET_MS;
use crate::model::{
    Backup, Inspection, Routine, Subsystem, TargetKind, TimestampMs, Uplink, to_utc,
};

const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;

/// The ops platform's subsystems.
pub const SUBSYSTEMS: [&str; 5] = ["运维门户", "综合监控", "服务管理", "资产管理", "配置管理"];

fn local_date(t_ms: TimestampMs) -> NaiveDate {
    to_utc(t_ms + BEIJING_OFFSET_MS).date_naive()
}

fn beijing(date: NaiveDate, hour: u32) -> TimestampMs {
    date.and_hms_opt(hour, 0, 0)
        .unwrap_or_default()
        .and_utc()
        .timestamp_millis()
        - BEIJING_OFFSET_MS
}

/// The Sunday on or before `date`.
fn sunday_on_or_before(date: NaiveDate) -> NaiveDate {
    date - Duration::days(i64::from(date.weekday().num_days_from_sunday()))
}

impl Estate {
    /// The routine as it stands at `t_ms`.
    pub fn routine_at(&self, t_ms: TimestampMs) -> Routine {
        Routine {
            backups: self.backups_at(t_ms),
            inspections: self.inspections_at(t_ms),
            uplink: Some(self.uplink_at(t_ms)),
            platform: self.platform_at(t_ms),
        }
    }

    fn backups_at(&self, t_ms: TimestampMs) -> Vec<Backup> {
        let today = local_date(t_ms);
        self.inventory
            .targets
            .iter()
            .filter(|t| t.kind == TargetKind::Database)
            .map(|db| {
                let salt = hash(&[self.seed, str_hash(&db.id), 0xBAC]);
                let size_gb = Draw::new(salt).range(300.0, 2400.0).round();
                // Sunday-night runs (01:00, taking 1.5 to 4 hours); a failed run is
                // rerun the next night. Newest first, finished ones only.
                let mut attempts = Vec::new();
                for weeks_back in 0..3 {
                    let sunday = sunday_on_or_before(today) - Duration::weeks(weeks_back);
                    let week = u64::from(sunday.num_days_from_ce().unsigned_abs() / 7);
                    let mut d = Draw::new(hash(&[salt, week]));
                    let hours = d.range(1.5, 4.0);
                    let finished = beijing(sunday, 1) + (hours * HOUR as f64) as i64;
                    let failed = d.next() < 0.06;
                    let verify_after = d.range(2.0, 6.0) * HOUR as f64;
                    let passes = d.next() > 0.03;
                    if failed {
                        let rerun = finished + DAY;
                        attempts.push((rerun, false, rerun + verify_after as i64, passes));
                    }
                    attempts.push((finished, failed, finished + verify_after as i64, passes));
                }
                let mut finished = attempts.into_iter().filter(|a| a.0 <= t_ms);
                let newest = finished.next();
                let newest_attempt_failed = newest.map(|a| a.1);
                let last_good = newest.into_iter().chain(finished).find(|a| !a.1).map(
                    |(done, _, verify_at, passes)| (done, (verify_at <= t_ms).then_some(passes)),
                );
                // A restore is tested on the first Saturday of each month.
                let restore_test = [0, 1].iter().find_map(|months_back| {
                    let first = today.with_day(1)?;
                    let month = first.checked_sub_months(chrono::Months::new(*months_back))?;
                    let offset = (Weekday::Sat.num_days_from_monday() + 7
                        - month.weekday().num_days_from_monday())
                        % 7;
                    let at = beijing(month + Duration::days(i64::from(offset)), 14);
                    (at <= t_ms).then_some(at)
                });
                Backup {
                    target: db.id.clone(),
                    last_full_ms: last_good.map(|(f, _)| f),
                    verified: last_good.and_then(|(_, v)| v),
                    last_restore_test_ms: restore_test,
                    last_attempt_failed: newest_attempt_failed.unwrap_or(false),
                    size_gb,
                }
            })
            .collect()
    }

    fn inspections_at(&self, t_ms: TimestampMs) -> Vec<Inspection> {
        let year = local_date(t_ms).year();
        (1..=4u32)
            .map(|q| {
                let planned_date = NaiveDate::from_ymd_opt(year, q * 3 - 1, 15).unwrap_or_default();
                let planned_ms = beijing(planned_date, 9);
                let mut d = Draw::new(hash(&[
                    self.seed,
                    u64::from(year.unsigned_abs()),
                    u64::from(q),
                    0x15,
                ]));
                let done = planned_ms + (d.range(0.0, 3.0) * DAY as f64) as i64;
                let findings = d.range(3.0, 13.0) as u32;
                let done_ms = (done <= t_ms).then_some(done);
                // Findings are fixed over the month after the inspection.
                let fixed = done_ms.map_or(0, |d0| {
                    let share = ((t_ms - d0) as f64 / (30.0 * DAY as f64)).min(1.0);
                    (f64::from(findings) * share).floor() as u32
                });
                Inspection {
                    name: format!("{year}年第{q}季度巡检"),
                    planned_ms,
                    done_ms,
                    findings,
                    fixed,
                }
            })
            .collect()
    }

    fn uplink_at(&self, t_ms: TimestampMs) -> Uplink {
        let interval_ms = 5 * MIN;
        let hour_slot = t_ms.div_euclid(HOUR);
        // A few hours a month the line drops for a while.
        let mut outage = Draw::new(hash(&[self.seed, hour_slot as u64, 0x0E]));
        let outage_from = hour_slot * HOUR + (outage.range(0.0, 40.0) * MIN as f64) as i64;
        let outage_to = outage_from + (outage.range(5.0, 20.0) * MIN as f64) as i64;
        let down = outage.next() < 0.02 && (outage_from..outage_to).contains(&t_ms);
        // The newest report sent: each is due on the 5-minute mark, sent a little after, sometimes late.
        let lag_of = |slot: i64| {
            let mut d = Draw::new(hash(&[self.seed, slot as u64, 0x4B]));
            if d.next() < 0.03 {
                d.range(120.0, 290.0)
            } else {
                d.range(2.0, 20.0)
            }
        };
        let mut slot = t_ms.div_euclid(interval_ms);
        let mut sent_at = slot * interval_ms + (lag_of(slot) * 1000.0) as i64;
        // While the line is down, nothing has gone out since the outage began.
        let sent_before = if down { outage_from } else { t_ms };
        while sent_at > sent_before {
            slot -= 1;
            sent_at = slot * interval_ms + (lag_of(slot) * 1000.0) as i64;
        }
        let day_start = beijing(local_date(t_ms), 0);
        let reports_today = if sent_at < day_start {
            0
        } else {
            ((sent_at - day_start) / interval_ms + 1) as u64
        };
        let per_report = 1_180 + u64::from(str_hash("records") as u8 % 40);
        let sent_today = reports_today * per_report;
        // Most days HQ acknowledges everything; the last batch is pending a few seconds,
        // and on an odd day a handful of records go missing (口径不一致).
        let mut day = Draw::new(hash(&[self.seed, (day_start / DAY) as u64, 0xAC]));
        let missing = if day.next() < 0.08 {
            day.range(2.0, 9.0) as u64
        } else {
            0
        };
        let pending = if t_ms - sent_at < 30_000 {
            per_report
        } else {
            0
        };
        Uplink {
            connected: !down,
            last_report_ms: Some(sent_at),
            interval_s: 300,
            lag_s: lag_of(slot),
            sent_today,
            acked_today: sent_today.saturating_sub(missing + pending),
        }
    }

    fn platform_at(&self, t_ms: TimestampMs) -> Vec<Subsystem> {
        let slot_ms = 6 * HOUR;
        SUBSYSTEMS
            .iter()
            .map(|name| {
                let salt = hash(&[self.seed, str_hash(name), 0x9F]);
                // Look back over recent 6-hour slots for the latest outage.
                let mut up = true;
                let mut since = beijing(local_date(t_ms), 0);
                for back in 0..8 {
                    let slot = t_ms.div_euclid(slot_ms) - back;
                    let mut d = Draw::new(hash(&[salt, slot as u64]));
                    if d.next() >= 0.05 {
                        continue;
                    }
                    let from = slot * slot_ms + (d.range(0.0, 5.0) * HOUR as f64) as i64;
                    let to = from + (d.range(10.0, 60.0) * MIN as f64) as i64;
                    if from > t_ms {
                        continue;
                    }
                    (up, since) = if t_ms < to { (false, from) } else { (true, to) };
                    break;
                }
                let mut d = Draw::new(hash(&[salt, (t_ms / MIN) as u64]));
                Subsystem {
                    name: (*name).to_owned(),
                    up,
                    since_ms: since,
                    response_ms: if up {
                        d.range(60.0, 420.0).round()
                    } else {
                        0.0
                    },
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> TimestampMs {
        crate::parse_time(s).unwrap()
    }

    #[test]
    fn every_database_has_a_recent_weekly_backup_and_a_few_fail() {
        let e = Estate::new(2);
        let mut failed = 0;
        let mut unverified = 0;
        // Daily at noon for half a year: a failed Sunday run shows until Monday's rerun.
        for day in 0..182 {
            let t = at("2026-06-01 12:00") + day * DAY;
            let backups = e.routine_at(t).backups;
            assert_eq!(backups.len(), 6);
            for b in backups {
                let age = t - b.last_full_ms.unwrap();
                assert!(
                    age < 9 * DAY,
                    "{} last backed up {} days ago",
                    b.target,
                    age / DAY
                );
                failed += usize::from(b.last_attempt_failed);
                unverified += usize::from(b.verified == Some(false));
            }
        }
        assert!(failed > 0 && failed < 60, "{failed} failed");
        assert!(unverified < 100, "{unverified} unverified");
    }

    #[test]
    fn a_sunday_backup_appears_once_it_has_finished() {
        let e = Estate::new(2);
        let before = e.routine_at(at("2026-12-06 00:30")).backups;
        let after = e.routine_at(at("2026-12-06 09:00")).backups;
        for (b, a) in before.iter().zip(&after) {
            assert!(b.last_full_ms.unwrap() < at("2026-12-06 00:00"));
            if !a.last_attempt_failed {
                assert!(a.last_full_ms.unwrap() > at("2026-12-06 01:00"), "{a:?}");
            }
        }
    }

    #[test]
    fn four_inspections_a_year_done_in_order_with_findings_fixed_over_time() {
        let e = Estate::new(2);
        let r = e.routine_at(at("2026-12-03 10:00"));
        assert_eq!(r.inspections.len(), 4);
        assert!(r.inspections.iter().all(|i| i.done_ms.is_some()));
        assert!(r.inspections.iter().all(|i| i.fixed <= i.findings));
        let r = e.routine_at(at("2026-06-01 10:00"));
        let done = r.inspections.iter().filter(|i| i.done_ms.is_some()).count();
        assert_eq!(done, 2);
    }

    #[test]
    fn the_uplink_reports_every_five_minutes_and_acks_are_mostly_consistent() {
        let e = Estate::new(2);
        let mut consistent = 0;
        let mut disconnected = 0;
        let total = 30 * 24;
        for h in 0..total {
            let t = at("2026-11-01 00:00") + h * HOUR + 17 * MIN;
            let u = e.routine_at(t).uplink.unwrap();
            let age = t - u.last_report_ms.unwrap();
            if u.connected {
                assert!(age <= 10 * MIN, "report {age} ms old at hour {h}");
            } else {
                disconnected += 1;
            }
            assert!(u.acked_today <= u.sent_today);
            consistent += usize::from(u.acked_today == u.sent_today);
        }
        assert!(
            consistent > total as usize * 3 / 4,
            "{consistent} of {total}"
        );
        assert!(consistent < total as usize, "never inconsistent");
        assert!(disconnected < 40);
    }
}
