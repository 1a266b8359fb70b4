//! The reports' rollups: per scope and day tallies, each scope's open backlog, the facts each
//! ticket was last counted with, and what they were counted under (definitions, time zone).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use surrealdb::types::SurrealValue;

use super::{Store, StoreError, is_conflict, refusal_of};
use crate::domain::metrics::facts::{AlertOrigin, Period, TicketFacts};
use crate::domain::metrics::filter::Granularity;
use crate::domain::metrics::tally::{DayTally, OpenTally, Tallies, week_of};
use crate::domain::ticket::{Source, State, Status};

/// A ticket to count (again): its facts now, what it was counted with before, and what the
/// write must find unchanged.
pub struct Uncounted {
    pub number: String,
    pub facts: TicketFacts,
    pub counted: Option<TicketFacts>,
    guard: Guard,
}

/// The fields the facts were read from; counting is refused if any moved meanwhile.
#[derive(Clone)]
struct Guard {
    version: i64,
    first_met: Option<bool>,
    resolution_met: Option<bool>,
    counted: Option<String>,
}

/// A rollup document as read, with the revision its rewrite must find.
pub struct Doc<T> {
    pub tallies: T,
    rev: Option<i64>,
}

/// The rollups a batch of counting touches, read together.
pub struct Docs {
    pub days: BTreeMap<(String, NaiveDate), Doc<DayTally>>,
    /// By scope and the Monday of the week.
    pub weeks: BTreeMap<(String, NaiveDate), Doc<DayTally>>,
    pub open: BTreeMap<String, Doc<OpenTally>>,
}

#[derive(SurrealValue)]
pub(super) struct FactsRow {
    pub(super) number: String,
    pub(super) version: i64,
    pub(super) created_at: DateTime<Utc>,
    pub(super) department: String,
    pub(super) source: String,
    pub(super) priority: String,
    pub(super) status: String,
    pub(super) state: String,
    pub(super) assignee: Option<String>,
    pub(super) alert_source: Option<String>,
    pub(super) alert_rule: Option<String>,
    pub(super) resolution: Option<String>,
    pub(super) first_response_at: Option<DateTime<Utc>>,
    pub(super) acknowledged_at: Option<DateTime<Utc>>,
    pub(super) closed_at: Option<DateTime<Utc>>,
    pub(super) closed_by: Option<String>,
    pub(super) status_log: Vec<LogRow>,
    pub(super) first_met: Option<bool>,
    pub(super) resolution_met: Option<bool>,
    pub(super) observables: Option<String>,
    pub(super) replies: Vec<ReplyRow>,
    pub(super) stats_facts: Option<String>,
    pub(super) stats_generation: Option<i64>,
}

#[derive(SurrealValue)]
pub(super) struct LogRow {
    pub(super) status: String,
    pub(super) at: DateTime<Utc>,
}

#[derive(SurrealValue)]
pub(super) struct ReplyRow {
    pub(super) agent: Option<String>,
    pub(super) at: DateTime<Utc>,
}

#[derive(SurrealValue)]
struct DocRow {
    key: Vec<String>,
    tallies: String,
    rev: i64,
}

#[derive(SurrealValue)]
struct MetaRow {
    version: i64,
    time_zone: String,
    generation: i64,
}

/// What the rollups are counted under: the definitions version and time zone, and the count
/// they belong to (bumped by every recount; facts of an older one are as good as none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Basis {
    pub version: u32,
    pub time_zone: String,
    pub generation: i64,
}

const FACTS_FIELDS: &str = "number, version, created_at, record::id(department) AS department, source,
    record::id(priority) AS priority, record::id(status) AS status, state,
    (IF assignee { record::id(assignee) } ELSE { NONE }) AS assignee, alert_source, alert_rule, resolution,
    first_response_at, acknowledged_at, closed_at, closed_by, status_log ?? [] AS status_log,
    sla_first_response_met AS first_met, sla_resolution_met AS resolution_met, observables,
    stats_facts, stats_generation, id";

/// The rows of `select` (a `SELECT {FACTS_FIELDS}` statement) with each ticket's agent replies.
/// The replies are read per row through its id: a subquery on `$parent.id` is planned before the
/// id is known and scans every thread entry, once per ticket.
fn with_replies(select: &str) -> String {
    format!(
        "LET $rows = ({select});
         RETURN $rows.map(|$r| object::extend($r, {{ replies: (SELECT (IF author {{ record::id(author) }} ELSE {{ NONE }}) AS agent, at
            FROM thread_entry WHERE ticket = $r.id AND kind = 'agent_reply') }}));"
    )
}

