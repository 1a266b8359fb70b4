//! The user interface; the tree mirrors the screen: layouts per area, pages per screen.

pub mod components;
pub mod downloads;
pub mod form_data;
pub mod keyboard;
pub mod layouts;
pub mod live;
pub mod pages;
pub mod session;
pub mod uploads;
