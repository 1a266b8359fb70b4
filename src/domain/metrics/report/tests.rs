//! The dashboard on small hand-computed data sets.

use super::*;
use crate::domain::config::resolution::ResolutionClass;
use crate::domain::metrics::facts::tests::{at, period, ticket};
use crate::domain::metrics::facts::{AlertOrigin, TicketFacts};
use crate::domain::metrics::filter::ReportFilter;
use crate::domain::metrics::tally::{ALL_SCOPE, Tallies, contribution};
use crate::domain::ticket::{Named, Source};

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

fn catalog() -> Catalog {
    let named = |key: &str, name: &str| Named {
        key: key.into(),
        name: name.into(),
    };
    Catalog {
        priorities: vec![
            named("low", "Low"),
            named("normal", "Normal"),
            named("high", "High"),
        ],
        agents: vec![named("ana", "Ana"), named("ben", "Ben")],
        departments: vec![named("support", "Support")],
        resolutions: vec![
            ResolutionClass {
                key: "true_positive".into(),
                name: "True positive".into(),
                false_positive: false,
            },
            ResolutionClass {
                key: "false_positive".into(),
                name: "False positive".into(),
                false_positive: true,
            },
        ],
        ..Catalog::default()
    }
}

/// An alert of `rule` closed as `class` after `minutes`, acknowledged after `ack` minutes.
fn alert(rule: &str, class: &str, priority: &str, ack: u32, minutes: u32) -> TicketFacts {
    TicketFacts {
        source: Source::Alert,
        priority: priority.into(),
        alert: Some(AlertOrigin {
            source: "wazuh".into(),
            rule: Some(rule.into()),
        }),
        open: false,
        assignee: Some("ana".into()),
        resolution: Some(class.into()),
        acknowledged_at: Some(at(9, ack)),
        closed_at: Some(at(9, 0) + chrono::Duration::minutes(i64::from(minutes))),
        periods: vec![
            period(at(9, 0), true, false),
            period(
                at(9, 0) + chrono::Duration::minutes(i64::from(minutes)),
                false,
                false,
            ),
        ],
        ..ticket()
    }
}

fn build(tickets: &[TicketFacts]) -> Dashboard {
    let mut sum = Tallies::default();
    for t in tickets {
        sum.merge(&contribution(t, chrono_tz::UTC), 1);
    }
    let days = sum
        .days
        .into_iter()
        .filter(|((scope, _), _)| scope == ALL_SCOPE)
        .map(|((_, d), tally)| (d, tally))
        .collect();
    let open = sum.open.remove(ALL_SCOPE).unwrap_or_default();
    let range = ReportFilter {
        from: Some(day(1)),
        to: Some(day(7)),
        ..ReportFilter::default()
    }
    .settle(day(7))
    .unwrap();
    dashboard(&range, &Rollups { days, open }, &catalog(), day(7))
}

fn chart<'a>(d: &'a Dashboard, id: &str) -> &'a Chart {
    d.charts.iter().find(|c| c.id == id).unwrap()
}

fn column(c: &Chart, series: &str) -> Vec<Option<f64>> {
    c.series
        .iter()
        .find(|s| s.name == series)
        .unwrap()
        .values
        .clone()
}

#[test]
fn the_noisiest_rules_come_first_with_their_false_positive_rate() {
    let d = build(&[
        alert("5710", "false_positive", "high", 5, 30),
        alert("5710", "false_positive", "high", 5, 30),
        alert("5710", "true_positive", "high", 5, 30),
        alert("100", "false_positive", "low", 5, 30),
        alert("200", "true_positive", "low", 5, 30),
    ]);
    let rules = chart(&d, "noisy_rules");
    assert_eq!(
        rules.categories,
        vec!["wazuh: 5710", "wazuh: 100", "wazuh: 200"]
    );
    assert_eq!(
        column(rules, "False positives"),
        vec![Some(2.0), Some(1.0), Some(0.0)]
    );
    let rate = column(rules, "False-positive rate");
    assert!((rate[0].unwrap() - 200.0 / 3.0).abs() < 1e-9);
    assert_eq!(rate[1], Some(100.0));
    let fp_rate = d
        .figures
        .iter()
        .find(|f| f.label == "False-positive rate")
        .unwrap();
    assert_eq!(fp_rate.value, Some(60.0));
}

