//! The `platform` source: the bureau's ops platform over its REST API
//! (`docs/platform-api.md`). Reads targets, the newest samples, alerts,
//! tickets and routine status every interval, history once at start, and
//! opens tickets from alerts (转工单) by posting to it.

use serde::de::DeserializeOwned;
use tracing::info;

use super::SourceCommand;
use super::config::SourceSpec;
use super::http::{Env, FetchError, HttpClient};
use super::scheduler::Fetcher;
use crate::api::{self, NewTicket, Page, WireSample, paths};
use crate::model::{
    Alert, AppSystem, Inventory, Routine, Sample, SeriesKey, Target, Ticket, TimestampMs,
};
use crate::store::Update;

/// Pages followed per list at most: a platform cannot make one fetch endless.
const MAX_PAGES: usize = 200;

/// Step of the history fetched at start, ms.
const HISTORY_STEP_MS: i64 = 60_000;

pub struct Platform {
    name: String,
    http: HttpClient,
    backfill_ms: i64,
    /// Filled after the first successful history fetch.
    backfilled: bool,
    inventory: Option<Inventory>,
}

impl Platform {
    pub fn new(spec: &SourceSpec) -> Result<Platform, FetchError> {
        Platform::with_env(spec, &|var| std::env::var(var).ok())
    }

    /// Reads credentials through `env` instead of the process environment.
    pub fn with_env(spec: &SourceSpec, env: &Env) -> Result<Platform, FetchError> {
        Ok(Platform {
            name: spec.name.clone(),
            http: HttpClient::with_env(spec, env)?,
            backfill_ms: (spec.backfill_h * 3_600_000.0) as i64,
            backfilled: false,
            inventory: None,
        })
    }

    /// Every page of a list, at the instant of its first page.
    async fn all<T: DeserializeOwned + Send + 'static>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<(TimestampMs, Vec<T>), FetchError> {
        let mut first: Page<T> = self.http.get(path, query).await?;
        let at = first.at_ms;
        let mut items = std::mem::take(&mut first.items);
        let mut next = first.next;
        let mut pages = 1;
        while let Some(cursor) = next {
            pages += 1;
            if pages > MAX_PAGES {
                return Err(FetchError::Shape(format!("{path} 分页超过 {MAX_PAGES} 页")));
            }
            let mut q = query.to_vec();
            q.push(("cursor", cursor));
            let page: Page<T> = self.http.get(path, &q).await?;
            items.extend(page.items);
            next = page.next;
        }
        Ok((at, items))
    }

    fn samples(&self, at_ms: TimestampMs, wire: Vec<WireSample>) -> Vec<Update> {
        let samples = wire
            .into_iter()
            .filter(|s| s.value.is_finite())
            .map(|s| {
                (
                    SeriesKey::new(s.kpi, s.target),
                    Sample {
                        t_ms: s.t_ms,
                        value: s.value,
                    },
                )
            })
            .collect();
        Update::sample_batches(&self.name, at_ms, samples)
    }

    async fn tickets(&self) -> Result<Update, FetchError> {
        let (at, tickets) = self.all::<Ticket>(paths::TICKETS, &[]).await?;
        Ok(Update::Tickets {
            source: self.name.clone(),
            at_ms: at,
            tickets,
        })
    }
}

impl Fetcher for Platform {
    async fn fetch(&mut self) -> Result<Vec<Update>, FetchError> {
        let about: api::About = self.http.get(paths::ABOUT, &[]).await?;
        if about.api != "opswall-platform" || about.version != 1 {
            return Err(FetchError::Shape(format!(
                "不是平台接口 v1（api={}, version={}）",
                about.api, about.version
            )));
        }
        let mut updates = Vec::new();
        let (_, systems) = self.all::<AppSystem>(paths::SYSTEMS, &[]).await?;
        let (_, targets) = self.all::<Target>(paths::TARGETS, &[]).await?;
        // What this fetch learns is kept only once all of it has arrived: a
        // fetch that fails or times out halfway sends nothing.
        let inventory = Inventory { systems, targets };
        let new_inventory = self.inventory.as_ref() != Some(&inventory);
        if new_inventory {
            updates.push(Update::Inventory {
                source: self.name.clone(),
                inventory: inventory.clone(),
            });
        }
        let mut backfilled = self.backfilled;
        if self.fetches_history() {
            // History in one update per page, so a long one never sits in memory twice.
            let to = about.now_ms;
            let query = [
                ("from_ms", (to - self.backfill_ms).to_string()),
                ("to_ms", to.to_string()),
                ("step_ms", HISTORY_STEP_MS.to_string()),
            ];
            let mut page: Page<WireSample> = self.http.get(paths::SAMPLES, &query).await?;
            let mut pages = 1;
            loop {
                let next = page.next.take();
                let at = page.items.last().map_or(page.at_ms, |s| s.t_ms);
                updates.extend(self.samples(at, std::mem::take(&mut page.items)));
                let Some(cursor) = next else { break };
                pages += 1;
                if pages > MAX_PAGES * 10 {
                    return Err(FetchError::Shape("历史数据分页过多".into()));
                }
                let mut q = query.to_vec();
                q.push(("cursor", cursor));
                page = self.http.get(paths::SAMPLES, &q).await?;
            }
            backfilled = true;
            info!(source = %self.name, pages, "history fetched");
        }
        let (at, latest) = self.all::<WireSample>(paths::LATEST, &[]).await?;
        updates.extend(self.samples(at, latest));
        let (at, alerts) = self.all::<Alert>(paths::ALERTS, &[]).await?;
        updates.push(Update::Alerts {
            source: self.name.clone(),
            at_ms: at,
            alerts,
        });
        updates.push(self.tickets().await?);
        let routine: Routine = self.http.get(paths::STATUS, &[]).await?;
        updates.push(Update::Routine {
            source: self.name.clone(),
            at_ms: about.now_ms,
            routine,
        });
        if new_inventory {
            self.inventory = Some(inventory);
        }
        self.backfilled = backfilled;
        Ok(updates)
    }

    fn fetches_history(&self) -> bool {
        !self.backfilled && self.backfill_ms > 0
    }

    async fn command(&mut self, command: SourceCommand) -> Result<Vec<Update>, FetchError> {
        let SourceCommand::CreateTicket { alert } = command;
        let body = NewTicket {
            alert_id: alert.id.clone(),
        };
        let ticket: Ticket = self.http.post(paths::TICKETS, &body).await?;
        info!(source = %self.name, alert = %alert.id, ticket = %ticket.id, "ticket opened on the platform");
        Ok(vec![self.tickets().await?])
    }
}
