//! ECS603 exec-readonly-root-filesystem: the SSM agent ECS Exec injects must
//! write to the container's file system.

use super::{exec_evidence, exec_task_defs};
use crate::rules::{Ctx, Sink, container_resource};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    for (i, users) in exec_task_defs(cx, |_| true) {
        let td = &cx.inv.task_defs[i];
        for c in td.containers.items().iter().filter(|c| c.readonly_root_filesystem.is_true()) {
            let f = out.report(
                c.readonly_root_filesystem.at,
                container_resource(td, c),
                format!(
                    "Container `{}` sets `readonlyRootFilesystem: true`, which ECS Exec does not support",
                    c.display_name()
                ),
            );
            for e in exec_evidence(cx, &users) {
                f.evidence(e);
            }
            f.fix(
                "ECS Exec needs a writable root file system: set `readonlyRootFilesystem` to false in containers you \
                 exec into, or turn ECS Exec off for this task definition",
            );
        }
    }
}
