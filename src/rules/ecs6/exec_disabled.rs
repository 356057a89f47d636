//! ECS601 exec-disabled: a service or run-task input leaves ECS Exec off, so
//! nobody can open a shell in its tasks when they misbehave. Advice only;
//! a configuration can raise its severity.

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
}
