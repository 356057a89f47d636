//! ECS504 secret-not-found: a container's secret (or log driver secret
//! option) names a Secrets Manager secret or SSM parameter that does not
//! exist, or a secret scheduled for deletion. Every task stops with
//! `ResourceInitializationError: unable to pull secrets or registry auth`.
//!
//! Live mode: `DescribeSecret` and `GetParameters` (never the values).

use crate::rules::{Ctx, Sink, container_resource};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    let Some(missing) = &cx.inv.context.missing_secrets else { return };
    if missing.is_empty() {
        return;
    }
    for (_, td) in cx.task_defs() {
        for c in td.containers.items() {
            let log_secrets = c.log.get().map(|l| l.secret_options.items()).unwrap_or_default();
            for (s, what) in c
                .secrets
                .items()
                .iter()
                .map(|s| (s, "secret"))
                .chain(log_secrets.iter().map(|s| (s, "log driver secret option")))
            {
                let Some(value_from) = s.value_from.str() else { continue };
                let Some((_, why)) = missing.iter().find(|(r, _)| r == value_from) else { continue };
                let kind =
                    if value_from.contains(":secretsmanager:") { "Secrets Manager secret" } else { "SSM parameter" };
                let f = out.report(
                    s.value_from.at,
                    container_resource(td, c),
                    format!(
                        "The {what} `{}` of container `{}` names {kind} `{value_from}`, which {why}",
                        s.name.str().unwrap_or("?"),
                        c.display_name()
                    ),
                );
                f.evidence(format!("the account answers that the {kind} {why}"));
                f.evidence("tasks stop before their containers start: `ResourceInitializationError: unable to pull secrets or registry auth`");
                f.fix(format!(
                    "Create the {kind} (or restore it: a secret scheduled for deletion can be restored until then), or register a new revision that names one that exists"
                ));
            }
        }
    }
}
