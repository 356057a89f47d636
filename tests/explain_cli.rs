//! `ecs-triage explain` as users run it: texts, files, lines, stdin,
//! formats, exit codes, redaction and bad input.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ecs-triage"));
    c.env_remove("NO_COLOR").env_remove("COLUMNS");
    c
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

fn run_stdin(args: &[&str], input: &str) -> Output {
    let mut child =
        bin().args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)))
}

const ECR_TIMEOUT: &str = r#"ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s): RequestError: send request failed caused by: Post "https://api.ecr.us-east-2.amazonaws.com/": dial tcp 10.0.3.7:443: i/o timeout. Please check your task network configuration."#;

#[test]
fn one_reason_is_explained() {
    let o = run(&["explain", "-f", "json", ECR_TIMEOUT]);
    assert_eq!(o.status.code(), Some(0));
    let v = json(&o);
    assert_eq!(v["version"], 1);
    let e = &v["explanations"][0];
    assert_eq!(e["entry"], "SR019");
    assert_eq!(e["stage"], "secrets");
    // The private address points at an interface endpoint: the firewall
    // cause comes first, the missing route second.
    assert_eq!(e["category"], "network-firewall");
    assert_eq!(e["causes"][0]["category"], "network-firewall");
    assert_eq!(e["causes"][1]["category"], "network-path");
    assert!(e["causes"][0]["checks"].as_array().unwrap().len() >= 2);
    assert!(e["doc"].as_str().unwrap().starts_with("https://docs.aws.amazon.com/"));
    let o = run(&["explain", ECR_TIMEOUT]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("SR019") && text.contains("check:") && text.contains("fix:"), "{text}");
}

