//! ECS608 exec-tasks-predate-enable: `enableExecuteCommand` is read when a
//! task starts. Turning it on for a service does not reach the tasks
//! already running; `execute-command` fails on them until a deployment
//! replaces them.
//!
//! Live mode: the service says exec is on, its running tasks say it was off
//! when they started.

use crate::model::Launcher;
use crate::rules::{Ctx, Sink};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    let tasks = &cx.inv.context.tasks;
    if !tasks.coverage.is_loaded() {
        return;
    }
    for (i, s) in cx.inv.services.iter().enumerate() {
        if !s.launch.enable_execute_command.is_true() {
            continue;
        }
        let (Some(name), Some(cluster)) = (s.name.str(), s.launch.cluster.str()) else { continue };
        let group = format!("service:{name}");
        let old: Vec<&str> = tasks
            .tasks
            .iter()
            .filter(|t| t.group.str() == Some(group.as_str()) && t.cluster.str() == Some(cluster))
            .filter(|t| t.last_status.str() == Some("RUNNING"))
            .filter(|t| t.enable_execute_command.get() == Some(&false))
            .map(|t| t.arn.rsplit('/').next().unwrap_or(&t.arn))
            .collect();
        if old.is_empty() {
            continue;
        }
        let l = Launcher::Service(i);
        let n = old.len();
        let f = out.report(
            s.launch.enable_execute_command.at,
            cx.launcher_resource(l),
            format!(
                "{} has ECS Exec on, but {n} running task{} started without it: `execute-command` fails on {}",
                super::capitalized_label(cx, l),
                if n == 1 { "" } else { "s" },
                if n == 1 { "it" } else { "them" }
            ),
        );
        let shown: Vec<String> = old.iter().take(5).map(|id| format!("`{id}`")).collect();
        f.evidence(format!(
            "tasks with `enableExecuteCommand: false`: {}{}",
            shown.join(", "),
            if n > 5 { format!(" and {} more", n - 5) } else { String::new() }
        ));
        let cluster_name = cluster.rsplit(['/', ':']).next().unwrap_or(cluster);
        f.fix(format!(
            "Replace the tasks: `aws ecs update-service --cluster {cluster_name} --service {name} --force-new-deployment`"
        ));
    }
}
