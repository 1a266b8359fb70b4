//! The filter engine's rules, operator by operator and action by action.

use super::*;
use crate::domain::editor::{Opt, Schema, Spec, SpecKind};
use crate::domain::ticket::{Named, State, Status};

fn named(key: &str) -> Named {
    Named {
        key: key.to_string(),
        name: key.to_uppercase(),
    }
}

fn catalog() -> Catalog {
    Catalog {
        departments: vec![named("support"), named("security")],
        teams: vec![named("night")],
        agents: vec![named("alice")],
        priorities: vec![named("low"), named("high")],
        statuses: vec![Status {
            key: "open".into(),
            name: "Open".into(),
            state: State::Open,
            pauses_sla: false,
            customer_may_reopen: false,
        }],
        topics: vec![named("billing")],
        sla_plans: vec![named("gold")],
        canned: vec![named("thanks")],
        fields: vec![Named {
            key: "affected_host".into(),
            name: "Affected host".into(),
        }],
        ..Catalog::default()
    }
}

fn draft() -> TicketDraft {
    TicketDraft {
        channel: Channel::Email,
        email: "Ann.Lee@Example.COM".into(),
        name: "Ann Lee".into(),
        subject: "URGENT: Printer on fire".into(),
        body: "The printer in room 4 is on fire.\nPlease help.".into(),
        topic: Some("billing".into()),
        source: "email".into(),
        priority: Some("low".into()),
        fields: BTreeMap::from([("affected_host".to_string(), "db-01.internal".to_string())]),
        headers: vec![
            ("Received".into(), "from mx".into()),
            ("X-Spam-Flag".into(), "YES".into()),
            ("x-spam-flag".into(), "NO".into()),
        ],
    }
}

fn when(subject: &str, operator: Operator, value: &str) -> Condition {
    Condition {
        subject: subject.into(),
        header: String::new(),
        operator,
        value: value.into(),
    }
}

fn header(name: &str, operator: Operator, value: &str) -> Condition {
    Condition {
        header: name.into(),
        ..when("header", operator, value)
    }
}

fn act(kind: ActionKind, value: &str) -> FilterAction {
    FilterAction {
        kind,
        value: value.into(),
    }
}

fn filter(name: &str, conditions: Vec<Condition>, actions: Vec<FilterAction>) -> Filter {
    Filter {
        name: name.into(),
        conditions,
        actions,
        ..Filter::blank()
    }
}

/// A filter that always matches the test draft.
fn always(name: &str, actions: Vec<FilterAction>) -> Filter {
    filter(name, vec![when("email", Operator::Contains, "@")], actions)
}

fn holds(condition: Condition) -> bool {
    condition.holds(&draft())
}

#[test]
fn equal_compares_whole_text_ignoring_case_and_surrounding_space() {
    assert!(holds(when("name", Operator::Equal, "  ann lee ")));
    assert!(!holds(when("name", Operator::Equal, "ann")));
}

#[test]
fn not_equal_is_the_opposite_of_equal() {
    assert!(holds(when("name", Operator::NotEqual, "ann")));
    assert!(!holds(when("name", Operator::NotEqual, "ANN LEE")));
}

#[test]
fn contains_finds_a_substring_ignoring_case() {
    assert!(holds(when("subject", Operator::Contains, "PRINTER")));
    assert!(!holds(when("subject", Operator::Contains, "scanner")));
}

#[test]
fn not_contains_holds_only_without_the_substring() {
    assert!(holds(when("subject", Operator::NotContains, "scanner")));
    assert!(!holds(when("subject", Operator::NotContains, "urgent")));
}

#[test]
fn starts_with_and_ends_with_look_at_the_edges_ignoring_case() {
    assert!(holds(when("subject", Operator::StartsWith, "urgent:")));
    assert!(!holds(when("subject", Operator::StartsWith, "printer")));
    assert!(holds(when("subject", Operator::EndsWith, "ON FIRE")));
    assert!(!holds(when("subject", Operator::EndsWith, "urgent")));
}

#[test]
fn matches_searches_anywhere_ignoring_case() {
    assert!(holds(when("body", Operator::Matches, r"room \d+")));
    assert!(holds(when("body", Operator::Matches, "PLEASE HELP")));
    assert!(!holds(when("body", Operator::Matches, r"^please")));
}

