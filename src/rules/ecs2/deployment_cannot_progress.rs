//! ECS205 deployment-cannot-progress: a rolling deployment that may neither
//! start a new task nor stop an old one.
//!
//! ECS keeps at least ceil(desired × minimumHealthyPercent / 100) tasks
//! healthy and at most floor(desired × maximumPercent / 100) tasks running.
//! When the upper bound is not above the lower one, there is no room to
//! replace a task.

use crate::model::{F, Launcher, ServiceShape};
use crate::rules::{Ctx, Sink};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    for (i, s) in cx.inv.services.iter().enumerate() {
        let update = s.shape == ServiceShape::Update;
        // An omitted field means the ECS default, except in update-service
        // input, where it means "unchanged" and so unknown.
        let is = |f: &F<String>, default: &str| match f.str() {
            Some(v) => v == default,
            None => f.is_missing() && !update,
        };
        // update-service cannot change the strategy, and the `desiredCount`
        // required below rules out DAEMON (which rejects one).
        let replica = match s.scheduling_strategy.str() {
            Some(v) => v == "REPLICA",
            None => s.scheduling_strategy.is_missing(),
        };
        if !replica || !is(&s.deployment_controller, "ECS") {
            continue;
        }
        let Some(&desired) = s.desired_count.get() else { continue };
        if desired <= 0 {
            continue;
        }
        let (strategy, min, max) = match s.deployment.get() {
            Some(d) => (Some(&d.strategy), Some(&d.minimum_healthy_percent), Some(&d.maximum_percent)),
            None if s.deployment.is_missing() => (None, None, None),
            None => continue,
        };
        // The bounds are documented for rolling updates; blue/green, linear
        // and canary deployments are left alone.
        let rolling = match strategy {
            Some(f) => is(f, "ROLLING"),
            None => !update,
        };
        if !rolling {
            continue;
        }
        let value = |f: Option<&F<i64>>, default: i64| -> Option<(i64, bool)> {
            match f {
                Some(f) => match f.get() {
                    Some(&v) => Some((v, true)),
                    None if f.is_missing() && !update => Some((default, false)),
                    None => None,
                },
                None if !update => Some((default, false)),
                None => None,
            }
        };
        let (Some((min_pct, min_given)), Some((max_pct, max_given))) = (value(min, 100), value(max, 200)) else {
            continue;
        };
        if min_pct < 0 || max_pct < 0 {
            continue;
        }
        let min_tasks = (desired * min_pct + 99) / 100;
        let max_tasks = desired * max_pct / 100;
        if max_tasks > min_tasks {
            continue;
        }
        let at = match (max, min) {
            (Some(f), _) if max_given => f.at,
            (_, Some(f)) if min_given => f.at,
            _ => s.deployment.at,
        };
        let dflt = |given: bool| if given { "" } else { " (the default)" };
        let l = Launcher::Service(i);
        let f = out.report(
            at,
            cx.launcher_resource(l),
            format!(
                "{} cannot replace tasks in a deployment: with `desiredCount` {desired}, `minimumHealthyPercent` {min_pct} \
                 and `maximumPercent` {max_pct} leave no room to start or stop a task",
                super::subject(cx, l)
            ),
        );
        f.evidence(format!(
            "at least ceil({desired} × {min_pct} / 100) = {min_tasks} task{} must stay healthy{}",
            if min_tasks == 1 { "" } else { "s" },
            dflt(min_given)
        ))
        .evidence(format!(
            "at most floor({desired} × {max_pct} / 100) = {max_tasks} task{} may run{}",
            if max_tasks == 1 { "" } else { "s" },
            dflt(max_given)
        ));
        // The smallest maximumPercent that allows one more task, and the
        // largest minimumHealthyPercent that allows one fewer.
        let max_needed = ((min_tasks + 1) * 100 + desired - 1) / desired;
        let mut fix = format!("Raise `maximumPercent` to at least {max_needed}");
        if max_tasks >= 1 {
            let min_allowed = (max_tasks - 1) * 100 / desired;
            if min_allowed == 0 {
                fix.push_str(" or lower `minimumHealthyPercent` to 0");
            } else {
                fix.push_str(&format!(" or lower `minimumHealthyPercent` to {min_allowed} or less"));
            }
        }
        f.fix(fix);
    }
}
