//! What only a template's own text shows, read from the raw (unresolved)
//! resources into `model::context::TemplateNotes`:
//!
//! - which resources each resource waits for (`DependsOn`, `Ref`,
//!   `Fn::GetAtt`, `Fn::Sub`), so rules can tell whether CloudFormation
//!   creates one before another;
//! - properties of ECS, EventBridge and Scheduler resources that
//!   CloudFormation does not know (ECS120), checked against the property
//!   names in `rules/data/cfn-properties.toml`;
//! - how each container's `awslogs-group` option is written: a literal, an
//!   expression, or a reference to a template resource (ECS406);
//! - the logical id behind each stand-in id, so messages can say
//!   `TaskSecurityGroup` rather than `sg-1a2b…`.

use super::Template;
use super::resolve::{Resolver, intrinsic};
use crate::model::context::{LogGroupName, NameWritten, TemplateNotes, TemplateResource, UnknownProperty};
use crate::rules::meta::CfnProperties;
use crate::source::json::{Kind, Node};
use crate::source::{FileId, Loc};

/// Fills `notes` from the template in `file`.
pub fn load(file: FileId, t: &Template<'_>, resolver: &Resolver<'_, '_>, notes: &mut TemplateNotes) {
    let loc = |off: u32| Loc { file, off };
    let schema = &crate::rules::meta::data().cfn_properties;
    for res in &t.resources {
        let mut deps = Vec::new();
        if let Some(props) = res.properties() {
            resource_refs(t, props, &mut deps);
        }
        match res.node.get("DependsOn").map(|d| &d.kind) {
            Some(Kind::Str(d)) => deps.push(d.to_string()),
            Some(Kind::Arr(items)) => deps.extend(items.iter().filter_map(Node::as_str).map(str::to_string)),
            _ => {}
        }
        deps.sort();
        deps.dedup();
        notes.resources.push(TemplateResource {
            at: loc(res.key_off),
            id: res.id.clone(),
            kind: res.kind.clone(),
            depends_on: deps,
        });

        // Resources CloudFormation does not create are not validated either.
        if res.condition.as_deref().is_some_and(|c| resolver.condition(c) == Some(false)) {
            continue;
        }
        let Some(props) = res.properties() else { continue };
        if schema.types.contains_key(&res.kind) {
            let mut w = Walk { schema, file, resource: &res.id, resource_type: &res.kind, out: notes };
            w.object(props, &res.kind, "", true);
        }
        if res.kind == "AWS::ECS::TaskDefinition" {
            log_group_names(t, file, props, &mut notes.log_group_names);
        }
    }
}

/// The logical ids of template resources that `n` names with `Ref`,
/// `Fn::GetAtt` or a `${…}` of `Fn::Sub`, anywhere inside it.
fn resource_refs(t: &Template<'_>, n: &Node<'_>, out: &mut Vec<String>) {
    let mut add = |id: &str| {
        if t.resource(id).is_some() {
            out.push(id.to_string());
        }
    };
    if let Some((f, arg)) = intrinsic(n) {
        match (f, &arg.kind) {
            ("Ref", Kind::Str(id)) => add(id),
            ("Fn::GetAtt", Kind::Str(s)) => add(s.split_once('.').map_or(s.as_ref(), |(id, _)| id)),
            ("Fn::GetAtt", Kind::Arr(a)) => {
                if let Some(id) = a.first().and_then(Node::as_str) {
                    add(id);
                }
            }
            ("Fn::Sub", Kind::Str(s)) => sub_vars(s, &[]).into_iter().for_each(add),
            ("Fn::Sub", Kind::Arr(a)) => {
                let vars: Vec<&str> = match a.get(1).map(|m| &m.kind) {
                    Some(Kind::Obj(members)) => members.iter().map(|m| m.key.as_ref()).collect(),
                    _ => Vec::new(),
                };
                if let Some(s) = a.first().and_then(Node::as_str) {
                    sub_vars(s, &vars).into_iter().for_each(add);
                }
                if let Some(m) = a.get(1) {
                    resource_refs(t, m, out);
                }
            }
            _ => resource_refs(t, arg, out),
        }
        return;
    }
    match &n.kind {
        Kind::Arr(items) => items.iter().for_each(|i| resource_refs(t, i, out)),
        Kind::Obj(members) => members.iter().for_each(|m| resource_refs(t, &m.value, out)),
        _ => {}
    }
}

