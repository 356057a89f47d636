//! The table people read: one row per finding, grouped by file.

use crate::engine::Report;
use crate::finding::Severity;
use comfy_table::{Attribute, Cell, Color, ContentArrangement, Table, presets};

fn severity_cell(s: Severity, color: bool) -> Cell {
    let cell = Cell::new(s.as_str());
    if !color {
        return cell;
    }
    match s {
        Severity::Error => cell.fg(Color::Red).add_attribute(Attribute::Bold),
        Severity::Warning => cell.fg(Color::Yellow),
        Severity::Info => cell.fg(Color::Cyan),
    }
}

pub fn render(report: &Report, color: bool) -> String {
    let mut out = String::new();
    if !report.findings.is_empty() {
        let mut table = Table::new();
        table.load_style(presets::UTF8_HORIZONTAL_ONLY).set_content_arrangement(ContentArrangement::Dynamic);
        if color {
            table.enforce_styling();
        }
        // comfy-table asks the terminal for its width; elsewhere (CI logs,
        // pipes) use COLUMNS or 120.
        if let Some(w) = columns() {
            table.set_width(w);
        } else if !table.is_tty() {
            table.set_width(120);
        }
        table.set_header(["location", "severity", "rule", "resource", "message"]);
        for f in &report.findings {
            let mut msg = f.message.clone();
            for e in &f.evidence {
                msg.push_str(&format!("\n· {e}"));
            }
            msg.push_str(&format!("\nfix: {}", f.fix));
            table.add_row(vec![
                Cell::new(f.location.short()),
                severity_cell(f.severity, color),
                Cell::new(format!("{}\n{}", f.rule, f.name)),
                Cell::new(format!("{}\n{}", f.resource.kind, f.resource.name)),
                Cell::new(msg),
            ]);
        }
        out.push_str(&table.to_string());
        out.push('\n');
    }
    out.push_str(&super::summary_line(report));
    out.push('\n');
    out
}

fn columns() -> Option<u16> {
    let w: u16 = std::env::var("COLUMNS").ok()?.parse().ok()?;
    Some(w.max(40))
}
