//! SARIF 2.1.0 as GitHub code scanning ingests it: every rule carries a
//! full description and help text, results point at a file, line and column
//! (in code points), and input errors are tool execution notifications.

use crate::engine::Report;
use crate::finding::Severity;
use crate::rules::meta;
use crate::source::Position;
use serde_json::{Value, json};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A relative URI for a path as the user gave it (forward slashes,
/// percent-encoded where URIs need it); absolute paths become `file://`.
pub fn uri(path: &str) -> String {
    let p = path.replace('\\', "/");
    let mut out = String::new();
    for b in p.trim_start_matches("./").bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    if p.starts_with('/') { format!("file://{out}") } else { out }
}

fn physical(p: &Position) -> Value {
    let mut loc = json!({ "artifactLocation": { "uri": uri(&p.file) } });
    if let Some(line) = p.line {
        let mut region = json!({ "startLine": line });
        if let Some(c) = p.column {
            region["startColumn"] = json!(c);
        }
        loc["region"] = region;
    }
    loc
}

/// FNV-1a: a stable fingerprint that does not change with line numbers.
fn fingerprint(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain([0u8]) {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

pub fn render(report: &Report) -> String {
    let rules: Vec<&meta::RuleMeta> = report.rules.iter().filter_map(|id| meta::rule(id)).collect();
    // The stopped-task findings of `audit` (`SR…`, by catalog record)
    // follow the lint rules, one descriptor per record.
    let mut stopped: Vec<(&str, &str, &str)> = Vec::new();
    for f in &report.findings {
        if f.rule.starts_with("SR") && !stopped.iter().any(|(id, _, _)| *id == f.rule) {
            stopped.push((&f.rule, &f.name, &f.doc));
        }
    }
    let rule_index = |id: &str| {
        rules
            .iter()
            .position(|r| r.id == id)
            .or_else(|| stopped.iter().position(|s| s.0 == id).map(|i| rules.len() + i))
    };
    let stopped_objs = stopped.iter().map(|(id, name, doc)| {
        let mut r = json!({
            "id": id,
            "name": name,
            "shortDescription": { "text": format!("A task stopped; catalog record {id} explains the reason") },
            "defaultConfiguration": { "level": if *id == "SR000" { "warning" } else { "error" } },
            "properties": { "tags": ["stopped-task", "ecs"] },
        });
        if !doc.is_empty() {
            r["helpUri"] = json!(doc);
        }
        r
    });
    let rule_objs: Vec<Value> = rules
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.name,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": format!("{}\n\n{}", meta::unwrap_text(&r.what), meta::unwrap_text(&r.why)) },
                "help": {
                    "text": format!("{}\n\nDocumentation: {}", meta::unwrap_text(&r.fix), r.doc),
                    "markdown": format!(
                        "## What it checks\n\n{}\n\n## Why it fails\n\n{}\n\n## Example\n\n{}\n\n## How to fix\n\n{}\n\n[AWS documentation]({})",
                        r.what.trim(), r.why.trim(), r.example.trim_end(), r.fix.trim(), r.doc
                    ),
                },
                "helpUri": r.doc,
                "defaultConfiguration": { "level": level(r.severity) },
                "properties": { "tags": [r.category, "ecs"] },
            })
        })
        .chain(stopped_objs)
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let mut text = format!("{} [{} {}]", f.message, f.resource.kind, f.resource.name);
            for e in &f.evidence {
                text.push_str(&format!("\n- {e}"));
            }
            text.push_str(&format!("\nFix: {}", f.fix));
            let mut loc = json!({ "physicalLocation": physical(&f.location) });
            if let Some(ptr) = &f.location.pointer {
                loc["logicalLocations"] = json!([{ "fullyQualifiedName": ptr, "kind": "object" }]);
            }
            let mut r = json!({
                "ruleId": f.rule,
                "level": level(f.severity),
                "message": { "text": text },
                "locations": [loc],
                "partialFingerprints": {
                    "ecsTriage/v1": fingerprint(&[&f.rule, &f.location.file, &f.resource.name, &f.message]),
                },
            });
            if let Some(i) = rule_index(&f.rule) {
                r["ruleIndex"] = json!(i);
            }
            r
        })
        .collect();
    let notifications: Vec<Value> = report
        .errors
        .iter()
        .map(|e| {
            json!({
                "level": "error",
                "message": { "text": e.message },
                "locations": [{ "physicalLocation": physical(&e.location) }],
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "ecs-triage",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/ecs-triage/ecs-triage",
                "rules": rule_objs,
            }},
            "invocations": [{
                "executionSuccessful": report.errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("serialisable");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::uri;

    #[test]
    fn uris() {
        assert_eq!(uri("deploy/task def.json"), "deploy/task%20def.json");
        assert_eq!(uri("./a.json"), "a.json");
        assert_eq!(uri("/abs/a.json"), "file:///abs/a.json");
    }
}
