//! ECS607 exec-aws-credentials-in-environment: ECS Exec is enabled and a
//! container defines static AWS keys in its environment. The SSM agent ECS
//! Exec runs in the container inherits that environment, and the AWS SDK
//! takes keys from the environment before the task role's credentials, so
//! the agent opens its channels with those keys instead of the task role
//! (AWS's amazon-ecs-exec-checker warns about the same variables).
//!
//! ECS114 reports such keys as plain-text secrets; this rule is about what
//! they do to ECS Exec, and also counts keys injected from `secrets`.
//! Both a key id and a secret key must be set: the SDK ignores one alone.

use super::exec_ssmmessages_denied::exec_uses;
use crate::model::{Container, Unknown, Val};
use crate::rules::{Ctx, Sink, container_resource, ticked};
use crate::source::Loc;

/// Variable names the AWS SDK for Go (the SSM agent's) reads static keys
/// from: key id first, then the secret key.
const KEY_IDS: &[&str] = &["AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY"];
const SECRET_KEYS: &[&str] = &["AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY"];

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    for (i, uses) in exec_uses(cx) {
        let td = &cx.inv.task_defs[i];
        for c in td.containers.items() {
            let set = key_variables(c);
            let Some(first) = set.iter().find(|(n, _, _)| KEY_IDS.contains(n)) else { continue };
            if !set.iter().any(|(n, _, _)| SECRET_KEYS.contains(n)) {
                continue;
            }
            let names: Vec<&str> = set.iter().map(|(n, _, _)| *n).collect();
            let f = out.report(
                first.1,
                container_resource(td, c),
                format!(
                    "Container `{}` sets {}, which the ECS Exec agent uses instead of the task role",
                    c.display_name(),
                    ticked(&names, "and")
                ),
            );
            for u in &uses {
                f.evidence(u.by.clone());
            }
            for (n, _, from) in &set {
                f.evidence(format!("`{n}` is set from {from}"));
            }
            f.evidence(
                "the SSM agent that ECS Exec starts in the container inherits its environment, and the AWS SDK reads keys there before the task role's credentials",
            );
            f.fix(
                "Remove the static AWS keys from the container (`environment` and `secrets`) and grant what the application needs to the task role, which also needs the `ssmmessages` permissions for ECS Exec",
            );
        }
    }
}

/// The static-key variables a container sets, with where and how.
fn key_variables(c: &Container) -> Vec<(&'static str, Loc, &'static str)> {
    let mut out = Vec::new();
    for name in KEY_IDS.iter().chain(SECRET_KEYS) {
        if let Some(e) = c.environment.items().iter().find(|e| e.name.str() == Some(name)) {
            let set = match &e.value.val {
                Val::Known(v) => !v.trim().is_empty(),
                // A value filled in at deploy time, or a template parameter.
                Val::Unknown(Unknown::Placeholder | Unknown::Unresolved) => true,
                _ => false,
            };
            if set {
                out.push((*name, e.at, "`environment`"));
                continue;
            }
        }
        if let Some(s) = c.secrets.items().iter().find(|s| s.name.str() == Some(name))
            && !s.value_from.is_missing()
        {
            out.push((*name, s.at, "`secrets`"));
        }
    }
    out
}
