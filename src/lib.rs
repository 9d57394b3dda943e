//! opswall: a native command-center wall for a tax bureau's operations center.
//!
//! Data flows through the modules in this order:
//! [`sources`] (and the simulated estate, [`sim`]) → [`store`] → [`kpi`] and [`sla`] →
//! [`layout`] → [`panels`] → [`app`]. [`render`] and [`bench`] draw the same
//! panels without a window. See `ARCHITECTURE.md`.

pub mod api;
pub mod app;
pub mod assets;
pub mod bench;
pub mod kpi;
pub mod layout;
pub mod model;
pub mod panels;
pub mod render;
pub mod sim;
pub mod sla;
pub mod sources;
pub mod store;

/// Parses a time given on the command line: RFC 3339, or `YYYY-MM-DD HH:MM[:SS]`
/// in Beijing time.
pub fn parse_time(s: &str) -> Option<model::TimestampMs> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(t.timestamp_millis());
    }
    for fmt in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(s, fmt) {
            return Some(t.and_utc().timestamp_millis() - sim::time::BEIJING_OFFSET_MS);
        }
    }
    None
}
