//! ECS2xx: services, run-task inputs and deployments.

use crate::rules::ticked;

pub mod assign_public_ip_disabled;
pub mod circuit_breaker_disabled;
pub mod container_override_unknown;
pub mod deployment_cannot_progress;
pub mod launch_type_incompatible;
pub mod network_configuration_missing;
pub mod platform_version_outdated;
pub mod public_ip_unsupported;

use crate::model::{Launcher, ServiceShape};
use crate::rules::Ctx;

crate::family_checks! {
    "ECS201" => network_configuration_missing::check,
    "ECS202" => public_ip_unsupported::check,
    "ECS203" => launch_type_incompatible::check,
    "ECS204" => platform_version_outdated::check,
    "ECS205" => deployment_cannot_progress::check,
    "ECS206" => circuit_breaker_disabled::check,
    "ECS207" => container_override_unknown::check,
    "ECS208" => assign_public_ip_disabled::check,
}

/// "Service `api`" / "Run-task input for `web:3`": a launcher named at the
/// start of a message.
fn subject(cx: &Ctx<'_>, l: Launcher) -> String {
    let label = cx.launcher_label(l);
    let mut chars = label.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => label,
    }
}

/// An `update-service` input: what it omits stays as it is, so it is unknown.
fn is_update(cx: &Ctx<'_>, l: Launcher) -> bool {
    matches!(l, Launcher::Service(i) if cx.inv.services[i].shape == ServiceShape::Update)
}

/// The launch type or capacity providers in words, for messages.
fn launch_words(l: &crate::model::Launch) -> Option<String> {
    if let Some(lt) = l.launch_type.str() {
        return Some(format!("`launchType` {lt}"));
    }
    let cps: Vec<&str> = l.capacity_providers.items().iter().filter_map(|c| c.str()).collect();
    match cps.len() {
        0 => None,
        1 => Some(format!("capacity provider `{}`", cps[0])),
        _ => Some(format!("capacity providers {}", ticked(&cps, "and"))),
    }
}
