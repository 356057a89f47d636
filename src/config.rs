//! `.ecs-triage.toml`: rule selection, severity overrides and path excludes.
//! Found upward from the working directory, or named with `--config`.
//! Unknown keys and unknown rule ids are errors, never ignored.

use crate::finding::{InputError, Severity};
use crate::rules::meta;
use crate::source::Position;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use toml::Spanned;

pub const FILE_NAME: &str = ".ecs-triage.toml";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Raw {
    #[serde(default)]
    select: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    fail_on: Option<FailOn>,
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Severity>,
}

/// The effective configuration of one run.
#[derive(Debug, Default, Clone)]
pub struct Config {
    /// The file it came from, if any.
    pub path: Option<PathBuf>,
    /// Rule ids or prefixes to run; `None`: all.
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    /// Severity overrides by rule id.
    pub severity: HashMap<String, Severity>,
    pub exclude: Excludes,
    pub fail_on: Option<FailOn>,
}

/// Path excludes: a pattern without `/` matches any file or directory name
/// (`*.generated.json`, `vendor`); one with `/` matches the path relative to
/// the configuration file's directory (`deploy/legacy/**`).
#[derive(Debug, Default, Clone)]
pub struct Excludes {
    root: PathBuf,
    names: Option<globset::GlobSet>,
    paths: Option<globset::GlobSet>,
}

impl Excludes {
    pub fn is_excluded(&self, path: &Path) -> bool {
        if let Some(names) = &self.names
            && path.components().any(|c| names.is_match(c.as_os_str()))
        {
            return true;
        }
        if let Some(paths) = &self.paths {
            let abs = if path.is_absolute() {
                path.to_path_buf()
            } else {
                std::env::current_dir().map(|d| d.join(path)).unwrap_or_else(|_| path.to_path_buf())
            };
            let rel = abs.strip_prefix(&self.root).unwrap_or(path);
            let rel = rel.strip_prefix(".").unwrap_or(rel);
            return paths.is_match(rel);
        }
        false
    }
}

/// Whether `sel` names a rule id, a rule name, a prefix of ids (`ECS6`,
/// `SR`) or `ALL`.
pub fn is_valid_selector(sel: &str) -> bool {
    // `SR…`: the stopped-task findings of `audit`, by catalog record.
    let stopped_task = sel.strip_prefix("SR").is_some_and(|d| d.len() <= 3 && d.bytes().all(|b| b.is_ascii_digit()));
    sel == "ALL" || stopped_task || meta::rules().iter().any(|r| r.id.starts_with(sel) || r.name == sel)
}

pub fn selector_matches(sel: &str, id: &str, name: &str) -> bool {
    sel == "ALL" || id.starts_with(sel) || name == sel
}

fn config_error(path: &Path, text: &str, span: Option<std::ops::Range<usize>>, msg: String) -> InputError {
    let (line, column) = match span {
        Some(s) => {
            let f = crate::source::SourceFile::new(String::new(), text.to_string());
            let (l, c) = f.line_col(s.start as u32);
            (Some(l), Some(c))
        }
        None => (None, None),
    };
    InputError { location: Position { file: path.display().to_string(), line, column, pointer: None }, message: msg }
}

/// Finds `.ecs-triage.toml` in `start` or the nearest parent.
pub fn find(start: &Path) -> Option<PathBuf> {
    start.ancestors().map(|d| d.join(FILE_NAME)).find(|p| p.is_file())
}

pub fn load(path: &Path) -> Result<Config, InputError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| config_error(path, "", None, format!("cannot read configuration: {e}")))?;
    parse(path, &text)
}