#[test]
fn not_matches_holds_only_when_the_pattern_is_absent() {
    assert!(holds(when("body", Operator::NotMatches, r"room \d{3}")));
    assert!(!holds(when("body", Operator::NotMatches, "FIRE")));
}

#[test]
fn a_broken_regex_makes_the_condition_false_for_both_regex_operators() {
    assert!(!holds(when("body", Operator::Matches, "(unclosed")));
    assert!(!holds(when("body", Operator::NotMatches, "(unclosed")));
}

#[test]
fn domain_is_the_part_of_the_email_after_the_at_sign() {
    assert!(holds(when("domain", Operator::Equal, "example.com")));
    assert!(!holds(when(
        "domain",
        Operator::Equal,
        "ann.lee@example.com"
    )));
    let no_at = TicketDraft {
        email: "nobody".into(),
        ..draft()
    };
    assert!(when("domain", Operator::Equal, "").holds(&no_at));
}

#[test]
fn every_builtin_subject_reads_its_own_part_of_the_ticket() {
    assert!(holds(when("email", Operator::Equal, "ann.lee@example.com")));
    assert!(holds(when("body", Operator::Contains, "room 4")));
    assert!(holds(when("topic", Operator::Equal, "billing")));
    assert!(holds(when("source", Operator::Equal, "email")));
    assert!(holds(when("priority", Operator::Equal, "low")));
}

#[test]
fn a_missing_topic_or_priority_reads_as_empty() {
    let bare = TicketDraft {
        topic: None,
        priority: None,
        ..draft()
    };
    assert!(when("topic", Operator::Equal, "").holds(&bare));
    assert!(when("priority", Operator::Equal, "").holds(&bare));
    assert!(!when("priority", Operator::Equal, "low").holds(&bare));
}

#[test]
fn a_custom_field_is_read_by_name_and_reads_empty_when_absent() {
    assert!(holds(when(
        "field:affected_host",
        Operator::EndsWith,
        ".internal"
    )));
    assert!(holds(when("field:missing", Operator::Equal, "")));
    assert!(!holds(when("field:missing", Operator::Contains, "db")));
}

#[test]
fn a_header_is_the_first_with_that_name_ignoring_case() {
    assert!(holds(header("x-spam-flag", Operator::Equal, "yes")));
    assert!(!holds(header("X-SPAM-FLAG", Operator::Equal, "no")));
    assert!(holds(header("X-Missing", Operator::Equal, "")));
}

#[test]
fn an_unknown_subject_never_holds() {
    assert!(!holds(when("planet", Operator::NotEqual, "mars")));
}

#[test]
fn all_needs_every_condition_and_any_needs_one() {
    let conditions = vec![
        when("subject", Operator::Contains, "fire"),
        when("name", Operator::Equal, "bob"),
    ];
    let mut f = filter("f", conditions, vec![act(ActionKind::AddTags, "x")]);
    assert!(!f.matches(&draft()));
    f.matching = Matching::Any;
    assert!(f.matches(&draft()));
}

#[test]
fn a_filter_without_conditions_never_matches() {
    for matching in [Matching::All, Matching::Any] {
        let f = Filter {
            matching,
            ..filter("empty", Vec::new(), vec![act(ActionKind::AddTags, "x")])
        };
        assert!(!f.matches(&draft()));
        assert!(route(&draft(), &[f]).matched.is_empty());
    }
}

#[test]
fn filters_run_by_order_then_name_not_by_position() {
    let late = Filter {
        order: 200,
        ..always("late", vec![act(ActionKind::Department, "security")])
    };
    let b = Filter {
        order: 10,
        ..always("b", vec![act(ActionKind::Department, "support")])
    };
    let a = Filter {
        order: 10,
        ..always("a", vec![act(ActionKind::Department, "sales")])
    };
    let outcome = route(&draft(), &[late, b, a]);
    assert_eq!(outcome.matched, vec!["a", "b", "late"]);
    assert_eq!(outcome.department.as_deref(), Some("security"));
}

#[test]
fn the_last_matching_filter_wins_single_valued_targets() {
    let first = Filter {
        order: 1,
        ..always(
            "first",
            vec![
                act(ActionKind::Priority, "low"),
                act(ActionKind::AssignTeam, "night"),
            ],
        )
    };
    let second = Filter {
        order: 2,
        ..always("second", vec![act(ActionKind::Priority, "high")])
    };
    let outcome = route(&draft(), &[second, first]);
    assert_eq!(outcome.priority.as_deref(), Some("high"));
    assert_eq!(outcome.team.as_deref(), Some("night"));
}

