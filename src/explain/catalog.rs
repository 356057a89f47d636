//! The stopped-reason catalog: one TOML record per message family (in
//! `rules/catalog/`, plus any `--rules-dir`).
//!
//! Every pattern has literals one of which any match must contain; one
//! Aho-Corasick pass over a reason finds the patterns worth running, and
//! each pattern is compiled the first time it is needed. So one reason
//! costs a few regex compilations, not a hundred, and a batch compiles each
//! pattern at most once.
//!
//! Matching is ordered and explicit: among the records whose patterns match,
//! the one with the highest `priority` wins; then a record that also matched
//! the container's exit code; then the longest matched text (the most
//! specific pattern); then the lowest id. The registry test runs every
//! record's examples against every other record to catch shadowing.

use aho_corasick::AhoCorasick;
use regex::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::OnceLock;

macro_rules! kebab_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $text:literal,)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant,)*
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

kebab_enum! {
    /// What kind of problem a reason or a cause is.
    Category {
        NetworkPath = "network-path",
        NetworkFirewall = "network-firewall",
        ExecutionRole = "execution-role",
        TaskRole = "task-role",
        SecretMissing = "secret-missing",
        ImageMissing = "image-missing",
        RegistryAuth = "registry-auth",
        RegistryRateLimit = "registry-rate-limit",
        ImagePlatform = "image-platform",
        LogGroupMissing = "log-group-missing",
        LoggingConfig = "logging-config",
        OutOfMemory = "out-of-memory",
        AppExit = "app-exit",
        HealthCheck = "health-check",
        Capacity = "capacity",
        EphemeralStorage = "ephemeral-storage",
        Entrypoint = "entrypoint",
        EfsMount = "efs-mount",
        Scheduler = "scheduler",
        Exec = "exec",
        Internal = "internal",
        Unknown = "unknown",
    }
}

kebab_enum! {
    /// Where in a task's life it failed.
    Stage {
        ImagePull = "image-pull",
        Secrets = "secrets",
        Logging = "logging",
        Volume = "volume",
        Start = "start",
        Runtime = "runtime",
        Health = "health",
        Capacity = "capacity",
        Scheduler = "scheduler",
    }
}

impl Stage {
    /// In words, for headlines.
    pub fn describe(self) -> &'static str {
        match self {
            Stage::ImagePull => "pulling the container image",
            Stage::Secrets => "fetching secrets or registry credentials",
            Stage::Logging => "setting up logging",
            Stage::Volume => "mounting volumes",
            Stage::Start => "starting the task",
            Stage::Runtime => "while running",
            Stage::Health => "health checks",
            Stage::Capacity => "placing the task on capacity",
            Stage::Scheduler => "stopped by the scheduler or a user",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    pub id: String,
    /// One line: what happened.
    pub title: String,
    /// The primary category: that of the first cause.
    pub category: Category,
    pub stage: Stage,
    /// Regular expressions, matched case-insensitively against the reason
    /// (curly quotes read as straight ones).
    pub patterns: Vec<String>,
    /// When given, the record matches only a container that exited with one
    /// of these codes (describe-tasks input).
    #[serde(default)]
    pub exit_codes: Vec<i64>,
    /// Higher wins over other matching records; generic catch-alls use a
    /// negative priority.
    #[serde(default)]
    pub priority: i32,
    /// The `stopCode`s this reason comes with, for the reader.
    #[serde(default)]
    pub stop_codes: Vec<String>,
    /// Real messages this record must win; the registry test checks them.
    pub examples: Vec<String>,
    /// `true` for reasons that are not failures (a deployment replacing a
    /// task, a user stop).
    #[serde(default)]
    pub benign: bool,
    pub causes: Vec<Cause>,
    pub doc: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Cause {
    pub category: Category,
    pub summary: String,
    /// What confirms or rules the cause out: the field, API call or
    /// permission to look at.
    pub checks: Vec<String>,
    pub fix: String,
    /// Lint rules whose findings on the task definition confirm this cause.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<String>,
}

/// The error-category prefixes of stopped reasons, for reasons no record
/// knows: the closest known prefix says at least where to look.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prefix {
    pub prefix: String,
    pub stage: Stage,
    pub meaning: String,
    pub doc: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PrefixFile {
    prefix: Vec<Prefix>,
}

/// A problem with a catalog record, found when loading it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogError {
    pub file: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub message: String,
}

impl std::fmt::Display for CatalogError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{}:{l}:{c}: {}", self.file, self.message),
            _ => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

pub struct Catalog {
    pub records: Vec<Record>,
    pub prefixes: Vec<Prefix>,
    patterns: Vec<Pattern>,
    /// Lower-cased required literals of the patterns.
    literals: AhoCorasick,
    /// For each literal: the pattern it belongs to.
    literal_pattern: Vec<usize>,
    /// Patterns with no required literal: always tried.
    always: Vec<usize>,
}

struct Pattern {
    record: usize,
    source: String,
    compiled: OnceLock<Option<Regex>>,
}

impl Pattern {
    fn regex(&self) -> Option<&Regex> {
        self.compiled.get_or_init(|| compile(&self.source).ok()).as_ref()
    }
}

/// Compiles a catalog pattern: case-insensitive, ASCII-only classes where
/// the pattern allows it (much smaller automata, and reasons are ASCII).
fn compile(p: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(p)
        .case_insensitive(true)
        .unicode(false)
        .build()
        .or_else(|_| RegexBuilder::new(p).case_insensitive(true).build())
}

/// Literals one of which every match of `p` contains (lower-cased), or
/// `None` when no such set is known.
fn required_literals(p: &str) -> Option<Vec<String>> {
    use regex_syntax::hir::{Hir, HirKind};
    fn req(h: &Hir) -> Option<Vec<String>> {
        match h.kind() {
            HirKind::Literal(l) => {
                let s = String::from_utf8_lossy(&l.0).to_ascii_lowercase();
                (s.len() >= 3).then(|| vec![s])
            }
            HirKind::Capture(c) => req(&c.sub),
            HirKind::Repetition(r) if r.min >= 1 => req(&r.sub),
            HirKind::Concat(parts) => {
                // The best single part: the one whose shortest literal is
                // longest.
                parts.iter().filter_map(req).max_by_key(|set| set.iter().map(String::len).min().unwrap_or(0))
            }
            HirKind::Alternation(branches) => {
                let mut all = Vec::new();
                for b in branches {
                    all.extend(req(b)?);
                }
                Some(all)
            }
            _ => None,
        }
    }
    let hir = regex_syntax::ParserBuilder::new().build().parse(p).ok()?;
    req(&hir)
}

/// A record that matched, and how well.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    pub record: usize,
    /// Length of the longest matched text.
    pub len: usize,
    /// The match used the exit code too.
    pub by_exit_code: bool,
}

