//! ECS207 container-override-unknown: a run-task container override names a
//! container the task definition does not have (or none at all); and, as
//! advice, a `command` override meeting an `entryPoint`.

use super::subject;
use crate::finding::Severity;
use crate::model::Launcher;
use crate::rules::ticked;
use crate::rules::{Ctx, Sink};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    for (i, rt) in cx.inv.run_tasks.iter().enumerate() {
        let l = Launcher::RunTask(i);
        let td = cx.inv.td_of(l);
        for o in rt.container_overrides.items() {
            let Some(name) = o.name.str() else {
                if o.name.is_missing() && !o.command.is_missing() {
                    out.report(
                        o.name.at,
                        cx.launcher_resource(l),
                        format!("{} has a container override without `name`", subject(cx, l)),
                    )
                    .fix("Add the `name` of the container the override is for");
                }
                continue;
            };
            let Some(td) = td else { continue };
            let Some(containers) = td.containers.get() else { continue };
            let Some(c) = td.container(name) else {
                let names: Vec<&str> = containers.iter().filter_map(|c| c.name.str()).collect();
                // A container whose name is unknown might be the one.
                if names.len() < containers.len() {
                    continue;
                }
                let f = out.report(
                    o.name.at,
                    cx.launcher_resource(l),
                    format!(
                        "Container override names `{name}`, which is not a container of task definition `{}`",
                        td.display_name()
                    ),
                );
                if let Some(same) = names.iter().find(|n| n.eq_ignore_ascii_case(name)) {
                    f.evidence(format!("container names are case-sensitive: the task definition has `{same}`"));
                }
                f.fix(format!("Name one of the task definition's containers: {}", ticked(&names, "or")));
                continue;
            };
            let (Some(cmd), Some(entry)) = (o.command.get(), c.entry_point.get()) else { continue };
            if entry.is_empty() {
                continue;
            }
            out.report(
                o.command.at,
                cx.launcher_resource(l),
                format!(
                    "The `command` override for container `{name}` replaces only its command: the task definition's `entryPoint` stays and runs with it as arguments"
                ),
            )
            .severity(Severity::Info)
            .evidence(format!("`entryPoint` of container `{name}`: {}", words(entry)))
            .evidence(format!("the task will run: {}", words(&[entry.as_slice(), cmd.as_slice()].concat())))
            .fix(
                "Write the override as arguments for the entrypoint; run-task cannot override `entryPoint`, so to run \
                 something else register a revision with another `entryPoint`",
            );
        }
    }
}

/// An argv as JSON-ish text: `["sh", "-c", "…"]`.
fn words(argv: &[String]) -> String {
    let parts: Vec<String> = argv.iter().map(|a| format!("{a:?}")).collect();
    format!("`[{}]`", parts.join(", "))
}
