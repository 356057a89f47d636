//! Each output format, snapshot-tested once on the same fixed findings.
//! Rule tests never test formats.

use ecs_triage::engine::Report;
use ecs_triage::finding::{InputError, Reported, Resource, Severity};
use ecs_triage::report::{self, Format, Style};
use ecs_triage::source::Position;

fn pos(file: &str, line: u32, column: u32, pointer: &str) -> Position {
    Position { file: file.into(), line: Some(line), column: Some(column), pointer: Some(pointer.into()) }
}

pub fn fixed_report() -> Report {
    Report {
        findings: vec![
            Reported {
                rule: "ECS102".into(),
                name: "fargate-requires-awsvpc".into(),
                severity: Severity::Error,
                resource: Resource { kind: "task-definition", name: "web:3".into() },
                location: pos("deploy/web taskdef.json", 4, 3, "/networkMode"),
                message: "Fargate task definition uses `networkMode: bridge`; Fargate supports only `awsvpc`".into(),
                evidence: vec!["`requiresCompatibilities` includes FARGATE".into()],
                fix: "Set `\"networkMode\": \"awsvpc\"`".into(),
                doc: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html".into(),
            },
            Reported {
                rule: "ECS103".into(),
                name: "fargate-cpu-memory-invalid".into(),
                severity: Severity::Warning,
                resource: Resource { kind: "container", name: "web:3/app, 100%".into() },
                location: pos("deploy/web taskdef.json", 6, 5, "/memory"),
                message: "Task `memory` 4096 MiB is not valid with `cpu` 256 on Fargate\nsecond line: 50%".into(),
                evidence: vec![],
                fix: "Pick a memory value allowed for cpu 256".into(),
                doc: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html".into(),
            },
            Reported {
                rule: "ECS002".into(),
                name: "placeholders-skipped".into(),
                severity: Severity::Info,
                resource: Resource { kind: "file", name: "deploy/service.json".into() },
                location: Position {
                    file: "deploy/service.json".into(),
                    line: Some(9),
                    column: Some(14),
                    pointer: None,
                },
                message: "1 placeholder value was skipped (`image`); rules that need it did not check it".into(),
                evidence: vec![],
                fix: "Lint the rendered file".into(),
                doc: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html"
                    .into(),
            },
        ],
        errors: vec![InputError {
            location: Position { file: "deploy/broken.json".into(), line: Some(3), column: Some(1), pointer: None },
            message: "trailing comma before `}` is not allowed in JSON".into(),
        }],
        files: 3,
        rules: vec!["ECS002".into(), "ECS102".into(), "ECS103".into()],
        skipped: vec![InputError {
            location: Position { file: "deploy/package.json".into(), line: Some(1), column: Some(1), pointer: None },
            message: "the file is an object with keys `name`; expected a task definition".into(),
        }],
    }
}

#[test]
fn table() {
    let r = fixed_report();
    insta::assert_snapshot!(report::render(Format::Table, &r, Style { color: false, width: Some(110) }));
}

#[test]
fn table_with_colour_marks_severities() {
    let r = fixed_report();
    let s = report::render(Format::Table, &r, Style { color: true, width: Some(110) });
    assert!(s.contains("\u{1b}["), "expected ANSI colour codes");
    let plain = report::render(Format::Table, &r, Style { color: false, width: Some(110) });
    assert!(!plain.contains('\u{1b}'));
}

#[test]
fn json() {
    let r = fixed_report();
    let s = report::render(Format::Json, &r, Style::default());
    let v: serde_json::Value = serde_json::from_str(&s).unwrap();
    assert_eq!(v["version"], 1);
    insta::assert_snapshot!(s);
}

#[test]
fn sarif() {
    let r = fixed_report();
    let s = report::render(Format::Sarif, &r, Style::default());
    let v: serde_json::Value = serde_json::from_str(&s).unwrap();
    assert_eq!(v["version"], "2.1.0");
    insta::assert_snapshot!(s.replace(env!("CARGO_PKG_VERSION"), "[version]"));
}

#[test]
fn github() {
    let r = fixed_report();
    insta::assert_snapshot!(report::render(Format::Github, &r, Style::default()));
}

#[test]
fn empty_report_in_every_format() {
    let r = Report { files: 2, ..Default::default() };
    assert_eq!(report::render(Format::Table, &r, Style::default()), "0 errors, 0 warnings and 0 infos in 2 files\n");
    let v: serde_json::Value = serde_json::from_str(&report::render(Format::Json, &r, Style::default())).unwrap();
    assert_eq!(v["findings"], serde_json::json!([]));
    let v: serde_json::Value = serde_json::from_str(&report::render(Format::Sarif, &r, Style::default())).unwrap();
    assert_eq!(v["runs"][0]["results"], serde_json::json!([]));
    assert_eq!(
        report::render(Format::Github, &r, Style::default()),
        "ecs-triage: 0 errors, 0 warnings and 0 infos in 2 files\n"
    );
}