impl FactsRow {
    /// The facts, with each status of the log read as it is configured now (`statuses`); what
    /// was counted before only if it was counted in `generation`.
    pub(super) fn into_uncounted(
        self,
        statuses: &[Status],
        generation: i64,
    ) -> Result<Uncounted, StoreError> {
        let corrupt =
            |what: &str, e: &dyn std::fmt::Display| StoreError::Corrupt(format!("{what}: {e}"));
        let counted = self
            .stats_facts
            .as_deref()
            .filter(|_| self.stats_generation == Some(generation))
            .map(serde_json::from_str::<TicketFacts>)
            .transpose()
            .map_err(|e| corrupt("counted facts", &e))?;
        let open = super::catalog::parse_state(&self.state)? == State::Open;
        let periods = self
            .status_log
            .iter()
            .map(|entry| {
                let status = statuses.iter().find(|s| s.key == entry.status);
                Period {
                    at: entry.at,
                    open: status.map_or(open, |s| s.state == State::Open),
                    pauses: status.is_some_and(|s| s.pauses_sla),
                }
            })
            .collect();
        let observables = match self.observables.as_deref() {
            None => Vec::new(),
            Some(json) => serde_json::from_str::<Vec<serde_json::Value>>(json)
                .map_err(|e| corrupt("observables", &e))?
                .iter()
                .filter_map(|o| {
                    Some(format!(
                        "{}:{}",
                        o.get("kind")?.as_str()?,
                        o.get("value")?.as_str()?
                    ))
                })
                .collect(),
        };
        let facts = TicketFacts {
            created_at: self.created_at,
            department: self.department,
            source: Source::parse(&self.source)
                .ok_or_else(|| StoreError::Corrupt(format!("source {}", self.source)))?,
            priority: self.priority,
            status: self.status,
            open,
            assignee: self.assignee,
            alert: self.alert_source.map(|source| AlertOrigin {
                source,
                rule: self.alert_rule,
            }),
            resolution: self.resolution,
            first_response_at: self.first_response_at,
            acknowledged_at: self.acknowledged_at,
            closed_at: self.closed_at,
            closed_by: self.closed_by,
            periods,
            first_response_met: self.first_met,
            resolution_met: self.resolution_met,
            observables,
            replies: self
                .replies
                .into_iter()
                .filter_map(|r| Some((r.agent?, r.at)))
                .collect(),
        };
        Ok(Uncounted {
            number: self.number,
            facts,
            counted,
            guard: Guard {
                version: self.version,
                first_met: self.first_met,
                resolution_met: self.resolution_met,
                counted: self.stats_facts,
            },
        })
    }
}

pub(super) fn to_json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

pub(super) fn day_key(scope: &str, day: NaiveDate) -> Vec<String> {
    vec![scope.to_string(), day.to_string()]
}

/// `[scope, day]` read back.
fn dated_key(key: &[String]) -> Result<(String, NaiveDate), StoreError> {
    match (key.first(), key.get(1).and_then(|d| d.parse().ok())) {
        (Some(scope), Some(day)) => Ok((scope.clone(), day)),
        _ => Err(StoreError::Corrupt(format!("rollup key {key:?}"))),
    }
}

fn parse<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt(format!("rollup: {e}")))
}

impl Store {
    /// What the rollups are counted under; none before the first count.
    pub async fn metrics_basis(&self) -> Result<Option<Basis>, StoreError> {
        let row: Option<MetaRow> = self
            .db
            .query("SELECT version, time_zone, generation ?? 0 AS generation FROM ONLY metric_meta:current")
            .await?
            .take(0)?;
        Ok(row.map(|r| Basis {
            version: u32::try_from(r.version).unwrap_or(0),
            time_zone: r.time_zone,
            generation: r.generation,
        }))
    }

