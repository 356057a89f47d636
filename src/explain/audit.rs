//! The tasks an audit finds stopped, explained as findings: each group of
//! tasks stopped for the same reason (same catalog record, same service or
//! task definition) becomes one finding under the record's id (`SR…`),
//! with what the audit's own rules say about each possible cause:
//! confirmed (a rule found it), ruled out (the rule ran on data that was
//! read and found nothing), or not checked (the data could not be read, or
//! the rule was not selected).
//!
//! Tasks that stopped normally (a deployment, a scale-in, a user's
//! `stop-task`) are counted, not reported.

use super::catalog::Catalog;
use super::input::{Task, read_snapshot_tasks};
use super::{Explanation, explain_task};
use crate::finding::{Reported, Resource, Severity};
use crate::source::{SourceFile, Sources};
use std::collections::BTreeMap;

/// What an audit adds for its stopped tasks.
#[derive(Debug, Default)]
pub struct Stopped {
    pub findings: Vec<Reported>,
    /// Stopped tasks that stopped normally.
    pub benign: usize,
    /// Stopped tasks in all.
    pub total: usize,
}

/// The part of a snapshot each rule family reads; `None`: the inputs alone.
fn part_of(rule: &str) -> Option<&'static str> {
    Some(match rule {
        "ECS504" => "secrets",
        "ECS505" => "images",
        r if r.starts_with("ECS3") => "ec2",
        r if r.starts_with("ECS40") => "logs",
        r if r.starts_with("ECS5") || r.starts_with("ECS6") => "iam",
        r if r.starts_with("ECS7") => "events",
        r if r.starts_with("ECS8") => "elb",
        _ => return None,
    })
}

/// `family:revision` of a task definition ARN.
fn td_name(arn: &str) -> &str {
    arn.rsplit_once(":task-definition/").map_or(arn, |(_, n)| n)
}

