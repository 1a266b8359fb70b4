//! The agent's view of tickets: queue pages, precomputed counts and full-text search.

use chrono::{DateTime, Days, Utc};
use surrealdb::types::SurrealValue;

use super::catalog::parse_state;
use super::tickets::{TICKET_FIELDS, TicketRow};
use super::{Binds, Store, StoreError};
use crate::domain::queue::{AssigneeFilter, CountRow, Cursor, QueueFilter, QueueSort};
use crate::domain::search::{MATCH_END, MATCH_START};
use crate::domain::ticket::{State, Ticket};

/// Which departments' tickets a reader may list: all (admins) or some, plus those referred to them.
pub enum Scope<'a> {
    All,
    Departments(&'a [String]),
}

/// A search hit: the ticket and the best matching text, with match markers.
pub struct SearchHit {
    pub ticket: Ticket,
    pub marked: String,
}

#[derive(SurrealValue)]
struct CountViewRow {
    department: String,
    state: String,
    status: String,
    assignee: Option<String>,
    tickets: i64,
}

#[derive(SurrealValue)]
struct HitRow {
    number: String,
    marked: String,
    score: f64,
}

fn state_str(state: State) -> &'static str {
    match state {
        State::Open => "open",
        State::Closed => "closed",
    }
}

/// Clocks met in time and clocks stopped, for one department and priority.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComplianceCounts {
    pub department: String,
    pub priority: String,
    /// (met, stopped)
    pub first_response: (u64, u64),
    pub resolution: (u64, u64),
}

#[derive(SurrealValue)]
struct ComplianceRow {
    department: String,
    priority: String,
    first_met: i64,
    first_total: i64,
    resolution_met: i64,
    resolution_total: i64,
}

/// Who reads a queue, and when: their departments, their id (for "mine") and the time that
/// decides what is overdue.
pub struct Viewer<'a> {
    pub scope: Scope<'a>,
    pub me: &'a str,
    pub now: DateTime<Utc>,
}

/// The `WHERE` conditions for a scope and a filter, with their parameters.
fn conditions(viewer: &Viewer<'_>, filter: &QueueFilter, binds: Binds) -> (String, Binds) {
    let me = viewer.me;
    let mut sql = vec!["merged_into = NONE OR $f_state = 'closed'".to_string()];
    let (all, departments) = match &viewer.scope {
        Scope::All => (true, Vec::new()),
        Scope::Departments(d) => (false, d.to_vec()),
    };
    if filter.referred_only {
        sql.push("referred ANYINSIDE $f_scope AND department NOTINSIDE $f_scope".into());
    } else {
        sql.push("$f_all OR department INSIDE $f_scope OR referred ANYINSIDE $f_scope".into());
    }
    if filter.state.is_some() {
        sql.push("state = $f_state".into());
    }
    if filter.waiting {
        sql.push("status.pauses_sla = true".into());
    }
    if filter.overdue {
        // Overdue tickets are open ones: `open_sla_due`'s index gives the exact range.
        sql.push("open_sla_due != NONE AND open_sla_due <= $f_now".into());
    }
    if !filter.statuses.is_empty() {
        sql.push("record::id(status) IN $f_statuses".into());
    }
    if !filter.priorities.is_empty() {
        sql.push("record::id(priority) IN $f_priorities".into());
    }
    if !filter.departments.is_empty() {
        sql.push("record::id(department) IN $f_departments".into());
    }
    if !filter.topics.is_empty() {
        sql.push("help_topic != NONE AND record::id(help_topic) IN $f_topics".into());
    }
    match &filter.assignee {
        None => {}
        Some(AssigneeFilter::Nobody) => sql.push("assignee = NONE".into()),
        Some(AssigneeFilter::Me | AssigneeFilter::Agent(_)) => {
            sql.push("assignee = type::record('user', $f_assignee)".into())
        }
    }
    if !filter.teams.is_empty() {
        sql.push("team != NONE AND record::id(team) IN $f_teams".into());
    }
    if !filter.sources.is_empty() {
        sql.push("source IN $f_sources".into());
    }
    if !filter.tags.is_empty() {
        sql.push("tags CONTAINSALL $f_tags".into());
    }
    if !filter.alert_sources.is_empty() {
        sql.push("alert_source IN $f_alert_sources".into());
    }
    if filter.fingerprint.is_some() {
        sql.push("fingerprint = $f_fingerprint".into());
    }
    if filter.created_from.is_some() {
        sql.push("created_at >= $f_from".into());
    }
    if filter.created_to.is_some() {
        sql.push("created_at < $f_to".into());
    }
    if filter.field.is_some() {
        // Narrowed here, decided exactly by the caller on the parsed values.
        sql.push("string::contains(string::lowercase(fields), $f_field_value)".into());
    }
    let day = |d: chrono::NaiveDate| d.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
    let assignee = match &filter.assignee {
        Some(AssigneeFilter::Me) => Some(me.to_string()),
        Some(AssigneeFilter::Agent(id)) => Some(id.clone()),
        _ => None,
    };
    let binds = binds
        .with("f_now", viewer.now)
        .with("f_all", all)
        .with("f_scope_keys", departments)
        .with("f_state", filter.state.map(state_str))
        .with("f_statuses", filter.statuses.clone())
        .with("f_priorities", filter.priorities.clone())
        .with("f_departments", filter.departments.clone())
        .with("f_topics", filter.topics.clone())
        .with("f_assignee", assignee)
        .with("f_teams", filter.teams.clone())
        .with(
            "f_sources",
            filter
                .sources
                .iter()
                .map(|s| s.as_str().to_string())
                .collect::<Vec<_>>(),
        )
        .with("f_tags", filter.tags.clone())
        .with("f_alert_sources", filter.alert_sources.clone())
        .with("f_fingerprint", filter.fingerprint.clone())
        .with("f_from", filter.created_from.and_then(day))
        .with(
            "f_to",
            filter
                .created_to
                .and_then(|d| d.checked_add_days(Days::new(1)))
                .and_then(day),
        )
        .with(
            "f_field_value",
            filter
                .field
                .as_ref()
                .map(|(_, v)| v.to_lowercase())
                .unwrap_or_default(),
        );
    let sql = sql
        .into_iter()
        .map(|c| format!("({c})"))
        .collect::<Vec<_>>()
        .join(" AND ");
    (sql, binds)
}

