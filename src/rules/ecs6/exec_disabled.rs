//! ECS601 exec-disabled: a service or run-task input leaves ECS Exec off, so
//! nobody can open a shell in its tasks when they misbehave. Advice only;
//! a configuration can raise its severity.
//!
//! Under `exec-check` (which records whether this machine has the Session
//! Manager plugin) a running task started without ECS Exec is an error:
//! `execute-command` on it cannot work.

use super::capitalized_label;
use crate::model::{Launcher, ServiceShape};
use crate::rules::{Ctx, Sink};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    for l in cx.inv.launchers() {
        let f = &cx.inv.launch(l).enable_execute_command;
        // In an update-service input an omitted field keeps its current value.
        let update = matches!(l, Launcher::Service(i) if cx.inv.services[i].shape == ServiceShape::Update);
        let message = match f.get() {
            Some(true) => continue,
            Some(false) => format!("{} sets `enableExecuteCommand: false`", capitalized_label(cx, l)),
            None if f.is_missing() && !update => {
                format!("{} does not set `enableExecuteCommand` (off by default)", capitalized_label(cx, l))
            }
            None => continue,
        };
        let fix = match l {
            Launcher::Service(_) => {
                "Set `\"enableExecuteCommand\": true` (`update-service --enable-execute-command --force-new-deployment` for a running service); the task role needs the `ssmmessages` permissions"
            }
            Launcher::RunTask(_) => {
                "Set `\"enableExecuteCommand\": true` (`run-task --enable-execute-command`); the task role needs the `ssmmessages` permissions"
            }
        };
        out.report(f.at, cx.launcher_resource(l), message).fix(fix);
    }
    if cx.inv.context.session_manager_plugin.is_some() {
        for t in &cx.inv.context.tasks.tasks {
            // ECS always lists `enableExecuteCommand`; absent counts as off.
            let stopped = matches!(t.last_status.str(), Some("STOPPED" | "STOPPING" | "DEPROVISIONING"));
            if stopped || t.enable_execute_command.is_true() {
                continue;
            }
            let id = t.arn.rsplit('/').next().unwrap_or(&t.arn);
            let f = out.report(
                t.enable_execute_command.at,
                crate::finding::Resource { kind: "task", name: id.to_string() },
                format!("Task `{id}` was started without ECS Exec (`enableExecuteCommand: false`)"),
            );
            f.severity(crate::finding::Severity::Error);
            f.evidence("ECS Exec is fixed when a task starts: `execute-command` fails with `execute command was not enabled when the task was run`");
            f.fix(match t.group.str().and_then(|g| g.strip_prefix("service:")) {
                Some(s) => format!("Enable it on service `{s}` and replace its tasks: `aws ecs update-service --service {s} --enable-execute-command --force-new-deployment`"),
                None => "Run the task again with `--enable-execute-command`".to_string(),
            });
        }
    }
}
