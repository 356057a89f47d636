//! ECS110 awsvpc-incompatible: with `awsvpc` (and `host`) a port mapping's
//! `hostPort` must be absent or equal to its `containerPort`; `links` need
//! the `bridge` network mode. ECS fills `hostPort` in equal to the
//! container port, so describe output stays quiet. A `hostPort` of 0 is
//! left alone: ECS is reported to treat it as "not given".

use crate::rules::{Ctx, Sink, container_resource};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    for (_, td) in cx.task_defs() {
        let Some(mode @ ("awsvpc" | "host")) = td.network_mode.str() else { continue };
        for c in td.containers.items() {
            for pm in c.port_mappings.items() {
                let (Some(&cp), Some(&hp)) = (pm.container_port.get(), pm.host_port.get()) else { continue };
                if hp == 0 || hp == cp {
                    continue;
                }
                out.report(
                    pm.host_port.at,
                    container_resource(td, c),
                    format!(
                        "`{}` maps host port {hp} to container port {cp}; with `networkMode: {mode}` the host port must equal the container port",
                        c.display_name()
                    ),
                )
                .fix(format!(
                    "Remove `hostPort` or set it to {cp}; to serve on port {hp}, make the application listen on {hp} and map `containerPort` {hp}"
                ));
            }
            if mode == "awsvpc" && !c.links.items().is_empty() {
                out.report(
                    c.links.at,
                    container_resource(td, c),
                    format!("`{}` uses `links`, which the `awsvpc` network mode does not support", c.display_name()),
                )
                .fix("Remove `links`: containers of an `awsvpc` task share one network namespace and reach each other on `localhost`");
            }
        }
    }
}
