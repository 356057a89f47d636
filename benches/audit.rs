//! The audit benchmark: `cargo bench --bench audit`.
//!
//! Starts moto's server (patched by `scripts/moto/server.py`, with the venv
//! `scripts/test` installs into `~/.cache/ecs-triage/tools`, or
//! `MOTO_PYTHON=/path/to/python`) on a free loopback port, and builds an
//! account through the API: 20 clusters, 500 services (25 a cluster) over 300
//! task definitions, 2,000 stopped tasks (100 a cluster, started by the
//! services), 50 log groups and one execution role, in the default VPC. Known
//! defects are planted: 5 task definitions (used by 8 or 9 services each) name
//! a log group that does not exist, and the stopped tasks of cluster
//! `bench-0` failed to pull their image (i/o timeout, `TaskFailedToStart`),
//! the rest stopped with an application error (exit code 1,
//! `EssentialContainerExited`). Then runs `ecs-triage audit --stats` with the
//! release binary and checks:
//!
//! - the audit completes (exit 0 or 1);
//! - the calls it makes are within 10 % of the fewest that can read that
//!   account (the bound `docs/live.md` derives, worked out below).
//!
//! Side by side, on the same account, when their paths are given:
//! `PEER_ECS_DOCTOR=/path/to/ecs-doctor` (PyPI `ecs-doctor`, run once per
//! service, two at a time) and `PEER_PROWLER=/path/to/prowler` (`prowler aws
//! --service ecs`), both pointed at moto with `AWS_ENDPOINT_URL`: their wall
//! time and what they report.

use serde_json::Value;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[path = "common.rs"]
mod common;

const CLUSTERS: usize = 20;
const SERVICES_PER_CLUSTER: usize = 25;
const TASK_DEFINITIONS: usize = 300;
const STOPPED_PER_CLUSTER: usize = 100;
const LOG_GROUPS: usize = 50;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn moto_python() -> std::path::PathBuf {
    if let Some(p) = std::env::var_os("MOTO_PYTHON") {
        return p.into();
    }
    let cache = std::env::var_os("ECS_TRIAGE_CACHE")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from(std::env::var("HOME").unwrap()).join(".cache/ecs-triage"));
    cache.join("tools/moto-5.2.5/bin/python")
}

/// The planted defects: task definitions whose log group does not exist.
const MISSING_GROUP_TDS: [usize; 5] = [3, 61, 122, 187, 249];

