//! ECS302 no-egress-path: a needed endpoint has no path at all from the
//! task's subnets: no NAT gateway, no internet gateway the task can use, no
//! VPC endpoint. When the task already uses VPC endpoints, ECS303 reports
//! the missing one instead.

use super::{Blocked, endpoints_to_create};
use crate::analysis::network::Cause;
use crate::rules::{Ctx, Sink};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    super::each_blocked(cx, Cause::NoPath, |b: &Blocked<'_>| {
        let aws = b.aws_needs();
        let mut message = format!(
            "{} has no network path from {} to {}: no route through {} reaches the internet",
            b.subject,
            b.subnet_words(""),
            b.endpoints(),
            b.decided_by()
        );
        if !aws.is_empty() {
            message.push_str(&format!(", and no VPC endpoint serves {}", if aws.len() == 1 { "it" } else { "them" }));
        }
        let f = out.report(b.subnets_at(), b.resource.clone(), message);
        b.add_evidence(f);
        let mut fix = "Send `0.0.0.0/0` from the subnets' route table to a public NAT gateway whose own subnet routes to an internet gateway".to_string();
        if !b.missing.is_empty() {
            fix.push_str(&format!(", or create {}", endpoints_to_create(&b.missing)));
        }
        if b.needs_internet() {
            fix.push_str("; images from registries other than ECR need the NAT gateway or a copy in ECR");
        }
        f.fix(fix);
    });
}
