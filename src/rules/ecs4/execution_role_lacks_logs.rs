//! ECS405 execution-role-lacks-logs: a container logs with awslogs, but the
//! task execution role, whose credentials the ECS agent hands to the log
//! driver, may not create the log stream or put events into it.
//!
//! ARNs: the group's Region is `awslogs-region`; partition and account are
//! the execution role's (a task's log group is in the task's account, and
//! so is its execution role). The stream is named the way the driver names
//! it: `<prefix>/<container>/<task-id>`, or the Docker container id without
//! a prefix; the task and container ids stand in as `<task-id>` and
//! `<container-id>`, so a policy limited to a prefix still matches.

use crate::model::Container;
use crate::model::Val;
use crate::rules::ecs5::access::{self, Verdict};
use crate::rules::{Ctx, Sink, container_resource, ticked};
use crate::source::Loc;

/// What an awslogs configuration decides, when all of it is known.
pub(super) struct AwsLogs<'a> {
    pub group: &'a str,
    pub group_at: Loc,
    pub region: &'a str,
    /// `awslogs-stream-prefix`: `Some(None)` when not set, `None` when
    /// unknown.
    pub prefix: Option<Option<&'a str>>,
    /// `awslogs-create-group`, where set to a value.
    pub create_group: Option<(&'a str, Loc)>,
}

/// A container's awslogs settings; `None` when it does not use awslogs or
/// when the group or Region is unknown.
pub(super) fn awslogs(c: &Container) -> Option<AwsLogs<'_>> {
    let log = c.log.get()?;
    if log.driver.str() != Some("awslogs") {
        return None;
    }
    let Val::Known(opts) = &log.options.val else { return None };
    let opt = |k: &str| opts.iter().find(|e| e.key == k).map(|e| &e.value);
    let group = opt("awslogs-group")?;
    let region = opt("awslogs-region")?.str()?;
    let prefix = match opt("awslogs-stream-prefix") {
        None => Some(None),
        Some(p) => p.str().map(Some),
    };
    let create_group = opt("awslogs-create-group").and_then(|v| v.str().map(|s| (s, v.at)));
    Some(AwsLogs { group: group.str()?, group_at: group.at, region, prefix, create_group })
}

/// The log group's ARN in the role's partition and account.
pub(super) fn group_arn(role: &access::Access<'_>, l: &AwsLogs<'_>) -> Option<String> {
    let (partition, account) = role.partition_account()?;
    Some(format!("arn:{partition}:logs:{}:{account}:log-group:{}", l.region, l.group))
}

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    for (_, td) in cx.task_defs() {
        let Some(role) = access::role(cx, &td.execution_role) else { continue };
        for c in td.containers.items() {
            let Some(l) = awslogs(c) else { continue };
            let Some(group) = group_arn(&role, &l) else { continue };
            let stream = match l.prefix {
                Some(Some(p)) => format!("{p}/{}/<task-id>", c.display_name()),
                Some(None) => "<container-id>".to_string(),
                None => continue,
            };
            let stream_arn = format!("{group}:log-stream:{stream}");
            let verdicts = [
                role.may("logs:CreateLogStream", &[stream_arn.clone(), group.clone()]),
                role.may("logs:PutLogEvents", std::slice::from_ref(&stream_arn)),
            ];
            let failing: Vec<&Verdict> = verdicts.iter().filter(|v| v.fails()).collect();
            if failing.is_empty() {
                continue;
            }
            let actions: Vec<&str> = failing.iter().map(|v| v.action.as_str()).collect();
            let f = out.report(
                l.group_at,
                container_resource(td, c),
                format!(
                    "Container `{}` logs to `{}`, but execution role `{}` may not {} there",
                    c.display_name(),
                    l.group,
                    role.label(),
                    ticked(&actions, "and")
                ),
            );
            f.evidence(role.policies_line("execution role"));
            for v in &failing {
                f.evidence(v.evidence());
            }
            f.fix(access::fix_with_denies(
                format!(
                    "Allow `logs:CreateLogStream` and `logs:PutLogEvents` on `{group}:*` in the execution role, or attach the AWS managed policy `AmazonECSTaskExecutionRolePolicy`"
                ),
                failing.iter().copied(),
            ));
        }
    }
}
