//! ECS306 endpoint-private-dns-off: an interface endpoint for a needed
//! service exists in the task's VPC, but its private DNS is off (the
//! CloudFormation default) or the VPC has DNS support or DNS hostnames off,
//! so the task resolves the service's public name, which its subnets cannot
//! reach.

use super::Blocked;
use crate::analysis::network::Cause;
use crate::rules::{Ctx, Sink};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    super::each_blocked(cx, Cause::PrivateDnsOff, |b: &Blocked<'_>| {
        let noun = if b.deciders.len() == 1 { "interface endpoint" } else { "interface endpoints" };
        let message = format!(
            "{} cannot use {noun} {} for {}: without private DNS the tasks resolve the public names, which {} cannot reach",
            b.subject,
            b.decided_by(),
            b.endpoints(),
            b.subnet_words("")
        );
        let f = out.report(b.subnets_at(), b.resource.clone(), message);
        b.add_evidence(f);
        f.fix(format!(
            "Set `PrivateDnsEnabled: true` on {}, and `EnableDnsSupport` and `EnableDnsHostnames` to true on the VPC",
            b.decided_by()
        ));
    });
}
