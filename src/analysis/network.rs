//! Network reachability: from the subnets a task runs in to each AWS
//! endpoint it needs before and while it runs.
//!
//! For every task that will run (services, run-task inputs, ECS targets of
//! EventBridge rules and Scheduler schedules) this lists what the task must
//! reach — `ecr.api`, `ecr.dkr` and S3 for a private ECR image, `logs` for
//! awslogs, `secretsmanager` / `ssm` for secrets, `ssmmessages` for ECS
//! Exec, the internet for other registries — and decides, per subnet, how
//! the traffic would leave and whether it gets through:
//!
//! 1. An S3 gateway endpoint on the subnet's route table serves S3 (its
//!    prefix-list routes are more specific than any default route).
//! 2. An interface endpoint for the service in the task's VPC serves it when
//!    its private DNS is on and the VPC has DNS support and DNS hostnames:
//!    the service's public name then resolves to the endpoint. AWS does not
//!    require an endpoint network interface in the task's own Availability
//!    Zone: the Regional name resolves to the interfaces in every subnet of
//!    the endpoint, which the VPC's local route reaches from any subnet (one
//!    per zone is advice for availability and cross-zone cost).
//! 3. Otherwise the public name is used: the subnet's route table (explicit
//!    association, else the VPC's main table) must send `0.0.0.0/0` to an
//!    internet gateway attached to the VPC — and the task must have a public
//!    IP, which only Fargate tasks with `assignPublicIp: ENABLED` get — or to
//!    a public NAT gateway whose own subnet routes to an internet gateway.
//!
//! Along the chosen path the task's security groups must allow TCP 443 out
//! (a group without egress rules keeps AWS's default allow-all), an
//! interface endpoint's security groups must allow TCP 443 in from the task,
//! and the network ACLs of the subnets on the way must allow 443 out and the
//! return traffic to the task's ephemeral ports in (rules in number order,
//! the first match decides; a VPC's default ACL allows everything).
//!
//! Anything the inputs do not determine is unknown, never blocked: transit
//! gateways, peering, firewalls and other route targets; resources declared
//! outside the template (an imported subnet, a literal `igw-…`); unresolved
//! values. Every verdict carries the evidence that decides it.
//!
//! On EC2 the container agent pulls images, fetches secrets and ships awslogs
//! through the container instance's own network, which the task's subnets do
//! not show: only ECS Exec (whose agent runs in the task's network
//! namespace) is decided there. Fargate platform versions before 1.4.0 used
//! a Fargate-owned network interface for that traffic and are not decided.

use crate::analysis::image;
use crate::model::context::{
    Coverage, EndpointKind, NaclEntry, NetworkAcl, RouteTable, RouteTarget, SecurityGroup, SgPeer, SgRule, Subnet,
    VpcEndpoint,
};
use crate::model::{F, Inventory, Launch, Launcher, Platform, ServiceShape, TaskDef, Val, parse_td_reference};
use crate::source::Loc;
use std::collections::BTreeMap;

// ------------------------------------------------------------------ needs

/// What a task has to reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Svc {
    EcrApi,
    EcrDkr,
    S3,
    SecretsManager,
    Ssm,
    Logs,
    SsmMessages,
    /// A registry on the internet (Docker Hub, ghcr.io, public.ecr.aws, ...).
    Internet,
}

impl Svc {
    /// The endpoint service suffix: `com.amazonaws.<region>.<name>`.
    pub fn name(self) -> &'static str {
        match self {
            Svc::EcrApi => "ecr.api",
            Svc::EcrDkr => "ecr.dkr",
            Svc::S3 => "s3",
            Svc::SecretsManager => "secretsmanager",
            Svc::Ssm => "ssm",
            Svc::Logs => "logs",
            Svc::SsmMessages => "ssmmessages",
            Svc::Internet => "internet",
        }
    }

    /// Whether the container agent makes the call (image pull, secrets,
    /// logs, environment files) rather than something inside the task.
    fn agent_side(self) -> bool {
        self != Svc::SsmMessages
    }
}

/// One thing a task must reach, with why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Need {
    pub svc: Svc,
    /// The Region of the endpoint when the input names it (an ARN's, an ECR
    /// host's, `awslogs-region`); `None` is the task's own Region.
    pub region: Option<String>,
    /// For [`Svc::Internet`]: the registry, e.g. `Docker Hub` or `ghcr.io`.
    pub registry: Option<String>,
    /// Why the task needs it, for evidence.
    pub why: Vec<String>,
    /// Set when the path cannot be decided (e.g. `awslogs-endpoint` points
    /// the driver somewhere else): the reason.
    pub undecidable: Option<String>,
}

impl Need {
    /// How messages name it: `` `logs` `` or "Docker Hub" (the Region is
    /// in the evidence).
    pub fn label(&self) -> String {
        match (&self.svc, &self.registry) {
            (Svc::Internet, Some(r)) if r == "Docker Hub" => r.clone(),
            (Svc::Internet, Some(r)) => format!("`{r}`"),
            _ => format!("`{}`", self.svc.name()),
        }
    }

    /// The endpoint service name, with `<region>` when the Region is the
    /// task's own (not known to the inputs).
    pub fn service_name(&self, vpc_region: Option<&str>) -> String {
        let region = self.region.as_deref().or(vpc_region).unwrap_or("<region>");
        format!("com.amazonaws.{region}.{}", self.svc.name())
    }
}

#[derive(Default)]
struct NeedList {
    needs: Vec<Need>,
    complete: bool,
}

impl NeedList {
    fn add(&mut self, svc: Svc, region: Option<&str>, why: String) {
        self.add_full(svc, region, None, why, None);
    }

    fn add_full(
        &mut self,
        svc: Svc,
        region: Option<&str>,
        registry: Option<&str>,
        why: String,
        undecidable: Option<String>,
    ) {
        let region = region.map(str::to_string);
        let registry = registry.map(str::to_string);
        if let Some(n) = self.needs.iter_mut().find(|n| n.svc == svc && n.region == region && n.registry == registry) {
            if !n.why.contains(&why) {
                n.why.push(why);
            }
            if n.undecidable.is_none() {
                n.undecidable = undecidable;
            }
            return;
        }
        self.needs.push(Need { svc, region, registry, why: vec![why], undecidable });
    }

    /// A secret's `valueFrom`: a Secrets Manager or Parameter Store ARN, or a
    /// bare name in the task's Region: a parameter name for `secrets`, a
    /// secret name for `repositoryCredentials` (`bare`).
    fn add_secret(&mut self, value_from: &F<String>, what: String, bare: Svc) {
        let Some(from) = value_from.str() else {
            if !value_from.is_missing() {
                self.complete = false;
            }
            return;
        };
        if from.starts_with("arn:") {
            let parts: Vec<&str> = from.split(':').collect();
            let region = parts.get(3).copied().filter(|r| !r.is_empty());
            match parts.get(2).copied() {
                Some("secretsmanager") => self.add(Svc::SecretsManager, region, format!("{what} from Secrets Manager")),
                Some("ssm") => self.add(Svc::Ssm, region, format!("{what} from Parameter Store")),
                _ => self.complete = false,
            }
        } else if bare == Svc::SecretsManager {
            self.add(Svc::SecretsManager, None, format!("{what} from Secrets Manager"));
        } else {
            self.add(Svc::Ssm, None, format!("{what} from Parameter Store"));
        }
    }
}

/// The Region of a private ECR registry host.
fn ecr_region(host: &str) -> Option<&str> {
    host.split('.').nth(3)
}

