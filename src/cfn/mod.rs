//! CloudFormation templates: the sections, the resources, and intrinsics
//! resolved where the template determines them.

pub mod context;
pub mod convert;
pub mod notes;
pub mod policy;
pub mod resolve;

use crate::source::json::{Kind, Node};
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct Param {
    /// `String`, `Number`, `CommaDelimitedList`, `List<AWS::EC2::Subnet::Id>`, ...
    pub kind: String,
    pub default: Option<String>,
    pub at: u32,
}

#[derive(Debug, Clone)]
pub struct Resource<'s> {
    pub id: String,
    /// `Type`, e.g. `AWS::ECS::TaskDefinition`.
    pub kind: String,
    /// Offset of the logical id.
    pub key_off: u32,
    /// The resource's mapping (Type, Properties, Condition, Metadata, ...).
    pub node: Node<'s>,
    pub condition: Option<String>,
}

impl<'s> Resource<'s> {
    pub fn properties(&self) -> Option<&Node<'s>> {
        self.node.get("Properties")
    }

    /// Rule ids from `Metadata: {ecs-triage: {ignore: [...]}}`.
    pub fn ignored_rules(&self) -> Vec<String> {
        let list = self.node.get("Metadata").and_then(|m| m.get("ecs-triage")).and_then(|m| m.get("ignore"));
        match list.map(|l| &l.kind) {
            Some(Kind::Arr(items)) => items.iter().filter_map(|i| i.as_str().map(str::to_string)).collect(),
            Some(Kind::Str(s)) => vec![s.to_string()],
            _ => Vec::new(),
        }
    }
}

pub struct Template<'s> {
    pub root: Node<'s>,
    pub parameters: HashMap<String, Param>,
    pub conditions: HashMap<String, Node<'s>>,
    /// Mappings: map → top key → second key → value.
    pub mappings: HashMap<String, HashMap<String, HashMap<String, Node<'s>>>>,
    pub resources: Vec<Resource<'s>>,
    index: HashMap<String, usize>,
}

/// Whether a parsed document is a CloudFormation template.
pub fn is_template(root: &Node<'_>) -> bool {
    if root.get("AWSTemplateFormatVersion").is_some() {
        return true;
    }
    match root.get("Resources").map(|r| &r.kind) {
        Some(Kind::Obj(members)) => {
            !members.is_empty()
                && members.iter().all(|m| m.value.get("Type").and_then(Node::as_str).is_some_and(|t| t.contains("::")))
        }
        _ => false,
    }
}

fn scalar_text(n: &Node<'_>) -> Option<String> {
    match &n.kind {
        Kind::Str(s) | Kind::Num(s) => Some(s.to_string()),
        Kind::Bool(b) => Some(b.to_string()),
        Kind::Arr(items) => items.iter().map(scalar_text).collect::<Option<Vec<_>>>().map(|v| v.join(",")),
        _ => None,
    }
}

impl<'s> Template<'s> {
    pub fn new(root: Node<'s>) -> Template<'s> {
        let mut parameters = HashMap::new();
        if let Some(Kind::Obj(ps)) = root.get("Parameters").map(|p| &p.kind) {
            for p in ps {
                let kind = p.value.get("Type").and_then(Node::as_str).unwrap_or("String").to_string();
                let default = p.value.get("Default").and_then(scalar_text);
                parameters.insert(p.key.to_string(), Param { kind, default, at: p.key_off });
            }
        }
        let mut conditions = HashMap::new();
        if let Some(Kind::Obj(cs)) = root.get("Conditions").map(|c| &c.kind) {
            for c in cs {
                conditions.insert(c.key.to_string(), c.value.clone());
            }
        }
        let mut mappings: HashMap<String, HashMap<String, HashMap<String, Node<'s>>>> = HashMap::new();
        if let Some(Kind::Obj(ms)) = root.get("Mappings").map(|m| &m.kind) {
            for m in ms {
                let mut top = HashMap::new();
                if let Kind::Obj(tops) = &m.value.kind {
                    for t in tops {
                        let mut second = HashMap::new();
                        if let Kind::Obj(vals) = &t.value.kind {
                            for v in vals {
                                second.insert(v.key.to_string(), v.value.clone());
                            }
                        }
                        top.insert(t.key.to_string(), second);
                    }
                }
                mappings.insert(m.key.to_string(), top);
            }
        }
        // Resources move out of the root rather than being copied: they are
        // most of a template.
        let mut root = root;
        let mut resources = Vec::new();
        let taken = match &mut root.kind {
            Kind::Obj(members) => members.iter_mut().rev().find(|m| m.key == "Resources").map(|m| {
                let off = m.value.off;
                std::mem::replace(&mut m.value, Node { off, kind: Kind::Null })
            }),
            _ => None,
        };
        if let Some(Node { kind: Kind::Obj(rs), .. }) = taken {
            for r in rs {
                let kind = r.value.get("Type").and_then(Node::as_str).unwrap_or("").to_string();
                let condition = r.value.get("Condition").and_then(Node::as_str).map(str::to_string);
                resources.push(Resource { id: r.key.to_string(), kind, key_off: r.key_off, node: r.value, condition });
            }
        }
        let index = resources.iter().enumerate().map(|(i, r)| (r.id.clone(), i)).collect();
        Template { root, parameters, conditions, mappings, resources, index }
    }

    pub fn resource(&self, id: &str) -> Option<&Resource<'s>> {
        self.index.get(id).map(|&i| &self.resources[i])
    }

