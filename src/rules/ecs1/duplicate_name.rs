//! ECS109 duplicate-name: container names must be unique in a task
//! definition, secret names unique in a container and not shared with an
//! environment variable. A variable repeated in `environment` is accepted
//! by ECS, but only one of its values reaches the container: a warning.
//! Names are compared exactly, as ECS and the environment do.

use crate::finding::Severity;
use crate::rules::{Ctx, Sink, container_resource, td_resource};
use std::collections::HashMap;

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    for (_, td) in cx.task_defs() {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, c) in td.containers.items().iter().enumerate() {
            let Some(name) = c.name.str() else { continue };
            match seen.get(name) {
                Some(&first) => {
                    out.report(
                        c.name.at,
                        td_resource(td),
                        format!("Container name `{name}` is used by more than one container"),
                    )
                    .evidence(format!("containers #{} and #{} are both named `{name}`", first + 1, i + 1))
                    .fix("Give each container a unique name; `dependsOn`, `links` and load balancers refer to containers by name");
                }
                None => {
                    seen.insert(name, i);
                }
            }
        }

        for c in td.containers.items() {
            let res = || container_resource(td, c);
            let me = c.display_name();
            let mut env: HashMap<&str, usize> = HashMap::new();
            for e in c.environment.items() {
                let Some(name) = e.name.str() else { continue };
                let n = env.entry(name).or_insert(0);
                *n += 1;
                if *n == 2 {
                    out.report(
                        e.name.at,
                        res(),
                        format!("Variable `{name}` is set more than once in the `environment` of `{me}`; only one of its values reaches the container"),
                    )
                    .severity(Severity::Warning)
                    .fix(format!("Keep one `{name}` entry with the value you want"));
                }
            }
            let mut secrets: HashMap<&str, usize> = HashMap::new();
            for s in c.secrets.items() {
                let Some(name) = s.name.str() else { continue };
                let n = secrets.entry(name).or_insert(0);
                *n += 1;
                if *n == 2 {
                    out.report(
                        s.name.at,
                        res(),
                        format!("Secret `{name}` is listed more than once in the `secrets` of `{me}`"),
                    )
                    .fix(format!("Keep one `{name}` entry in `secrets`"));
                }
                if *n == 1 && env.contains_key(name) {
                    out.report(
                        s.name.at,
                        res(),
                        format!("`{name}` of `{me}` is both a secret and an `environment` variable"),
                    )
                    .fix(format!("Remove `{name}` from `environment` (the secret sets it), or rename one of the two"));
                }
            }
        }
    }
}