#[test]
fn unknown_reasons_exit_1_with_the_closest_prefix() {
    let o = run(&["explain", "-f", "json", "CannotPullContainerError: the flux capacitor is misaligned"]);
    let v = json(&o);
    let e = &v["explanations"][0];
    if e["entry"].is_null() {
        assert_eq!(o.status.code(), Some(1));
        assert_eq!(e["category"], "unknown");
        assert_eq!(e["closest_prefix"], "CannotPullContainerError");
    } else {
        // A generic catch-all record explains it roughly.
        assert_eq!(o.status.code(), Some(0));
        assert_eq!(e["stage"], "image-pull");
    }
    let o = run(&["explain", "-f", "json", "Frobnication failed: the widget fell over"]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!(v["explanations"][0]["category"], "unknown");
    assert!(v["explanations"][0]["closest_prefix"].is_null());
    assert_eq!(v["summary"]["unknown"], 1);
}

#[test]
fn lines_are_counted_once_each() {
    let input = format!("{ECR_TIMEOUT}\n\n{ECR_TIMEOUT}\n  {ECR_TIMEOUT}  \n");
    let o = run_stdin(&["explain", "-f", "json", "--lines", "-"], &input);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let v = json(&o);
    assert_eq!(v["explanations"].as_array().unwrap().len(), 1);
    assert_eq!(v["explanations"][0]["count"], 3);
    assert_eq!(v["summary"]["inputs"], 3);
    assert_eq!(v["explanations"][0]["location"]["file"], "<stdin>");
    assert_eq!(v["explanations"][0]["location"]["line"], 1);
}

#[test]
fn stdin_json_is_describe_tasks_output() {
    let tasks = std::fs::read_to_string("tests/explain/tasks.json").unwrap();
    let o = run_stdin(&["explain", "-f", "json", "-"], &tasks);
    let v = json(&o);
    let list = v["explanations"].as_array().unwrap();
    assert_eq!(list.len(), 3, "three stopped tasks; the running one is skipped");
    assert_eq!(list[0]["kind"], "task");
    assert_eq!(list[0]["subject"], "arn:aws:ecs:us-east-2:123456789012:task/prod/0f3c9d2e7a4b4c1e9f8a7b6c5d4e3f21");
    assert_eq!(list[0]["location"]["line"], 3);
    let ev: Vec<&str> = list[0]["evidence"].as_array().unwrap().iter().map(|e| e.as_str().unwrap()).collect();
    assert!(ev.iter().any(|e| e.contains("subnet-0a1b2c3d4e5f60718")), "{ev:?}");
    assert!(ev.iter().any(|e| e.contains("stopCode: TaskFailedToStart")), "{ev:?}");
    let notes = v["notes"].as_array().unwrap();
    assert!(notes.iter().any(|n| n.as_str().unwrap().contains("MISSING")));
    assert!(notes.iter().any(|n| n.as_str().unwrap().contains("1 task is not stopped")));
}

#[test]
fn task_definitions_are_linted_for_evidence() {
    let o = run(&[
        "explain",
        "-f",
        "json",
        "--file",
        "tests/explain/tasks.json",
        "--task-definition",
        "tests/explain/taskdef-web.json",
    ]);
    let v = json(&o);
    let first = &v["explanations"][0];
    let ev: Vec<&str> = first["evidence"].as_array().unwrap().iter().map(|e| e.as_str().unwrap()).collect();
    assert!(ev.iter().any(|e| e.contains("ECS115")), "the task definition lacks an execution role: {ev:?}");
    // The essential flags come from the task definition.
    let segv = &v["explanations"][2];
    let ev: Vec<&str> = segv["evidence"].as_array().unwrap().iter().map(|e| e.as_str().unwrap()).collect();
    assert!(
        ev.iter().any(|e| e.contains("`log-router` exited with code 143") && e.contains("not essential")),
        "{ev:?}"
    );
    assert!(ev.iter().any(|e| e.contains("`web` exited with code 139") && e.contains("stopped the task")), "{ev:?}");
}

#[test]
fn service_events_skip_progress_reports() {
    let o = run(&["explain", "-f", "json", "--file", "tests/explain/services.json"]);
    let v = json(&o);
    let list = v["explanations"].as_array().unwrap();
    assert_eq!(list.len(), 1, "only the failure event: {list:#?}");
    assert_eq!(list[0]["kind"], "service-event");
    assert_eq!(list[0]["subject"], "service web");
}

#[test]
fn secrets_are_never_echoed() {
    let reason = "CannotStartContainerError: failed to connect postgres://app:pa55w0rd@db:5432 password=hunter2 Authorization: Bearer abcdefghijklmnopqrstuvwxyz";
    for format in ["json", "table"] {
        let o = run(&["explain", "-f", format, reason]);
        let out = String::from_utf8_lossy(&o.stdout);
        for secret in ["pa55w0rd", "hunter2", "abcdefghijklmnopqrstuvwxyz"] {
            assert!(!out.contains(secret), "{format} echoes {secret}: {out}");
        }
        assert!(out.contains("<redacted>"));
    }
}

#[test]
fn bad_input_exits_2_and_keeps_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"tasks\": [\n  {\"taskArn\": 1,}\n]}").unwrap();
    let o =
        run(&["explain", "-f", "json", ECR_TIMEOUT, "--file", bad.to_str().unwrap(), "--file", "/nonexistent.json"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("bad.json:2:17: trailing comma"), "{err}");
    assert!(err.contains("/nonexistent.json: no such file") || err.contains("/nonexistent.json: cannot read"), "{err}");
    let v = json(&o);
    assert_eq!(v["explanations"][0]["entry"], "SR019");
    assert_eq!(v["summary"]["input_errors"], 2);
    let o = run(&["explain"]);
    assert_eq!(o.status.code(), Some(2));
    std::fs::write(dir.path().join("SR999.toml"), "id = \"SR999\"\ntitle = \"x\"\ncategory = \"nope\"\n").unwrap();
    let o = run(&["explain", "--rules-dir", dir.path().to_str().unwrap(), "x"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("SR999.toml:3:"), "{err}");
}

/// The two explain formats, snapshot-tested once on the same inputs: a
/// describe-tasks file with its task definition, and service events.
#[test]
fn explain_output_snapshots() {
    let args = [
        "explain",
        "--file",
        "tests/explain/tasks.json",
        "--task-definition",
        "tests/explain/taskdef-web.json",
        "--file",
        "tests/explain/services.json",
        "--lines",
        "tests/explain/reasons.txt",
    ];
    let mut table = bin();
    table.args(args).args(["--color", "never"]).env("COLUMNS", "100");
    let o = table.output().unwrap();
    insta::assert_snapshot!("explain_table", String::from_utf8_lossy(&o.stdout));
    let o = run(&[&args[..], &["-f", "json"]].concat());
    let text = String::from_utf8_lossy(&o.stdout).replace(env!("CARGO_PKG_VERSION"), "[version]");
    insta::assert_snapshot!("explain_json", text);
}

#[test]
fn schedule_expressions_are_checked() {
    // Both day fields set: exit 1, a caret under the column, and the fix.
    let o = run(&["explain", "--schedule", "cron(*/15 * * * * *)"]);
    assert_eq!(o.status.code(), Some(1));
    let text = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "cron(*/15 * * * * *)");
    assert_eq!(lines[1], format!("{}^", " ".repeat(16)));
    assert!(lines[2].contains("one of them must be `?`: `cron(*/15 * * * ? *)`"), "{text}");

    // Valid: exit 0, three times in UTC and in the zone given.
    let o = run(&["explain", "--schedule", "cron(0 9 ? * MON-FRI *)", "--timezone", "Asia/Tokyo"]);
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8_lossy(&o.stdout);
    let times: Vec<&str> = text.lines().filter(|l| l.starts_with("  ")).collect();
    assert_eq!(times.len(), 3, "{text}");
    assert!(times.iter().all(|t| t.contains("T09:00:00Z") && t.contains("T18:00:00+09:00[Asia/Tokyo]")), "{text}");

    // Scheduler reads at() and evaluates in the zone; JSON for scripts.
    let o = run(&["explain", "--schedule", "rate(1 minutes)", "--scheduler", "-f", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!(v["valid"], false);
    assert_eq!(v["service"], "scheduler");
    assert!(v["error"]["message"].as_str().unwrap().contains("`rate(1 minute)`"));
    let o = run(&["explain", "--schedule", "at(2199-12-31T23:00:00)", "--scheduler", "--timezone", "Europe/Berlin"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("2199-12-31T22:00:00Z  2199-12-31T23:00:00+01:00[Europe/Berlin]")
    );

    // A time zone that does not exist is invalid; --timezone needs --schedule.
    assert_eq!(run(&["explain", "--schedule", "rate(5 minutes)", "--timezone", "Mars/Olympus"]).status.code(), Some(1));
    assert_eq!(run(&["explain", "--timezone", "UTC"]).status.code(), Some(2));
}
