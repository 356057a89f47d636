//! One lint run: read the inputs, build the inventory, run the enabled
//! rules, and settle every finding's severity, fix and position.

use crate::cfn::resolve::Env;
use crate::config::Config;
use crate::finding::{Finding, InputError, Reported, Severity};
use crate::model::Inventory;
use crate::model::load;
use crate::rules::{self, Ctx, Sink, meta};
use crate::source::discover::{self, Target};
use crate::source::{FileId, Loc, Position, SourceFile, Sources};
use rayon::prelude::*;

/// The outcome of a run, ready for a reporter.
#[derive(Debug, Default)]
pub struct Report {
    pub findings: Vec<Reported>,
    pub errors: Vec<InputError>,
    /// Files read (successfully or not).
    pub files: usize,
    /// The ids of the rules that ran, sorted.
    pub rules: Vec<String>,
    /// Files found by walking a directory that are not inputs of ours.
    pub skipped: Vec<InputError>,
}

impl Report {
    pub fn count(&self, s: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == s).count()
    }

    pub fn max_severity(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }
}

pub struct Options<'a> {
    pub config: &'a Config,
    pub max_file_bytes: u64,
    /// Stand-ins for template values only a deployed stack knows.
    pub env: &'a Env,
    /// Resolve JSON pointers (json and sarif output show them).
    pub pointers: bool,
}

/// Reads and loads every target (in parallel), keeping input order.
pub struct Loaded {
    pub sources: Sources,
    pub inv: Inventory,
    pub errors: Vec<InputError>,
    pub skipped: Vec<InputError>,
}

pub fn load_targets(targets: &[Target], max_bytes: u64, env: &Env) -> Loaded {
    let names: Vec<Name> =
        targets.iter().map(|t| Name { display: t.display.clone(), walked: t.walked, disk: t.path.clone() }).collect();
    load_with(&names, env, |i| discover::read(&targets[i], max_bytes))
}

/// Loads in-memory texts as if they were files of those names (tests,
/// fuzzing, and callers that already hold the input).
pub fn load_texts(files: &[(String, String)]) -> Loaded {
    let names: Vec<Name> = files.iter().map(|(n, _)| Name { display: n.clone(), walked: false, disk: None }).collect();
    load_with(&names, &Env::default(), |i| Ok(files[i].1.clone()))
}

/// An input as `load_with` sees it.
struct Name {
    display: String,
    /// Found by walking a directory.
    walked: bool,
    /// Where it can be read again.
    disk: Option<std::path::PathBuf>,
}

/// Whether a file is read as YAML (when its text is not JSON).
fn yaml_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".yaml", ".yml", ".template", ".cfn", "<stdin>"].iter().any(|x| lower.ends_with(x))
}

/// The stand-ins for one template: its stack is named after the file.
fn env_for(env: &Env, name: &str) -> Env {
    let stem = std::path::Path::new(name).file_stem().and_then(|s| s.to_str()).unwrap_or("stack");
    let stack: String = stem.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' }).collect();
    Env { stack_name: stack, salt: name.to_string(), ..env.clone() }
}

