//! What the permission rules share: the role an input names, whether it
//! may do something, and the evidence that says why not.
//!
//! Only identity policies decide here (inline, attached AWS managed and
//! customer managed ones). Resource-based policies are looked at only where
//! the template declares the resource with its policy ([`resource_policy_may_allow`]);
//! permission boundaries and organization policies can only take
//! permissions away, so they never turn a "not allowed" into an allow.

use crate::analysis::iam::{
    self, Decision, Effect, Evaluation, Part, Policy, Principal, PrincipalKind, PrincipalSpec, ResourceSpec,
};
use crate::model::F;
use crate::model::context::Role;
use crate::rules::Ctx;

/// A role from the context with the policies that apply to it.
pub(crate) struct Access<'a> {
    pub role: &'a Role,
    policies: Vec<&'a Policy>,
    /// Why a "not allowed" cannot be trusted: attached managed policies
    /// whose document is not known, or known only in an older version.
    doubts: Vec<String>,
}

/// The role a task definition field or target names, when the account
/// context holds it. `None` (callers stay quiet): IAM not loaded, the value
/// missing or unknown, or the role declared outside the template.
pub(crate) fn role<'a>(cx: &Ctx<'a>, field: &F<String>) -> Option<Access<'a>> {
    let iam = &cx.inv.context.iam;
    if !iam.coverage.is_loaded() {
        return None;
    }
    let name = field.str().map(str::trim).filter(|s| !s.is_empty())?;
    let role = iam.role(name)?;
    let (policies, mut doubts) = iam.policies_of(role);
    for arn in role.managed.items() {
        if let Some(m) = arn.str().and_then(iam::managed_policy_info)
            && m.newer_version.is_some()
        {
            doubts.push(m.name.clone());
        }
    }
    Some(Access { role, policies, doubts })
}

/// The answer for one action, on the resource ARN that decided it.
pub(crate) struct Verdict {
    pub action: String,
    pub resource: String,
    pub eval: Evaluation,
}

impl Verdict {
    /// Explicitly denied, or allowed by nothing: the call fails.
    pub fn fails(&self) -> bool {
        matches!(self.eval.decision, Decision::Denied | Decision::NotAllowed)
    }

    /// One evidence line: what was asked and what decided.
    pub fn evidence(&self) -> String {
        let what = if self.resource == "*" {
            format!("`{}`", self.action)
        } else {
            format!("`{}` on `{}`", self.action, self.resource)
        };
        match self.eval.decision {
            Decision::Denied => {
                let by: Vec<String> = self.eval.deciding.iter().map(ToString::to_string).collect();
                format!("{what}: explicitly denied by {}", by.join(", "))
            }
            _ => format!("{what}: no statement allows it"),
        }
    }
}

/// A fix, with the explicit denies that must go as well; when only denies
/// stand in the way, narrowing them is the whole fix.
pub(crate) fn fix_with_denies<'v>(fix: String, verdicts: impl IntoIterator<Item = &'v Verdict>) -> String {
    let mut denies: Vec<String> = Vec::new();
    let mut only_denied = true;
    for v in verdicts {
        only_denied &= v.eval.decision == Decision::Denied;
        if v.eval.decision == Decision::Denied {
            for d in &v.eval.deciding {
                let d = d.to_string();
                if !denies.contains(&d) {
                    denies.push(d);
                }
            }
        }
    }
    match (denies.is_empty(), only_denied) {
        (true, _) => fix,
        (false, true) => format!("Remove or narrow {} so it no longer applies here", denies.join(", ")),
        (false, false) => format!("{fix}, and narrow {} so it no longer applies", denies.join(", ")),
    }
}

fn rank(d: Decision) -> u8 {
    match d {
        Decision::Denied => 0,
        Decision::NotAllowed => 1,
        Decision::Unknown => 2,
        Decision::Conditional => 3,
        Decision::Allowed => 4,
    }
}

impl<'a> Access<'a> {
    /// How findings name the role: its logical id, else its name.
    pub fn label(&self) -> &str {
        self.role.logical_id.as_deref().unwrap_or(&self.role.name)
    }

    /// The role's partition and account, from its ARN.
    pub fn partition_account(&self) -> Option<(&str, &str)> {
        let a = parse_arn(&self.role.arn)?;
        (!a.account.is_empty()).then_some((a.partition, a.account))
    }

    /// May the role call `action` on one of `resources`? Several resources
    /// stand for one real one whose exact ARN is not known (a secret without
    /// its suffix): the most permissive answer counts. A "not allowed" with
    /// policies that could not be read becomes unknown.
    pub fn may(&self, action: &str, resources: &[String]) -> Verdict {
        let mut best: Option<(Evaluation, &String)> = None;
        for r in resources {
            let e = iam::evaluate(&self.policies, action, r);
            if best.as_ref().is_none_or(|(b, _)| rank(e.decision) > rank(b.decision)) {
                best = Some((e, r));
            }
        }
        let (mut eval, resource) = best.expect("may() needs at least one resource");
        if eval.decision == Decision::NotAllowed && !self.doubts.is_empty() {
            eval.decision = Decision::Unknown;
        }
        Verdict { action: action.to_string(), resource: resource.clone(), eval }
    }

    /// Resource ARNs the role's policies write out in full that are
    /// `prefix` plus a Secrets Manager suffix (`-` and six characters): the
    /// full ARNs a partial secret ARN may stand for.
    pub fn suffixed_resources(&self, prefix: &str) -> Vec<String> {
        self.resources_after(prefix, |rest| {
            rest.len() == 7 && rest.starts_with('-') && rest[1..].bytes().all(|b| b.is_ascii_alphanumeric())
        })
    }

