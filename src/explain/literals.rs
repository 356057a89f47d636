//! The literal prefilter of catalog patterns. Shared with `build.rs`, which
//! works the literals of the shipped records out at build time.

/// What every match of `p` contains: a list of literal sets (lower-cased),
/// each of which has a member in every match. Empty when nothing is known.
pub fn required_literals(p: &str) -> Vec<Vec<String>> {
    use regex_syntax::hir::{Hir, HirKind};
    fn req(h: &Hir) -> Vec<Vec<String>> {
        match h.kind() {
            HirKind::Literal(l) => {
                let s = String::from_utf8_lossy(&l.0).to_ascii_lowercase();
                // Patterns match ASCII case-insensitively; a non-ASCII
                // literal might fold in ways a byte scan would miss.
                if s.len() >= 3 && s.is_ascii() { vec![vec![s]] } else { Vec::new() }
            }
            HirKind::Capture(c) => req(&c.sub),
            HirKind::Repetition(r) if r.min >= 1 => req(&r.sub),
            // Every part's sets hold.
            HirKind::Concat(parts) => parts.iter().flat_map(req).collect(),
            // One branch matched: the union of one set from each branch.
            HirKind::Alternation(branches) => {
                let mut union = Vec::new();
                for b in branches {
                    let best = req(b).into_iter().max_by_key(|set| set.iter().map(String::len).min().unwrap_or(0));
                    match best {
                        Some(set) => union.extend(set),
                        None => return Vec::new(),
                    }
                }
                vec![union]
            }
            _ => Vec::new(),
        }
    }
    let Ok(hir) = regex_syntax::ParserBuilder::new().build().parse(p) else { return Vec::new() };
    let mut sets = req(&hir);
    sets.truncate(64);
    sets
}
