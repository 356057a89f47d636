//! The `explain` command: gathers the inputs (texts, files, lines, stdin),
//! the task definitions that give evidence, and explains each input.

use super::catalog::Catalog;
use super::input::{self, Inputs};
use super::{Explanation, explain_event, explain_task, explain_text};
use crate::config::Config;
use crate::engine;
use crate::finding::{InputError, Reported};
use crate::model::{TaskDef, parse_td_reference};
use crate::source::discover::{self, Target};
use crate::source::{FileId, Loc, SourceFile, Sources};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::PathBuf;

/// What the user asked to explain, in order.
#[derive(Debug, Clone)]
pub enum Source {
    /// A reason on the command line.
    Text(String),
    /// `describe-tasks` / `describe-services` JSON (or stdin, `-`).
    File(String),
    /// One reason per line (or stdin, `-`).
    Lines(String),
    /// Stdin, JSON or lines, whichever it holds.
    Stdin,
    /// JSON already in memory (read from an account): a name and the text.
    Document(String, String),
}

pub struct Outcome {
    pub explanations: Vec<Explanation>,
    pub errors: Vec<InputError>,
    pub notes: Vec<String>,
}

fn read_path(path: &str, max_bytes: u64, stdin_text: &mut Option<String>) -> Result<String, InputError> {
    if path == "-" {
        if let Some(t) = stdin_text.take() {
            return Ok(t);
        }
        return discover::read(&Target { display: "<stdin>".into(), path: None, walked: false }, max_bytes);
    }
    discover::read(&Target { display: path.to_string(), path: Some(PathBuf::from(path)), walked: false }, max_bytes)
}

fn is_json(text: &str) -> bool {
    matches!(text.trim_start_matches('\u{feff}').trim_start().chars().next(), Some('{' | '['))
}

/// The task definitions given for evidence, with their lint findings.
struct Evidence {
    task_defs: Vec<TaskDef>,
    findings: Vec<Reported>,
}

impl Evidence {
    fn for_task(&self, reference: Option<&str>) -> Option<&TaskDef> {
        let single = (self.task_defs.len() == 1).then(|| &self.task_defs[0]);
        let Some(r) = reference else { return single };
        let (family, rev) = parse_td_reference(r);
        let found = self.task_defs.iter().rev().find(|td| {
            td.family.str() == Some(family)
                && match (rev, td.revision.get()) {
                    (Some(a), Some(b)) => a == *b,
                    _ => true,
                }
        });
        found.or(single)
    }

    fn findings_of(&self, td: &TaskDef) -> Vec<&Reported> {
        let name = td.display_name();
        let prefix = format!("{name}/");
        self.findings.iter().filter(|f| f.resource.name == name || f.resource.name.starts_with(&prefix)).collect()
    }
}

