//! ECS803 target-type-not-ip: a task in `awsvpc` network mode has its own
//! network interface, so ECS registers it in a target group by IP address;
//! the target group must have `TargetType: ip` (ELBv2's default is
//! `instance`). Only target groups the inputs declare are checked.

use super::{awsvpc_reason, target_group};
use crate::model::{Launcher, Val};
use crate::rules::{Ctx, Sink};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    for (si, s) in cx.inv.services.iter().enumerate() {
        let l = Launcher::Service(si);
        let Some(why) = awsvpc_reason(cx, l) else { continue };
        for lb in s.load_balancers.items() {
            let Some(arn) = lb.target_group_arn.str() else { continue };
            let Some(tg) = target_group(cx, arn) else { continue };
            let (kind, evidence) = match &tg.target_type.val {
                Val::Known(t) if t == "ip" => continue,
                Val::Known(t) => {
                    (t.clone(), format!("target group `{}` has `TargetType: {t}`", cx.inv.context.label(arn)))
                }
                Val::Absent | Val::Null => (
                    "instance".to_string(),
                    format!("target group `{}` sets no `TargetType`, so it is `instance`", cx.inv.context.label(arn)),
                ),
                Val::Unknown(_) => continue,
            };
            let name = cx.inv.context.label(arn);
            out.report(
                lb.target_group_arn.at,
                cx.launcher_resource(l),
                format!(
                    "{} registers `awsvpc` tasks with target group `{name}`, whose target type is `{kind}`, not `ip`",
                    capitalised(&cx.launcher_label(l))
                ),
            )
            .evidence(why.clone())
            .evidence(evidence)
            .fix(format!(
                "Set `TargetType: ip` on target group `{name}` (a new target type replaces the target group, so \
                 remove a fixed `Name` or change it in the same update)"
            ));
        }
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}
