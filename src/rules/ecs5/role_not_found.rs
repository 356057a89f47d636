//! ECS506 role-not-found: a task definition names a task or execution role
//! the account does not have. Registration does not check it; every task
//! then fails to start (`ECS was unable to assume the role`). The same for
//! the role an EventBridge rule's ECS target starts tasks with: the rule
//! fires and starts nothing.
//!
//! Known only from an account (live mode): IAM answered `NoSuchEntity`.

use crate::model::F;
use crate::rules::ecs6::exec_ssmmessages_denied::{schedule_label, schedule_name};
use crate::rules::{Ctx, Sink, td_resource};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    let iam = &cx.inv.context.iam;
    if !iam.coverage.is_complete() || iam.missing.is_empty() {
        return;
    }
    for (_, td) in cx.task_defs() {
        for (field, key, what) in
            [(&td.execution_role, "executionRoleArn", "execution role"), (&td.task_role, "taskRoleArn", "task role")]
        {
            let Some(name) = role_name(field, cx.inv.context.account.as_deref()) else { continue };
            if !iam.missing.iter().any(|m| m == name) {
                continue;
            }
            let value = field.str().unwrap_or(name);
            let f = out.report(
                field.at,
                td_resource(td),
                format!("The {what} `{value}` (`{key}`) of task definition `{}` does not exist", td.display_name()),
            );
            f.evidence(format!("IAM answers `NoSuchEntity` for role `{name}`"));
            f.evidence(if what == "execution role" {
                "tasks stop before their containers start: ECS cannot pull the image, fetch secrets or create log streams".to_string()
            } else {
                "tasks fail to start: ECS cannot assume the role to give the containers their credentials".to_string()
            });
            f.fix(format!(
                "Create role `{name}` trusting `ecs-tasks.amazonaws.com`, or register a new revision naming a role that exists"
            ));
        }
    }
    for rule in &cx.inv.context.schedules.rules {
        for t in rule.targets.items() {
            if t.ecs.get().is_none() {
                continue;
            }
            let Some(name) = role_name(&t.role_arn, cx.inv.context.account.as_deref()) else { continue };
            if !iam.missing.iter().any(|m| m == name) {
                continue;
            }
            let resource = crate::finding::Resource {
                kind: crate::rules::ecs7::scheduled::rule_resource(rule).kind,
                name: schedule_name(rule).to_string(),
            };
            let f = out.report(
                t.role_arn.at,
                resource,
                format!(
                    "The role `{}` (`RoleArn`) that {} starts tasks with does not exist",
                    t.role_arn.str().unwrap_or(name),
                    schedule_label(rule)
                ),
            );
            f.evidence(format!("IAM answers `NoSuchEntity` for role `{name}`"));
            f.evidence("each time the rule fires, EventBridge cannot assume the role and no task is started (the failure shows only in the rule's `FailedInvocations` metric)");
            f.fix(format!(
                "Create role `{name}` trusting `events.amazonaws.com` with `ecs:RunTask` and `iam:PassRole` for the task's roles, or point the target at a role that exists"
            ));
        }
    }
}

/// The role name of an ARN (`arn:aws:iam::123456789012:role/path/name`) or
/// a bare name, when the role is one of `account`'s (the only ones looked
/// up: a role of another account is never reported missing).
fn role_name<'a>(field: &'a F<String>, account: Option<&str>) -> Option<&'a str> {
    let v = field.str()?.trim();
    if v.is_empty() {
        return None;
    }
    match v.strip_prefix("arn:") {
        Some(rest) => {
            let (head, path) = rest.split_once(":role/")?;
            // partition:iam::account
            let of = head.rsplit(':').next().unwrap_or_default();
            if account.is_some_and(|a| a != of) {
                return None;
            }
            Some(path.rsplit('/').next().unwrap_or(path))
        }
        None => Some(v),
    }
}
