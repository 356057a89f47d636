//! What rules return, and what reporters print.

use crate::source::{Loc, Position};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The ECS resource a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Resource {
    /// `task-definition`, `container`, `service`, `run-task` or `file`.
    pub kind: &'static str,
    /// Family (with revision when known), `family/container`, service name,
    /// or the file for a run-task input.
    pub name: String,
}

/// A finding as a rule produces it: located by byte offset.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: &'static str,
    /// `None`: the rule's default severity.
    pub severity: Option<Severity>,
    pub resource: Resource,
    pub at: Loc,
    pub message: String,
    pub evidence: Vec<String>,
    /// A fix for this case; the rule's general fix is used when `None`.
    pub fix: Option<String>,
}

impl Finding {
    pub fn fix(&mut self, fix: impl Into<String>) -> &mut Self {
        self.fix = Some(fix.into());
        self
    }

    pub fn evidence(&mut self, line: impl Into<String>) -> &mut Self {
        self.evidence.push(line.into());
        self
    }

    pub fn severity(&mut self, s: Severity) -> &mut Self {
        self.severity = Some(s);
        self
    }
}

/// A finding ready to print: position resolved, severity and fix settled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reported {
    pub rule: String,
    pub name: String,
    pub severity: Severity,
    pub resource: Resource,
    pub location: Position,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
    pub fix: String,
    pub doc: String,
}

/// A bad input: a file that cannot be read or parsed, or a part of one that
/// ECS would reject before any rule applies.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct InputError {
    pub location: Position,
    pub message: String,
}
