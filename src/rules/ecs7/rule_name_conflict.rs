//! ECS704 rule-name-conflict: two rules on one event bus (or two schedules
//! in one schedule group) with the same explicit `Name` among the inputs,
//! and names EventBridge refuses (outside `[.\-_A-Za-z0-9]{1,64}`).
//!
//! Only definitions count: template resources and `put-rule` /
//! `create-schedule` inputs. `describe-rule` / `get-schedule` output shows
//! what exists already, so naming the same rule there is no conflict; a rule
//! without `Name` gets a generated one. A bus or group the input does not
//! determine is skipped.

use super::scheduled::{capital, refused_characters, rule_resource, shown};
use crate::model::context::{EventRule, RuleKind, RuleOrigin};
use crate::rules::{Ctx, Sink};
use regex::Regex;
use std::collections::BTreeMap;

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    let data = &cx.data.schedules;
    let pattern = Regex::new(&data.name_pattern).expect("name_pattern compiles");
    let max = data.name_max_length;
    let rules = &cx.inv.context.schedules.rules;
    let mut by_name: BTreeMap<(bool, String, String), Vec<&EventRule>> = BTreeMap::new();
    for rule in rules.iter().filter(|r| r.origin != RuleOrigin::Targets) {
        let Some(name) = rule.name.str() else { continue };
        let len = name.chars().count();
        let problem = if name.is_empty() {
            Some("is empty".to_string())
        } else if len > max {
            Some(format!("is {len} characters long; at most {max} are accepted"))
        } else if !pattern.is_match(name) {
            Some(format!("has characters that are not accepted: {}", refused_characters(name, &pattern)))
        } else {
            None
        };
        if let Some(problem) = problem {
            let what = kind_word(rule.kind);
            out.report(
                rule.name.at,
                rule_resource(rule),
                format!("{} name `{}` {problem}", capital(what), shown(name)),
            )
            .evidence(format!("{what} names are 1 to {max} letters, digits, `.`, `-` and `_`"))
            .fix(format!("Rename the {what} using only letters, digits, `.`, `-` and `_`, at most {max} characters"));
            continue;
        }
        if !matches!(rule.origin, RuleOrigin::Template | RuleOrigin::Definition) {
            continue;
        }
        let Some(bus) = rule.bus_name() else { continue };
        by_name.entry((rule.kind == RuleKind::Schedule, name.to_string(), bus)).or_default().push(rule);
    }
    for ((_, name, bus), group) in by_name {
        let Some((first, rest)) = group.split_first() else { continue };
        for rule in rest {
            let (what, place) = match rule.kind {
                RuleKind::EventsRule => ("rule", format!("event bus `{bus}`")),
                RuleKind::Schedule => ("schedule", format!("schedule group `{bus}`")),
            };
            let consequence = match rule.kind {
                RuleKind::EventsRule => {
                    "whichever is deployed last replaces the other, or fails because the name is taken"
                }
                RuleKind::Schedule => "the second one fails to create because the name is taken",
            };
            out.report(
                rule.name.at,
                rule_resource(rule),
                format!(
                    "{} name `{}` on {place} is also used by {}; {consequence}",
                    capital(what),
                    shown(&name),
                    origin_of(cx, first)
                ),
            )
            .evidence(format!("this one is {}", origin_of(cx, rule)))
            .evidence(format!("{what} names are unique per {place} in one account and Region"))
            .fix(format!("Give each {what} its own `Name`, or leave `Name` out so that a unique one is generated"));
        }
    }
}

fn kind_word(kind: RuleKind) -> &'static str {
    match kind {
        RuleKind::EventsRule => "rule",
        RuleKind::Schedule => "schedule",
    }
}

/// "`NightlyRule` in `ops.yaml`" / "put-rule input #2 in `rules.json`".
fn origin_of(cx: &Ctx<'_>, rule: &EventRule) -> String {
    let file = cx.inv.file_names.get(rule.at.file.0 as usize).map_or("?", String::as_str);
    if let Some(id) = &rule.logical_id {
        return format!("`{id}` in `{file}`");
    }
    let what = match rule.kind {
        RuleKind::EventsRule => "put-rule input",
        RuleKind::Schedule => "create-schedule input",
    };
    // Its place among the inputs of its kind in that file.
    let n = cx
        .inv
        .context
        .schedules
        .rules
        .iter()
        .filter(|r| r.at.file == rule.at.file && r.kind == rule.kind && r.origin == rule.origin)
        .take_while(|r| !std::ptr::eq(*r, rule))
        .count();
    format!("{what} #{} in `{file}`", n + 1)
}

#[cfg(test)]
mod tests {
    use crate::config::Config;

    fn ecs704(files: &[(&str, &str)]) -> Vec<String> {
        let files: Vec<(String, String)> = files.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect();
        let loaded = crate::engine::load_texts(&files);
        let findings = crate::engine::check(&loaded.inv, &Config::default());
        findings.into_iter().filter(|f| f.rule == "ECS704").map(|f| f.message).collect()
    }

    const STACK_A: &str = "Resources:\n  Nightly:\n    Type: AWS::Events::Rule\n    Properties:\n      Name: nightly\n      ScheduleExpression: rate(1 day)\n";
    const STACK_B: &str = "Resources:\n  Cleanup:\n    Type: AWS::Events::Rule\n    Properties:\n      Name: nightly\n      ScheduleExpression: rate(2 days)\n";

    #[test]
    fn names_conflict_across_inputs() {
        let m = ecs704(&[("a.yaml", STACK_A), ("b.yaml", STACK_B)]);
        assert_eq!(m.len(), 1, "{m:?}");
        assert!(m[0].contains("also used by `Nightly` in `a.yaml`"), "{m:?}");
        let put_rule = r#"{"Name": "nightly", "ScheduleExpression": "rate(3 days)"}"#;
        assert_eq!(ecs704(&[("a.yaml", STACK_A), ("put.json", put_rule)]).len(), 1);
    }

    #[test]
    fn what_exists_already_is_no_second_definition() {
        let described = r#"{"Name": "nightly", "Arn": "arn:aws:events:us-east-1:123456789012:rule/nightly", "ScheduleExpression": "rate(1 day)"}"#;
        assert!(ecs704(&[("a.yaml", STACK_A), ("describe.json", described)]).is_empty());
        let targets =
            r#"{"Rule": "nightly", "Targets": [{"Id": "t", "Arn": "arn:aws:ecs:us-east-1:123456789012:cluster/c"}]}"#;
        assert!(ecs704(&[("a.yaml", STACK_A), ("targets.json", targets)]).is_empty());
    }
}
