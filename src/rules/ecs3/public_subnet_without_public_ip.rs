//! ECS301 public-subnet-without-public-ip: a Fargate task in a subnet whose
//! default route is an internet gateway, with `assignPublicIp` off, for
//! endpoints no VPC endpoint serves. The internet gateway only carries
//! traffic of interfaces with a public IP, so the pull times out.

use super::{Blocked, endpoints_to_create};
use crate::analysis::network::Cause;
use crate::model::Platform;
use crate::rules::{Ctx, Sink};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    super::each_blocked(cx, Cause::PublicIpOff, |b: &Blocked<'_>| {
        let ip = &b.vpc.assign_public_ip;
        let state = if ip.is_missing() { "omitted (it defaults to `DISABLED`)" } else { "`DISABLED`" };
        let message = format!(
            "{} runs Fargate tasks in {} with `assignPublicIp` {state}: without a public IP they cannot reach {}",
            b.subject,
            b.subnet_words("public"),
            b.endpoints()
        );
        let f = out.report(ip.at, b.resource.clone(), message);
        if let Platform::Fargate(why) = &b.reach.task.platform {
            f.evidence(format!("the tasks run on Fargate: {why}"));
        }
        b.add_evidence(f);
        let mut fix = "Set `assignPublicIp` to `ENABLED`, or run the tasks in private subnets whose route table sends `0.0.0.0/0` to a NAT gateway".to_string();
        if !b.needs_internet() && !b.missing.is_empty() {
            fix.push_str(&format!(", or create {}", endpoints_to_create(&b.missing)));
        }
        f.fix(fix);
    });
}