fn load_with(names: &[Name], env: &Env, read: impl Fn(usize) -> Result<String, InputError> + Sync) -> Loaded {
    // The text is turned into its model and its `SourceFile` (which keeps
    // only what reporting needs) while the next file is read, so that at no
    // point are all texts in memory at once.
    let loaded: Vec<(SourceFile, Result<load::Loaded, LoadError>)> = (0..names.len())
        .into_par_iter()
        .map(|i| {
            let name = &names[i];
            let (text, result) = match read(i) {
                Ok(text) => {
                    let r = load::load_file(
                        FileId(i as u32),
                        &text,
                        yaml_name(&name.display),
                        &env_for(env, &name.display),
                    )
                    .map_err(|issue| LoadError::Issue(issue.at, issue.msg));
                    (text, r)
                }
                Err(e) => (String::new(), Err(LoadError::Read(e))),
            };
            let mut file = match &name.disk {
                Some(p) => SourceFile::from_disk(name.display.clone(), text, p.clone()),
                None => SourceFile::new(name.display.clone(), text),
            };
            file.template = result.as_ref().is_ok_and(|l| l.template);
            (file, result)
        })
        .collect();

    let mut sources = Sources::default();
    let mut inv = Inventory::default();
    // Sized up front: growing these by doubling would briefly hold two
    // copies of the largest arrays.
    let count =
        |f: fn(&load::Loaded) -> usize| loaded.iter().filter_map(|(_, r)| r.as_ref().ok()).map(f).sum::<usize>();
    inv.task_defs.reserve_exact(count(|l| l.task_defs.len()));
    inv.services.reserve_exact(count(|l| l.services.len()));
    inv.run_tasks.reserve_exact(count(|l| l.run_tasks.len()));
    inv.file_names.reserve_exact(names.len());
    sources.reserve(names.len());
    let mut pending: Vec<(Loc, String)> = Vec::new();
    let mut errors = Vec::new();
    let mut skipped_at = Vec::new();
    for (name, (file, result)) in names.iter().zip(loaded) {
        let walked = &name.walked;
        sources.add(file);
        inv.file_names.push(name.display.clone());
        match result {
            Ok(l) => {
                inv.task_defs.extend(l.task_defs);
                inv.services.extend(l.services);
                inv.run_tasks.extend(l.run_tasks);
                pending.extend(l.issues.into_iter().map(|i| (i.at, i.msg)));
                match l.unrecognised {
                    Some(u) if *walked => skipped_at.push((u.at, u.msg)),
                    Some(u) => pending.push((u.at, u.msg)),
                    None => {}
                }
                if !l.placeholders.is_empty() {
                    inv.placeholders.push(l.placeholders);
                }
                inv.duplicate_keys.extend(l.duplicate_keys);
                inv.suppressions.extend(l.suppressions);
                inv.context.merge(l.context);
            }
            Err(LoadError::Issue(at, msg)) => pending.push((at, msg)),
            Err(LoadError::Read(e)) => errors.push(e),
        }
    }
    errors.extend(pending.into_iter().map(|(at, message)| InputError { location: sources.position(at), message }));
    let skipped =
        skipped_at.into_iter().map(|(at, message)| InputError { location: sources.position(at), message }).collect();
    inv.link();
    Loaded { sources, inv, errors, skipped }
}

enum LoadError {
    Issue(Loc, String),
    Read(InputError),
}

/// Runs every enabled rule over the inventory.
pub fn check(inv: &Inventory, config: &Config) -> Vec<Finding> {
    let data = meta::data();
    let ctx = Ctx::new(inv, data);
    let enabled: Vec<&rules::Check> = rules::checks().filter(|c| config.is_enabled(c.id)).collect();
    enabled
        .par_iter()
        .flat_map_iter(|c| {
            let mut sink = Sink::new(c.id);
            (c.run)(&ctx, &mut sink);
            sink.findings
        })
        .collect()
}

/// Drops findings a template resource's `Metadata` silences.
pub fn suppress(findings: &mut Vec<Finding>, inv: &Inventory) {
    if inv.suppressions.is_empty() {
        return;
    }
    findings.retain(|f| {
        let name = meta::rule(f.rule).map_or("", |r| r.name.as_str());
        !inv.suppressions.iter().any(|s| {
            s.file == f.at.file
                && (s.start..s.end).contains(&f.at.off)
                && s.rules.iter().any(|r| crate::config::selector_matches(r, f.rule, name))
        })
    });
}

