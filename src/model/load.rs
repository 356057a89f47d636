//! Recognising inputs by shape and reading them into the model.

use super::context::{Coverage, EventRule, RuleKind, RuleOrigin};
use super::ecs::{self, RunTask, Service, ServiceShape, TaskDef, TdShape};
use super::read::{InputIssue, KeyStyle, Obj, Reader};
use super::{F, Unknown};
use crate::source::json::{self, Kind, Node};
use crate::source::{FileId, Loc};

/// What one file contributed.
#[derive(Debug, Default)]
pub struct Loaded {
    pub task_defs: Vec<TaskDef>,
    pub services: Vec<Service>,
    pub run_tasks: Vec<RunTask>,
    /// Problems that ECS would reject outright, or parts of the input that
    /// are none of the known shapes. Each is an input error (exit 2); the
    /// rest of the file is still linted.
    pub issues: Vec<InputIssue>,
    pub placeholders: Vec<(Loc, String)>,
    /// Set when nothing in the file is one of our shapes: why, and where.
    /// A file named by the user is then an input error; one found by
    /// walking a directory is skipped.
    pub unrecognised: Option<InputIssue>,
    /// Keys written twice in one mapping.
    pub duplicate_keys: Vec<DuplicateKey>,
    /// Template resources whose `Metadata` silences rules: the byte range
    /// of the resource and the rule ids.
    pub suppressions: Vec<Suppression>,
    /// What a template declares around its tasks.
    pub context: super::context::Context,
    /// The file is a CloudFormation template.
    pub template: bool,
}

/// A key written twice in one mapping, with the lines of both.
#[derive(Debug, Clone)]
pub struct DuplicateKey {
    pub key: String,
    pub first: Loc,
    pub second: Loc,
    pub first_line: u32,
    pub second_line: u32,
}

/// Rules silenced for a byte range of a file (a template resource).
#[derive(Debug, Clone)]
pub struct Suppression {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
    pub rules: Vec<String>,
}

/// Parses and reads one input file: JSON, or YAML (CloudFormation).
pub fn load_file(file: FileId, text: &str, yaml: bool, env: &crate::cfn::resolve::Env) -> Result<Loaded, InputIssue> {
    let looks_json = text.trim_start_matches('\u{feff}').trim_start().starts_with(['{', '[']);
    if yaml && !looks_json {
        let (root, notes) =
            crate::source::yaml::parse(text).map_err(|e| InputIssue { at: Loc { file, off: e.off }, msg: e.msg })?;
        let mut out = Loaded::default();
        let starts = crate::source::line_starts(text.as_bytes());
        let line = |off: u32| starts.partition_point(|&s| s <= off) as u32;
        out.duplicate_keys.extend(notes.duplicate_keys.iter().map(|(k, a, b)| DuplicateKey {
            key: k.clone(),
            first: Loc { file, off: *a },
            second: Loc { file, off: *b },
            first_line: line(*a),
            second_line: line(*b),
        }));
        if crate::cfn::is_template(&root) {
            crate::cfn::convert::load_template(file, root, &notes, env, &mut out);
        } else {
            out.unrecognised = Some(InputIssue {
                at: Loc { file, off: root.off },
                msg: "the YAML file is not a CloudFormation template (no `AWSTemplateFormatVersion` or `Resources` of `AWS::` types)".into(),
            });
        }
        return Ok(out);
    }
    let root = json::parse(text).map_err(|e| InputIssue { at: Loc { file, off: e.off }, msg: e.msg })?;
    if crate::cfn::is_template(&root) {
        let mut out = Loaded::default();
        crate::cfn::convert::load_template(file, root, &Default::default(), env, &mut out);
        return Ok(out);
    }
    Ok(load_root_json(file, &root))
}

/// Parses and reads one JSON file. `Err` when the file is not JSON at all.
pub fn load_json(file: FileId, text: &str) -> Result<Loaded, InputIssue> {
    load_file(file, text, false, &Default::default())
}

