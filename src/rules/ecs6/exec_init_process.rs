//! ECS605 exec-init-process: without an init process the SSM agent's child
//! processes are never reaped. Reported once per task definition.

use super::{exec_evidence, exec_task_defs};
use crate::model::Container;
use crate::rules::{Ctx, Sink, td_resource};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    for (i, users) in exec_task_defs(cx, |_| true) {
        let td = &cx.inv.task_defs[i];
        // Windows has no init process option; an unknown OS could be Windows.
        if td.is_windows() || td.os_family.is_unknown() {
            continue;
        }
        let without: Vec<&Container> = td.containers.items().iter().filter(|c| lacks_init(c)).collect();
        let (at, message) = match without.as_slice() {
            [] => continue,
            [c] => {
                let at = c.linux.get().map_or(c.linux.at, |l| l.init_process_enabled.at);
                (
                    at,
                    format!("Container `{}` does not set `linuxParameters.initProcessEnabled: true`", c.display_name()),
                )
            }
            many => {
                let names: Vec<String> = many.iter().map(|c| format!("`{}`", c.display_name())).collect();
                (
                    td.containers.at,
                    format!(
                        "{} containers do not set `linuxParameters.initProcessEnabled: true`: {}",
                        many.len(),
                        names.join(", ")
                    ),
                )
            }
        };
        let f = out.report(at, td_resource(td), message);
        for e in exec_evidence(cx, &users) {
            f.evidence(e);
        }
        f.fix("Add `\"linuxParameters\": {\"initProcessEnabled\": true}` to each container so an init process reaps the processes ECS Exec sessions leave behind");
    }
}

/// `initProcessEnabled` is missing or false (not unknown).
fn lacks_init(c: &Container) -> bool {
    match c.linux.get() {
        Some(l) => l.init_process_enabled.or(false) == Some(false),
        None => c.linux.is_missing(),
    }
}