fn needs_of(task: &Task<'_>) -> NeedList {
    let mut n = NeedList { needs: Vec::new(), complete: true };
    match task.td {
        None => n.complete = false,
        Some(td) if td.containers.get().is_none() => n.complete = false,
        Some(td) => {
            for c in td.containers.items() {
                let name = c.display_name();
                match c.image.str().map(image::parse) {
                    Some(Ok(img)) if img.is_private_ecr() => {
                        let host = img.registry.as_deref().unwrap_or_default();
                        let region = ecr_region(host);
                        let why =
                            format!("container `{name}` pulls `{}` from private ECR", c.image.str().unwrap_or(""));
                        n.add(Svc::EcrApi, region, why.clone());
                        n.add(Svc::EcrDkr, region, why);
                        n.add(Svc::S3, region, format!("container `{name}`'s image layers are stored in S3"));
                    }
                    Some(Ok(img)) => {
                        let registry = img.registry.as_deref().unwrap_or("Docker Hub");
                        let registry = if registry == "docker.io" { "Docker Hub" } else { registry };
                        let why = format!("container `{name}` pulls `{}`", c.image.str().unwrap_or(""));
                        n.add_full(Svc::Internet, None, Some(registry), why, None);
                    }
                    // Malformed references are ECS1xx findings.
                    Some(Err(_)) => {}
                    None => n.complete = false,
                }
                match &c.repository_credentials.val {
                    Val::Known(_) => n.add_secret(
                        &c.repository_credentials,
                        format!("container `{name}` reads its registry credentials"),
                        Svc::SecretsManager,
                    ),
                    Val::Unknown(_) => n.complete = false,
                    _ => {}
                }
                if c.secrets.is_unknown() {
                    n.complete = false;
                }
                for s in c.secrets.items() {
                    let secret = s.name.str().unwrap_or("?");
                    n.add_secret(&s.value_from, format!("container `{name}` reads secret `{secret}`"), Svc::Ssm);
                }
                if c.environment_files.is_unknown() {
                    n.complete = false;
                }
                if !c.environment_files.items().is_empty() {
                    n.add(Svc::S3, None, format!("container `{name}` downloads `environmentFiles` from S3"));
                }
                match &c.log.val {
                    Val::Known(log) => {
                        if log.secret_options.is_unknown() {
                            n.complete = false;
                        }
                        for s in log.secret_options.items() {
                            let secret = s.name.str().unwrap_or("?");
                            n.add_secret(
                                &s.value_from,
                                format!("container `{name}` reads log option `{secret}`"),
                                Svc::Ssm,
                            );
                        }
                        match log.driver.str() {
                            Some("awslogs") => {
                                let opt = |k: &str| log.options.items().iter().find(|e| e.key == k).map(|e| &e.value);
                                let why = format!("container `{name}` logs with awslogs");
                                let mut undecidable = None;
                                let region = match opt("awslogs-region") {
                                    Some(r) if r.str().is_some() => r.str(),
                                    Some(r) if r.is_unknown() => {
                                        undecidable = Some("`awslogs-region` is not resolved".to_string());
                                        None
                                    }
                                    _ => None,
                                };
                                if opt("awslogs-endpoint").is_some_and(|e| !e.is_missing()) {
                                    undecidable = Some(format!(
                                        "container `{name}` sets `awslogs-endpoint`: the driver does not use the Region's public name"
                                    ));
                                }
                                if log.options.is_unknown() {
                                    undecidable = Some("the awslogs options are not resolved".to_string());
                                }
                                n.add_full(Svc::Logs, region, None, why, undecidable);
                            }
                            Some(_) => {}
                            None => n.complete = false,
                        }
                    }
                    Val::Unknown(_) => n.complete = false,
                    _ => {}
                }
            }
        }
    }
    match task.launch.enable_execute_command.or(false) {
        Some(true) => {
            n.add(Svc::SsmMessages, None, "`enableExecuteCommand` is true: ECS Exec talks to Systems Manager".into())
        }
        Some(false) if task.partial && task.launch.enable_execute_command.is_missing() => n.complete = false,
        Some(false) => {}
        None => n.complete = false,
    }
    n.needs.sort_by(|a, b| (a.svc, &a.region, &a.registry).cmp(&(b.svc, &b.region, &b.registry)));
    n
}

// ------------------------------------------------------------------ tasks

/// Something that runs tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runner {
    Launcher(Launcher),
    /// An ECS target of `context.schedules.rules[rule]`.
    Target {
        rule: usize,
        target: usize,
    },
}

/// A task that will run, as the network sees it.
pub struct Task<'a> {
    pub runner: Runner,
    pub launch: &'a Launch,
    pub td: Option<&'a TaskDef>,
    pub platform: Platform,
    /// An `update-service` input: what it omits stays as it is (unknown).
    pub partial: bool,
}

/// Every task that will run: services, run-task inputs, and the ECS targets
/// of schedules (joined to their task definitions the way services are).
pub fn tasks(inv: &Inventory) -> Vec<Task<'_>> {
    let mut out: Vec<Task<'_>> = inv
        .launchers()
        .map(|l| {
            let partial = matches!(l, Launcher::Service(i) if inv.services[i].shape == ServiceShape::Update);
            Task {
                runner: Runner::Launcher(l),
                launch: inv.launch(l),
                td: inv.td_of(l),
                platform: inv.platform_of(l),
                partial,
            }
        })
        .collect();
    for (ri, rule) in inv.context.schedules.rules.iter().enumerate() {
        for (ti, target) in rule.targets.items().iter().enumerate() {
            let Some(launch) = target.ecs.get() else { continue };
            let td = launch.task_definition.str().and_then(|r| task_def_named(inv, r));
            out.push(Task {
                runner: Runner::Target { rule: ri, target: ti },
                launch,
                td,
                platform: launch.platform(td),
                partial: false,
            });
        }
    }
    out
}

/// The task definition a reference names, as `Inventory::link` joins
/// services: by family, the revision when both sides give one, else the
/// highest revision among the inputs.
fn task_def_named<'a>(inv: &'a Inventory, reference: &str) -> Option<&'a TaskDef> {
    let (family, rev) = parse_td_reference(reference);
    inv.task_defs
        .iter()
        .filter(|td| td.family.str() == Some(family))
        .filter(|td| match (rev, td.revision.get()) {
            (Some(want), Some(have)) => want == *have,
            _ => true,
        })
        .max_by_key(|td| td.revision.get().copied().unwrap_or(i64::MIN))
}

// --------------------------------------------------------------- verdicts

/// Why a needed endpoint is blocked: one per rule ECS301–ECS307.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cause {
    /// ECS301: a Fargate task in a subnet whose default route is an internet
    /// gateway, without a public IP.
    PublicIpOff,
    /// ECS302: no NAT, no usable internet gateway, no endpoint.
    NoPath,
    /// ECS303: the task uses VPC endpoints (no NAT or internet) and the one
    /// for this service is missing.
    EndpointMissing,
    /// ECS304: the task's security groups allow no HTTPS out on the path.
    TaskSecurityGroup,
    /// ECS305: the interface endpoint's security groups do not let it in.
    EndpointSecurityGroup,
    /// ECS306: an interface endpoint exists, but private DNS (or the VPC's
    /// DNS support or hostnames) is off, and the public path is blocked.
    PrivateDnsOff,
    /// ECS307: a network ACL drops the request or its return traffic.
    Nacl,
}

impl Cause {
    pub fn rule(self) -> &'static str {
        match self {
            Cause::PublicIpOff => "ECS301",
            Cause::NoPath => "ECS302",
            Cause::EndpointMissing => "ECS303",
            Cause::TaskSecurityGroup => "ECS304",
            Cause::EndpointSecurityGroup => "ECS305",
            Cause::PrivateDnsOff => "ECS306",
            Cause::Nacl => "ECS307",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    Reachable,
    Blocked(Cause),
    Unknown,
}

/// How the traffic leaves (or would leave).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    InterfaceEndpoint(String),
    GatewayEndpoint(String),
    Nat(String),
    InternetGateway(String),
    /// No way out was found.
    Nothing,
    Unknown,
}

/// The answer for one (task, subnet, need).
#[derive(Debug, Clone)]
pub struct Verdict {
    pub state: State,
    pub via: Via,
    /// The route table, route, endpoint, security-group rule or ACL entry
    /// that decides, first; then the rest of the path.
    pub evidence: Vec<String>,
    /// Labels of the resources that decide a block (for messages).
    pub deciders: Vec<String>,
    /// For a missing path to an AWS service: the endpoint that would serve it.
    pub missing: Option<Missing>,
}