/// The names `${Name}` and `${Name.Attr}` of a `Fn::Sub` string refers to
/// (not `${!Literal}`, not the variables its map defines).
fn sub_vars<'a>(s: &'a str, defined: &[&str]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        rest = &rest[i + 2..];
        let Some(end) = rest.find('}') else { break };
        let var = rest[..end].trim();
        rest = &rest[end + 1..];
        if var.starts_with('!') {
            continue;
        }
        let name = var.split_once('.').map_or(var, |(id, _)| id);
        if !defined.contains(&var) && !defined.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// Records how each container's `awslogs-group` option is written.
fn log_group_names(t: &Template<'_>, file: FileId, props: &Node<'_>, out: &mut Vec<LogGroupName>) {
    let Some(Kind::Arr(containers)) = props.get("ContainerDefinitions").map(|c| &c.kind) else { return };
    for c in containers {
        let Some(options) = c.get("LogConfiguration").and_then(|l| l.get("Options")) else { continue };
        let Some(m) = options.member("awslogs-group") else { continue };
        let written = match &m.value.kind {
            Kind::Str(_) => NameWritten::Literal,
            _ => {
                let mut refs = Vec::new();
                resource_refs(t, &m.value, &mut refs);
                match refs.into_iter().next() {
                    Some(id) => NameWritten::Reference(id),
                    None => NameWritten::Expression,
                }
            }
        };
        out.push(LogGroupName { at: Loc { file, off: m.key_off }, written });
    }
}

/// A walk over a resource's raw properties against the schema.
struct Walk<'a> {
    schema: &'a CfnProperties,
    file: FileId,
    resource: &'a str,
    resource_type: &'a str,
    out: &'a mut TemplateNotes,
}

impl Walk<'_> {
    /// An object of property type `ty` at `path`.
    fn object(&mut self, n: &Node<'_>, ty: &str, path: &str, top: bool) {
        if let Some((f, arg)) = intrinsic(n) {
            self.branches(f, arg, |w, b| w.object(b, ty, path, top));
            return;
        }
        let (Kind::Obj(members), Some(props)) = (&n.kind, self.schema.types.get(ty)) else { return };
        for m in members {
            let key = m.key.as_ref();
            if key == "Ref" || key.starts_with("Fn::") {
                continue;
            }
            if let Some(value_type) = props.get(key) {
                let here = if path.is_empty() { key.to_string() } else { format!("{path}.{key}") };
                self.value(&m.value, value_type, &here);
                continue;
            }
            if top && self.schema.read_only.get(ty).is_some_and(|r| r.iter().any(|k| k == key)) {
                continue;
            }
            let suggestion = suggest(key, props.keys().map(String::as_str));
            let suggestion_set = suggestion.as_ref().is_some_and(|s| members.iter().any(|m| m.key == s.as_str()));
            self.out.unknown_properties.push(UnknownProperty {
                at: Loc { file: self.file, off: m.key_off },
                resource: self.resource.to_string(),
                resource_type: self.resource_type.to_string(),
                in_type: ty.to_string(),
                path: path.to_string(),
                key: key.to_string(),
                suggestion,
                suggestion_set,
            });
        }
    }

    /// A property value of type `value_type` (`list of X`, a nested type
    /// name, or a primitive or free-form type, which is not walked).
    fn value(&mut self, n: &Node<'_>, value_type: &str, path: &str) {
        if let Some(item) = value_type.strip_prefix("list of ") {
            if let Some((f, arg)) = intrinsic(n) {
                self.branches(f, arg, |w, b| w.value(b, value_type, path));
                return;
            }
            if let Kind::Arr(items) = &n.kind {
                for (i, x) in items.iter().enumerate() {
                    self.value(x, item, &format!("{path}[{i}]"));
                }
            }
        } else if value_type.contains("::") {
            self.object(n, value_type, path, false);
        }
    }

    /// The branches of `Fn::If` are checked as the value itself; other
    /// intrinsics give values the template text does not show.
    fn branches(&mut self, f: &str, arg: &Node<'_>, mut each: impl FnMut(&mut Self, &Node<'_>)) {
        if f != "Fn::If" {
            return;
        }
        if let Kind::Arr(a) = &arg.kind {
            for b in a.iter().skip(1).take(2) {
                each(self, b);
            }
        }
    }
}