/// Turns the scope's keys into records once, before the conditions use them.
const SCOPE: &str = "LET $f_scope = $f_scope_keys.map(|$d| type::record('department', $d));";

impl Store {
    /// One page of tickets matching `filter` within `scope`, in `sort` order, after `cursor`.
    pub async fn agent_tickets(
        &self,
        viewer: &Viewer<'_>,
        filter: &QueueFilter,
        sort: QueueSort,
        cursor: Option<&Cursor>,
        limit: usize,
    ) -> Result<Vec<Ticket>, StoreError> {
        let (conditions, binds) = conditions(viewer, filter, Binds::default());
        let (column, direction, after) = match sort {
            QueueSort::RecentlyUpdated => ("updated_at", "DESC", "<"),
            QueueSort::Newest => ("created_at", "DESC", "<"),
            QueueSort::Oldest => ("created_at", "ASC", ">"),
        };
        // The inclusive bound first: the planner turns it into the index range to start from.
        let cursor_sql = if cursor.is_some() {
            format!(
                "AND {column} {after}= $c_at AND ({column} {after} $c_at OR number {after} $c_number)"
            )
        } else {
            String::new()
        };
        let sql = format!(
            "{SCOPE}
             SELECT {TICKET_FIELDS} FROM ticket WHERE {conditions} {cursor_sql}
             ORDER BY {column} {direction}, number {direction} LIMIT $limit"
        );
        let binds = binds
            .with("c_at", cursor.map(|c| c.at))
            .with("c_number", cursor.map(|c| c.number.clone()))
            .with("limit", limit as i64);
        let mut query = self.db.query(sql);
        for (name, value) in binds.0 {
            query = query.bind((name, value));
        }
        let rows: Vec<TicketRow> = query.await?.take(1)?;
        rows.into_iter().map(TicketRow::into_ticket).collect()
    }

    /// The precomputed count rows (one per department, state, status and assignee in use).
    pub async fn queue_counts(&self) -> Result<Vec<CountRow>, StoreError> {
        let rows: Vec<CountViewRow> = self
            .db
            .query(
                "SELECT record::id(department) AS department, state, record::id(status) AS status,
                    (IF assignee { record::id(assignee) } ELSE { NONE }) AS assignee, tickets FROM queue_count",
            )
            .await?
            .take(0)?;
        rows.into_iter()
            .map(|r| {
                Ok(CountRow {
                    state: parse_state(&r.state)?,
                    department: r.department,
                    status: r.status,
                    assignee: r.assignee,
                    tickets: u64::try_from(r.tickets).unwrap_or(0),
                })
            })
            .collect()
    }

    /// Open tickets referred to (not owned by) these departments.
    pub async fn referred_open(&self, departments: &[String]) -> Result<u64, StoreError> {
        let count: Option<i64> = self
            .db
            .query(
                "LET $scope = $keys.map(|$d| type::record('department', $d));
                 (SELECT count() AS n FROM ticket WHERE referred_open = true
                    AND referred ANYINSIDE $scope AND department NOTINSIDE $scope GROUP ALL)[0].n",
            )
            .bind(("keys", departments.to_vec()))
            .await?
            .take(1)?;
        Ok(count.and_then(|c| u64::try_from(c).ok()).unwrap_or(0))
    }

