//! The JSON report. Its shape is versioned: fields are only ever added
//! within a version; see docs/json-format.md.

use crate::engine::Report;
use crate::finding::Severity;
use serde_json::json;

pub const VERSION: u32 = 1;

pub fn render(report: &Report) -> String {
    let doc = json!({
        "version": VERSION,
        "tool": { "name": "ecs-triage", "version": env!("CARGO_PKG_VERSION") },
        "summary": {
            "files": report.files,
            "error": report.count(Severity::Error),
            "warning": report.count(Severity::Warning),
            "info": report.count(Severity::Info),
            "input_errors": report.errors.len(),
            "skipped": report.skipped.len(),
        },
        "findings": report.findings,
        "input_errors": report.errors,
        "skipped": report.skipped,
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("serialisable");
    s.push('\n');
    s
}