    pub fn of_type<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Resource<'s>> + 'a {
        self.resources.iter().filter(move |r| r.kind == kind)
    }
}

#[cfg(test)]
mod tests {
    use super::resolve::{Env, Resolver};
    use super::*;
    use crate::source::yaml;

    const T: &str = r#"
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Env:
    Type: String
    Default: prod
  Subnets:
    Type: List<AWS::EC2::Subnet::Id>
    Default: subnet-aaa,subnet-bbb
  Secret:
    Type: String
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  Unknown: !Equals [!Ref Secret, x]
Mappings:
  Sizes:
    prod: {Cpu: 1024}
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Sub '${Env}-task'
  Logs:
    Type: AWS::Logs::LogGroup
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Cpu: !FindInMap [Sizes, !Ref Env, Cpu]
      TaskRoleArn: !GetAtt Role.Arn
      ExecutionRoleArn: !Ref Role
      A: !If [IsProd, yes, no]
      B: !If [Unknown, same, same]
      C: !If [Unknown, one, two]
      D: !Join ['-', [!Ref 'AWS::Region', !Ref Env]]
      E: !Select [1, !Ref Subnets]
      F: !Ref Secret
      G: !If [IsDev, x, !Ref 'AWS::NoValue']
      H: !Sub 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${Logs}:*'
      I: !ImportValue shared-vpc
      J: !Sub ['${A}-${!Literal}', {A: !Ref Env}]
"#;

    #[test]
    fn resolves_what_the_template_determines() {
        let (root, _) = yaml::parse(T).unwrap();
        assert!(is_template(&root));
        let t = Template::new(root);
        let env = Env::default();
        let r = Resolver::new(&t, &env);
        assert_eq!(r.condition("IsProd"), Some(true));
        assert_eq!(r.condition("IsDev"), Some(false));
        assert_eq!(r.condition("Unknown"), None);
        let props = r.resolve(t.resource("Task").unwrap().properties().unwrap());
        let get = |k: &str| props.get(k).map(|n| n.kind.clone());
        assert_eq!(props.get("Cpu").and_then(Node::as_str), Some("1024"));
        assert_eq!(props.get("TaskRoleArn").and_then(Node::as_str), Some("arn:aws:iam::123456789012:role/prod-task"));
        assert_eq!(props.get("ExecutionRoleArn").and_then(Node::as_str), Some("prod-task"));
        assert_eq!(props.get("A").and_then(Node::as_str), Some("yes"));
        assert_eq!(props.get("B").and_then(Node::as_str), Some("same"));
        assert_eq!(get("C"), Some(Kind::Unknown));
        assert_eq!(props.get("D").and_then(Node::as_str), Some("us-east-1-prod"));
        assert_eq!(props.get("E").and_then(Node::as_str), Some("subnet-bbb"));
        assert_eq!(get("F"), Some(Kind::Unknown));
        assert!(props.get("G").is_none(), "AWS::NoValue removes the property");
        let h = props.get("H").and_then(Node::as_str).unwrap();
        assert!(h.starts_with("arn:aws:logs:us-east-1:123456789012:log-group:stack-Logs-"), "{h}");
        assert_eq!(get("I"), Some(Kind::Unknown));
        assert_eq!(props.get("J").and_then(Node::as_str), Some("prod-${Literal}"));
        assert_eq!(
            r.physical.borrow().get("arn:aws:iam::123456789012:role/prod-task").map(String::as_str),
            Some("Role")
        );
    }

