//! The lint benchmark: `cargo bench --bench lint`.
//!
//! Generates a corpus of 10,000 task-definition files (~3 KB each, several
//! containers, a share of them with mistakes), then measures:
//!
//! - wall time and peak memory of `ecs-triage lint CORPUS` (the release
//!   binary, as users run it; targets: < 1 s, < 150 MB);
//! - the whole process on one small file (target: < 10 ms);
//! - throughput in MB/s beside serde_json's raw parse of the same bytes.
//!
//! `cargo bench --bench lint -- --generate DIR [N]` only writes a corpus.

#[path = "common.rs"]
mod common;

use common::{Rng, median, report, time_runs};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const SIZES: &[(&str, &str)] = &[("256", "512"), ("512", "1024"), ("1024", "2048"), ("2048", "4096"), ("4096", "8192")];

fn container(rng: &mut Rng, family: &str, i: usize, essential: bool, broken: bool) -> String {
    let name =
        if i == 0 { "app".to_string() } else { format!("{}-{i}", rng.pick(&["sidecar", "proxy", "agent", "worker"])) };
    let image = match rng.below(4) {
        0 => {
            format!("123456789012.dkr.ecr.us-east-1.amazonaws.com/{family}/{name}:1.{}.{}", rng.below(20), rng.below(9))
        }
        1 => format!("public.ecr.aws/docker/library/nginx:1.{}-alpine", 20 + rng.below(6)),
        2 => format!("123456789012.dkr.ecr.eu-west-1.amazonaws.com/{name}@sha256:{:064x}", rng.next_u64() as u128 * 7),
        _ => {
            if broken {
                "nginx:latest".to_string()
            } else {
                format!("ghcr.io/example/{name}:v{}", rng.below(100))
            }
        }
    };
    let port = 8000 + rng.below(1000);
    let env: Vec<String> = (0..5)
        .map(|k| {
            format!(
                r#"          {{"name": "{}_{}", "value": "{}"}}"#,
                rng.pick(&["LOG_LEVEL", "FEATURE", "REGION_HINT", "POOL_SIZE", "MODE"]),
                k,
                rng.below(1000)
            )
        })
        .collect();
    let prefix =
        if broken && rng.below(2) == 0 { String::new() } else { format!(r#", "awslogs-stream-prefix": "{name}""#) };
    format!(
        r#"    {{
      "name": "{name}",
      "image": "{image}",
      "essential": {essential},
      "cpu": {cpu},
      "memoryReservation": {mem},
      "portMappings": [{{"containerPort": {port}, "hostPort": {port}, "protocol": "tcp"}}],
      "environment": [
{env}
      ],
      "secrets": [
        {{"name": "DB_PASSWORD", "valueFrom": "arn:aws:secretsmanager:us-east-1:123456789012:secret:{family}/db-AbCdEf"}},
        {{"name": "API_TOKEN", "valueFrom": "/{family}/api-token"}}
      ],
      "healthCheck": {{"command": ["CMD-SHELL", "curl -f http://localhost:{port}/health || exit 1"], "interval": 30, "timeout": 5, "retries": 3, "startPeriod": 10}},
      "logConfiguration": {{
        "logDriver": "awslogs",
        "options": {{"awslogs-group": "/ecs/{family}", "awslogs-region": "us-east-1"{prefix}}}
      }},
      "linuxParameters": {{"initProcessEnabled": true}},
      "ulimits": [{{"name": "nofile", "softLimit": 65536, "hardLimit": 65536}}]
    }}"#,
        cpu = 64 * (1 + rng.below(2)),
        mem = 128 * (1 + rng.below(2)),
        env = env.join(",\n"),
    )
}

/// One task definition (~3 KB). About a third carry a mistake.
fn task_definition(rng: &mut Rng, n: usize) -> String {
    let family = format!("svc-{n:05}");
    let broken = rng.below(3) == 0;
    let (cpu, mem) = SIZES[rng.below(SIZES.len() as u64) as usize];
    let mem = if broken && rng.below(2) == 0 { "3000" } else { mem };
    let count = 2 + rng.below(2) as usize;
    let containers: Vec<String> = (0..count).map(|i| container(rng, &family, i, i == 0, broken)).collect();
    let network = if broken && rng.below(3) == 0 { "bridge" } else { "awsvpc" };
    format!(
        r#"{{
  "family": "{family}",
  "taskRoleArn": "arn:aws:iam::123456789012:role/{family}-task",
  "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
  "networkMode": "{network}",
  "requiresCompatibilities": ["FARGATE"],
  "cpu": "{cpu}",
  "memory": "{mem}",
  "runtimePlatform": {{"cpuArchitecture": "X86_64", "operatingSystemFamily": "LINUX"}},
  "containerDefinitions": [
{}
  ],
  "tags": [{{"key": "team", "value": "platform"}}]
}}
"#,
        containers.join(",\n")
    )
}

fn generate(dir: &Path, n: usize) -> u64 {
    std::fs::create_dir_all(dir).unwrap();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut bytes = 0;
    for i in 0..n {
        let td = task_definition(&mut rng, i);
        bytes += td.len() as u64;
        std::fs::write(dir.join(format!("taskdef-{i:05}.json")), td).unwrap();
    }
    bytes
}

