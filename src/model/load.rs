//! Recognising inputs by shape and reading them into the model.

use super::ecs::{self, RunTask, Service, ServiceShape, TaskDef, TdShape};
use super::read::{InputIssue, KeyStyle, Obj, Reader};
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
or `services` from describe-services) or a run-task input (`taskDefinition`)";

fn load_root(r: &mut Reader, root: &Node<'_>, out: &mut Loaded) {
    match &root.kind {
        Kind::Obj(_) => {
            let o = r.as_obj(root, "document").expect("object");
            load_object(r, o, out, true);
            if out.task_defs.is_empty() && out.services.is_empty() && out.run_tasks.is_empty() {
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
            for (n, o) in items.iter().zip(objs) {
                match o {
                    Some(o) => load_object(r, o, out, false),
                    None => issue(out, r.loc(n.off), format!("array element is {}; expected {SHAPES}", n.type_name())),
                }
            }
            if out.task_defs.is_empty() && out.services.is_empty() && out.run_tasks.is_empty() {
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
    Unknown,
}

fn shape_of(o: &Obj<'_, '_>) -> Shape {
    let member_kind = |k: &str| o.members.iter().rev().find(|m| m.key == k).map(|m| &m.value.kind);
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
    if matches!(member_kind("taskDefinition"), Some(Kind::Str(_))) {
        return Shape::RunTask;
    }
    if o.has("name") && (o.has("image") || o.has("portMappings") || o.has("essential")) {
        return Shape::ContainerDefinition;
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
