//! ECS402 awslogs-options-invalid.
//!
//! Option names, required options, the log group pattern and the modes are
//! data (`rules/data/awslogs.toml`). ECS rejects option names it does not
//! know at registration ("Log driver awslogs disallows options: …").

use crate::model::Val;
use crate::model::read::MapEntry;
use crate::rules::ticked;
use crate::rules::{Ctx, Sink, container_resource};

/// What Go's `strconv.ParseBool` accepts: the Docker awslogs driver (and the
/// Fargate shim logger, which hands its options to it) parses
/// `awslogs-create-group` with it and fails to start the container on
/// anything else.
const PARSE_BOOL: &[&str] = &["1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"];

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    let d = &cx.data.awslogs;
    let group_re = regex::Regex::new(&d.group_name_pattern).expect("group_name_pattern compiles");
    let known = |k: &str| d.options.iter().any(|o| o == k);
    for (i, td) in cx.task_defs() {
        let fargate = cx.fargate_reason(i);
        for c in td.containers.items() {
            let Some(log) = c.log.get() else { continue };
            if log.driver.str() != Some("awslogs") {
                continue;
            }
            let opts: &[MapEntry] = match &log.options.val {
                Val::Known(v) => v,
                Val::Absent | Val::Null => &[],
                Val::Unknown(_) => continue,
            };
            let name = c.display_name();
            let res = || container_resource(td, c);

            // Unknown option names, with the option a typo most likely meant.
            let mut meant: Vec<&str> = Vec::new();
            for e in opts.iter().filter(|e| !known(&e.key)) {
                let f = out.report(
                    e.value.at,
                    res(),
                    format!("Container `{name}` sets awslogs option `{}`, which ECS does not accept", e.key),
                );
                let Some((s, kind)) = closest(&e.key, &d.options) else {
                    f.fix(format!("Remove `{}`; awslogs accepts {}", e.key, ticked(&d.options, "or")));
                    continue;
                };
                if opts.iter().any(|o| o.key == s) || meant.contains(&s) {
                    f.fix(format!("Remove `{}`; `{s}` is already set", e.key));
                    continue;
                }
                meant.push(s);
                match kind {
                    Near::Typo => f.fix(format!("Rename `{}` to `{s}`", e.key)),
                    Near::Prefix => f.fix(format!("Use `{s}` instead of `{}`", e.key)),
                };
            }

            let has = |k: &str| opts.iter().any(|e| e.key == k) || meant.contains(&k);
            let missing: Vec<&String> = d.required.iter().filter(|k| !has(k)).collect();
            if !missing.is_empty() {
                out.report(
                    log.options.at,
                    res(),
                    format!("Container `{name}` uses awslogs without {}", ticked(&missing, "and")),
                )
                .fix(format!("Add {} to `logConfiguration.options`", ticked(&missing, "and")));
            }
            if let Some(why) = &fargate {
                let missing: Vec<&String> = d.required_on_fargate.iter().filter(|k| !has(k)).collect();
                if !missing.is_empty() {
                    out.report(
                        log.options.at,
                        res(),
                        format!("Container `{name}` uses awslogs on Fargate without {}", ticked(&missing, "and")),
                    )
                    .evidence(why.clone())
                    .fix(format!(
                        "Add {} to `logConfiguration.options`, e.g. `\"awslogs-stream-prefix\": \"ecs\"`",
                        ticked(&missing, "and")
                    ));
                }
            }

            // Values. Placeholders are unknown and stay unchecked.
            for e in opts {
                let Some(v) = e.value.str() else { continue };
                match e.key.as_str() {
                    "awslogs-group" if !group_re.is_match(v) => {
                        let problem = if v.is_empty() {
                            "is empty".to_string()
                        } else if v.chars().count() > 512 {
                            format!("is {} characters long (at most 512)", v.chars().count())
                        } else {
                            let mut bad: Vec<char> = v.chars().filter(|c| !is_group_char(*c)).collect();
                            bad.dedup();
                            bad.truncate(5);
                            let bad: Vec<String> = bad.iter().map(|c| format!("`{c}`")).collect();
                            format!("contains characters CloudWatch Logs does not allow: {}", bad.join(" "))
                        };
                        let suggestion: String =
                            v.chars().map(|c| if is_group_char(c) { c } else { '-' }).take(512).collect();
                        let f = out.report(e.value.at, res(), format!("Log group name `{v}` {problem}"));
                        f.evidence("log group names are 1-512 letters, digits and `.` `-` `_` `/` `#`");
                        if !suggestion.trim_matches('-').is_empty() && suggestion != v {
                            f.fix(format!("Rename the log group, e.g. to `{suggestion}`"));
                        } else {
                            f.fix("Name an existing or new log group of letters, digits and `.` `-` `_` `/` `#`");
                        }
                    }
                    "mode" if !d.modes.iter().any(|m| m == v) => {
                        let f = out.report(
                            e.value.at,
                            res(),
                            format!(
                                "Container `{name}` sets awslogs `mode` `{v}`, which is not one of {}",
                                ticked(&d.modes, "or")
                            ),
                        );
                        match closest(v, &d.modes) {
                            Some((s, Near::Typo)) => f.fix(format!("Set `\"mode\": \"{s}\"`")),
                            _ => f.fix(format!("Set `mode` to one of {}, or remove it", ticked(&d.modes, "or"))),
                        };
                    }
                    "awslogs-create-group" if !PARSE_BOOL.contains(&v) => {
                        out.report(
                            e.value.at,
                            res(),
                            format!(
                                "Container `{name}` sets `awslogs-create-group` to `{v}`, which the awslogs driver cannot read as true or false"
                            ),
                        )
                        .fix("Set `\"awslogs-create-group\": \"true\"` (the role that writes the logs then needs `logs:CreateLogGroup`), or remove it");
                    }
                    _ => {}
                }
            }
        }
    }
}

