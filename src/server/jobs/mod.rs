//! Background work every Docket process runs beside serving requests.

pub mod sla;