    /// SLA clocks met in time against clocks stopped, per department and priority (keys), for
    /// the viewer's departments.
    pub async fn sla_compliance(
        &self,
        viewer: &Viewer<'_>,
    ) -> Result<Vec<ComplianceCounts>, StoreError> {
        let (all, keys) = match &viewer.scope {
            Scope::All => (true, Vec::new()),
            Scope::Departments(d) => (false, d.to_vec()),
        };
        let rows: Vec<ComplianceRow> = self
            .db
            .query(
                "LET $scope = $keys.map(|$d| type::record('department', $d));
                 SELECT record::id(department) AS department, record::id(priority) AS priority,
                    count(sla_first_response_met = true) AS first_met, count(sla_first_response_met != NONE) AS first_total,
                    count(sla_resolution_met = true) AS resolution_met, count(sla_resolution_met != NONE) AS resolution_total
                 FROM ticket WHERE sla_plan != NONE AND ($all OR department INSIDE $scope)
                 GROUP BY department, priority",
            )
            .bind(("keys", keys))
            .bind(("all", all))
            .await?
            .take(1)?;
        let n = |v: i64| u64::try_from(v).unwrap_or(0);
        Ok(rows
            .into_iter()
            .map(|r| ComplianceCounts {
                department: r.department,
                priority: r.priority,
                first_response: (n(r.first_met), n(r.first_total)),
                resolution: (n(r.resolution_met), n(r.resolution_total)),
            })
            .collect())
    }

    /// Open tickets the viewer's queues hold with an SLA clock past due.
    pub async fn overdue_open(&self, viewer: &Viewer<'_>) -> Result<u64, StoreError> {
        // Open is implied by `overdue`; a state condition would make the planner intersect with
        // every open ticket's id.
        let filter = QueueFilter {
            overdue: true,
            ..QueueFilter::default()
        };
        self.count_where(viewer, &filter, None).await
    }

    /// Open tickets matching `filter` whose SLA falls due after now and no later than `until`:
    /// the breaches to expect.
    pub async fn due_soon(
        &self,
        viewer: &Viewer<'_>,
        filter: &QueueFilter,
        until: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        // Open is implied by `open_sla_due`; a state condition would make the planner intersect
        // with every open ticket's id.
        let filter = QueueFilter {
            state: None,
            ..filter.clone()
        };
        self.count_where(viewer, &filter, Some(until)).await
    }

    /// How many tickets match `filter`, and if `due_by` is given, fall due after now and by then.
    async fn count_where(
        &self,
        viewer: &Viewer<'_>,
        filter: &QueueFilter,
        due_by: Option<DateTime<Utc>>,
    ) -> Result<u64, StoreError> {
        let (conditions, binds) = conditions(viewer, filter, Binds::default());
        // `open_sla_due` is set on open tickets only (their `sla_due`) and has its own index.
        let due = if due_by.is_some() {
            "AND open_sla_due > $f_now AND open_sla_due <= $f_due_by"
        } else {
            ""
        };
        let binds = binds.with("f_due_by", due_by);
        let mut query = self.db.query(format!(
            "{SCOPE}
             (SELECT count() AS n FROM ticket WHERE {conditions} {due} GROUP ALL)[0].n"
        ));
        for (name, value) in binds.0 {
            query = query.bind((name, value));
        }
        let count: Option<i64> = query.await?.take(1)?;
        Ok(count.and_then(|c| u64::try_from(c).ok()).unwrap_or(0))
    }

    /// Tickets within `scope` matching `filter` whose subject, requester, custom fields or thread
    /// match `query`, best first, with the best matching text marked.
    pub async fn search_tickets(
        &self,
        viewer: &Viewer<'_>,
        filter: &QueueFilter,
        query: &str,
        limit: usize,
    ) -> Result<Vec<SearchHit>, StoreError> {
        let (conditions, binds) = conditions(viewer, filter, Binds::default());
        let sql = format!(
            "{SCOPE}
             LET $in_tickets = (SELECT number, search::highlight($m_start, $m_end, 1) AS marked, search::score(1) AS score
                FROM ticket WHERE search_text @1@ $q ORDER BY score DESC LIMIT 500);
             LET $in_threads = (SELECT ticket.number AS number, search::highlight($m_start, $m_end, 1) AS marked, search::score(1) AS score
                FROM thread_entry WHERE body @1@ $q ORDER BY score DESC LIMIT 500);
             LET $numbers = array::distinct(array::concat($in_tickets.number, $in_threads.number));
             SELECT {TICKET_FIELDS} FROM ticket WHERE number IN $numbers AND {conditions};
             array::concat($in_tickets, $in_threads);"
        );
        let binds = binds
            .with("q", query.to_string())
            .with("m_start", MATCH_START.to_string())
            .with("m_end", MATCH_END.to_string());
        let mut request = self.db.query(sql);
        for (name, value) in binds.0 {
            request = request.bind((name, value));
        }
        let mut response = request.await?;
        let rows: Vec<TicketRow> = response.take(4)?;
        let hits: Vec<HitRow> = response.take(5)?;
        let mut found = Vec::new();
        for row in rows {
            let ticket = row.into_ticket()?;
            let best = hits
                .iter()
                .filter(|h| h.number == ticket.number)
                .max_by(|a, b| a.score.total_cmp(&b.score));
            let score = best.map_or(0.0, |h| h.score);
            let marked = best.map_or_else(|| ticket.subject.clone(), |h| h.marked.clone());
            found.push((score, SearchHit { ticket, marked }));
        }
        found.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then_with(|| b.1.ticket.updated_at.cmp(&a.1.ticket.updated_at))
        });
        Ok(found.into_iter().take(limit).map(|(_, hit)| hit).collect())
    }
}
