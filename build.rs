//! Embeds every file under `rules/` (rule records, data tables, catalog) so
//! the binary carries its knowledge and adding a record needs no Rust edit.
//!
//! Two tables come out of it:
//! - `embedded_rules.rs`: every `.toml` file under `rules/`;
//! - `embedded_policies.rs`: every `.json` file under
//!   `rules/data/managed-policies/` (AWS managed policy documents, kept in
//!   the JSON form AWS publishes so they can be compared with
//!   `aws iam get-policy-version` output, and their index).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

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
