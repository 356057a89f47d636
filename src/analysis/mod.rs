//! Reasoning several rules share.

pub mod iam;
pub mod image;
pub mod network;
pub mod placeholder;
pub mod schedule;
pub mod units;

/// Levenshtein distance in characters: how near a misspelt name is to a
/// known one (CloudFormation properties, awslogs options).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push((prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}
