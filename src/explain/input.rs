//! What `explain` reads from files: stopped tasks (`aws ecs describe-tasks`
//! output) and service events (`aws ecs describe-services` output).

use crate::model::F;
use crate::model::read::{InputIssue, KeyStyle, Obj, Reader};
use crate::source::json::{self, Kind, Node};
use crate::source::{FileId, Loc};

#[derive(Debug, Clone)]
pub struct Task {
    pub at: Loc,
    pub arn: F<String>,
    pub cluster: F<String>,
    pub task_definition: F<String>,
    /// `service:<name>` for a service's task, `family:<name>` for run-task.
    pub group: F<String>,
    pub started_by: F<String>,
    pub last_status: F<String>,
    pub stop_code: F<String>,
    pub stopped_reason: F<String>,
    pub launch_type: F<String>,
    pub platform_version: F<String>,
    pub capacity_provider: F<String>,
    pub availability_zone: F<String>,
    pub enable_execute_command: F<bool>,
    pub containers: Vec<TaskContainer>,
    /// ENI details from `attachments` (subnetId, privateIPv4Address, ...).
    pub eni: Vec<(String, String)>,
    pub pull_started: bool,
    pub pull_stopped: bool,
}

#[derive(Debug, Clone)]
pub struct TaskContainer {
    pub name: F<String>,
    pub image: F<String>,
    pub last_status: F<String>,
    pub exit_code: F<i64>,
    pub reason: F<String>,
}

#[derive(Debug, Clone)]
pub struct Event {
    pub at: Loc,
    pub service: String,
    pub message: String,
    pub created_at: Option<String>,
}

#[derive(Debug, Default)]
pub struct Inputs {
    pub tasks: Vec<Task>,
    pub events: Vec<Event>,
    /// `failures` of describe-tasks (tasks ECS no longer knows).
    pub failures: Vec<String>,
    pub issues: Vec<InputIssue>,
    /// The file holds task definitions too (read separately by the lint
    /// loader).
    pub has_task_definitions: bool,
}

pub(crate) fn read_task(r: &mut Reader, o: Obj<'_, '_>) -> Task {
    let containers = r
        .objects(&o, "containers", |r, c| TaskContainer {
            name: r.raw_string(&c, "name"),
            image: r.raw_string(&c, "image"),
            last_status: r.raw_string(&c, "lastStatus"),
            exit_code: r.int(&c, "exitCode"),
            reason: r.raw_string(&c, "reason"),
        })
        .into_known()
        .unwrap_or_default();
    let mut eni = Vec::new();
    r.objects(&o, "attachments", |r, a| {
        if r.raw_string(&a, "type").str() == Some("ElasticNetworkInterface") {
            r.objects(&a, "details", |r, d| {
                if let (Some(n), Some(v)) = (r.raw_string(&d, "name").str(), r.raw_string(&d, "value").str()) {
                    eni.push((n.to_string(), v.to_string()));
                }
            });
        }
    });
    Task {
        at: o.at,
        arn: r.raw_string(&o, "taskArn"),
        cluster: r.raw_string(&o, "clusterArn"),
        task_definition: r.raw_string(&o, "taskDefinitionArn"),
        group: r.raw_string(&o, "group"),
        started_by: r.raw_string(&o, "startedBy"),
        last_status: r.raw_string(&o, "lastStatus"),
        stop_code: r.raw_string(&o, "stopCode"),
        stopped_reason: r.raw_string(&o, "stoppedReason"),
        launch_type: r.raw_string(&o, "launchType"),
        platform_version: r.raw_string(&o, "platformVersion"),
        capacity_provider: r.raw_string(&o, "capacityProviderName"),
        availability_zone: r.raw_string(&o, "availabilityZone"),
        enable_execute_command: r.boolean(&o, "enableExecuteCommand"),
        containers,
        eni,
        pull_started: o.has("pullStartedAt"),
        pull_stopped: o.has("pullStoppedAt"),
    }
}

fn read_events(r: &mut Reader, o: Obj<'_, '_>, out: &mut Inputs) {
    let service = r.raw_string(&o, "serviceName").str().unwrap_or("(unnamed service)").to_string();
    r.objects(&o, "events", |r, e| {
        if let Some(m) = r.raw_string(&e, "message").str() {
            let created_at = match r.member(&e, "createdAt").map(|m| &m.value.kind) {
                Some(Kind::Str(s)) => Some(s.to_string()),
                Some(Kind::Num(n)) => Some(n.to_string()),
                _ => None,
            };
            out.events.push(Event { at: e.at, service: service.clone(), message: m.to_string(), created_at });
        }
    });
}

const SHAPES: &str =
    "`describe-tasks` output (`tasks`), `describe-services` output (`services` with `events`), or a task definition";

fn read_object(r: &mut Reader, o: Obj<'_, '_>, out: &mut Inputs) -> bool {
    let member_kind = |k: &str| o.members.iter().rev().find(|m| m.key == k).map(|m| &m.value.kind);
    if matches!(member_kind("tasks"), Some(Kind::Arr(_))) {
        if let Some(tasks) = r.objects(&o, "tasks", read_task).into_known() {
            out.tasks.extend(tasks);
        }
        r.objects(&o, "failures", |r, f| {
            let arn = r.raw_string(&f, "arn").str().unwrap_or("?").to_string();
            let reason = r.raw_string(&f, "reason").str().unwrap_or("?").to_string();
            out.failures.push(format!("{arn}: {reason}"));
        });
        return true;
    }
    if matches!(member_kind("services"), Some(Kind::Arr(_))) {
        r.objects(&o, "services", |r, s| read_events(r, s, out));
        return true;
    }
    if o.has("taskArn") && (o.has("lastStatus") || o.has("stoppedReason")) {
        out.tasks.push(read_task(r, o));
        return true;
    }
    if o.has("serviceName") && o.has("events") {
        read_events(r, o, out);
        return true;
    }
    if o.has("containerDefinitions") || matches!(member_kind("taskDefinition"), Some(Kind::Obj(_))) {
        out.has_task_definitions = true;
        return true;
    }
    false
}

/// Reads a JSON file for `explain`.
pub fn read_json(file: FileId, text: &str) -> Result<Inputs, InputIssue> {
    let root = json::parse(text).map_err(|e| InputIssue { at: Loc { file, off: e.off }, msg: e.msg })?;
    let mut r = Reader::new(file, KeyStyle::Camel);
    let mut out = Inputs::default();
    let mut unknown: Option<Loc> = None;
    let mut visit = |r: &mut Reader, n: &Node<'_>, out: &mut Inputs| match r.as_obj(n, "document") {
        Some(o) => {
            if !read_object(r, o, out) && unknown.is_none() {
                unknown = Some(o.at);
            }
        }
        None => {
            unknown.get_or_insert(r.loc(n.off));
        }
    };
    match &root.kind {
        Kind::Arr(items) => items.iter().for_each(|n| visit(&mut r, n, &mut out)),
        _ => visit(&mut r, &root, &mut out),
    }
    out.issues.append(&mut r.issues);
    if let Some(at) = unknown {
        out.issues.push(InputIssue { at, msg: format!("not an input `explain` reads; expected {SHAPES}") });
    }
    Ok(out)
}
