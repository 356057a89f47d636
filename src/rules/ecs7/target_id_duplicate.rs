//! ECS703 target-id-duplicate: two targets of one EventBridge rule with the
//! same `Id`. EventBridge keeps targets by id, so the later one replaces the
//! earlier and only one of them ever runs. Ids are compared exactly.

use super::scheduled::{rule_label, rule_resource, shown, target_task_def};
use crate::model::context::RuleKind;
use crate::rules::{Ctx, Sink, short_td_reference};
use std::collections::HashMap;

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    for rule in cx.inv.context.schedules.rules.iter().filter(|r| r.kind == RuleKind::EventsRule) {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, t) in rule.targets.items().iter().enumerate() {
            let Some(id) = t.id.str().filter(|id| !id.is_empty()) else { continue };
            let Some(&first) = seen.get(id) else {
                seen.insert(id, i);
                continue;
            };
            let what = |j: usize| {
                let t = &rule.targets.items()[j];
                // A template's task definition by its logical id: the ARN
                // `!Ref` gives is a stand-in.
                let td = t.ecs.get().and_then(|e| match target_task_def(cx.inv, e) {
                    Some(td) => Some(td.display_name()),
                    None => e.task_definition.str().map(short_td_reference),
                });
                match (td, t.arn.str()) {
                    (Some(td), _) => format!("target #{} runs task definition `{}`", j + 1, shown(&td)),
                    (None, Some(arn)) => format!("target #{} invokes `{}`", j + 1, shown(arn)),
                    (None, None) => format!("target #{}", j + 1),
                }
            };
            out.report(
                t.id.at,
                rule_resource(rule),
                format!(
                    "Target `Id` `{}` is used twice in {}; the later target replaces the earlier one",
                    shown(id),
                    rule_label(rule)
                ),
            )
            .evidence(what(first))
            .evidence(what(i))
            .fix(format!("Give each target of the rule its own `Id`, e.g. `{}-{}`", shown(id), i + 1));
        }
    }
}