fn load_root_json(file: FileId, root: &Node<'_>) -> Loaded {
    let mut r = Reader::new(file, KeyStyle::Camel);
    let mut out = Loaded::default();
    load_root(&mut r, root, &mut out);
    out.issues.append(&mut r.issues);
    out.placeholders = r.placeholders;
    // Most files hold one item; a vector grown by push keeps room for four.
    out.task_defs.shrink_to_fit();
    out.services.shrink_to_fit();
    out.run_tasks.shrink_to_fit();
    out
}

const SHAPES: &str = "a task definition (`containerDefinitions`), a service (`serviceName`, `service`, \
or `services` from describe-services), a run-task input (`taskDefinition`), or an EventBridge rule, \
its targets or a Scheduler schedule (`ScheduleExpression`, `Targets`, or a list of `Id`+`Arn` targets)";

impl Loaded {
    /// Nothing of ours was read.
    fn is_empty(&self) -> bool {
        self.task_defs.is_empty()
            && self.services.is_empty()
            && self.run_tasks.is_empty()
            && self.context.schedules.rules.is_empty()
    }
}

fn load_root(r: &mut Reader, root: &Node<'_>, out: &mut Loaded) {
    match &root.kind {
        Kind::Obj(_) => {
            let o = r.as_obj(root, "document").expect("object");
            load_object(r, o, out, true);
            if out.is_empty() {
                // Only the shape issue was raised: the file is not ours.
                out.unrecognised = out.issues.pop();
            }
        }
        Kind::Arr(items) => {
            if items.is_empty() {
                out.unrecognised = Some(InputIssue {
                    at: r.loc(root.off),
                    msg: format!("the file holds an empty array; expected {SHAPES}"),
                });
                return;
            }
            let objs: Vec<Option<Obj<'_, '_>>> = items
                .iter()
                .map(|n| match &n.kind {
                    Kind::Obj(members) => Some(Obj { members, at: r.loc(n.off) }),
                    _ => None,
                })
                .collect();
            if objs.iter().all(|o| o.is_some_and(|o| shape_of(&o) == Shape::ContainerDefinition)) {
                let list = objs.into_iter().flatten().collect();
                out.task_defs.push(ecs::container_list(r, r.loc(root.off), list));
                return;
            }
            // `aws events put-targets --targets file://targets.json`: the
            // file is the bare list of targets.
            if objs.iter().all(|o| o.is_some_and(|o| is_target(&o))) {
                let at = r.loc(root.off);
                load_target_list(r, root, at, out);
                return;
            }
            for (n, o) in items.iter().zip(objs) {
                match o {
                    Some(o) => load_object(r, o, out, false),
                    None => issue(out, r.loc(n.off), format!("array element is {}; expected {SHAPES}", n.type_name())),
                }
            }
            join_listed_targets(&mut out.context.schedules.rules);
            if out.is_empty() {
                out.issues.clear();
                out.unrecognised = Some(InputIssue {
                    at: r.loc(root.off),
                    msg: format!("no element of the array is one of the inputs ecs-triage reads; expected {SHAPES}"),
                });
            }
        }
        k => {
            out.unrecognised = Some(InputIssue {
                at: r.loc(root.off),
                msg: format!("the document is {}; expected {SHAPES}", k.type_name()),
            })
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    TaskDefinition,
    DescribeTaskDefinition,
    DescribeServices,
    Service(ServiceShape),
    RunTask,
    DescribeTasks,
    CloudFormation,
    ContainerDefinition,
    /// `put-rule` input or `describe-rule` output.
    EventsRule(RuleOrigin),
    /// `create-schedule` input or `get-schedule` output.
    Schedule(RuleOrigin),
    /// `put-targets` input or `list-targets-by-rule` output.
    Targets,
    /// What `ecs-triage snapshot` saved of an account.
    Snapshot,
    Unknown,
}

/// An EventBridge target: `Id` and `Arn`, PascalCase.
fn is_target(o: &Obj<'_, '_>) -> bool {
    o.has("Id") && o.has("Arn") && !o.has("ScheduleExpression") && !o.has("Targets")
}

/// Fields only `create-service`/`update-service` input has (never
/// `run-task`): tools that fill in the name themselves (ecspresso, CodeDeploy
/// pipelines) keep service definitions without `serviceName`.
const SERVICE_ONLY: [&str; 9] = [
    "desiredCount",
    "deploymentConfiguration",
    "deploymentController",
    "healthCheckGracePeriodSeconds",
    "schedulingStrategy",
    "serviceRegistries",
    "loadBalancers",
    "serviceConnectConfiguration",
    "availabilityZoneRebalancing",
];
const RUN_TASK_ONLY: [&str; 5] = ["count", "overrides", "startedBy", "group", "referenceId"];

fn shape_of(o: &Obj<'_, '_>) -> Shape {
    let member_kind = |k: &str| o.members.iter().rev().find(|m| m.key == k).map(|m| &m.value.kind);
    if o.has(super::snapshot::MARK) {
        return Shape::Snapshot;
    }
    if o.has("containerDefinitions") {
        return Shape::TaskDefinition;
    }
    if matches!(member_kind("taskDefinition"), Some(Kind::Obj(_))) {
        return Shape::DescribeTaskDefinition;
    }
    if matches!(member_kind("services"), Some(Kind::Arr(_))) {
        return Shape::DescribeServices;
    }
    if matches!(member_kind("tasks"), Some(Kind::Arr(_))) {
        return Shape::DescribeTasks;
    }
    if o.has("AWSTemplateFormatVersion") || matches!(member_kind("Resources"), Some(Kind::Obj(_))) {
        return Shape::CloudFormation;
    }
    if o.has("serviceName") {
        return Shape::Service(if o.has("serviceArn") { ServiceShape::Describe } else { ServiceShape::Create });
    }
    if matches!(member_kind("service"), Some(Kind::Str(_))) {
        return Shape::Service(ServiceShape::Update);
    }
    if SERVICE_ONLY.iter().any(|k| o.has(k)) && !RUN_TASK_ONLY.iter().any(|k| o.has(k)) {
        return Shape::Service(ServiceShape::Create);
    }
    if matches!(member_kind("taskDefinition"), Some(Kind::Str(_))) {
        return Shape::RunTask;
    }
    if o.has("name") && (o.has("image") || o.has("portMappings") || o.has("essential")) {
        return Shape::ContainerDefinition;
    }
    // EventBridge and Scheduler speak PascalCase. Output has an `Arn`.
    let origin = if o.has("Arn") { RuleOrigin::Described } else { RuleOrigin::Definition };
    if o.has("ScheduleExpression")
        && (matches!(member_kind("Target"), Some(Kind::Obj(_)))
            || ["FlexibleTimeWindow", "GroupName", "ScheduleExpressionTimezone", "ActionAfterCompletion"]
                .iter()
                .any(|k| o.has(k)))
    {
        return Shape::Schedule(origin);
    }
    if o.has("Name") && (o.has("ScheduleExpression") || o.has("EventPattern")) {
        return Shape::EventsRule(origin);
    }
    if matches!(member_kind("Targets"), Some(Kind::Arr(_))) {
        return Shape::Targets;
    }
    Shape::Unknown
}

fn issue(out: &mut Loaded, at: Loc, msg: String) {
    out.issues.push(InputIssue { at, msg });
}

fn load_object(r: &mut Reader, o: Obj<'_, '_>, out: &mut Loaded, whole_file: bool) {
    let what = if whole_file { "the file" } else { "this array element" };
    match shape_of(&o) {
        Shape::TaskDefinition => out.task_defs.push(ecs::read_task_def(r, o, TdShape::Register)),
        Shape::DescribeTaskDefinition => {
            let inner = r.member(&o, "taskDefinition").map(|m| &m.value);
            if let Some(inner) = inner.and_then(|n| r.as_obj(n, "taskDefinition")) {
                out.task_defs.push(ecs::read_task_def(r, inner, TdShape::Describe));
            }
        }
        Shape::DescribeServices => {
            if let Some(m) = r.member(&o, "services")
                && let Kind::Arr(items) = &m.value.kind
            {
                for item in items {
                    if let Some(s) = r.as_obj(item, "services[]") {
                        let shape = if s.has("service") && !s.has("serviceName") {
                            ServiceShape::Update
                        } else {
                            ServiceShape::Describe
                        };
                        out.services.push(ecs::read_service(r, s, shape));
                    }
                }
            }
        }
        Shape::Service(shape) => out.services.push(ecs::read_service(r, o, shape)),
        Shape::RunTask => out.run_tasks.push(ecs::read_run_task(r, o)),
        Shape::ContainerDefinition => {
            out.task_defs.push(ecs::container_list(r, o.at, vec![o]));
        }
        Shape::EventsRule(origin) => load_event_rule(r, o, RuleKind::EventsRule, origin, out),
        Shape::Schedule(origin) => load_event_rule(r, o, RuleKind::Schedule, origin, out),
        Shape::Targets => load_event_rule(r, o, RuleKind::EventsRule, RuleOrigin::Targets, out),
        Shape::Snapshot => super::snapshot::load_snapshot(r, o, out),
        Shape::DescribeTasks => issue(
            out,
            o.at,
            format!(
                "{what} is `describe-tasks` output, which `lint` does not check; \
                 pass it to `ecs-triage explain --file` to explain the stopped tasks"
            ),
        ),
        Shape::CloudFormation => issue(
            out,
            o.at,
            format!(
                "{what} looks like part of a CloudFormation template but is not one (its `Resources` are not all `AWS::` types)"
            ),
        ),
        Shape::Unknown => {
            let keys: Vec<&str> = o.members.iter().take(4).map(|m| m.key.as_ref()).collect();
            let found = if keys.is_empty() {
                "an empty object".to_string()
            } else {
                format!("an object with keys {}", keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", "))
            };
            issue(out, o.at, format!("{what} is {found}; expected {SHAPES}"));
        }
    }
}

/// An EventBridge rule, its targets, or a Scheduler schedule, read the way
/// a template's resource is (the APIs and CloudFormation share the
/// PascalCase spelling).
fn load_event_rule(r: &mut Reader, o: Obj<'_, '_>, kind: RuleKind, origin: RuleOrigin, out: &mut Loaded) {
    use crate::cfn::context::{event_targets, rule_fields};
    let saved = r.style;
    r.style = KeyStyle::Pascal;
    let not_given = || F::unknown(Unknown::NotGiven, o.at);
    let rule = if origin == RuleOrigin::Targets {
        let targets = match r.member(&o, "targets") {
            Some(m) => event_targets(r, &m.value, kind),
            None => F::absent(o.at),
        };
        // `put-targets` names its rule; `list-targets-by-rule` output does not.
        let named = o.has("Rule");
        EventRule {
            at: o.at,
            kind,
            origin,
            logical_id: None,
            name: if named { r.string(&o, "rule") } else { not_given() },
            event_bus: if named { r.string(&o, "eventBusName") } else { not_given() },
            schedule_expression: not_given(),
            timezone: not_given(),
            state: not_given(),
            has_event_pattern: false,
            targets,
        }
    } else {
        let mut rule = rule_fields(r, &o, o.at, None, kind, origin);
        rule.targets = match kind {
            RuleKind::Schedule => match r.member(&o, "target") {
                Some(m) => event_targets(r, &m.value, kind),
                None => F::absent(o.at),
            },
            // `put-rule` and `describe-rule` do not carry the targets.
            RuleKind::EventsRule => F::unknown(Unknown::NotGiven, o.at),
        };
        rule
    };
    r.style = saved;
    out.context.schedules.coverage = Coverage::Template;
    out.context.schedules.rules.push(rule);
}

/// A bare list of targets (the `--targets` file of `put-targets`): the
/// targets of a rule the file does not name.
fn load_target_list(r: &mut Reader, list: &Node<'_>, at: Loc, out: &mut Loaded) {
    use crate::cfn::context::event_targets;
    let saved = r.style;
    r.style = KeyStyle::Pascal;
    let not_given = || F::unknown(Unknown::NotGiven, at);
    let targets = event_targets(r, list, RuleKind::EventsRule);
    r.style = saved;
    out.context.schedules.coverage = Coverage::Template;
    out.context.schedules.rules.push(EventRule {
        at,
        kind: RuleKind::EventsRule,
        origin: RuleOrigin::Targets,
        logical_id: None,
        name: not_given(),
        event_bus: not_given(),
        schedule_expression: not_given(),
        timezone: not_given(),
        state: not_given(),
        has_event_pattern: false,
        targets,
    });
}

/// A file that holds `describe-rule` output and `list-targets-by-rule`
/// output side by side: each target list belongs to the rule before it (or,
/// first in the file, to the rule after it).
fn join_listed_targets(rules: &mut Vec<EventRule>) {
    let unnamed_list = |r: &EventRule| r.origin == RuleOrigin::Targets && r.name.is_unknown();
    let open_rule =
        |r: &EventRule| r.origin != RuleOrigin::Targets && r.kind == RuleKind::EventsRule && r.targets.get().is_none();
    let mut i = 0;
    while i < rules.len() {
        if !unnamed_list(&rules[i]) {
            i += 1;
            continue;
        }
        let before = (0..i).rev().find(|&j| open_rule(&rules[j]));
        let after = || (i + 1..rules.len()).find(|&j| open_rule(&rules[j]));
        match before.or_else(after) {
            Some(j) => {
                let list = rules.remove(i);
                let j = if j > i { j - 1 } else { j };
                rules[j].targets = list.targets;
            }
            None => i += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Loaded {
        load_json(FileId(0), text).expect("parses")
    }

    #[test]
    fn recognises_each_shape() {
        let l = load(r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx"}]}"#);
        assert_eq!(l.task_defs.len(), 1);
        assert_eq!(l.task_defs[0].family.str(), Some("web"));
        let l = load(r#"{"taskDefinition": {"family": "web", "revision": 3, "containerDefinitions": []}, "tags": []}"#);
        assert_eq!(l.task_defs[0].shape, TdShape::Describe);
        assert_eq!(l.task_defs[0].revision.get(), Some(&3));
        let l = load(
            r#"{"services": [{"serviceName": "a", "serviceArn": "x"}, {"serviceName": "b", "serviceArn": "y"}], "failures": []}"#,
        );
        assert_eq!(l.services.len(), 2);
        assert_eq!(l.services[1].shape, ServiceShape::Describe);
        let l = load(r#"{"cluster": "c", "service": "api", "forceNewDeployment": true}"#);
        assert_eq!(l.services[0].shape, ServiceShape::Update);
        assert_eq!(l.services[0].name.str(), Some("api"));
        let l = load(
            r#"{"cluster": "c", "taskDefinition": "web:1", "overrides": {"containerOverrides": [{"name": "app", "command": ["echo"]}]}}"#,
        );
        assert_eq!(l.run_tasks.len(), 1);
        assert_eq!(l.run_tasks[0].container_overrides.items().len(), 1);
        let l = load(r#"[{"name": "app", "image": "nginx"}, {"name": "side", "image": "envoy"}]"#);
        assert_eq!(l.task_defs.len(), 1);
        assert_eq!(l.task_defs[0].shape, TdShape::ContainerList);
        assert_eq!(l.task_defs[0].containers.items().len(), 2);
        assert!(l.issues.is_empty());
        // ecspresso and CodeDeploy pipelines keep services without a name.
        let l = load(r#"{"launchType": "FARGATE", "desiredCount": 2, "taskDefinition": "web:1"}"#);
        assert_eq!((l.services.len(), l.run_tasks.len()), (1, 0));
        assert_eq!(l.services[0].display_name(), "(unnamed service)");
        let l = load(r#"{"taskDefinition": "web:1", "count": 2, "loadBalancers": []}"#);
        assert_eq!((l.services.len(), l.run_tasks.len()), (0, 1));
        // The `--targets` file of `put-targets`.
        let l = load(
            r#"[{"Id": "nightly", "Arn": "arn:aws:ecs:us-east-1:123456789012:cluster/c", "EcsParameters": {"TaskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/job:1"}}]"#,
        );
        let rules = &l.context.schedules.rules;
        assert_eq!(rules.len(), 1);
        assert_eq!(rules[0].origin, RuleOrigin::Targets);
        assert_eq!(rules[0].targets.items().len(), 1);
        assert!(l.unrecognised.is_none() && l.issues.is_empty());
    }

    #[test]
    fn unknown_shapes_and_wrong_types_are_issues_but_the_rest_is_read() {
        let l = load(r#"[{"foo": 1}, {"family": "web", "containerDefinitions": [{"name": "app", "memory": "512"}]}]"#);
        assert_eq!(l.task_defs.len(), 1);
        assert!(l.unrecognised.is_none());
        assert_eq!(l.issues.len(), 2);
        assert!(l.issues[0].msg.contains("`foo`"), "{}", l.issues[0].msg);
        assert!(l.issues[1].msg.contains("`memory` must be a number, found a string"), "{}", l.issues[1].msg);
        assert!(l.task_defs[0].containers.items()[0].memory.is_unknown());
    }

    #[test]
    fn files_that_are_not_ours_are_unrecognised() {
        for text in [r#"{"name": "my-app", "version": "1.0.0"}"#, "[]", "[1, 2]", "42", r#"{"tasks": []}"#] {
            let l = load(text);
            assert!(l.unrecognised.is_some(), "{text}");
            assert!(l.issues.is_empty(), "{text}");
        }
    }

    #[test]
    fn eventbridge_and_scheduler_shapes() {
        use crate::model::context::{RuleKind, RuleOrigin};
        let l = load(
            r#"{"Name": "nightly", "ScheduleExpression": "cron(0 3 * * ? *)", "State": "DISABLED", "EventBusName": "ops"}"#,
        );
        let r = &l.context.schedules.rules[0];
        assert_eq!((r.kind, r.origin), (RuleKind::EventsRule, RuleOrigin::Definition));
        assert_eq!(r.bus_name().as_deref(), Some("ops"));
        assert_eq!(r.state.str(), Some("DISABLED"));
        assert!(r.targets.is_unknown(), "put-rule does not carry targets");
        assert_eq!(l.context.schedules.coverage, super::Coverage::Template);
        let l = load(
            r#"{"Name": "n", "Arn": "arn:aws:events:us-east-1:123456789012:rule/n", "EventPattern": "{}", "State": "ENABLED"}"#,
        );
        assert_eq!(l.context.schedules.rules[0].origin, RuleOrigin::Described);
        // Scheduler's API spells two keys in camelCase.
        let l = load(
            r#"{"Name": "s", "ScheduleExpression": "rate(1 hour)", "FlexibleTimeWindow": {"Mode": "OFF"},
                "Target": {"Arn": "arn:aws:ecs:us-east-1:123456789012:cluster/c", "RoleArn": "arn:aws:iam::123456789012:role/r",
                  "EcsParameters": {"TaskDefinitionArn": "web:1", "CapacityProviderStrategy": [{"capacityProvider": "FARGATE"}],
                    "NetworkConfiguration": {"awsvpcConfiguration": {"Subnets": ["subnet-1"]}}}}}"#,
        );
        assert!(l.issues.is_empty(), "{:?}", l.issues);
        let r = &l.context.schedules.rules[0];
        assert_eq!(r.kind, RuleKind::Schedule);
        assert_eq!(r.bus_name().as_deref(), Some("default"));
        let launch = r.targets.items()[0].ecs.get().unwrap();
        assert_eq!(launch.capacity_providers.items()[0].str(), Some("FARGATE"));
        assert_eq!(launch.network.get().unwrap().subnets.items()[0].str(), Some("subnet-1"));
        // put-targets names its rule; list-targets-by-rule output does not.
        let l = load(
            r#"{"Rule": "nightly", "Targets": [{"Id": "a", "Arn": "arn:aws:ecs:us-east-1:123456789012:cluster/c"}]}"#,
        );
        let r = &l.context.schedules.rules[0];
        assert_eq!((r.origin, r.name.str()), (RuleOrigin::Targets, Some("nightly")));
        assert_eq!(r.targets.items()[0].id.str(), Some("a"));
        let l = load(r#"{"Targets": [], "NextToken": "x"}"#);
        assert!(l.unrecognised.is_none() && l.context.schedules.rules[0].name.is_unknown());
        // The shapes of the ECS API are not mistaken for these.
        assert!(load(r#"{"name": "my-app", "version": "1.0.0"}"#).unrecognised.is_some());
    }

    #[test]
    fn listed_targets_join_the_rule_beside_them() {
        let l = load(
            r#"[{"Targets": [{"Id": "first"}]},
                {"Name": "a", "Arn": "arn:aws:events:us-east-1:123456789012:rule/a", "ScheduleExpression": "rate(1 hour)"},
                {"Name": "b", "Arn": "arn:aws:events:us-east-1:123456789012:rule/b", "ScheduleExpression": "rate(2 hours)"},
                {"Targets": [{"Id": "of-b"}, {"Id": "of-b-too"}]}]"#,
        );
        let rules = &l.context.schedules.rules;
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[0].targets.items()[0].id.str(), Some("first"));
        assert_eq!(rules[1].targets.items().len(), 2);
    }

    #[test]
    fn put_targets_join_their_rule_across_files() {
        use crate::model::context::RuleOrigin;
        let files = [
            (
                "rule.json".to_string(),
                r#"{"Name": "nightly", "ScheduleExpression": "rate(1 day)", "State": "DISABLED"}"#.to_string(),
            ),
            (
                "targets.json".to_string(),
                r#"{"Rule": "nightly", "EventBusName": "default", "Targets": [{"Id": "t"}]}"#.to_string(),
            ),
            ("other.json".to_string(), r#"{"Rule": "weekly", "Targets": [{"Id": "w"}]}"#.to_string()),
        ];
        let loaded = crate::engine::load_texts(&files);
        let rules = &loaded.inv.context.schedules.rules;
        assert_eq!(rules.len(), 2, "{rules:?}");
        assert_eq!(rules[0].name.str(), Some("nightly"));
        assert_eq!(rules[0].targets.items()[0].id.str(), Some("t"));
        // No rule `weekly` among the inputs: the list stays on its own.
        assert_eq!(rules[1].origin, RuleOrigin::Targets);
    }

    #[test]
    fn placeholders_are_unknown_and_recorded() {
        let l = load(r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "<IMAGE1_NAME>"}]}"#);
        let c = &l.task_defs[0].containers.items()[0];
        assert!(c.image.is_placeholder());
        assert_eq!(l.placeholders.len(), 1);
        assert_eq!(l.placeholders[0].1, "image");
    }

    #[test]
    fn nulls_are_missing() {
        let l = load(
            r#"{"taskDefinition": {"family": "web", "taskRoleArn": null, "containerDefinitions": [{"name": "a", "healthCheck": null}]}}"#,
        );
        let td = &l.task_defs[0];
        assert!(td.task_role.is_missing());
        assert!(td.containers.items()[0].health_check.is_missing());
    }
}
