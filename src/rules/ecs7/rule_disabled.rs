//! ECS708 rule-disabled: a rule or schedule with an ECS task target whose
//! `State` is `DISABLED`, so the scheduled task never runs. Advice only: a
//! rule is often disabled on purpose. A state the input does not give
//! (`put-targets` alone, an unresolved template value) is skipped.

use super::scheduled::{capital, is_ecs_target, rule_label, rule_resource, target_label};
use crate::rules::{Ctx, Sink};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    for rule in &cx.inv.context.schedules.rules {
        if rule.state.str() != Some("DISABLED") {
            continue;
        }
        let targets: Vec<String> = rule
            .targets
            .items()
            .iter()
            .enumerate()
            .filter(|(_, t)| is_ecs_target(t) == Some(true))
            .map(|(i, t)| target_label(rule, i, t))
            .collect();
        if targets.is_empty() {
            continue;
        }
        let f = out.report(
            rule.state.at,
            rule_resource(rule),
            format!("{} is `DISABLED`, so its ECS task never runs on schedule", capital(&rule_label(rule))),
        );
        for t in &targets {
            f.evidence(format!("{t} runs an ECS task"));
        }
        f.fix("Set `State: ENABLED` when the task should run on schedule, or delete it if it is retired");
    }
}
