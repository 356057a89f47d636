//! ECS106 no-essential-container: a task definition needs at least one
//! container that is essential (the default), and at least one container.

use crate::rules::{Ctx, Sink, td_resource};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    for (_, td) in cx.task_defs() {
        let Some(containers) = td.containers.get() else { continue };
        if containers.is_empty() {
            out.report(td.containers.at, td_resource(td), "Task definition has an empty `containerDefinitions`")
                .fix("Add at least one container definition; it is essential unless it says `\"essential\": false`");
            continue;
        }
        if !containers.iter().all(|c| c.essential.get() == Some(&false)) {
            continue;
        }
        let f = out.report(
            td.containers.at,
            td_resource(td),
            if containers.len() == 1 {
                format!(
                    "The only container, `{}`, has `essential: false`; a task needs at least one essential container",
                    containers[0].display_name()
                )
            } else {
                format!(
                    "All {} containers have `essential: false`; a task needs at least one essential container",
                    containers.len()
                )
            },
        );
        for c in containers.iter().filter(|_| containers.len() > 1) {
            f.evidence(format!("`{}` sets `essential: false`", c.display_name()));
        }
        if containers.len() == 1 {
            f.fix(format!(
                "Remove `essential: false` from `{}`: containers are essential by default",
                containers[0].display_name()
            ));
        } else {
            f.fix(format!(
                "Set `\"essential\": true` on the container the task exists for (e.g. `{}`), or remove its `essential: false`",
                containers[0].display_name()
            ));
        }
    }
}