struct Moto(std::process::Child);

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn main() {
    let bin = env!("CARGO_BIN_EXE_ecs-triage");
    let server = moto_python();
    assert!(
        server.exists(),
        "{} is missing: run scripts/test once (it installs moto), or set MOTO_PYTHON",
        server.display()
    );
    let port = free_port();
    let _moto = Moto(
        Command::new(&server)
            .args(["scripts/moto/server.py", "--host", "127.0.0.1", "--port", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start moto"),
    );
    let url = format!("http://127.0.0.1:{port}");
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(start.elapsed() < Duration::from_secs(30), "moto did not start");
        std::thread::sleep(Duration::from_millis(100));
    }

    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let t = Instant::now();
    rt.block_on(build(&url));
    println!(
        "built {CLUSTERS} clusters, {} services, {TASK_DEFINITIONS} task definitions, {} stopped tasks in moto in {:.1} s",
        CLUSTERS * SERVICES_PER_CLUSTER,
        CLUSTERS * STOPPED_PER_CLUSTER,
        t.elapsed().as_secs_f64()
    );

    let run = || {
        let t = Instant::now();
        let out = Command::new(bin)
            .args([
                "audit",
                "--endpoint-url",
                &url,
                "--region",
                "us-east-1",
                "--stats",
                "--format",
                "json",
                "--no-config",
            ])
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .output()
            .expect("run ecs-triage");
        (t.elapsed(), out)
    };
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..3 {
        let (d, out) = run();
        assert!(matches!(out.status.code(), Some(0 | 1)), "audit failed: {}", String::from_utf8_lossy(&out.stderr));
        times.push(d);
        last = Some(out);
    }
    let out = last.unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let calls: usize = stderr
        .lines()
        .find_map(|l| l.strip_prefix("API calls: "))
        .and_then(|n| n.trim().parse().ok())
        .expect("--stats prints the calls");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = report["findings"].as_array().map_or(0, Vec::len);

    // The fewest calls (docs/live.md), from what the account holds (read
    // back with `snapshot`): account, list + describe clusters; per cluster
    // one page of services and ⌈S/10⌉ describes, one page each of running
    // and stopped tasks and ⌈T/100⌉ describes; one describe per task
    // definition and per log group; the role (get, list inline, get inline,
    // list attached); the default VPC (subnets, VPC, two DNS attributes,
    // five per-VPC lists, security groups).
    let snap = Command::new(bin)
        .args(["snapshot", "--endpoint-url", &url, "--region", "us-east-1"])
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .output()
        .expect("run ecs-triage snapshot");
    let snap: Value = serde_json::from_slice(&snap.stdout).expect("a snapshot");
    let count_by_cluster = |key: &str| {
        let mut m = std::collections::BTreeMap::<String, usize>::new();
        for x in snap["ecs"][key].as_array().unwrap() {
            *m.entry(x["clusterArn"].as_str().unwrap_or_default().to_string()).or_default() += 1;
        }
        m
    };
    let services = count_by_cluster("services");
    let tasks = count_by_cluster("tasks");
    let clusters = snap["ecs"]["clusters"].as_array().unwrap().len();
    let tds = snap["ecs"]["taskDefinitions"].as_array().unwrap().len();
    // One lookup per distinct group named, whether it exists or not.
    let groups = snap["ecs"]["taskDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|td| td["containerDefinitions"].as_array().unwrap())
        .filter_map(|c| c["logConfiguration"]["options"]["awslogs-group"].as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let per_cluster: usize = snap["ecs"]["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let arn = c["clusterArn"].as_str().unwrap();
            let s = services.get(arn).copied().unwrap_or(0);
            let t = tasks.get(arn).copied().unwrap_or(0);
            // + one page of EventBridge rules targeting the cluster (per bus).
            1 + s.div_ceil(10) + 2 + t.div_ceil(100) + 1
        })
        .sum();
    // + one page of event buses (moto has only the default one).
    let bound = 1 + 1 + 1 + per_cluster + tds + groups + 4 + 10 + 1;
    println!(
        "read back: {clusters} clusters, {} services, {} tasks, {tds} task definitions, {groups} log groups",
        services.values().sum::<usize>(),
        tasks.values().sum::<usize>()
    );
    let median = common::median(times);
    println!();
    println!("| measurement | value |");
    println!("|---|---|");
    println!("| `ecs-triage audit` wall time (median of 3) | {:.2} s |", median.as_secs_f64());
    println!("| API calls made (`--stats`) | {calls} |");
    println!("| fewest calls that read this account | {bound} |");
    println!("| findings | {findings} |");
    println!();
    print!("{stderr}");
    let mut by_rule = std::collections::BTreeMap::<String, usize>::new();
    for f in report["findings"].as_array().unwrap() {
        *by_rule.entry(f["rule"].as_str().unwrap().to_string()).or_default() += 1;
    }
    println!("ecs-triage findings by rule: {by_rule:?}");
    peers(&url, &snap, median);
    common::report(&[("calls within 10 % of the bound", calls as f64 <= bound as f64 * 1.1)]);
}

/// The peer tools on the same account, when their paths are given.
fn peers(url: &str, snap: &Value, ours: Duration) {
    let env = |c: &mut Command| {
        c.env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ENDPOINT_URL", url)
            .env("AWS_EC2_METADATA_DISABLED", "true");
    };
    let mut rows = vec![format!("| ecs-triage audit | {:.1} s | 1 |", ours.as_secs_f64())];
    if let Some(doctor) = std::env::var_os("PEER_ECS_DOCTOR") {
        // One diagnosis per service, two at a time (two cores).
        let services: Vec<(String, String)> = snap["ecs"]["services"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["clusterArn"].as_str().unwrap().to_string(), s["serviceName"].as_str().unwrap().to_string()))
            .collect();
        let t = Instant::now();
        let mut by_type = std::collections::BTreeMap::<String, usize>::new();
        let mut causes = std::collections::BTreeMap::<String, usize>::new();
        for pair in services.chunks(2) {
            let children: Vec<_> = pair
                .iter()
                .map(|(cluster, service)| {
                    let mut c = Command::new(&doctor);
                    env(&mut c);
                    c.args(["diagnose", "--cluster", cluster, "--service", service, "--json"])
                        .stdout(Stdio::piped())
                        .stderr(Stdio::null())
                        .spawn()
                        .expect("run ecs-doctor")
                })
                .collect();
            for child in children {
                let out = child.wait_with_output().unwrap();
                let Ok(v) = serde_json::from_slice::<Value>(&out.stdout) else { continue };
                for f in v["all_findings"].as_array().into_iter().flatten() {
                    *by_type.entry(f["type"].as_str().unwrap_or("?").to_string()).or_default() += 1;
                }
                *causes.entry(v["root_cause"]["cause"].as_str().unwrap_or("(none)").to_string()).or_default() += 1;
            }
        }
        let d = t.elapsed();
        println!("ecs-doctor findings by type, over {} services: {by_type:?}", services.len());
        println!("ecs-doctor root causes: {causes:?}");
        rows.push(format!("| ecs-doctor diagnose (per service) | {:.1} s | {} |", d.as_secs_f64(), services.len()));
    }
    if let Some(prowler) = std::env::var_os("PEER_PROWLER") {
        let dir = tempfile::tempdir().unwrap();
        let t = Instant::now();
        let mut c = Command::new(&prowler);
        env(&mut c);
        let out = c
            .args(["aws", "--service", "ecs", "-f", "us-east-1", "--no-banner", "-M", "json-ocsf", "-z", "-F", "scan"])
            .arg("-o")
            .arg(dir.path())
            .output()
            .expect("run prowler");
        let d = t.elapsed();
        let text = std::fs::read_to_string(dir.path().join("scan.ocsf.json")).unwrap_or_else(|_| {
            panic!("prowler wrote no report: {}", String::from_utf8_lossy(&out.stderr));
        });
        let v: Value = serde_json::from_str(&text).unwrap();
        let mut failed = std::collections::BTreeMap::<String, usize>::new();
        for f in v.as_array().unwrap().iter().filter(|f| f["status_code"] == "FAIL") {
            *failed.entry(f["metadata"]["event_code"].as_str().unwrap_or("?").to_string()).or_default() += 1;
        }
        println!("prowler failed checks: {failed:?}");
        rows.push(format!("| prowler aws --service ecs | {:.1} s | 1 |", d.as_secs_f64()));
    }
    if rows.len() > 1 {
        println!();
        println!("| tool | wall time | runs |");
        println!("|---|---|---|");
        for r in rows {
            println!("{r}");
        }
        println!();
    }
}

/// Sets a task's fields through the moto extension's endpoint
/// (`scripts/moto/server.py`), with a plain HTTP/1.1 request.
fn set_task(url: &str, cluster: &str, task: &str, set: Value) {
    use std::io::{Read, Write};
    let addr = url.strip_prefix("http://").unwrap();
    let body = serde_json::json!({"cluster": cluster, "task": task, "set": set}).to_string();
    let mut conn = std::net::TcpStream::connect(addr).unwrap();
    write!(
        conn,
        "POST /ecs-triage/task HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200") || answer.starts_with("HTTP/1.0 200"), "{answer}");
}

