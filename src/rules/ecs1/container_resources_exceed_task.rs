//! ECS104 container-resources-exceed-task.
//!
//! What `RegisterTaskDefinition` rejects about container sizes:
//! - a container's `memoryReservation` above its own `memory`;
//! - a container's `memory` above the task-level `memory` ("The 'memory'
//!   setting for container 'x' is greater than for the task.");
//! - the sum of `memoryReservation` values above the task-level `memory`
//!   ("The sum of all container 'memoryReservation' values cannot be greater
//!   than the value of the task 'memory'.");
//! - the sum of container `cpu` values above the task-level `cpu` ("The sum
//!   of all container 'cpu' values cannot be greater than the value of the
//!   task 'cpu'.").
//!
//! Task-level values are compared only when they parse; Windows task
//! definitions are skipped because Windows containers ignore task-level
//! `cpu` and `memory`. An unknown container value only makes a sum larger,
//! so the known values already over the limit are enough to report it.

use crate::analysis::units::{parse_cpu, parse_memory};
use crate::model::{Container, F, TaskDef};
use crate::rules::{Ctx, Sink, container_resource, td_resource};
use crate::source::Loc;

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    for (_, td) in cx.task_defs() {
        for c in td.containers.items() {
            if let (Some(&res), Some(&mem)) = (c.memory_reservation.get(), c.memory.get())
                && res > mem
            {
                out.report(
                    c.memory_reservation.at,
                    container_resource(td, c),
                    format!(
                        "Container `{}` has `memoryReservation` {res} MiB, above its own `memory` limit of {mem} MiB",
                        c.display_name()
                    ),
                )
                .fix(format!("Lower `memoryReservation` to at most {mem}, or raise `memory` to at least {res}"));
            }
        }
        if td.is_windows() || td.os_family.is_unknown() {
            continue;
        }
        // A task size of 0 means "not set" to the ECS agent: nothing to compare.
        if let Some(task_mem) = td.memory.str().and_then(parse_memory).filter(|&m| m > 0) {
            check_memory(td, task_mem, out);
        }
        if let Some(task_cpu) = td.cpu.str().and_then(parse_cpu).filter(|&c| c > 0) {
            check_cpu(td, task_cpu, out);
        }
    }
}

fn check_memory(td: &TaskDef, task_mem: i64, out: &mut Sink) {
    let task = format!("the task-level `memory` of {task_mem} MiB");
    for c in td.containers.items() {
        if let Some(&mem) = c.memory.get()
            && mem > task_mem
        {
            out.report(
                c.memory.at,
                container_resource(td, c),
                format!("Container `{}` has `memory` {mem} MiB, more than {task}", c.display_name()),
            )
            .fix(format!("Lower the container's `memory` to at most {task_mem}, or raise the task-level `memory`"));
        }
    }
    over_total(
        td,
        task_mem,
        |c| &c.memory_reservation,
        Totals { field: "memoryReservation", task_field: "memory", task_at: td.memory.at, unit: " MiB" },
        out,
    );
}

fn check_cpu(td: &TaskDef, task_cpu: i64, out: &mut Sink) {
    let t = Totals { field: "cpu", task_field: "cpu", task_at: td.cpu.at, unit: " CPU units" };
    over_total(td, task_cpu, |c| &c.cpu, t, out);
}

struct Totals {
    field: &'static str,
    task_field: &'static str,
    task_at: Loc,
    unit: &'static str,
}

/// Reports the containers whose own value is above the task's, or else the
/// sum when the values add up to more than the task's.
fn over_total(td: &TaskDef, limit: i64, field: impl Fn(&Container) -> &F<i64>, t: Totals, out: &mut Sink) {
    let Totals { field: name, task_field, task_at, unit } = t;
    let values: Vec<(&Container, i64)> =
        td.containers.items().iter().filter_map(|c| field(c).get().map(|&v| (c, v.max(0)))).collect();
    let mut alone = false;
    for &(c, v) in &values {
        if v > limit {
            alone = true;
            out.report(
                field(c).at,
                container_resource(td, c),
                format!(
                    "Container `{}` has `{name}` {v}{unit}, more than the task-level `{task_field}` of {limit}{unit}",
                    c.display_name()
                ),
            )
            .fix(format!("Lower the container's `{name}` to at most {limit}, or raise the task-level `{task_field}`"));
        }
    }
    let sum: i64 = values.iter().map(|&(_, v)| v).sum();
    if alone || sum <= limit {
        return;
    }
    let f = out.report(
        task_at,
        td_resource(td),
        format!(
            "The containers' `{name}` values add up to {sum}{unit}, more than the task-level `{task_field}` of {limit}{unit}"
        ),
    );
    for &(c, v) in values.iter().filter(|&&(_, v)| v > 0) {
        f.evidence(format!("`{}` has `{name}` {v}", c.display_name()));
    }
    f.fix(format!(
        "Lower the containers' `{name}` values so they add up to at most {limit}, or raise the task-level `{task_field}` to at least {sum}"
    ));
}
