//! Embeds every file under `rules/` (rule records, data tables, catalog) so
//! the binary carries its knowledge and adding a record needs no Rust edit.
//!
//! Three tables come out of it:
//! - `embedded_rules.rs`: every `.toml` file under `rules/`, as written
//!   (error messages, `--rules-dir` merging and the tests read these);
//! - `embedded_json.rs`: the same files converted to JSON, with the literal
//!   prefilter of each catalog pattern worked out, because JSON parses
//!   several times faster than TOML and a process that explains one reason
//!   should not spend its time reading its own data;
//! - `embedded_policies.rs`: every `.json` file under
//!   `rules/data/managed-policies/` (AWS managed policy documents, kept in
//!   the JSON form AWS publishes so they can be compared with
//!   `aws iam get-policy-version` output, and their index).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[path = "src/explain/literals.rs"]
mod literals;

fn collect(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, ext, out);
        } else if p.extension().is_some_and(|x| x == ext) {
            out.push(p);
        }
    }
}

fn table(root: &Path, dir: &Path, ext: &str, doc: &str, name: &str) -> String {
    let mut files = Vec::new();
    collect(dir, ext, &mut files);
    files.sort();
    let mut code = format!("/// {doc}\npub static {name}: &[(&str, &str)] = &[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let rel = f.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
        writeln!(code, "    ({rel:?}, include_str!({:?})),", f.display().to_string()).unwrap();
    }
    code.push_str("];\n");
    code
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("rules");
    println!("cargo:rerun-if-changed={}", root.display());
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());

    let rules = table(
        &root,
        &root,
        "toml",
        "Every `.toml` file under `rules/`: (path relative to `rules/`, text).",
        "EMBEDDED",
    );
    std::fs::write(out.join("embedded_rules.rs"), rules).unwrap();
    std::fs::write(out.join("embedded_json.rs"), json_table(&root)).unwrap();

    let policies_dir = root.join("data/managed-policies");
    println!("cargo:rerun-if-changed={}", policies_dir.display());
    let policies = table(
        &policies_dir,
        &policies_dir,
        "json",
        "Every `.json` file under `rules/data/managed-policies/`: (file name, text).",
        "MANAGED_POLICY_FILES",
    );
    std::fs::write(out.join("embedded_policies.rs"), policies).unwrap();
}

/// Every `.toml` file under `rules/` as JSON text, and for every pattern
/// of the catalog records its required literal sets.
fn json_table(root: &Path) -> String {
    let mut files = Vec::new();
    collect(root, "toml", &mut files);
    files.sort();
    let mut code = String::from(
        "/// Every `.toml` file under `rules/` as JSON: (path relative to `rules/`, JSON text).\n\
         pub static EMBEDDED_JSON: &[(&str, &str)] = &[\n",
    );
    let mut literals = String::from(
        "/// The required literal sets of each shipped catalog pattern: (pattern, sets).\n\
         pub static CATALOG_LITERALS: &[(&str, &[&[&str]])] = &[\n",
    );
    for f in &files {
        let rel = f.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(f).unwrap();
        let value: toml::Value = toml::from_str(&text).unwrap_or_else(|e| panic!("rules/{rel}: {e}"));
        let json = serde_json::to_string(&value).unwrap();
        writeln!(code, "    ({rel:?}, {json:?}),").unwrap();
        if rel.starts_with("catalog/") {
            let patterns = value.get("patterns").and_then(toml::Value::as_array).cloned().unwrap_or_default();
            for p in patterns.iter().filter_map(toml::Value::as_str) {
                let sets: Vec<String> = literals::required_literals(p).iter().map(|set| format!("&{set:?}")).collect();
                writeln!(literals, "    ({p:?}, &[{}]),", sets.join(", ")).unwrap();
            }
        }
    }
    code.push_str("];\n");
    literals.push_str("];\n");
    code + &literals
}