    /// Resource ARNs the role's policies write out that are `prefix`
    /// followed by a part `rest` accepts.
    pub fn resources_after(&self, prefix: &str, rest: impl Fn(&str) -> bool) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for p in &self.policies {
            for s in &p.statements {
                let Some(ResourceSpec::Resource(parts)) = &s.resource else { continue };
                for part in parts {
                    let Some(r) = part.as_known() else { continue };
                    if r.strip_prefix(prefix).is_some_and(&rest) && !out.iter().any(|o| o == r) {
                        out.push(r.to_string());
                    }
                }
            }
        }
        out
    }

    /// The evidence line that names the role and the policies checked.
    pub fn policies_line(&self, what: &str) -> String {
        let names: Vec<&str> = self.policies.iter().map(|p| p.name.as_str()).collect();
        if names.is_empty() {
            format!("{what} `{}` has no policies", self.label())
        } else {
            format!("{what} `{}` has {} {}", self.label(), plural(names.len()), crate::rules::ticked(&names, "and"))
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "policy" } else { "policies" }
}

/// Does a resource-based policy (key policy, secret or repository policy)
/// perhaps allow `role_arn` the call by itself? Statements that name the
/// role, any principal or an unresolved one count; a statement naming only
/// the account (`…:root`) hands the decision to IAM policies and does not.
pub(crate) fn resource_policy_may_allow(p: &Policy, role_arn: &str, action: &str, resource: &str) -> bool {
    p.statements.iter().any(|s| {
        if s.effect != Effect::Allow {
            return false;
        }
        let names_role = match &s.principal {
            Some(PrincipalSpec::Principal(pr)) => principal_may_be(pr, role_arn),
            Some(PrincipalSpec::NotPrincipal(_)) => true,
            None => false,
        };
        if !names_role {
            return false;
        }
        let mut st = s.clone();
        st.principal = None;
        if st.resource.is_none() {
            st.resource = Some(ResourceSpec::Resource(vec![Part::known("*")]));
        }
        let one = Policy { statements: vec![st], ..p.clone() };
        iam::evaluate(&[&one], action, resource).decision != Decision::NotAllowed
    })
}

fn principal_may_be(p: &Principal, role_arn: &str) -> bool {
    match p {
        Principal::Any | Principal::Unknown => true,
        Principal::Of(entries) => entries.iter().any(|e| {
            e.kind == PrincipalKind::Aws
                && match &e.value {
                    Part::Unknown => true,
                    Part::Known(v) => v == "*" || v == role_arn,
                }
        }),
    }
}

/// The task definition among the inputs that a reference (`family`,
/// `family:revision` or an ARN) names, as a schedule target names it.
pub(crate) fn td_by_reference(cx: &Ctx<'_>, reference: &str) -> Option<usize> {
    let (family, rev) = crate::model::parse_td_reference(reference);
    cx.task_defs()
        .filter(|(_, td)| td.family.str() == Some(family))
        .filter(|(_, td)| match (rev, td.revision.get()) {
            (Some(want), Some(have)) => want == *have,
            _ => true,
        })
        .map(|(i, _)| i)
        .last()
}

/// A role's ARN: a task definition may name a role by name.
pub(crate) fn role_arn(cx: &Ctx<'_>, name_or_arn: &str, partition: &str, account: &str) -> String {
    if let Some(r) = cx.inv.context.iam.role(name_or_arn) {
        return r.arn.clone();
    }
    if name_or_arn.starts_with("arn:") {
        return name_or_arn.to_string();
    }
    format!("arn:{partition}:iam::{account}:role/{name_or_arn}")
}

/// The parts of an ARN.
pub(crate) struct Arn<'s> {
    pub partition: &'s str,
    pub service: &'s str,
    pub region: &'s str,
    pub account: &'s str,
    pub resource: &'s str,
}

pub(crate) fn parse_arn(s: &str) -> Option<Arn<'_>> {
    let mut it = s.splitn(6, ':');
    if it.next()? != "arn" {
        return None;
    }
    let a = Arn {
        partition: it.next()?,
        service: it.next()?,
        region: it.next()?,
        account: it.next()?,
        resource: it.next()?,
    };
    (!a.partition.is_empty() && !a.service.is_empty()).then_some(a)
}

/// The ARN partition of a Region.
pub(crate) fn partition_of_region(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn key_policies_grant_named_roles_only() {
        let role = "arn:aws:iam::123456789012:role/exec";
        let key = "arn:aws:kms:us-east-1:123456789012:key/1234";
        let root = Policy::from_json(&json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"}
        ]}))
        .unwrap();
        assert!(!resource_policy_may_allow(&root, role, "kms:Decrypt", key));
        let named = Policy::from_json(&json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": role}, "Action": ["kms:Decrypt"], "Resource": "*"}
        ]}))
        .unwrap();
        assert!(resource_policy_may_allow(&named, role, "kms:Decrypt", key));
        assert!(!resource_policy_may_allow(&named, role, "kms:Encrypt", key));
        assert!(!resource_policy_may_allow(&named, "arn:aws:iam::123456789012:role/other", "kms:Decrypt", key));
    }

    #[test]
    fn arns() {
        let a = parse_arn("arn:aws:ecr:eu-west-1:123456789012:repository/team/app").unwrap();
        assert_eq!((a.partition, a.service, a.region, a.account), ("aws", "ecr", "eu-west-1", "123456789012"));
        assert_eq!(a.resource, "repository/team/app");
        let s = parse_arn("arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:password::").unwrap();
        assert_eq!(s.resource, "secret:db-AbCdEf:password::");
        assert!(parse_arn("db-password").is_none());
        assert_eq!(partition_of_region("cn-north-1"), "aws-cn");
        assert_eq!(partition_of_region("us-gov-west-1"), "aws-us-gov");
    }
}
