//! Any bytes as `explain` input: as describe-tasks/describe-services JSON
//! and as lines of reasons. Matching, task reasoning, redaction and both
//! output formats must not panic.
#![no_main]

use ecs_triage::explain::catalog::Catalog;
use ecs_triage::explain::{explain_event, explain_task, report, run};
use ecs_triage::source::{discover, FileId, SourceFile, Sources};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static CATALOG: LazyLock<Catalog> = LazyLock::new(|| Catalog::builtin().expect("catalog"));

fuzz_target!(|data: &[u8]| {
    let Ok(text) = discover::decode("fuzz", data.to_vec()) else { return };
    let cat = &*CATALOG;
    let mut files = Sources::default();
    let id = files.add(SourceFile::new("fuzz".into(), text.clone()));
    let mut out = run::explain_lines(cat, &files, id, &text);
    if let Ok(inp) = ecs_triage::explain::input::read_json(FileId(0), &text) {
        for t in &inp.tasks {
            out.push(explain_task(cat, t, &|_| None));
        }
        for e in &inp.events {
            out.extend(explain_event(cat, e));
        }
    }
    let _ = report::render_text(&out, false, 80);
    let _ = report::render_json(&out, &[], &[]);
});