pub fn run(cat: &Catalog, sources: &[Source], task_def_files: &[String], max_bytes: u64) -> Outcome {
    let mut errors = Vec::new();
    let mut notes = Vec::new();
    let mut stdin_text: Option<String> = None;
    // Stdin is read once, whatever names it.
    let uses_stdin = sources
        .iter()
        .any(|s| matches!(s, Source::Stdin) || matches!(s, Source::File(p) | Source::Lines(p) if p == "-"))
        || task_def_files.iter().any(|p| p == "-");
    if uses_stdin {
        match discover::read(&Target { display: "<stdin>".into(), path: None, walked: false }, max_bytes) {
            Ok(t) => stdin_text = Some(t),
            Err(e) => errors.push(e),
        }
    }

    // Everything read from files, kept for positions.
    let mut files = Sources::default();
    let mut json_inputs: Vec<(FileId, Inputs)> = Vec::new();
    let mut td_texts: Vec<(String, String)> = Vec::new();

    /// Each source's place in the output, in the order given.
    enum Item {
        Ready(Vec<Explanation>),
        Json(usize),
    }
    let mut items: Vec<Item> = Vec::new();

    for s in sources {
        let (path, as_json) = match s {
            Source::Text(t) => {
                items.push(Item::Ready(vec![explain_text(cat, t)]));
                continue;
            }
            Source::File(p) => (p.as_str(), Some(true)),
            Source::Lines(p) => (p.as_str(), Some(false)),
            Source::Stdin => ("-", None),
            Source::Document(name, _) => (name.as_str(), Some(true)),
        };
        let text = if let Source::Document(_, text) = s {
            text.clone()
        } else if path == "-" {
            match &stdin_text {
                Some(t) => t.clone(),
                None => continue,
            }
        } else {
            match read_path(path, max_bytes, &mut None) {
                Ok(t) => t,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            }
        };
        let display = if path == "-" { "<stdin>".to_string() } else { path.to_string() };
        let id = files.add(SourceFile::new(display.clone(), text.clone()));
        if as_json.unwrap_or_else(|| is_json(&text)) {
            match input::read_json(id, &text) {
                Ok(inp) => {
                    if inp.has_task_definitions {
                        td_texts.push((display, text));
                    }
                    items.push(Item::Json(json_inputs.len()));
                    json_inputs.push((id, inp));
                }
                Err(issue) => errors.push(InputError { location: files.position(issue.at), message: issue.msg }),
            }
        } else {
            items.push(Item::Ready(explain_lines(cat, &files, id, &text)));
        }
    }

    // Task definitions: from --task-definition and from the inputs.
    for p in task_def_files {
        match read_path(p, max_bytes, &mut stdin_text.clone()) {
            Ok(t) => td_texts.push((if p == "-" { "<stdin>".into() } else { p.clone() }, t)),
            Err(e) => errors.push(e),
        }
    }
    let evidence = if td_texts.is_empty() {
        Evidence { task_defs: Vec::new(), findings: Vec::new() }
    } else {
        let loaded = engine::load_texts(&td_texts);
        for e in loaded.errors {
            // Only files given as task definitions must be task definitions.
            if task_def_files.iter().any(|p| *p == e.location.file || (p == "-" && e.location.file == "<stdin>")) {
                errors.push(e);
            }
        }
        let cfg = Config::default();
        let findings = engine::settle(engine::check(&loaded.inv, &cfg), &loaded.sources, &cfg, false);
        Evidence { task_defs: loaded.inv.task_defs, findings }
    };

    let mut explained: Vec<Explanation> = Vec::new();
    for item in items {
        match item {
            Item::Ready(v) => explained.extend(v),
            Item::Json(i) => {
                let (id, inp) = &json_inputs[i];
                for issue in &inp.issues {
                    errors.push(InputError { location: files.position(issue.at), message: issue.msg.clone() });
                }
                for f in &inp.failures {
                    notes.push(format!("{}: describe-tasks failure {f}", files.get(*id).path));
                }
                let stopped: Vec<&input::Task> = inp
                    .tasks
                    .iter()
                    .filter(|t| t.last_status.str() == Some("STOPPED") || t.stopped_reason.str().is_some())
                    .collect();
                let running = inp.tasks.len() - stopped.len();
                if running > 0 {
                    notes.push(format!(
                        "{}: {running} task{} not stopped, not explained",
                        files.get(*id).path,
                        if running == 1 { " is" } else { "s are" }
                    ));
                }
                let mut batch: Vec<Explanation> = stopped
                    .par_iter()
                    .map(|t| {
                        let td = evidence.for_task(t.task_definition.str());
                        let essential = |name: &str| td.and_then(|td| td.container(name)).map(|c| c.is_essential());
                        let mut e = explain_task(cat, t, &essential);
                        e.location = Some(files.position(t.at));
                        if let Some(td) = td {
                            super::add_lint_evidence(&mut e, &evidence.findings_of(td));
                        }
                        e
                    })
                    .collect();
                explained.append(&mut batch);
                let mut events: Vec<Explanation> = inp
                    .events
                    .iter()
                    .filter_map(|ev| {
                        // A file of events is mostly progress reports:
                        // show the failures.
                        let mut e = explain_event(cat, ev).filter(|e| !e.benign)?;
                        e.location = Some(files.position(ev.at));
                        Some(e)
                    })
                    .collect();
                let ignored = inp.events.len() - events.len();
                if ignored > 0 {
                    notes.push(format!(
                        "{}: {ignored} service event{} reporting progress, not failures",
                        files.get(*id).path,
                        if ignored == 1 { "" } else { "s" }
                    ));
                }
                explained.append(&mut events);
                if inp.tasks.is_empty() && inp.events.is_empty() && inp.issues.is_empty() && !inp.has_task_definitions {
                    notes.push(format!("{}: no stopped tasks or service events in it", files.get(*id).path));
                }
            }
        }
    }
    Outcome { explanations: explained, errors, notes }
}

/// One reason per line; identical lines are explained once, with a count.
pub fn explain_lines(cat: &Catalog, files: &Sources, id: FileId, text: &str) -> Vec<Explanation> {
    let mut first: HashMap<&str, usize> = HashMap::new();
    let mut order: Vec<(&str, u32, usize)> = Vec::new(); // text, offset, count
    let mut off = 0u32;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if !t.is_empty() {
            let lead = (line.len() - line.trim_start().len()) as u32;
            match first.get(t) {
                Some(&i) => order[i].2 += 1,
                None => {
                    first.insert(t, order.len());
                    order.push((t, off + lead, 1));
                }
            }
        }
        off += line.len() as u32;
    }
    order
        .par_iter()
        .map(|(t, at, count)| {
            let mut e = explain_text(cat, t);
            e.count = *count;
            e.location = Some(files.position(Loc { file: id, off: *at }));
            e
        })
        .collect()
}
