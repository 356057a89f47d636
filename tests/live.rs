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

/// What an execution role needs to pull from ECR and write to CloudWatch Logs.
const PULL_AND_LOG: [&str; 5] = [
    "ecr:GetAuthorizationToken",
    "ecr:BatchGetImage",
    "ecr:GetDownloadUrlForLayer",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
];

struct Setup {
    conf: aws_config::SdkConfig,
    ec2: aws_sdk_ec2::Client,
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
        conf: conf.clone(),
        ec2,
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
        self.task_definition_full(family, group, execution, task, "public.ecr.aws/nginx/nginx:1.27")
    }

    fn task_definition_with_image(&self, family: &str, group: &str, execution: &str, image: &str) -> String {
        self.task_definition_full(family, group, execution, None, image)
    }

    fn task_definition_full(
        &self,
        family: &str,
        group: &str,
        execution: &str,
        task: Option<&str>,
        image: &str,
    ) -> String {
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
            .image(image)
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
        self.service_in(cluster, name, task_definition, &self.subnets, &self.security_groups, true)
    }

    fn service_in(
        &self,
        cluster: &str,
        name: &str,
        task_definition: &str,
        subnets: &[String],
        groups: &[String],
        public_ip: bool,
    ) {
        let net = net(subnets, groups, public_ip);
        self.create_service(cluster, name, task_definition, |b| b.network_configuration(net));
    }

    /// A Fargate service of one task, as `customize` makes it.
    fn create_service(
        &self,
        cluster: &str,
        name: &str,
        task_definition: &str,
        customize: impl FnOnce(
            aws_sdk_ecs::operation::create_service::builders::CreateServiceFluentBuilder,
        ) -> aws_sdk_ecs::operation::create_service::builders::CreateServiceFluentBuilder,
    ) {
        let b = self
            .ecs
            .create_service()
            .cluster(cluster)
            .service_name(name)
            .task_definition(task_definition)
            .desired_count(1)
            .launch_type(aws_sdk_ecs::types::LaunchType::Fargate);
        self.rt.block_on(customize(b).send()).expect("create the service");
    }

    /// The default subnets and security group, with a public IP.
    fn default_net(&self) -> aws_sdk_ecs::types::NetworkConfiguration {
        net(&self.subnets, &self.security_groups, true)
    }

    /// Runs `count` Fargate tasks in the default subnets; their ARNs.
    fn run_tasks(&self, cluster: &str, task_definition: &str, count: i32) -> Vec<String> {
        use aws_sdk_ecs::types::*;
        let net = net(&self.subnets, &self.security_groups, false);
        let out = self
            .rt
            .block_on(
                self.ecs
                    .run_task()
                    .cluster(cluster)
                    .task_definition(task_definition)
                    .count(count)
                    .launch_type(LaunchType::Fargate)
                    .network_configuration(net)
                    .send(),
            )
            .expect("run the tasks");
        out.tasks().iter().map(|t| t.task_arn().unwrap().to_string()).collect()
    }

    /// Runs one Fargate task as service `service`'s (its `group`), which
    /// the moto extension lists under the service; its ARN.
    fn run_service_task(
        &self,
        cluster: &str,
        service: &str,
        task_definition: &str,
        net: aws_sdk_ecs::types::NetworkConfiguration,
        exec: bool,
    ) -> String {
        let run = self
            .ecs
            .run_task()
            .cluster(cluster)
            .task_definition(task_definition)
            .group(format!("service:{service}"))
            .launch_type(aws_sdk_ecs::types::LaunchType::Fargate)
            .network_configuration(net)
            .enable_execute_command(exec);
        let out = self.rt.block_on(run.send()).expect("run the task");
        out.tasks()[0].task_arn().unwrap().to_string()
    }

    fn enable_exec(&self, cluster: &str, service: &str) {
        self.rt
            .block_on(self.ecs.update_service().cluster(cluster).service(service).enable_execute_command(true).send())
            .expect("update the service");
    }

    /// A VPC with DNS on, a public subnet (internet gateway) and a private
    /// one; the private one routes to a NAT gateway in the public one when
    /// `nat`. Returns (private subnet, default security group, VPC, private
    /// route table, public subnet).
    fn vpc(&self, cidr_octet: u8, nat: bool) -> (String, String, String, String, String) {
        use aws_sdk_ec2::types::*;
        let ec2 = &self.ec2;
        self.rt.block_on(async {
            let vpc = ec2.create_vpc().cidr_block(format!("10.{cidr_octet}.0.0/16")).send().await.unwrap();
            let vpc = vpc.vpc().unwrap().vpc_id().unwrap().to_string();
            for attr in [true, false] {
                let on = AttributeBooleanValue::builder().value(true).build();
                let m = ec2.modify_vpc_attribute().vpc_id(&vpc);
                let m = if attr { m.enable_dns_support(on) } else { m.enable_dns_hostnames(on) };
                m.send().await.unwrap();
            }
            let vpc_id = &vpc;
            let subnet = |third: u8| async move {
                let cidr = format!("10.{cidr_octet}.{third}.0/24");
                let out = ec2.create_subnet().vpc_id(vpc_id).cidr_block(cidr).availability_zone("us-east-1a").send();
                out.await.unwrap().subnet().unwrap().subnet_id().unwrap().to_string()
            };
            let public = subnet(0).await;
            let private = subnet(1).await;
            let igw = ec2.create_internet_gateway().send().await.unwrap();
            let igw = igw.internet_gateway().unwrap().internet_gateway_id().unwrap().to_string();
            ec2.attach_internet_gateway().internet_gateway_id(&igw).vpc_id(&vpc).send().await.unwrap();
            let table = || ec2.create_route_table().vpc_id(&vpc).send();
            let public_rt = table().await.unwrap().route_table().unwrap().route_table_id().unwrap().to_string();
            ec2.create_route()
                .route_table_id(&public_rt)
                .destination_cidr_block("0.0.0.0/0")
                .gateway_id(&igw)
                .send()
                .await
                .unwrap();
            ec2.associate_route_table().route_table_id(&public_rt).subnet_id(&public).send().await.unwrap();
            let private_rt = table().await.unwrap().route_table().unwrap().route_table_id().unwrap().to_string();
            ec2.associate_route_table().route_table_id(&private_rt).subnet_id(&private).send().await.unwrap();
            if nat {
                let eip = ec2.allocate_address().domain(DomainType::Vpc).send().await.unwrap();
                let ngw = ec2
                    .create_nat_gateway()
                    .subnet_id(&public)
                    .allocation_id(eip.allocation_id().unwrap())
                    .send()
                    .await
                    .unwrap();
                let ngw = ngw.nat_gateway().unwrap().nat_gateway_id().unwrap().to_string();
                ec2.create_route()
                    .route_table_id(&private_rt)
                    .destination_cidr_block("0.0.0.0/0")
                    .nat_gateway_id(&ngw)
                    .send()
                    .await
                    .unwrap();
            }
            let sg = ec2
                .describe_security_groups()
                .filters(Filter::builder().name("vpc-id").values(&vpc).build())
                .filters(Filter::builder().name("group-name").values("default").build())
                .send()
                .await
                .unwrap();
            let sg = sg.security_groups()[0].group_id().unwrap().to_string();
            (private, sg, vpc, private_rt, public)
        })
    }

    /// Interface endpoints with private DNS in `subnet`, in `group`, which
    /// admits HTTPS from the VPC.
    fn endpoints(&self, vpc: &str, cidr: &str, subnet: &str, group: &str, services: &[&str]) {
        self.rt.block_on(async {
            let https = aws_sdk_ec2::types::IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(443)
                .to_port(443)
                .ip_ranges(aws_sdk_ec2::types::IpRange::builder().cidr_ip(cidr).build())
                .build();
            self.ec2.authorize_security_group_ingress().group_id(group).ip_permissions(https).send().await.unwrap();
            for svc in services {
                self.ec2
                    .create_vpc_endpoint()
                    .vpc_id(vpc)
                    .vpc_endpoint_type(aws_sdk_ec2::types::VpcEndpointType::Interface)
                    .service_name(format!("com.amazonaws.us-east-1.{svc}"))
                    .subnet_ids(subnet)
                    .security_group_ids(group)
                    .private_dns_enabled(true)
                    .send()
                    .await
                    .unwrap();
            }
        });
    }

    /// A new cluster and a new log group, named after `prefix`.
    fn cluster_with_log_group(&self, prefix: &str) -> (String, String) {
        let cluster = unique(prefix);
        self.cluster(&cluster);
        let group = format!("/ecs/{}", unique(prefix));
        self.log_group(&group);
        (cluster, group)
    }

    fn log_group(&self, name: &str) {
        self.rt.block_on(self.logs.create_log_group().log_group_name(name).send()).expect("create the log group");
    }
}

