//! What the benchmarks share: a deterministic generator, timing of the
//! release binary, and the PASS/FAIL report of the targets.
#![allow(dead_code)]

use std::process::Command;
use std::time::{Duration, Instant};

/// A small deterministic PRNG (xorshift64*), so every run measures the same
/// inputs.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
}

pub fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Runs `bin args` `runs` times; every run must exit 0 or 1 (findings).
pub fn time_runs(bin: &str, args: &[&str], runs: usize) -> Vec<Duration> {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            let o = Command::new(bin).args(args).output().expect("run the binary");
            let d = t.elapsed();
            assert!(matches!(o.status.code(), Some(0 | 1)), "{args:?} failed: {}", String::from_utf8_lossy(&o.stderr));
            d
        })
        .collect()
}

/// Prints PASS/FAIL for each target; exits 1 when one failed.
pub fn report(checks: &[(&str, bool)]) {
    let mut ok = true;
    for (what, pass) in checks {
        println!("{} {what}", if *pass { "PASS" } else { "FAIL" });
        ok &= pass;
    }
    if !ok {
        std::process::exit(1);
    }
}
