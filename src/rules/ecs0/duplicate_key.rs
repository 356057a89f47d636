//! ECS003 duplicate-key: a key written twice in one mapping of a template.

use crate::finding::Resource;
use crate::rules::{Ctx, Sink};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    for d in &cx.inv.duplicate_keys {
        let key = &d.key;
        let file = cx.inv.file_names.get(d.first.file.0 as usize).cloned().unwrap_or_default();
        for (at, line, which) in [(&d.first, d.second_line, "later"), (&d.second, d.first_line, "earlier")] {
            out.report(
                *at,
                Resource { kind: "file", name: file.clone() },
                format!("Key `{key}` is written twice in the same mapping; CloudFormation rejects the template"),
            )
            .evidence(format!("the {which} `{key}` is on line {line}"))
            .fix(format!("Keep one `{key}` with the value you mean and delete the other"));
        }
    }
}
