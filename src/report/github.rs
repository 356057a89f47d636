//! GitHub Actions workflow commands: each finding becomes an annotation on
//! the file and line.

use crate::engine::Report;
use crate::finding::Severity;
use crate::source::Position;

/// Escapes a workflow command's message.
fn data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn prop(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

fn location(p: &Position) -> String {
    let mut s = format!("file={}", prop(&p.file));
    if let Some(l) = p.line {
        s.push_str(&format!(",line={l}"));
    }
    if let Some(c) = p.column {
        s.push_str(&format!(",col={c}"));
    }
    s
}

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for e in &report.errors {
        out.push_str(&format!(
            "::error {},title={}::{}\n",
            location(&e.location),
            prop("ecs-triage: input error"),
            data(&e.message)
        ));
    }
    for f in &report.findings {
        let level = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let title = format!("{} {}", f.rule, f.name);
        let mut msg = format!("{} [{} {}]", f.message, f.resource.kind, f.resource.name);
        for e in &f.evidence {
            msg.push_str(&format!("\n- {e}"));
        }
        msg.push_str(&format!("\nFix: {}\nDocs: {}", f.fix, f.doc));
        out.push_str(&format!("::{level} {},title={}::{}\n", location(&f.location), prop(&title), data(&msg)));
    }
    out.push_str(&format!("ecs-triage: {}\n", super::summary_line(report)));
    out
}
