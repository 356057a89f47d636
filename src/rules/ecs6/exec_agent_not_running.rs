//! ECS609 exec-agent-not-running: a running task started with ECS Exec,
//! but the ExecuteCommandAgent of a container is not running, so
//! `execute-command` to that container fails (`TargetNotConnectedException`).
//!
//! Live mode: the task's `managedAgents`. A container whose agent is not
//! listed at all on such a task counts too: the agent never started.

use crate::finding::Resource;
use crate::rules::{Ctx, Sink};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    let tasks = &cx.inv.context.tasks;
    if !tasks.coverage.is_loaded() {
        return;
    }
    for t in &tasks.tasks {
        if t.last_status.str() != Some("RUNNING") || !t.enable_execute_command.is_true() {
            continue;
        }
        let id = t.arn.rsplit('/').next().unwrap_or(&t.arn);
        for (container, status) in &t.exec_agents {
            let state = match status.str() {
                Some("RUNNING" | "PENDING") => continue,
                Some(s) => format!("is `{s}`"),
                None if status.is_missing() => "is not listed in `managedAgents`".to_string(),
                None => continue,
            };
            let f = out.report(
                status.at,
                Resource { kind: "task", name: id.to_string() },
                format!(
                    "The ExecuteCommandAgent of container `{container}` in task `{id}` {state}: `execute-command` cannot reach it"
                ),
            );
            if let Some(g) = t.group.str() {
                f.evidence(format!("the task belongs to `{g}` and was started with `enableExecuteCommand: true`"));
            }
            f.evidence("the agent needs the task role's `ssmmessages` permissions and a route to the `ssmmessages` endpoint (ECS606, ECS3xx)");
            f.fix("Check the task role's `ssmmessages:*` permissions and the subnets' path to `ssmmessages` (NAT or an interface endpoint), then replace the task (`update-service --force-new-deployment` or `stop-task`)");
        }
    }
}
