//! SARIF output checked by Microsoft's SARIF Multitool, with its default
//! rules and with GitHub's ingestion rules (`--rule-kind Gh`). The tool is
//! installed by `.ci/run` (npm package `@microsoft/sarif-multitool`) and
//! found through `SARIF_MULTITOOL`. The validator exits 0 even for invalid
//! logs, so the test reads its output log and fails on any result.

use std::path::{Path, PathBuf};
use std::process::Command;

fn multitool() -> Option<PathBuf> {
    match std::env::var_os("SARIF_MULTITOOL") {
        Some(p) => Some(PathBuf::from(p)),
        None if std::env::var_os("ECS_TRIAGE_REQUIRE_TOOLS").is_some() => {
            panic!("SARIF_MULTITOOL is not set but ECS_TRIAGE_REQUIRE_TOOLS is: run the tests through .ci/run")
        }
        None => {
            eprintln!("SARIF_MULTITOOL not set: SARIF validation skipped (run .ci/run to include it)");
            None
        }
    }
}

/// Validates `sarif`; returns the validator's results as (rule, message).
fn validate(tool: &Path, sarif: &Path, rule_kind: Option<&str>) -> Vec<String> {
    let out = sarif.with_extension(format!("{}.validation.sarif", rule_kind.unwrap_or("default")));
    let mut cmd = Command::new(tool);
    cmd.arg("validate").arg(sarif).arg("-o").arg(&out).args(["--log", "ForceOverwrite"]);
    if let Some(k) = rule_kind {
        cmd.args(["--rule-kind", k]);
    }
    let o = cmd.output().expect("run sarif-multitool");
    assert!(o.status.success(), "sarif-multitool failed: {}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| format!("{} {} {}", r["ruleId"], r["level"], r["message"]))
        .collect()
}

#[test]
fn sarif_passes_the_multitool_and_github_rules() {
    let Some(tool) = multitool() else { return };
    let dir = tempfile::tempdir().unwrap();
    // Every rule's bad fixtures plus an input error: many rules and results.
    let sarif = dir.path().join("fixtures.sarif");
    let o = Command::new(env!("CARGO_BIN_EXE_ecs-triage"))
        .args(["lint", "--no-config", "--format", "sarif", "--output"])
        .arg(&sarif)
        .args(["tests/fixtures", "tests/cli.rs"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "an input error is part of the run: {}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert!(v["runs"][0]["results"].as_array().unwrap().len() > 10);
    assert!(!v["runs"][0]["invocations"][0]["toolExecutionNotifications"].as_array().unwrap().is_empty());
    for kind in [None, Some("Gh")] {
        let problems = validate(&tool, &sarif, kind);
        assert!(problems.is_empty(), "{kind:?}: {problems:#?}");
    }
}

#[test]
fn the_validator_catches_what_github_rejects() {
    // Guards the guard: a rule without fullDescription/help must fail.
    let Some(tool) = multitool() else { return };
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("broken.sarif");
    let o = Command::new(env!("CARGO_BIN_EXE_ecs-triage"))
        .args(["lint", "--no-config", "--format", "sarif", "tests/fixtures/ECS102"])
        .output()
        .unwrap();
    let mut v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rule = &mut v["runs"][0]["tool"]["driver"]["rules"][0];
    rule.as_object_mut().unwrap().remove("fullDescription");
    rule.as_object_mut().unwrap().remove("help");
    std::fs::write(&sarif, serde_json::to_string(&v).unwrap()).unwrap();
    let problems = validate(&tool, &sarif, Some("Gh"));
    assert!(problems.iter().any(|p| p.contains("GH2012")), "{problems:#?}");
}
