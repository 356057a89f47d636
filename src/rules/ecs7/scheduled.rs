//! What the ECS7xx rules share: how a rule or schedule is named in
//! findings, which targets run ECS tasks, and the task definition a target
//! names when it is among the inputs.

use crate::finding::Resource;
use crate::model::context::{EventRule, EventTarget, RuleKind};
use crate::model::{Inventory, Launch, TaskDef, Val, parse_td_reference};

pub fn rule_resource(rule: &EventRule) -> Resource {
    let kind = match rule.kind {
        RuleKind::EventsRule => "rule",
        RuleKind::Schedule => "schedule",
    };
    Resource { kind, name: rule.display_name() }
}

/// "rule `nightly`" / "schedule `nightly`", for messages.
pub fn rule_label(rule: &EventRule) -> String {
    let r = rule_resource(rule);
    format!("{} `{}`", r.kind, r.name)
}

/// "target `run-report`" (a rule's target, by id, else by position) or "the
/// target" (a schedule has one).
pub fn target_label(rule: &EventRule, i: usize, t: &EventTarget) -> String {
    match (rule.kind, t.id.str()) {
        (RuleKind::Schedule, _) => "the target".to_string(),
        (RuleKind::EventsRule, Some(id)) if !id.is_empty() => format!("target `{id}`"),
        (RuleKind::EventsRule, _) => format!("target #{}", i + 1),
    }
}

/// An ECS cluster ARN: `arn:<partition>:ecs:<region>:<account>:cluster/<name>`.
pub fn is_cluster_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    matches!(parts.as_slice(), ["arn", _, "ecs", _, _, resource] if resource.strip_prefix("cluster/").is_some_and(|n| !n.is_empty()))
}

/// An ARN of the ECS service (`arn:<partition>:ecs:...`).
pub fn is_ecs_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(4, ':').collect();
    matches!(parts.as_slice(), ["arn", _, "ecs", _])
}

/// Whether a target runs ECS tasks: its `Arn` is an ECS ARN, or it has
/// `EcsParameters`. `None` when the input does not tell.
pub fn is_ecs_target(t: &EventTarget) -> Option<bool> {
    if t.ecs.get().is_some() || t.arn.str().is_some_and(is_ecs_arn) {
        return Some(true);
    }
    match (&t.arn.val, &t.ecs.val) {
        (Val::Known(_), Val::Absent | Val::Null) => Some(false),
        _ => None,
    }
}

/// The task definition a target's `EcsParameters.TaskDefinitionArn` names,
/// when it is among the inputs (the latest matching revision).
pub fn target_task_def<'a>(inv: &'a Inventory, launch: &Launch) -> Option<&'a TaskDef> {
    let (family, rev) = parse_td_reference(launch.task_definition.str()?);
    let mut found: Vec<&TaskDef> = inv
        .task_defs
        .iter()
        .filter(|td| td.family.str() == Some(family))
        .filter(|td| match (rev, td.revision.get()) {
            (Some(want), Some(have)) => want == *have,
            _ => true,
        })
        .collect();
    found.sort_by_key(|td| td.revision.get().copied().unwrap_or(i64::MIN));
    found.pop()
}

/// The text with its first letter in upper case, to start a message.
pub fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

/// The characters of `s` that `pattern` (a whole-string pattern of one
/// character class) refuses, for a message: "`/` and spaces".
pub fn refused_characters(s: &str, pattern: &regex::Regex) -> String {
    let mut bad: Vec<char> = s.chars().filter(|c| !pattern.is_match(&c.to_string())).collect();
    bad.sort_unstable();
    bad.dedup();
    let space = bad.contains(&' ');
    let mut items: Vec<String> =
        bad.iter().filter(|c| **c != ' ').map(|c| format!("`{}`", shown(&c.to_string()))).collect();
    if space {
        items.push("spaces".to_string());
    }
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// A value quoted in a message: control characters (a newline in a YAML
/// block scalar) are shown escaped so that the message stays on one line.
pub fn shown(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_arns() {
        assert!(is_cluster_arn("arn:aws:ecs:us-east-1:123456789012:cluster/prod"));
        assert!(is_cluster_arn("arn:aws-cn:ecs:cn-north-1:123456789012:cluster/prod"));
        assert!(!is_cluster_arn("arn:aws:ecs:us-east-1:123456789012:task-definition/web:3"));
        assert!(!is_cluster_arn("arn:aws:ecs:us-east-1:123456789012:cluster/"));
        assert!(!is_cluster_arn("prod"));
        assert!(is_ecs_arn("arn:aws:ecs:us-east-1:123456789012:service/prod/api"));
        assert!(!is_ecs_arn("arn:aws:lambda:us-east-1:123456789012:function:f"));
    }
}
