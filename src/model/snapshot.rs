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
//!   "notLoaded": [{"part": "logs", "action": "logs:DescribeLogGroups", "message": "AccessDenied: ..."}]
//! }
//! ```

use super::F;
use super::context::{Coverage, LogGroup};
use super::ecs::{self, ServiceShape, TdShape};
use super::load::Loaded;
use super::read::{InputIssue, Obj, Reader};

/// The key that marks a snapshot, and the version this build reads.
pub const MARK: &str = "ecsTriageSnapshot";
pub const VERSION: i64 = 1;

/// The parts of the context a snapshot can cover.
pub const PARTS: [&str; 2] = ["ecs", "logs"];

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
    // What could not be read: the rules that need it say "not checked".
    let failed =
        r.objects(&o, "notLoaded", |r, f| (r.string(&f, "part"), r.string(&f, "action"), r.string(&f, "message")));
    for (part, action, message) in failed.into_known().unwrap_or_default() {
        let why = format!("{} failed: {}", action.str().unwrap_or("a read"), message.str().unwrap_or("no message"));
        if part.str() == Some("logs") {
            out.context.logs.coverage = Coverage::Failed(why);
        }
    }
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
