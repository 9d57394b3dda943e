//! How each KPI moves: a base level per series, the business load, smooth
//! noise, slow growth, and what an active incident does to it.

use crate::model::{Target, TargetKind, TimestampMs};

use super::incidents::{Incident, IncidentKind};
use super::rng::{Draw, noise};
use super::time::{days, filing_pressure, load};
use super::{Estate, SimSeries};

const MINUTE_MS: i64 = 60_000;
const GIB: f64 = 1_073_741_824.0;

/// Everything shared by all series at one instant, computed once.
pub struct Moment {
    t_ms: TimestampMs,
    load: f64,
    filing: f64,
    incidents: Vec<Incident>,
}

impl Moment {
    pub fn new(estate: &Estate, t_ms: TimestampMs) -> Moment {
        Moment {
            t_ms,
            load: load(t_ms),
            filing: filing_pressure(t_ms),
            incidents: estate.incidents_at(t_ms),
        }
    }

    /// Strongest intensity of an incident of `kind` on target index `target`.
    fn hit(&self, kind: IncidentKind, target: usize) -> f64 {
        self.incidents
            .iter()
            .filter(|i| i.kind == kind && i.target == target)
            .map(|i| i.intensity(self.t_ms))
            .fold(0.0, f64::max)
    }

    /// Whether the host a target runs on (or the target itself) is unreachable.
    fn host_down(&self, estate: &Estate, target: usize) -> bool {
        let targets = &estate.inventory.targets;
        let mut host = Some(target);
        // Walk up the runs-on chain to the host.
        for _ in 0..4 {
            let Some(i) = host else { break };
            if targets[i].kind == TargetKind::Host {
                break;
            }
            host = targets[i]
                .parent
                .as_deref()
                .and_then(|p| targets.iter().position(|t| t.id == p));
        }
        host.is_some_and(|h| self.hit(IncidentKind::HostUnreachable, h) > 0.0)
    }

    /// The value of one series now; `None` when its collector cannot reach it.
    pub fn value(&self, estate: &Estate, s: &SimSeries) -> Option<f64> {
        let target = &estate.inventory.targets[s.target];
        let down = self.host_down(estate, s.target);
        let v = match target.kind {
            TargetKind::Host => self.host(s, target, down)?,
            TargetKind::Database | TargetKind::Tablespace | TargetKind::AsmDiskGroup => {
                self.oracle(s, target)
            }
            TargetKind::Weblogic | TargetKind::JdbcPool | TargetKind::JmsServer => {
                self.weblogic(s, down)?
            }
            TargetKind::Business => self.business(estate, s, target),
        };
        Some(v)
    }

    /// Noise for this series with features about `period_min` minutes apart.
    fn wobble(&self, s: &SimSeries, period_min: i64) -> f64 {
        noise(s.salt, self.t_ms, period_min * MINUTE_MS)
    }

    fn host(&self, s: &SimSeries, target: &Target, down: bool) -> Option<f64> {
        let mut p = Draw::new(s.salt ^ 0x5EED);
        let db_host = target.id.contains("-db");
        let idle = p.range(4.0, 14.0);
        let swing = if db_host {
            p.range(40.0, 55.0)
        } else {
            p.range(25.0, 50.0)
        };
        let cpu =
            (idle + swing * self.load * 0.85 + 5.0 * self.wobble(s, 7) + 2.0 * self.wobble(s, 1))
                .clamp(1.0, 99.5);
        let v = match s.key.kpi.as_str() {
            "host_icmp_up" => return Some(if down { 0.0 } else { 1.0 }),
            "host_icmp_loss_pct" => {
                let blip = self.wobble(s, 3);
                return Some(if down {
                    100.0
                } else if blip > 0.93 {
                    20.0 * (blip - 0.93) / 0.07
                } else {
                    0.0
                });
            }
            _ if down => return None,
            "host_agent_up" => 1.0,
            "host_cpu_total_pct" => cpu,
            // The user share of CPU time, from the same draw so the two agree.
            "host_cpu_user_pct" => cpu * 0.72,
            "host_mem_used_pct" => {
                let base = if target.detail.starts_with("AIX") {
                    p.range(58.0, 72.0)
                } else {
                    p.range(40.0, 66.0)
                };
                base + 14.0 * self.load + 2.5 * self.wobble(s, 11)
            }
            "host_swap_used_pct" => p.range(1.0, 22.0) + 6.0 * self.load + 1.5 * self.wobble(s, 30),
            "host_fs_used_pct" => {
                let base = p.range(35.0, 76.0);
                // Logs grow through the day and are rotated at midnight.
                let day_share = (self.t_ms + super::time::BEIJING_OFFSET_MS).rem_euclid(86_400_000)
                    as f64
                    / 86_400_000.0;
                base + 5.0 * day_share + 0.5 * self.wobble(s, 20)
            }
            _ => 0.0,
        };
        Some(v.clamp(0.0, 100.0))
    }

