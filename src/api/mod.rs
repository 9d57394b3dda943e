//! The ops platform's REST API, version 1, as opswall speaks it: the wire
//! types shared by the `platform` source (client) and `opswall sim --listen`
//! (server). `docs/platform-api.md` is the human description; this module is
//! the definition both sides compile against.
//!
//! Every list is paged: a response carries `items`, the data instant `at_ms`
//! and a `next` cursor (absent on the last page). A cursor pins the instant,
//! so the pages of one list describe one moment even while the estate moves.

pub mod server;

use serde::{Deserialize, Serialize};

use crate::model::{Alert, AppSystem, Routine, Target, Ticket, TimestampMs};

/// Every path starts with this.
pub const PREFIX: &str = "/api/v1";

/// Items per page when the client does not say; also the most it may ask
/// for (`/samples` pages are up to 20 times larger).
pub const MAX_PAGE: usize = 5_000;

/// `GET /api/v1/about`: who answers and how often its data changes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct About {
    /// Always `opswall-platform`.
    pub api: String,
    /// Always 1 for this version.
    pub version: u32,
    /// The platform's own name, e.g. `运维平台`.
    pub name: String,
    /// The platform's clock, UTC ms.
    pub now_ms: TimestampMs,
    /// Seconds between new measurements.
    pub interval_s: f64,
}

/// One page of a list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    /// The instant the list describes, UTC ms.
    pub at_ms: TimestampMs,
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// One measured value on the wire.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WireSample {
    pub kpi: String,
    pub target: String,
    pub t_ms: TimestampMs,
    /// A gap is `null` (JSON has no `NaN`); the client drops it.
    #[serde(deserialize_with = "number_or_gap")]
    pub value: f64,
}

/// A number, or `null` for a gap (read as `NaN`).
fn number_or_gap<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}

/// Query of the list endpoints: `cursor` and `limit`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    pub cursor: Option<String>,
    #[serde(default)]
    pub limit: Option<usize>,
}

/// Query of `GET /api/v1/samples`: every series every `step_ms` from `from_ms` to `to_ms`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SamplesQuery {
    pub from_ms: TimestampMs,
    pub to_ms: TimestampMs,
    pub step_ms: i64,
    #[serde(default)]
    pub cursor: Option<String>,
    #[serde(default)]
    pub limit: Option<usize>,
}

/// Body of `POST /api/v1/tickets`: open a ticket for an alert (转工单).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewTicket {
    pub alert_id: String,
}

/// Body of every error response.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiError {
    pub error: String,
}

/// The list endpoints and what each returns, for clients that page through them.
pub mod paths {
    /// `Page<AppSystem>`.
    pub const SYSTEMS: &str = "/api/v1/systems";
    /// `Page<Target>`.
    pub const TARGETS: &str = "/api/v1/targets";
    /// `Page<WireSample>`: the newest sample of every series.
    pub const LATEST: &str = "/api/v1/latest";
    /// `Page<WireSample>`: history, see [`super::SamplesQuery`].
    pub const SAMPLES: &str = "/api/v1/samples";
    /// `Page<Alert>`: active alerts and those cleared in the last minutes.
    pub const ALERTS: &str = "/api/v1/alerts";
    /// `Page<Ticket>` (GET), or a new `Ticket` (POST [`super::NewTicket`]).
    pub const TICKETS: &str = "/api/v1/tickets";
    /// [`crate::model::Routine`]: backups, inspections, HQ uplink, platform subsystems.
    pub const STATUS: &str = "/api/v1/status";
    /// [`super::About`].
    pub const ABOUT: &str = "/api/v1/about";
}

/// Types the list endpoints carry, named for documentation and tests.
pub type SystemsPage = Page<AppSystem>;
pub type TargetsPage = Page<Target>;
pub type SamplesPage = Page<WireSample>;
pub type AlertsPage = Page<Alert>;
pub type TicketsPage = Page<Ticket>;
pub type Status = Routine;

/// A cursor: the pinned instant and the offset of the next item.
pub fn encode_cursor(at_ms: TimestampMs, offset: usize) -> String {
    format!("{at_ms}.{offset}")
}

/// Reads a cursor made by [`encode_cursor`].
pub fn decode_cursor(cursor: &str) -> Option<(TimestampMs, usize)> {
    let (at, offset) = cursor.split_once('.')?;
    Some((at.parse().ok()?, offset.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let c = encode_cursor(1_796_264_400_000, 42);
        assert_eq!(decode_cursor(&c), Some((1_796_264_400_000, 42)));
        assert_eq!(decode_cursor("x.1"), None);
        assert_eq!(decode_cursor("12"), None);
        assert_eq!(decode_cursor("1.-3"), None);
    }

    #[test]
    fn a_gap_on_the_wire_is_null_and_reads_as_nan() {
        let s: WireSample =
            serde_json::from_str(r#"{"kpi":"k","target":"t","t_ms":1,"value":null}"#).unwrap();
        assert!(s.value.is_nan());
        let s: WireSample =
            serde_json::from_str(r#"{"kpi":"k","target":"t","t_ms":1,"value":2.5}"#).unwrap();
        assert_eq!(s.value, 2.5);
        let gap = WireSample {
            value: f64::NAN,
            ..s
        };
        assert!(
            serde_json::to_string(&gap)
                .unwrap()
                .contains(r#""value":null"#)
        );
    }
}
