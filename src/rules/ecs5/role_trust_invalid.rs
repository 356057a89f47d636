//! ECS501 role-trust-invalid: the task role or the execution role does not
//! let `ecs-tasks.amazonaws.com` assume it, so ECS cannot get credentials
//! for the task. A trust statement with a condition (`aws:SourceAccount`,
//! as AWS recommends) is not evaluated and stays quiet.

use super::access;
use crate::analysis::iam::{Decision, Effect, Principal, PrincipalKind, PrincipalSpec, evaluate_trust};
use crate::rules::{Ctx, Sink, td_resource};

pub const SERVICE: &str = "ecs-tasks.amazonaws.com";

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    for (_, td) in cx.task_defs() {
        for (field, what, key) in
            [(&td.task_role, "Task role", "taskRoleArn"), (&td.execution_role, "Execution role", "executionRoleArn")]
        {
            let Some(role) = access::role(cx, field) else { continue };
            let Some(trust) = role.role.trust.get() else { continue };
            let e = evaluate_trust(trust, SERVICE);
            if !matches!(e.decision, Decision::Denied | Decision::NotAllowed) {
                continue;
            }
            let f = out.report(
                field.at,
                td_resource(td),
                format!("{what} `{}` (`{key}`) does not trust `{SERVICE}`, so ECS cannot assume it", role.label()),
            );
            trust_evidence_and_fix(f, role.label(), trust, &e, SERVICE);
        }
    }
}

/// Evidence and fix for a trust policy that does not let `service` assume
/// the role.
pub(crate) fn trust_evidence_and_fix(
    f: &mut crate::finding::Finding,
    label: &str,
    trust: &crate::analysis::iam::Policy,
    e: &crate::analysis::iam::Evaluation,
    service: &str,
) {
    if e.decision == Decision::Denied {
        let by: Vec<String> = e.deciding.iter().map(ToString::to_string).collect();
        f.evidence(format!("`sts:AssumeRole` by `{service}` is explicitly denied by {}", by.join(", ")));
        f.fix(format!("Remove or narrow {} so that `{service}` may assume `{label}`", by.join(", ")));
    } else {
        f.evidence(trusted_line(label, trust));
        f.fix(format!(
            "Add a statement to the trust policy (`AssumeRolePolicyDocument`) of `{label}`: `{{\"Effect\": \"Allow\", \"Principal\": {{\"Service\": \"{service}\"}}, \"Action\": \"sts:AssumeRole\"}}`"
        ));
    }
}

/// Who the trust policy lets assume the role, for evidence.
pub(crate) fn trusted_line(label: &str, trust: &crate::analysis::iam::Policy) -> String {
    let mut who: Vec<String> = Vec::new();
    for s in trust.statements.iter().filter(|s| s.effect == Effect::Allow) {
        if let Some(PrincipalSpec::Principal(Principal::Of(entries))) = &s.principal {
            for e in entries {
                let kind = match e.kind {
                    PrincipalKind::Service => "service",
                    PrincipalKind::Aws => "AWS principal",
                    PrincipalKind::Federated => "federated principal",
                    PrincipalKind::CanonicalUser => "canonical user",
                };
                let item = format!("{kind} `{}`", e.value);
                if !who.contains(&item) {
                    who.push(item);
                }
            }
        }
    }
    if who.is_empty() {
        format!("the trust policy of `{label}` has no statement that lets a service assume it")
    } else {
        format!("the trust policy of `{label}` lets only {} assume it", who.join(", "))
    }
}
