//! ECS404 create-group-without-permission: `awslogs-create-group` asks the
//! log driver to create a missing log group, with the execution role's
//! credentials, and that role may not `logs:CreateLogGroup`.
//!
//! The driver first tries to create its stream and calls `CreateLogGroup`
//! only when the group does not exist (moby `daemon/logger/awslogs`,
//! `logStream.create`). A group the inputs declare exists by the time the
//! task starts, so it is not reported (unless `awslogs-region` names
//! another Region than the one the template deploys to).

use super::execution_role_lacks_logs::{awslogs, group_arn};
use crate::rules::ecs5::access;
use crate::rules::{Ctx, Sink, container_resource};

/// What Go's `strconv.ParseBool` reads as true (the driver parses the
/// option with it).
const TRUE: &[&str] = &["1", "t", "T", "TRUE", "true", "True"];

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    let logs = &cx.inv.context.logs;
    for (_, td) in cx.task_defs() {
        let Some(role) = access::role(cx, &td.execution_role) else { continue };
        for c in td.containers.items() {
            let Some(l) = awslogs(c) else { continue };
            let Some((value, at)) = l.create_group else { continue };
            if !TRUE.contains(&value) {
                continue;
            }
            // A group the inputs declare exists, in the Region they deploy to.
            let home = cx.inv.context.region.as_deref().is_none_or(|r| r == l.region);
            if home && logs.groups.iter().any(|g| g.name.str() == Some(l.group)) {
                continue;
            }
            let Some(group) = group_arn(&role, &l) else { continue };
            let v = role.may("logs:CreateLogGroup", &[group.clone(), format!("{group}:*")]);
            if !v.fails() {
                continue;
            }
            let f = out.report(
                at,
                container_resource(td, c),
                format!(
                    "Container `{}` sets `awslogs-create-group`, but execution role `{}` may not `logs:CreateLogGroup` for `{}`",
                    c.display_name(),
                    role.label(),
                    l.group
                ),
            );
            f.evidence(role.policies_line("execution role"));
            f.evidence(v.evidence());
            let declared = if logs.coverage.is_complete() { "the account has" } else { "the inputs declare" };
            f.evidence(format!(
                "{declared} no log group `{}`; when it does not exist, the awslogs driver calls `CreateLogGroup` as the container starts",
                l.group
            ));
            f.fix(access::fix_with_denies(
                format!(
                    "Allow `logs:CreateLogGroup` on `{group}:*` in the execution role, or create the log group ahead (an `AWS::Logs::LogGroup`) and remove `awslogs-create-group`"
                ),
                [&v],
            ));
        }
    }
}
