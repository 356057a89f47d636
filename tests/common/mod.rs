//! Helpers shared by the integration tests.
#![allow(dead_code)]

use ecs_triage::config::Config;
use ecs_triage::engine::{self, Options, Report};
use ecs_triage::finding::Reported;
use ecs_triage::source::discover::{self, WalkFilter};
use std::path::Path;

/// Lints paths (relative to the package root) with the default configuration.
pub fn lint(paths: &[&str]) -> Report {
    let cfg = Config::default();
    let excluded = |_: &Path| false;
    let filter = WalkFilter { extensions: &["json", "yaml", "yml", "template"], excluded: &excluded };
    let args: Vec<String> = paths.iter().map(|p| p.to_string()).collect();
    let found = discover::discover(&args, "<stdin>", &filter);
    let env = ecs_triage::cfn::resolve::Env::default();
    engine::lint(
        &found.targets,
        found.errors,
        &Options { config: &cfg, max_file_bytes: 16 << 20, pointers: true, env: &env },
    )
}

/// The text a rule snapshot holds for each finding.
pub fn render(findings: &[&Reported]) -> String {
    let mut s = String::new();
    for f in findings {
        s.push_str(&format!(
            "{} {} {} {} [{} {}]\n  {}\n",
            f.rule,
            f.severity,
            f.location.short(),
            f.location.pointer.as_deref().unwrap_or("-"),
            f.resource.kind,
            f.resource.name,
            f.message
        ));
        for e in &f.evidence {
            s.push_str(&format!("  · {e}\n"));
        }
        s.push_str(&format!("  fix: {}\n", f.fix));
    }
    s
}