/// An endpoint the VPC lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    /// `VPC `Vpc``.
    pub vpc: String,
    /// `com.amazonaws.us-east-1.logs`.
    pub service: String,
    /// The S3 gateway endpoint, on this route table (a label).
    pub gateway_on: Option<String>,
}

impl Missing {
    /// The evidence line that says so.
    pub fn line(&self) -> String {
        match &self.gateway_on {
            Some(t) => format!("no S3 gateway endpoint is associated with {t}"),
            None => format!("{} has no interface endpoint `{}`", self.vpc, self.service),
        }
    }
}

impl Verdict {
    fn unknown(via: Via, evidence: Vec<String>) -> Verdict {
        Verdict { state: State::Unknown, via, evidence, deciders: Vec::new(), missing: None }
    }
}

pub struct SubnetReach {
    /// The subnet id, when the input gives one.
    pub id: Option<String>,
    pub at: Loc,
    /// The subnet is declared in the context.
    pub found: bool,
    /// One per need, in the order of [`TaskReach::needs`].
    pub verdicts: Vec<Verdict>,
}

pub struct TaskReach<'a> {
    pub task: Task<'a>,
    pub needs: Vec<Need>,
    /// False when the inputs do not show everything the task needs (its
    /// task definition is not among them, an image or secret is unresolved).
    pub needs_complete: bool,
    pub subnets: Vec<SubnetReach>,
}

impl TaskReach<'_> {
    pub fn any_blocked(&self) -> bool {
        self.subnets.iter().flat_map(|s| &s.verdicts).any(|v| matches!(v.state, State::Blocked(_)))
    }

    /// Every subnet is declared, every need is known and reachable from each.
    pub fn all_reachable(&self) -> bool {
        self.needs_complete
            && !self.subnets.is_empty()
            && self.subnets.iter().all(|s| s.found && s.verdicts.iter().all(|v| v.state == State::Reachable))
    }

    pub fn all_subnets_found(&self) -> bool {
        !self.subnets.is_empty() && self.subnets.iter().all(|s| s.found)
    }
}

/// The reachability of every task that will run, or nothing when the
/// network context is not loaded.
pub fn analyze(inv: &Inventory) -> Vec<TaskReach<'_>> {
    if !inv.context.network.coverage.is_loaded() {
        return Vec::new();
    }
    tasks(inv).into_iter().filter_map(|t| analyze_task(inv, t)).collect()
}

/// The reachability of one runner's tasks (`None` without network context
/// or an awsvpc network configuration).
pub fn analyze_runner(inv: &Inventory, runner: Runner) -> Option<TaskReach<'_>> {
    if !inv.context.network.coverage.is_loaded() {
        return None;
    }
    tasks(inv).into_iter().find(|t| t.runner == runner).and_then(|t| analyze_task(inv, t))
}

fn analyze_task<'a>(inv: &'a Inventory, task: Task<'a>) -> Option<TaskReach<'a>> {
    let vpc = task.launch.network.get()?;
    let subnets = vpc.subnets.get()?;
    let NeedList { needs, complete } = needs_of(&task);
    let net = Net::new(inv);
    let windows = task.td.is_some_and(TaskDef::is_windows);
    let groups = match &vpc.security_groups.val {
        Val::Known(v) if !v.is_empty() => Groups::Listed(v.iter().map(|g| g.str()).collect()),
        Val::Known(_) | Val::Absent | Val::Null if !task.partial => Groups::VpcDefault,
        _ => Groups::Unknown,
    };
    let public_ip = public_ip(&task, &vpc.assign_public_ip);
    let old_platform = old_fargate_platform(&task);
    let mut out = Vec::new();
    for s in subnets {
        let Some(id) = s.str() else {
            out.push(SubnetReach { id: None, at: s.at, found: false, verdicts: Vec::new() });
            continue;
        };
        let Some(subnet) = inv.context.network.subnet(id) else {
            out.push(SubnetReach { id: Some(id.to_string()), at: s.at, found: false, verdicts: Vec::new() });
            continue;
        };
        let eni = Eni { subnet, groups: &groups, public_ip: &public_ip, fargate: task.platform.is_fargate(), windows };
        let mut verdicts: Vec<Verdict> = needs
            .iter()
            .map(|need| {
                if let Some(why) = &need.undecidable {
                    return Verdict::unknown(Via::Unknown, vec![why.clone()]);
                }
                if let Some(why) = &old_platform {
                    return Verdict::unknown(Via::Unknown, vec![why.clone()]);
                }
                if need.svc.agent_side() && !task.platform.is_fargate() {
                    return Verdict::unknown(
                        Via::Unknown,
                        vec!["outside Fargate the container agent pulls images, fetches secrets and ships logs through the container instance's network, not the task's subnets".into()],
                    );
                }
                net.reach(&eni, need)
            })
            .collect();
        net.finalize(&eni, &needs, &mut verdicts);
        out.push(SubnetReach { id: Some(id.to_string()), at: s.at, found: true, verdicts });
    }
    Some(TaskReach { task, needs, needs_complete: complete, subnets: out })
}

/// Explicit Fargate platform versions before 1.4.0 (Linux) pull through a
/// Fargate-owned interface.
fn old_fargate_platform(task: &Task<'_>) -> Option<String> {
    if !task.platform.is_fargate() || task.td.is_some_and(TaskDef::is_windows) {
        return None;
    }
    let v = task.launch.platform_version.str()?;
    let old = crate::rules::version_lt(v, "1.4.0")?;
    old.then(|| format!("Fargate platform version {v} pulls images and secrets through a Fargate-owned network interface, not the task's"))
}

/// Whether the task's interface gets a public IP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicIp {
    Yes,
    /// No, and why.
    No(String),
    Unknown,
}

fn public_ip(task: &Task<'_>, assign: &F<String>) -> PublicIp {
    let value = match &assign.val {
        Val::Known(v) => Some(v.as_str()),
        Val::Absent | Val::Null if !task.partial => None,
        _ => return PublicIp::Unknown,
    };
    match (&task.platform, value) {
        (Platform::Ec2, _) => PublicIp::No("tasks on EC2 in `awsvpc` mode never get a public IP".into()),
        (_, Some("ENABLED")) if task.platform.is_fargate() => PublicIp::Yes,
        (_, Some("ENABLED")) => PublicIp::Unknown,
        (_, Some("DISABLED")) => PublicIp::No("`assignPublicIp` is `DISABLED`".into()),
        (_, None) => PublicIp::No("`assignPublicIp` defaults to `DISABLED`".into()),
        _ => PublicIp::Unknown,
    }
}

// ------------------------------------------------------------ evaluation

/// The task's security groups.
#[derive(Debug, Clone)]
pub enum Groups<'a> {
    /// As listed; `None` entries are not resolved.
    Listed(Vec<Option<&'a str>>),
    /// None listed: ECS uses the VPC's default security group.
    VpcDefault,
    Unknown,
}

/// The task's network interface in one subnet.
pub struct Eni<'a> {
    pub subnet: &'a Subnet,
    pub groups: &'a Groups<'a>,
    pub public_ip: &'a PublicIp,
    /// Fargate: ECS301 applies to a public subnet without a public IP.
    pub fargate: bool,
    /// Windows tasks use ephemeral ports 49152-65535, Linux 32768-60999.
    pub windows: bool,
}

impl Eni<'_> {
    fn ephemeral(&self) -> (u32, u32) {
        if self.windows { (49152, 65535) } else { (32768, 60999) }
    }
}

/// The network context with names for evidence.
pub struct Net<'a> {
    n: &'a crate::model::context::Network,
    names: &'a BTreeMap<String, String>,
}

/// A tri-state answer for one condition on the path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Check {
    Allow(Vec<String>),
    /// Denied: the evidence, and the label of the deciding resource.
    Deny(Vec<String>, String),
    Unknown(Vec<String>),
}

/// IPv4 network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cidr {
    addr: u32,
    len: u8,
}

impl Cidr {
    fn parse(s: &str) -> Option<Cidr> {
        let (ip, len) = s.trim().split_once('/')?;
        let len: u8 = len.parse().ok().filter(|l| *l <= 32)?;
        let octets: Vec<u32> = ip.split('.').map(|o| o.parse::<u8>().ok().map(u32::from)).collect::<Option<_>>()?;
        if octets.len() != 4 {
            return None;
        }
        let addr = octets.iter().fold(0u32, |a, o| (a << 8) | o);
        let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
        Some(Cidr { addr: addr & mask, len })
    }

