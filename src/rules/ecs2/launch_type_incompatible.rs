//! ECS203 launch-type-incompatible: the launch type or capacity provider is
//! one the task definition was not registered for, or a `DAEMON` service on
//! Fargate.
//!
//! ECS checks the launch against the task definition's `compatibilities`:
//! the launch types it was validated for at registration. Those are the
//! `requiresCompatibilities` it was registered with, plus EC2, which describe
//! output lists even for a task definition that requires only FARGATE
//! (e.g. `"requiresCompatibilities": ["FARGATE"]` with
//! `"compatibilities": ["EC2", "FARGATE"]`). So FARGATE and EXTERNAL are
//! checked against `compatibilities` when the input has it and against
//! `requiresCompatibilities` otherwise; EC2 only against `compatibilities`.

use super::subject;
use crate::model::{F, Launcher, TaskDef};
use crate::rules::ticked;
use crate::rules::{Ctx, Sink};
use crate::source::Loc;

/// What a launch needs from the task definition.
#[derive(Clone, Copy, PartialEq)]
enum Need {
    Fargate,
    Ec2,
    External,
    /// A capacity provider that is not FARGATE/FARGATE_SPOT: an Auto Scaling
    /// group (EC2) or ECS Managed Instances.
    Instances,
}

impl Need {
    fn met_by(self, compat: &str) -> bool {
        match self {
            Need::Fargate => compat == "FARGATE",
            Need::Ec2 => compat == "EC2",
            Need::External => compat == "EXTERNAL",
            Need::Instances => compat == "EC2" || compat == "MANAGED_INSTANCES",
        }
    }

    fn word(self) -> &'static str {
        match self {
            Need::Fargate => "FARGATE",
            Need::Ec2 | Need::Instances => "EC2",
            Need::External => "EXTERNAL",
        }
    }
}

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    for l in cx.inv.launchers() {
        if let Some(td) = cx.inv.td_of(l) {
            compatibility(cx, out, l, td);
        }
        if let Launcher::Service(i) = l {
            daemon_on_fargate(cx, out, i);
        }
    }
}

fn compatibility(cx: &Ctx<'_>, out: &mut Sink, l: Launcher, td: &TaskDef) {
    let launch = cx.inv.launch(l);
    let mut wanted: Vec<(Need, Loc, String)> = Vec::new();
    match launch.launch_type.str() {
        Some("FARGATE") => wanted.push((Need::Fargate, launch.launch_type.at, "`launchType` FARGATE".into())),
        Some("EC2") => wanted.push((Need::Ec2, launch.launch_type.at, "`launchType` EC2".into())),
        Some("EXTERNAL") => wanted.push((Need::External, launch.launch_type.at, "`launchType` EXTERNAL".into())),
        _ => {}
    }
    if launch.launch_type.is_missing() {
        // One finding per kind of capacity, at its first provider.
        for need in [Need::Fargate, Need::Instances] {
            let cps: Vec<&F<String>> = launch
                .capacity_providers
                .items()
                .iter()
                .filter(|c| match c.str() {
                    Some("FARGATE" | "FARGATE_SPOT") => need == Need::Fargate,
                    Some(_) => need == Need::Instances,
                    None => false,
                })
                .collect();
            if let Some(first) = cps.first() {
                let names: Vec<&str> = cps.iter().filter_map(|c| c.str()).collect();
                let words = if names.len() == 1 {
                    format!("capacity provider {}", ticked(&names, "and"))
                } else {
                    format!("capacity providers {}", ticked(&names, "and"))
                };
                wanted.push((need, first.at, words));
            }
        }
    }
    for (need, at, words) in wanted {
        let Some((field, list)) = declared(td, need) else { continue };
        if list.iter().any(|c| need.met_by(c)) {
            continue;
        }
        let f = out.report(
            at,
            cx.launcher_resource(l),
            format!(
                "{} uses {words}, but task definition `{}` lists only {} in `{field}`",
                subject(cx, l),
                td.display_name(),
                ticked(&list, "and")
            ),
        );
        if need == Need::Instances {
            f.evidence("a capacity provider other than FARGATE/FARGATE_SPOT places tasks on EC2 instances");
        }
        let family = td.family.str().unwrap_or("(its family)");
        f.fix(format!(
            "Add `{}` to `requiresCompatibilities` of task definition `{family}` and register a new revision, or launch it on capacity it lists",
            need.word()
        ));
    }
}

/// A known, non-empty list of compatibilities.
fn list(f: &F<Vec<F<String>>>) -> Option<Vec<&str>> {
    let items = f.get().filter(|v| !v.is_empty())?;
    items.iter().map(|c| c.str()).collect()
}

/// The compatibility list ECS compares `need` with, when the input shows it.
fn declared(td: &TaskDef, need: Need) -> Option<(&'static str, Vec<&str>)> {
    if let Some(v) = list(&td.compatibilities) {
        return Some(("compatibilities", v));
    }
    if matches!(need, Need::Fargate | Need::External) {
        return list(&td.requires_compatibilities).map(|v| ("requiresCompatibilities", v));
    }
    // EC2 is validated for every task definition whatever it requires.
    None
}

fn daemon_on_fargate(cx: &Ctx<'_>, out: &mut Sink, i: usize) {
    let s = &cx.inv.services[i];
    if s.scheduling_strategy.str() != Some("DAEMON") {
        return;
    }
    let launch = &s.launch;
    let words = match launch.launch_type.str() {
        Some("FARGATE") => "`launchType` FARGATE".to_string(),
        Some(_) => return,
        None => {
            let cps: Vec<&str> = launch
                .capacity_providers
                .items()
                .iter()
                .filter_map(|c| c.str())
                .filter(|c| matches!(*c, "FARGATE" | "FARGATE_SPOT"))
                .collect();
            if cps.is_empty() {
                return;
            }
            format!("capacity provider {}", ticked(&cps, "and"))
        }
    };
    let l = Launcher::Service(i);
    out.report(
        s.scheduling_strategy.at,
        cx.launcher_resource(l),
        format!(
            "{} uses the `DAEMON` scheduling strategy with {words}; Fargate runs only `REPLICA` services",
            subject(cx, l)
        ),
    )
    .fix("Use `\"schedulingStrategy\": \"REPLICA\"` with a `desiredCount`, or run the daemon on EC2 capacity");
}