/// Explains the stopped tasks of the snapshot `text` (at `path`), given
/// the findings and rules of its audit.
pub fn stopped_tasks(cat: &Catalog, path: &str, text: &str, findings: &[Reported], rules_run: &[String]) -> Stopped {
    let mut files = Sources::default();
    let id = files.add(SourceFile::new(path.to_string(), text.to_string()));
    let tasks: Vec<Task> =
        read_snapshot_tasks(id, text).into_iter().filter(|t| t.last_status.str() == Some("STOPPED")).collect();
    let not_loaded = not_loaded(text);
    let mut out = Stopped { total: tasks.len(), ..Stopped::default() };
    // One group per (reason record, who started the tasks, task definition).
    let mut groups: BTreeMap<(String, String, String), (Explanation, Vec<&Task>)> = BTreeMap::new();
    for t in &tasks {
        let e = explain_task(cat, t, &|_| None);
        if e.benign {
            out.benign += 1;
            continue;
        }
        let key = (
            e.entry.clone().unwrap_or_else(|| e.input.clone()),
            t.group.str().unwrap_or_default().to_string(),
            t.task_definition.str().unwrap_or_default().to_string(),
        );
        groups.entry(key).or_insert_with(|| (e, Vec::new())).1.push(t);
    }
    for ((_, group, td), (mut e, tasks)) in groups {
        let first = tasks[0];
        let td = td_name(&td).to_string();
        let service = group.strip_prefix("service:").map(str::to_string);
        // The audit's findings about this task's task definition, service
        // or the task itself.
        let ids: Vec<&str> =
            tasks.iter().filter_map(|t| t.arn.str()).map(|a| a.rsplit('/').next().unwrap_or(a)).collect();
        let related: Vec<&Reported> = findings
            .iter()
            .filter(|f| match f.resource.kind {
                "task-definition" => f.resource.name == td,
                "container" => f.resource.name.split_once('/').is_some_and(|(d, _)| d == td),
                "service" => service.as_deref() == Some(f.resource.name.as_str()),
                "task" => ids.contains(&f.resource.name.as_str()),
                _ => false,
            })
            .collect();
        super::add_lint_evidence(&mut e, &related);
        // What the audit's rules say about each cause: confirmations one by
        // one, the rest grouped by why.
        let mut lines: Vec<String> = Vec::new();
        let mut grouped: Vec<(String, Vec<&str>)> = Vec::new();
        for c in &e.causes {
            for rule in c.rules.iter() {
                if let Some(f) = related.iter().find(|f| &f.rule == rule) {
                    let line = format!("{rule} confirms: {}", f.message);
                    if !lines.contains(&line) {
                        lines.push(line);
                    }
                    continue;
                }
                let status = if !rules_run.contains(rule) {
                    "not checked (not selected)".to_string()
                } else if let Some(why) = part_of(rule).and_then(|p| not_loaded.get(p)) {
                    format!("not checked ({why})")
                } else {
                    "ruled out (they ran on what the audit read and found nothing)".to_string()
                };
                match grouped.iter_mut().find(|(s, _)| *s == status) {
                    Some((_, rules)) if !rules.contains(&rule.as_str()) => rules.push(rule),
                    Some(_) => {}
                    None => grouped.push((status, vec![rule])),
                }
            }
        }
        for (status, rules) in grouped {
            lines.push(format!("{}: {status}", rules.join(", ")));
        }
        let who = match &service {
            Some(s) => format!("service `{s}`"),
            None if !group.is_empty() => format!("`{group}`"),
            None => format!("task definition `{td}`"),
        };
        let count = tasks.len();
        let shown: Vec<String> = ids.iter().take(3).map(|i| format!("`{i}`")).collect();
        let message = format!(
            "{} of {who} stopped: {}",
            if count == 1 { format!("Task {}", shown[0]) } else { format!("{count} tasks") },
            e.title
        );
        let mut evidence = vec![format!("stoppedReason: {}", e.input)];
        if count > 1 {
            evidence.push(format!(
                "tasks {}{}",
                shown.join(", "),
                if count > 3 { format!(" and {} more", count - 3) } else { String::new() }
            ));
        }
        evidence.extend(e.evidence.iter().filter(|l| !l.starts_with("lint: ")).cloned());
        for (i, c) in e.causes.iter().enumerate() {
            let mark = if !c.confirmed_by.is_empty() { " (confirmed)" } else { "" };
            evidence.push(format!("cause {}{mark}: {}", i + 1, c.summary));
        }
        evidence.extend(lines);
        let (rule, name, severity) = match &e.entry {
            Some(id) => (id.clone(), "stopped-task".to_string(), Severity::Error),
            None => ("SR000".to_string(), "stopped-task-unexplained".to_string(), Severity::Warning),
        };
        let fix = e.causes.first().map(|c| c.fix.to_string()).unwrap_or_else(|| {
            "Read the task's stoppedReason and container reasons; `ecs-triage explain --task <arn>` shows them"
                .to_string()
        });
        out.findings.push(Reported {
            rule,
            name,
            severity,
            resource: Resource { kind: "task", name: ids.first().map_or_else(String::new, |i| i.to_string()) },
            location: files.position(first.at),
            message,
            evidence,
            fix,
            doc: e.doc.as_deref().unwrap_or_default().to_string(),
        });
    }
    out.findings.sort_by_key(|f| f.location.line);
    out
}

/// The parts of the snapshot that could not be read, with why.
fn not_loaded(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Ok(v) = serde_json::from_str::<serde_json::Value>(text) else { return out };
    for n in v.get("notLoaded").and_then(|n| n.as_array()).into_iter().flatten() {
        let s = |k: &str| n.get(k).and_then(|x| x.as_str()).unwrap_or_default();
        out.entry(s("part").to_string()).or_insert_with(|| format!("{} failed: {}", s("action"), s("message")));
    }
    out
}