    fn last(self) -> u32 {
        if self.len == 0 { u32::MAX } else { self.addr | (u32::MAX >> self.len) }
    }

    fn contains(self, o: Cidr) -> bool {
        self.len <= o.len && self.addr <= o.addr && o.last() <= self.last()
    }

    fn overlaps(self, o: Cidr) -> bool {
        self.addr <= o.last() && o.addr <= self.last()
    }

    /// Inside the private, shared, link-local or loopback ranges, where no
    /// AWS public endpoint is.
    fn is_private(self) -> bool {
        ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16", "127.0.0.0/8"]
            .iter()
            .filter_map(|c| Cidr::parse(c))
            .any(|p| p.contains(self))
    }
}

/// Yes, no, or cannot tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum M {
    Yes,
    No,
    Maybe,
}

impl M {
    fn and(self, o: M) -> M {
        match (self, o) {
            (M::No, _) | (_, M::No) => M::No,
            (M::Yes, M::Yes) => M::Yes,
            _ => M::Maybe,
        }
    }
}

/// The other end of a connection.
#[derive(Debug, Clone)]
enum Peer<'a> {
    /// A public AWS address (through a NAT or internet gateway, or S3's
    /// addresses behind a gateway endpoint).
    Public,
    /// An address in a subnet of the VPC, on an interface in `groups`
    /// (`None`: which groups is not known).
    Inside { cidr: Option<Cidr>, groups: Option<Vec<&'a str>> },
}

fn cidr_match(rule: &str, peer: &Peer<'_>) -> M {
    if rule.contains(':') {
        return M::No; // IPv6: the traffic is IPv4
    }
    let Some(c) = Cidr::parse(rule) else { return M::Maybe };
    match peer {
        Peer::Public if c.len == 0 => M::Yes,
        Peer::Public if c.is_private() => M::No,
        Peer::Public => M::Maybe,
        Peer::Inside { cidr: Some(n), .. } if c.contains(*n) => M::Yes,
        Peer::Inside { cidr: Some(n), .. } if !c.overlaps(*n) => M::No,
        Peer::Inside { .. } if c.len == 0 => M::Yes,
        Peer::Inside { .. } => M::Maybe,
    }
}

fn sg_peer_match(peer_rule: &SgPeer, peer: &Peer<'_>) -> M {
    match peer_rule {
        SgPeer::Cidr(c) => cidr_match(c, peer),
        SgPeer::SecurityGroup(g) => match peer {
            Peer::Public => M::No,
            Peer::Inside { groups: Some(gs), .. } if gs.contains(&g.as_str()) => M::Yes,
            Peer::Inside { groups: Some(_), .. } => M::No,
            Peer::Inside { groups: None, .. } => M::Maybe,
        },
        // Which addresses a prefix list holds is not in the context (the S3
        // list is `pl-…` per Region).
        SgPeer::PrefixList(_) | SgPeer::Unknown => M::Maybe,
    }
}

/// Whether a security group rule covers TCP 443.
fn sg_port_match(r: &SgRule) -> M {
    match r.protocol.str().map(str::to_ascii_lowercase).as_deref() {
        Some("-1" | "all") => M::Yes,
        Some("tcp" | "6") => match (r.from_port.get(), r.to_port.get()) {
            (Some(&from), Some(&to)) if from <= 443 && 443 <= to => M::Yes,
            (Some(_), Some(_)) => M::No,
            _ => M::Maybe,
        },
        Some(_) => M::No,
        None => M::Maybe,
    }
}

fn describe_sg_rule(r: &SgRule, egress: bool) -> String {
    let proto = match r.protocol.str() {
        Some("-1") => "all traffic".to_string(),
        Some(p) => {
            let ports = match (r.from_port.get(), r.to_port.get()) {
                (Some(a), Some(b)) if a == b => format!(" {a}"),
                (Some(a), Some(b)) => format!(" {a}-{b}"),
                _ => String::new(),
            };
            format!("{}{ports}", p.to_ascii_uppercase())
        }
        None => "(unresolved protocol)".to_string(),
    };
    let dir = if egress { "to" } else { "from" };
    let peer = match &r.peer {
        SgPeer::Cidr(c) => format!("`{c}`"),
        SgPeer::SecurityGroup(g) => format!("security group {g}"),
        SgPeer::PrefixList(p) => format!("prefix list `{p}`"),
        SgPeer::Unknown => "(unresolved peer)".to_string(),
    };
    format!("{proto} {dir} {peer}")
}