    fn oracle(&self, s: &SimSeries, target: &Target) -> f64 {
        let mut p = Draw::new(s.salt ^ 0xDB);
        let lock = self.hit(IncidentKind::LockWaits, s.target);
        let load = self.load;
        let v = match s.key.kpi.as_str() {
            "ora_instance_up" | "ora_listener_port_up" => 1.0,
            "ora_session_count" => {
                p.range(180.0, 420.0) + p.range(600.0, 1300.0) * load + 25.0 * self.wobble(s, 5)
            }
            "ora_session_usage_pct" | "ora_process_usage_pct" => {
                let share = if s.key.kpi == "ora_process_usage_pct" {
                    0.88
                } else {
                    1.0
                };
                share
                    * (p.range(8.0, 16.0)
                        + p.range(25.0, 45.0) * load
                        + 2.0 * self.wobble(s, 5)
                        + 15.0 * lock)
            }
            "ora_active_session_pct" => {
                p.range(3.0, 7.0) + 9.0 * load + 2.0 * self.wobble(s, 4) + 28.0 * lock
            }
            "ora_long_txn_count" => {
                (self.wobble(s, 13) * 2.0 - 0.6).max(0.0).floor() + (6.0 * lock).round()
            }
            "ora_longest_txn_minutes" => {
                (3.0 + 12.0 * load + 6.0 * self.wobble(s, 17)).max(0.5) + 80.0 * lock
            }
            "ora_long_locked_sessions" => {
                (2.0 * self.wobble(s, 9)).max(0.0).floor() + (20.0 * lock).round()
            }
            "ora_sga_size_bytes" => [32.0, 48.0, 64.0, 96.0][p.index(4)] * GIB,
            "ora_shared_pool_free_pct" => {
                p.range(16.0, 30.0) - 4.0 * load + 2.0 * self.wobble(s, 25)
            }
            "ora_pga_allocated_bytes" => {
                p.range(8.0, 24.0) * GIB * (0.45 + 0.35 * load + 0.05 * self.wobble(s, 8))
            }
            "ora_pga_used_pct" => p.range(35.0, 50.0) + 30.0 * load + 4.0 * self.wobble(s, 8),
            "ora_tablespace_used_pct" => self.tablespace(s, target, &mut p),
            "ora_asm_dg_used_pct" => {
                let base = if target.id.ends_with("+FRA") {
                    p.range(40.0, 70.0)
                } else {
                    p.range(55.0, 84.0)
                };
                // Slow growth, reset when storage is added every quarter.
                let cycle = (days(self.t_ms) + p.range(0.0, 90.0)).rem_euclid(90.0) / 90.0;
                base + 6.0 * cycle + 0.3 * self.wobble(s, 60)
            }
            _ => 0.0,
        };
        in_range(&s.key.kpi, v)
    }

    /// Tablespaces grow slowly and are extended by the DBAs when they get
    /// full; an incident makes one fill up fast.
    fn tablespace(&self, s: &SimSeries, target: &Target, p: &mut Draw) -> f64 {
        let system = target.id.contains("/SYS") || target.id.contains("/UNDO");
        let base = if system {
            p.range(30.0, 62.0)
        } else {
            p.range(48.0, 74.0)
        };
        let growth = if system { 3.0 } else { p.range(6.0, 13.0) };
        let cycle_days = p.range(40.0, 75.0);
        let phase =
            (days(self.t_ms) + p.range(0.0, cycle_days)).rem_euclid(cycle_days) / cycle_days;
        let normal = base + growth * phase + 0.2 * self.wobble(s, 30) + 1.5 * self.filing;
        let fill = self.hit(IncidentKind::TablespaceFilling, s.target);
        // At full intensity (peak ≥ 0.6 reached over the incident) it ends above 95 %.
        let full_at = 95.5 + 2.5 * fill;
        let ramp = (fill / 0.6).min(1.0);
        normal + (full_at - normal).max(0.0) * ramp
    }

