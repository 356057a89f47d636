//! ECS201 network-configuration-missing: tasks that use `awsvpc` networking
//! (every Fargate task, and any task definition with `networkMode: awsvpc`)
//! need subnets from the service or run-task input.

use super::{is_update, subject};
use crate::model::Platform;
use crate::rules::{Ctx, Sink};

const FIX: &str = "Add `\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-…\"], \"securityGroups\": [\"sg-…\"]}}`";

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    for l in cx.inv.launchers() {
        let launch = cx.inv.launch(l);
        let why = match (cx.inv.platform_of(l), cx.inv.td_of(l)) {
            (Platform::Fargate(w), _) => {
                Some(format!("it runs on Fargate ({w}), which gives every task its own network interface"))
            }
            // ECS Anywhere does not offer awsvpc at all: another problem.
            (Platform::External, _) => continue,
            (_, Some(td)) if td.network_mode_is("awsvpc") => {
                Some(format!("task definition `{}` uses `networkMode: awsvpc`", td.display_name()))
            }
            _ => None,
        };
        let net = &launch.network;
        let (at, message, why) = match net.get() {
            // `subnets` is required whenever `awsvpcConfiguration` is given.
            Some(vpc) => {
                let message = match vpc.subnets.get() {
                    Some(subnets) if subnets.is_empty() => {
                        format!("{} has an empty `subnets` list in `awsvpcConfiguration`", subject(cx, l))
                    }
                    None if vpc.subnets.is_missing() => {
                        format!("{} has an `awsvpcConfiguration` without `subnets`", subject(cx, l))
                    }
                    _ => continue,
                };
                let why = why.unwrap_or_else(|| "`awsvpcConfiguration` requires at least one subnet".to_string());
                (vpc.subnets.at, message, why)
            }
            // update-service keeps the current network configuration.
            None if net.is_missing() && !is_update(cx, l) => match why {
                Some(why) => {
                    (net.at, format!("{} has no `networkConfiguration.awsvpcConfiguration`", subject(cx, l)), why)
                }
                None => continue,
            },
            None => continue,
        };
        out.report(at, cx.launcher_resource(l), message).evidence(why).fix(FIX);
    }
}