    #[test]
    fn circular_references_are_unknown_not_endless() {
        let text = "Resources:\n  A:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: !Ref B\n  B:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: !Ref A\n";
        let (root, _) = yaml::parse(text).unwrap();
        let t = Template::new(root);
        let env = Env::default();
        let r = Resolver::new(&t, &env);
        let props = r.resolve(t.resource("A").unwrap().properties().unwrap());
        // A's name is B's name, which is A's name: generated, not a loop.
        assert!(props.get("RoleName").is_some());
        let text = "Conditions:\n  A: !Condition B\n  B: !Condition A\nResources:\n  X:\n    Type: AWS::SNS::Topic\n";
        let (root, _) = yaml::parse(text).unwrap();
        let t = Template::new(root);
        let r = Resolver::new(&t, &env);
        assert_eq!(r.condition("A"), None);
    }
}

#[cfg(test)]
mod context_tests {
    use crate::model::context::*;

    #[test]
    fn a_template_fills_the_context() {
        let text = std::fs::read_to_string("tests/cfn/fargate-private.yaml").unwrap();
        let l = crate::model::load::load_file(crate::source::FileId(0), &text, true, &Default::default()).unwrap();
        assert!(l.issues.is_empty(), "{:?}", l.issues);
        let c = &l.context;
        assert_eq!(c.network.coverage, Coverage::Template);
        assert_eq!(c.network.vpcs.len(), 1);
        assert_eq!(c.network.subnets.len(), 1);
        let subnet = &c.network.subnets[0].id;
        assert!(subnet.starts_with("subnet-"));
        let rt = c.network.route_tables.iter().find(|t| !t.main).unwrap();
        assert_eq!(rt.subnets, vec![subnet.clone()]);
        assert_eq!(c.network.endpoints.len(), 2);
        assert_eq!(c.network.endpoints[0].service.str(), Some("com.amazonaws.us-east-1.ecr.api"));
        let endpoint_sg = &c.network.security_groups[0];
        let rules = endpoint_sg.ingress.items();
        assert_eq!(rules.len(), 1);
        assert_eq!(rules[0].peer, SgPeer::SecurityGroup(c.network.security_groups[1].id.clone()));
        assert_eq!(c.iam.roles.len(), 1);
        assert!(c.iam.roles[0].trust.get().is_some());
        assert_eq!(c.logs.groups[0].name.str(), Some("/ecs/web"));
        assert_eq!(l.task_defs.len(), 1);
        assert_eq!(
            l.task_defs[0].execution_role.str(),
            Some(c.iam.roles[0].arn.as_str()),
            "the task definition names the role the context holds"
        );
        let svc = &l.services[0];
        let subnets: Vec<&str> =
            svc.launch.network.get().unwrap().subnets.items().iter().filter_map(|s| s.str()).collect();
        assert_eq!(subnets, vec![subnet.as_str()]);
        let rule = &c.schedules.rules[0];
        assert_eq!(rule.schedule_expression.str(), Some("cron(*/15 * * * * *)"));
        let target = &rule.targets.items()[0];
        assert_eq!(target.id.str(), Some("nightly-report"));
        assert!(target.role_arn.is_missing());
        let launch = target.ecs.get().unwrap();
        assert_eq!(launch.launch_type.str(), Some("FARGATE"));
        assert!(launch.network.is_missing());
    }
}

#[cfg(test)]
mod link_tests {
    use crate::model::{Inventory, Launcher, TdLink};

    fn inventory(text: &str) -> Inventory {
        let l = crate::model::load::load_file(crate::source::FileId(0), text, true, &Default::default()).unwrap();
        let mut inv = Inventory { task_defs: l.task_defs, services: l.services, ..Default::default() };
        inv.link();
        inv
    }

    #[test]
    fn a_service_links_its_task_definition_whatever_names_the_family() {
        for family in
            ["", "      Family: web\n", "      Family: !Ref Project\n", "      Family: !Sub '${Project}-web'\n"]
        {
            let text = format!(
                "Parameters:\n  Project:\n    Type: String\nResources:\n  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n{family}      ContainerDefinitions:\n        - Name: app\n          Image: nginx:1\n  Service:\n    Type: AWS::ECS::Service\n    Properties:\n      TaskDefinition: !Ref Task\n"
            );
            let inv = inventory(&text);
            assert!(matches!(inv.td_link(Launcher::Service(0)), TdLink::Found(0)), "with {family:?}");
        }
    }
}