pub fn parse(path: &Path, text: &str) -> Result<Config, InputError> {
    let raw: Raw = toml::from_str(text).map_err(|e| {
        let msg = e.message().trim_end_matches('\n').to_string();
        config_error(path, text, e.span(), format!("invalid configuration: {msg}"))
    })?;
    let check = |list: &[Spanned<String>], key: &str| -> Result<Vec<String>, InputError> {
        list.iter()
            .map(|s| {
                if is_valid_selector(s.get_ref()) {
                    Ok(s.get_ref().clone())
                } else {
                    Err(config_error(
                        path,
                        text,
                        Some(s.span()),
                        format!(
                            "unknown rule id, name or prefix `{}` in `{key}` (see `ecs-triage rules`)",
                            s.get_ref()
                        ),
                    ))
                }
            })
            .collect()
    };
    let select = raw.select.as_deref().map(|s| check(s, "select")).transpose()?;
    let ignore = check(&raw.ignore, "ignore")?;
    let mut severity = HashMap::new();
    for (k, sev) in &raw.severity {
        let rule = meta::rules().iter().find(|r| &r.id == k.get_ref() || &r.name == k.get_ref());
        match rule {
            Some(r) => {
                severity.insert(r.id.clone(), *sev);
            }
            None => {
                return Err(config_error(
                    path,
                    text,
                    Some(k.span()),
                    format!("unknown rule `{}` in `[severity]` (give a rule id such as ECS601)", k.get_ref()),
                ));
            }
        }
    }
    let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let root = if root.as_os_str().is_empty() { std::env::current_dir().unwrap_or_default() } else { root };
    let root = std::fs::canonicalize(&root).unwrap_or(root);
    let mut names = globset::GlobSetBuilder::new();
    let mut paths = globset::GlobSetBuilder::new();
    let (mut n_names, mut n_paths) = (0, 0);
    for pat in &raw.exclude {
        let p = pat.get_ref().trim_end_matches('/');
        let glob =
            globset::GlobBuilder::new(p.trim_start_matches("./")).literal_separator(true).build().map_err(|e| {
                config_error(path, text, Some(pat.span()), format!("invalid exclude pattern `{p}`: {}", e.kind()))
            })?;
        if p.contains('/') {
            paths.add(glob);
            n_paths += 1;
            // `dir/sub` also excludes everything under it.
            if let Ok(g) = globset::Glob::new(&format!("{}/**", p.trim_start_matches("./"))) {
                paths.add(g);
            }
        } else {
            names.add(glob);
            n_names += 1;
        }
    }
    let exclude = Excludes {
        root,
        names: (n_names > 0).then(|| names.build().expect("globs already validated")),
        paths: (n_paths > 0).then(|| paths.build().expect("globs already validated")),
    };
    Ok(Config { path: Some(path.to_path_buf()), select, ignore, severity, exclude, fail_on: raw.fail_on })
}

impl Config {
    pub fn is_enabled(&self, id: &str) -> bool {
        let name = meta::rule(id).map_or("", |r| r.name.as_str());
        let selected = match &self.select {
            None => true,
            Some(sel) => sel.iter().any(|s| selector_matches(s, id, name)),
        };
        selected && !self.ignore.iter().any(|s| selector_matches(s, id, name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Config, InputError> {
        parse(Path::new("/tmp/x/.ecs-triage.toml"), text)
    }

    #[test]
    fn reads_a_full_file() {
        let c = parse_str(
            "select = [\"ECS1\", \"ECS6\"]\nignore = [\"ECS601\"]\nexclude = [\"vendor\", \"deploy/old\"]\nfail-on = \"warning\"\n[severity]\nECS206 = \"error\"\n",
        )
        .unwrap();
        assert!(c.is_enabled("ECS101"));
        assert!(c.is_enabled("ECS602"));
        assert!(!c.is_enabled("ECS601"));
        assert!(!c.is_enabled("ECS201"));
        assert_eq!(c.severity.get("ECS206"), Some(&Severity::Error));
        assert_eq!(c.fail_on, Some(FailOn::Warning));
        assert!(c.exclude.is_excluded(Path::new("/tmp/x/a/vendor/t.json")));
        assert!(c.exclude.is_excluded(Path::new("/tmp/x/deploy/old/t.json")));
        assert!(!c.exclude.is_excluded(Path::new("/tmp/x/deploy/new/t.json")));
    }

    #[test]
    fn unknown_keys_and_ids_are_errors_with_positions() {
        let e = parse_str("selct = [\"ECS1\"]\n").unwrap_err();
        assert!(e.message.contains("unknown field `selct`"), "{}", e.message);
        assert_eq!(e.location.line, Some(1));
        let e = parse_str("ignore = [\"ECS101\",\n  \"ECS999\"]\n").unwrap_err();
        assert!(e.message.contains("ECS999"), "{}", e.message);
        assert_eq!((e.location.line, e.location.column), (Some(2), Some(3)));
        let e = parse_str("[severity]\nECS999 = \"error\"\n").unwrap_err();
        assert!(e.message.contains("ECS999"));
        let e = parse_str("[severity]\nECS101 = \"fatal\"\n").unwrap_err();
        assert!(e.message.contains("fatal"), "{}", e.message);
    }

    #[test]
    fn names_and_prefixes_select() {
        let c = parse_str("select = [\"exec-disabled\"]\n").unwrap();
        assert!(c.is_enabled("ECS601"));
        assert!(!c.is_enabled("ECS602"));
    }
}
