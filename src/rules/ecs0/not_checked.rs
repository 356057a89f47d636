//! ECS001 not-checked: a service or run-task input names a task definition
//! that is not among the inputs, so the rules that need both stay quiet.
//! In live mode, also each part of the account that could not be read (a
//! denied or failed call): the rules that need it stayed quiet too.

use crate::model::TdLink;
use crate::rules::{Ctx, Sink};
use std::collections::BTreeMap;

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    // One note per reference, at its first use; the others are evidence.
    let mut by_ref: BTreeMap<&str, Vec<crate::model::Launcher>> = BTreeMap::new();
    for l in cx.inv.launchers() {
        if *cx.inv.td_link(l) == TdLink::NotProvided
            && let Some(r) = cx.inv.launch(l).task_definition.str()
        {
            by_ref.entry(r).or_default().push(l);
        }
    }
    for (reference, users) in by_ref {
        let first = users[0];
        let f = out.report(
            cx.inv.launch(first).task_definition.at,
            cx.launcher_resource(first),
            format!(
                "Not checked: task definition `{reference}` is not among the inputs, so rules that need it did not run"
            ),
        );
        for other in &users[1..] {
            f.evidence(format!("also named by {}", cx.launcher_label(*other)));
        }
        f.fix(format!("Lint the task definition together with it, e.g. `aws ecs describe-task-definition --task-definition {reference} > taskdef.json`"));
    }
    for (at, part, why) in &cx.inv.context.not_loaded {
        let what = match part.as_str() {
            "iam" => "IAM roles (the permission rules ECS405, ECS5xx, ECS606)",
            "ec2" => "the network (the reachability rules ECS3xx)",
            "logs" => "CloudWatch log groups (ECS403)",
            "iam-policies" => "some managed policy documents (permission verdicts that need them)",
            "ecs" => "some ECS resources",
            "secrets" => "whether the referenced secrets and parameters exist (ECS504)",
            "images" => "whether the private ECR images exist (ECS505)",
            "account" => "the account id (roles in this account are not looked up)",
            _ => "a part of the account",
        };
        let f = out.report(
            *at,
            crate::finding::Resource { kind: "account", name: part.clone() },
            format!("Not checked: {what} could not be read, so the rules that need it did not run"),
        );
        f.evidence(why.clone());
        f.fix("Allow the read-only actions of docs/iam-policy.json to the identity that runs the audit");
    }
}
