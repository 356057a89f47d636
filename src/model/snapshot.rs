//! Reading a snapshot: what `ecs-triage snapshot` saved of an account (or
//! what `audit` read live, which goes through the same text). Each section
//! holds the AWS API's own response elements, so the readers of the other
//! inputs read them unchanged, and the context they fill is the whole
//! account's (coverage `Account`): a log group not in the snapshot does not
//! exist, where a template's context could only say "not declared here".
//!
//! ```json
//! {
//!   "ecsTriageSnapshot": 1,
//!   "account": "123456789012", "region": "us-east-1",
//!   "ecs": {"clusters": [...], "services": [...], "taskDefinitions": [...], "tasks": [...]},
//!   "logs": {"logGroups": [...]},
//!   "iam": {"RoleDetailList": [...], "Policies": [{"Arn": "...", "Document": {...}}]},
//!   "notLoaded": [{"part": "logs", "action": "logs:DescribeLogGroups", "message": "AccessDenied: ..."}]
//! }
//! ```

use super::F;
use super::context::{Coverage, LogGroup, Role};
use super::ecs::{self, ServiceShape, TdShape};
use super::load::Loaded;
use super::read::{InputIssue, Obj, Reader};
use crate::cfn::policy;

/// The key that marks a snapshot, and the version this build reads.
pub const MARK: &str = "ecsTriageSnapshot";
pub const VERSION: i64 = 1;

pub(super) fn load_snapshot(r: &mut Reader, o: Obj<'_, '_>, out: &mut Loaded) {
    match r.int(&o, MARK).get() {
        Some(&VERSION) => {}
        Some(v) => {
            out.issues.push(InputIssue {
                at: o.at,
                msg: format!("snapshot version {v} is not one this build reads (version {VERSION}); take it again with this build"),
            });
            return;
        }
        None => return,
    }
    if let Some(region) = r.string(&o, "region").str() {
        out.context.region = Some(region.to_string());
    }
    if let Some(e) = section(r, &o, "ecs") {
        if let Some(items) =
            r.objects(&e, "taskDefinitions", |r, td| ecs::read_task_def(r, td, TdShape::Describe)).into_known()
        {
            out.task_defs.extend(items);
        }
        if let Some(items) =
            r.objects(&e, "services", |r, s| ecs::read_service(r, s, ServiceShape::Describe)).into_known()
        {
            out.services.extend(items);
        }
    }
    if let Some(l) = section(r, &o, "logs") {
        let groups = r.objects(&l, "logGroups", |r, g| LogGroup {
            name: r.string(&g, "logGroupName"),
            at: g.at,
            logical_id: None,
            kms_key: r.shaped(&g, "kmsKeyId"),
        });
        if let Some(groups) = groups.into_known() {
            out.context.logs.groups.extend(groups);
            out.context.logs.coverage = Coverage::Account;
        }
    }
    if let Some(i) = section(r, &o, "iam") {
        let roles = r.objects(&i, "RoleDetailList", read_role);
        let policies = r.objects(&i, "Policies", |r, p| {
            let arn = r.string(&p, "Arn").str().unwrap_or_default().to_string();
            let doc = r.member(&p, "Document").map(|m| policy::from_node(&arn, &m.value));
            (arn, doc)
        });
        if let Some(roles) = roles.into_known() {
            out.context.iam.roles.extend(roles);
            out.context.iam.coverage = Coverage::Account;
        }
        for (arn, doc) in policies.into_known().unwrap_or_default() {
            if let Some(doc) = doc {
                out.context.iam.managed_policies.push((arn, doc));
            }
        }
    }
    // What could not be read: the rules that need it say "not checked".
    let failed =
        r.objects(&o, "notLoaded", |r, f| (r.string(&f, "part"), r.string(&f, "action"), r.string(&f, "message")));
    for (part, action, message) in failed.into_known().unwrap_or_default() {
        let why = format!("{} failed: {}", action.str().unwrap_or("a read"), message.str().unwrap_or("no message"));
        match part.str() {
            Some("logs") => out.context.logs.coverage = Coverage::Failed(why),
            Some("iam") => out.context.iam.coverage = Coverage::Failed(why),
            _ => {}
        }
    }
}

/// A role as `get-account-authorization-details` lists it.
fn read_role(r: &mut Reader, o: Obj<'_, '_>) -> Role {
    let name = r.string(&o, "RoleName").str().unwrap_or_default().to_string();
    let arn = r.string(&o, "Arn").str().unwrap_or_default().to_string();
    let trust = match r.member(&o, "AssumeRolePolicyDocument") {
        Some(m) => F::known(policy::from_node(&format!("{name} trust policy"), &m.value), o.at),
        None => F::absent(o.at),
    };
    let inline = r
        .objects(&o, "RolePolicyList", |r, p| {
            let pname = r.string(&p, "PolicyName").str().unwrap_or("inline").to_string();
            let doc = match r.member(&p, "PolicyDocument") {
                Some(m) => policy::from_node(&pname, &m.value),
                None => policy::from_node(
                    &pname,
                    &crate::source::json::Node { off: p.at.off, kind: crate::source::json::Kind::Unknown },
                ),
            };
            (pname, doc)
        })
        .into_known()
        .unwrap_or_default();
    let at = o.at;
    let managed = r.objects(&o, "AttachedManagedPolicies", |r, p| r.string(&p, "PolicyArn"));
    Role { name, logical_id: None, arn, at, trust, inline, managed }
}

/// A section of the snapshot (an object member).
fn section<'n, 's>(r: &mut Reader, o: &Obj<'n, 's>, key: &str) -> Option<Obj<'n, 's>> {
    let m = r.member(o, key)?;
    r.as_obj(&m.value, key)
}

/// The list when it is known.
trait IntoKnown<T> {
    fn into_known(self) -> Option<T>;
}

impl<T> IntoKnown<T> for F<T> {
    fn into_known(self) -> Option<T> {
        match self.val {
            super::field::Val::Known(v) => Some(v),
            _ => None,
        }
    }
}
