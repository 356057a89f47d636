//! The binary as users run it: exit codes, formats, stdin, directories,
//! configuration, and bad input that must never hide good input.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ecs-triage"));
    c.env_remove("NO_COLOR").env_remove("ECS_TRIAGE_FORMAT").env_remove("COLUMNS");
    c
}

fn run(dir: &Path, args: &[&str]) -> Output {
    bin().current_dir(dir).args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

const CLEAN: &str = r#"{
  "family": "web",
  "requiresCompatibilities": ["FARGATE"],
  "networkMode": "awsvpc",
  "cpu": "256",
  "memory": "512",
  "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
  "containerDefinitions": [{
    "name": "web",
    "image": "public.ecr.aws/nginx/nginx@sha256:0000000000000000000000000000000000000000000000000000000000000000",
    "essential": true,
    "portMappings": [{"containerPort": 80, "protocol": "tcp"}],
    "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "web"}}
  }]
}"#;

const BAD: &str = r#"{
  "family": "web",
  "requiresCompatibilities": ["FARGATE"],
  "networkMode": "bridge",
  "cpu": "256",
  "memory": "512",
  "containerDefinitions": [{"name": "web", "image": "nginx:1.25"}]
}"#;

fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let p = d.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    d
}

#[test]
fn clean_input_exits_0_and_errors_exit_1() {
    let d = dir_with(&[("clean.json", CLEAN), ("bad.json", BAD)]);
    let o = run(d.path(), &["lint", "--no-config", "--select", "ECS1", "clean.json"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let o = run(d.path(), &["lint", "--no-config", "bad.json"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("ECS102"), "{}", stdout(&o));
    assert!(stdout(&o).contains("4:3"), "line and column of networkMode: {}", stdout(&o));
}

#[test]
fn fail_on_sets_the_threshold() {
    let d = dir_with(&[("bad.json", BAD)]);
    assert_eq!(run(d.path(), &["lint", "--no-config", "--fail-on", "never", "bad.json"]).status.code(), Some(0));
    // Only info-level rules selected: passes at the default threshold, fails at `info`.
    let o = run(d.path(), &["lint", "--no-config", "--select", "ECS002", "bad.json"]);
    assert_eq!(o.status.code(), Some(0));
    let ph = r#"{"family": "web", "containerDefinitions": [{"name": "web", "image": "{{IMAGE}}"}]}"#;
    let d = dir_with(&[("ph.json", ph)]);
    assert_eq!(run(d.path(), &["lint", "--no-config", "--select", "ECS002", "ph.json"]).status.code(), Some(0));
    assert_eq!(
        run(d.path(), &["lint", "--no-config", "--select", "ECS002", "--fail-on", "info", "ph.json"]).status.code(),
        Some(1)
    );
}

#[test]
fn stdin_is_read_with_a_name() {
    let mut child = bin()
        .args(["lint", "--no-config", "-f", "json", "--stdin-filename", "deploy/web.json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(BAD.as_bytes()).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let f = v["findings"].as_array().unwrap().iter().find(|f| f["rule"] == "ECS102").unwrap();
    assert_eq!(f["location"]["file"], "deploy/web.json");
    assert_eq!(f["location"]["line"], 4);
    assert_eq!(f["location"]["pointer"], "/networkMode");
}

#[test]
fn directories_are_walked_and_other_json_is_skipped() {
    let d = dir_with(&[
        ("deploy/web/taskdef.json", BAD),
        ("deploy/web/package.json", r#"{"name": "web", "version": "1.0.0"}"#),
        ("deploy/.hidden/taskdef.json", BAD),
        ("deploy/notes.txt", "not json"),
    ]);
    let o = run(d.path(), &["lint", "--no-config", "-f", "json", "deploy"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["summary"]["files"], 1);
    assert_eq!(v["summary"]["skipped"], 1);
    assert!(stderr(&o).contains("skipped 1 JSON file"), "{}", stderr(&o));
    // Named explicitly, the same file is an error.
    let o = run(d.path(), &["lint", "--no-config", "deploy/web/package.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("deploy/web/package.json:1:1"), "{}", stderr(&o));
}

#[test]
fn bad_inputs_are_errors_but_never_hide_good_ones() {
    let big = format!("[{}]", [CLEAN; 1].join(",")) + &" ".repeat(3 * 1024 * 1024);
    let d = dir_with(&[
        ("good.json", BAD),
        ("malformed.json", "{\n  \"family\": \"web\",\n}\n"),
        ("empty.json", ""),
        ("shape.json", r#"{"hello": "world"}"#),
        ("utf16.json", "\u{feff}{}"),
        ("big.json", &big),
        (
            "wrongtype.json",
            r#"{"family": "x", "containerDefinitions": [{"name": "a", "image": "nginx:1", "memory": "512"}]}"#,
        ),
    ]);
    std::fs::write(d.path().join("latin1.json"), b"{\"family\": \"caf\xe9\"}").unwrap();
    std::fs::write(d.path().join("utf16.json"), [0xFF, 0xFE, b'{', 0, b'}', 0]).unwrap();
    std::os::unix::fs::symlink(d.path().join("loop"), d.path().join("loop")).unwrap();
    std::fs::create_dir(d.path().join("nojson")).unwrap();
    let o = run(
        d.path(),
        &[
            "lint",
            "--no-config",
            "--max-file-size",
            "2",
            "good.json",
            "malformed.json",
            "empty.json",
            "shape.json",
            "utf16.json",
            "big.json",
            "wrongtype.json",
            "latin1.json",
            "loop",
            "nojson",
            "missing.json",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let out = stdout(&o);
    let err = stderr(&o);
    assert!(out.contains("ECS102"), "findings of the good file are reported: {out}");
    for expected in [
        "malformed.json:3:1: trailing comma",
        "empty.json:1:1: the file is empty",
        "shape.json:1:1: the file is an object with keys `hello`",
        "utf16.json: file is UTF-16",
        "big.json: file is larger than 2 MiB",
        "wrongtype.json:1:86: `memory` must be a number, found a string",
        "latin1.json:1:16: file is not valid UTF-8",
        "loop: symbolic link loop",
        "nojson: directory holds no input files",
        "missing.json: no such file or directory",
    ] {
        assert!(err.contains(expected), "missing `{expected}` in:\n{err}");
    }
}

#[test]
fn deep_nesting_and_garbage_do_not_panic() {
    let deep = "[".repeat(100_000);
    let d = dir_with(&[("deep.json", &deep), ("garbage.json", "\u{0}\u{1}{[\"")]);
    let o = run(d.path(), &["lint", "--no-config", "deep.json", "garbage.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("nesting deeper than"), "{}", stderr(&o));
}

#[test]
fn every_format_renders() {
    let d = dir_with(&[("bad.json", BAD)]);
    let o = run(d.path(), &["lint", "--no-config", "-f", "json", "bad.json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["version"], 1);
    let o = run(d.path(), &["lint", "--no-config", "-f", "sarif", "bad.json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"], 4);
    let o = run(d.path(), &["lint", "--no-config", "-f", "github", "bad.json"]);
    assert!(
        stdout(&o).lines().any(|l| l.starts_with("::error file=bad.json,line=4,col=3,title=ECS102")),
        "{}",
        stdout(&o)
    );
    let o = bin()
        .current_dir(d.path())
        .env("ECS_TRIAGE_FORMAT", "json")
        .args(["lint", "--no-config", "bad.json"])
        .output()
        .unwrap();
    assert!(serde_json::from_slice::<serde_json::Value>(&o.stdout).is_ok());
    let out = d.path().join("out.sarif");
    let o = run(d.path(), &["lint", "--no-config", "-f", "sarif", "-o", out.to_str().unwrap(), "bad.json"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    assert!(std::fs::read_to_string(out).unwrap().contains("\"2.1.0\""));
}

#[test]
fn colour_follows_flag_and_no_color() {
    let d = dir_with(&[("bad.json", BAD)]);
    let o = run(d.path(), &["lint", "--no-config", "--color", "always", "bad.json"]);
    assert!(stdout(&o).contains("\u{1b}["));
    let o =
        bin().current_dir(d.path()).env("NO_COLOR", "1").args(["lint", "--no-config", "bad.json"]).output().unwrap();
    assert!(!stdout(&o).contains('\u{1b}'));
    let o = run(d.path(), &["lint", "--no-config", "--color", "never", "bad.json"]);
    assert!(!stdout(&o).contains('\u{1b}'));
}

#[test]
fn configuration_is_found_upward_and_checked() {
    let d = dir_with(&[
        (".ecs-triage.toml", "ignore = [\"ECS102\"]\n[severity]\nECS103 = \"warning\"\n"),
        ("sub/bad.json", BAD),
    ]);
    let o = run(&d.path().join("sub"), &["lint", "bad.json"]);
    assert!(!stdout(&o).contains("ECS102"), "{}", stdout(&o));
    // The flag replaces the file's `ignore`.
    let o = run(&d.path().join("sub"), &["lint", "--ignore", "ECS002", "bad.json"]);
    assert!(stdout(&o).contains("ECS102"));
    let d = dir_with(&[(".ecs-triage.toml", "select = [\"ECS1\"]\nfail_on = \"info\"\n"), ("bad.json", BAD)]);
    let o = run(d.path(), &["lint", "bad.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(".ecs-triage.toml:2:1: invalid configuration: unknown field `fail_on`"),
        "{}",
        stderr(&o)
    );
    let o = run(d.path(), &["lint", "--no-config", "--select", "ECS9", "bad.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown rule id, name or prefix `ECS9`"), "{}", stderr(&o));
}

#[test]
fn exclude_applies_while_walking() {
    let d = dir_with(&[
        (".ecs-triage.toml", "exclude = [\"legacy\"]\n"),
        ("deploy/legacy/bad.json", BAD),
        ("deploy/ok.json", CLEAN),
    ]);
    let o = run(d.path(), &["lint", "-f", "json", "deploy"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["summary"]["files"], 1);
}

#[test]
fn rules_lists_and_explains() {
    let d = tempfile::tempdir().unwrap();
    let o = run(d.path(), &["rules"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).lines().any(|l| l.starts_with("ECS102  error")));
    let o = run(d.path(), &["rules", "--explain", "ECS102"]);
    for h in ["## What it checks", "## Why it fails", "## Example", "## How to fix"] {
        assert!(stdout(&o).contains(h));
    }
    let o = run(d.path(), &["rules", "--explain", "fargate-requires-awsvpc"]);
    assert!(stdout(&o).starts_with("ECS102 fargate-requires-awsvpc"));
    let o = run(d.path(), &["rules", "--explain", "ECS999"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(d.path(), &["rules", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v.as_array().unwrap().len() >= 5);
}

#[test]
fn usage_errors_exit_2() {
    let d = tempfile::tempdir().unwrap();
    assert_eq!(run(d.path(), &["lint"]).status.code(), Some(2));
    assert_eq!(run(d.path(), &["lint", "--format", "xml", "x.json"]).status.code(), Some(2));
    assert_eq!(run(d.path(), &["frobnicate"]).status.code(), Some(2));
    assert_eq!(run(d.path(), &["--help"]).status.code(), Some(0));
}

/// The bundled examples do what the README says: the fixed ones raise no
/// error or warning, each broken one raises the mistakes it was written with.
#[test]
fn bundled_examples_lint_as_described() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for clean in ["examples/clean", "examples/cloudformation/web-and-nightly-report.yaml"] {
        let o = run(root, &["lint", clean, "--format", "json", "--fail-on", "warning"]);
        assert_eq!(o.status.code(), Some(0), "{clean}: {}", stdout(&o));
    }
    let expect: &[(&str, &[&str])] = &[
        (
            "examples/cloudformation/web-and-nightly-report-broken.yaml",
            &["ECS120", "ECS301", "ECS406", "ECS701", "ECS706", "ECS804"],
        ),
        ("examples/broken", &["ECS101", "ECS102", "ECS103", "ECS201", "ECS402", "ECS602", "ECS801"]),
    ];
    for (path, rules) in expect {
        let o = run(root, &["lint", path, "--format", "json", "--fail-on", "warning"]);
        assert_eq!(o.status.code(), Some(1), "{path}");
        let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let found: std::collections::BTreeSet<&str> = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["severity"] != "info")
            .map(|f| f["rule"].as_str().unwrap())
            .collect();
        for r in *rules {
            assert!(found.contains(r), "{path}: {r} not among {found:?}");
        }
    }
}

/// The first run without credentials or a Region says what to do, at once
/// and with exit 2 (no call leaves the machine).
#[test]
fn live_commands_say_what_is_missing() {
    let run = |env: &[(&str, &str)]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_ecs-triage"));
        c.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", "/nonexistent")
            .env("AWS_CONFIG_FILE", "/nonexistent")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .envs(env.iter().copied())
            .args(["audit", "--timeout", "5"]);
        let o = c.output().unwrap();
        (o.status.code(), stderr(&o))
    };
    let (code, err) = run(&[("AWS_REGION", "eu-west-1")]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("no AWS credentials were found") && err.contains("aws sso login"), "{err}");
    let (code, err) = run(&[("AWS_ACCESS_KEY_ID", "x"), ("AWS_SECRET_ACCESS_KEY", "y")]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("no AWS Region") && err.contains("--region"), "{err}");
}