/// Settles severity (configuration, then the finding, then the rule's
/// default), fix and position; sorts and removes duplicates.
pub fn settle(findings: Vec<Finding>, sources: &Sources, config: &Config, pointers: bool) -> Vec<Reported> {
    let locs: Vec<Loc> = findings.iter().map(|f| f.at).collect();
    let positions = sources.positions(&locs, pointers);
    let mut out: Vec<Reported> = findings
        .into_par_iter()
        .zip(positions)
        .map(|(f, location)| {
            let m = meta::rule(f.rule).unwrap_or_else(|| panic!("rule {} has no record", f.rule));
            // Rules that quote the template's own spelling keep it.
            let template = sources.get(f.at.file).template && !matches!(f.rule, "ECS003" | "ECS120");
            let severity = config.severity.get(f.rule).copied().or(f.severity).unwrap_or(m.severity);
            let mut r = Reported {
                rule: f.rule.to_string(),
                name: m.name.clone(),
                severity,
                resource: f.resource,
                location,
                message: f.message,
                evidence: f.evidence,
                fix: f.fix.unwrap_or_else(|| first_paragraph(&m.fix)),
                doc: m.doc.clone(),
            };
            if template {
                use crate::report::spelling::for_template;
                r.message = for_template(&r.message);
                r.fix = for_template(&r.fix);
                r.evidence = r.evidence.iter().map(|e| for_template(e)).collect();
            }
            r
        })
        .collect();
    out.par_sort_by(|a, b| {
        (&a.location.file, a.location.line, a.location.column, &a.rule, &a.message).cmp(&(
            &b.location.file,
            b.location.line,
            b.location.column,
            &b.rule,
            &b.message,
        ))
    });
    out.dedup_by(|a, b| a.rule == b.rule && a.location == b.location && a.message == b.message);
    out
}

fn first_paragraph(s: &str) -> String {
    meta::unwrap_text(s.trim().split("\n\n").next().unwrap_or(""))
}

/// The whole `lint` pipeline over already discovered targets.
pub fn lint(targets: &[Target], errors: Vec<InputError>, opts: &Options<'_>) -> Report {
    let loaded = load_targets(targets, opts.max_file_bytes, opts.env);
    lint_loaded(loaded, targets.len(), errors, opts)
}

/// `lint` on inputs already read (`texts[i]` is `targets[i]`'s text or why
/// it could not be read), with `context` — snapshots of the account around
/// them (`lint --live`) — loaded beside them.
pub fn lint_with_context(
    targets: &[Target],
    texts: &[Result<String, InputError>],
    errors: Vec<InputError>,
    context: &[(String, String)],
    opts: &Options<'_>,
) -> Report {
    let mut names: Vec<Name> =
        targets.iter().map(|t| Name { display: t.display.clone(), walked: t.walked, disk: t.path.clone() }).collect();
    names.extend(context.iter().map(|(n, _)| Name { display: n.clone(), walked: false, disk: None }));
    let n = targets.len();
    let loaded = load_with(&names, opts.env, |i| if i < n { texts[i].clone() } else { Ok(context[i - n].1.clone()) });
    lint_loaded(loaded, names.len(), errors, opts)
}

/// The `lint` pipeline over texts already in memory (a snapshot read live).
pub fn lint_texts(texts: &[(String, String)], opts: &Options<'_>) -> Report {
    lint_loaded(load_texts(texts), texts.len(), Vec::new(), opts)
}

fn lint_loaded(loaded: Loaded, inputs: usize, mut errors: Vec<InputError>, opts: &Options<'_>) -> Report {
    errors.extend(loaded.errors);
    let mut findings = check(&loaded.inv, opts.config);
    suppress(&mut findings, &loaded.inv);
    let findings = settle(findings, &loaded.sources, opts.config, opts.pointers);
    errors.sort();
    let rules = meta::rules().iter().filter(|r| opts.config.is_enabled(&r.id)).map(|r| r.id.clone()).collect();
    let files = inputs - loaded.skipped.len();
    if files == 0 && !loaded.skipped.is_empty() && errors.is_empty() {
        errors.push(InputError {
            location: Position::file_only(loaded.skipped[0].location.file.clone()),
            message: format!(
                "none of the {} JSON files found is a task definition, service or run-task input",
                loaded.skipped.len()
            ),
        });
    }
    Report { findings, errors, files, rules, skipped: loaded.skipped }
}

impl Position {
    /// `file:line:col`, or just the file.
    pub fn short(&self) -> String {
        match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}", self.file),
            (Some(l), None) => format!("{}:{l}", self.file),
            _ => self.file.clone(),
        }
    }
}
