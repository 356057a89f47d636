//! ECS804 target-group-without-listener: ECS attaches a service's tasks to
//! its target groups through the load balancer, so each target group must
//! be forwarded to by a listener (default action or rule) when the service
//! is created. Only target groups the inputs declare are checked, and only
//! when every listener action the inputs hold names its target groups.
//!
//! In a template the forwarding listener or rule must also exist before the
//! service: CloudFormation creates resources in parallel, so a service that
//! does not wait for one (`DependsOn` or a reference, directly or through
//! other resources) can be created first and fail.

use super::target_group;
use crate::finding::Severity;
use crate::model::Launcher;
use crate::rules::{Ctx, Sink, ticked};
use crate::source::Loc;

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    let elb = &cx.inv.context.elb;
    if !elb.coverage.is_loaded() || !elb.unresolved_forwards.is_empty() {
        return;
    }
    for (si, s) in cx.inv.services.iter().enumerate() {
        let l = Launcher::Service(si);
        for lb in s.load_balancers.items() {
            let Some(arn) = lb.target_group_arn.str() else { continue };
            let Some(tg) = target_group(cx, arn) else { continue };
            let attached = !tg.load_balancers.is_empty()
                || elb.listeners.iter().any(|x| x.target_groups.iter().any(|g| g == arn))
                || elb.forwarded_elsewhere.iter().any(|g| g == arn);
            if attached {
                creation_order(cx, si, lb.target_group_arn.at, arn, out);
                continue;
            }
            let name = cx.inv.context.label(arn);
            let f = out.report(
                lb.target_group_arn.at,
                cx.launcher_resource(l),
                format!("Target group `{name}` of {} is not forwarded to by any listener", cx.launcher_label(l)),
            );
            if elb.coverage.is_complete() {
                f.evidence("no listener or listener rule of the account forwards to it");
            } else {
                let listeners: Vec<String> = elb
                    .listeners
                    .iter()
                    .filter(|x| x.at.file == tg.at.file)
                    .map(|x| {
                        let to: Vec<String> = x.target_groups.iter().map(|g| cx.inv.context.label(g)).collect();
                        let listener = cx.inv.context.label(&x.arn);
                        if to.is_empty() {
                            format!("listener `{listener}` and its rules forward to no target group")
                        } else {
                            format!("listener `{listener}` and its rules forward to {}", ticked(&to, "and"))
                        }
                    })
                    .collect();
                if listeners.is_empty() {
                    f.evidence("the template declares no listener");
                }
                for e in listeners {
                    f.evidence(e);
                }
            }
            if name == arn {
                f.fix(format!("Create a listener, or a listener rule, that forwards to target group `{arn}`"));
            } else {
                f.fix(format!(
                    "Forward to `{name}` from a listener's `DefaultActions` or a listener rule's `Actions` \
                     (`Type: forward`, `TargetGroupArn: !Ref {name}`), and add that listener or rule to the \
                     service's `DependsOn`"
                ));
            }
        }
    }
}

/// Warns when a template service is attached to target group `arn` only by
/// listeners or rules of its template that it does not wait for.
fn creation_order(cx: &Ctx<'_>, si: usize, at: Loc, arn: &str, out: &mut Sink) {
    let s = &cx.inv.services[si];
    let Some(service) = s.logical_id.as_deref() else { return };
    let file = s.at.file;
    let ctx = &cx.inv.context;
    if !ctx.elb.target_groups.iter().any(|g| g.arn == arn && g.at.file == file) {
        return;
    }
    let mut forwarders: Vec<&str> = Vec::new();
    for f in ctx.elb.forwarders.iter().filter(|f| f.at.file == file && f.target_group == arn) {
        if ctx.template.waits_for(file, service, &f.logical_id) {
            return;
        }
        if !forwarders.contains(&f.logical_id.as_str()) {
            forwarders.push(&f.logical_id);
        }
    }
    // No forwarder in the template: attached some other way it cannot order.
    if forwarders.is_empty() {
        return;
    }
    let name = ctx.label(arn);
    let what = |id: &str| {
        let kind = ctx.template.resource(file, id).map(|r| r.kind.as_str());
        match kind {
            Some("AWS::ElasticLoadBalancingV2::ListenerRule") => format!("listener rule `{id}`"),
            _ => format!("listener `{id}`"),
        }
    };
    let list: Vec<String> = forwarders.iter().map(|id| what(id)).collect();
    let only = if list.len() == 1 { list[0].clone() } else { format!("any of {}", list.join(", ")) };
    out.report(
        at,
        cx.launcher_resource(Launcher::Service(si)),
        format!("Service `{service}` does not wait for {only}, so CloudFormation can create it before target group `{name}` is attached to a load balancer"),
    )
    .severity(Severity::Warning)
    .evidence(format!(
        "{} forward{} to `{name}`, and `{service}` neither names {} nor lists {} in `DependsOn`",
        ticked_ids(&forwarders),
        if forwarders.len() == 1 { "s" } else { "" },
        if forwarders.len() == 1 { "it" } else { "them" },
        if forwarders.len() == 1 { "it" } else { "one of them" },
    ))
    .evidence("a service created first fails: `The target group with targetGroupArn … does not have an associated load balancer`")
    .fix(format!("Add `DependsOn: {}` to service `{service}`", forwarders[0]));
}

fn ticked_ids(ids: &[&str]) -> String {
    let v: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
    ticked(&v, "and")
}
