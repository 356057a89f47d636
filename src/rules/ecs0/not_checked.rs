//! ECS001 not-checked: a service or run-task input names a task definition
//! that is not among the inputs, so the rules that need both stay quiet.

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
}
