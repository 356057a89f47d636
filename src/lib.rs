//! ecs-triage: why Amazon ECS tasks stop, and how to catch it before deploy.
//!
//! sources → model → rules → findings → reporters.

pub mod analysis;
pub mod cfn;
pub mod cli;
pub mod config;
pub mod engine;
pub mod explain;
pub mod finding;
pub mod live;
pub mod model;
pub mod report;
pub mod rules;
pub mod source;
