//! The declarative side of the rules: one TOML record per rule and the data
//! tables that hold values AWS may change. All of it is compiled in from the
//! top-level `rules/` folder.

use crate::finding::Severity;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));
include!(concat!(env!("OUT_DIR"), "/embedded_json.rs"));

/// Categories a rule record may name.
pub const CATEGORIES: &[&str] = &[
    "meta",
    "task-definition",
    "fargate",
    "service",
    "networking",
    "logging",
    "iam",
    "exec",
    "schedule",
    "load-balancing",
];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleMeta {
    pub id: String,
    pub name: String,
    pub severity: Severity,
    pub category: String,
    /// One line, no trailing period.
    pub summary: String,
    /// The explanation, under fixed headings.
    pub what: String,
    pub why: String,
    pub example: String,
    pub fix: String,
    /// AWS documentation.
    pub doc: String,
}

impl RuleMeta {
    /// The full text `rules --explain` prints.
    pub fn explanation(&self) -> String {
        format!(
            "{id} {name} ({sev}, {cat})\n\n{summary}\n\n## What it checks\n\n{what}\n\n## Why it fails\n\n{why}\n\n## Example\n\n{example}\n\n## How to fix\n\n{fix}\n\nDocumentation: {doc}\n",
            id = self.id,
            name = self.name,
            sev = self.severity,
            cat = self.category,
            summary = self.summary,
            what = self.what.trim(),
            why = self.why.trim(),
            example = self.example.trim_end(),
            fix = self.fix.trim(),
            doc = self.doc,
        )
    }
}

/// Values AWS documents and may change: kept as data, not code.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Data {
    pub fargate: Fargate,
    pub awslogs: Awslogs,
    pub limits: Limits,
    pub schedules: Schedules,
    /// `rules/data/cfn-properties.toml`.
    #[serde(rename = "cfn-properties")]
    pub cfn_properties: CfnProperties,
}

