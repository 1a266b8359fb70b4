//! The editor for one filter (the admin's form), with choices from the catalogue.

use super::{ActionKind, Channel, FIELD_PREFIX, Operator, SUBJECTS};
use crate::domain::catalog::{Catalog, options};
use crate::domain::editor::{Opt, Schema, Spec, SpecKind};

/// The editor for one filter; choices come from `catalog`.
pub fn schema(catalog: &Catalog) -> Schema {
    let channels = Channel::ALL
        .iter()
        .map(|c| Opt::new(c.key(), c.label()))
        .collect();
    let matching = vec![
        Opt::new("all", "All conditions"),
        Opt::new("any", "Any condition"),
    ];

    let mut subjects: Vec<Opt> = SUBJECTS
        .iter()
        .map(|(key, label)| Opt::new(*key, *label))
        .collect();
    subjects.extend(catalog.fields.iter().map(|f| {
        Opt::new(
            format!("{FIELD_PREFIX}{}", f.key),
            format!("Field: {}", f.name),
        )
    }));
    let operators = Operator::ALL
        .iter()
        .map(|o| Opt::new(o.key(), o.label()))
        .collect();
    let sources = [
        ("web", "Web portal"),
        ("email", "Email"),
        ("api", "API"),
        ("phone", "Phone"),
        ("alert", "SIEM alert"),
        ("other", "Other"),
    ]
    .iter()
    .map(|(key, label)| Opt::new(*key, *label))
    .collect();
    let compared_with = SpecKind::ChoiceBy {
        sibling: "subject".to_string(),
        options: vec![
            ("topic".to_string(), options(&catalog.topics)),
            ("priority".to_string(), options(&catalog.priorities)),
            ("source".to_string(), sources),
        ],
    };

    let kinds = ActionKind::ALL
        .iter()
        .map(|k| Opt::new(k.key(), k.label()))
        .collect();
    let targets = [
        (ActionKind::Department, options(&catalog.departments)),
        (ActionKind::Priority, options(&catalog.priorities)),
        (ActionKind::SlaPlan, options(&catalog.sla_plans)),
        (ActionKind::Status, catalog.status_options()),
        (ActionKind::HelpTopic, options(&catalog.topics)),
        (ActionKind::AssignAgent, options(&catalog.agents)),
        (ActionKind::AssignTeam, options(&catalog.teams)),
        (ActionKind::CannedReply, options(&catalog.canned)),
        (ActionKind::Reject, Vec::new()),
        (ActionKind::SuppressAutoResponse, Vec::new()),
    ]
    .into_iter()
    .map(|(kind, opts)| (kind.key().to_string(), opts))
    .collect();

    Schema(vec![
        Spec::text("name", "Name"),
        Spec::toggle("active", "Active"),
        Spec::number("order", "Order").hint("Lower runs first"),
        Spec::choice("channel", "Channel", channels),
        Spec::choice("matching", "Match", matching),
        Spec::toggle("stop_on_match", "Stop here when this filter matches"),
        Spec::rows(
            "conditions",
            "Conditions",
            vec![
                Spec::choice("subject", "Compare", subjects),
                Spec::text("header", "Header name").shown_when("subject", &["header"]),
                Spec::choice("operator", "Operator", operators),
                Spec::new("value", "Value", compared_with),
            ],
        ),
        Spec::rows(
            "actions",
            "Actions",
            vec![
                Spec::choice("kind", "Action", kinds),
                Spec::new(
                    "value",
                    "Target",
                    SpecKind::ChoiceBy {
                        sibling: "kind".to_string(),
                        options: targets,
                    },
                ),
            ],
        ),
    ])
}
