//! ECS705 ecs-target-incomplete: a target that runs ECS tasks (its `Arn` is
//! an ECS ARN, or it has `EcsParameters`) but lacks what EventBridge or
//! Scheduler needs to call RunTask: an `Arn` that is a cluster ARN, a
//! `RoleArn`, `EcsParameters.TaskDefinitionArn`, and on Fargate
//! `NetworkConfiguration.AwsVpcConfiguration` with `Subnets`.
//!
//! Fargate is decided as for a run-task input: the launch type, a capacity
//! provider strategy naming FARGATE, or, with neither, a joined task
//! definition that requires only FARGATE. Otherwise the cluster's default
//! strategy decides, which the inputs do not show: quiet.

use super::scheduled::{
    capital, is_cluster_arn, is_ecs_target, rule_label, rule_resource, shown, target_label, target_task_def,
};
use crate::model::Platform;
use crate::model::context::RuleKind;
use crate::rules::{Ctx, Sink};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    for rule in &cx.inv.context.schedules.rules {
        for (i, t) in rule.targets.items().iter().enumerate() {
            if is_ecs_target(t) != Some(true) {
                continue;
            }
            let label = target_label(rule, i, t);
            let on = format!("{label} of {}", rule_label(rule));
            let res = || rule_resource(rule);

            if let Some(arn) = t.arn.str()
                && !is_cluster_arn(arn)
            {
                let (why, fix) = if arn.contains(":task-definition/") {
                    (
                        "a task definition ARN",
                        "Set `Arn` to the ARN of the cluster the task runs in (`!GetAtt Cluster.Arn`) and name the task definition in `EcsParameters.TaskDefinitionArn`",
                    )
                } else if !arn.starts_with("arn:") {
                    (
                        "not an ARN",
                        "Set `Arn` to the cluster's ARN: `!GetAtt Cluster.Arn` in a template (`!Ref Cluster` gives its name), `arn:aws:ecs:<region>:<account>:cluster/<name>` elsewhere",
                    )
                } else {
                    (
                        "not an ECS cluster ARN",
                        "Set `Arn` to the ARN of the cluster the task runs in, `arn:aws:ecs:<region>:<account>:cluster/<name>`",
                    )
                };
                out.report(
                    t.arn.at,
                    res(),
                    format!(
                        "{} has `Arn` `{}`, {why}; an ECS task target's `Arn` is the cluster's ARN",
                        capital(&on),
                        shown(arn)
                    ),
                )
                .evidence(
                    "EventBridge and Scheduler run the task by calling RunTask on the cluster in the target's `Arn`",
                )
                .fix(fix);
            }

            if t.role_arn.is_missing() {
                let f =
                    out.report(t.role_arn.at, res(), format!("{} runs an ECS task but has no `RoleArn`", capital(&on)));
                match rule.kind {
                    RuleKind::EventsRule => f.evidence(format!(
                        "PutTargets answers `RoleArn is required for target {}.`",
                        t.arn.str().map(shown).unwrap_or_else(|| "<cluster ARN>".to_string())
                    )),
                    RuleKind::Schedule => f.evidence("Scheduler requires a `RoleArn` on every target"),
                };
                f.fix("Set `RoleArn` to a role that `events.amazonaws.com` (rules) or `scheduler.amazonaws.com` (schedules) can assume, allowed `ecs:RunTask` on the task definition and `iam:PassRole` on the task's roles");
            }

            let Some(ecs) = t.ecs.get() else {
                if t.ecs.is_missing() {
                    out.report(t.ecs.at, res(), format!("{} has an ECS `Arn` but no `EcsParameters`", capital(&on)))
                        .evidence("without `EcsParameters.TaskDefinitionArn` there is no task to run")
                        .fix("Add `EcsParameters` with `TaskDefinitionArn` (and `LaunchType` and `NetworkConfiguration` for Fargate)");
                }
                continue;
            };
            if ecs.task_definition.is_missing() {
                out.report(
                    ecs.task_definition.at,
                    res(),
                    format!("`EcsParameters` of {on} has no `TaskDefinitionArn`"),
                )
                .evidence("`TaskDefinitionArn` is the one required field of `EcsParameters`")
                .fix("Set `EcsParameters.TaskDefinitionArn` to the task definition to run (`!Ref TaskDefinition` in a template)");
            }

            let td = target_task_def(cx.inv, ecs);
            let Platform::Fargate(why) = ecs.platform(td) else { continue };
            let vpc_key = match rule.kind {
                RuleKind::EventsRule => "AwsVpcConfiguration",
                RuleKind::Schedule => "AwsvpcConfiguration",
            };
            let missing = match ecs.network.get() {
                None if ecs.network.is_missing() => format!("no `NetworkConfiguration.{vpc_key}`"),
                Some(vpc) if vpc.subnets.is_missing() || vpc.subnets.get().is_some_and(Vec::is_empty) => {
                    format!("no `Subnets` in `NetworkConfiguration.{vpc_key}`")
                }
                _ => continue,
            };
            let at = match ecs.network.get() {
                Some(vpc) => vpc.subnets.at,
                None => ecs.network.at,
            };
            let f = out.report(at, res(), format!("{} runs a Fargate task but has {missing}", capital(&on)));
            f.evidence(format!("it runs on Fargate: {why}"));
            if let Some(td) = td {
                f.evidence(format!("task definition `{}` is among the inputs", td.display_name()));
            }
            f.evidence("RunTask answers `Network Configuration must be provided when networkMode 'awsvpc' is specified.` and the scheduled task never starts (the rule's FailedInvocations count rises)")
                .fix(format!("Add `NetworkConfiguration.{vpc_key}` with the task's `Subnets` and `SecurityGroups` (and `AssignPublicIp: ENABLED` only in public subnets without a NAT gateway)"));
        }
    }
}