#[test]
fn response_times_by_priority_list_the_most_urgent_first_with_median_and_p90() {
    // High: acknowledged after 2, 4 and 25 minutes; resolved after 10, 20, 30 minutes.
    let d = build(&[
        alert("1", "true_positive", "high", 2, 10),
        alert("1", "true_positive", "high", 4, 20),
        alert("1", "true_positive", "high", 25, 30),
        alert("1", "true_positive", "low", 3, 40),
    ]);
    let c = chart(&d, "response_by_priority");
    assert_eq!(c.categories, vec!["High", "Low"]);
    // Median of 2, 4, 25 min is 4 min, alone in [3, 5) min: reported as 4 min.
    assert_eq!(column(c, "MTTA median")[0], Some(240.0));
    // p90 (3rd of 3) is 25 min, alone in [20, 30) min: 25 min.
    assert_eq!(column(c, "MTTA 90th percentile")[0], Some(1500.0));
    // Median resolution 20 min, alone in [20, 30) min: 25 min.
    assert_eq!(column(c, "MTTR median")[0], Some(1500.0));
    assert_eq!(column(c, "Resolved"), vec![Some(3.0), Some(1.0)]);
}

#[test]
fn the_backlog_stacks_open_tickets_by_status_and_age() {
    let old = TicketFacts {
        created_at: at(9, 0) - chrono::Duration::days(10),
        periods: vec![period(at(9, 0) - chrono::Duration::days(10), true, false)],
        ..ticket()
    };
    // "Today" is 7 November: one ticket is 5 days old, the other 15.
    let d = build(&[ticket(), old]);
    let backlog = chart(&d, "backlog");
    assert_eq!(backlog.categories, vec!["open"]);
    assert_eq!(column(&backlog.clone(), "3 to 7 days"), vec![Some(1.0)]);
    assert_eq!(column(backlog, "1 to 4 weeks"), vec![Some(1.0)]);
    let open_now = d.figures.iter().find(|f| f.label == "Open now").unwrap();
    assert_eq!(open_now.value, Some(2.0));
}

#[test]
fn volume_counts_each_day_of_the_range() {
    let d = build(&[ticket(), alert("1", "true_positive", "low", 1, 5)]);
    let volume = chart(&d, "volume");
    assert_eq!(volume.categories.len(), 7);
    assert_eq!(volume.categories[1], "2026-11-02");
    assert_eq!(column(volume, "Opened")[1], Some(2.0));
    assert_eq!(column(volume, "Closed")[1], Some(1.0));
    assert_eq!(column(volume, "Opened")[0], Some(0.0));
}

#[test]
fn sla_compliance_is_met_clocks_over_stopped_clocks() {
    let met = TicketFacts {
        first_response_met: Some(true),
        first_response_at: Some(at(9, 5)),
        ..ticket()
    };
    let missed = TicketFacts {
        first_response_met: Some(false),
        first_response_at: Some(at(11, 0)),
        ..ticket()
    };
    let d = build(&[met.clone(), met, missed]);
    let sla = chart(&d, "sla_by_priority");
    let value = column(sla, "First response met")[0].unwrap();
    assert!((value - 200.0 / 3.0).abs() < 1e-9);
    assert_eq!(column(sla, "Resolution met")[0], None);
    assert_eq!(
        column(chart(&d, "sla_breaches"), "First response missed")[1],
        Some(1.0)
    );
}

#[test]
fn observables_rank_by_tickets_and_workload_counts_open_and_handled_tickets() {
    let mut seen_twice = alert("1", "benign", "low", 1, 5);
    seen_twice.observables = vec!["ip:10.0.0.7".into(), "host:web-1".into()];
    seen_twice.closed_by = Some("ben".into());
    let mut again = seen_twice.clone();
    again.observables = vec!["ip:10.0.0.7".into()];
    let open_for_ana = TicketFacts {
        assignee: Some("ana".into()),
        replies: vec![("ana".into(), at(10, 0))],
        ..ticket()
    };
    let d = build(&[seen_twice, again, open_for_ana]);
    let observables = chart(&d, "top_observables");
    assert_eq!(observables.categories, vec!["ip:10.0.0.7", "host:web-1"]);
    assert_eq!(column(observables, "Tickets"), vec![Some(2.0), Some(1.0)]);
    let open = chart(&d, "open_per_agent");
    assert_eq!(open.categories, vec!["Ana"]);
    assert_eq!(column(open, "Open tickets"), vec![Some(1.0)]);
    // Ben closed two tickets on 2 November and Ana replied to one: by day, stacked by agent.
    let handled = chart(&d, "handled_per_agent");
    assert_eq!(column(handled, "Ben")[1], Some(2.0));
    assert_eq!(column(handled, "Ana")[1], Some(1.0));
}
