//! Presentational pieces: props in, callbacks out, no server calls.

mod account_table;
mod area_guard;
mod attachment_list;
mod chart;
mod custom_field;
mod field;
mod field_problem;
mod form_alert;
mod queue_table;
mod schema_form;
mod sla_countdown;
mod ticket_table;
mod ticket_view;
mod two_factor;

pub use account_table::AccountTable;
pub use area_guard::AreaGuard;
pub use attachment_list::AttachmentList;
pub use chart::ChartSvg;
pub use custom_field::CustomField;
pub use field::{Field, FieldKind};
pub use field_problem::FieldProblem;
pub use form_alert::FormAlert;
pub use queue_table::QueueTable;
pub use schema_form::SchemaForm;
pub use sla_countdown::{DueCountdown, SlaCountdown};
pub use ticket_table::TicketTable;
pub use ticket_view::TicketFacts;
pub use two_factor::{RecoveryCodeList, TwoFactorQr};
