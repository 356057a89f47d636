//! Guards the stopped-reason catalog as a whole: records load, every
//! example is won by its own record (no shadowing), truncated messages
//! still match, and the fields follow the style.

use ecs_triage::explain::catalog::{Catalog, Category, Match};
use ecs_triage::rules::meta;
use std::collections::BTreeSet;

fn catalog() -> Catalog {
    Catalog::builtin().unwrap_or_else(|e| panic!("catalog does not load: {e}"))
}

/// Fargate truncates long reasons; the catalog must still recognise them.
const TRUNCATE_AT: usize = 255;

#[test]
fn every_example_is_won_by_its_own_record() {
    let cat = catalog();
    let mut failures = Vec::new();
    for r in &cat.records {
        assert!(!r.examples.is_empty(), "{}: no examples", r.id);
        let codes: Vec<Option<i64>> =
            if r.exit_codes.is_empty() { vec![None] } else { r.exit_codes.iter().map(|c| Some(*c)).collect() };
        for ex in &r.examples {
            for code in &codes {
                let all = cat.matches(ex, *code);
                let key = |m: Option<Match>| m.map(|m| (m.record, m.by_exit_code));
                assert_eq!(
                    key(cat.best(ex, *code)),
                    key(all.first().copied()),
                    "{}: best and matches disagree on {ex:?}",
                    r.id
                );
                match all.first() {
                    Some(m) if cat.records[m.record].id == r.id => {}
                    Some(m) => failures.push(format!(
                        "{} example {ex:?} (exit {code:?}) is won by {} ({}); also matched: {:?}",
                        r.id,
                        cat.records[m.record].id,
                        cat.records[m.record].title,
                        all.iter().map(|m| &cat.records[m.record].id).collect::<Vec<_>>()
                    )),
                    None => failures.push(format!("{} example {ex:?} (exit {code:?}) matches no record", r.id)),
                }
                if ex.chars().count() > TRUNCATE_AT {
                    let cut: String = ex.chars().take(TRUNCATE_AT).collect();
                    let won = cat.best(&cut, *code).map(|m| cat.records[m.record].id.clone());
                    if won.as_deref() != Some(r.id.as_str()) {
                        failures.push(format!(
                            "{} example cut at {TRUNCATE_AT} characters is won by {won:?}: {cut:?}",
                            r.id
                        ));
                    }
                }
                let curly = ex.replace('\'', "\u{2019}");
                if curly != *ex {
                    let won = cat.best(&curly, *code).map(|m| cat.records[m.record].id.clone());
                    if won.as_deref() != Some(r.id.as_str()) {
                        failures.push(format!("{} example with curly apostrophes is won by {won:?}", r.id));
                    }
                }
                let upper = ex.to_uppercase();
                let won = cat.best(&upper, *code).map(|m| cat.records[m.record].id.clone());
                if won.as_deref() != Some(r.id.as_str()) {
                    failures.push(format!("{} example in upper case is won by {won:?}", r.id));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn records_follow_the_style() {
    let cat = catalog();
    cat.compile_all().unwrap_or_else(|e| panic!("{e}"));
    let lint_ids: BTreeSet<&str> = meta::rules().iter().map(|r| r.id.as_str()).collect();
    let mut ids = BTreeSet::new();
    for r in &cat.records {
        assert!(ids.insert(r.id.clone()), "duplicate {}", r.id);
        assert!(r.id.len() == 5 && r.id[2..].bytes().all(|b| b.is_ascii_digit()), "{}: id is SR + 3 digits", r.id);
        assert!(!r.title.ends_with('.'), "{}: title ends with a period", r.id);
        assert!(r.title.len() <= 110, "{}: title longer than 110 characters", r.id);
        assert!(r.doc.starts_with("https://"), "{}: doc", r.id);
        assert_ne!(r.category, Category::Unknown, "{}: a record explains something", r.id);
        assert!(!r.patterns.is_empty(), "{}: no patterns", r.id);
        assert_eq!(r.causes.first().map(|c| c.category), Some(r.category), "{}: category is the first cause's", r.id);
        for c in &r.causes {
            assert!(c.summary.len() >= 20, "{}: cause summary too short", r.id);
            assert!(!c.checks.is_empty(), "{}: cause `{}` has no checks", r.id, c.summary);
            assert!(c.fix.len() >= 10, "{}: cause `{}` has no fix", r.id, c.summary);
            for rule in c.rules.iter() {
                assert!(lint_ids.contains(rule.as_str()), "{}: unknown lint rule {rule}", r.id);
            }
        }
    }
}

/// The binary reads its records from the JSON `build.rs` made of them; that
/// must be the records as the TOML says.
#[test]
fn shipped_json_is_the_toml() {
    let texts: Vec<(String, String)> = meta::EMBEDDED
        .iter()
        .filter(|(p, _)| p.starts_with("catalog/"))
        .map(|(p, t)| (format!("rules/{p}"), t.to_string()))
        .collect();
    let from_toml = Catalog::from_texts(&texts).unwrap_or_else(|e| panic!("{e}"));
    let from_json = catalog();
    assert_eq!(format!("{:?}", from_toml.records), format!("{:?}", from_json.records));
    assert_eq!(format!("{:?}", from_toml.prefixes), format!("{:?}", from_json.prefixes));
    assert!(from_json.records.len() >= 60);
}

#[test]
fn catalog_covers_the_documented_families() {
    let cat = catalog();
    assert!(cat.records.len() >= 60, "only {} records", cat.records.len());
    assert!(!cat.prefixes.is_empty());
    let stages: BTreeSet<_> = cat.records.iter().map(|r| r.stage).collect();
    assert!(stages.len() >= 8, "stages covered: {stages:?}");
}

#[test]
fn user_records_extend_and_replace() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("SR900.toml"),
        r#"
id = "SR900"
title = "Our proxy refused the pull"
category = "network-firewall"
stage = "image-pull"
patterns = ['corp-proxy: 407']
examples = ['CannotPullContainerError: corp-proxy: 407 Proxy Authentication Required']
doc = "https://wiki.example.com/ecs/proxy"

[[causes]]
category = "network-firewall"
summary = "The corporate proxy needs credentials the task does not have"
checks = ["the HTTPS_PROXY variable of the container"]
fix = "Use the VPC endpoints instead of the proxy"
"#,
    )
    .unwrap();
    let cat = Catalog::with_dirs(&[dir.path()]).unwrap();
    let m = cat.best("CannotPullContainerError: corp-proxy: 407 Proxy Authentication Required", None).unwrap();
    assert_eq!(cat.records[m.record].id, "SR900");
    std::fs::write(dir.path().join("SR901.toml"), "id = \"SR901\"\ntitle = 3\n").unwrap();
    let e = Catalog::with_dirs(&[dir.path()]).err().expect("a bad record is an error");
    assert!(e.file.ends_with("SR901.toml"), "{e}");
    assert_eq!(e.line, Some(2), "{e}");
}