fn is_group_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/' | '#')
}

/// How an unknown option name relates to the known one it likely means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Near {
    /// The same name with `_` for `-` or other case, or at most two edits away.
    Typo,
    /// The start of exactly one known name (`awslogs-stream` for
    /// `awslogs-stream-prefix`).
    Prefix,
}

/// The known name `key` most likely stands for, if any (ties give none).
fn closest<'a>(key: &str, names: &'a [String]) -> Option<(&'a str, Near)> {
    let norm = |s: &str| s.trim().to_ascii_lowercase().replace('_', "-");
    let k = norm(key);
    if let Some(n) = names.iter().find(|n| norm(n) == k) {
        return Some((n, Near::Typo));
    }
    let mut scored: Vec<(usize, &String)> =
        names.iter().map(|n| (crate::analysis::edit_distance(&k, &norm(n)), n)).collect();
    scored.sort();
    if let [(d, n), rest @ ..] = scored.as_slice()
        && *d <= 2
        && rest.first().is_none_or(|(d2, _)| d2 > d)
    {
        return Some((n, Near::Typo));
    }
    let longer: Vec<&String> = names.iter().filter(|n| norm(n).starts_with(&format!("{k}-"))).collect();
    match longer.as_slice() {
        [n] if k.len() >= 8 => Some((n, Near::Prefix)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Vec<String> {
        crate::rules::meta::data().awslogs.options.clone()
    }

    #[test]
    fn suggests_likely_typos_only() {
        let n = names();
        let typo = |s| Some((s, Near::Typo));
        assert_eq!(closest("awslogs-stream_prefix", &n), typo("awslogs-stream-prefix"));
        assert_eq!(closest("awslogs-groups", &n), typo("awslogs-group"));
        assert_eq!(closest("AWSLOGS-REGION", &n), typo("awslogs-region"));
        assert_eq!(closest("awslogs-regoin", &n), typo("awslogs-region"));
        assert_eq!(closest("awslogs-stream", &n), Some(("awslogs-stream-prefix", Near::Prefix)));
        assert_eq!(closest("awslogs-multiline", &n), Some(("awslogs-multiline-pattern", Near::Prefix)));
        assert_eq!(closest("awslogs", &n), None);
        assert_eq!(closest("awslogs-format", &n), None);
        assert_eq!(closest("tag", &n), None);
    }
}
