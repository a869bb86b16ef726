//! redcon: a terminal-first data-center redundancy console.
//!
//! `model` and `classify` are the pure core: plain data and functions, no IO beyond
//! reading a file, no async, no terminal.

pub mod api;
pub mod classify;
pub mod demo;
pub mod model;
pub mod status;
