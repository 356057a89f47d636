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
use regex::bytes::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::{Arc, OnceLock};

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
    pub title: Arc<str>,
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
    pub doc: Arc<str>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Cause {
    pub category: Category,
    // Shared, not copied, by every explanation that reports the cause.
    pub summary: Arc<str>,
    /// What confirms or rules the cause out: the field, API call or
    /// permission to look at.
    pub checks: Arc<[String]>,
    pub fix: Arc<str>,
    /// Lint rules whose findings on the task definition confirm this cause.
    #[serde(default, skip_serializing_if = "<[String]>::is_empty")]
    pub rules: Arc<[String]>,
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
    /// Lower-cased required literals of the patterns, each once.
    literal_texts: Vec<String>,
    /// A DFA over them, built once enough reasons have shown that a run
    /// is long: building it takes longer than explaining one reason, and
    /// searching a few hundred literals one by one is quick on one line.
    literals: OnceLock<Option<AhoCorasick>>,
    scans: std::sync::atomic::AtomicUsize,
    /// For each literal: the pattern it belongs to, and which of the
    /// pattern's literal sets it is in.
    literal_owner: Vec<Vec<(usize, u8)>>,
    /// For each pattern: the bits of all its literal sets. A pattern is
    /// tried only when the text holds a literal of each set.
    pattern_sets: Vec<u64>,
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

/// Compiles a catalog pattern: case-insensitive, on bytes with ASCII-only
/// classes where the pattern allows it. Unicode `\w`, `.` and `\S` make
/// automata many times larger and slower to build, and reasons are ASCII
/// (`normalize` turns the curly quotes newer agents write into straight
/// ones).
fn compile(p: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(p)
        .case_insensitive(true)
        .unicode(false)
        .build()
        .or_else(|_| RegexBuilder::new(p).case_insensitive(true).build())
}

#[path = "literals.rs"]
mod literals;
use literals::required_literals;

/// A record that matched, and how well.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    pub record: usize,
    /// Length of the longest matched text. [`Catalog::best`] leaves it 0
    /// when no rival record made the length matter.
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

fn parse_record(file: &str, text: &str) -> Result<Record, CatalogError> {
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
    check_record(file, &r)?;
    Ok(r)
}

/// What a user's record must satisfy before use; the test suite holds the
/// shipped records to the same.
fn check_record(file: &str, r: &Record) -> Result<(), CatalogError> {
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
    for p in &r.patterns {
        if let Err(e) = compile(p) {
            return Err(err(format!("{}: pattern `{p}` does not compile: {e}", r.id)));
        }
    }
    Ok(())
}

/// The shipped records and prefix table, from the JSON form `build.rs`
/// made of `rules/catalog/` (TOML takes several times longer to read, and
/// one explained reason should not spend its time reading its own data).
fn shipped() -> (Vec<Record>, Vec<Prefix>) {
    let mut records = Vec::new();
    let mut prefixes = Vec::new();
    for (path, json) in crate::rules::meta::EMBEDDED_JSON.iter().filter(|(p, _)| p.starts_with("catalog/")) {
        if path.ends_with("prefixes.toml") {
            let p: PrefixFile = serde_json::from_str(json).unwrap_or_else(|e| panic!("rules/{path}: {e}"));
            prefixes.extend(p.prefix);
        } else {
            records.push(serde_json::from_str(json).unwrap_or_else(|e| panic!("rules/{path}: {e}")));
        }
    }
    (records, prefixes)
}

impl Catalog {
    /// The catalog shipped in the binary.
    pub fn builtin() -> Result<Catalog, CatalogError> {
        let (records, prefixes) = shipped();
        Catalog::build(records, prefixes)
    }

    /// The shipped catalog plus every `*.toml` record in `dirs`. A user
    /// record with the id of a shipped one replaces it.
    pub fn with_dirs(dirs: &[&Path]) -> Result<Catalog, CatalogError> {
        let (mut records, mut prefixes) = shipped();
        let mut texts = Vec::new();
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
        Catalog::merge(&mut records, &mut prefixes, &texts, false)?;
        Catalog::build(records, prefixes)
    }

    /// Builds a catalog from (file name, TOML text) pairs. `prefixes.toml`
    /// holds the prefix table; every other file is one record, and two
    /// records with one id are an error.
    pub fn from_texts(texts: &[(String, String)]) -> Result<Catalog, CatalogError> {
        let (mut records, mut prefixes) = (Vec::new(), Vec::new());
        Catalog::merge(&mut records, &mut prefixes, texts, true)?;
        Catalog::build(records, prefixes)
    }

    /// Adds TOML records to `records`; with `unique` false a record replaces
    /// the one with its id.
    fn merge(
        records: &mut Vec<Record>,
        prefixes: &mut Vec<Prefix>,
        texts: &[(String, String)],
        unique: bool,
    ) -> Result<(), CatalogError> {
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
            let r = parse_record(file, text)?;
            match records.iter_mut().find(|x| x.id == r.id) {
                Some(existing) if unique => {
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
        Ok(())
    }

    fn build(mut records: Vec<Record>, prefixes: Vec<Prefix>) -> Result<Catalog, CatalogError> {
        records.sort_by(|a, b| a.id.cmp(&b.id));
        // The literal sets of shipped patterns were worked out at build time.
        let known: std::collections::HashMap<&str, &[&[&str]]> =
            crate::rules::meta::CATALOG_LITERALS.iter().copied().collect();
        let mut patterns = Vec::new();
        let mut literals: Vec<String> = Vec::new();
        let mut literal_owner: Vec<Vec<(usize, u8)>> = Vec::new();
        let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        let mut pattern_sets = Vec::new();
        let mut always = Vec::new();
        for (i, r) in records.iter().enumerate() {
            for p in &r.patterns {
                let idx = patterns.len();
                let sets: Vec<Vec<String>> = match known.get(p.as_str()) {
                    Some(sets) => sets.iter().map(|set| set.iter().map(|l| l.to_string()).collect()).collect(),
                    None => required_literals(p),
                };
                // A pattern is a candidate when every set has a hit; more
                // than 64 sets would not fit the mask, and fewer still
                // gate soundly.
                let sets = &sets[..sets.len().min(64)];
                if sets.is_empty() {
                    always.push(idx);
                }
                for (k, set) in sets.iter().enumerate() {
                    for l in set {
                        // Patterns share literals; the automaton holds each once.
                        let at = match seen.get(l) {
                            Some(&at) => at,
                            None => {
                                seen.insert(l.clone(), literals.len());
                                literals.push(l.clone());
                                literal_owner.push(Vec::new());
                                literals.len() - 1
                            }
                        };
                        literal_owner[at].push((idx, k as u8));
                    }
                }
                pattern_sets.push(if sets.len() == 64 { u64::MAX } else { (1u64 << sets.len()) - 1 });
                patterns.push(Pattern { record: i, source: p.clone(), compiled: OnceLock::new() });
            }
        }
        let literal_texts = literals;
        Ok(Catalog {
            records,
            prefixes,
            patterns,
            literal_texts,
            literals: OnceLock::new(),
            scans: std::sync::atomic::AtomicUsize::new(0),
            literal_owner,
            pattern_sets,
            always,
        })
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

    /// The patterns worth running on `text`: those whose every literal set
    /// has a member in it, and those without literals.
    /// The literal automaton, once 256 reasons have been scanned.
    fn automaton(&self) -> Option<&AhoCorasick> {
        if let Some(ac) = self.literals.get() {
            return ac.as_ref();
        }
        if self.scans.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < 256 {
            return None;
        }
        self.literals
            .get_or_init(|| {
                AhoCorasick::builder().kind(Some(aho_corasick::AhoCorasickKind::DFA)).build(&self.literal_texts).ok()
            })
            .as_ref()
    }

    fn candidates(&self, text: &str) -> Vec<usize> {
        // The literals are lower-case; so is the text they are sought in.
        let lower = text.to_ascii_lowercase();
        let mut hits: Vec<(usize, u64)> = Vec::new();
        let mut mark = |literal: usize| {
            for &(pattern, set) in &self.literal_owner[literal] {
                match hits.iter_mut().find(|(p, _)| *p == pattern) {
                    Some((_, bits)) => *bits |= 1 << set,
                    None => hits.push((pattern, 1 << set)),
                }
            }
        };
        match self.automaton() {
            Some(ac) => ac.find_overlapping_iter(&lower).for_each(|m| mark(m.pattern().as_usize())),
            None => {
                for (i, l) in self.literal_texts.iter().enumerate() {
                    if memchr::memmem::find(lower.as_bytes(), l.as_bytes()).is_some() {
                        mark(i);
                    }
                }
            }
        }
        let mut out = self.always.clone();
        out.extend(hits.into_iter().filter(|&(p, bits)| bits == self.pattern_sets[p]).map(|(p, _)| p));
        out
    }

    /// Every record that matches `text` (with `exit_code`, when known).
    pub fn matches(&self, text: &str, exit_code: Option<i64>) -> Vec<Match> {
        let text = normalize(text);
        let mut candidates = self.candidates(&text);
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
            let Some(found) = p.regex().and_then(|re| re.find(text.as_bytes())) else { continue };
            let len = found.len();
            match out.iter_mut().find(|m| m.record == p.record) {
                Some(m) => m.len = m.len.max(len),
                None => out.push(Match { record: p.record, len, by_exit_code }),
            }
        }
        out.sort_by(|a, b| b.key(self).cmp(&a.key(self)));
        out
    }

    /// The winning record for `text`, if any: [`Catalog::matches`]' first,
    /// without running the patterns of records that cannot win.
    pub fn best(&self, text: &str, exit_code: Option<i64>) -> Option<Match> {
        let text = normalize(text);
        let mut candidates: Vec<(i32, bool, usize)> = Vec::new();
        let mut add = |i: usize| {
            let r = &self.records[self.patterns[i].record];
            let by_exit_code = !r.exit_codes.is_empty();
            if by_exit_code && !exit_code.is_some_and(|c| r.exit_codes.contains(&c)) {
                return;
            }
            candidates.push((r.priority, by_exit_code, i));
        };
        self.candidates(&text).into_iter().for_each(&mut add);
        // Highest (priority, exit code) first: the first group with a match
        // holds the winner, and only its matches need their lengths.
        candidates.sort_unstable_by(|a, b| (b.0, b.1, a.2).cmp(&(a.0, a.1, b.2)));
        candidates.dedup();
        let mut best: Option<Match> = None;
        for (at, &(priority, by_exit_code, i)) in candidates.iter().enumerate() {
            if let Some(b) = &best {
                let r = &self.records[b.record];
                if (priority, by_exit_code) < (r.priority, b.by_exit_code) {
                    break;
                }
            }
            let p = &self.patterns[i];
            let Some(re) = p.regex() else { continue };
            // With no rival record in its group, a pattern that matches
            // wins whatever its length: skip finding where the match starts.
            let group = candidates[at..].iter().take_while(|c| (c.0, c.1) == (priority, by_exit_code));
            let rivals = best.is_some() || group.clone().any(|c| self.patterns[c.2].record != p.record);
            let len = if rivals {
                match re.find(text.as_bytes()) {
                    Some(found) => found.len(),
                    None => continue,
                }
            } else if re.is_match(text.as_bytes()) {
                return Some(Match { record: p.record, len: 0, by_exit_code });
            } else {
                continue;
            };
            let m = Match { record: p.record, len, by_exit_code };
            if best.is_none_or(|b| self.compare(&m, &b) == std::cmp::Ordering::Greater) {
                best = Some(m);
            }
        }
        best
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

#[cfg(test)]
mod tests {
    use super::Catalog;

    /// The first reasons are searched literal by literal, later ones with
    /// the automaton: both must pick the same candidates.
    #[test]
    fn literal_search_and_automaton_agree() {
        let texts: Vec<String> = Catalog::builtin()
            .unwrap()
            .records
            .iter()
            .flat_map(|r| r.examples.iter())
            .flat_map(|e| [e.clone(), e.to_uppercase(), e.chars().take(60).collect()])
            .collect();
        let mut nonempty = 0;
        for chunk in texts.chunks(200) {
            let cat = Catalog::builtin().unwrap();
            let sorted = |mut v: Vec<usize>| {
                v.sort_unstable();
                v
            };
            let by_literal: Vec<Vec<usize>> = chunk.iter().map(|t| sorted(cat.candidates(t))).collect();
            assert!(cat.literals.get().is_none(), "still searching literal by literal");
            while cat.literals.get().is_none() {
                cat.candidates("warm up");
            }
            assert!(cat.literals.get().unwrap().is_some(), "the automaton builds");
            for (t, want) in chunk.iter().zip(&by_literal) {
                assert_eq!(&sorted(cat.candidates(t)), want, "{t}");
            }
            nonempty += by_literal.iter().filter(|c| !c.is_empty()).count();
        }
        assert!(nonempty > texts.len() / 2, "{nonempty} of {}", texts.len());
    }
}
