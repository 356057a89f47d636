//! ECS111 fargate-unsupported-parameter: task definition parameters that
//! Fargate rejects, each reported at its own field.

use crate::rules::ticked;
use crate::rules::{Ctx, Sink, container_resource, td_resource};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    let fargate = &cx.data.fargate;
    for (i, td) in cx.task_defs() {
        let Some(why) = cx.fargate_reason(i) else { continue };

        if let Some(mode) = td.ipc_mode.str().filter(|m| !m.is_empty()) {
            out.report(
                td.ipc_mode.at,
                td_resource(td),
                format!("Fargate task definition sets `ipcMode: {mode}`; Fargate does not support `ipcMode`"),
            )
            .evidence(why.clone())
            .fix("Remove `ipcMode`");
        }
        if td.pid_mode.str() == Some("host") {
            out.report(
                td.pid_mode.at,
                td_resource(td),
                "Fargate task definition sets `pidMode: host`; Fargate supports only `pidMode: task`",
            )
            .evidence(why.clone())
            .fix("Remove `pidMode`, or set it to `task` to share one process namespace between the task's containers");
        }
        if !td.placement_constraints.items().is_empty() {
            out.report(
                td.placement_constraints.at,
                td_resource(td),
                "Fargate task definition has `placementConstraints`; Fargate does not support placement constraints",
            )
            .evidence(why.clone())
            .fix("Remove `placementConstraints`; a Fargate task runs in the subnets its service or run-task names");
        }
        for v in td.volumes.items() {
            let Some(path) = v.host_source_path.str().filter(|p| !p.is_empty()) else { continue };
            let name = v.name.str().unwrap_or("(unnamed)");
            out.report(
                v.host_source_path.at,
                td_resource(td),
                format!("Volume `{name}` mounts host path `{path}`; Fargate does not support `host.sourcePath`"),
            )
            .evidence(why.clone())
            .fix("Drop `sourcePath` for scratch space shared by the task's containers (`\"host\": {}`), or use an EFS volume for data that must outlive the task");
        }

        for c in td.containers.items() {
            let res = || container_resource(td, c);
            let name = c.display_name();
            if c.privileged.is_true() {
                out.report(
                    c.privileged.at,
                    res(),
                    format!("Container `{name}` sets `privileged: true`; Fargate does not run privileged containers"),
                )
                .evidence(why.clone())
                .fix("Remove `privileged`, or run the task on EC2 if it truly needs full host access");
            }
            if !c.links.items().is_empty() {
                out.report(
                    c.links.at,
                    res(),
                    format!("Container `{name}` has `links`; Fargate's `awsvpc` network mode does not support links"),
                )
                .evidence(why.clone())
                .fix("Remove `links`: containers of one awsvpc task reach each other on `localhost`");
            }
            if !c.docker_security_options.items().is_empty() {
                out.report(
                    c.docker_security_options.at,
                    res(),
                    format!("Container `{name}` has `dockerSecurityOptions`; Fargate does not support them"),
                )
                .evidence(why.clone())
                .fix("Remove `dockerSecurityOptions`");
            }
            if let Some(&gpu) = c.gpu.first() {
                out.report(
                    gpu,
                    res(),
                    format!(
                        "Container `{name}` requests a GPU (`resourceRequirements` of type `GPU`); Fargate has no GPUs"
                    ),
                )
                .evidence(why.clone())
                .fix("Remove the GPU requirement, or run the task on EC2 GPU instances");
            }
            if let Some(log) = c.log.get()
                && let Some(driver) = log.driver.str()
                && !fargate.log_drivers.iter().any(|d| d == driver)
            {
                out.report(
                    log.driver.at,
                    res(),
                    format!(
                        "Container `{name}` uses log driver `{driver}`; Fargate supports only {}",
                        ticked(&fargate.log_drivers, "and")
                    ),
                )
                .evidence(why.clone())
                .fix("Use `awslogs` to send logs to CloudWatch Logs, or `awsfirelens` to route them elsewhere");
            }
            let Some(lp) = c.linux.get() else { continue };
            if !lp.devices.items().is_empty() {
                out.report(
                    lp.devices.at,
                    res(),
                    format!("Container `{name}` maps host devices (`linuxParameters.devices`); Fargate does not support them"),
                )
                .evidence(why.clone())
                .fix("Remove `linuxParameters.devices`, or run the task on EC2");
            }
            let denied: Vec<&crate::model::F<String>> = lp
                .capabilities_add
                .items()
                .iter()
                .filter(|cap| cap.str().is_some_and(|s| !fargate.capabilities_add.iter().any(|a| a == s)))
                .collect();
            if let Some(first) = denied.first() {
                let names: Vec<String> = denied.iter().filter_map(|c| c.str()).map(str::to_string).collect();
                out.report(
                    first.at,
                    res(),
                    format!(
                        "Container `{name}` adds {} {}; Fargate allows adding only {}",
                        if names.len() == 1 { "capability" } else { "capabilities" },
                        ticked(&names, "and"),
                        ticked(&fargate.capabilities_add, "or")
                    ),
                )
                .evidence(why.clone())
                .fix("Remove them from `linuxParameters.capabilities.add`");
            }
            for (field, key) in [(&lp.max_swap, "maxSwap"), (&lp.shared_memory_size, "sharedMemorySize")] {
                if field.get().is_some() {
                    out.report(
                        field.at,
                        res(),
                        format!("Container `{name}` sets `linuxParameters.{key}`; Fargate does not support it"),
                    )
                    .evidence(why.clone())
                    .fix(format!("Remove `{key}`, or run the task on EC2"));
                }
            }
        }
    }
}