async fn build(url: &str) {
    let conf = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(url)
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_ecs::config::Credentials::new("testing", "testing", None, None, "bench"))
        .load()
        .await;
    let ecs = aws_sdk_ecs::Client::new(&conf);
    let logs = aws_sdk_cloudwatchlogs::Client::new(&conf);
    let iam = aws_sdk_iam::Client::new(&conf);
    let ec2 = aws_sdk_ec2::Client::new(&conf);
    let subnets: Vec<String> = ec2
        .describe_subnets()
        .filters(aws_sdk_ec2::types::Filter::builder().name("default-for-az").values("true").build())
        .send()
        .await
        .unwrap()
        .subnets()
        .iter()
        .filter_map(|s| s.subnet_id().map(String::from))
        .take(2)
        .collect();
    let sg: String = ec2
        .describe_security_groups()
        .filters(aws_sdk_ec2::types::Filter::builder().name("group-name").values("default").build())
        .send()
        .await
        .unwrap()
        .security_groups()[0]
        .group_id()
        .unwrap()
        .to_string();
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    let role = iam.create_role().role_name("bench-execution").assume_role_policy_document(trust).send().await.unwrap();
    let role = role.role().unwrap().arn().to_string();
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr:GetAuthorizationToken","ecr:BatchGetImage","ecr:GetDownloadUrlForLayer","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#;
    iam.put_role_policy()
        .role_name("bench-execution")
        .policy_name("pull-and-log")
        .policy_document(policy)
        .send()
        .await
        .unwrap();
    for g in 0..LOG_GROUPS {
        logs.create_log_group().log_group_name(format!("/ecs/bench-{g}")).send().await.unwrap();
    }
    use aws_sdk_ecs::types::*;
    let mut tds = Vec::new();
    for i in 0..TASK_DEFINITIONS {
        let log = LogConfiguration::builder()
            .log_driver(LogDriver::Awslogs)
            .options(
                "awslogs-group",
                if MISSING_GROUP_TDS.contains(&i) {
                    format!("/ecs/bench-missing-{i}")
                } else {
                    format!("/ecs/bench-{}", i % LOG_GROUPS)
                },
            )
            .options("awslogs-region", "us-east-1")
            .options("awslogs-stream-prefix", "app")
            .build()
            .unwrap();
        let c = ContainerDefinition::builder()
            .name("app")
            .image(format!("public.ecr.aws/docker/library/nginx:1.{}", i % 27))
            .memory(512)
            .essential(true)
            .log_configuration(log)
            .build();
        let out = ecs
            .register_task_definition()
            .family(format!("bench-{i}"))
            .network_mode(NetworkMode::Awsvpc)
            .requires_compatibilities(Compatibility::Fargate)
            .cpu("256")
            .memory("512")
            .execution_role_arn(&role)
            .container_definitions(c)
            .send()
            .await
            .unwrap();
        tds.push(out.task_definition().unwrap().task_definition_arn().unwrap().to_string());
    }
    let net = || {
        NetworkConfiguration::builder()
            .awsvpc_configuration(
                AwsVpcConfiguration::builder()
                    .set_subnets(Some(subnets.clone()))
                    .security_groups(&sg)
                    .assign_public_ip(AssignPublicIp::Enabled)
                    .build()
                    .unwrap(),
            )
            .build()
    };
    for c in 0..CLUSTERS {
        let cluster = format!("bench-{c}");
        ecs.create_cluster().cluster_name(&cluster).send().await.unwrap();
        for s in 0..SERVICES_PER_CLUSTER {
            let n = c * SERVICES_PER_CLUSTER + s;
            ecs.create_service()
                .cluster(&cluster)
                .service_name(format!("svc-{s}"))
                .task_definition(&tds[n % TASK_DEFINITIONS])
                .desired_count(2)
                .launch_type(LaunchType::Fargate)
                .network_configuration(net())
                .send()
                .await
                .unwrap();
        }
        // Stopped tasks of the cluster's services, ten per service run.
        let mut arns = Vec::new();
        while arns.len() < STOPPED_PER_CLUSTER {
            let s = (arns.len() / 10) % SERVICES_PER_CLUSTER;
            let out = ecs
                .run_task()
                .cluster(&cluster)
                .task_definition(&tds[(c * SERVICES_PER_CLUSTER + s) % TASK_DEFINITIONS])
                .group(format!("service:svc-{s}"))
                .count(10)
                .launch_type(LaunchType::Fargate)
                .network_configuration(net())
                .send()
                .await
                .unwrap();
            arns.extend(out.tasks().iter().filter_map(|t| t.task_arn().map(String::from)));
        }
        let reason = if c == 0 {
            "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref public.ecr.aws/docker/library/nginx:1.4: failed to do request: Head \"https://public.ecr.aws/v2/docker/library/nginx/manifests/1.4\": dial tcp 99.83.145.10:443: i/o timeout"
        } else {
            "Essential container in task exited"
        };
        // As ECS records them: a failed pull stops the task before it
        // starts; an application error is an essential container's exit.
        let (stop_code, exit_code) =
            if c == 0 { ("TaskFailedToStart", None) } else { ("EssentialContainerExited", Some(1)) };
        for arn in arns {
            ecs.stop_task().cluster(&cluster).task(&arn).reason(reason).send().await.unwrap();
            let mut set = serde_json::json!({"stopCode": stop_code});
            if let Some(code) = exit_code {
                set["containers"] = serde_json::json!({"app": {"exitCode": code}});
            }
            set_task(url, &cluster, &arn, set);
        }
    }
}
