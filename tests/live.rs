//! Live mode against a real AWS API server: moto, started on loopback by
//! `scripts/test` (its URL in `ECS_TRIAGE_MOTO`). Each test builds its own
//! resources through the API, under names no other test uses, and runs the
//! `ecs-triage` binary against them as a user would.

use serde_json::Value;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

fn moto() -> Option<String> {
    match std::env::var("ECS_TRIAGE_MOTO") {
        Ok(url) => Some(url),
        Err(_) if std::env::var_os("ECS_TRIAGE_REQUIRE_TOOLS").is_some() => {
            panic!("ECS_TRIAGE_MOTO is not set but ECS_TRIAGE_REQUIRE_TOOLS is: run the tests through scripts/test")
        }
        Err(_) => {
            eprintln!("skipped: no moto server (scripts/test starts one and sets ECS_TRIAGE_MOTO)");
            None
        }
    }
}

/// A name no other test (or run) uses.
fn unique(prefix: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    format!("{prefix}-{}-{nanos}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed))
}

fn set_credentials(cmd: &mut Command) -> &mut Command {
    cmd.env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env_remove("AWS_PROFILE")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("AWS_EC2_METADATA_DISABLED", "true")
}

fn ecs_triage(args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ecs-triage"));
    set_credentials(&mut cmd).env("NO_COLOR", "1").args(args).output().expect("run ecs-triage")
}

struct Setup {
    ecs: aws_sdk_ecs::Client,
    logs: aws_sdk_cloudwatchlogs::Client,
    iam: aws_sdk_iam::Client,
    subnets: Vec<String>,
    security_groups: Vec<String>,
    rt: tokio::runtime::Runtime,
}

fn setup(url: &str) -> Setup {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let conf = rt.block_on(
        aws_config::defaults(aws_config::BehaviorVersion::latest())
            .endpoint_url(url)
            .region(aws_config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_ecs::config::Credentials::new("testing", "testing", None, None, "tests"))
            .load(),
    );
    let ec2 = aws_sdk_ec2::Client::new(&conf);
    let (subnets, security_groups) = rt.block_on(async {
        let subnets = ec2
            .describe_subnets()
            .filters(aws_sdk_ec2::types::Filter::builder().name("default-for-az").values("true").build())
            .send()
            .await
            .expect("describe default subnets");
        let sgs = ec2
            .describe_security_groups()
            .filters(aws_sdk_ec2::types::Filter::builder().name("group-name").values("default").build())
            .send()
            .await
            .expect("describe default security group");
        (
            subnets.subnets().iter().filter_map(|s| s.subnet_id().map(String::from)).take(2).collect::<Vec<_>>(),
            sgs.security_groups().iter().filter_map(|g| g.group_id().map(String::from)).take(1).collect::<Vec<_>>(),
        )
    });
    assert!(!subnets.is_empty() && !security_groups.is_empty(), "moto has a default VPC");
    Setup {
        ecs: aws_sdk_ecs::Client::new(&conf),
        logs: aws_sdk_cloudwatchlogs::Client::new(&conf),
        iam: aws_sdk_iam::Client::new(&conf),
        subnets,
        security_groups,
        rt,
    }
}

impl Setup {
    /// A Fargate task definition whose one container logs to `group`.
    fn task_definition(&self, family: &str, group: &str) -> String {
        self.task_definition_with_roles(family, group, "arn:aws:iam::123456789012:role/ecsTaskExecutionRole", None)
    }

    /// A role trusting `service`, with one inline policy allowing `actions`.
    fn role(&self, name: &str, service: &str, actions: &[&str]) -> String {
        let trust = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"{service}"}},"Action":"sts:AssumeRole"}}]}}"#
        );
        let out = self
            .rt
            .block_on(self.iam.create_role().role_name(name).assume_role_policy_document(trust).send())
            .expect("create the role");
        let policy = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]});
        self.rt
            .block_on(
                self.iam
                    .put_role_policy()
                    .role_name(name)
                    .policy_name("inline")
                    .policy_document(policy.to_string())
                    .send(),
            )
            .expect("put the role policy");
        out.role().unwrap().arn().to_string()
    }

    fn task_definition_with_roles(&self, family: &str, group: &str, execution: &str, task: Option<&str>) -> String {
        use aws_sdk_ecs::types::*;
        let log = LogConfiguration::builder()
            .log_driver(LogDriver::Awslogs)
            .options("awslogs-group", group)
            .options("awslogs-region", "us-east-1")
            .options("awslogs-stream-prefix", "app")
            .build()
            .unwrap();
        let container = ContainerDefinition::builder()
            .name("app")
            .image("public.ecr.aws/nginx/nginx:1.27")
            .essential(true)
            .memory(512)
            .port_mappings(PortMapping::builder().container_port(80).build())
            .log_configuration(log)
            .build();
        let out = self
            .rt
            .block_on(
                self.ecs
                    .register_task_definition()
                    .family(family)
                    .network_mode(NetworkMode::Awsvpc)
                    .requires_compatibilities(Compatibility::Fargate)
                    .cpu("256")
                    .memory("512")
                    .execution_role_arn(execution)
                    .set_task_role_arn(task.map(String::from))
                    .container_definitions(container)
                    .send(),
            )
            .expect("register the task definition");
        out.task_definition().and_then(|t| t.task_definition_arn()).unwrap().to_string()
    }

    fn cluster(&self, name: &str) {
        self.rt.block_on(self.ecs.create_cluster().cluster_name(name).send()).expect("create the cluster");
    }

    fn service(&self, cluster: &str, name: &str, task_definition: &str) {
        use aws_sdk_ecs::types::*;
        let net = NetworkConfiguration::builder()
            .awsvpc_configuration(
                AwsVpcConfiguration::builder()
                    .set_subnets(Some(self.subnets.clone()))
                    .set_security_groups(Some(self.security_groups.clone()))
                    .assign_public_ip(AssignPublicIp::Enabled)
                    .build()
                    .unwrap(),
            )
            .build();
        self.rt
            .block_on(
                self.ecs
                    .create_service()
                    .cluster(cluster)
                    .service_name(name)
                    .task_definition(task_definition)
                    .desired_count(1)
                    .launch_type(LaunchType::Fargate)
                    .network_configuration(net)
                    .send(),
            )
            .expect("create the service");
    }

    fn enable_exec(&self, cluster: &str, service: &str) {
        self.rt
            .block_on(self.ecs.update_service().cluster(cluster).service(service).enable_execute_command(true).send())
            .expect("update the service");
    }

    fn log_group(&self, name: &str) {
        self.rt.block_on(self.logs.create_log_group().log_group_name(name).send()).expect("create the log group");
    }
}

