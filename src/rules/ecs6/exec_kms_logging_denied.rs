//! ECS611 exec-kms-logging-denied: the cluster's ECS Exec configuration
//! encrypts sessions with a KMS key or sends their logs to a CloudWatch
//! Logs group or an S3 bucket, and the task role of a task that runs with
//! ECS Exec in that cluster may not use them. The SSM agent in the
//! container works with the task role's credentials, so it is the task
//! role that needs `kms:Decrypt` on the key and the logging permissions.
//!
//! Checked where the cluster is known (live mode, a snapshot, or a template
//! that declares it) and the task role's policies are loaded; the KMS key
//! only where the inputs declare it with its key policy (a template), since
//! a key policy may grant the role what its own policies do not.

use crate::model::F;
use crate::model::context::Cluster;
use crate::rules::ecs5::access::{self, Verdict};
use crate::rules::{Ctx, Sink, td_resource, ticked};

/// What the configuration asks of the task role: an action and the
/// resources that stand for the one the agent uses (the most permissive
/// answer counts). The KMS key comes separately ([`key_of`]).
fn needed(c: &Cluster) -> Vec<(&'static str, Vec<String>)> {
    let (partition, region, account) = parts(c);
    let mut out = Vec::new();
    if c.exec_logging.str() == Some("OVERRIDE") {
        if let Some(group) = c.exec_log_group.str().filter(|g| !g.is_empty()) {
            let base = format!("arn:{partition}:logs:{region}:{account}:log-group");
            out.push(("logs:DescribeLogGroups", vec![format!("{base}:*"), "*".to_string()]));
            // The group, and a stream in it (policies name either).
            let in_group = vec![format!("{base}:{group}:*"), format!("{base}:{group}:log-stream:ecs-execute-command")];
            for a in ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"] {
                out.push((a, in_group.clone()));
            }
        }
        if let Some(bucket) = c.exec_s3_bucket.str().filter(|b| !b.is_empty()) {
            // The agent writes `<prefix><session id>.log`.
            let prefix = c.exec_s3_prefix.str().unwrap_or_default();
            out.push(("s3:PutObject", vec![format!("arn:{partition}:s3:::{bucket}/{prefix}ecs-execute-command.log")]));
            if c.exec_s3_encryption.is_true() {
                out.push(("s3:GetEncryptionConfiguration", vec![format!("arn:{partition}:s3:::{bucket}")]));
            }
        }
    }
    out
}

/// The partition, Region and account of the cluster's ARN
/// (`arn:partition:ecs:region:account:cluster/name`).
fn parts(c: &Cluster) -> (&str, &str, &str) {
    let parts: Vec<&str> = c.arn.splitn(6, ':').collect();
    match parts.as_slice() {
        [_, p, _, r, a, _] => (p, r, a),
        _ => ("aws", "*", "*"),
    }
}

/// The cluster's exec KMS key, when the inputs hold it with its key policy:
/// a key policy can grant the role what its own policies do not, so a key
/// whose policy is not known is not judged (an audit does not read key
/// policies).
fn key_of<'a>(cx: &Ctx<'a>, c: &Cluster) -> Option<&'a crate::model::context::KmsKey> {
    let key = c.exec_kms_key.str().filter(|k| !k.is_empty())?;
    cx.inv.context.stores.key(key).filter(|k| k.policy.get().is_some() || k.policy.is_missing())
}

/// What the configuration names, for evidence (a template's resources by
/// logical id).
fn configured(cx: &Ctx<'_>, c: &Cluster) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(k) = c.exec_kms_key.str() {
        out.push(format!("encrypts sessions with KMS key `{}`", cx.inv.context.label(k)));
    }
    if c.exec_logging.str() == Some("OVERRIDE") {
        if let Some(g) = c.exec_log_group.str() {
            out.push(format!("logs sessions to log group `{g}`"));
        }
        if let Some(b) = c.exec_s3_bucket.str() {
            out.push(format!("logs sessions to S3 bucket `{b}`"));
        }
    }
    out
}

/// "a KMS key", "session logging", or both.
fn what_fails(failing: &[Verdict]) -> String {
    let kms = failing.iter().any(|v| v.action.starts_with("kms:"));
    let logging = failing.iter().any(|v| !v.action.starts_with("kms:"));
    match (kms, logging) {
        (true, true) => "a KMS key and session logging".to_string(),
        (true, false) => "a KMS key".to_string(),
        _ => "session logging".to_string(),
    }
}

/// "a", "a and b", "a, b and c".
fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    let inv = cx.inv;
    if inv.context.clusters.is_empty() {
        return;
    }
    // One finding per (cluster, task definition, task role).
    let mut seen: Vec<(String, usize, Option<String>)> = Vec::new();
    for l in inv.launchers().filter(|l| inv.launch(*l).enable_execute_command.is_true()) {
        let crate::model::TdLink::Found(i) = inv.td_link(l) else { continue };
        let Some(cluster) = inv.launch(l).cluster.str().and_then(|c| inv.context.cluster(c)) else { continue };
        let task_role: &F<String> = match l {
            crate::model::Launcher::RunTask(r) if !inv.run_tasks[r].task_role_override.is_missing() => {
                &inv.run_tasks[r].task_role_override
            }
            _ => &inv.task_defs[*i].task_role,
        };
        let key = (cluster.arn.clone(), *i, task_role.str().map(String::from));
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let needs = needed(cluster);
        let key = key_of(cx, cluster);
        if needs.is_empty() && key.is_none() {
            continue;
        }
        let Some(role) = access::role(cx, task_role) else { continue };
        let mut failing: Vec<Verdict> = needs.iter().map(|(a, r)| role.may(a, r)).filter(Verdict::fails).collect();
        if let Some(k) = key {
            let v = role.may("kms:Decrypt", std::slice::from_ref(&k.arn));
            let granted_by_key = k.policy.get().is_some_and(|p| {
                crate::rules::ecs5::access::resource_policy_may_allow(p, &role.role.arn, "kms:Decrypt", &k.arn)
            });
            if v.fails() && !granted_by_key {
                failing.insert(0, v);
            }
        }
        if failing.is_empty() {
            continue;
        }
        let td = &inv.task_defs[*i];
        let actions: Vec<&str> = failing.iter().map(|v| v.action.as_str()).collect();
        let cluster_name = if cluster.name.is_empty() { &cluster.arn } else { &cluster.name };
        let f = out.report(
            task_role.at,
            td_resource(td),
            format!(
                "Cluster `{cluster_name}` configures ECS Exec with {}, but task role `{}` may not {}",
                what_fails(&failing),
                role.label(),
                ticked(&actions, "and")
            ),
        );
        f.evidence(format!(
            "{} enables ECS Exec in cluster `{cluster_name}`, which {}",
            cx.launcher_label(l),
            join(&configured(cx, cluster))
        ));
        f.evidence(role.policies_line("task role"));
        for v in &failing {
            f.evidence(v.evidence());
        }
        if failing.iter().any(|v| v.action == "kms:Decrypt") {
            f.evidence("without `kms:Decrypt` on the cluster's key the agent cannot open the encrypted session: `execute-command` fails");
        }
        let grants: Vec<String> = failing.iter().map(|v| format!("`{}` on `{}`", v.action, v.resource)).collect();
        f.fix(access::fix_with_denies(format!("Allow {} in the task role", grants.join(", ")), &failing));
    }
}
