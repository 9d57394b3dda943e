//! `opswall sim --listen`: the simulated estate served through the platform
//! API, so the `platform` source (and anything else) can be tested against a
//! real HTTP server that behaves like the bureau's ops platform.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use tracing::info;

use super::{
    About, ApiError, MAX_PAGE, NewTicket, Page, PageQuery, SamplesQuery, WireSample, decode_cursor,
    encode_cursor, paths,
};
use crate::model::TimestampMs;
use crate::sim::{Estate, SimClock};
use crate::sources::sim::ManualTickets;

/// The most instants one history request may span.
const MAX_INSTANTS: i64 = 100_000;

/// What the server serves.
pub struct SimPlatform {
    pub estate: Estate,
    pub clock: SimClock,
    /// Data changes on this grid, ms (the simulated collection interval).
    pub tick_ms: i64,
    /// When set, every request must carry `Authorization: Bearer <token>`.
    pub token: Option<String>,
    pub name: String,
    manual: Mutex<ManualTickets>,
    /// Label text of every series, made once.
    exposition: crate::sim::expose::Exposition,
}

impl SimPlatform {
    pub fn new(estate: Estate, clock: SimClock, tick_s: f64, token: Option<String>) -> SimPlatform {
        SimPlatform {
            clock,
            tick_ms: ((tick_s * 1000.0) as i64).max(1000),
            token,
            name: crate::sim::SOURCE_NAME.to_owned(),
            manual: Mutex::new(ManualTickets::default()),
            exposition: crate::sim::expose::Exposition::new(&estate),
            estate,
        }
    }

    /// The newest data instant: the clock rounded down to the tick.
    fn now(&self) -> TimestampMs {
        self.clock.now_ms().div_euclid(self.tick_ms) * self.tick_ms
    }

    fn manual(&self) -> std::sync::MutexGuard<'_, ManualTickets> {
        self.manual.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

type Shared = Arc<SimPlatform>;

/// The API's routes over a simulated platform.
pub fn router(platform: Shared) -> axum::Router {
    axum::Router::new()
        .route(paths::ABOUT, get(about))
        .route(paths::SYSTEMS, get(systems))
        .route(paths::TARGETS, get(targets))
        .route(paths::LATEST, get(latest))
        .route(paths::SAMPLES, get(samples))
        .route(paths::ALERTS, get(alerts))
        .route(paths::TICKETS, get(tickets).post(create_ticket))
        .route(paths::STATUS, get(status))
        .route("/metrics", get(metrics))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "no such path in API v1") })
        .with_state(platform)
}

/// Serves until the listener fails or the task is dropped.
pub async fn serve(listener: tokio::net::TcpListener, platform: Shared) -> std::io::Result<()> {
    let addr = listener.local_addr()?;
    info!(%addr, "platform API listening");
    axum::serve(listener, router(platform)).await
}

/// Binds `addr` and serves on a task of the current runtime. Returns the bound address.
pub async fn spawn(addr: SocketAddr, platform: Shared) -> std::io::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    tokio::spawn(async move {
        if let Err(e) = serve(listener, platform).await {
            tracing::error!(error = %e, "platform API stopped");
        }
    });
    Ok(bound)
}

fn error(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(ApiError {
            error: message.to_owned(),
        }),
    )
        .into_response()
}