impl<'a> Net<'a> {
    pub fn new(inv: &'a Inventory) -> Net<'a> {
        Net { n: &inv.context.network, names: &inv.context.names }
    }

    /// A resource by the template's logical id, else its id, backticked.
    pub fn name(&self, id: &str) -> String {
        if let Some((vpc, what)) = id.rsplit_once('/') {
            match what {
                "main" => return format!("the main route table of VPC {}", self.name(vpc)),
                "default" => return format!("the default network ACL of VPC {}", self.name(vpc)),
                _ => {}
            }
        }
        format!("`{}`", self.names.get(id).map_or(id, String::as_str))
    }

    /// `route table `X`` or `the main route table of VPC `V``.
    fn labeled(&self, kind: &str, id: &str) -> String {
        let name = self.name(id);
        if name.starts_with("the ") { name } else { format!("{kind} {name}") }
    }

    fn rt(&self, id: &str) -> String {
        self.labeled("route table", id)
    }

    fn acl(&self, id: &str) -> String {
        self.labeled("network ACL", id)
    }

    fn template(&self) -> bool {
        self.n.coverage == Coverage::Template
    }

    fn sg_label(&self, id: &str) -> String {
        format!("security group {}", self.name(id))
    }

    fn describe_rule(&self, r: &SgRule, egress: bool) -> String {
        let mut s = describe_sg_rule(r, egress);
        if let SgPeer::SecurityGroup(g) = &r.peer {
            s = s.replace(&format!("security group {g}"), &self.sg_label(g));
        }
        s
    }

    // ----------------------------------------------------- security groups

    /// Whether the task's security groups let TCP 443 out to `peer`.
    fn task_egress(&self, groups: &Groups<'_>, peer: &Peer<'_>, to: &str) -> Check {
        let ids = match groups {
            Groups::Unknown => return Check::Unknown(vec!["the task's security groups are not resolved".into()]),
            Groups::VpcDefault => {
                return Check::Allow(vec![
                    "no `securityGroups`: the task gets the VPC's default security group, whose default egress rule allows all traffic".into(),
                ]);
            }
            Groups::Listed(ids) => ids,
        };
        let mut unknown = Vec::new();
        let mut denied = Vec::new();
        for id in ids {
            let Some(id) = id else {
                unknown.push("a security group of the task is not resolved".to_string());
                continue;
            };
            let Some(sg) = self.n.security_group(id) else {
                unknown.push(format!("{} is not declared in the template", self.sg_label(id)));
                continue;
            };
            match self.egress_of(sg, peer) {
                Check::Allow(e) => return Check::Allow(e),
                Check::Deny(e, _) => denied.extend(e),
                Check::Unknown(e) => unknown.extend(e),
            }
        }
        if !unknown.is_empty() {
            return Check::Unknown(unknown);
        }
        let decider = ids.iter().flatten().map(|g| self.sg_label(g)).collect::<Vec<_>>().join(", ");
        if ids.len() > 1 {
            denied.push(format!("none of the task's security groups allows TCP 443 to {to}"));
        }
        Check::Deny(denied, decider)
    }

    fn egress_of(&self, sg: &SecurityGroup, peer: &Peer<'_>) -> Check {
        let label = self.sg_label(&sg.id);
        let rules = match &sg.egress.val {
            Val::Absent | Val::Null => {
                return Check::Allow(vec![format!(
                    "{label} declares no egress rules: AWS's default rule allows all outbound traffic"
                )]);
            }
            // CloudFormation keeps the default rule for an empty list.
            Val::Known(v) if v.is_empty() && self.template() => {
                return Check::Allow(vec![format!(
                    "{label} has an empty egress list: AWS keeps its default rule allowing all outbound traffic"
                )]);
            }
            Val::Known(v) => v,
            Val::Unknown(_) => return Check::Unknown(vec![format!("the egress rules of {label} are not resolved")]),
        };
        let mut maybe = false;
        for r in rules {
            match sg_port_match(r).and(sg_peer_match(&r.peer, peer)) {
                M::Yes => return Check::Allow(vec![format!("{label} allows egress {}", self.describe_rule(r, true))]),
                M::Maybe => maybe = true,
                M::No => {}
            }
        }
        let listed: Vec<String> = rules.iter().map(|r| self.describe_rule(r, true)).collect();
        let line = if listed.is_empty() {
            format!("{label} has no egress rules")
        } else {
            format!("{label} allows egress only {}", listed.join("; "))
        };
        if maybe { Check::Unknown(vec![line]) } else { Check::Deny(vec![line], label) }
    }

    /// Whether an interface endpoint's security groups let TCP 443 in from
    /// the task.
    fn endpoint_ingress(&self, ep: &VpcEndpoint, from: &Peer<'_>) -> Check {
        let ep_label = self.name(&ep.id);
        let ids = match &ep.security_groups.val {
            Val::Known(v) if !v.is_empty() => v,
            Val::Unknown(_) => {
                return Check::Unknown(vec![format!("the security groups of endpoint {ep_label} are not resolved")]);
            }
            _ => {
                return Check::Unknown(vec![format!(
                    "endpoint {ep_label} names no security groups: it gets the VPC's default security group, whose rules the template does not show"
                )]);
            }
        };
        let mut unknown = Vec::new();
        let mut denied = Vec::new();
        for id in ids {
            let Some(id) = id.str() else {
                unknown.push(format!("a security group of endpoint {ep_label} is not resolved"));
                continue;
            };
            let Some(sg) = self.n.security_group(id) else {
                unknown.push(format!("{} is not declared in the template", self.sg_label(id)));
                continue;
            };
            let label = self.sg_label(id);
            let rules = match &sg.ingress.val {
                Val::Known(v) => v.as_slice(),
                Val::Absent | Val::Null => &[],
                Val::Unknown(_) => {
                    unknown.push(format!("the ingress rules of {label} are not resolved"));
                    continue;
                }
            };
            let mut maybe = false;
            for r in rules {
                match sg_port_match(r).and(sg_peer_match(&r.peer, from)) {
                    M::Yes => {
                        return Check::Allow(vec![format!(
                            "{label} of endpoint {ep_label} allows ingress {}",
                            self.describe_rule(r, false)
                        )]);
                    }
                    M::Maybe => maybe = true,
                    M::No => {}
                }
            }
            let listed: Vec<String> = rules.iter().map(|r| self.describe_rule(r, false)).collect();
            let line = if listed.is_empty() {
                format!("{label} of endpoint {ep_label} has no ingress rules")
            } else {
                format!("{label} of endpoint {ep_label} allows ingress only {}", listed.join("; "))
            };
            if maybe { unknown.push(line) } else { denied.push(line) }
        }
        if !unknown.is_empty() {
            return Check::Unknown(unknown);
        }
        let decider = ids.iter().filter_map(|g| g.str()).map(|g| self.sg_label(g)).collect::<Vec<_>>().join(", ");
        Check::Deny(denied, decider)
    }

    // --------------------------------------------------------- network ACLs

    /// Whether `acl` lets TCP traffic on `ports` through in one direction.
    fn acl_allows(&self, acl: &NetworkAcl, egress: bool, ports: (u32, u32), peer: &Peer<'_>, what: &str) -> Check {
        let label = self.acl(&acl.id);
        if acl.default && acl.entries.is_empty() && self.template() {
            return Check::Allow(vec![format!("{label} allows all traffic")]);
        }
        let mut entries: Vec<&NaclEntry> = acl.entries.iter().filter(|e| e.egress == egress).collect();
        if entries.iter().any(|e| e.rule_number.get().is_none()) {
            return Check::Unknown(vec![format!("a rule number of {label} is not resolved")]);
        }
        entries.sort_by_key(|e| e.rule_number.get().copied().unwrap_or_default());
        let dir = if egress { "outbound" } else { "inbound" };
        // Ports not decided yet; ports decided unknown; allowing entries.
        let mut open: Vec<(u32, u32)> = vec![ports];
        let mut unknown = false;
        let mut allowed_by = Vec::new();
        for e in entries {
            let (proto, range) = match e.protocol.str() {
                Some("-1") => (M::Yes, Some((0, 65535))),
                Some("6" | "tcp") => match (e.from_port.get(), e.to_port.get()) {
                    (Some(&a), Some(&b)) => (M::Yes, Some((a.max(0) as u32, b.max(0) as u32))),
                    _ => (M::Maybe, None),
                },
                Some(_) => (M::No, None),
                None => (M::Maybe, None),
            };
            let cidr = match &e.cidr.val {
                Val::Known(c) => cidr_match(c, peer),
                // An entry without an IPv4 CIDR is an IPv6 one.
                Val::Absent | Val::Null => M::No,
                Val::Unknown(_) => M::Maybe,
            };
            let m = proto.and(cidr);
            if m == M::No {
                continue;
            }
            let range = range.unwrap_or((0, 65535));
            let hit: Vec<(u32, u32)> = open.iter().filter_map(|&(a, b)| overlap((a, b), range)).collect();
            if hit.is_empty() {
                continue;
            }
            open = open.iter().flat_map(|&o| subtract(o, range)).collect();
            let action = e.allow.get().copied();
            if m == M::Maybe || action.is_none() {
                unknown = true;
                continue;
            }
            let n = e.rule_number.get().copied().unwrap_or_default();
            let desc = describe_nacl(e);
            if action == Some(false) {
                return Check::Deny(vec![format!("{label} {dir} rule {n} denies {desc}, which covers {what}")], label);
            }
            allowed_by.push(format!("{label} {dir} rule {n} allows {desc}"));
        }
        if !open.is_empty() {
            let ports: Vec<String> =
                open.iter().map(|(a, b)| if a == b { format!("{a}") } else { format!("{a}-{b}") }).collect();
            return Check::Deny(
                vec![format!(
                    "no {dir} rule of {label} allows {what} (port {}): the final `*` rule denies it",
                    ports.join(", ")
                )],
                label,
            );
        }
        if unknown {
            return Check::Unknown(vec![format!("{label} has {dir} rules that are not resolved")]);
        }
        Check::Allow(allowed_by)
    }

    fn acl_of(&self, subnet: &Subnet) -> Result<&'a NetworkAcl, Check> {
        self.n.network_acl_of(subnet).ok_or_else(|| {
            Check::Unknown(vec![format!(
                "the network ACL of subnet {} is not declared in the template",
                self.name(&subnet.id)
            )])
        })
    }

    // ----------------------------------------------------------- routes

    fn route_table(&self, subnet: &Subnet) -> Result<(&'a RouteTable, String), Vec<String>> {
        let label = self.name(&subnet.id);
        match self.n.route_table_of(subnet) {
            Some(t) if t.main && t.routes.is_empty() && self.template() => Ok((
                t,
                format!(
                    "subnet {label} has no route table association, so it uses {}, which has only the local route",
                    self.rt(&t.id)
                ),
            )),
            Some(t) if t.main => {
                Ok((t, format!("subnet {label} has no route table association, so it uses {}", self.rt(&t.id))))
            }
            Some(t) => Ok((t, format!("subnet {label} uses {}", self.rt(&t.id)))),
            None => Err(vec![format!("the route table of subnet {label} is not declared in the template")]),
        }
    }

