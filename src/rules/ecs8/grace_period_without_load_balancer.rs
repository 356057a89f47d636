//! ECS802 grace-period-without-load-balancer.
//!
//! ECS used to reject `healthCheckGracePeriodSeconds` on a service without a
//! load balancer ("Health check grace period is only valid for services
//! configured to use load balancers"). The current CreateService and
//! UpdateService reference says the grace period covers Elastic Load
//! Balancing, VPC Lattice and container health checks, and is unused when a
//! service has none of them. So this reports a grace period that can have no
//! effect: no load balancer, no VPC Lattice configuration, and no essential
//! container with a health check in the (joined) task definition.

use crate::model::{F, Launcher, ServiceShape, Val};
use crate::rules::{Ctx, Sink};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    for (si, s) in cx.inv.services.iter().enumerate() {
        // describe-services shows 0 for every service; 0 never has an effect.
        let Some(&grace) = s.health_check_grace_period.get() else { continue };
        if grace <= 0 {
            continue;
        }
        let update = s.shape == ServiceShape::Update;
        if !surely_empty(&s.load_balancers, update) || !surely_empty(&s.vpc_lattice, update) {
            continue;
        }
        // Container health checks live in the task definition: without it,
        // the grace period may well be in use.
        let l = Launcher::Service(si);
        let Some(td) = cx.inv.td_of(l) else { continue };
        let Some(containers) = td.containers.get() else { continue };
        let checked = containers.iter().any(|c| c.essential.or(true) != Some(false) && !c.health_check.is_missing());
        if checked {
            continue;
        }
        out.report(
            s.health_check_grace_period.at,
            cx.launcher_resource(l),
            format!(
                "Service `{}` sets `healthCheckGracePeriodSeconds: {grace}`, but has no health check for it to apply to",
                s.display_name()
            ),
        )
        .evidence("no `loadBalancers` and no `vpcLatticeConfigurations`")
        .evidence(format!("task definition `{}` has no essential container with a `healthCheck`", td.display_name()))
        .fix(
            "Remove `healthCheckGracePeriodSeconds`, or add the health check it is meant to delay: a load balancer target \
             group, or a container `healthCheck` (whose own `startPeriod` also gives a slow container time to start)",
        );
    }
}

/// The list is known to be empty. In an update-service input an omitted
/// list keeps its current value, which the input does not show.
fn surely_empty<T>(f: &F<Vec<T>>, update: bool) -> bool {
    match &f.val {
        Val::Known(v) => v.is_empty(),
        Val::Absent | Val::Null => !update,
        Val::Unknown(_) => false,
    }
}