#[test]
fn tags_and_alerts_accumulate_without_duplicates() {
    let first = Filter {
        order: 1,
        ..always(
            "first",
            vec![
                act(ActionKind::AddTags, " VIP, fire ,,"),
                act(ActionKind::AlertAddress, "oncall@example.com"),
            ],
        )
    };
    let second = Filter {
        order: 2,
        ..always(
            "second",
            vec![
                act(ActionKind::AddTags, "fire, facilities"),
                act(ActionKind::AlertAddress, "OnCall@Example.com"),
                act(ActionKind::AlertAddress, "boss@example.com"),
            ],
        )
    };
    let outcome = route(&draft(), &[first, second]);
    assert_eq!(outcome.tags, vec!["vip", "fire", "facilities"]);
    assert_eq!(
        outcome.alerts,
        vec!["oncall@example.com", "boss@example.com"]
    );
}

#[test]
fn stop_on_match_skips_the_filters_after_it() {
    let stopper = Filter {
        order: 1,
        stop_on_match: true,
        ..always("stopper", vec![act(ActionKind::Department, "support")])
    };
    let later = Filter {
        order: 2,
        ..always("later", vec![act(ActionKind::Department, "security")])
    };
    let outcome = route(&draft(), &[later, stopper]);
    assert_eq!(outcome.matched, vec!["stopper"]);
    assert_eq!(outcome.department.as_deref(), Some("support"));
}

#[test]
fn a_filter_that_does_not_match_does_not_stop_the_others() {
    let stopper = Filter {
        order: 1,
        stop_on_match: true,
        ..filter(
            "stopper",
            vec![when("name", Operator::Equal, "bob")],
            vec![act(ActionKind::Department, "support")],
        )
    };
    let later = Filter {
        order: 2,
        ..always("later", vec![act(ActionKind::Department, "security")])
    };
    let outcome = route(&draft(), &[stopper, later]);
    assert_eq!(outcome.matched, vec!["later"]);
}

#[test]
fn reject_stops_at_once_and_names_the_filter() {
    let spam = Filter {
        order: 1,
        ..always(
            "spam",
            vec![
                act(ActionKind::AddTags, "before"),
                act(ActionKind::Reject, ""),
                act(ActionKind::AddTags, "after"),
            ],
        )
    };
    let later = Filter {
        order: 2,
        ..always("later", vec![act(ActionKind::Department, "support")])
    };
    let outcome = route(&draft(), &[later, spam]);
    assert_eq!(outcome.rejected_by.as_deref(), Some("spam"));
    assert_eq!(outcome.matched, vec!["spam"]);
    assert_eq!(outcome.tags, vec!["before"]);
    assert_eq!(outcome.department, None);
}

#[test]
fn inactive_filters_and_filters_for_other_channels_are_skipped() {
    let inactive = Filter {
        active: false,
        ..always("inactive", vec![act(ActionKind::AddTags, "inactive")])
    };
    let web_only = Filter {
        channel: Channel::Web,
        ..always("web", vec![act(ActionKind::AddTags, "web")])
    };
    let email_only = Filter {
        channel: Channel::Email,
        ..always("email", vec![act(ActionKind::AddTags, "email")])
    };
    let any = always("any", vec![act(ActionKind::AddTags, "any")]);
    let outcome = route(&draft(), &[inactive, web_only, email_only, any]);
    assert_eq!(outcome.matched, vec!["any", "email"]);
    assert_eq!(outcome.tags, vec!["any", "email"]);
}

