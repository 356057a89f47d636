//! ECS101 family-name-invalid.

use crate::rules::{Ctx, Sink, td_resource};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    let limits = &cx.data.limits;
    let pattern = regex::Regex::new(&limits.family_pattern).expect("family_pattern compiles");
    for (_, td) in cx.task_defs() {
        let Some(family) = td.family.str() else {
            if td.family.is_missing() && td.shape != crate::model::TdShape::ContainerList {
                out.report(td.family.at, td_resource(td), "Task definition has no `family`")
                    .fix("Add a `family` of letters, digits, `_` and `-`");
            }
            continue;
        };
        let len = family.chars().count();
        let problem = if family.is_empty() {
            Some("is empty".to_string())
        } else if len > limits.family_max_length {
            Some(format!("is {len} characters long (at most {})", limits.family_max_length))
        } else if !pattern.is_match(family) {
            let bad: String = family
                .chars()
                .filter(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
                .take(5)
                .flat_map(|c| ['`', c, '`', ' '])
                .collect();
            Some(format!("contains characters ECS does not allow: {}", bad.trim_end()))
        } else {
            None
        };
        if let Some(p) = problem {
            let suggestion: String = family
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '-' })
                .collect();
            let f = out.report(td.family.at, td_resource(td), format!("Family `{family}` {p}"));
            if !suggestion.trim_matches('-').is_empty() && suggestion != family {
                f.fix(format!("Rename the family, e.g. to `{}`", &suggestion[..suggestion.len().min(255)]));
            }
        }
    }
}
