//! ECS103 fargate-cpu-memory-invalid.

use crate::analysis::units::{parse_cpu, parse_memory};
use crate::rules::{Ctx, Sink, td_resource};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    let sizes = &cx.data.fargate.sizes;
    for (i, td) in cx.task_defs() {
        let Some(why) = cx.fargate_reason(i) else { continue };
        let res = || td_resource(td);
        let os = if td.is_windows() { "windows" } else { "linux" };
        let mut missing = Vec::new();
        if td.cpu.is_missing() {
            missing.push("`cpu`");
        }
        if td.memory.is_missing() {
            missing.push("`memory`");
        }
        if !missing.is_empty() {
            out.report(
                td.at,
                res(),
                format!("Fargate task definition has no task-level {}", missing.join(" or ")),
            )
            .evidence(why)
            .fix("Set task-level `cpu` and `memory` to a valid Fargate pair, e.g. `\"cpu\": \"256\", \"memory\": \"512\"`");
            continue;
        }
        let (Some(cpu_s), Some(mem_s)) = (td.cpu.str(), td.memory.str()) else { continue };
        let Some(cpu) = parse_cpu(cpu_s) else {
            out.report(td.cpu.at, res(), format!("Task `cpu` `{cpu_s}` is not CPU units (`1024`) or vCPUs (`1 vCPU`)"))
                .evidence(why);
            continue;
        };
        let Some(mem) = parse_memory(mem_s) else {
            out.report(td.memory.at, res(), format!("Task `memory` `{mem_s}` is not MiB (`2048`) or GB (`2 GB`)"))
                .evidence(why);
            continue;
        };
        let Some(size) = sizes.iter().find(|s| s.cpu == cpu && s.os.iter().any(|o| o == os)) else {
            let valid: Vec<String> =
                sizes.iter().filter(|s| s.os.iter().any(|o| o == os)).map(|s| s.cpu.to_string()).collect();
            out.report(
                td.cpu.at,
                res(),
                format!("Task `cpu` {cpu} is not a Fargate size{}", if os == "windows" { " for Windows" } else { "" }),
            )
            .evidence(why)
            .fix(format!("Use one of these `cpu` values: {}", valid.join(", ")));
            continue;
        };
        if !size.allows(mem) {
            let fits: Vec<String> = sizes
                .iter()
                .filter(|s| s.os.iter().any(|o| o == os) && s.allows(mem))
                .map(|s| s.cpu.to_string())
                .collect();
            let f = out.report(
                td.memory.at,
                res(),
                format!("Task `memory` {mem} MiB is not valid with `cpu` {cpu} on Fargate"),
            );
            f.evidence(why).evidence(format!("with cpu {cpu}, memory may be {}", size.describe_memory()));
            if fits.is_empty() {
                f.fix(format!("Pick a memory value allowed for cpu {cpu}"));
            } else {
                f.fix(format!(
                    "Pick a memory value allowed for cpu {cpu}, or keep {mem} MiB with `cpu` {}",
                    fits.join(" or ")
                ));
            }
        }
    }
}