#[test]
fn every_action_kind_shows_in_the_outcome() {
    let everything = always(
        "everything",
        vec![
            act(ActionKind::Department, "support"),
            act(ActionKind::Priority, "high"),
            act(ActionKind::SlaPlan, "gold"),
            act(ActionKind::Status, "open"),
            act(ActionKind::HelpTopic, "billing"),
            act(ActionKind::AssignAgent, "alice"),
            act(ActionKind::AssignTeam, "night"),
            act(ActionKind::AddTags, "vip"),
            act(ActionKind::CannedReply, "thanks"),
            act(ActionKind::SuppressAutoResponse, ""),
            act(ActionKind::AlertAddress, "oncall@example.com"),
        ],
    );
    let outcome = route(&draft(), &[everything]);
    let some = |s: &str| Some(s.to_string());
    assert_eq!(
        outcome,
        Outcome {
            matched: vec!["everything".into()],
            rejected_by: None,
            department: some("support"),
            priority: some("high"),
            sla_plan: some("gold"),
            status: some("open"),
            topic: some("billing"),
            assignee: some("alice"),
            team: some("night"),
            tags: vec!["vip".into()],
            canned_reply: some("thanks"),
            suppress_auto_response: true,
            alerts: vec!["oncall@example.com".into()],
        }
    );
    assert_eq!(
        outcome.changes(),
        vec![
            "department → support",
            "priority → high",
            "SLA plan → gold",
            "status → open",
            "help topic → billing",
            "agent → alice",
            "team → night",
            "canned reply → thanks",
            "tags + vip",
            "auto-response suppressed",
            "alert oncall@example.com",
        ]
    );
    let rejected = route(
        &draft(),
        &[always("spam", vec![act(ActionKind::Reject, "")])],
    );
    assert_eq!(rejected.changes(), vec!["rejected by spam"]);
}

fn good() -> Filter {
    Filter {
        name: "Fire".into(),
        conditions: vec![
            when("subject", Operator::Matches, r"fire|smoke"),
            header("X-Spam-Flag", Operator::NotEqual, "yes"),
            when("field:affected_host", Operator::Equal, ""),
        ],
        actions: vec![
            act(ActionKind::Department, "security"),
            act(ActionKind::Status, "open"),
            act(ActionKind::AddTags, "fire, facilities"),
            act(ActionKind::AlertAddress, "oncall@example.com"),
            act(ActionKind::SuppressAutoResponse, "ignored"),
        ],
        ..Filter::blank()
    }
}

fn messages(f: &Filter) -> Vec<(String, String)> {
    f.validate(&catalog())
        .into_iter()
        .map(|e| (e.field, e.message))
        .collect()
}

#[test]
fn a_good_filter_has_no_errors() {
    assert_eq!(messages(&good()), Vec::new());
}

#[test]
fn the_blank_filter_needs_a_name_a_value_and_a_department() {
    let fields: Vec<String> = messages(&Filter::blank())
        .into_iter()
        .map(|(f, _)| f)
        .collect();
    assert_eq!(
        fields,
        vec!["name", "conditions.0.value", "actions.0.value"]
    );
}

#[test]
fn a_filter_needs_conditions_and_actions() {
    let f = Filter {
        conditions: Vec::new(),
        actions: Vec::new(),
        ..good()
    };
    let fields: Vec<String> = messages(&f).into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields, vec!["conditions", "actions"]);
}

#[test]
fn an_invalid_regex_is_refused_with_the_reason() {
    let mut f = good();
    f.conditions[0].value = "(fire".into();
    let errors = messages(&f);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].0, "conditions.0.value");
    assert!(
        errors[0]
            .1
            .starts_with("This is not a valid regular expression: ")
    );
    assert!(errors[0].1.len() > "This is not a valid regular expression: ".len());
}

#[test]
fn an_overlong_regex_is_refused() {
    let mut f = good();
    f.conditions[0].value = "a".repeat(501);
    assert_eq!(messages(&f)[0].0, "conditions.0.value");
}

#[test]
fn an_unknown_department_is_refused() {
    let mut f = good();
    f.actions[0].value = "sales".into();
    assert_eq!(
        messages(&f),
        vec![("actions.0.value".into(), "Choose a department.".into())]
    );
}

#[test]
fn an_unknown_status_is_refused() {
    let mut f = good();
    f.actions[1].value = "limbo".into();
    assert_eq!(messages(&f)[0].0, "actions.1.value");
}

#[test]
fn a_header_condition_needs_a_header_name() {
    let mut f = good();
    f.conditions[1].header = "  ".into();
    assert_eq!(messages(&f)[0].0, "conditions.1.header");
    f.conditions[1].header = "X Spam: Flag".into();
    assert_eq!(messages(&f)[0].0, "conditions.1.header");
}

#[test]
fn an_unknown_custom_field_or_subject_is_refused() {
    let mut f = good();
    f.conditions[2].subject = "field:nope".into();
    assert_eq!(messages(&f)[0].0, "conditions.2.subject");
    f.conditions[2].subject = "planet".into();
    assert_eq!(messages(&f)[0].0, "conditions.2.subject");
}

