//! ECS804 target-group-without-listener: ECS attaches a service's tasks to
//! its target groups through the load balancer, so each target group must
//! be forwarded to by a listener (default action or rule) when the service
//! is created. Only target groups the inputs declare are checked, and only
//! when every listener action the inputs hold names its target groups.

use super::target_group;
use crate::model::Launcher;
use crate::rules::{Ctx, Sink, ticked};

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
