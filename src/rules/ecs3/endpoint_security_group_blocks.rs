//! ECS305 endpoint-security-group-blocks: the task's traffic goes to an
//! interface endpoint (private DNS on), but the endpoint's security groups
//! allow no TCP 443 in from the task's security groups or subnet.

use super::Blocked;
use crate::analysis::network::Cause;
use crate::rules::{Ctx, Sink};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    super::each_blocked(cx, Cause::EndpointSecurityGroup, |b: &Blocked<'_>| {
        let endpoints = b.endpoint_names();
        let verb = if b.needs.len() == 1 { "is" } else { "are" };
        let allow = if b.deciders.len() == 1 && !b.decided_by().contains(',') { "allows" } else { "allow" };
        let message = format!(
            "{} cannot open HTTPS to interface {} {}: {} {allow} no TCP 443 in from the tasks, so {} {verb} out of reach",
            b.subject,
            if endpoints.len() == 1 { "endpoint" } else { "endpoints" },
            super::join(&endpoints, "and"),
            b.decided_by(),
            b.endpoints()
        );
        let f = out.report(b.subnets_at(), b.resource.clone(), message);
        b.add_evidence(f);
        f.fix(format!(
            "Add an ingress rule to {} allowing TCP 443 from the tasks' security groups (or from the VPC's CIDR)",
            b.decided_by()
        ));
    });
}