/// The known name `key` most likely stands for: the same name in another
/// case (the ECS API's camelCase), else the one closest by edit distance,
/// if it is close and no other is as close.
fn suggest<'a>(key: &str, names: impl Iterator<Item = &'a str> + Clone) -> Option<String> {
    let k = key.to_ascii_lowercase();
    if let Some(n) = names.clone().find(|n| n.to_ascii_lowercase() == k) {
        return Some(n.to_string());
    }
    let max = if k.chars().count() >= 12 { 3 } else { 2 };
    let mut scored: Vec<(usize, &str)> =
        names.map(|n| (crate::analysis::edit_distance(&k, &n.to_ascii_lowercase()), n)).collect();
    scored.sort();
    match scored.as_slice() {
        [(d, n), rest @ ..] if *d <= max && rest.first().is_none_or(|(d2, _)| d2 > d) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_variables() {
        assert_eq!(sub_vars("/ecs/${AWS::StackName}/${Logs}", &[]), vec!["AWS::StackName", "Logs"]);
        assert_eq!(sub_vars("${Role.Arn}-${!Literal}-${X}", &["X"]), vec!["Role"]);
    }

    #[test]
    fn suggestions() {
        let names = ["ContainerName", "ContainerPort", "TargetGroupArn", "LoadBalancerName"];
        let s = |k| suggest(k, names.iter().copied());
        assert_eq!(s("containerName").as_deref(), Some("ContainerName"));
        assert_eq!(s("TargetGroupARN").as_deref(), Some("TargetGroupArn"));
        assert_eq!(s("ContainerPorts").as_deref(), Some("ContainerPort"));
        assert_eq!(s("Port"), None);
        let strategies = ["PlacementStrategies", "PlacementConstraints"];
        assert_eq!(suggest("PlacementStrategy", strategies.iter().copied()).as_deref(), Some("PlacementStrategies"));
    }

    #[test]
    fn unknown_properties_and_dependencies() {
        let text = r#"
Resources:
  Logs:
    Type: AWS::Logs::LogGroup
  Task:
    Type: AWS::ECS::TaskDefinition
    DependsOn: [Logs]
    Properties:
      ContainerDefinitions:
        - Name: app
          Image: nginx
          portMappings: [{containerPort: 80}]
          LinuxParameters: {initProcessEnabled: true}
          DockerLabels: {anything: goes}
          LogConfiguration:
            LogDriver: awslogs
            Options: {awslogs-group: /ecs/app, made-up: x}
        - !If [Cond, {Name: b, Imag: x}, !Ref AWS::NoValue]
  Service:
    Type: AWS::ECS::Service
    Properties:
      Name: read-only-is-fine
      TaskDefinition: !Ref Task
      loadBalancers:
        - containerName: app
      NetworkConfiguration:
        AwsVpcConfiguration: {Subnets: [subnet-1]}
      Tags: !Ref AWS::NoValue
"#;
        let (root, _) = crate::source::yaml::parse(text).unwrap();
        let t = Template::new(root);
        let env = Default::default();
        let r = Resolver::new(&t, &env);
        let mut notes = TemplateNotes::default();
        load(FileId(0), &t, &r, &mut notes);
        let found: Vec<(String, String, Option<String>)> =
            notes.unknown_properties.iter().map(|u| (u.path.clone(), u.key.clone(), u.suggestion.clone())).collect();
        let want = |p: &str, k: &str, s: Option<&str>| (p.to_string(), k.to_string(), s.map(str::to_string));
        assert_eq!(
            found,
            vec![
                want("ContainerDefinitions[0]", "portMappings", Some("PortMappings")),
                want("ContainerDefinitions[0].LinuxParameters", "initProcessEnabled", Some("InitProcessEnabled")),
                want("ContainerDefinitions[1]", "Imag", Some("Image")),
                want("", "loadBalancers", Some("LoadBalancers")),
                want("NetworkConfiguration", "AwsVpcConfiguration", Some("AwsvpcConfiguration")),
            ]
        );
        assert_eq!(notes.log_group_names.len(), 1);
        assert_eq!(notes.log_group_names[0].written, NameWritten::Literal);
        assert!(notes.waits_for(FileId(0), "Service", "Logs"), "through the task definition");
        assert!(!notes.waits_for(FileId(0), "Logs", "Task"));
    }
}
