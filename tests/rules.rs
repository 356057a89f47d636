//! Every rule's fixtures: `tests/fixtures/<ID>/bad*` must raise that rule
//! (snapshotted with messages and locations) and `good*` must not.

mod common;

use std::path::Path;

fn fixture_entries(dir: &Path) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            (name, format!("{}/{}", dir.display(), e.file_name().to_string_lossy()))
        })
        .collect();
    v.sort();
    v
}

#[test]
fn every_rule_fixture() {
    let root = Path::new("tests/fixtures");
    let mut dirs: Vec<_> = std::fs::read_dir(root).unwrap().flatten().map(|e| e.path()).collect();
    dirs.sort();
    let mut failures = Vec::new();
    for dir in dirs {
        let id = dir.file_name().unwrap().to_string_lossy().to_string();
        for (name, path) in fixture_entries(&dir) {
            let report = common::lint(&[&path]);
            let own: Vec<_> = report.findings.iter().filter(|f| f.rule == id).collect();
            if !report.errors.is_empty() && !name.contains("input-error") {
                failures.push(format!("{path}: unexpected input errors: {:?}", report.errors));
            }
            for f in &own {
                if f.message.ends_with('.') || f.message.contains('\n') {
                    failures.push(format!("{path}: message style: {:?}", f.message));
                }
                if f.location.line.is_none() {
                    failures.push(format!("{path}: finding without a line: {:?}", f.message));
                }
            }
            if name.starts_with("bad") {
                if own.is_empty() {
                    failures.push(format!("{path}: expected {id} to fire"));
                    continue;
                }
                let stem = name.trim_end_matches(".json").trim_end_matches(".yaml");
                insta::assert_snapshot!(format!("{id}-{stem}"), common::render(&own));
            } else if name.starts_with("good") {
                if !own.is_empty() {
                    failures.push(format!("{path}: {id} fired on a good fixture:\n{}", common::render(&own)));
                }
            } else {
                failures.push(format!("{path}: fixture names start with `bad` or `good`"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
