//! ECS707 too-many-targets: an EventBridge rule with more than five
//! targets. The limit is a fixed quota: PutTargets answers
//! `LimitExceededException` for the sixth.

use super::scheduled::{capital, rule_label, rule_resource};
use crate::model::context::RuleKind;
use crate::rules::{Ctx, Sink};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    let max = cx.data.schedules.max_targets_per_rule;
    for rule in cx.inv.context.schedules.rules.iter().filter(|r| r.kind == RuleKind::EventsRule) {
        let n = rule.targets.items().len();
        if n <= max {
            continue;
        }
        out.report(
            rule.targets.at,
            rule_resource(rule),
            format!("{} has {n} targets; EventBridge allows at most {max} per rule", capital(&rule_label(rule))),
        )
        .evidence(
            "PutTargets answers `LimitExceededException: The requested resource exceeds the maximum number allowed.`",
        )
        .evidence("the limit is a fixed quota; it cannot be raised")
        .fix(format!("Split the targets over several rules with the same schedule, at most {max} targets each"));
    }
}