    fn weblogic(&self, s: &SimSeries, down: bool) -> Option<f64> {
        let mut p = Draw::new(s.salt ^ 0x3E);
        let stuck = self.hit(IncidentKind::StuckThreads, s.target);
        let jdbc = self.hit(IncidentKind::JdbcExhausted, s.target);
        let jms = self.hit(IncidentKind::JmsBacklog, s.target);
        let load = self.load;
        if down {
            return match s.key.kpi.as_str() {
                "wls_listen_port_up" => Some(0.0),
                _ => None,
            };
        }
        let capacity = [100.0, 150.0, 200.0][p.index(3)];
        let active =
            (capacity * (p.range(0.08, 0.15) + 0.4 * load) + 4.0 * self.wobble(s, 3)).max(0.0);
        let v = match s.key.kpi.as_str() {
            "wls_server_state" => 2.0,
            // 0 ok, 4 warn, 2 overloaded (the exporter's state list).
            "wls_server_health" => {
                if stuck > 0.7 {
                    2.0
                } else if stuck > 0.3 {
                    4.0
                } else {
                    0.0
                }
            }
            "wls_heap_free_pct" => {
                p.range(38.0, 55.0) - 18.0 * load + 9.0 * self.wobble(s, 2) - 20.0 * stuck
            }
            "wls_threadpool_queue_length" => {
                (6.0 * load + 3.0 * self.wobble(s, 2)).max(0.0).round() + (320.0 * stuck).round()
            }
            "wls_pending_user_requests" => {
                (3.0 * load + 2.0 * self.wobble(s, 2)).max(0.0).round() + (160.0 * stuck).round()
            }
            "wls_stuck_thread_count" => (18.0 * stuck).round(),
            "wls_hogging_thread_count" => {
                (2.0 * load + self.wobble(s, 4)).max(0.0).round() + (30.0 * stuck).round()
            }
            "wls_listen_port_up" => 1.0,
            // Overloaded (3) once every connection is taken.
            "wls_jdbc_pool_state" => 3.0 * f64::from(u8::from(jdbc >= 0.25)),
            "wls_jdbc_active_connections" => active + (capacity - active) * (jdbc / 0.25).min(1.0),
            "wls_jdbc_pool_usage_pct" => {
                100.0 * (active + (capacity - active) * (jdbc / 0.25).min(1.0)) / capacity
            }
            "wls_jdbc_waiting_for_connection" => (40.0 * jdbc).round(),
            "wls_jdbc_leaked_connections" => (self.wobble(s, 240) * 1.5).max(0.0).floor(),
            "wls_jdbc_failed_reserve" => (60.0 * jdbc).round(),
            // Overloaded (2) when the backlog is at its worst.
            "wls_jms_server_health" => 2.0 * f64::from(u8::from(jms > 0.85)),
            "wls_jms_messages_pending" => {
                (40.0 + 400.0 * load + 60.0 * self.wobble(s, 3)).max(0.0) + 9_000.0 * jms
            }
            _ => 0.0,
        };
        Some(in_range(&s.key.kpi, v))
    }

    fn business(&self, estate: &Estate, s: &SimSeries, target: &Target) -> f64 {
        let mut p = Draw::new(s.salt ^ 0xE7A);
        let portal = target.id == super::estate::ETAX_PORTAL;
        // The portal feels every business's trouble, diluted.
        let slow = if portal {
            estate
                .candidates_businesses()
                .map(|b| self.hit(IncidentKind::EtaxLatency, b))
                .fold(0.0, f64::max)
                * 0.6
        } else {
            self.hit(IncidentKind::EtaxLatency, s.target)
        };
        let load = self.load;
        let v = match s.key.kpi.as_str() {
            "etax_portal_up" => 1.0,
            "etax_availability_pct" => 99.97 + 0.02 * self.wobble(s, 30) - 0.9 * slow,
            "etax_response_time_s" => {
                p.range(0.35, 0.8) + 0.9 * load + 0.15 * self.wobble(s, 2) + 10.0 * slow
            }
            "etax_http_error_rate_pct" => {
                (0.08 + 0.25 * load + 0.08 * self.wobble(s, 3)).max(0.0) + 7.0 * slow
            }
            "etax_online_users" => (300.0
                + 26_000.0 * load * (1.0 + 0.3 * self.wobble(s, 20))
                + 500.0 * self.wobble(s, 1))
            .max(50.0)
            .round(),
            "etax_declare_success_rate_pct"
            | "etax_payment_success_rate_pct"
            | "etax_invoice_success_rate_pct" => {
                99.6 - 0.25 * load + 0.15 * self.wobble(s, 6) - 6.5 * slow
            }
            "etax_tls_cert_days_left" => {
                // The certificate is renewed every 398 days, about a fortnight before expiry.
                let phase = (days(self.t_ms) + 211.0).rem_euclid(384.0);
                (398.0 - phase).floor()
            }
            _ => 0.0,
        };
        in_range(&s.key.kpi, v)
    }
}

/// Keeps a value in its KPI's range: percentages within 0..=100, the rest non-negative.
fn in_range(kpi: &str, v: f64) -> f64 {
    v.clamp(
        0.0,
        if kpi.ends_with("_pct") {
            100.0
        } else {
            f64::MAX
        },
    )
}

impl Estate {
    /// Target indices of the e-tax businesses (not the portal).
    fn candidates_businesses(&self) -> impl Iterator<Item = usize> + '_ {
        self.inventory
            .targets
            .iter()
            .enumerate()
            .filter(|(_, t)| t.kind == TargetKind::Business && t.id != super::estate::ETAX_PORTAL)
            .map(|(i, _)| i)
    }
}
