//! ECS105 container-memory-missing: without a task-level `memory`, every
//! container needs `memory` or `memoryReservation`. Fargate task
//! definitions are left to ECS103, which reports the missing task size.

use crate::rules::{Ctx, Sink, container_resource};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    for (i, td) in cx.task_defs() {
        // A bare container list says nothing about the task level: its
        // `memory` is unknown, not missing.
        if !td.memory.is_missing() || cx.fargate_reason(i).is_some() {
            continue;
        }
        for c in td.containers.items() {
            if c.memory.is_missing() && c.memory_reservation.is_missing() {
                out.report(
                    c.at,
                    container_resource(td, c),
                    format!(
                        "Container `{}` has neither `memory` nor `memoryReservation`, and the task has no task-level `memory`",
                        c.display_name()
                    ),
                )
                .fix("Give the container a `memoryReservation` (soft limit, e.g. `256`) or a `memory` hard limit, or set a task-level `memory`");
            }
        }
    }
}
