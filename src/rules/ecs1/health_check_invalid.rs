//! ECS108 health-check-invalid: a container health check ECS rejects
//! (empty command, values outside the ranges in `rules/data/limits.toml`),
//! or one Docker never runs or always fails.
//!
//! Docker picks the probe by the first element of the command: `CMD` runs
//! the rest as a program and its arguments, `CMD-SHELL` runs it with
//! `/bin/sh -c`, `NONE` turns the check off, and anything else only logs
//! "Unknown healthcheck type" — the check never runs and the container never
//! becomes healthy (moby `daemon/health.go`, `getProbe`). ECS documents the
//! prefix as required, but it is not known to reject a missing one at
//! registration, so that case is a warning.

use crate::finding::Severity;
use crate::model::{Container, F, HealthCheck, TaskDef};
use crate::rules::{Ctx, Sink, container_resource};

const EXAMPLE: &str = r#"["CMD-SHELL", "curl -f http://localhost/ || exit 1"]"#;

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    let ranges = &cx.data.limits.health_check;
    for (_, td) in cx.task_defs() {
        for c in td.containers.items() {
            let Some(hc) = c.health_check.get() else { continue };
            check_command(td, c, hc, out);
            let fields: [(&str, &F<i64>); 4] = [
                ("interval", &hc.interval),
                ("timeout", &hc.timeout),
                ("retries", &hc.retries),
                ("startPeriod", &hc.start_period),
            ];
            for (key, field) in fields {
                let (Some(&v), Some(r)) = (field.get(), ranges.get(key)) else { continue };
                if r.contains(v) {
                    continue;
                }
                let unit = if key == "retries" { "" } else { " seconds" };
                let default = r.default.map(|d| format!(" (the default is {d})")).unwrap_or_default();
                out.report(
                    field.at,
                    container_resource(td, c),
                    format!(
                        "`healthCheck.{key}` of `{}` is {v}; ECS accepts {} to {}{unit}",
                        c.display_name(),
                        r.min,
                        r.max
                    ),
                )
                .fix(format!("Set `{key}` between {} and {}{unit}{default}, or leave it out", r.min, r.max));
            }
        }
    }
}

fn check_command(td: &TaskDef, c: &Container, hc: &HealthCheck, out: &mut Sink) {
    let name = c.display_name();
    let cmd = &hc.command;
    if cmd.is_missing() {
        out.report(cmd.at, container_resource(td, c), format!("`healthCheck` of `{name}` has no `command`"))
            .fix(format!("Add a `command`, e.g. `{EXAMPLE}`, or remove the `healthCheck`"));
        return;
    }
    let Some(items) = cmd.get() else { return };
    let Some(first) = items.first() else {
        out.report(cmd.at, container_resource(td, c), format!("`healthCheck.command` of `{name}` is empty"))
            .fix(format!("Give the command, e.g. `{EXAMPLE}`, or remove the `healthCheck`"));
        return;
    };
    let Some(head) = first.str() else { return };
    // Placeholders in the rest: the prefix can still be judged, not the fix.
    let rest: Option<Vec<&str>> = items[1..].iter().map(|f| f.str()).collect();
    match head {
        "NONE" => {}
        "CMD" | "CMD-SHELL" => {
            let Some(rest) = rest else { return };
            if rest.iter().all(|s| s.trim().is_empty()) {
                out.report(
                    cmd.at,
                    container_resource(td, c),
                    format!("`healthCheck.command` of `{name}` is `{head}` with nothing to run, so every check fails"),
                )
                .fix(format!("Put the check after `{head}`, e.g. `{EXAMPLE}`"));
            } else if head == "CMD" && rest.len() == 1 && rest[0].trim().contains(char::is_whitespace) {
                out.report(
                    items[1].at,
                    container_resource(td, c),
                    format!(
                        "`healthCheck.command` of `{name}` uses `CMD` with the single string `{}`, which Docker runs as one program name, so every check fails",
                        rest[0]
                    ),
                )
                .severity(Severity::Warning)
                .fix(format!("Use the shell form: `{}`", render(&["CMD-SHELL", rest[0]])));
            }
        }
        other => {
            let upper = other.to_ascii_uppercase();
            let what = if upper == "CMD" || upper == "CMD-SHELL" {
                format!("starts with `{other}`, but the prefix is case-sensitive (`{upper}`)")
            } else if let Some(prefix) = ["CMD-SHELL ", "CMD "].iter().find(|p| upper.starts_with(**p)) {
                format!(
                    "has `{}` and the command in one string, but the prefix must be an element of its own",
                    prefix.trim()
                )
            } else {
                format!("starts with `{other}` instead of `CMD` or `CMD-SHELL`")
            };
            let f = out.report(
                first.at,
                container_resource(td, c),
                format!(
                    "`healthCheck.command` of `{name}` {what}, so Docker never runs the check and the container never becomes healthy"
                ),
            );
            f.severity(Severity::Warning);
            match rest {
                Some(rest) => f.fix(format!("Write the command as `{}`", render(&suggest(other, &rest)))),
                None => {
                    f.fix("Start the command with `CMD` (program and arguments) or `CMD-SHELL` (one shell command)")
                }
            };
        }
    }
}

/// The command with a `CMD` or `CMD-SHELL` prefix that does what the
/// author most likely meant.
fn suggest<'a>(head: &'a str, rest: &[&'a str]) -> Vec<String> {
    let own = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    for prefix in ["CMD", "CMD-SHELL"] {
        if head.eq_ignore_ascii_case(prefix) {
            return [vec![prefix.to_string()], own(rest)].concat();
        }
    }
    // The prefix written inside the first string: `"CMD-SHELL curl ..."`.
    let upper = head.to_ascii_uppercase();
    for prefix in ["CMD-SHELL ", "CMD "] {
        if upper.starts_with(prefix) {
            let line = std::iter::once(head[prefix.len()..].trim()).chain(rest.iter().copied()).collect::<Vec<_>>();
            return vec!["CMD-SHELL".to_string(), line.join(" ")];
        }
    }
    if rest.is_empty() && head.trim().contains(char::is_whitespace) {
        return vec!["CMD-SHELL".to_string(), head.to_string()];
    }
    [vec!["CMD".to_string(), head.to_string()], own(rest)].concat()
}

/// A JSON array as people write it: `["CMD", "x"]`.
fn render<S: AsRef<str>>(items: &[S]) -> String {
    let parts: Vec<String> =
        items.iter().map(|s| serde_json::to_string(s.as_ref()).expect("strings serialise")).collect();
    format!("[{}]", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let s = |head, rest: &[&str]| render(&suggest(head, rest));
        assert_eq!(
            s("curl -f http://localhost/ || exit 1", &[]),
            r#"["CMD-SHELL", "curl -f http://localhost/ || exit 1"]"#
        );
        assert_eq!(s("/healthcheck", &[]), r#"["CMD", "/healthcheck"]"#);
        assert_eq!(s("/bin/check", &["--port", "80"]), r#"["CMD", "/bin/check", "--port", "80"]"#);
        assert_eq!(s("cmd-shell", &["pg_isready"]), r#"["CMD-SHELL", "pg_isready"]"#);
        assert_eq!(s("CMD-SHELL wget -q -O- localhost:8080", &[]), r#"["CMD-SHELL", "wget -q -O- localhost:8080"]"#);
    }
}
