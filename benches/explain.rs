//! The explain benchmark: `cargo bench --bench explain`.
//!
//! Builds 100,000 stopped reasons from the catalog's own examples (the
//! real messages each record is tested on), with every run of digits
//! replaced at random so that the lines are distinct, as task ids, IP
//! addresses and ports make them in real logs. Then measures, with the
//! release binary as users run it:
//!
//! - `ecs-triage explain --lines FILE` on all of them (target: < 1 s);
//! - the whole process on one reason (target: < 10 ms).
//!
//! `cargo bench --bench explain -- --generate FILE` only writes the reasons.

#[path = "common.rs"]
mod common;

use common::{Rng, median, report, time_runs};
use std::time::{Duration, Instant};

fn vary(s: &str, rng: &mut Rng) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_digits = false;
    for c in s.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push_str(&(rng.next_u64() % 1000).to_string());
            }
            in_digits = true;
        } else {
            in_digits = false;
            out.push(if c == '\n' { ' ' } else { c });
        }
    }
    out
}

fn main() {
    let bin = env!("CARGO_BIN_EXE_ecs-triage");
    let cat = ecs_triage::explain::catalog::Catalog::builtin().expect("catalog");
    let examples: Vec<&str> = cat.records.iter().flat_map(|r| r.examples.iter().map(String::as_str)).collect();
    let mut rng = Rng(0x5DEE_CE66_D1CE_4E5B);
    let n = 100_000;
    let lines: Vec<String> = (0..n).map(|i| vary(examples[i % examples.len()], &mut rng)).collect();
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--generate") {
        let out = args.get(i + 1).expect("--generate FILE");
        std::fs::write(out, lines.join("\n")).unwrap();
        println!("wrote {n} reasons to {out}");
        return;
    }
    let distinct: std::collections::HashSet<&String> = lines.iter().collect();
    let dir = tempfile_dir();
    let file = dir.join("reasons.txt");
    std::fs::write(&file, lines.join("\n")).unwrap();
    let mb = std::fs::metadata(&file).unwrap().len() as f64 / 1e6;
    println!(
        "{n} reasons ({} distinct) from {} catalog examples, {mb:.1} MB, in {}",
        distinct.len(),
        examples.len(),
        file.display()
    );
    let f = file.to_str().unwrap();
    time_runs(bin, &["explain", "--lines", f, "-f", "json", "-o", "/dev/null"], 1);
    let json = median(time_runs(bin, &["explain", "--lines", f, "-f", "json", "-o", "/dev/null"], 5));
    let table = median(time_runs(bin, &["explain", "--lines", f, "-o", "/dev/null"], 5));
    let one = &lines[0];
    let single = time_runs(bin, &["explain", one, "-o", "/dev/null"], 51);
    let mut sorted = single.clone();
    sorted.sort();
    let p95 = sorted[sorted.len() * 95 / 100];
    let single = median(single);
    // In-process matching alone, for comparison.
    let t = Instant::now();
    let mut matched = 0;
    for l in &lines {
        matched += usize::from(cat.best(l, None).is_some());
    }
    let in_process = t.elapsed();
    println!();
    println!("| measurement | time |");
    println!("|---|---|");
    println!("| `explain --lines` {n} reasons, json (median of 5) | {:.0} ms |", json.as_secs_f64() * 1e3);
    println!("| `explain --lines` {n} reasons, table (median of 5) | {:.0} ms |", table.as_secs_f64() * 1e3);
    println!(
        "| catalog matching only, in process, 1 core | {:.0} ms ({matched} matched) |",
        in_process.as_secs_f64() * 1e3
    );
    println!(
        "| `explain` one reason, whole process (median / p95 of 51) | {:.1} / {:.1} ms |",
        single.as_secs_f64() * 1e3,
        p95.as_secs_f64() * 1e3
    );
    let _ = std::fs::remove_dir_all(&dir);
    report(&[
        ("100,000 reasons under 1 s", json.max(table) < Duration::from_secs(1)),
        ("one reason under 10 ms", single < Duration::from_millis(10)),
    ]);
}

fn tempfile_dir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("ecs-triage-explain-bench-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}