impl Match {
    fn key<'c>(&self, c: &'c Catalog) -> (i32, bool, usize, std::cmp::Reverse<&'c str>) {
        let r = &c.records[self.record];
        (r.priority, self.by_exit_code, self.len, std::cmp::Reverse(r.id.as_str()))
    }
}

/// Curly quotes as straight ones (newer agent messages say `can’t`).
pub fn normalize(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains(['\u{2019}', '\u{2018}', '\u{201c}', '\u{201d}']) {
        std::borrow::Cow::Owned(text.replace(['\u{2019}', '\u{2018}'], "'").replace(['\u{201c}', '\u{201d}'], "\""))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

fn parse_record(file: &str, text: &str, check_patterns: bool) -> Result<Record, CatalogError> {
    let r: Record = toml::from_str(text).map_err(|e| {
        let (line, column) = match e.span() {
            Some(s) => {
                let f = crate::source::SourceFile::new(String::new(), text.to_string());
                let (l, c) = f.line_col(s.start as u32);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        CatalogError { file: file.to_string(), line, column, message: e.message().trim().to_string() }
    })?;
    let err = |message: String| CatalogError { file: file.to_string(), line: None, column: None, message };
    let id_ok = r.id.len() >= 3 && r.id.starts_with("SR") && r.id[2..].bytes().all(|b| b.is_ascii_digit());
    if !id_ok {
        return Err(err(format!("id `{}` must be `SR` followed by digits", r.id)));
    }
    if r.patterns.is_empty() {
        return Err(err(format!("{}: `patterns` is empty", r.id)));
    }
    if r.causes.is_empty() {
        return Err(err(format!("{}: `causes` is empty", r.id)));
    }
    if r.causes[0].category != r.category {
        return Err(err(format!(
            "{}: `category` is {} but the first cause is {}; the record's category is its most likely cause",
            r.id, r.category, r.causes[0].category
        )));
    }
    if check_patterns {
        for p in &r.patterns {
            if let Err(e) = compile(p) {
                return Err(err(format!("{}: pattern `{p}` does not compile: {e}", r.id)));
            }
        }
    }
    Ok(r)
}

impl Catalog {
    /// The catalog shipped in the binary.
    pub fn builtin() -> Result<Catalog, CatalogError> {
        let texts: Vec<(String, String)> = crate::rules::meta::EMBEDDED
            .iter()
            .filter(|(p, _)| p.starts_with("catalog/"))
            .map(|(p, t)| (format!("rules/{p}"), t.to_string()))
            .collect();
        Catalog::from_texts(&texts)
    }

    /// The shipped catalog plus every `*.toml` record in `dirs`. A user
    /// record with the id of a shipped one replaces it.
    pub fn with_dirs(dirs: &[&Path]) -> Result<Catalog, CatalogError> {
        let mut texts: Vec<(String, String)> = crate::rules::meta::EMBEDDED
            .iter()
            .filter(|(p, _)| p.starts_with("catalog/"))
            .map(|(p, t)| (format!("rules/{p}"), t.to_string()))
            .collect();
        for dir in dirs {
            let entries = std::fs::read_dir(dir).map_err(|e| CatalogError {
                file: dir.display().to_string(),
                line: None,
                column: None,
                message: format!("cannot read the rules directory: {e}"),
            })?;
            let mut files: Vec<_> =
                entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "toml")).collect();
            files.sort();
            for p in files {
                let text = std::fs::read_to_string(&p).map_err(|e| CatalogError {
                    file: p.display().to_string(),
                    line: None,
                    column: None,
                    message: format!("cannot read: {e}"),
                })?;
                texts.push((p.display().to_string(), text));
            }
        }
        Catalog::from_texts(&texts)
    }

    /// Builds a catalog from (file name, TOML text) pairs. `prefixes.toml`
    /// holds the prefix table; every other file is one record.
    pub fn from_texts(texts: &[(String, String)]) -> Result<Catalog, CatalogError> {
        let mut records: Vec<Record> = Vec::new();
        let mut prefixes = Vec::new();
        for (file, text) in texts {
            if file.ends_with("prefixes.toml") {
                let p: PrefixFile = toml::from_str(text).map_err(|e| CatalogError {
                    file: file.clone(),
                    line: None,
                    column: None,
                    message: e.message().trim().to_string(),
                })?;
                prefixes.extend(p.prefix);
                continue;
            }
            // Shipped records are checked by the test suite; a user's are
            // checked here, so that a bad one is an error before use.
            let r = parse_record(file, text, !file.starts_with("rules/catalog/"))?;
            match records.iter_mut().find(|x| x.id == r.id) {
                Some(existing) if file.starts_with("rules/catalog/") => {
                    return Err(CatalogError {
                        file: file.clone(),
                        line: None,
                        column: None,
                        message: format!("id {} is used twice (also by \"{}\")", r.id, existing.title),
                    });
                }
                Some(existing) => *existing = r,
                None => records.push(r),
            }
        }
        records.sort_by(|a, b| a.id.cmp(&b.id));
        let mut patterns = Vec::new();
        let mut literals = Vec::new();
        let mut literal_pattern = Vec::new();
        let mut always = Vec::new();
        for (i, r) in records.iter().enumerate() {
            for p in &r.patterns {
                let idx = patterns.len();
                match required_literals(p) {
                    Some(lits) => {
                        for l in lits {
                            literals.push(l);
                            literal_pattern.push(idx);
                        }
                    }
                    None => always.push(idx),
                }
                patterns.push(Pattern { record: i, source: p.clone(), compiled: OnceLock::new() });
            }
        }
        let literals =
            AhoCorasick::builder().ascii_case_insensitive(true).build(&literals).map_err(|e| CatalogError {
                file: "rules/catalog".into(),
                line: None,
                column: None,
                message: format!("the pattern literals do not compile together: {e}"),
            })?;
        Ok(Catalog { records, prefixes, patterns, literals, literal_pattern, always })
    }

    /// Compiles every pattern now (tests, and callers about to match many
    /// reasons on several threads).
    pub fn compile_all(&self) -> Result<(), String> {
        for p in &self.patterns {
            if p.regex().is_none() {
                return Err(format!("{}: pattern `{}` does not compile", self.records[p.record].id, p.source));
            }
        }
        Ok(())
    }

    /// Every record that matches `text` (with `exit_code`, when known).
    pub fn matches(&self, text: &str, exit_code: Option<i64>) -> Vec<Match> {
        let text = normalize(text);
        let mut candidates: Vec<usize> = self.always.clone();
        for m in self.literals.find_overlapping_iter(text.as_ref()) {
            candidates.push(self.literal_pattern[m.pattern().as_usize()]);
        }
        candidates.sort_unstable();
        candidates.dedup();
        let mut out: Vec<Match> = Vec::new();
        for i in candidates {
            let p = &self.patterns[i];
            let r = &self.records[p.record];
            let by_exit_code = !r.exit_codes.is_empty();
            if by_exit_code && !exit_code.is_some_and(|c| r.exit_codes.contains(&c)) {
                continue;
            }
            let Some(found) = p.regex().and_then(|re| re.find(&text)) else { continue };
            let len = found.len();
            match out.iter_mut().find(|m| m.record == p.record) {
                Some(m) => m.len = m.len.max(len),
                None => out.push(Match { record: p.record, len, by_exit_code }),
            }
        }
        out.sort_by(|a, b| b.key(self).cmp(&a.key(self)));
        out
    }

    /// The winning record for `text`, if any.
    pub fn best(&self, text: &str, exit_code: Option<i64>) -> Option<Match> {
        self.matches(text, exit_code).into_iter().next()
    }

    /// Compares two matches by the catalog's order: `Greater` when `a` wins.
    pub fn compare(&self, a: &Match, b: &Match) -> std::cmp::Ordering {
        a.key(self).cmp(&b.key(self))
    }

    /// The longest known error-category prefix `text` starts with.
    pub fn closest_prefix(&self, text: &str) -> Option<&Prefix> {
        let t = normalize(text);
        let lower = t.trim_start().to_ascii_lowercase();
        self.prefixes
            .iter()
            .filter(|p| lower.starts_with(&p.prefix.to_ascii_lowercase()))
            .max_by_key(|p| p.prefix.len())
    }

    pub fn record(&self, id: &str) -> Option<&Record> {
        self.records.iter().find(|r| r.id == id)
    }
}
