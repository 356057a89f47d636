//! ECS406 log-group-not-referenced: CloudFormation creates resources in
//! parallel unless one names another (`Ref`, `Fn::GetAtt`, `Fn::Sub`) or
//! lists it in `DependsOn`. A task definition that writes the name of a log
//! group the template creates as a literal (or as `!Sub
//! '/ecs/${AWS::StackName}'`) does not wait for the group, and neither does
//! the service that runs it, so the first tasks can start before the group
//! exists and fail to start their log driver.
//!
//! Fires only when some service of the same template runs the task
//! definition and neither it nor the task definition waits for the group,
//! directly or through other resources (an execution role whose policy
//! names the group's ARN counts). Task definitions no service of the
//! template runs start tasks after the stack is created: quiet.

use crate::model::context::NameWritten;
use crate::model::{Launcher, TdLink, Val};
use crate::rules::{Ctx, Sink, container_resource};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    let ctx = &cx.inv.context;
    let notes = &ctx.template;
    for (ti, td) in cx.task_defs() {
        let Some(td_id) = &td.logical_id else { continue };
        let file = td.at.file;
        for c in td.containers.items() {
            let Some(log) = c.log.get() else { continue };
            if log.driver.str() != Some("awslogs") {
                continue;
            }
            let Val::Known(opts) = &log.options.val else { continue };
            let Some(opt) = opts.iter().find(|e| e.key == "awslogs-group") else { continue };
            let Some(name) = opt.value.str() else { continue };
            let Some(written) = notes.log_group_names.iter().find(|n| n.at == opt.value.at).map(|n| &n.written) else {
                continue;
            };
            if matches!(written, NameWritten::Reference(_)) {
                continue;
            }
            // The group this template creates under that name.
            let Some(group) = ctx
                .logs
                .groups
                .iter()
                .filter(|g| g.at.file == file && g.name.str() == Some(name))
                .find_map(|g| g.logical_id.as_deref())
            else {
                continue;
            };
            if notes.waits_for(file, td_id, group) {
                continue;
            }
            let racing: Vec<(usize, &str)> = cx
                .inv
                .services
                .iter()
                .enumerate()
                .filter(|(_, s)| s.at.file == file)
                .filter_map(|(si, s)| Some((si, s.logical_id.as_deref()?)))
                // Services that run it: joined by family, or naming it in the template.
                .filter(|(si, id)| {
                    cx.inv.service_td[*si] == TdLink::Found(ti)
                        || notes.resource(file, id).is_some_and(|r| r.depends_on.iter().any(|d| d == td_id))
                })
                .filter(|(_, id)| !notes.waits_for(file, id, group))
                .collect();
            if racing.is_empty() {
                continue;
            }
            let message = match written {
                NameWritten::Literal => format!(
                    "Container `{}` names log group `{name}` as a literal string instead of referencing `{group}`, \
                     so its first tasks can start before the group exists",
                    c.display_name()
                ),
                _ => format!(
                    "Container `{}` builds the name of log group `{group}` with an expression instead of \
                     referencing it, so its first tasks can start before the group exists",
                    c.display_name()
                ),
            };
            let f = out.report(opt.value.at, container_resource(td, c), message);
            f.evidence(format!("task definition `{td_id}` has no `DependsOn: {group}` and does not reference it"));
            for (si, _) in &racing {
                f.evidence(format!(
                    "{} starts tasks as soon as it is created and does not wait for `{group}`",
                    cx.launcher_label(Launcher::Service(*si))
                ));
            }
            f.fix(format!(
                "Write `awslogs-group: !Ref {group}`, or add `DependsOn: {group}` to task definition `{td_id}`"
            ));
        }
    }
}