/// EventBridge rules, their targets, and Scheduler schedules.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schedules {
    /// Rule and schedule names (whole string).
    pub name_pattern: String,
    pub name_max_length: usize,
    /// Target ids of a rule (whole string).
    pub target_id_pattern: String,
    pub target_id_max_length: usize,
    /// Targets one rule can have.
    pub max_targets_per_rule: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fargate {
    pub sizes: Vec<FargateSize>,
    pub linux_platform_versions: Vec<String>,
    pub windows_platform_versions: Vec<String>,
    /// The oldest Linux platform version still considered current.
    pub minimum_linux_platform_version: String,
    /// The Linux platform version ECS Exec needs.
    pub exec_linux_platform_version: String,
    pub log_drivers: Vec<String>,
    pub capabilities_add: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FargateSize {
    /// CPU units (1024 = 1 vCPU).
    pub cpu: i64,
    /// Memory in MiB: a list of values, or `from`/`to`/`step`.
    #[serde(default)]
    pub memory: Vec<i64>,
    #[serde(default)]
    pub from: Option<i64>,
    #[serde(default)]
    pub to: Option<i64>,
    #[serde(default)]
    pub step: Option<i64>,
    pub os: Vec<String>,
}

impl FargateSize {
    pub fn allows(&self, memory: i64) -> bool {
        if self.memory.contains(&memory) {
            return true;
        }
        match (self.from, self.to, self.step) {
            (Some(f), Some(t), Some(s)) => memory >= f && memory <= t && (memory - f) % s == 0,
            _ => false,
        }
    }

    /// The memory values in words, for messages.
    pub fn describe_memory(&self) -> String {
        let gib = |m: i64| {
            if m % 1024 == 0 { format!("{} GB", m / 1024) } else { format!("{:.1} GB", m as f64 / 1024.0) }
        };
        let mut parts: Vec<String> = self.memory.iter().map(|&m| format!("{m} ({})", gib(m))).collect();
        if let (Some(f), Some(t), Some(s)) = (self.from, self.to, self.step) {
            parts.push(format!("{f}–{t} in steps of {s} ({}–{} in {} steps)", gib(f), gib(t), gib(s)));
        }
        parts.join(", ")
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Awslogs {
    pub options: Vec<String>,
    pub required: Vec<String>,
    pub required_on_fargate: Vec<String>,
    pub group_name_pattern: String,
    pub modes: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    pub family_pattern: String,
    pub family_max_length: usize,
    pub health_check: BTreeMap<String, Range>,
    pub ephemeral_storage_gib: Range,
    pub port: Range,
    pub port_protocols: Vec<String>,
    pub dependency_conditions: Vec<String>,
    /// ARN partitions a secret reference may name.
    pub arn_partitions: Vec<String>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Range {
    pub min: i64,
    pub max: i64,
    #[serde(default)]
    pub default: Option<i64>,
}

impl Range {
    pub fn contains(&self, v: i64) -> bool {
        v >= self.min && v <= self.max
    }
}

/// CloudFormation property names per resource type and nested property
/// type, from the resource schemas (see the data file's header).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CfnProperties {
    /// Return values a template may carry and CloudFormation ignores.
    pub read_only: BTreeMap<String, Vec<String>>,
    /// Type name → property name → value type (`string`, `map`,
    /// `list of X`, or a nested type name).
    pub types: BTreeMap<String, BTreeMap<String, String>>,
}

/// All rule records, sorted by id. Panics on a malformed embedded record:
/// the registry test catches that before release.
pub fn rules() -> &'static [RuleMeta] {
    static RULES: OnceLock<Vec<RuleMeta>> = OnceLock::new();
    RULES.get_or_init(|| {
        // The JSON form build.rs made of each record: read much faster.
        let mut v: Vec<RuleMeta> = EMBEDDED_JSON
            .iter()
            .filter(|(path, _)| path.starts_with("lint/"))
            .map(|(path, text)| serde_json::from_str(text).unwrap_or_else(|e| panic!("rules/{path}: {e}")))
            .collect();
        v.sort_by(|a, b| a.id.cmp(&b.id));
        v
    })
}

pub fn rule(id: &str) -> Option<&'static RuleMeta> {
    let all = rules();
    all.binary_search_by(|r| r.id.as_str().cmp(id)).ok().map(|i| &all[i])
}

pub fn data() -> &'static Data {
    static DATA: OnceLock<Data> = OnceLock::new();
    DATA.get_or_init(|| {
        let mut table = serde_json::Map::new();
        for (path, text) in EMBEDDED_JSON.iter().filter(|(p, _)| p.starts_with("data/")) {
            let key = path.trim_start_matches("data/").trim_end_matches(".toml");
            let value: serde_json::Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("rules/{path}: {e}"));
            table.insert(key.to_string(), value);
        }
        serde_json::from_value(serde_json::Value::Object(table)).unwrap_or_else(|e| panic!("rules/data: {e}"))
    })
}

/// Joins the hard-wrapped lines of each paragraph of a record's text, for
/// outputs that wrap text themselves (SARIF viewers). Code blocks and list
/// items keep their lines.
pub fn unwrap_text(s: &str) -> String {
    let mut paragraphs = Vec::new();
    for para in s.trim().split("\n\n") {
        if para.trim_start().starts_with("```") {
            paragraphs.push(para.to_string());
            continue;
        }
        let mut out = String::new();
        for line in para.lines() {
            let t = line.trim();
            let starts_item = t.starts_with("- ") || t.starts_with("* ");
            if out.is_empty() {
                out.push_str(t);
            } else if starts_item {
                out.push('\n');
                out.push_str(t);
            } else {
                out.push(' ');
                out.push_str(t);
            }
        }
        paragraphs.push(out);
    }
    paragraphs.join("\n\n")
}

#[cfg(test)]
mod tests {
    #[test]
    fn unwraps_paragraphs_but_not_code() {
        let s = "one\ntwo\n\n```json\n{ }\n```\n\n- a\n- b\n";
        assert_eq!(super::unwrap_text(s), "one two\n\n```json\n{ }\n```\n\n- a\n- b");
    }
}
