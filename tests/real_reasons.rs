//! Accuracy of `explain` on real messages users posted (tests/data/real-reasons.toml):
//! the category it gives against the category of the real cause.

use ecs_triage::explain::catalog::Catalog;
use ecs_triage::explain::input::{Event, Task, TaskContainer};
use ecs_triage::explain::{explain_event, explain_task, explain_text};
use ecs_triage::model::{F, Unknown};
use ecs_triage::source::{FileId, Loc};
use serde::Deserialize;

#[derive(Deserialize)]
struct Data {
    reason: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    text: String,
    kind: String,
    #[serde(default)]
    exit_code: Option<i64>,
    category: String,
    #[allow(dead_code)]
    stage: String,
    #[allow(dead_code)]
    resolved: bool,
    source: String,
    #[allow(dead_code)]
    note: String,
}

const AT: Loc = Loc { file: FileId(0), off: 0 };

fn s(v: &str) -> F<String> {
    F::known(v.to_string(), AT)
}

fn none<T>() -> F<T> {
    F::unknown(Unknown::NotGiven, AT)
}

/// A container reason is explained the way describe-tasks shows it: under
/// the task's "Essential container in task exited".
fn task_with_container(text: &str, exit: Option<i64>) -> Task {
    Task {
        at: AT,
        arn: s("arn:aws:ecs:us-east-1:123456789012:task/c/0123"),
        cluster: none(),
        task_definition: none(),
        group: none(),
        started_by: none(),
        last_status: s("STOPPED"),
        stop_code: s("EssentialContainerExited"),
        stopped_reason: s("Essential container in task exited"),
        launch_type: none(),
        platform_version: none(),
        capacity_provider: none(),
        availability_zone: none(),
        enable_execute_command: none(),
        containers: vec![TaskContainer {
            name: s("app"),
            image: none(),
            last_status: s("STOPPED"),
            exit_code: exit.map_or_else(none, |c| F::known(c, AT)),
            reason: s(text),
        }],
        eni: Vec::new(),
        pull_started: false,
        pull_stopped: false,
    }
}

#[test]
fn category_accuracy_on_real_messages() {
    let text = std::fs::read_to_string("tests/data/real-reasons.toml").unwrap();
    let data: Data = toml::from_str(&text).unwrap();
    let cat = Catalog::builtin().unwrap();
    let mut right = 0;
    let mut wrong = Vec::new();
    for e in &data.reason {
        let got = match e.kind.as_str() {
            "serviceEvent" => {
                let ev = Event { at: AT, service: "svc".into(), message: e.text.clone(), created_at: None };
                // Events no record knows and that do not look like failures
                // are progress reports that `explain` skips.
                explain_event(&cat, &ev).map_or("scheduler".to_string(), |x| x.category.to_string())
            }
            "containerReason" => {
                explain_task(&cat, &task_with_container(&e.text, e.exit_code), &|_| None).category.to_string()
            }
            _ => explain_text(&cat, &e.text).category.to_string(),
        };
        if got == e.category {
            right += 1;
        } else {
            wrong.push(format!("  want {:<18} got {:<18} {} — {}", e.category, got, truncate(&e.text), e.source));
        }
    }
    let total = data.reason.len();
    let accuracy = right as f64 / total as f64;
    println!("category accuracy: {right}/{total} = {:.1}%", accuracy * 100.0);
    println!("misses:\n{}", wrong.join("\n"));
    assert!(total >= 80, "the set holds at least 80 real messages");
    assert!(accuracy >= 0.70, "accuracy {:.1}% fell below 70%:\n{}", accuracy * 100.0, wrong.join("\n"));
}

fn truncate(s: &str) -> String {
    let t: String = s.chars().take(90).collect();
    if t.len() < s.len() { format!("{t}…") } else { t }
}
