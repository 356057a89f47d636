//! ECS102 fargate-requires-awsvpc.

use crate::rules::{Ctx, Sink, td_resource};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    for (i, td) in cx.task_defs() {
        let Some(why) = cx.fargate_reason(i) else { continue };
        let message = match td.network_mode.str() {
            Some("awsvpc") => continue,
            Some(mode) => format!("Fargate task definition uses `networkMode: {mode}`; Fargate supports only `awsvpc`"),
            None if td.network_mode.is_missing() => {
                "Fargate task definition has no `networkMode` (defaults to `bridge`); Fargate supports only `awsvpc`"
                    .to_string()
            }
            None => continue,
        };
        out.report(td.network_mode.at, td_resource(td), message).evidence(why).fix("Set `\"networkMode\": \"awsvpc\"`");
    }
}
