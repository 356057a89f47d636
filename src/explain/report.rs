//! How explanations are printed: a block per input for people, or a
//! versioned JSON document.

use super::Explanation;
use serde_json::json;

pub const VERSION: u32 = 1;

/// Counts for the summary line and the exit status.
#[derive(Debug, Default, Clone, Copy)]
pub struct Totals {
    pub inputs: usize,
    pub explained: usize,
    pub unknown: usize,
}

pub fn totals(list: &[Explanation]) -> Totals {
    let mut t = Totals::default();
    for e in list {
        t.inputs += e.count;
        if e.is_unknown() {
            t.unknown += e.count;
        } else {
            t.explained += e.count;
        }
    }
    t
}

pub fn render_json(list: &[Explanation], errors: &[crate::finding::InputError], notes: &[String]) -> String {
    let t = totals(list);
    let doc = json!({
        "version": VERSION,
        "tool": { "name": "ecs-triage", "version": env!("CARGO_PKG_VERSION") },
        "summary": { "inputs": t.inputs, "explained": t.explained, "unknown": t.unknown, "input_errors": errors.len() },
        "explanations": list,
        "input_errors": errors,
        "notes": notes,
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("serialisable");
    s.push('\n');
    s
}

fn bold(s: &str, color: bool) -> String {
    if color { format!("\x1b[1m{s}\x1b[0m") } else { s.to_string() }
}

fn dim(s: &str, color: bool) -> String {
    if color { format!("\x1b[2m{s}\x1b[0m") } else { s.to_string() }
}

/// Wraps `text` at `width`: the first line after `first`, the rest after
/// `rest` (a hanging indent). A word longer than the line (a URL) is never
/// broken.
fn wrap(out: &mut String, text: &str, first: &str, rest: &str, width: usize) {
    for (n, para) in text.split('\n').enumerate() {
        let mut prefix = if n == 0 { first } else { rest };
        let mut line = String::new();
        for word in para.split(' ') {
            let avail = width.saturating_sub(prefix.chars().count()).max(30);
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > avail {
                out.push_str(prefix);
                out.push_str(&line);
                out.push('\n');
                line.clear();
                prefix = rest;
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        out.push_str(prefix);
        out.push_str(&line);
        out.push('\n');
    }
}

pub fn render_text(list: &[Explanation], color: bool, width: usize) -> String {
    let mut out = String::new();
    for e in list {
        let head = match (&e.entry, &e.subject) {
            (Some(id), Some(s)) => format!("{id} {} — {s}", e.title),
            (Some(id), None) => format!("{id} {}", e.title),
            (None, Some(s)) => format!("{} — {s}", e.title),
            (None, None) => e.title.clone(),
        };
        let head = if color && e.is_unknown() { format!("\x1b[33m{head}\x1b[0m") } else { head };
        out.push_str(&bold(&head, color));
        out.push('\n');
        let mut input = e.input.clone();
        if input.chars().count() > 400 {
            input = input.chars().take(400).collect::<String>() + "…";
        }
        let mut meta = Vec::new();
        if let Some(loc) = &e.location {
            meta.push(loc.short());
        }
        if e.count > 1 {
            meta.push(format!("{} times", e.count));
        }
        if !meta.is_empty() {
            out.push_str(&format!("  {}\n", dim(&meta.join(", "), color)));
        }
        wrap(&mut out, &format!("“{input}”"), "  ", "   ", width);
        let stage = e.stage.map_or("unknown".to_string(), |s| format!("{s} ({})", s.describe()));
        let benign = if e.benign { "   (not a failure)" } else { "" };
        wrap(&mut out, &format!("category: {}   stage: {stage}{benign}", e.category), "  ", "  ", width);
        for (i, c) in e.causes.iter().enumerate() {
            let confirmed = if c.confirmed_by.is_empty() { "" } else { " [confirmed by lint]" };
            let lead = format!("  {}. ", i + 1);
            let hang = " ".repeat(lead.chars().count());
            wrap(&mut out, &format!("[{}] {}{confirmed}", c.category, c.summary), &lead, &hang, width);
            for check in &c.checks {
                wrap(&mut out, check, &format!("{hang}check: "), &format!("{hang}       "), width);
            }
            for f in &c.confirmed_by {
                wrap(&mut out, f, &format!("{hang}found: "), &format!("{hang}       "), width);
            }
            wrap(&mut out, &c.fix, &format!("{hang}fix: "), &format!("{hang}     "), width);
        }
        if !e.evidence.is_empty() {
            out.push_str("  evidence:\n");
            for ev in &e.evidence {
                wrap(&mut out, ev, "    · ", "      ", width);
            }
        }
        if let Some(d) = &e.doc {
            out.push_str(&format!("  doc: {d}\n"));
        }
        out.push('\n');
    }
    let t = totals(list);
    out.push_str(&format!(
        "{} input{}: {} explained, {} not recognised\n",
        t.inputs,
        if t.inputs == 1 { "" } else { "s" },
        t.explained,
        t.unknown
    ));
    out
}
