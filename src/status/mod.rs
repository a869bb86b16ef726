//! One-shot output for scripts and monitoring: the verdict as one monitoring-plugins line
//! (or a full explanation), or one JSON object. Nothing here decides anything: every word
//! comes from [`crate::verdict`].

mod json;
pub mod source;
mod text;

pub use crate::verdict::{AgentHealth, CheckState as State, Verdict, new_spofs};
pub use json::{SCHEMA, render_json};
pub use text::{render_explain, render_line};