    /// The route that public AWS addresses take: `Ok(None)` when there is
    /// none.
    fn default_route<'t>(&self, t: &'t RouteTable) -> Result<Option<&'t crate::model::context::Route>, Vec<String>> {
        let mut default = None;
        let mut unclear = Vec::new();
        for r in &t.routes {
            match r.destination.str() {
                Some("0.0.0.0/0") => default = Some(r),
                Some(d) if d.contains(':') || d.starts_with("pl-") => {}
                Some(d) => match Cidr::parse(d) {
                    Some(c) if c.is_private() => {}
                    _ => unclear.push(format!(
                        "{} sends `{d}` somewhere more specific than `0.0.0.0/0`, which may cover AWS addresses",
                        self.rt(&t.id)
                    )),
                },
                None => unclear.push(format!("a route of {} has an unresolved destination", self.rt(&t.id))),
            }
        }
        if !unclear.is_empty() {
            return Err(unclear);
        }
        Ok(default)
    }

    fn target_words(&self, target: &RouteTarget) -> String {
        match target {
            RouteTarget::InternetGateway(g) => format!("internet gateway {}", self.name(g)),
            RouteTarget::NatGateway(n) => format!("NAT gateway {}", self.name(n)),
            RouteTarget::VpcEndpoint(e) => format!("endpoint {}", self.name(e)),
            RouteTarget::Other(x) => {
                let kind = match x.split('-').next().unwrap_or("") {
                    "tgw" => "transit gateway",
                    "pcx" => "VPC peering connection",
                    "eni" => "network interface",
                    "i" => "instance",
                    "vpce" => "endpoint (a firewall or Gateway Load Balancer)",
                    "vgw" => "virtual private gateway",
                    "eigw" => "egress-only internet gateway",
                    "lgw" => "local gateway",
                    "cagw" => "carrier gateway",
                    _ => "target",
                };
                format!("{kind} {}", self.name(x))
            }
            RouteTarget::Unknown => "an unresolved target".into(),
        }
    }

    /// How traffic to a public address leaves the subnet.
    fn internet_path(&self, eni: &Eni<'_>) -> InternetPath {
        let subnet = eni.subnet;
        let (table, table_line) = match self.route_table(subnet) {
            Ok(t) => t,
            Err(e) => return InternetPath::Unknown(e),
        };
        let tname = self.rt(&table.id);
        let route = match self.default_route(table) {
            Ok(Some(r)) => r,
            Ok(None) => {
                return InternetPath::NoPath(
                    NoPathKind::NoRoute,
                    vec![table_line, format!("{tname} has no `0.0.0.0/0` route")],
                    tname.clone(),
                );
            }
            Err(e) => return InternetPath::Unknown(e),
        };
        let route_line = format!("{tname} sends `0.0.0.0/0` to {}", self.target_words(&route.target));
        match &route.target {
            RouteTarget::InternetGateway(g) => {
                if let Err(e) = self.igw_attached(g, subnet.vpc.str()) {
                    return InternetPath::Unknown(vec![route_line, e]);
                }
                match eni.public_ip {
                    PublicIp::Yes => InternetPath::Open(
                        Via::InternetGateway(g.clone()),
                        vec![table_line, route_line, "the task gets a public IP (`assignPublicIp: ENABLED`)".into()],
                    ),
                    PublicIp::No(why) => InternetPath::NoPath(
                        NoPathKind::PublicSubnetNoIp,
                        vec![
                            table_line,
                            route_line,
                            format!("{why}: an internet gateway only carries traffic of interfaces with a public IP"),
                        ],
                        tname.clone(),
                    ),
                    PublicIp::Unknown => {
                        InternetPath::Unknown(vec![route_line, "whether the task gets a public IP is not known".into()])
                    }
                }
            }
            RouteTarget::NatGateway(id) => {
                let Some(nat) = self.n.nat_gateways.iter().find(|n| n.id == *id) else {
                    return InternetPath::Unknown(vec![
                        route_line,
                        format!("NAT gateway {} is not declared in the template", self.name(id)),
                    ]);
                };
                let nat_label = self.labeled("NAT gateway", id);
                let private = match nat.connectivity.str() {
                    Some("private") => true,
                    Some(_) => false,
                    None if nat.connectivity.is_missing() => false,
                    None => {
                        return InternetPath::Unknown(vec![
                            route_line,
                            format!("the connectivity type of NAT gateway {nat_label} is not resolved"),
                        ]);
                    }
                };
                let Some(nat_subnet) = nat.subnet.str().and_then(|s| self.n.subnet(s)) else {
                    return InternetPath::Unknown(vec![
                        route_line,
                        format!("the subnet of NAT gateway {nat_label} is not declared in the template"),
                    ]);
                };
                let (nat_table, _) = match self.route_table(nat_subnet) {
                    Ok(t) => t,
                    Err(e) => return InternetPath::Unknown(e),
                };
                let nat_route = match self.default_route(nat_table) {
                    Ok(r) => r,
                    Err(e) => return InternetPath::Unknown(e),
                };
                let nat_tname = self.rt(&nat_table.id);
                let nat_subnet_name = self.name(&nat_subnet.id);
                match nat_route.map(|r| &r.target) {
                    Some(RouteTarget::Other(_) | RouteTarget::Unknown | RouteTarget::VpcEndpoint(_)) => {
                        let t = nat_route.map(|r| self.target_words(&r.target)).unwrap_or_default();
                        InternetPath::Unknown(vec![
                            route_line,
                            format!(
                                "{nat_tname} of {nat_label}'s subnet sends `0.0.0.0/0` to {t}: where it goes next is not in the template"
                            ),
                        ])
                    }
                    _ if private => InternetPath::NoPath(
                        NoPathKind::PrivateNat,
                        vec![
                            table_line,
                            route_line,
                            format!(
                                "{nat_label} is private (`ConnectivityType: private`): it does not reach the internet"
                            ),
                        ],
                        nat_label,
                    ),
                    Some(RouteTarget::InternetGateway(g)) => {
                        if let Err(e) = self.igw_attached(g, nat_subnet.vpc.str()) {
                            return InternetPath::Unknown(vec![route_line, e]);
                        }
                        InternetPath::Open(
                            Via::Nat(id.clone()),
                            vec![
                                table_line,
                                format!(
                                    "{route_line}; the NAT gateway's subnet {nat_subnet_name} uses {nat_tname}, which sends `0.0.0.0/0` to internet gateway {}",
                                    self.name(g)
                                ),
                            ],
                        )
                    }
                    Some(RouteTarget::NatGateway(_)) | None => InternetPath::NoPath(
                        NoPathKind::NatWithoutIgw,
                        vec![
                            table_line,
                            route_line,
                            format!(
                                "{nat_label} is in subnet {nat_subnet_name}, which uses {nat_tname}: it has no `0.0.0.0/0` route to an internet gateway"
                            ),
                        ],
                        nat_label,
                    ),
                }
            }
            _ => InternetPath::Unknown(vec![format!("{route_line}: where it goes next is not in the template")]),
        }
    }

    fn igw_attached(&self, igw: &str, vpc: Option<&str>) -> Result<(), String> {
        let Some(g) = self.n.internet_gateways.iter().find(|g| g.id == igw) else {
            return Err(format!("internet gateway {} is not declared in the template", self.name(igw)));
        };
        match (g.vpc.str(), vpc) {
            (Some(a), Some(b)) if a == b => Ok(()),
            _ => {
                Err(format!("internet gateway {} is not attached to the subnet's VPC in the template", self.name(igw)))
            }
        }
    }

    // -------------------------------------------------------- endpoints

    /// Whether an endpoint's service is the one needed: `Ok(true)` yes,
    /// `Err` when the service name is not resolved.
    fn serves(&self, ep: &VpcEndpoint, need: &Need) -> Result<bool, ()> {
        let Some(s) = ep.service.str() else { return Err(()) };
        let rest = s.strip_prefix("com.amazonaws.").or_else(|| s.strip_prefix("cn.com.amazonaws."));
        let Some((region, svc)) = rest.and_then(|r| r.split_once('.')) else { return Ok(false) };
        Ok(svc == need.svc.name() && need.region.as_deref().is_none_or(|r| r == region))
    }

    fn vpc_region(&self, vpc: &str) -> Option<String> {
        self.n.endpoints.iter().filter(|e| e.vpc.str() == Some(vpc)).find_map(|e| {
            let s = e.service.str()?;
            let rest = s.strip_prefix("com.amazonaws.").or_else(|| s.strip_prefix("cn.com.amazonaws."))?;
            rest.split_once('.').map(|(r, _)| r.to_string())
        })
    }

    /// Reachability of one need from one interface.
    pub fn reach(&self, eni: &Eni<'_>, need: &Need) -> Verdict {
        let subnet = eni.subnet;
        let Some(vpc_id) = subnet.vpc.str() else {
            return Verdict::unknown(
                Via::Unknown,
                vec![format!("the VPC of subnet {} is not resolved", self.name(&subnet.id))],
            );
        };
        let table = self.n.route_table_of(subnet);
        let mut notes: Vec<String> = Vec::new();
        let mut dns_off: Vec<(String, String)> = Vec::new();
        if need.svc != Svc::Internet {
            // Endpoints the template cannot place make the answer unknown.
            let unclear = self.n.endpoints.iter().any(|e| {
                let uncertain = e.vpc.str().is_none() || e.service.str().is_none() || e.kind.get().is_none();
                uncertain && e.vpc.str().is_none_or(|v| v == vpc_id) && self.serves(e, need).unwrap_or(true)
            });
            let candidates: Vec<&VpcEndpoint> = self
                .n
                .endpoints
                .iter()
                .filter(|e| e.vpc.str() == Some(vpc_id) && self.serves(e, need) == Ok(true))
                .collect();
            // 1. The S3 gateway endpoint on the subnet's route table.
            for ep in candidates.iter().filter(|e| e.kind.get() == Some(&EndpointKind::Gateway)) {
                let Some(table) = table else { continue };
                match &ep.route_tables.val {
                    Val::Known(ids) if ids.iter().any(|t| t.str() == Some(table.id.as_str())) => {
                        return self.gateway_path(eni, ep, table);
                    }
                    Val::Known(ids) if ids.iter().any(|t| t.str().is_none()) => {
                        return Verdict::unknown(
                            Via::Unknown,
                            vec![format!(
                                "the route tables of gateway endpoint {} are not resolved",
                                self.name(&ep.id)
                            )],
                        );
                    }
                    Val::Known(_) | Val::Absent | Val::Null => notes.push(format!(
                        "gateway endpoint {} is not associated with {}",
                        self.name(&ep.id),
                        self.rt(&table.id)
                    )),
                    Val::Unknown(_) => {
                        return Verdict::unknown(
                            Via::Unknown,
                            vec![format!(
                                "the route tables of gateway endpoint {} are not resolved",
                                self.name(&ep.id)
                            )],
                        );
                    }
                }
            }
            // 2. An interface endpoint with private DNS.
            for ep in candidates.iter().filter(|e| e.kind.get() == Some(&EndpointKind::Interface)) {
                let ep_label = self.name(&ep.id);
                let Some(private_dns) = ep.private_dns.or(false) else {
                    return Verdict::unknown(
                        Via::Unknown,
                        vec![format!("`PrivateDnsEnabled` of endpoint {ep_label} is not resolved")],
                    );
                };
                let Some(vpc) = self.n.vpc(vpc_id) else {
                    return Verdict::unknown(
                        Via::Unknown,
                        vec![format!("the DNS attributes of VPC {} are not in the template", self.name(vpc_id))],
                    );
                };
                let (Some(support), Some(hostnames)) = (vpc.dns_support.or(true), vpc.dns_hostnames.or(false)) else {
                    return Verdict::unknown(
                        Via::Unknown,
                        vec![format!("the DNS attributes of VPC {} are not resolved", self.name(vpc_id))],
                    );
                };
                if private_dns && support && hostnames {
                    return self.interface_path(eni, ep);
                }
                let vname = self.name(vpc_id);
                let why = if !private_dns {
                    let setting = if ep.private_dns.is_missing() {
                        "`PrivateDnsEnabled` is omitted, and CloudFormation's default is false"
                    } else {
                        "`PrivateDnsEnabled: false`"
                    };
                    format!(
                        "endpoint {ep_label} has private DNS off ({setting}): `{}` names resolve to public addresses",
                        need.svc.name()
                    )
                } else if !support {
                    format!(
                        "VPC {vname} has `EnableDnsSupport` off: private DNS of endpoint {ep_label} does not resolve"
                    )
                } else {
                    let default = if vpc.dns_hostnames.is_missing() { " (its default is false)" } else { "" };
                    format!(
                        "VPC {vname} has `EnableDnsHostnames` off{default}: endpoint {ep_label}'s private DNS needs it (EC2 rejects `PrivateDnsEnabled` without it)"
                    )
                };
                dns_off.push((ep_label, why));
            }
            if unclear {
                return Verdict::unknown(
                    Via::Unknown,
                    vec!["an endpoint in the template has an unresolved VPC, service or type".into()],
                );
            }
        }
        // 3. The public name, through the route table.
        let internet = self.internet_path(eni);
        // Endpoints of a VPC the template does not declare may be declared
        // in another stack.
        if need.svc != Svc::Internet
            && self.template()
            && self.n.vpc(vpc_id).is_none()
            && dns_off.is_empty()
            && matches!(internet, InternetPath::NoPath(..))
        {
            return Verdict::unknown(
                Via::Unknown,
                vec![format!(
                    "VPC {} is not declared in the template: its endpoints may be declared elsewhere",
                    self.name(vpc_id)
                )],
            );
        }
        match internet {
            InternetPath::Open(via, lines) => {
                let checks = vec![
                    (Cause::TaskSecurityGroup, self.task_egress(eni.groups, &Peer::Public, "`0.0.0.0/0`")),
                    (Cause::Nacl, self.subnet_acl(subnet, true, (443, 443), &Peer::Public, "HTTPS to the internet")),
                    (
                        Cause::Nacl,
                        self.subnet_acl(
                            subnet,
                            false,
                            eni.ephemeral(),
                            &Peer::Public,
                            "the return traffic from the internet",
                        ),
                    ),
                ];
                compose(via, lines, checks)
            }
            InternetPath::NoPath(kind, mut lines, decider) => {
                if !dns_off.is_empty() {
                    let deciders: Vec<String> = dns_off.iter().map(|(l, _)| l.clone()).collect();
                    let mut ev: Vec<String> = dns_off.into_iter().map(|(_, w)| w).collect();
                    ev.extend(lines);
                    return Verdict {
                        state: State::Blocked(Cause::PrivateDnsOff),
                        via: Via::Nothing,
                        evidence: ev,
                        deciders,
                        missing: None,
                    };
                }
                let cause = if kind == NoPathKind::PublicSubnetNoIp && eni.fargate {
                    Cause::PublicIpOff
                } else {
                    Cause::NoPath
                };
                let mut missing = None;
                if need.svc != Svc::Internet {
                    let region = self.vpc_region(vpc_id);
                    let m = Missing {
                        vpc: format!("VPC {}", self.name(vpc_id)),
                        service: need.service_name(region.as_deref()),
                        gateway_on: (need.svc == Svc::S3)
                            .then(|| table.map_or_else(|| "the subnet's route table".to_string(), |t| self.rt(&t.id))),
                    };
                    // A gateway endpoint on another table says it better.
                    if notes.is_empty() {
                        lines.push(m.line());
                    }
                    lines.extend(notes);
                    missing = Some(m);
                }
                Verdict {
                    state: State::Blocked(cause),
                    via: Via::Nothing,
                    evidence: lines,
                    deciders: vec![decider],
                    missing,
                }
            }
            InternetPath::Unknown(lines) => Verdict::unknown(Via::Unknown, lines),
        }
    }

    fn subnet_acl(&self, subnet: &Subnet, egress: bool, ports: (u32, u32), peer: &Peer<'_>, what: &str) -> Check {
        match self.acl_of(subnet) {
            Ok(acl) => self.acl_allows(acl, egress, ports, peer, what),
            Err(c) => c,
        }
    }

    fn gateway_path(&self, eni: &Eni<'_>, ep: &VpcEndpoint, table: &RouteTable) -> Verdict {
        let line = format!("S3 gateway endpoint {} is associated with {}", self.name(&ep.id), self.rt(&table.id));
        let peer = Peer::Public;
        let checks = vec![
            (Cause::TaskSecurityGroup, self.task_egress(eni.groups, &peer, "`0.0.0.0/0` or the S3 prefix list")),
            (Cause::Nacl, self.subnet_acl(eni.subnet, true, (443, 443), &peer, "HTTPS to S3")),
            (Cause::Nacl, self.subnet_acl(eni.subnet, false, eni.ephemeral(), &peer, "the return traffic from S3")),
        ];
        compose(Via::GatewayEndpoint(ep.id.clone()), vec![line], checks)
    }

    /// Through an interface endpoint: to any of its subnets' interfaces.
    fn interface_path(&self, eni: &Eni<'_>, ep: &VpcEndpoint) -> Verdict {
        let via = Via::InterfaceEndpoint(ep.id.clone());
        let ep_label = self.name(&ep.id);
        let line = format!("endpoint {ep_label} (`{}`) has private DNS on", ep.service.str().unwrap_or_default());
        let subnets = match &ep.subnets.val {
            Val::Known(v) if !v.is_empty() => v,
            Val::Unknown(_) => {
                return Verdict::unknown(
                    via,
                    vec![line, format!("the subnets of endpoint {ep_label} are not resolved")],
                );
            }
            _ => return Verdict::unknown(via, vec![line, format!("endpoint {ep_label} names no subnets")]),
        };
        let task_cidr = eni.subnet.cidr.str().and_then(Cidr::parse);
        let task_groups: Option<Vec<&str>> = match eni.groups {
            Groups::Listed(ids) => ids.iter().copied().collect(),
            _ => None,
        };
        let ep_groups: Option<Vec<&str>> = ep.security_groups.get().and_then(|v| v.iter().map(|g| g.str()).collect());
        let from_task = Peer::Inside { cidr: task_cidr, groups: task_groups };
        let mut results = Vec::new();
        for s in subnets {
            let Some(es) = s.str().and_then(|id| self.n.subnet(id)) else {
                results.push(Verdict::unknown(
                    via.clone(),
                    vec![line.clone(), format!("a subnet of endpoint {ep_label} is not declared in the template")],
                ));
                continue;
            };
            let to_ep = Peer::Inside { cidr: es.cidr.str().and_then(Cidr::parse), groups: ep_groups.clone() };
            let mut checks = vec![(
                Cause::TaskSecurityGroup,
                self.task_egress(eni.groups, &to_ep, &format!("endpoint {ep_label} (its security group or subnet)")),
            )];
            // Traffic inside one subnet does not pass its network ACL.
            let cross = es.id != eni.subnet.id;
            if cross {
                checks.push((
                    Cause::Nacl,
                    self.subnet_acl(eni.subnet, true, (443, 443), &to_ep, &format!("HTTPS to endpoint {ep_label}")),
                ));
                checks.push((
                    Cause::Nacl,
                    self.subnet_acl(es, false, (443, 443), &from_task, "HTTPS from the task's subnet"),
                ));
            }
            checks.push((Cause::EndpointSecurityGroup, self.endpoint_ingress(ep, &from_task)));
            if cross {
                checks.push((
                    Cause::Nacl,
                    self.subnet_acl(es, true, eni.ephemeral(), &from_task, "the return traffic to the task"),
                ));
                checks.push((
                    Cause::Nacl,
                    self.subnet_acl(
                        eni.subnet,
                        false,
                        eni.ephemeral(),
                        &to_ep,
                        &format!("the return traffic from endpoint {ep_label}"),
                    ),
                ));
            }
            results.push(compose(via.clone(), vec![line.clone()], checks));
        }
        // Any interface that works serves the task; all blocked blocks it.
        if let Some(ok) = results.iter().find(|v| v.state == State::Reachable) {
            return ok.clone();
        }
        if results.iter().all(|v| matches!(v.state, State::Blocked(_))) {
            return results.swap_remove(0);
        }
        let mut ev = vec![line];
        for r in results.into_iter().filter(|r| r.state == State::Unknown) {
            ev.extend(r.evidence.into_iter().skip(1));
        }
        dedup(&mut ev);
        Verdict::unknown(via, ev)
    }

    /// After every need of one interface: a missing path is a missing
    /// endpoint (ECS303) when the task already uses VPC endpoints.
    fn finalize(&self, eni: &Eni<'_>, needs: &[Need], verdicts: &mut [Verdict]) {
        let mut served: Vec<&str> = needs
            .iter()
            .zip(verdicts.iter())
            .filter(|(_, v)| matches!(v.via, Via::InterfaceEndpoint(_) | Via::GatewayEndpoint(_)))
            .map(|(n, _)| n.svc.name())
            .collect();
        if served.is_empty() {
            return;
        }
        served.dedup();
        for (need, v) in needs.iter().zip(verdicts.iter_mut()) {
            if v.state == State::Blocked(Cause::NoPath) && need.svc != Svc::Internet {
                v.state = State::Blocked(Cause::EndpointMissing);
                v.evidence.push(format!(
                    "from subnet {} the tasks reach {} through VPC endpoints",
                    self.name(&eni.subnet.id),
                    crate::rules::ticked(&served, "and")
                ));
            }
        }
    }
}