/// Checks the bearer token when the server has one.
fn authorize(p: &SimPlatform, headers: &HeaderMap) -> Result<(), Box<Response>> {
    let Some(token) = &p.token else {
        return Ok(());
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if given == Some(token.as_str()) {
        Ok(())
    } else {
        Err(Box::new(error(
            StatusCode::UNAUTHORIZED,
            "missing or wrong bearer token",
        )))
    }
}

/// The instant and offset a list request is for.
fn position(p: &SimPlatform, q: &PageQuery) -> Result<(TimestampMs, usize, usize), Box<Response>> {
    let limit = q.limit.unwrap_or(MAX_PAGE).clamp(1, MAX_PAGE);
    match &q.cursor {
        None => Ok((p.now(), 0, limit)),
        Some(c) => decode_cursor(c)
            .map(|(at, offset)| (at, offset, limit))
            .ok_or_else(|| Box::new(error(StatusCode::BAD_REQUEST, "unreadable cursor"))),
    }
}

/// One page of `all`, computed at the pinned instant.
fn page<T: Serialize>(all: Vec<T>, at_ms: TimestampMs, offset: usize, limit: usize) -> Response {
    let end = offset.saturating_add(limit).min(all.len());
    let next = (end < all.len()).then(|| encode_cursor(at_ms, end));
    let items: Vec<T> = all
        .into_iter()
        .skip(offset)
        .take(end - offset.min(end))
        .collect();
    Json(Page { at_ms, items, next }).into_response()
}

/// The query string, or the 400 to answer with. Read after the token check,
/// so a caller without the token learns nothing from it.
type Params<T> = Result<Query<T>, QueryRejection>;

fn params<T>(q: Params<T>) -> Result<T, Box<Response>> {
    q.map(|Query(q)| q)
        .map_err(|e| Box::new(error(StatusCode::BAD_REQUEST, &e.body_text())))
}

/// A list endpoint: authorise, read the query, find the instant, compute, page.
fn list<T: Serialize>(
    p: &SimPlatform,
    headers: &HeaderMap,
    q: Params<PageQuery>,
    compute: impl FnOnce(&SimPlatform, TimestampMs) -> Vec<T>,
) -> Response {
    if let Err(r) = authorize(p, headers) {
        return *r;
    }
    let q = match params(q) {
        Ok(q) => q,
        Err(r) => return *r,
    };
    match position(p, &q) {
        Ok((at, offset, limit)) => page(compute(p, at), at, offset, limit),
        Err(r) => *r,
    }
}

async fn about(State(p): State<Shared>, headers: HeaderMap) -> Response {
    if let Err(r) = authorize(&p, &headers) {
        return *r;
    }
    Json(About {
        api: "opswall-platform".into(),
        version: 1,
        name: p.name.clone(),
        now_ms: p.now(),
        interval_s: p.tick_ms as f64 / 1000.0,
    })
    .into_response()
}

async fn systems(State(p): State<Shared>, h: HeaderMap, q: Params<PageQuery>) -> Response {
    list(&p, &h, q, |p, _| p.estate.inventory().systems.clone())
}

async fn targets(State(p): State<Shared>, h: HeaderMap, q: Params<PageQuery>) -> Response {
    list(&p, &h, q, |p, _| p.estate.inventory().targets.clone())
}

fn wire(samples: Vec<(crate::model::SeriesKey, crate::model::Sample)>) -> Vec<WireSample> {
    samples
        .into_iter()
        .map(|(k, s)| WireSample {
            kpi: k.kpi,
            target: k.target,
            t_ms: s.t_ms,
            value: s.value,
        })
        .collect()
}

async fn latest(State(p): State<Shared>, h: HeaderMap, q: Params<PageQuery>) -> Response {
    list(&p, &h, q, |p, at| wire(p.estate.samples_at(at)))
}

async fn samples(State(p): State<Shared>, headers: HeaderMap, q: Params<SamplesQuery>) -> Response {
    if let Err(r) = authorize(&p, &headers) {
        return *r;
    }
    let q = match params(q) {
        Ok(q) => q,
        Err(r) => return *r,
    };
    let step = q.step_ms.max(1_000);
    let first = q.from_ms.div_euclid(step) * step;
    let last = q.to_ms.min(p.now()).div_euclid(step) * step;
    if last < first || (last - first) / step > MAX_INSTANTS {
        return error(
            StatusCode::BAD_REQUEST,
            "from_ms..to_ms must be ordered and span at most 100000 steps",
        );
    }
    let start = match &q.cursor {
        None => first,
        Some(c) => match decode_cursor(c) {
            Some((t, _)) if t >= first && t <= last => t,
            _ => return error(StatusCode::BAD_REQUEST, "unreadable cursor"),
        },
    };
    let limit = q.limit.unwrap_or(MAX_PAGE * 20).clamp(1, MAX_PAGE * 20);
    // Whole instants only, at least one, until the page is full.
    let mut items = Vec::new();
    let mut t = start;
    while t <= last && (items.is_empty() || items.len() < limit) {
        let batch = wire(p.estate.samples_at(t));
        if !items.is_empty() && items.len() + batch.len() > limit {
            break;
        }
        items.extend(batch);
        t += step;
    }
    let next = (t <= last).then(|| encode_cursor(t, 0));
    Json(Page {
        at_ms: last,
        items,
        next,
    })
    .into_response()
}

async fn alerts(State(p): State<Shared>, h: HeaderMap, q: Params<PageQuery>) -> Response {
    list(&p, &h, q, |p, at| p.estate.alerts_at(at))
}

async fn tickets(State(p): State<Shared>, h: HeaderMap, q: Params<PageQuery>) -> Response {
    list(&p, &h, q, |p, at| p.manual().tickets_at(&p.estate, at))
}

async fn status(State(p): State<Shared>, headers: HeaderMap) -> Response {
    if let Err(r) = authorize(&p, &headers) {
        return *r;
    }
    Json(p.estate.routine_at(p.now())).into_response()
}

/// `GET /metrics`: the newest tick in Prometheus text exposition, every
/// sample stamped with its simulated instant.
async fn metrics(State(p): State<Shared>, headers: HeaderMap) -> Response {
    if let Err(r) = authorize(&p, &headers) {
        return *r;
    }
    let body = p.exposition.text_at(&p.estate, p.now());
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response()
}

/// 转工单: opens a ticket for an active alert. 201 with the ticket; 404 for an
/// alert the platform does not have; 409 when the alert already has a ticket.
async fn create_ticket(
    State(p): State<Shared>,
    headers: HeaderMap,
    body: Result<Json<NewTicket>, axum::extract::rejection::JsonRejection>,
) -> Response {
    if let Err(r) = authorize(&p, &headers) {
        return *r;
    }
    let Ok(Json(new)) = body else {
        return error(
            StatusCode::BAD_REQUEST,
            "body must be JSON {\"alert_id\": \"…\"}",
        );
    };
    let now = p.clock.now_ms();
    let Some(alert) = p
        .estate
        .alerts_at(p.now())
        .into_iter()
        .find(|a| a.id == new.alert_id)
    else {
        return error(StatusCode::NOT_FOUND, "no such alert");
    };
    let mut manual = p.manual();
    if !manual.open(&p.estate, alert, now) {
        return error(StatusCode::CONFLICT, "the alert already has a ticket");
    }
    let ticket = manual
        .tickets_at(&p.estate, now)
        .into_iter()
        .find(|t| t.alerts.contains(&new.alert_id));
    drop(manual);
    info!(alert = %new.alert_id, "ticket opened from an alert over the API");
    match ticket {
        Some(t) => (StatusCode::CREATED, Json(t)).into_response(),
        None => error(StatusCode::INTERNAL_SERVER_ERROR, "the ticket was not kept"),
    }
}
