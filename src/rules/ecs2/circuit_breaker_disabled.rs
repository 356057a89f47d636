//! ECS206 circuit-breaker-disabled: without the deployment circuit breaker, a
//! deployment whose tasks never become healthy keeps replacing them.

use super::subject;
use crate::model::{Launcher, ServiceShape};
use crate::rules::{Ctx, Sink};

const ADD: &str =
    "Add `\"deploymentCircuitBreaker\": {\"enable\": true, \"rollback\": true}` to `deploymentConfiguration`";
const ENABLE: &str = "Set `\"enable\": true` (and `\"rollback\": true` to return to the last working deployment)";

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    for (i, s) in cx.inv.services.iter().enumerate() {
        let update = s.shape == ServiceShape::Update;
        // Only the ECS deployment controller has the circuit breaker. An
        // update that sets the breaker is for such a service.
        match s.deployment_controller.str() {
            Some("ECS") => {}
            None if s.deployment_controller.is_missing() => {}
            _ => continue,
        }
        // Daemon services are left alone: the breaker's documentation speaks
        // only of replica services (its threshold is counted from the
        // desired count).
        match s.scheduling_strategy.str() {
            Some("REPLICA") => {}
            None if s.scheduling_strategy.is_missing() => {}
            _ => continue,
        }
        // Older API documentation says the breaker is unavailable behind a
        // Classic Load Balancer.
        if s.load_balancers
            .items()
            .iter()
            .any(|lb| lb.load_balancer_name.get().is_some() && lb.target_group_arn.is_missing())
        {
            continue;
        }
        let l = Launcher::Service(i);
        let (at, message, fix) = match s.deployment.get() {
            None if s.deployment.is_missing() && !update => (
                s.deployment.at,
                format!("{} has no `deploymentConfiguration.deploymentCircuitBreaker`", subject(cx, l)),
                ADD,
            ),
            None => continue,
            Some(d) => match d.circuit_breaker.get() {
                None if d.circuit_breaker.is_missing() && !update => (
                    d.circuit_breaker.at,
                    format!("{} has no `deploymentCircuitBreaker` in `deploymentConfiguration`", subject(cx, l)),
                    ADD,
                ),
                None => continue,
                Some(cb) => match cb.enable.get() {
                    Some(true) => continue,
                    Some(false) => {
                        (cb.enable.at, format!("{} turns the deployment circuit breaker off", subject(cx, l)), ENABLE)
                    }
                    None if cb.enable.is_missing() => (
                        cb.enable.at,
                        format!("{} has a `deploymentCircuitBreaker` without `enable`", subject(cx, l)),
                        ENABLE,
                    ),
                    None => continue,
                },
            },
        };
        let controller = match (s.deployment_controller.is_missing(), update) {
            (false, _) => "the deployment controller is ECS",
            (true, false) => "the deployment controller is ECS (the default)",
            // Only the ECS controller has a breaker to set.
            (true, true) => "the update sets the breaker, which only the ECS deployment controller has",
        };
        out.report(at, cx.launcher_resource(l), message)
            .evidence(format!(
                "{controller}; without the breaker a failing deployment keeps replacing tasks until someone stops it"
            ))
            .fix(fix);
    }
}
