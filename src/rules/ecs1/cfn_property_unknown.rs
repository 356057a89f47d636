//! ECS120 cfn-property-unknown: a property of an ECS, EventBridge or
//! Scheduler resource that CloudFormation does not know. The template
//! loader walks each such resource's raw properties against the property
//! names of `rules/data/cfn-properties.toml` (into nested types and lists,
//! not into free-form maps such as `DockerLabels` or log `Options`, nor
//! into values an intrinsic computes) and records the names it does not
//! find; this rule reports them. The most common cause is the ECS API's
//! camelCase spelling (`containerName`) where CloudFormation wants
//! PascalCase (`ContainerName`). The rest of the resource is still read
//! and checked by the other rules.

use crate::finding::Resource;
use crate::rules::{Ctx, Sink, ticked};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    let types = &cx.data.cfn_properties.types;
    for u in &cx.inv.context.template.unknown_properties {
        let kind = match u.resource_type.as_str() {
            "AWS::ECS::TaskDefinition" => "task-definition",
            "AWS::ECS::Service" => "service",
            "AWS::ECS::Cluster" => "cluster",
            "AWS::ECS::TaskSet" => "task-set",
            "AWS::Events::Rule" => "rule",
            "AWS::Scheduler::Schedule" => "schedule",
            _ => "resource",
        };
        let place = if u.path.is_empty() {
            format!("`{}`", u.resource_type)
        } else {
            format!("`{}` (in `{}`)", u.in_type, u.path)
        };
        let f = out.report(
            u.at,
            Resource { kind, name: u.resource.clone() },
            format!("`{}` is not a CloudFormation property of {place}", u.key),
        );
        let known: Vec<&String> = types.get(&u.in_type).map(|t| t.keys().collect()).unwrap_or_default();
        match &u.suggestion {
            Some(s) if u.suggestion_set => {
                f.fix(format!("Remove `{}`; `{s}` is already set", u.key));
            }
            Some(s) => {
                f.fix(format!("Rename `{}` to `{s}`", u.key));
            }
            None => {
                if known.len() <= 16 {
                    f.evidence(format!("`{}` has {}", u.in_type, ticked(&known, "and")));
                }
                f.fix(format!(
                    "Remove `{}`, or replace it with the property of `{}` it was meant to be",
                    u.key, u.in_type
                ));
            }
        }
    }
}