/// An awsvpc network configuration.
fn net(subnets: &[String], groups: &[String], public_ip: bool) -> aws_sdk_ecs::types::NetworkConfiguration {
    use aws_sdk_ecs::types::*;
    NetworkConfiguration::builder()
        .awsvpc_configuration(
            AwsVpcConfiguration::builder()
                .set_subnets(Some(subnets.to_vec()))
                .set_security_groups(Some(groups.to_vec()))
                .assign_public_ip(if public_ip { AssignPublicIp::Enabled } else { AssignPublicIp::Disabled })
                .build()
                .unwrap(),
        )
        .build()
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
    // The execution role both task definitions name was never created.
    let gone: Vec<&Value> = live.iter().filter(|f| f["rule"] == "ECS506").collect();
    assert_eq!(gone.len(), 2, "{live:#?}");
    assert!(gone.iter().all(|f| f["message"].as_str().unwrap().contains("ecsTaskExecutionRole")), "{gone:#?}");
    // Every call is counted: one cluster, two services, two task
    // definitions, two log groups, one execution role (which does not
    // exist), the default VPC (subnets, VPC, two DNS attributes, five
    // per-VPC lists, security groups): 21 calls; and the event buses (one
    // page) and the rules on each bus targeting the cluster (none), one call
    // a bus (other tests add buses to the shared moto meanwhile): the bound
    // docs/live.md derives.
    let count = |op: &str| -> usize {
        let line = stderr.lines().find(|l| l.trim_start().starts_with(op)).unwrap_or_else(|| panic!("{op}: {stderr}"));
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    };
    for op in ["ecs:DescribeServices", "ecs:DescribeTaskDefinition", "logs:DescribeLogGroups"] {
        assert!(count(op) > 0, "--stats shows {op}:\n{stderr}");
    }
    assert_eq!(count("events:ListEventBuses"), 1, "{stderr}");
    let buses = count("events:ListRuleNamesByTarget");
    assert!(buses >= 1, "{stderr}");
    assert!(stderr.contains(&format!("API calls: {}", 21 + 1 + buses)), "{stderr}");

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

    // Two Regions, each audited on its own: the cluster lives in one.
    let out = ecs_triage(&[
        "audit",
        "--endpoint-url",
        &url,
        "--cluster",
        &cluster,
        "--regions",
        "us-east-1,eu-west-1",
        "--format",
        "json",
        "--no-config",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let both = findings(&out);
    assert_eq!(both.iter().map(key).collect::<Vec<_>>(), live.iter().map(key).collect::<Vec<_>>());
    let files: std::collections::BTreeSet<&str> = both.iter().filter_map(|f| f["location"]["file"].as_str()).collect();
    assert_eq!(files.into_iter().collect::<Vec<_>>(), ["live-123456789012-us-east-1.json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("note: eu-west-1") && stderr.contains("no cluster"), "{stderr}");
}

/// Roles read from IAM decide the permission rules: a task role without
/// `ssmmessages` under ECS Exec, an execution role that trusts EC2.
#[test]
fn roles_are_read_and_judged() {
    let Some(url) = moto() else { return };
    let s = setup(&url);
    let (cluster, group) = s.cluster_with_log_group("iam");
    let exec_role = s.role(&unique("exec"), "ecs-tasks.amazonaws.com", &PULL_AND_LOG);
    let task_role = s.role(&unique("task"), "ecs-tasks.amazonaws.com", &["s3:GetObject"]);
    let ec2_role = s.role(&unique("ec2"), "ec2.amazonaws.com", &PULL_AND_LOG);
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

/// The network decides: the seed's classic (a public subnet without a
/// public IP), a private subnet with a NAT gateway (clean), and a private
/// subnet with ECR endpoints but no S3 gateway endpoint.
#[test]
fn network_paths_are_read_and_judged() {
    let Some(url) = moto() else { return };
    let s = setup(&url);
    let (cluster, group) = s.cluster_with_log_group("net");
    let exec_role = s.role(&unique("exec"), "ecs-tasks.amazonaws.com", &PULL_AND_LOG);
    let td = s.task_definition_with_image(
        &unique("net"),
        &group,
        &exec_role,
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.0",
    );
    let octet = (std::process::id() % 200) as u8 + 20;
    let (nat_subnet, nat_sg, _, _, public_subnet) = s.vpc(octet, true);
    s.service_in(&cluster, "public-no-ip", &td, &[public_subnet], std::slice::from_ref(&nat_sg), false);
    s.service_in(&cluster, "private-nat", &td, std::slice::from_ref(&nat_subnet), &[nat_sg], false);
    let (ep_subnet, ep_sg, ep_vpc, _, _) = s.vpc(octet + 1, false);
    s.endpoints(&ep_vpc, &format!("10.{}.0.0/16", octet + 1), &ep_subnet, &ep_sg, &["ecr.api", "ecr.dkr", "logs"]);
    s.service_in(&cluster, "endpoints-no-s3", &td, std::slice::from_ref(&ep_subnet), &[ep_sg], false);

    let out = ecs_triage(&["audit", "--endpoint-url", &url, "--cluster", &cluster, "--format", "json", "--no-config"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let found = findings(&out);
    let net: Vec<(String, String)> = found
        .iter()
        .filter(|f| f["rule"].as_str().unwrap_or("").starts_with("ECS30"))
        .map(|f| (f["rule"].as_str().unwrap().to_string(), f["message"].as_str().unwrap().to_string()))
        .collect();
    let on = |svc: &str| {
        net.iter().filter(|(_, m)| m.contains(&format!("`{svc}`"))).map(|(r, _)| r.as_str()).collect::<Vec<_>>()
    };
    assert_eq!(on("public-no-ip"), ["ECS301"], "{net:#?}");
    assert!(on("private-nat").is_empty(), "{net:#?}");
    assert_eq!(on("endpoints-no-s3"), ["ECS303"], "{net:#?}");
    assert!(net.iter().any(|(_, m)| m.contains("s3")), "{net:#?}");
}

/// `explain --task` reads a stopped task from the account and explains it,
/// with its task definition as evidence.
#[test]
fn explain_reads_a_stopped_task() {
    let Some(url) = moto() else { return };
    let s = setup(&url);
    let (cluster, group) = s.cluster_with_log_group("explain");
    let role = s.role(&unique("explain-exec"), "ecs-tasks.amazonaws.com", &PULL_AND_LOG);
    let td = s.task_definition_with_roles(&unique("job"), &group, &role, None);
    // The seed's classic: a service in a public subnet (routed to an
    // internet gateway) without a public IP, whose task could not reach ECR.
    let (_, sg, _, _, public) = s.vpc(10, false);
    let (subnets, groups) = (vec![public], vec![sg]);
    let service = unique("api");
    s.service_in(&cluster, &service, &td, &subnets, &groups, false);
    let arn = s.run_service_task(&cluster, &service, &td, net(&subnets, &groups, false), false);
    s.rt.block_on(async {
        s.ecs
            .stop_task()
            .cluster(&cluster)
            .task(&arn)
            .reason("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s): RequestError: send request failed caused by: Post \"https://api.ecr.us-east-1.amazonaws.com/\": dial tcp 52.94.1.1:443: i/o timeout. Please check your task network configuration.")
            .send()
            .await
            .expect("stop the task");
    });
    let out = ecs_triage(&["explain", "--endpoint-url", &url, "--task", &arn, "--format", "json", "--stats"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}\n{}", String::from_utf8_lossy(&out.stdout));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let explained = doc["explanations"].as_array().or_else(|| doc["inputs"].as_array()).cloned().unwrap_or_default();
    assert_eq!(explained.len(), 1, "{doc:#}");
    let e = &explained[0];
    assert_eq!(e["category"], "network-path", "{e:#}");
    assert!(e["entry"].as_str().is_some_and(|id| id.starts_with("SR")), "{e:#}");
    assert!(stderr.contains("ecs:DescribeTasks") && stderr.contains("ecs:DescribeTaskDefinition"), "{stderr}");
    // The account around the task decides: the network rules, run on the
    // service's subnets, confirm the cause; those about the rest rule out.
    let evidence = e["evidence"].to_string();
    assert!(evidence.contains("ECS301 confirms"), "{evidence}");
    assert!(evidence.contains("ruled out"), "{evidence}");
    assert!(e["causes"][0]["confirmed_by"].to_string().contains("ECS301"), "{e:#}");
    assert!(stderr.contains("ec2:DescribeRouteTables"), "{stderr}");
    // Without its cluster (DescribeClusters denied) the task is explained
    // alone, with its task definition read for the lint evidence.
    if let Some(p) = proxy(&url, &["--deny", "ecs:DescribeClusters"]) {
        let out = ecs_triage(&["explain", "--endpoint-url", &p.1, "--task", &arn, "--format", "json", "--stats"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        assert!(stderr.contains("could not be read") && stderr.contains("ecs:DescribeTaskDefinition"), "{stderr}");
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(doc["explanations"][0]["category"], "network-path", "{doc:#}");
    }
    // A bare task id is looked for in each cluster named.
    let id = arn.rsplit('/').next().unwrap();
    let out = ecs_triage(&[
        "explain",
        "--endpoint-url",
        &url,
        "--cluster",
        "no-such-cluster",
        "--cluster",
        &cluster,
        "--task",
        id,
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["explanations"].as_array().map(Vec::len), Some(1), "{doc:#}");

    // A task no service started: the rules about launching cannot speak
    // for it.
    let lone = s.run_tasks(&cluster, &td, 1).remove(0);
    s.rt.block_on(s.ecs.stop_task().cluster(&cluster).task(&lone).reason("CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref public.ecr.aws/nginx/nginx:1.27: failed to do request: Head \"https://public.ecr.aws/v2/nginx/nginx/manifests/1.27\": dial tcp 99.83.145.10:443: i/o timeout").send())
        .expect("stop the task");
    let out = ecs_triage(&["explain", "--endpoint-url", &url, "--task", &lone, "--format", "json"]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let evidence = doc["explanations"][0]["evidence"].to_string();
    assert!(evidence.contains("ECS301") && evidence.contains("not checked"), "{evidence}");
    assert!(!evidence.contains("ECS301 confirms"), "{evidence}");
}

/// `exec-check` on a task started without ECS Exec, from a machine without
/// the Session Manager plugin: both are in the way, and nothing about other
/// tasks is reported.
#[test]
fn exec_check_reports_what_is_in_the_way() {
    let Some(url) = moto() else { return };
    let s = setup(&url);
    let (cluster, group) = s.cluster_with_log_group("exec");
    let td = s.task_definition(&unique("shell"), &group);
    let tasks = s.run_tasks(&cluster, &td, 2);
    let empty = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ecs-triage"));
    set_credentials(&mut cmd).env("PATH", empty.path());
    let out = cmd
        .args(["exec-check", "--endpoint-url", &url, "--task", &tasks[0], "--format", "json", "--no-config"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let found = findings(&out);
    let rules: Vec<&str> = found.iter().map(|f| f["rule"].as_str().unwrap()).collect();
    assert!(rules.contains(&"ECS610"), "{found:#?}");
    let id = tasks[0].rsplit('/').next().unwrap();
    let other = tasks[1].rsplit('/').next().unwrap();
    let off: Vec<&Value> = found.iter().filter(|f| f["rule"] == "ECS601").collect();
    assert_eq!(off.len(), 1, "{found:#?}");
    assert!(off[0]["message"].as_str().unwrap().contains(id), "{off:#?}");
    assert!(!found.iter().any(|f| f["message"].as_str().unwrap().contains(other)), "{found:#?}");
}

/// Secrets and parameters the task definition references are looked up
/// (never read): a deleted secret and a missing parameter are ECS504, the
/// parameter that exists is not.
#[test]
fn missing_secrets_are_found() {
    let Some(url) = moto() else { return };
    let s = setup(&url);
    let (cluster, _) = s.cluster_with_log_group("secrets");
    let ssm = aws_sdk_ssm::Client::new(&s.conf);
    let present = format!("/{}/present", unique("p"));
    let absent = format!("/{}/absent", unique("p"));
    s.rt.block_on(
        ssm.put_parameter().name(&present).value("x").r#type(aws_sdk_ssm::types::ParameterType::SecureString).send(),
    )
    .expect("put the parameter");
    let gone = "arn:aws:secretsmanager:us-east-1:123456789012:secret:deleted-db-AbCdEf";
    let family = unique("secrets");
    let td = s.rt.block_on(async {
        use aws_sdk_ecs::types::*;
        let secret = |name: &str, from: &str| Secret::builder().name(name).value_from(from).build().unwrap();
        let c = ContainerDefinition::builder()
            .name("app")
            .image("public.ecr.aws/nginx/nginx:1.27")
            .memory(512)
            .secrets(secret("DB_PASSWORD", gone))
            .secrets(secret("PRESENT", &present))
            .secrets(secret("ABSENT", &absent))
            .build();
        let out = s
            .ecs
            .register_task_definition()
            .family(&family)
            .network_mode(NetworkMode::Awsvpc)
            .requires_compatibilities(Compatibility::Fargate)
            .cpu("256")
            .memory("512")
            .execution_role_arn("arn:aws:iam::123456789012:role/ecsTaskExecutionRole")
            .container_definitions(c)
            .send()
            .await
            .expect("register");
        out.task_definition().unwrap().task_definition_arn().unwrap().to_string()
    });
    s.service(&cluster, "api", &td);
    let out = ecs_triage(&["audit", "--endpoint-url", &url, "--cluster", &cluster, "--format", "json", "--no-config"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let found = findings(&out);
    let mut named: Vec<String> =
        found.iter().filter(|f| f["rule"] == "ECS504").map(|f| f["message"].as_str().unwrap().to_string()).collect();
    named.sort();
    assert_eq!(named.len(), 2, "{found:#?}");
    assert!(named.iter().any(|m| m.contains(gone) && m.contains("does not exist")), "{named:#?}");
    assert!(named.iter().any(|m| m.contains(&absent)), "{named:#?}");
    assert!(!named.iter().any(|m| m.contains(&present)), "{named:#?}");
}

/// Private ECR images are looked up: a tag never pushed and a repository
/// that does not exist are ECS505, the pushed tag is not.
#[test]
fn missing_images_are_found() {
    let Some(url) = moto() else { return };
    let s = setup(&url);
    let (cluster, group) = s.cluster_with_log_group("images");
    let ecr = aws_sdk_ecr::Client::new(&s.conf);
    let repo = unique("repo");
    let manifest = r#"{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":7023,"digest":"sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7"},"layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":32654,"digest":"sha256:e692418e4cbaf90ca69d05a66403747baa33ee08806650b51fab815ad7fc331f"}]}"#;
    s.rt.block_on(async {
        ecr.create_repository().repository_name(&repo).send().await.expect("create the repository");
        ecr.put_image()
            .repository_name(&repo)
            .image_manifest(manifest)
            .image_tag("1.0")
            .send()
            .await
            .expect("put the image");
    });
    let host = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
    let exec = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole";
    let pushed = s.task_definition_with_image(&unique("pushed"), &group, exec, &format!("{host}/{repo}:1.0"));
    let unpushed = s.task_definition_with_image(&unique("unpushed"), &group, exec, &format!("{host}/{repo}:2.0"));
    let norepo = s.task_definition_with_image(&unique("norepo"), &group, exec, &format!("{host}/{repo}-gone:1.0"));
    for (name, td) in [("pushed", &pushed), ("unpushed", &unpushed), ("norepo", &norepo)] {
        s.service(&cluster, name, td);
    }
    let out = ecs_triage(&["audit", "--endpoint-url", &url, "--cluster", &cluster, "--format", "json", "--no-config"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let found = findings(&out);
    let named: Vec<String> =
        found.iter().filter(|f| f["rule"] == "ECS505").map(|f| f["message"].as_str().unwrap().to_string()).collect();
    assert_eq!(named.len(), 2, "{found:#?}");
    assert!(named.iter().any(|m| m.contains(&format!("{repo}:2.0")) && m.contains("no such image")), "{named:#?}");
    assert!(
        named.iter().any(|m| m.contains(&format!("{repo}-gone:1.0")) && m.contains("does not exist")),
        "{named:#?}"
    );
}

/// A cluster that is not there (a typo, the wrong Region) is an error, not
/// a clean audit.
#[test]
fn unknown_cluster_is_an_error() {
    let Some(url) = moto() else { return };
    let name = unique("no-such-cluster");
    let out = ecs_triage(&["audit", "--endpoint-url", &url, "--cluster", &name]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no cluster") && stderr.contains(&name), "{stderr}");
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

/// The seed's schedule that never fires: an EventBridge rule on the
/// cluster with a six-field cron and a target role that does not exist.
#[test]
fn schedule_rules_on_the_cluster_are_read_and_judged() {
    let Some(url) = moto() else { return };
    let s = setup(&url);
    let (cluster, group) = s.cluster_with_log_group("sched");
    let role = s.role(&unique("sched-exec"), "ecs-tasks.amazonaws.com", &PULL_AND_LOG);
    let td = s.task_definition_with_roles(&unique("sched"), &group, &role, None);
    let cluster_arn = format!("arn:aws:ecs:us-east-1:123456789012:cluster/{cluster}");
    let rule = unique("every-15");
    let events = aws_sdk_eventbridge::Client::new(&s.conf);
    // An ECS target run by a role that does not exist, in the default
    // subnets with a public IP.
    let target = || {
        use aws_sdk_eventbridge::types::*;
        let vpc = AwsVpcConfiguration::builder()
            .set_subnets(Some(s.subnets.clone()))
            .set_security_groups(Some(s.security_groups.clone()))
            .assign_public_ip(AssignPublicIp::Enabled)
            .build()
            .unwrap();
        let ecs = EcsParameters::builder()
            .task_definition_arn(&td)
            .task_count(1)
            .launch_type(LaunchType::Fargate)
            .network_configuration(NetworkConfiguration::builder().awsvpc_configuration(vpc).build())
            .build()
            .unwrap();
        Target::builder()
            .id("run")
            .arn(&cluster_arn)
            .role_arn("arn:aws:iam::123456789012:role/ecsEventsRole-deleted")
            .ecs_parameters(ecs)
            .build()
            .unwrap()
    };
    s.rt.block_on(async {
        events.put_rule().name(&rule).schedule_expression("cron(*/15 * * * * *)").send().await.unwrap();
        events.put_targets().rule(&rule).targets(target()).send().await.unwrap();
    });
    let out = ecs_triage(&["audit", "--endpoint-url", &url, "--cluster", &cluster, "--format", "json", "--no-config"]);
    let got: Vec<(String, String)> = findings(&out)
        .iter()
        .filter(|f| f["resource"]["name"] == rule.as_str())
        .map(|f| (f["rule"].as_str().unwrap().to_string(), f["severity"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(
        got,
        [("ECS701".to_string(), "error".to_string()), ("ECS506".to_string(), "error".to_string())],
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // A rule on a custom event bus is read too.
    let other = unique("custom-bus-rule");
    let bus = unique("bus");
    s.rt.block_on(async {
        events.create_event_bus().name(&bus).send().await.unwrap();
        events
            .put_rule()
            .name(&other)
            .event_bus_name(&bus)
            .event_pattern(r#"{"source":["app"]}"#)
            .send()
            .await
            .unwrap();
        events.put_targets().rule(&other).event_bus_name(&bus).targets(target()).send().await.unwrap();
    });
    let out = ecs_triage(&["audit", "--endpoint-url", &url, "--cluster", &cluster, "--format", "json", "--no-config"]);
    assert!(
        findings(&out).iter().any(|f| f["resource"]["name"] == other.as_str() && f["rule"] == "ECS506"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// A service registered with a target group of type `instance` that no
/// listener forwards to: ECS803 and ECS804, read from ELBv2.
#[test]
fn load_balancer_wiring_is_read_and_judged() {
    let Some(url) = moto() else { return };
    let s = setup(&url);
    let (cluster, group) = s.cluster_with_log_group("elb");
    let role = s.role(&unique("elb-exec"), "ecs-tasks.amazonaws.com", &PULL_AND_LOG);
    let td = s.task_definition_with_roles(&unique("elb"), &group, &role, None);
    let elb = aws_sdk_elasticloadbalancingv2::Client::new(&s.conf);
    let vpc = s.rt.block_on(async {
        let sub = s.ec2.describe_subnets().subnet_ids(&s.subnets[0]).send().await.unwrap();
        sub.subnets()[0].vpc_id().unwrap().to_string()
    });
    let name = unique("tg").chars().rev().take(28).collect::<String>().replace(['_', '.'], "-");
    let tg = s.rt.block_on(async {
        let out = elb
            .create_target_group()
            .name(name.trim_matches('-'))
            .protocol(aws_sdk_elasticloadbalancingv2::types::ProtocolEnum::Http)
            .port(80)
            .vpc_id(&vpc)
            .target_type(aws_sdk_elasticloadbalancingv2::types::TargetTypeEnum::Instance)
            .send()
            .await
            .unwrap();
        out.target_groups()[0].target_group_arn().unwrap().to_string()
    });
    let service = unique("web");
    let lb = aws_sdk_ecs::types::LoadBalancer::builder()
        .target_group_arn(&tg)
        .container_name("app")
        .container_port(80)
        .build();
    s.create_service(&cluster, &service, &td, |b| b.network_configuration(s.default_net()).load_balancers(lb));
    let out = ecs_triage(&["audit", "--endpoint-url", &url, "--cluster", &cluster, "--format", "json", "--no-config"]);
    let mut got: Vec<String> = findings(&out)
        .iter()
        .filter(|f| f["rule"].as_str().is_some_and(|r| r.starts_with("ECS8")))
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect();
    got.sort();
    assert_eq!(got, ["ECS803", "ECS804"], "{}", String::from_utf8_lossy(&out.stdout));
}

/// `lint --live`: a task definition about to be registered, checked
/// against the account: its execution role and log group do not exist,
/// while those of a second one do.
#[test]
fn lint_live_uses_the_account_as_context() {
    let Some(url) = moto() else { return };
    let s = setup(&url);
    let present = format!("/ecs/{}", unique("present"));
    s.log_group(&present);
    let role = s.role(&unique("lint-exec"), "ecs-tasks.amazonaws.com", &PULL_AND_LOG);
    let td = |family: &str, role: &str, group: &str| {
        serde_json::json!({
            "family": family, "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc",
            "cpu": "256", "memory": "512", "executionRoleArn": role,
            "containerDefinitions": [{"name": "app", "image": "public.ecr.aws/nginx/nginx:1.27", "essential": true,
                "logConfiguration": {"logDriver": "awslogs", "options": {
                    "awslogs-group": group, "awslogs-region": "us-east-1", "awslogs-stream-prefix": "app"}}}]
        })
        .to_string()
    };
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    let good = dir.path().join("good.json");
    let missing_group = format!("/ecs/{}", unique("never-created"));
    std::fs::write(&bad, td("bad", "arn:aws:iam::123456789012:role/no-such-role", &missing_group)).unwrap();
    std::fs::write(&good, td("good", &role, &present)).unwrap();
    let (bad, good) = (bad.to_str().unwrap(), good.to_str().unwrap());
    let out = ecs_triage(&["lint", bad, good, "--live", "--endpoint-url", &url, "--format", "json", "--no-config"]);
    let got: Vec<(String, String)> = findings(&out)
        .iter()
        .filter(|f| ["ECS403", "ECS506"].contains(&f["rule"].as_str().unwrap()))
        .map(|f| (f["rule"].as_str().unwrap().to_string(), f["location"]["file"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(
        got,
        [("ECS506".to_string(), bad.to_string()), ("ECS403".to_string(), bad.to_string())],
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // Without --live the same files say nothing about the account.
    let out = ecs_triage(&["lint", bad, good, "--format", "json", "--no-config"]);
    assert!(findings(&out).iter().all(|f| !["ECS403", "ECS506"].contains(&f["rule"].as_str().unwrap())));
    // A template beside them keeps its own context: what it does not
    // declare is unknown, not missing, with or without --live.
    let template = dir.path().join("stack.yaml");
    std::fs::write(
        &template,
        format!(
            "Resources:\n  Td:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      Family: from-stack\n      \
             RequiresCompatibilities: [FARGATE]\n      NetworkMode: awsvpc\n      Cpu: 256\n      Memory: 512\n      \
             ExecutionRoleArn: {role}\n      ContainerDefinitions:\n        - Name: app\n          \
             Image: public.ecr.aws/nginx/nginx:1.27\n          LogConfiguration:\n            LogDriver: awslogs\n            \
             Options: {{awslogs-group: {present}, awslogs-region: us-east-1, awslogs-stream-prefix: app}}\n"
        ),
    )
    .unwrap();
    let template = template.to_str().unwrap();
    let of_template = |out: &Output| {
        let mut v: Vec<String> = findings(out)
            .iter()
            .filter(|f| f["location"]["file"] == template)
            .map(|f| format!("{} {}", f["rule"], f["message"]))
            .collect();
        v.sort();
        v
    };
    let alone = ecs_triage(&["lint", template, "--format", "json", "--no-config"]);
    let beside =
        ecs_triage(&["lint", template, bad, "--live", "--endpoint-url", &url, "--format", "json", "--no-config"]);
    assert_eq!(of_template(&beside), of_template(&alone));
    assert!(findings(&beside).iter().any(|f| f["rule"] == "ECS506" && f["location"]["file"] == bad));
    // An account that cannot be read is an error, and the files are still
    // linted: the report is written.
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, td("broken", &role, &present).replace("\"awsvpc\"", "\"bridge\"")).unwrap();
    let out = ecs_triage(&[
        "lint",
        broken.to_str().unwrap(),
        "--live",
        "--endpoint-url",
        "http://127.0.0.1:9",
        "--timeout",
        "3",
        "--format",
        "json",
        "--no-config",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the account could not be read"));
    assert!(findings(&out).iter().any(|f| f["rule"] == "ECS102"), "{}", String::from_utf8_lossy(&out.stdout));
}

/// Sets fields of a task through the moto extension's endpoint
/// (`scripts/moto/server.py`).
fn set_task(url: &str, cluster: &str, task: &str, set: Value) {
    let body = serde_json::json!({"cluster": cluster, "task": task, "set": set}).to_string();
    let out = Command::new("curl")
        .args(["-sf", "-X", "POST", "-H", "Content-Type: application/json", "-d", &body])
        .arg(format!("{url}/ecs-triage/task"))
        .output()
        .expect("run curl");
    assert!(out.status.success(), "set the task's fields: {}", String::from_utf8_lossy(&out.stdout));
}

/// Tasks that stopped with a stop code and a container's exit code and
/// reason are explained in the audit: the OOM kill by its record, the
/// deployment's replacement only counted.
#[test]
fn the_audit_explains_stopped_tasks() {
    let Some(url) = moto() else { return };
    let s = setup(&url);
    let (cluster, group) = s.cluster_with_log_group("stopped");
    let role = s.role(&unique("stopped-exec"), "ecs-tasks.amazonaws.com", &PULL_AND_LOG);
    let td = s.task_definition_with_roles(&unique("stopped"), &group, &role, None);
    let tasks = s.run_tasks(&cluster, &td, 2);
    set_task(
        &url,
        &cluster,
        &tasks[0],
        serde_json::json!({
            "lastStatus": "STOPPED", "desiredStatus": "STOPPED", "stopCode": "EssentialContainerExited",
            "stoppedReason": "Essential container in task exited",
            "containers": {"app": {"lastStatus": "STOPPED", "exitCode": 137,
                "reason": "OutOfMemoryError: Container killed due to memory usage"}}
        }),
    );
    set_task(
        &url,
        &cluster,
        &tasks[1],
        serde_json::json!({
            "lastStatus": "STOPPED", "desiredStatus": "STOPPED", "stopCode": "ServiceSchedulerInitiated",
            "stoppedReason": "Scaling activity initiated by (deployment ecs-svc/1234567890123456789)",
            "containers": {"app": {"lastStatus": "STOPPED", "exitCode": 143}}
        }),
    );
    let out = ecs_triage(&["audit", "--endpoint-url", &url, "--cluster", &cluster, "--format", "json", "--no-config"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stopped: Vec<Value> =
        findings(&out).into_iter().filter(|f| f["rule"].as_str().is_some_and(|r| r.starts_with("SR"))).collect();
    assert_eq!(stopped.len(), 1, "{stopped:#?}");
    assert_eq!(stopped[0]["rule"], "SR054");
    let id = tasks[0].rsplit('/').next().unwrap();
    assert_eq!(stopped[0]["resource"]["name"], id);
    let evidence = stopped[0]["evidence"].to_string();
    assert!(evidence.contains("exited with code 137") && evidence.contains("stopCode: EssentialContainerExited"));
    assert!(evidence.contains("ECS104, ECS105: ruled out"), "{evidence}");
    assert!(stderr.contains("1 of 2 stopped tasks stopped normally"), "{stderr}");
}

/// ECS Exec as the tasks have it: a service created with exec on (which
/// the moto extension keeps) whose running task was started without it
/// (ECS608), and a task started with exec whose agent stopped (ECS609).
#[test]
fn exec_is_judged_from_the_running_tasks() {
    let Some(url) = moto() else { return };
    let s = setup(&url);
    let (cluster, group) = s.cluster_with_log_group("agents");
    let role = s.role(&unique("agents-exec"), "ecs-tasks.amazonaws.com", &PULL_AND_LOG);
    let td = s.task_definition_with_roles(&unique("agents"), &group, &role, None);
    let service = unique("api");
    s.create_service(&cluster, &service, &td, |b| {
        b.network_configuration(s.default_net()).desired_count(2).enable_execute_command(true)
    });
    for exec in [false, true] {
        s.run_service_task(&cluster, &service, &td, s.default_net(), exec);
    }
    let listed = s.rt.block_on(s.ecs.list_tasks().cluster(&cluster).service_name(&service).send()).unwrap();
    let arns: Vec<String> = listed.task_arns().to_vec();
    assert_eq!(arns.len(), 2, "the extension lists a service's tasks");
    let described = s.rt.block_on(s.ecs.describe_tasks().cluster(&cluster).set_tasks(Some(arns)).send()).unwrap();
    let with_exec =
        described.tasks().iter().find(|t| t.enable_execute_command()).unwrap().task_arn().unwrap().to_string();
    let without =
        described.tasks().iter().find(|t| !t.enable_execute_command()).unwrap().task_arn().unwrap().to_string();
    set_task(
        &url,
        &cluster,
        &with_exec,
        serde_json::json!({"containers": {"app": {"managedAgents": [{"name": "ExecuteCommandAgent", "lastStatus": "STOPPED"}]}}}),
    );
    let out = ecs_triage(&["audit", "--endpoint-url", &url, "--cluster", &cluster, "--format", "json", "--no-config"]);
    let found = findings(&out);
    let of = |rule: &str| found.iter().filter(|f| f["rule"] == rule).cloned().collect::<Vec<_>>();
    let predate = of("ECS608");
    assert_eq!(predate.len(), 1, "{found:#?}");
    assert!(predate[0].to_string().contains(without.rsplit('/').next().unwrap()), "{predate:#?}");
    let agent = of("ECS609");
    assert_eq!(agent.len(), 1, "{found:#?}");
    assert_eq!(agent[0]["resource"]["name"], with_exec.rsplit('/').next().unwrap());
}

/// The fault proxy (`scripts/moto/fault_proxy.py`) in front of moto,
/// stopped when dropped; its URL.
struct Proxy(std::process::Child, String);

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn proxy(upstream: &str, args: &[&str]) -> Option<Proxy> {
    let script = match std::env::var("ECS_TRIAGE_FAULT_PROXY") {
        Ok(s) => s,
        Err(_) => {
            assert!(std::env::var_os("ECS_TRIAGE_REQUIRE_TOOLS").is_none(), "ECS_TRIAGE_FAULT_PROXY is not set");
            eprintln!("skipped: no fault proxy (scripts/test sets ECS_TRIAGE_FAULT_PROXY)");
            return None;
        }
    };
    let mut child = Command::new("python3")
        .arg(script)
        .args(["--upstream", upstream])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start the fault proxy");
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stdout.take().unwrap()), &mut line).unwrap();
    let url = line.trim().strip_prefix("listening ").expect("the proxy says where it listens").to_string();
    Some(Proxy(child, url))
}

/// Throttling and server errors, in each protocol's own shape, on a seeded
/// share of the calls, and delays on the rest: the audit retries and its
/// findings are those of the clean run. Every operation it sent is one
/// docs/iam-policy.json grants.
#[test]
fn faults_do_not_change_the_findings_and_every_call_is_in_the_policy() {
    let Some(url) = moto() else { return };
    let s = setup(&url);
    let (cluster, group) = s.cluster_with_log_group("faults");
    let role = s.role(&unique("faults-exec"), "ecs-tasks.amazonaws.com", &PULL_AND_LOG);
    let td = s.task_definition_with_roles(&unique("faults"), &group, &role, None);
    let missing = s.task_definition(&unique("faults-missing"), &format!("/ecs/{}", unique("gone")));
    s.service(&cluster, "kept", &td);
    s.service(&cluster, "broken", &missing);
    s.run_tasks(&cluster, &td, 3);
    let record = tempfile::NamedTempFile::new().unwrap();
    let Some(p) = proxy(
        &url,
        &[
            "--seed",
            "7",
            "--throttle",
            "0.1",
            "--error",
            "0.05",
            "--delay-ms",
            "0-30",
            "--record",
            record.path().to_str().unwrap(),
        ],
    ) else {
        return;
    };
    let key = |f: &Value| format!("{} {} {}", f["rule"], f["location"]["line"], f["message"]);
    let run = |endpoint: &str| {
        let out = ecs_triage(&[
            "audit",
            "--endpoint-url",
            endpoint,
            "--cluster",
            &cluster,
            "--format",
            "json",
            "--no-config",
            "--stats",
        ]);
        assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
        let mut keys: Vec<String> = findings(&out).iter().map(key).collect();
        keys.sort();
        (keys, String::from_utf8_lossy(&out.stderr).to_string())
    };
    let (clean, _) = run(&url);
    let (faulted, stderr) = run(&p.1);
    assert!(clean.iter().any(|k| k.contains("ECS403")), "{clean:#?}");
    assert_eq!(faulted, clean, "findings differ under faults\n{stderr}");
    drop(p);
    let sent = std::fs::read_to_string(record.path()).unwrap();
    let granted: Vec<String> = {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string("docs/iam-policy.json").unwrap()).unwrap();
        doc["Statement"][0]["Action"].as_array().unwrap().iter().map(|a| a.as_str().unwrap().to_string()).collect()
    };
    let ops: std::collections::BTreeSet<&str> = sent.lines().collect();
    assert!(ops.len() >= 15, "the proxy saw the audit: {ops:?}");
    for op in &ops {
        assert!(granted.iter().any(|g| g == op), "the audit sent {op}, which docs/iam-policy.json does not grant");
    }
}

/// IAM denied: the audit goes on, says what it could not check, and the
/// rules that need IAM stay quiet.
#[test]
fn denied_iam_reads_are_not_checked_not_a_crash() {
    let Some(url) = moto() else { return };
    let s = setup(&url);
    let (cluster, group) = s.cluster_with_log_group("denied");
    let role = s.role(&unique("denied-exec"), "ec2.amazonaws.com", &["s3:GetObject"]);
    let td = s.task_definition_with_roles(&unique("denied"), &group, &role, None);
    s.service(&cluster, "app", &td);
    let Some(p) = proxy(&url, &["--deny", "iam"]) else { return };
    let out = ecs_triage(&["audit", "--endpoint-url", &p.1, "--cluster", &cluster, "--format", "json", "--no-config"]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&out.stderr));
    let found = findings(&out);
    let notes: Vec<&Value> = found.iter().filter(|f| f["rule"] == "ECS001").collect();
    assert!(
        notes
            .iter()
            .any(|f| f["evidence"].to_string().contains("iam:GetRole")
                && f["evidence"].to_string().contains("AccessDenied")),
        "{found:#?}"
    );
    for rule in ["ECS501", "ECS502", "ECS405", "ECS506"] {
        assert!(found.iter().all(|f| f["rule"] != rule), "{rule} without IAM: {found:#?}");
    }
    // Without the proxy the same account has the role judged.
    let out = ecs_triage(&["audit", "--endpoint-url", &url, "--cluster", &cluster, "--format", "json", "--no-config"]);
    assert!(findings(&out).iter().any(|f| f["rule"] == "ECS501"));
}
