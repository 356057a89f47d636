//! ECS8xx: load balancing.

pub mod grace_period_without_load_balancer;
pub mod load_balancer_container_mismatch;
pub mod target_group_without_listener;
pub mod target_type_not_ip;
pub mod task_ingress_from_load_balancer;

crate::family_checks! {
    "ECS801" => load_balancer_container_mismatch::check,
    "ECS802" => grace_period_without_load_balancer::check,
    "ECS803" => target_type_not_ip::check,
    "ECS804" => target_group_without_listener::check,
    "ECS805" => task_ingress_from_load_balancer::check,
}

use crate::model::Launcher;
use crate::model::context::TargetGroup;
use crate::rules::Ctx;

/// The target group of a service's `loadBalancers[]` entry, when the inputs
/// declare it. One that is not declared is "somewhere else": unknown.
fn target_group<'a>(cx: &'a Ctx<'_>, arn: &str) -> Option<&'a TargetGroup> {
    cx.inv.context.elb.target_groups.iter().find(|g| g.arn == arn)
}

/// Why the tasks of a launch use `awsvpc` network mode, for evidence; `None`
/// when they do not or it is not known.
fn awsvpc_reason(cx: &Ctx<'_>, l: Launcher) -> Option<String> {
    match cx.inv.td_of(l) {
        Some(td) if td.network_mode_is("awsvpc") => {
            Some(format!("task definition `{}` uses `networkMode: awsvpc`", td.display_name()))
        }
        Some(_) => None,
        None => match cx.inv.platform_of(l) {
            crate::model::Platform::Fargate(why) => Some(format!("Fargate tasks use `awsvpc` ({why})")),
            _ => None,
        },
    }
}
