//! Presentational pieces: props in, callbacks out, no server calls.

mod account_table;
mod area_guard;
mod field;
mod form_alert;

pub use account_table::AccountTable;
pub use area_guard::AreaGuard;
pub use field::{Field, FieldKind};
pub use form_alert::FormAlert;
