//! ECS002 placeholders-skipped: values a deploy tool fills in later were
//! treated as unknown; one note per file.

use crate::finding::Resource;
use crate::rules::{Ctx, Sink};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    for places in &cx.inv.placeholders {
        let Some((first, _)) = places.first() else { continue };
        let mut keys: Vec<&str> = places.iter().map(|(_, k)| k.as_str()).collect();
        keys.sort_unstable();
        keys.dedup();
        let n = places.len();
        let names = keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
        let file = cx.inv.file_names.get(first.file.0 as usize).cloned().unwrap_or_default();
        out.report(
            *first,
            Resource { kind: "file", name: file },
            format!(
                "{n} placeholder value{} skipped ({names}); rules that need {} did not check {}",
                if n == 1 { " was" } else { "s were" },
                if n == 1 { "it" } else { "them" },
                if n == 1 { "it" } else { "them" },
            ),
        );
    }
}
