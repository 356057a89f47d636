//! The report people read: findings grouped by file, one block per finding
//! (position, severity, rule, then the message with resource, evidence and
//! fix), wrapped to the terminal width.

use crate::engine::Report;
use crate::finding::{Reported, Severity};
use comfy_table::{Attribute, Cell, CellAlignment, Color, ColumnConstraint, ContentArrangement, Table, presets};

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

fn details(f: &Reported) -> String {
    let mut s = format!("{}\n{} {}", f.message, f.resource.kind, f.resource.name);
    for e in &f.evidence {
        s.push_str(&format!("\n· {e}"));
    }
    s.push_str(&format!("\nfix: {}", f.fix));
    s
}

pub fn render(report: &Report, style: super::Style) -> String {
    let color = style.color;
    let mut out = String::new();
    let mut i = 0;
    while i < report.findings.len() {
        let file = &report.findings[i].location.file;
        let end =
            report.findings[i..].iter().position(|f| &f.location.file != file).map_or(report.findings.len(), |n| i + n);
        if color {
            out.push_str(&format!("\x1b[1m{file}\x1b[0m\n"));
        } else {
            out.push_str(&format!("{file}\n"));
        }
        let mut table = Table::new();
        table.load_style(presets::NOTHING).set_content_arrangement(ContentArrangement::Dynamic);
        if color {
            table.enforce_styling();
        }
        match style.width {
            Some(w) => {
                table.set_width(w.max(40));
            }
            None if !table.is_tty() => {
                table.set_width(120);
            }
            None => {}
        }
        for (n, f) in report.findings[i..end].iter().enumerate() {
            if n > 0 {
                table.add_row(vec![Cell::new(""); 4]);
            }
            let pos = match (f.location.line, f.location.column) {
                (Some(l), Some(c)) => format!("{l}:{c}"),
                (Some(l), None) => l.to_string(),
                _ => String::new(),
            };
            let rule = if color {
                Cell::new(format!("{}\n{}", f.rule, f.name)).add_attribute(Attribute::Dim)
            } else {
                Cell::new(format!("{}\n{}", f.rule, f.name))
            };
            table.add_row(vec![
                Cell::new(pos).set_alignment(CellAlignment::Right),
                severity_cell(f.severity, color),
                rule,
                Cell::new(details(f)),
            ]);
        }
        for c in 0..3 {
            if let Some(col) = table.column_mut(c) {
                col.set_constraint(ColumnConstraint::ContentWidth);
            }
        }
        for line in table.lines() {
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out.push('\n');
        i = end;
    }
    out.push_str(&super::summary_line(report));
    out.push('\n');
    out
}
