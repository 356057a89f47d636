//! A snapshot is user input (`audit --snapshot FILE`): every value of the
//! snapshot fixtures, replaced by other JSON types or removed, must lint and
//! have its stopped tasks explained (as `audit` and `explain --task` do)
//! without a panic.

use ecs_triage::config::Config;
use ecs_triage::engine::{self, Options};
use ecs_triage::explain::audit::{explain_snapshot_tasks, stopped_tasks};
use ecs_triage::explain::catalog::Catalog;
use serde_json::{Value, json};

/// Every path to a value in `v` (object keys and array indexes).
fn paths(v: &Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                at.push(k.clone());
                paths(x, at, out);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                at.push(i.to_string());
                paths(x, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

/// `v` with the value at `path` replaced (`None`: removed).
fn with(v: &Value, path: &[String], new: Option<&Value>) -> Value {
    let mut v = v.clone();
    let Some((last, parents)) = path.split_last() else { return new.cloned().unwrap_or(Value::Null) };
    let mut cur = &mut v;
    for p in parents {
        cur = match cur {
            Value::Object(m) => m.get_mut(p).unwrap(),
            Value::Array(a) => &mut a[p.parse::<usize>().unwrap()],
            _ => unreachable!(),
        };
    }
    match (cur, new) {
        (Value::Object(m), Some(n)) => {
            m.insert(last.clone(), n.clone());
        }
        (Value::Object(m), None) => {
            m.remove(last);
        }
        (Value::Array(a), Some(n)) => a[last.parse::<usize>().unwrap()] = n.clone(),
        (Value::Array(a), None) => {
            a.remove(last.parse::<usize>().unwrap());
        }
        _ => {}
    }
    v
}

#[test]
fn mangled_snapshots_lint_and_explain_without_panicking() {
    let cat = Catalog::builtin().unwrap();
    let cfg = Config::default();
    let env = Default::default();
    let opts = Options { config: &cfg, env: &env, max_file_bytes: u64::MAX, pointers: true };
    let mut files: Vec<String> = vec!["tests/data/audit/stopped.json".into()];
    for dir in std::fs::read_dir("tests/fixtures").unwrap() {
        for f in std::fs::read_dir(dir.unwrap().path()).unwrap() {
            let p = f.unwrap().path();
            let text = std::fs::read_to_string(&p).unwrap_or_default();
            if p.extension().is_some_and(|e| e == "json") && text.contains("ecsTriageSnapshot") {
                files.push(p.display().to_string());
            }
        }
    }
    assert!(files.len() >= 10, "{files:?}");
    // Every JSON type with ECS_TRIAGE_MANGLE_ALL=1 (a minute in a debug
    // build); by default the three that differ most from what readers
    // expect, and removal.
    let replacements = if std::env::var_os("ECS_TRIAGE_MANGLE_ALL").is_some() {
        vec![json!(null), json!(7), json!("x"), json!(true), json!([]), json!({}), json!([{}])]
    } else {
        vec![json!(null), json!(7), json!([{}])]
    };
    let mut runs = 0;
    for file in &files {
        let original: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        let mut all = Vec::new();
        paths(&original, &mut Vec::new(), &mut all);
        for path in all.iter().filter(|p| !p.is_empty()) {
            for new in replacements.iter().map(Some).chain([None]) {
                let text = serde_json::to_string_pretty(&with(&original, path, new)).unwrap();
                let texts = [("s.json".to_string(), text)];
                let report = engine::lint_texts(&texts, &opts);
                let _ = stopped_tasks(&cat, "s.json", &texts[0].1, &report.findings, &report.rules);
                let _ = explain_snapshot_tasks(&cat, &texts[0].1, &report.findings, &report.rules, &|_| true);
                runs += 1;
            }
        }
    }
    eprintln!("{runs} mangled snapshots");
    assert!(runs > 1000, "{runs}");
}
