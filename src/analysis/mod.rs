//! Reasoning several rules share.

pub mod iam;
pub mod image;
pub mod network;
pub mod placeholder;
pub mod schedule;
pub mod units;
