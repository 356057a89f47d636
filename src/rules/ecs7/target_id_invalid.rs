//! ECS702 target-id-invalid: a target `Id` of an EventBridge rule that
//! PutTargets refuses: missing, empty, longer than 64 characters, or with
//! characters outside `[.\-_A-Za-z0-9]`. Scheduler targets have no `Id`.

use super::scheduled::{capital, refused_characters, rule_resource, shown, target_label};
use crate::model::context::RuleKind;
use crate::rules::{Ctx, Sink};
use regex::Regex;

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    let data = &cx.data.schedules;
    let pattern = Regex::new(&data.target_id_pattern).expect("target_id_pattern compiles");
    let max = data.target_id_max_length;
    let accepted = format!("PutTargets accepts target ids of 1 to {max} letters, digits, `.`, `-` and `_`");
    let give =
        format!("Give the target an `Id`: up to {max} letters, digits, `.`, `-` and `_`, unique within the rule");
    for rule in cx.inv.context.schedules.rules.iter().filter(|r| r.kind == RuleKind::EventsRule) {
        for (i, t) in rule.targets.items().iter().enumerate() {
            let label = target_label(rule, i, t);
            if t.id.is_missing() {
                out.report(t.id.at, rule_resource(rule), format!("{} has no `Id`", capital(&label)))
                    .evidence("`Id` is required: EventBridge keeps a rule's targets by id")
                    .fix(give.clone());
                continue;
            }
            let Some(id) = t.id.str() else { continue };
            let len = id.chars().count();
            if id.is_empty() {
                out.report(t.id.at, rule_resource(rule), format!("{} has an empty `Id`", capital(&label)))
                    .evidence(accepted.clone())
                    .fix(give.clone());
                continue;
            }
            let problem = if len > max {
                format!("is {len} characters long; EventBridge accepts at most {max}")
            } else if !pattern.is_match(id) {
                format!("has characters EventBridge does not accept: {}", refused_characters(id, &pattern))
            } else {
                continue;
            };
            out.report(t.id.at, rule_resource(rule), format!("Target `Id` `{}` {problem}", shown(id)))
                .evidence(accepted.clone())
                .fix(format!("Use an id such as `{}`", suggested_id(id, &pattern, max)));
        }
    }
}

/// The id with every character EventBridge refuses replaced by `-`, cut to
/// the longest length it accepts; `run-task` when nothing is left.
fn suggested_id(id: &str, pattern: &Regex, max: usize) -> String {
    let s: String = id.chars().map(|c| if pattern.is_match(&c.to_string()) { c } else { '-' }).take(max).collect();
    let trimmed = s.trim_matches('-');
    if trimmed.is_empty() { "run-task".to_string() } else { trimmed.to_string() }
}

#[cfg(test)]
mod tests {
    #[test]
    fn suggested_ids() {
        let p = regex::Regex::new(&crate::rules::meta::data().schedules.target_id_pattern).unwrap();
        assert_eq!(super::suggested_id("run report", &p, 64), "run-report");
        assert_eq!(super::suggested_id("", &p, 64), "run-task");
        assert_eq!(super::suggested_id(&"a".repeat(70), &p, 64).len(), 64);
    }
}
