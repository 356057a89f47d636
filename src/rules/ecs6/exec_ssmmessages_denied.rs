//! ECS606 exec-ssmmessages-denied: ECS Exec is enabled, but the task role,
//! whose credentials the SSM agent in each container uses, may not open the
//! Session Manager channels, so `execute-command` cannot connect.
//!
//! Exec is enabled by a service or run-task input (`enableExecuteCommand`)
//! or by a schedule target's `EcsParameters.EnableExecuteCommand`. A
//! run-task input's `overrides.taskRoleArn` replaces the task role.

use crate::model::{F, Launcher};
use crate::rules::ecs5::access::{self, Verdict};
use crate::rules::{Ctx, Sink, td_resource, ticked};
use std::collections::BTreeMap;

pub const ACTIONS: [&str; 4] = [
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
];

/// One way tasks of a task definition run with ECS Exec.
pub(super) struct ExecUse<'a> {
    /// The task role that applies: a run-task override or the task
    /// definition's own.
    pub task_role: &'a F<String>,
    /// Who enables ECS Exec, for evidence.
    pub by: String,
}

/// Task definitions among the inputs that run with ECS Exec, by index.
pub(super) fn exec_uses<'a>(cx: &Ctx<'a>) -> BTreeMap<usize, Vec<ExecUse<'a>>> {
    let inv = cx.inv;
    let mut m: BTreeMap<usize, Vec<ExecUse<'a>>> = BTreeMap::new();
    for l in inv.launchers().filter(|l| inv.launch(*l).enable_execute_command.is_true()) {
        let crate::model::TdLink::Found(i) = inv.td_link(l) else { continue };
        let task_role = match l {
            Launcher::RunTask(r) if !inv.run_tasks[r].task_role_override.is_missing() => {
                &inv.run_tasks[r].task_role_override
            }
            _ => &inv.task_defs[*i].task_role,
        };
        let by = format!("{} enables ECS Exec (`enableExecuteCommand: true`)", cx.launcher_label(l));
        m.entry(*i).or_default().push(ExecUse { task_role, by });
    }
    for rule in &inv.context.schedules.rules {
        for t in rule.targets.items() {
            let Some(launch) = t.ecs.get() else { continue };
            if !launch.enable_execute_command.is_true() {
                continue;
            }
            let Some(i) = launch.task_definition.str().and_then(|r| access::td_by_reference(cx, r)) else { continue };
            let by = format!("{} enables ECS Exec for its tasks (`EnableExecuteCommand: true`)", schedule_label(rule));
            m.entry(i).or_default().push(ExecUse { task_role: &inv.task_defs[i].task_role, by });
        }
    }
    m
}

/// "EventBridge rule `nightly`" / "EventBridge Scheduler schedule `nightly`".
pub(crate) fn schedule_label(rule: &crate::model::context::EventRule) -> String {
    let kind = match rule.kind {
        crate::model::context::RuleKind::EventsRule => "EventBridge rule",
        crate::model::context::RuleKind::Schedule => "EventBridge Scheduler schedule",
    };
    format!("{kind} `{}`", schedule_name(rule))
}

/// A rule's or schedule's name: its `Name`, else its logical id.
pub(crate) fn schedule_name(rule: &crate::model::context::EventRule) -> &str {
    rule.name.str().or(rule.logical_id.as_deref()).unwrap_or("(unnamed)")
}

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    for (i, uses) in exec_uses(cx) {
        let td = &cx.inv.task_defs[i];
        // One finding per task role, however many launchers use it.
        let mut roles: Vec<(&F<String>, Vec<&str>)> = Vec::new();
        for u in &uses {
            match roles.iter_mut().find(|(f, _)| f.str() == u.task_role.str()) {
                Some((_, by)) => by.push(&u.by),
                None => roles.push((u.task_role, vec![&u.by])),
            }
        }
        for (field, by) in roles {
            let Some(role) = access::role(cx, field) else { continue };
            let failing: Vec<Verdict> =
                ACTIONS.iter().map(|a| role.may(a, &["*".to_string()])).filter(Verdict::fails).collect();
            if failing.is_empty() {
                continue;
            }
            let actions: Vec<&str> = failing.iter().map(|v| v.action.as_str()).collect();
            let f = out.report(
                field.at,
                td_resource(td),
                format!(
                    "ECS Exec is enabled, but task role `{}` may not {}, so sessions cannot connect",
                    role.label(),
                    ticked(&actions, "and")
                ),
            );
            for b in by {
                f.evidence(b);
            }
            f.evidence(role.policies_line("task role"));
            for v in &failing {
                f.evidence(v.evidence());
            }
            f.fix(access::fix_with_denies(
                format!("Allow {} on `*` in the task role", ticked(&ACTIONS, "and")),
                &failing,
            ));
        }
    }
}