fn findings(out: &Output) -> Vec<Value> {
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    });
    doc["findings"].as_array().cloned().unwrap_or_default()
}

/// A service whose log group was deleted: `audit` finds it, and a saved
/// snapshot replays to the same findings.
#[test]
fn missing_log_group_is_found_and_the_snapshot_replays_it() {
    let Some(url) = moto() else { return };
    let s = setup(&url);
    let cluster = unique("logs");
    s.cluster(&cluster);
    let present = format!("/ecs/{}", unique("present"));
    let missing = format!("/ecs/{}", unique("deleted"));
    s.log_group(&present);
    let good = s.task_definition(&unique("good"), &present);
    let bad = s.task_definition(&unique("bad"), &missing);
    s.service(&cluster, "web", &good);
    s.service(&cluster, "worker", &bad);

    let out = ecs_triage(&[
        "audit",
        "--endpoint-url",
        &url,
        "--cluster",
        &cluster,
        "--format",
        "json",
        "--no-config",
        "--stats",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "an error finding: exit 1\n{stderr}");
    let live = findings(&out);
    let ecs403: Vec<&Value> = live.iter().filter(|f| f["rule"] == "ECS403").collect();
    assert_eq!(ecs403.len(), 1, "{live:#?}");
    assert_eq!(ecs403[0]["severity"], "error");
    let msg = ecs403[0]["message"].as_str().unwrap();
    assert!(msg.contains(&missing) && msg.contains("does not exist"), "{msg}");
    assert!(!live.iter().any(|f| f["message"].as_str().unwrap_or("").contains(&present)), "{live:#?}");
    // Every call is counted: one cluster, two services, two task
    // definitions, two log groups, one execution role (which does not
    // exist): 11 calls.
    for line in ["ecs:DescribeServices", "ecs:DescribeTaskDefinition", "logs:DescribeLogGroups"] {
        assert!(stderr.contains(line), "--stats shows {line}:\n{stderr}");
    }
    assert!(stderr.contains("API calls: 11"), "{stderr}");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("snap.json");
    let file = file.to_str().unwrap();
    let out = ecs_triage(&["snapshot", "--endpoint-url", &url, "--cluster", &cluster, "-o", file]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let snap: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    assert_eq!(snap["ecs"]["services"].as_array().map(Vec::len), Some(2));
    assert_eq!(snap["ecs"]["taskDefinitions"].as_array().map(Vec::len), Some(2));
    let out = ecs_triage(&["audit", "--snapshot", file, "--format", "json", "--no-config"]);
    assert_eq!(out.status.code(), Some(1));
    let replayed = findings(&out);
    let key = |f: &Value| {
        (f["rule"].clone(), f["message"].clone(), f["location"]["line"].clone(), f["location"]["column"].clone())
    };
    assert_eq!(live.iter().map(key).collect::<Vec<_>>(), replayed.iter().map(key).collect::<Vec<_>>());
}

/// Roles read from IAM decide the permission rules: a task role without
/// `ssmmessages` under ECS Exec, an execution role that trusts EC2.
#[test]
fn roles_are_read_and_judged() {
    let Some(url) = moto() else { return };
    let s = setup(&url);
    let cluster = unique("iam");
    s.cluster(&cluster);
    let group = format!("/ecs/{}", unique("iam"));
    s.log_group(&group);
    let reads = [
        "ecr:GetAuthorizationToken",
        "ecr:BatchGetImage",
        "ecr:GetDownloadUrlForLayer",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
    ];
    let exec_role = s.role(&unique("exec"), "ecs-tasks.amazonaws.com", &reads);
    let task_role = s.role(&unique("task"), "ecs-tasks.amazonaws.com", &["s3:GetObject"]);
    let ec2_role = s.role(&unique("ec2"), "ec2.amazonaws.com", &reads);
    let app = s.task_definition_with_roles(&unique("app"), &group, &exec_role, Some(&task_role));
    let other = s.task_definition_with_roles(&unique("other"), &group, &ec2_role, None);
    s.service(&cluster, "app", &app);
    s.enable_exec(&cluster, "app");
    s.service(&cluster, "other", &other);

    let out = ecs_triage(&["audit", "--endpoint-url", &url, "--cluster", &cluster, "--format", "json", "--no-config"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let found = findings(&out);
    let of = |rule: &str| found.iter().filter(|f| f["rule"] == rule).collect::<Vec<_>>();
    let exec = of("ECS606");
    assert_eq!(exec.len(), 1, "{found:#?}");
    assert!(exec[0]["message"].as_str().unwrap().contains(task_role.rsplit('/').next().unwrap()), "{exec:#?}");
    let trust = of("ECS501");
    assert_eq!(trust.len(), 1, "{found:#?}");
    assert!(trust[0]["message"].as_str().unwrap().contains(ec2_role.rsplit('/').next().unwrap()), "{trust:#?}");
    // The execution roles may pull and log: nothing about them.
    for rule in ["ECS403", "ECS404", "ECS405", "ECS502"] {
        assert!(of(rule).is_empty(), "{rule}: {found:#?}");
    }
}

/// Nothing answers: a clear error and exit 2, within the timeout.
#[test]
fn unreachable_endpoint_is_exit_2_within_the_timeout() {
    let start = Instant::now();
    let out = ecs_triage(&["audit", "--endpoint-url", "http://127.0.0.1:9", "--timeout", "3", "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("nothing could be read from the account"), "{stderr}");
    assert!(start.elapsed() < Duration::from_secs(30), "took {:?}", start.elapsed());
    assert!(out.stdout.is_empty());
}