    /// Forgets every rollup and starts a new count under a new basis; returns it. The tickets
    /// are then marked with [`Store::mark_uncounted`] (what they were counted with before
    /// belongs to the old count and is ignored).
    pub async fn recount_metrics(
        &self,
        version: u32,
        time_zone: &str,
    ) -> Result<Basis, StoreError> {
        let generation: Option<i64> = self
            .db
            .query(
                "BEGIN TRANSACTION;
                 DELETE metric_day; DELETE metric_week; DELETE metric_open;
                 LET $next = ((SELECT VALUE generation FROM ONLY metric_meta:current) ?? 0) + 1;
                 UPSERT metric_meta:current CONTENT { version: $version, time_zone: $time_zone, generation: $next };
                 RETURN $next;
                 COMMIT TRANSACTION;",
            )
            .bind(("version", i64::from(version)))
            .bind(("time_zone", time_zone.to_string()))
            .await?
            .take(6)?;
        Ok(Basis {
            version,
            time_zone: time_zone.to_string(),
            generation: generation
                .ok_or_else(|| StoreError::Corrupt("metric generation".into()))?,
        })
    }

    /// Marks up to `limit` counted tickets to be counted again; returns how many it marked (a
    /// batch at a time, so recounting a million tickets is no single huge transaction).
    pub async fn mark_uncounted(&self, limit: usize) -> Result<usize, StoreError> {
        let marked: Option<i64> = self
            .db
            .query(
                "RETURN array::len(UPDATE (SELECT VALUE id FROM ticket WHERE stats_dirty = false LIMIT $limit)
                    SET stats_dirty = true RETURN VALUE id)",
            )
            .bind(("limit", limit as i64))
            .await?
            .take(0)?;
        Ok(marked.unwrap_or(0) as usize)
    }

    /// Up to `limit` tickets changed since they were last counted, with their facts (statuses
    /// read as `statuses` define them).
    pub async fn uncounted_tickets(
        &self,
        limit: usize,
        statuses: &[Status],
        generation: i64,
    ) -> Result<Vec<Uncounted>, StoreError> {
        let rows: Vec<FactsRow> = self
            .db
            .query(with_replies(&format!(
                "SELECT {FACTS_FIELDS} FROM ticket WHERE stats_dirty = true LIMIT $limit"
            )))
            .bind(("limit", limit as i64))
            .await?
            .take(1)?;
        rows.into_iter()
            .map(|r| r.into_uncounted(statuses, generation))
            .collect()
    }

    /// Every ticket's facts now, for checking the rollups against a full recount.
    pub async fn every_ticket_facts(
        &self,
        statuses: &[Status],
    ) -> Result<Vec<TicketFacts>, StoreError> {
        let rows: Vec<FactsRow> = self
            .db
            .query(with_replies(&format!("SELECT {FACTS_FIELDS} FROM ticket")))
            .await?
            .take(1)?;
        rows.into_iter()
            .map(|r| r.into_uncounted(statuses, 0).map(|u| u.facts))
            .collect()
    }

    /// How many tickets wait to be counted, up to `cap`.
    pub async fn uncounted_count(&self, cap: usize) -> Result<usize, StoreError> {
        let n: Option<i64> = self
            .db
            .query("RETURN array::len(SELECT VALUE id FROM ticket WHERE stats_dirty = true LIMIT $cap)")
            .bind(("cap", cap as i64))
            .await?
            .take(0)?;
        Ok(n.unwrap_or(0) as usize)
    }

    /// The day documents of `days` and week documents of `weeks` (scope, day or Monday) and the
    /// open documents of `scopes`; missing ones come back empty.
    pub async fn metric_docs(
        &self,
        days: &[(String, NaiveDate)],
        weeks: &[(String, NaiveDate)],
        scopes: &[String],
    ) -> Result<Docs, StoreError> {
        let ids = |keys: &[(String, NaiveDate)]| -> Vec<Vec<String>> {
            keys.iter().map(|(s, d)| day_key(s, *d)).collect()
        };
        let scope_ids: Vec<Vec<String>> = scopes.iter().map(|s| vec![s.clone()]).collect();
        let mut response = self
            .db
            .query(
                "SELECT record::id(id) AS key, tallies, rev FROM $days.map(|$k| type::record('metric_day', $k));
                 SELECT record::id(id) AS key, tallies, rev FROM $weeks.map(|$k| type::record('metric_week', $k));
                 SELECT record::id(id) AS key, tallies, rev FROM $scopes.map(|$k| type::record('metric_open', $k));",
            )
            .bind(("days", ids(days)))
            .bind(("weeks", ids(weeks)))
            .bind(("scopes", scope_ids))
            .await?;
        let day_rows: Vec<DocRow> = response.take(0)?;
        let week_rows: Vec<DocRow> = response.take(1)?;
        let open_rows: Vec<DocRow> = response.take(2)?;
        let empty = |keys: &[(String, NaiveDate)]| {
            keys.iter()
                .map(|k| {
                    (
                        k.clone(),
                        Doc {
                            tallies: DayTally::default(),
                            rev: None,
                        },
                    )
                })
                .collect()
        };
        let mut docs = Docs {
            days: empty(days),
            weeks: empty(weeks),
            open: scopes
                .iter()
                .map(|s| {
                    (
                        s.clone(),
                        Doc {
                            tallies: OpenTally::default(),
                            rev: None,
                        },
                    )
                })
                .collect(),
        };
        for (rows, into) in [(day_rows, &mut docs.days), (week_rows, &mut docs.weeks)] {
            for row in rows {
                let key = dated_key(&row.key)?;
                into.insert(
                    key,
                    Doc {
                        tallies: parse(&row.tallies)?,
                        rev: Some(row.rev),
                    },
                );
            }
        }
        for row in open_rows {
            let scope = row.key.first().cloned().unwrap_or_default();
            docs.open.insert(
                scope,
                Doc {
                    tallies: parse(&row.tallies)?,
                    rev: Some(row.rev),
                },
            );
        }
        Ok(docs)
    }

    /// Stores the rollups `docs` (as read, then changed) and marks `counted` tickets counted
    /// with their facts, in one transaction (clearing `changed`: bookkeeping is no live event). False when anything moved since it was read (a
    /// ticket changed, another process counted): nothing is written, count again.
    pub async fn save_counts(
        &self,
        generation: i64,
        counted: &[Uncounted],
        docs: &Docs,
    ) -> Result<bool, StoreError> {
        let tickets: Vec<serde_json::Value> = counted
            .iter()
            .map(|u| {
                serde_json::json!({
                    "number": u.number, "version": u.guard.version,
                    "first_met": u.guard.first_met, "resolution_met": u.guard.resolution_met,
                    "before": u.guard.counted, "facts": to_json(&u.facts),
                })
            })
            .collect();
        let days: Vec<serde_json::Value> = docs
            .days
            .iter()
            .map(|((scope, day), doc)| {
                serde_json::json!({ "key": day_key(scope, *day), "rev": doc.rev, "tallies": to_json(&doc.tallies) })
            })
            .collect();
        let weeks: Vec<serde_json::Value> = docs
            .weeks
            .iter()
            .map(|((scope, day), doc)| {
                serde_json::json!({ "key": day_key(scope, *day), "rev": doc.rev, "tallies": to_json(&doc.tallies) })
            })
            .collect();
        let open: Vec<serde_json::Value> = docs
            .open
            .iter()
            .map(|(scope, doc)| serde_json::json!({ "key": [scope], "rev": doc.rev, "tallies": to_json(&doc.tallies) }))
            .collect();
        let mut response = self
            .db
            .query(
                "BEGIN TRANSACTION;
                 IF ((SELECT VALUE generation FROM ONLY metric_meta:current) ?? 0) != $generation { THROW 'docket:stale' };
                 FOR $t IN $tickets {
                    LET $done = (UPDATE ticket SET stats_facts = $t.facts, stats_generation = $generation, stats_dirty = false, changed = []
                        WHERE number = $t.number AND version = $t.version
                          AND (sla_first_response_met ?? 'none') = ($t.first_met ?? 'none')
                          AND (sla_resolution_met ?? 'none') = ($t.resolution_met ?? 'none')
                          AND (stats_facts ?? '') = ($t.before ?? '') RETURN VALUE id);
                    IF array::len($done) = 0 { THROW 'docket:stale' };
                 };
                 FOR $d IN $days {
                    LET $rec = type::record('metric_day', $d.key);
                    IF !$d.rev { CREATE $rec CONTENT { tallies: $d.tallies, rev: 1 } RETURN NONE; }
                    ELSE IF array::len(UPDATE $rec SET tallies = $d.tallies, rev = rev + 1 WHERE rev = $d.rev RETURN VALUE id) = 0
                        { THROW 'docket:stale' };
                 };
                 FOR $w IN $weeks {
                    LET $rec = type::record('metric_week', $w.key);
                    IF !$w.rev { CREATE $rec CONTENT { tallies: $w.tallies, rev: 1 } RETURN NONE; }
                    ELSE IF array::len(UPDATE $rec SET tallies = $w.tallies, rev = rev + 1 WHERE rev = $w.rev RETURN VALUE id) = 0
                        { THROW 'docket:stale' };
                 };
                 FOR $o IN $open {
                    LET $rec = type::record('metric_open', $o.key);
                    IF !$o.rev { CREATE $rec CONTENT { tallies: $o.tallies, rev: 1 } RETURN NONE; }
                    ELSE IF array::len(UPDATE $rec SET tallies = $o.tallies, rev = rev + 1 WHERE rev = $o.rev RETURN VALUE id) = 0
                        { THROW 'docket:stale' };
                 };
                 COMMIT TRANSACTION;",
            )
            .bind(("generation", generation))
            .bind(("tickets", tickets))
            .bind(("days", days))
            .bind(("weeks", weeks))
            .bind(("open", open))
            .await?;
        let errors = response.take_errors();
        if errors.is_empty() {
            return Ok(true);
        }
        // Lost a race: to a ticket's change, another process's count, or a concurrent create.
        let lost = errors.values().any(|e| {
            is_conflict(e) || refusal_of(e).is_some() || e.message().contains("already exists")
        });
        if lost {
            return Ok(false);
        }
        Err(super::cause(errors).expect("errors is not empty").into())
    }

    /// Every rollup as stored, empty ones left out: to check against a full recount.
    pub async fn stored_tallies(&self) -> Result<Tallies, StoreError> {
        let mut response = self
            .db
            .query(
                "SELECT record::id(id) AS key, tallies, rev FROM metric_day;
                 SELECT record::id(id) AS key, tallies, rev FROM metric_week;
                 SELECT record::id(id) AS key, tallies, rev FROM metric_open;",
            )
            .await?;
        let day_rows: Vec<DocRow> = response.take(0)?;
        let week_rows: Vec<DocRow> = response.take(1)?;
        let open_rows: Vec<DocRow> = response.take(2)?;
        let mut tallies = Tallies::default();
        for (rows, into) in [
            (day_rows, &mut tallies.days),
            (week_rows, &mut tallies.weeks),
        ] {
            for row in rows {
                let day: DayTally = parse(&row.tallies)?;
                if !day.0.is_empty() {
                    into.insert(dated_key(&row.key)?, day);
                }
            }
        }
        for row in open_rows {
            let open: OpenTally = parse(&row.tallies)?;
            if !open.0.is_empty() {
                tallies
                    .open
                    .insert(row.key.first().cloned().unwrap_or_default(), open);
            }
        }
        Ok(tallies)
    }

    /// The tallies of `scopes` from `from` to `to`, summed per day, and their open backlog.
    /// Counting `by` week, a week wholly inside the range is read as one week document, keyed
    /// by its Monday (edge weeks day by day): a year is about 52 reads, not 365.
    pub async fn metric_range(
        &self,
        scopes: &[String],
        from: NaiveDate,
        to: NaiveDate,
        by: Granularity,
    ) -> Result<(BTreeMap<NaiveDate, DayTally>, OpenTally), StoreError> {
        let (mut days, mut weeks) = (Vec::new(), Vec::new());
        for scope in scopes {
            let mut day = from;
            while day <= to {
                let monday = week_of(day);
                let sunday = monday + chrono::Duration::days(6);
                if by == Granularity::Week && monday >= from && sunday <= to {
                    weeks.push((scope.clone(), monday));
                    day = sunday;
                } else {
                    days.push((scope.clone(), day));
                }
                day += chrono::Duration::days(1);
            }
        }
        let docs = self.metric_docs(&days, &weeks, scopes).await?;
        let mut summed: BTreeMap<NaiveDate, DayTally> = BTreeMap::new();
        for ((_, day), doc) in docs.days.into_iter().chain(docs.weeks) {
            if !doc.tallies.0.is_empty() {
                summed.entry(day).or_default().merge(&doc.tallies, 1);
            }
        }
        let mut open = OpenTally::default();
        for doc in docs.open.values() {
            open.merge(&doc.tallies, 1);
        }
        Ok((summed, open))
    }
}
