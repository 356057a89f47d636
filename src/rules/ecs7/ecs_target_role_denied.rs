//! ECS706 ecs-target-role-denied: the role an EventBridge rule or
//! EventBridge Scheduler schedule uses to start ECS tasks cannot do it: it
//! does not trust the service (`events.amazonaws.com` for rules,
//! `scheduler.amazonaws.com` for schedules), may not `ecs:RunTask` on the
//! task definition, or may not `iam:PassRole` the task definition's task
//! and execution roles.
//!
//! The AWS managed policy `AmazonEC2ContainerServiceEventsRole` allows
//! `iam:PassRole` only under an `iam:PassedToService` condition, which is
//! not evaluated: such a role counts as conditional and is not reported.

use crate::analysis::iam::{Decision, evaluate_trust};
use crate::finding::Resource;
use crate::model::context::{EventRule, EventTarget, RuleKind};
use crate::rules::ecs5::access::{self, Access, Verdict, parse_arn};
use crate::rules::ecs5::role_trust_invalid::trust_evidence_and_fix;
use crate::rules::ecs6::exec_ssmmessages_denied::{schedule_label, schedule_name};
use crate::rules::{Ctx, Sink, short_td_reference};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    for rule in &cx.inv.context.schedules.rules {
        for t in rule.targets.items() {
            let Some(launch) = t.ecs.get() else { continue };
            let Some(role) = access::role(cx, &t.role_arn) else { continue };
            trust(out, rule, t, &role);
            let Some(td_ref) = launch.task_definition.str().filter(|r| parse_arn(r).is_some()) else { continue };
            run_task(cx, out, rule, t, &role, td_ref);
            pass_role(cx, out, rule, t, &role, td_ref);
        }
    }
}

fn resource(rule: &EventRule) -> Resource {
    Resource { kind: super::scheduled::rule_resource(rule).kind, name: schedule_name(rule).to_string() }
}

fn subject(rule: &EventRule, role: &Access<'_>) -> String {
    format!("Target role `{}` of {}", role.label(), schedule_label(rule))
}

fn trust(out: &mut Sink, rule: &EventRule, t: &EventTarget, role: &Access<'_>) {
    let service = match rule.kind {
        RuleKind::EventsRule => "events.amazonaws.com",
        RuleKind::Schedule => "scheduler.amazonaws.com",
    };
    let Some(policy) = role.role.trust.get() else { return };
    let e = evaluate_trust(policy, service);
    if !matches!(e.decision, Decision::Denied | Decision::NotAllowed) {
        return;
    }
    let f = out.report(
        t.role_arn.at,
        resource(rule),
        format!("{} does not trust `{service}`, so no task is started", subject(rule, role)),
    );
    trust_evidence_and_fix(f, role.label(), policy, &e, service);
}

fn run_task(cx: &Ctx<'_>, out: &mut Sink, rule: &EventRule, t: &EventTarget, role: &Access<'_>, td_ref: &str) {
    let (family, rev) = crate::model::parse_td_reference(td_ref);
    let td = access::td_by_reference(cx, td_ref).map(|i| &cx.inv.task_defs[i]);
    let mut arns = vec![td_ref.to_string()];
    if rev.is_none() {
        // Without a revision the target runs the latest one.
        arns.push(format!("{td_ref}:1"));
    }
    if let (Some(td), Some(i)) = (td, td_ref.rfind(':'))
        && rev.is_some()
        && td.revision.get().is_none()
    {
        // A template's task definition: the revision in its ARN is a
        // stand-in, so a policy naming any one revision may be the one.
        let prefix = &td_ref[..=i];
        arns.extend(role.resources_after(prefix, |r| !r.is_empty() && r.bytes().all(|b| b.is_ascii_digit())));
    }
    let v = role.may("ecs:RunTask", &arns);
    if !v.fails() {
        return;
    }
    let name = td.map_or_else(|| short_td_reference(td_ref), |td| td.display_name());
    let f = out.report(
        t.role_arn.at,
        resource(rule),
        format!("{} may not `ecs:RunTask` on task definition `{name}`, so no task is started", subject(rule, role),),
    );
    f.evidence(role.policies_line("the target role"));
    f.evidence(v.evidence());
    if td.is_some_and(|td| td.revision.get().is_none()) && rev.is_some() {
        f.evidence(format!(
            "the revision is decided when the stack deploys; `{}` stands for it",
            short_td_reference(td_ref)
        ));
    }
    let family_arn = match td_ref.find(":task-definition/") {
        Some(i) => format!("{}:task-definition/{family}:*", &td_ref[..i]),
        None => td_ref.to_string(),
    };
    f.fix(access::fix_with_denies(
        format!(
            "Allow `ecs:RunTask` on `{family_arn}` in the target role, or attach the AWS managed policy `AmazonEC2ContainerServiceEventsRole`"
        ),
        [&v],
    ));
}

fn pass_role(cx: &Ctx<'_>, out: &mut Sink, rule: &EventRule, t: &EventTarget, role: &Access<'_>, td_ref: &str) {
    let Some(i) = access::td_by_reference(cx, td_ref) else { return };
    let td = &cx.inv.task_defs[i];
    let Some((partition, account)) = role.partition_account() else { return };
    let mut failing: Vec<(&str, Verdict)> = Vec::new();
    for (field, what) in [(&td.task_role, "task role"), (&td.execution_role, "execution role")] {
        let Some(name) = field.str().map(str::trim).filter(|s| !s.is_empty()) else { continue };
        let arn = access::role_arn(cx, name, partition, account);
        let v = role.may("iam:PassRole", std::slice::from_ref(&arn));
        if v.fails() {
            failing.push((what, v));
        }
    }
    if failing.is_empty() {
        return;
    }
    let passed: Vec<String> = failing
        .iter()
        .map(|(what, v)| {
            let name = cx
                .inv
                .context
                .iam
                .role(&v.resource)
                .map_or(v.resource.as_str(), |r| r.logical_id.as_deref().unwrap_or(&r.name));
            format!("{what} `{name}`")
        })
        .collect();
    let f = out.report(
        t.role_arn.at,
        resource(rule),
        format!(
            "{} may not `iam:PassRole` the {} of task definition `{}`, so no task is started",
            subject(rule, role),
            passed.join(" and "),
            td.display_name()
        ),
    );
    f.evidence(role.policies_line("the target role"));
    for (_, v) in &failing {
        f.evidence(v.evidence());
    }
    let arns: Vec<&str> = failing.iter().map(|(_, v)| v.resource.as_str()).collect();
    f.fix(access::fix_with_denies(
        format!(
            "Allow `iam:PassRole` on {} in the target role (a condition `iam:PassedToService: ecs-tasks.amazonaws.com` keeps it narrow)",
            crate::rules::ticked(&arns, "and")
        ),
        failing.iter().map(|(_, v)| v),
    ));
}
