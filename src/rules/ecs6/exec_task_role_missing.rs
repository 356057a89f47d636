//! ECS602 exec-task-role-missing: ECS Exec's agent talks to Systems Manager
//! with the task role's credentials; without a task role it cannot connect.

use super::{exec_evidence, exec_task_defs};
use crate::model::Launcher;
use crate::rules::{Ctx, Sink, td_resource};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    // A run-task input may bring its own task role in `overrides`.
    let no_override = |l: Launcher| match l {
        Launcher::RunTask(i) => cx.inv.run_tasks[i].task_role_override.is_missing(),
        Launcher::Service(_) => true,
    };
    for (i, users) in exec_task_defs(cx, no_override) {
        let td = &cx.inv.task_defs[i];
        if !td.task_role.is_missing() {
            continue;
        }
        let f = out.report(
            td.task_role.at,
            td_resource(td),
            "Task definition has no `taskRoleArn`, but ECS Exec is enabled for its tasks",
        );
        for e in exec_evidence(cx, &users) {
            f.evidence(e);
        }
        f.fix(
            "Add a `taskRoleArn` whose role allows `ssmmessages:CreateControlChannel`, `ssmmessages:CreateDataChannel`, \
             `ssmmessages:OpenControlChannel` and `ssmmessages:OpenDataChannel` (the execution role does not count)",
        );
    }
}
