//! ECS304 security-group-blocks-egress: the path to a needed endpoint
//! exists, but the task's security groups allow no TCP 443 out to it: to
//! `0.0.0.0/0` through a NAT or internet gateway, to the S3 prefix list
//! through the gateway endpoint, or to an interface endpoint's security
//! group or subnet.

use super::Blocked;
use crate::analysis::network::{Cause, Via};
use crate::rules::{Ctx, Sink};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    super::each_blocked(cx, Cause::TaskSecurityGroup, |b: &Blocked<'_>| {
        let verb = if b.needs.len() == 1 { "is" } else { "are" };
        let message = format!(
            "{} cannot send HTTPS to {}: {} allows no outbound TCP 443 there, so {} {verb} out of reach",
            b.subject,
            b.paths(),
            b.decided_by(),
            b.endpoints()
        );
        let f = out.report(b.vpc.security_groups.at, b.resource.clone(), message);
        b.add_evidence(f);
        let mut targets: Vec<String> = Vec::new();
        for v in &b.vias {
            let t = match v {
                Via::InterfaceEndpoint(_) => "the endpoint's security group (or the VPC's CIDR)",
                Via::GatewayEndpoint(_) => "`0.0.0.0/0` (or the S3 prefix list)",
                Via::Nat(_) | Via::InternetGateway(_) => "`0.0.0.0/0`",
                Via::Nothing | Via::Unknown => continue,
            };
            if !targets.iter().any(|x| x == t) {
                targets.push(t.to_string());
            }
        }
        f.fix(format!("Add an egress rule allowing TCP 443 to {} in {}", super::join(&targets, "and"), b.decided_by()));
    });
}
