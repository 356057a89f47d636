//! ECS202 public-ip-unsupported: only Fargate tasks can get a public IP on
//! their network interface; ECS rejects `assignPublicIp: ENABLED` for tasks
//! on EC2 instances.

use super::{launch_words, subject};
use crate::model::{Launcher, Platform, TaskDef};
use crate::rules::{Ctx, Sink};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    for l in cx.inv.launchers() {
        let launch = cx.inv.launch(l);
        let Some(vpc) = launch.network.get() else { continue };
        if vpc.assign_public_ip.str() != Some("ENABLED") {
            continue;
        }
        let Some(why) = on_ec2(cx, l) else { continue };
        out.report(
            vpc.assign_public_ip.at,
            cx.launcher_resource(l),
            format!("{} sets `assignPublicIp: ENABLED`, which only Fargate tasks support", subject(cx, l)),
        )
        .evidence(why)
        .fix(
            "Set `\"assignPublicIp\": \"DISABLED\"` and give the tasks outbound access through a NAT gateway or VPC \
             endpoints, or launch them on Fargate",
        );
    }
}

/// Why the tasks run on EC2 instances, when the input says so.
fn on_ec2(cx: &Ctx<'_>, l: Launcher) -> Option<String> {
    let launch = cx.inv.launch(l);
    match launch.launch_type.str() {
        Some("EC2") => {
            return Some("`launchType` is EC2: the task's network interface is attached to an EC2 instance".into());
        }
        Some(_) => return None,
        None => {}
    }
    if cx.inv.platform_of(l) != Platform::Ec2 {
        return None;
    }
    // A capacity provider that is not FARGATE/FARGATE_SPOT is an Auto Scaling
    // group or an ECS Managed Instances provider; how the latter treats the
    // setting is not documented, so a task definition made for it is skipped.
    if cx.inv.td_of(l).is_some_and(managed_instances) {
        return None;
    }
    let words = launch_words(launch)?;
    Some(format!("{words} places tasks on EC2 instances"))
}

fn managed_instances(td: &TaskDef) -> bool {
    [&td.requires_compatibilities, &td.compatibilities]
        .iter()
        .any(|f| f.items().iter().any(|c| c.str() == Some("MANAGED_INSTANCES")))
}