fn dedup(v: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    v.retain(|x| seen.insert(x.clone()));
}

/// A path's necessary conditions in order: the first denied one decides;
/// any unknown one makes the path unknown; all allowed make it reachable.
fn compose(via: Via, mut lines: Vec<String>, checks: Vec<(Cause, Check)>) -> Verdict {
    for (cause, c) in &checks {
        if let Check::Deny(e, decider) = c {
            let mut ev = e.clone();
            ev.extend(lines);
            return Verdict {
                state: State::Blocked(*cause),
                via,
                evidence: ev,
                deciders: vec![decider.clone()],
                missing: None,
            };
        }
    }
    let mut unknown = false;
    for (_, c) in checks {
        match c {
            Check::Allow(e) => lines.extend(e),
            Check::Unknown(e) => {
                unknown = true;
                lines.extend(e);
            }
            Check::Deny(..) => unreachable!("handled above"),
        }
    }
    dedup(&mut lines);
    if unknown {
        Verdict::unknown(via, lines)
    } else {
        Verdict { state: State::Reachable, via, evidence: lines, deciders: Vec::new(), missing: None }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NoPathKind {
    NoRoute,
    /// An internet gateway route, but no public IP.
    PublicSubnetNoIp,
    PrivateNat,
    NatWithoutIgw,
}

enum InternetPath {
    Open(Via, Vec<String>),
    /// No way out: why, evidence, and the deciding resource's label.
    NoPath(NoPathKind, Vec<String>, String),
    Unknown(Vec<String>),
}

fn overlap(a: (u32, u32), b: (u32, u32)) -> Option<(u32, u32)> {
    let (lo, hi) = (a.0.max(b.0), a.1.min(b.1));
    (lo <= hi).then_some((lo, hi))
}

fn subtract(a: (u32, u32), b: (u32, u32)) -> Vec<(u32, u32)> {
    if overlap(a, b).is_none() {
        return vec![a];
    }
    let mut out = Vec::new();
    if a.0 < b.0 {
        out.push((a.0, b.0 - 1));
    }
    if b.1 < a.1 {
        out.push((b.1 + 1, a.1));
    }
    out
}

fn describe_nacl(e: &NaclEntry) -> String {
    let proto = match e.protocol.str() {
        Some("-1") => "all traffic".to_string(),
        Some("6") => "TCP".to_string(),
        Some("17") => "UDP".to_string(),
        Some(p) => format!("protocol {p}"),
        None => "(unresolved protocol)".to_string(),
    };
    let ports = match (e.protocol.str(), e.from_port.get(), e.to_port.get()) {
        (Some("-1"), _, _) => String::new(),
        (_, Some(a), Some(b)) if a == b => format!(" {a}"),
        (_, Some(a), Some(b)) => format!(" {a}-{b}"),
        _ => String::new(),
    };
    let dir = if e.egress { "to" } else { "from" };
    let cidr = e.cidr.str().unwrap_or("(unresolved CIDR)");
    format!("{proto}{ports} {dir} `{cidr}`")
}

#[cfg(test)]
mod tests;
