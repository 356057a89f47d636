//! ECS303 vpc-endpoint-missing: the task reaches AWS through VPC endpoints
//! (its subnets have no NAT gateway or internet route it can use), and the
//! endpoint for one of the services it needs is missing: `ecr.dkr` without
//! the S3 gateway for image layers, `logs` for awslogs, `secretsmanager` or
//! `ssm` for secrets, `ssmmessages` with ECS Exec.

use super::{Blocked, endpoints_to_create};
use crate::analysis::network::Cause;
use crate::rules::{Ctx, Sink};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    super::each_blocked(cx, Cause::EndpointMissing, |b: &Blocked<'_>| {
        let message = format!(
            "{} reaches AWS only through VPC endpoints from {}, and none serves {}",
            b.subject,
            b.subnet_words(""),
            b.endpoints()
        );
        let f = out.report(b.subnets_at(), b.resource.clone(), message);
        b.add_evidence(f);
        f.fix(format!(
            "Create {}, or send `0.0.0.0/0` from the subnets' route table to a NAT gateway",
            endpoints_to_create(&b.missing)
        ));
    });
}
