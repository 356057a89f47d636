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
use super::input::{Task, read_task};
use super::{Explanation, explain_task};
use crate::finding::{Reported, Resource, Severity};
use crate::model::F;
use crate::model::read::{KeyStyle, Reader};
use crate::source::json;
use crate::source::{FileId, SourceFile, Sources};
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

/// The parts of a snapshot a rule reads (beyond the task definition).
fn parts_of(rule: &str) -> &'static [&'static str] {
    match rule {
        "ECS504" => &["secrets"],
        "ECS505" => &["images"],
        "ECS403" | "ECS406" | "ECS407" => &["logs"],
        "ECS404" | "ECS405" => &["logs", "iam"],
        "ECS606" | "ECS611" => &["iam"],
        "ECS805" => &["elb", "ec2"],
        r if r.starts_with("ECS208") || r.starts_with("ECS3") => &["ec2"],
        r if r.starts_with("ECS5") => &["iam"],
        r if r.starts_with("ECS7") => &["events"],
        r if r.starts_with("ECS8") => &["elb"],
        _ => &[],
    }
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
    let (tasks, facts) = read(&files, id);
    let tasks: Vec<Task> = tasks.into_iter().filter(|t| t.last_status.str() == Some("STOPPED")).collect();
    let mut out = Stopped { total: tasks.len(), ..Stopped::default() };
    // One group per (reason record, cluster, who started the tasks, task
    // definition).
    type Key = (String, String, String, String);
    let mut groups: BTreeMap<Key, (Explanation, Vec<&Task>)> = BTreeMap::new();
    for t in &tasks {
        let e = explain_task(cat, t, &|_| None);
        if e.benign {
            out.benign += 1;
            continue;
        }
        let key = (
            e.entry.clone().unwrap_or_else(|| e.input.clone()),
            t.cluster.str().unwrap_or_default().to_string(),
            t.group.str().unwrap_or_default().to_string(),
            t.task_definition.str().unwrap_or_default().to_string(),
        );
        groups.entry(key).or_insert_with(|| (e, Vec::new())).1.push(t);
    }
    for ((_, cluster, group, td), (mut e, tasks)) in groups {
        let first = tasks[0];
        let td = td_name(&td).to_string();
        let service = group.strip_prefix("service:").map(str::to_string);
        let ids: Vec<&str> =
            tasks.iter().filter_map(|t| t.arn.str()).map(|a| a.rsplit('/').next().unwrap_or(a)).collect();
        let service = service.map(|s| (cluster.clone(), s));
        let related = related(findings, &td, service.as_ref(), &ids, &facts);
        super::add_lint_evidence(&mut e, &related);
        let lines = rule_status(&e, &related, rules_run, &facts, Subject { service: service.as_ref(), task: first });
        let who = match &service {
            Some((c, s)) => format!("service `{s}` (cluster `{}`)", c.rsplit('/').next().unwrap_or(c)),
            None if !group.is_empty() => format!("`{group}`"),
            None => format!("task definition `{td}`"),
        };
        let count = tasks.len();
        let shown: Vec<String> = ids.iter().take(3).map(|i| format!("`{i}`")).collect();
        let message = format!(
            "{} of {who} stopped: {}",
            match shown.first() {
                Some(id) if count == 1 => format!("Task {id}"),
                _ => format!("{count} tasks"),
            },
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

/// The findings about a task's task definition (`family:revision`), its
/// service (cluster and name: service names repeat across clusters), or
/// the tasks themselves (by id).
fn related<'f>(
    findings: &'f [Reported],
    td: &str,
    service: Option<&(String, String)>,
    ids: &[&str],
    facts: &Facts,
) -> Vec<&'f Reported> {
    findings
        .iter()
        .filter(|f| match f.resource.kind {
            "task-definition" => f.resource.name == td,
            "container" => f.resource.name.split_once('/').is_some_and(|(d, _)| d == td),
            "service" => service.is_some_and(|(c, s)| {
                *s == f.resource.name && f.location.line.is_some_and(|l| facts.cluster_of_service_at(l) == Some(c))
            }),
            "task" => ids.contains(&f.resource.name.as_str()),
            _ => false,
        })
        .collect()
}

/// The task a cause is judged for, and the service that started it.
struct Subject<'a> {
    service: Option<&'a (String, String)>,
    task: &'a Task,
}

/// What the rules say about each cause of `e`: confirmations one by one,
/// the rest grouped by why (ruled out, or not checked and why).
fn rule_status(
    e: &Explanation,
    related: &[&Reported],
    rules_run: &[String],
    facts: &Facts,
    of: Subject<'_>,
) -> Vec<String> {
    let launched_by_known_service = of.service.is_some_and(|s| facts.services.contains(s));
    let td_read = of.task.task_definition.str().is_some_and(|td| facts.task_definitions.contains(td));
    let private_ecr_here = !of.task.containers.is_empty()
        && of.task.containers.iter().all(|c| c.image.str().is_some_and(|i| facts.is_private_ecr_here(i)));
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
            } else if !td_read {
                "not checked (the task's task definition could not be read)".to_string()
            } else if rule == "ECS505" && !private_ecr_here {
                "not checked (it looks up only private ECR images of the audited account and Region)".to_string()
            } else if judges_launch(rule) && !launched_by_known_service {
                "not checked (they judge how a service launches its tasks; this task's network and \
                 settings are known only through its service)"
                    .to_string()
            } else if let Some(why) = parts_of(rule).iter().find_map(|p| facts.not_loaded.get(*p)) {
                format!("not checked ({why})")
            } else {
                "ruled out (they ran on what was read of the account and found nothing)".to_string()
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
    lines
}

