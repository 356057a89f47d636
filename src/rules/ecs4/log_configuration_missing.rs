//! ECS401 log-configuration-missing.

use crate::rules::{Ctx, Sink, container_resource};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    for (_, td) in cx.task_defs() {
        for c in td.containers.items() {
            // `essential` defaults to true; an unknown value could be false.
            if c.essential.or(true) != Some(true) || !c.log.is_missing() {
                continue;
            }
            let name = c.display_name();
            let group = match td.family.str().filter(|f| !f.is_empty()) {
                Some(f) => format!("/ecs/{f}"),
                None => "/ecs/<family>".to_string(),
            };
            let f = out.report(
                c.log.at,
                container_resource(td, c),
                format!("Essential container `{name}` has no `logConfiguration`"),
            );
            if c.essential.is_missing() {
                f.evidence("`essential` is not set, so it defaults to true");
            }
            f.fix(format!(
                "Add `\"logConfiguration\": {{\"logDriver\": \"awslogs\", \"options\": {{\"awslogs-group\": \"{group}\", \
                 \"awslogs-region\": \"<region>\", \"awslogs-stream-prefix\": \"{name}\"}}}}`"
            ));
        }
    }
}
