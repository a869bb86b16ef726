//! redcon: a terminal-first data-center redundancy console.
//!
//! `model` and `classify` are the pure core: plain data and functions, no IO beyond
//! reading a file, no async, no terminal.

pub mod agent;
pub mod api;
pub mod classify;
pub mod config;
pub mod demo;
pub mod desk;
pub mod dispatch;
pub mod exporter;
pub mod listen;
pub mod model;
pub mod openmetrics;
pub mod ops;
pub mod paths;
pub mod poll;
pub mod sim;
pub mod status;
pub mod tui;
pub mod verdict;