/// `explain --task` with the account as context: each stopped task of the
/// snapshot that `wanted` keeps, explained, with the findings of the
/// snapshot's lint as evidence and what its rules confirm, rule out or could
/// not check.
pub fn explain_snapshot_tasks(
    cat: &Catalog,
    text: &str,
    findings: &[Reported],
    rules_run: &[String],
    wanted: &dyn Fn(&str) -> bool,
) -> Vec<Explanation> {
    let mut files = Sources::default();
    let id = files.add(SourceFile::new(String::new(), text.to_string()));
    let (tasks, facts) = read(&files, id);
    tasks
        .iter()
        .filter(|t| t.last_status.str() == Some("STOPPED") && t.arn.str().is_some_and(wanted))
        .map(|t| {
            let mut e = explain_task(cat, t, &|_| None);
            let td = td_name(t.task_definition.str().unwrap_or_default()).to_string();
            let service = t
                .group
                .str()
                .and_then(|g| g.strip_prefix("service:"))
                .map(|s| (t.cluster.str().unwrap_or_default().to_string(), s.to_string()));
            let arn = t.arn.str().unwrap_or_default();
            let ids = [arn.rsplit('/').next().unwrap_or(arn)];
            let related = related(findings, &td, service.as_ref(), &ids, &facts);
            super::add_lint_evidence(&mut e, &related);
            let lines = rule_status(&e, &related, rules_run, &facts, Subject { service: service.as_ref(), task: t });
            // The findings' own lines point into the in-memory snapshot:
            // the rule statuses say the same without them.
            e.evidence.retain(|l| !l.starts_with("lint: "));
            e.evidence.extend(lines);
            e
        })
        .collect()
}

/// What the rule statuses need to know of the snapshot.
#[derive(Default)]
struct Facts {
    /// The parts that could not be read, with why.
    not_loaded: BTreeMap<String, String>,
    /// The services read: (cluster ARN, name).
    services: std::collections::BTreeSet<(String, String)>,
    /// Where each service starts in the snapshot (line), in order, with its
    /// cluster: a service finding's line says which one it is about.
    service_lines: Vec<(u32, String)>,
    task_definitions: std::collections::BTreeSet<String>,
    account: String,
    region: String,
}

impl Facts {
    fn cluster_of_service_at(&self, line: u32) -> Option<&String> {
        self.service_lines.iter().take_while(|(l, _)| *l <= line).last().map(|(_, c)| c)
    }

    /// `ACCOUNT.dkr.ecr.REGION.amazonaws.com/…`: what ECS505 looks up.
    fn is_private_ecr_here(&self, image: &str) -> bool {
        image.starts_with(&format!("{}.dkr.ecr.{}.", self.account, self.region))
    }
}

/// The snapshot's tasks (read as `describe-tasks` output is) and the facts
/// the rule statuses need, from one parse.
fn read(files: &Sources, id: FileId) -> (Vec<Task>, Facts) {
    let file = files.get(id);
    let mut facts = Facts::default();
    let Some(text) = file.text() else { return (Vec::new(), facts) };
    let Ok(root) = json::parse(&text) else { return (Vec::new(), facts) };
    let mut r = Reader::new(id, KeyStyle::Camel);
    let Some(o) = r.as_obj(&root, "snapshot") else { return (Vec::new(), facts) };
    let own = |f: F<String>| f.into_known().unwrap_or_default();
    facts.account = own(r.string(&o, "account"));
    facts.region = own(r.string(&o, "region"));
    let failed = r.objects(&o, "notLoaded", |r, n| {
        (own(r.string(&n, "part")), own(r.string(&n, "action")), own(r.string(&n, "message")))
    });
    for (part, action, message) in failed.into_known().unwrap_or_default() {
        let part = if part == "iam-policies" { "iam".to_string() } else { part };
        facts.not_loaded.entry(part).or_insert_with(|| format!("{action} failed: {message}"));
    }
    let Some(ecs) = r.member(&o, "ecs").and_then(|m| r.as_obj(&m.value, "ecs")) else { return (Vec::new(), facts) };
    let services =
        r.objects(&ecs, "services", |r, s| (s.at, own(r.string(&s, "clusterArn")), own(r.string(&s, "serviceName"))));
    // The lines the services start at, in order: a service finding's line
    // says which one it is about.
    for (at, cluster, name) in services.into_known().unwrap_or_default() {
        facts.service_lines.push((file.line_col(at.off).0, cluster.clone()));
        facts.services.insert((cluster, name));
    }
    let tds = r.objects(&ecs, "taskDefinitions", |r, t| own(r.string(&t, "taskDefinitionArn")));
    facts.task_definitions.extend(tds.into_known().unwrap_or_default());
    let tasks = r.objects(&ecs, "tasks", read_task).into_known().unwrap_or_default();
    (tasks, facts)
}

/// Rules that judge how tasks are launched (network, load balancing,
/// service settings) rather than the task definition: they speak for a
/// stopped task only through the service that started it.
fn judges_launch(rule: &str) -> bool {
    ["ECS2", "ECS3", "ECS8"].iter().any(|p| rule.starts_with(p))
}