fn peak_rss_children_mb() -> f64 {
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut ru) };
    ru.ru_maxrss as f64 / 1024.0
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    if args.first().map(String::as_str) == Some("--generate") {
        let dir = PathBuf::from(args.get(1).expect("--generate DIR [N]"));
        let n = args.get(2).map_or(10_000, |s| s.parse().unwrap());
        let bytes = generate(&dir, n);
        println!("wrote {n} files, {:.1} MB, to {}", bytes as f64 / 1e6, dir.display());
        return;
    }
    let bin = env!("CARGO_BIN_EXE_ecs-triage");
    let n = 10_000;
    let dir = std::env::temp_dir().join("ecs-triage-bench-corpus");
    let _ = std::fs::remove_dir_all(&dir);
    let bytes = generate(&dir, n);
    let mb = bytes as f64 / 1e6;
    println!(
        "corpus: {n} task-definition files, {mb:.1} MB ({:.1} KB each) in {}",
        bytes as f64 / n as f64 / 1e3,
        dir.display()
    );

    // serde_json's raw parse of the same bytes (files already in memory).
    let texts: Vec<Vec<u8>> =
        (0..n).map(|i| std::fs::read(dir.join(format!("taskdef-{i:05}.json"))).unwrap()).collect();
    let serde_times: Vec<Duration> = (0..5)
        .map(|_| {
            let t = Instant::now();
            for b in &texts {
                let v: serde_json::Value = serde_json::from_slice(b).unwrap();
                std::hint::black_box(v);
            }
            t.elapsed()
        })
        .collect();
    let serde = median(serde_times);
    // Our own positioned parser on one core, the same way.
    let own_times: Vec<Duration> = (0..5)
        .map(|_| {
            let t = Instant::now();
            for b in &texts {
                let s = std::str::from_utf8(b).unwrap();
                std::hint::black_box(ecs_triage::source::json::parse(s).unwrap());
            }
            t.elapsed()
        })
        .collect();
    let own = median(own_times);
    drop(texts);

    // The binary, end to end (read, parse, model, rules, report).
    let corpus = dir.to_str().unwrap();
    time_runs(bin, &["lint", "--no-config", "-f", "json", "-o", "/dev/null", corpus], 1); // warm the page cache
    let json_times = time_runs(bin, &["lint", "--no-config", "-f", "json", "-o", "/dev/null", corpus], 7);
    let table_times = time_runs(bin, &["lint", "--no-config", "-f", "table", "-o", "/dev/null", corpus], 5);
    let peak = peak_rss_children_mb();
    let out = Command::new(bin).args(["lint", "--no-config", "-f", "json", corpus]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = v["findings"].as_array().map_or(0, Vec::len);

    let small = dir.join("taskdef-00000.json");
    let small_s = small.to_str().unwrap();
    let small_times = time_runs(bin, &["lint", "--no-config", "-f", "json", "-o", "/dev/null", small_s], 51);
    let mut sorted = small_times.clone();
    sorted.sort();
    let small_med = median(small_times);
    let small_p95 = sorted[sorted.len() * 95 / 100];

    let lint_json = median(json_times);
    let lint_table = median(table_times);
    let tput = |d: Duration| mb / d.as_secs_f64();
    println!();
    println!("| measurement | time | throughput |");
    println!("|---|---|---|");
    println!(
        "| serde_json::Value parse, 1 core, in memory | {:.0} ms | {:.0} MB/s |",
        serde.as_secs_f64() * 1e3,
        tput(serde)
    );
    println!(
        "| ecs-triage positioned parser, 1 core, in memory | {:.0} ms | {:.0} MB/s |",
        own.as_secs_f64() * 1e3,
        tput(own)
    );
    println!(
        "| `ecs-triage lint` {n} files, json report (median of 7) | {:.0} ms | {:.0} MB/s |",
        lint_json.as_secs_f64() * 1e3,
        tput(lint_json)
    );
    println!(
        "| `ecs-triage lint` {n} files, table report (median of 5) | {:.0} ms | {:.0} MB/s |",
        lint_table.as_secs_f64() * 1e3,
        tput(lint_table)
    );
    println!(
        "| `ecs-triage lint` one small file (median / p95 of 51) | {:.1} / {:.1} ms | |",
        small_med.as_secs_f64() * 1e3,
        small_p95.as_secs_f64() * 1e3
    );
    println!();
    println!(
        "peak RSS of the lint runs: {peak:.0} MB; findings on the corpus: {findings} (exit {:?})",
        out.status.code()
    );
    println!("cores: {}", std::thread::available_parallelism().map_or(1, |n| n.get()));

    let _ = std::fs::remove_dir_all(&dir);
    report(&[
        ("10,000 files under 1 s", lint_json.max(lint_table) < Duration::from_secs(1)),
        ("peak memory under 150 MB", peak < 150.0),
        ("one small file under 10 ms", small_med < Duration::from_millis(10)),
    ]);
}
