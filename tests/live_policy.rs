//! Live mode may only read. Every operation it can call is named by
//! `live::Call`; this holds that list to `docs/iam-policy.json` (the policy
//! users attach) and to the code of the one module that calls AWS.

use ecs_triage::live::OPERATIONS;
use std::collections::BTreeSet;

fn policy_actions() -> BTreeSet<String> {
    let text = std::fs::read_to_string("docs/iam-policy.json").unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut out = BTreeSet::new();
    for st in doc["Statement"].as_array().unwrap() {
        assert_eq!(st["Effect"], "Allow", "the policy only allows");
        for a in st["Action"].as_array().unwrap() {
            out.insert(a.as_str().unwrap().to_string());
        }
    }
    out
}

#[test]
fn the_policy_lists_exactly_the_operations_and_they_only_read() {
    let ops: BTreeSet<String> = OPERATIONS.iter().map(|s| s.to_string()).collect();
    assert_eq!(ops.len(), OPERATIONS.len(), "an operation is listed twice");
    assert_eq!(policy_actions(), ops, "docs/iam-policy.json and live::OPERATIONS differ");
    for op in &ops {
        let (_, name) = op.split_once(':').unwrap();
        assert!(["Describe", "List", "Get", "Simulate"].iter().any(|p| name.starts_with(p)), "{op} is not a read");
        assert!(!name.starts_with("GetSecretValue"), "{op} reads a secret's value");
    }
}

/// The SDK module calls no operation the list does not name: every
/// `.snake_case()` request builder on a client is one of them.
#[test]
fn the_sdk_module_calls_only_listed_operations() {
    let code = std::fs::read_to_string("src/live/aws.rs").unwrap();
    let listed: BTreeSet<String> = OPERATIONS
        .iter()
        .map(|op| {
            let name = op.split_once(':').unwrap().1;
            let mut snake = String::new();
            for (i, c) in name.chars().enumerate() {
                if c.is_ascii_uppercase() && i > 0 {
                    snake.push('_');
                }
                snake.push(c.to_ascii_lowercase());
            }
            snake
        })
        .collect();
    let call = regex::Regex::new(
        r"self\s*\.\s*(?:ecs|logs|sts|iam|ec2|secretsmanager|ssm|ecr|events|elbv2)\s*\.\s*([a-z_]+)\(",
    )
    .unwrap();
    let called: BTreeSet<String> = call.captures_iter(&code).map(|c| c[1].to_string()).collect();
    // Any other client field would escape the check.
    let fields = regex::Regex::new(r"self\s*\.\s*([a-z_]+)\s*\.\s*[a-z_]+\(").unwrap();
    for f in fields.captures_iter(&code) {
        assert!(
            ["ecs", "logs", "sts", "iam", "ec2", "secretsmanager", "ssm", "ecr", "events", "elbv2"].contains(&&f[1]),
            "src/live/aws.rs calls through `self.{}`",
            &f[1]
        );
    }
    assert!(!called.is_empty());
    for c in &called {
        assert!(listed.contains(c), "src/live/aws.rs calls `{c}`, which live::OPERATIONS does not list");
    }
    assert_eq!(called, listed, "an operation is listed but never called");
}
