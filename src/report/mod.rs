//! Reporters: each renders a [`Report`] in one format. Rules never format
//! output; exit codes are decided here too.

pub mod github;
pub mod json;
pub mod sarif;
pub mod spelling;
pub mod table;

use crate::config::FailOn;
use crate::engine::Report;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table per run, for people (the default).
    Table,
    /// The versioned JSON document described in docs/json-format.md.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…`), which show as
    /// annotations on the pull request.
    Github,
}

/// Whether output may use ANSI colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// `auto`: colour on a terminal unless `NO_COLOR` is set (non-empty).
    pub fn enabled(self, is_tty: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => is_tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }
}

/// Exit status: 2 for input errors, 1 for findings at or above the
/// threshold, else 0.
pub fn exit_code(report: &Report, fail_on: FailOn) -> i32 {
    if !report.errors.is_empty() {
        return 2;
    }
    match (fail_on.threshold(), report.max_severity()) {
        (Some(t), Some(max)) if max >= t => 1,
        _ => 0,
    }
}

/// How a terminal-oriented format should look.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    pub color: bool,
    /// Table width; `None`: the terminal's, or 120 off a terminal.
    pub width: Option<u16>,
}

pub fn render(format: Format, report: &Report, style: Style) -> String {
    match format {
        Format::Table => table::render(report, style),
        Format::Json => json::render(report),
        Format::Sarif => sarif::render(report),
        Format::Github => github::render(report),
    }
}

/// "2 errors, 1 warning and 3 infos in 4 files".
pub fn summary_line(report: &Report) -> String {
    use crate::finding::Severity::*;
    let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let counts = [
        plural(report.count(Error), "error", "errors"),
        plural(report.count(Warning), "warning", "warnings"),
        plural(report.count(Info), "info", "infos"),
    ];
    let mut s = format!("{}, {} and {} in {}", counts[0], counts[1], counts[2], plural(report.files, "file", "files"));
    if !report.skipped.is_empty() {
        s.push_str(&format!(" ({} skipped: not ECS inputs)", report.skipped.len()));
    }
    if !report.errors.is_empty() {
        s.push_str(&format!("; {}", plural(report.errors.len(), "input error", "input errors")));
    }
    s
}
