//! `audit` explains the tasks a snapshot holds as stopped: one finding per
//! reason and service, with what the audit's rules confirmed, ruled out or
//! could not check; tasks that stopped normally are counted, not reported.

use std::process::Command;

#[test]
fn stopped_tasks_are_explained_with_the_audits_evidence() {
    let out = Command::new(env!("CARGO_BIN_EXE_ecs-triage"))
        .args(["audit", "--snapshot", "tests/data/audit/stopped.json", "--no-config", "--format", "table"])
        .env("NO_COLOR", "1")
        .env("COLUMNS", "120")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("1 of 8 stopped tasks stopped normally"), "{stderr}");
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stdout));
}

#[test]
fn stopped_task_findings_follow_select_and_ignore() {
    let run = |extra: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_ecs-triage"))
            .args(["audit", "--snapshot", "tests/data/audit/stopped.json", "--no-config", "--format", "json"])
            .args(extra)
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut ids: Vec<String> =
            v["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap().to_string()).collect();
        ids.sort();
        ids.dedup();
        ids
    };
    assert_eq!(run(&["--select", "SR"]), ["SR000", "SR017", "SR054", "SR092"]);
    assert!(run(&["--ignore", "SR"]).iter().all(|id| id.starts_with("ECS")));
    assert_eq!(run(&["--select", "SR092"]), ["SR092"]);
}