#[test]
fn a_value_is_required_except_for_equality() {
    let mut f = good();
    f.conditions[2].operator = Operator::Contains;
    assert_eq!(
        messages(&f),
        vec![(
            "conditions.2.value".into(),
            "Enter a value to compare with.".into()
        )]
    );
    f.conditions[2].operator = Operator::Equal;
    f.conditions[2].value = "x".repeat(1001);
    assert_eq!(messages(&f)[0].0, "conditions.2.value");
}

#[test]
fn a_bad_alert_address_is_refused() {
    let mut f = good();
    f.actions[3].value = "oncall at example".into();
    assert_eq!(messages(&f)[0].0, "actions.3.value");
}

#[test]
fn tags_must_be_present_and_short() {
    let mut f = good();
    f.actions[2].value = " , ,".into();
    assert_eq!(messages(&f)[0].0, "actions.2.value");
    f.actions[2].value = format!("ok, {}", "t".repeat(41));
    assert_eq!(messages(&f)[0].0, "actions.2.value");
}

#[test]
fn an_overlong_name_is_refused() {
    let f = Filter {
        name: "n".repeat(101),
        ..good()
    };
    assert_eq!(messages(&f)[0].0, "name");
}

fn inputs(schema: &Schema, rows: &str) -> Vec<Spec> {
    let spec = schema.0.iter().find(|s| s.name == rows).unwrap();
    match &spec.kind {
        SpecKind::Rows(inputs) => inputs.clone(),
        other => panic!("{rows} is not rows: {other:?}"),
    }
}

fn choice_values(spec: &Spec) -> Vec<String> {
    match &spec.kind {
        SpecKind::Choice { options, .. } => options.iter().map(|o| o.value.clone()).collect(),
        other => panic!("{} is not a choice: {other:?}", spec.name),
    }
}

fn serde_name<T: Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .unwrap()
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn schema_action_kinds_are_the_serde_names() {
    let schema = schema(&catalog());
    let actions = inputs(&schema, "actions");
    let kinds = choice_values(&actions[0]);
    assert_eq!(kinds.len(), ActionKind::ALL.len());
    for kind in ActionKind::ALL {
        assert!(kinds.contains(&serde_name(kind)), "{kind:?}");
    }
    let SpecKind::ChoiceBy { sibling, options } = &actions[1].kind else {
        panic!("an action's value is a ChoiceBy");
    };
    assert_eq!(sibling, "kind");
    for (kind, _) in options {
        assert!(kinds.contains(kind), "{kind}");
    }
    let entry = |k: &str| options.iter().find(|(kind, _)| kind == k).map(|(_, o)| o);
    assert_eq!(entry("reject"), Some(&Vec::new()));
    assert_eq!(entry("add_tags"), None);
    assert_eq!(entry("alert_address"), None);
}

#[test]
fn schema_operators_and_channels_are_the_serde_names() {
    let schema = schema(&catalog());
    let operators = choice_values(&inputs(&schema, "conditions")[2]);
    let expected: Vec<String> = Operator::ALL.into_iter().map(serde_name).collect();
    assert_eq!(operators, expected);
    let channel = schema.0.iter().find(|s| s.name == "channel").unwrap();
    let expected: Vec<String> = Channel::ALL.into_iter().map(serde_name).collect();
    assert_eq!(choice_values(channel), expected);
    let matching = schema.0.iter().find(|s| s.name == "matching").unwrap();
    assert_eq!(
        choice_values(matching),
        vec![serde_name(Matching::All), serde_name(Matching::Any)]
    );
}

#[test]
fn schema_offers_each_custom_field_as_a_subject() {
    let schema = schema(&catalog());
    let conditions = inputs(&schema, "conditions");
    let subjects = match &conditions[0].kind {
        SpecKind::Choice { options, .. } => options.clone(),
        other => panic!("{other:?}"),
    };
    assert!(subjects.contains(&Opt::new("field:affected_host", "Field: Affected host")));
    assert!(subjects.contains(&Opt::new("header", "Email header")));
    assert_eq!(
        conditions[1].shown_when.as_ref().map(|s| s.values.clone()),
        Some(vec!["header".to_string()])
    );
}

#[test]
fn filters_round_trip_as_snake_case_json() {
    let f = good();
    let json = serde_json::to_string(&f).unwrap();
    assert!(json.contains("\"kind\":\"suppress_auto_response\""));
    assert!(json.contains("\"operator\":\"not_equal\""));
    assert_eq!(serde_json::from_str::<Filter>(&json).unwrap(), f);
}
