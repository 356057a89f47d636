//! How explanations are printed: a block per input for people, or a
//! versioned JSON document.

use super::Explanation;

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
    #[derive(serde::Serialize)]
    struct Tool {
        name: &'static str,
        version: &'static str,
    }
    #[derive(serde::Serialize)]
    struct Summary {
        inputs: usize,
        explained: usize,
        unknown: usize,
        input_errors: usize,
    }
    // Serialised straight from the explanations: a `serde_json::Value` copy
    // of 100,000 of them would cost more than explaining them.
    #[derive(serde::Serialize)]
    struct Doc<'a> {
        version: u32,
        tool: Tool,
        summary: Summary,
        explanations: &'a [Explanation],
        input_errors: &'a [crate::finding::InputError],
        notes: &'a [String],
    }
    let t = totals(list);
    let doc = Doc {
        version: VERSION,
        tool: Tool { name: "ecs-triage", version: env!("CARGO_PKG_VERSION") },
        summary: Summary { inputs: t.inputs, explained: t.explained, unknown: t.unknown, input_errors: errors.len() },
        explanations: list,
        input_errors: errors,
        notes,
    };
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
        let mut avail = width.saturating_sub(prefix.chars().count()).max(30);
        out.push_str(prefix);
        // Characters on the current line after the prefix.
        let mut used = 0;
        for word in para.split(' ') {
            let len = word.chars().count();
            if used > 0 && used + 1 + len > avail {
                out.push('\n');
                prefix = rest;
                avail = width.saturating_sub(prefix.chars().count()).max(30);
                out.push_str(prefix);
                used = 0;
            }
            if used > 0 {
                out.push(' ');
                used += 1;
            }
            out.push_str(word);
            used += len;
        }
        out.push('\n');
    }
}

/// One numbered cause with its checks, confirmations and fix.
fn cause_block(c: &super::CauseOut, i: usize, width: usize) -> String {
    let mut out = String::new();
    let confirmed = if c.confirmed_by.is_empty() { "" } else { " [confirmed by lint]" };
    let lead = format!("  {}. ", i + 1);
    let hang = " ".repeat(lead.chars().count());
    wrap(&mut out, &format!("[{}] {}{confirmed}", c.category, c.summary), &lead, &hang, width);
    for check in c.checks.iter() {
        wrap(&mut out, check, &format!("{hang}check: "), &format!("{hang}       "), width);
    }
    for f in &c.confirmed_by {
        wrap(&mut out, f, &format!("{hang}found: "), &format!("{hang}       "), width);
    }
    wrap(&mut out, &c.fix, &format!("{hang}fix: "), &format!("{hang}     "), width);
    out
}

pub fn render_text(list: &[Explanation], color: bool, width: usize) -> String {
    let mut out = String::new();
    let mut blocks: std::collections::HashMap<(usize, usize), String> = std::collections::HashMap::new();
    for e in list {
        let head = match (&e.entry, &e.subject) {
            (Some(id), Some(s)) => format!("{id} {} — {s}", e.title),
            (Some(id), None) => format!("{id} {}", e.title),
            (None, Some(s)) => format!("{} — {s}", e.title),
            (None, None) => e.title.to_string(),
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
            if c.confirmed_by.is_empty() {
                // Many inputs share a record: its causes are laid out once.
                let key = (std::sync::Arc::as_ptr(&c.summary) as *const u8 as usize, i);
                out.push_str(blocks.entry(key).or_insert_with(|| cause_block(c, i, width)));
            } else {
                out.push_str(&cause_block(c, i, width));
            }
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
