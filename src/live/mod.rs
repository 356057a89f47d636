//! Live mode: reading an account into a snapshot.
//!
//! Everything read from AWS goes through [`Api::call`] with one of the
//! [`Call`]s below, and each `Call` names the one read-only operation it
//! makes: that list is the whole of what ecs-triage may ask of an account
//! (`docs/iam-policy.json` grants exactly it, and a test holds the two
//! together). The SDK lives behind it in `aws.rs`; the rest of the crate
//! sees JSON in the shapes the AWS APIs answer with.
//!
//! A snapshot ([`crate::model::snapshot`]) is what was read, in those
//! shapes. `audit` builds one in memory and lints it; `snapshot` writes it;
//! `audit --snapshot` lints a saved one, so replaying a snapshot gives the
//! findings of the run that took it.

pub mod aws;

use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

/// One read the snapshot needs.
#[derive(Debug, Clone)]
pub enum Call {
    GetCallerIdentity,
    ListClusters { next: Option<String> },
    DescribeClusters { clusters: Vec<String> },
    ListServices { cluster: String, next: Option<String> },
    DescribeServices { cluster: String, services: Vec<String> },
    DescribeTaskDefinition { task_definition: String },
    ListTasks { cluster: String, desired_status: &'static str, next: Option<String> },
    DescribeTasks { cluster: String, tasks: Vec<String> },
    DescribeLogGroups { prefix: String, next: Option<String> },
    GetRole { role: String },
    ListRolePolicies { role: String, marker: Option<String> },
    GetRolePolicy { role: String, policy: String },
    ListAttachedRolePolicies { role: String, marker: Option<String> },
    GetPolicy { arn: String },
    GetPolicyVersion { arn: String, version: String },
    DescribeSubnets { ids: Vec<String> },
    DescribeVpcs { ids: Vec<String> },
    DescribeVpcAttribute { vpc: String, attribute: &'static str },
    DescribeRouteTables { vpc: String, next: Option<String> },
    DescribeInternetGateways { vpc: String, next: Option<String> },
    DescribeNatGateways { vpc: String, next: Option<String> },
    DescribeVpcEndpoints { vpc: String, next: Option<String> },
    DescribeSecurityGroups { ids: Vec<String> },
    DescribeNetworkAcls { vpc: String, next: Option<String> },
    DescribeSecret { secret: String },
    GetParameters { names: Vec<String> },
    DescribeImages { repository: String, tag: Option<String>, digest: Option<String> },
    ListRuleNamesByTarget { target: String, bus: String, next: Option<String> },
    DescribeRule { name: String, bus: String },
    ListTargetsByRule { rule: String, bus: String, next: Option<String> },
    ListEventBuses { next: Option<String> },
    DescribeTargetGroups { arns: Vec<String> },
    DescribeLoadBalancers { arns: Vec<String> },
    DescribeListeners { load_balancer: String, next: Option<String> },
    DescribeRules { listener: String, next: Option<String> },
}

/// Every operation a [`Call`] can make, as IAM names it.
pub const OPERATIONS: [&str; 35] = [
    "sts:GetCallerIdentity",
    "ecs:ListClusters",
    "ecs:DescribeClusters",
    "ecs:ListServices",
    "ecs:DescribeServices",
    "ecs:DescribeTaskDefinition",
    "ecs:ListTasks",
    "ecs:DescribeTasks",
    "logs:DescribeLogGroups",
    "iam:GetRole",
    "iam:ListRolePolicies",
    "iam:GetRolePolicy",
    "iam:ListAttachedRolePolicies",
    "iam:GetPolicy",
    "iam:GetPolicyVersion",
    "ec2:DescribeSubnets",
    "ec2:DescribeVpcs",
    "ec2:DescribeVpcAttribute",
    "ec2:DescribeRouteTables",
    "ec2:DescribeInternetGateways",
    "ec2:DescribeNatGateways",
    "ec2:DescribeVpcEndpoints",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeNetworkAcls",
    "secretsmanager:DescribeSecret",
    "ssm:GetParameters",
    "ecr:DescribeImages",
    "events:ListRuleNamesByTarget",
    "events:DescribeRule",
    "events:ListTargetsByRule",
    "elasticloadbalancing:DescribeTargetGroups",
    "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeListeners",
    "elasticloadbalancing:DescribeRules",
    "events:ListEventBuses",
];

impl Call {
    /// The IAM action of the operation.
    pub fn operation(&self) -> &'static str {
        match self {
            Call::GetCallerIdentity => OPERATIONS[0],
            Call::ListClusters { .. } => OPERATIONS[1],
            Call::DescribeClusters { .. } => OPERATIONS[2],
            Call::ListServices { .. } => OPERATIONS[3],
            Call::DescribeServices { .. } => OPERATIONS[4],
            Call::DescribeTaskDefinition { .. } => OPERATIONS[5],
            Call::ListTasks { .. } => OPERATIONS[6],
            Call::DescribeTasks { .. } => OPERATIONS[7],
            Call::DescribeLogGroups { .. } => OPERATIONS[8],
            Call::GetRole { .. } => OPERATIONS[9],
            Call::ListRolePolicies { .. } => OPERATIONS[10],
            Call::GetRolePolicy { .. } => OPERATIONS[11],
            Call::ListAttachedRolePolicies { .. } => OPERATIONS[12],
            Call::GetPolicy { .. } => OPERATIONS[13],
            Call::GetPolicyVersion { .. } => OPERATIONS[14],
            Call::DescribeSubnets { .. } => OPERATIONS[15],
            Call::DescribeVpcs { .. } => OPERATIONS[16],
            Call::DescribeVpcAttribute { .. } => OPERATIONS[17],
            Call::DescribeRouteTables { .. } => OPERATIONS[18],
            Call::DescribeInternetGateways { .. } => OPERATIONS[19],
            Call::DescribeNatGateways { .. } => OPERATIONS[20],
            Call::DescribeVpcEndpoints { .. } => OPERATIONS[21],
            Call::DescribeSecurityGroups { .. } => OPERATIONS[22],
            Call::DescribeNetworkAcls { .. } => OPERATIONS[23],
            Call::DescribeSecret { .. } => OPERATIONS[24],
            Call::GetParameters { .. } => OPERATIONS[25],
            Call::DescribeImages { .. } => OPERATIONS[26],
            Call::ListRuleNamesByTarget { .. } => OPERATIONS[27],
            Call::DescribeRule { .. } => OPERATIONS[28],
            Call::ListTargetsByRule { .. } => OPERATIONS[29],
            Call::DescribeTargetGroups { .. } => OPERATIONS[30],
            Call::DescribeLoadBalancers { .. } => OPERATIONS[31],
            Call::DescribeListeners { .. } => OPERATIONS[32],
            Call::DescribeRules { .. } => OPERATIONS[33],
            Call::ListEventBuses { .. } => OPERATIONS[34],
        }
    }
}

/// A failed call: the AWS error code when there is one.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub operation: &'static str,
    pub code: Option<String>,
    pub message: String,
}

impl ApiError {
    /// The caller may not make the call.
    pub fn is_denied(&self) -> bool {
        self.code
            .as_deref()
            .is_some_and(|c| c.contains("AccessDenied") || c == "UnauthorizedOperation" || c == "AuthorizationError")
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.code {
            Some(c) => write!(f, "{}: {c}: {}", self.operation, self.message),
            None => write!(f, "{}: {}", self.operation, self.message),
        }
    }
}

/// Where the account's data comes from: the SDK, or a test's fake.
pub trait Api: Sync {
    /// Makes one call and answers with the operation's response as the
    /// API's JSON (camelCase for ECS and CloudWatch Logs).
    fn call(&self, call: Call) -> impl std::future::Future<Output = Result<Value, ApiError>> + Send;
}

/// What to read.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Cluster names or ARNs; empty: every cluster.
    pub clusters: Vec<String>,
    /// Service names or ARNs; empty: every service of those clusters.
    pub services: Vec<String>,
    /// Calls in flight at once.
    pub concurrency: usize,
    pub region: Option<String>,
    /// Show the calls made so far on stderr (a terminal).
    pub progress: bool,
}

/// Calls made, per operation.
#[derive(Debug, Default)]
pub struct Stats {
    pub calls: BTreeMap<&'static str, usize>,
    pub failed: BTreeMap<&'static str, usize>,
}

impl Stats {
    /// Counts the calls of another read too.
    pub fn add(&mut self, other: Stats) {
        for (op, n) in other.calls {
            *self.calls.entry(op).or_default() += n;
        }
        for (op, n) in other.failed {
            *self.failed.entry(op).or_default() += n;
        }
    }
}

/// The snapshot, and how it was read.
pub struct Taken {
    pub snapshot: Value,
    pub stats: Stats,
    /// Nothing at all could be read (the first calls failed): why.
    pub fatal: Option<ApiError>,
}

impl<'a, A: Api> Reader<'a, A> {
    fn new(api: &'a A, scope: &Scope) -> Self {
        Reader {
            api,
            progress: scope.progress,
            stats: Mutex::new(Stats::default()),
            not_loaded: Mutex::new(Vec::new()),
        }
    }
}

struct Reader<'a, A: Api> {
    api: &'a A,
    progress: bool,
    stats: Mutex<Stats>,
    not_loaded: Mutex<Vec<Value>>,
}

impl<A: Api> Reader<'_, A> {
    async fn call(&self, call: Call) -> Result<Value, ApiError> {
        let op = call.operation();
        let result = self.api.call(call).await;
        let mut stats = self.stats.lock().expect("stats");
        *stats.calls.entry(op).or_default() += 1;
        if result.is_err() {
            *stats.failed.entry(op).or_default() += 1;
        }
        if self.progress {
            let n: usize = stats.calls.values().sum();
            eprint!("\rreading the account: {n} calls, last {op}\x1b[K");
        }
        result
    }

    /// Notes what could not be read, for the part of the snapshot it fills.
    fn failed(&self, part: &str, e: &ApiError) {
        self.not_loaded.lock().expect("not loaded").push(json!({
            "part": part,
            "action": e.operation,
            "message": match &e.code { Some(c) => format!("{c}: {}", e.message), None => e.message.clone() },
        }));
    }

    /// Every page of a list call, collecting the strings under `key`.
    async fn list(&self, key: &str, mut make: impl FnMut(Option<String>) -> Call) -> Result<Vec<String>, ApiError> {
        let mut out = Vec::new();
        let mut next = None;
        loop {
            let page = self.call(make(next.take())).await?;
            if let Some(items) = page.get(key).and_then(Value::as_array) {
                out.extend(items.iter().filter_map(Value::as_str).map(String::from));
            }
            // ECS and Logs page with `nextToken`, IAM with `Marker`,
            // EventBridge with `NextToken`.
            match page
                .get("nextToken")
                .or_else(|| page.get("Marker"))
                .or_else(|| page.get("NextToken"))
                .and_then(Value::as_str)
            {
                Some(t) if !t.is_empty() => next = Some(t.to_string()),
                _ => return Ok(out),
            }
        }
    }

    /// Every page of a call, collecting the objects under `key` (EC2 and
    /// EventBridge page with `NextToken`, ELBv2 with `NextMarker`).
    async fn pages(&self, key: &str, mut make: impl FnMut(Option<String>) -> Call) -> Result<Vec<Value>, ApiError> {
        let mut out = Vec::new();
        let mut next = None;
        loop {
            let page = self.call(make(next.take())).await?;
            out.extend(array(&page, key));
            match page.get("NextToken").or_else(|| page.get("NextMarker")).and_then(Value::as_str) {
                Some(t) if !t.is_empty() => next = Some(t.to_string()),
                _ => return Ok(out),
            }
        }
    }

    /// Runs `f` on every item, `concurrency` at a time, keeping order.
    async fn each<T, R, Fut>(&self, items: Vec<T>, concurrency: usize, f: impl Fn(T) -> Fut) -> Vec<R>
    where
        Fut: std::future::Future<Output = R>,
    {
        use std::pin::Pin;
        let mut results: Vec<Option<R>> = Vec::with_capacity(items.len());
        results.resize_with(items.len(), || None);
        let mut pending: Vec<(usize, Pin<Box<Fut>>)> = Vec::new();
        let mut items = items.into_iter().enumerate();
        let concurrency = concurrency.max(1);
        loop {
            while pending.len() < concurrency {
                match items.next() {
                    Some((i, item)) => pending.push((i, Box::pin(f(item)))),
                    None => break,
                }
            }
            if pending.is_empty() {
                break;
            }
            let (i, r) = std::future::poll_fn(|cx| {
                for k in 0..pending.len() {
                    if let std::task::Poll::Ready(r) = pending[k].1.as_mut().poll(cx) {
                        let (i, _) = pending.swap_remove(k);
                        return std::task::Poll::Ready((i, r));
                    }
                }
                std::task::Poll::Pending
            })
            .await;
            results[i] = Some(r);
        }
        results.into_iter().map(|r| r.expect("every item ran")).collect()
    }
}

/// Reads the account (within `scope`) into a snapshot.
pub async fn take<A: Api>(api: &A, scope: &Scope) -> Taken {
    let rd = Reader::new(api, scope);
    let conc = scope.concurrency.max(1);
    let mut snap = Map::new();
    if let Err(e) = head(&rd, scope, &mut snap).await {
        rd.failed("account", &e);
    }

    // Clusters.
    let names = if scope.clusters.is_empty() {
        match rd.list("clusterArns", |next| Call::ListClusters { next }).await {
            Ok(v) => v,
            Err(e) => return fatal(rd, e),
        }
    } else {
        scope.clusters.clone()
    };
    let mut clusters = Vec::new();
    let mut unknown = Vec::new();
    for batch in names.chunks(100) {
        match rd.call(Call::DescribeClusters { clusters: batch.to_vec() }).await {
            Ok(v) => {
                clusters.extend(array(&v, "clusters"));
                unknown.extend(array(&v, "failures").iter().filter_map(|f| str_of(f, "arn")));
            }
            // Nothing read yet: no credentials, no network, a wrong endpoint.
            Err(e) if clusters.is_empty() => return fatal(rd, e),
            Err(e) => rd.failed("ecs", &e),
        }
    }
    // A cluster the user named that the account does not have is a typo or
    // the wrong Region: an error when none is found, a note otherwise.
    if !unknown.is_empty() {
        let e = ApiError {
            operation: Call::DescribeClusters { clusters: Vec::new() }.operation(),
            code: Some("ClusterNotFound".into()),
            message: format!(
                "no cluster {} in this account and Region",
                unknown.iter().map(|u| format!("`{u}`")).collect::<Vec<_>>().join(", ")
            ),
        };
        if clusters.is_empty() {
            return fatal(rd, e);
        }
        rd.failed("ecs", &e);
    }
    let cluster_arns: Vec<String> = clusters.iter().filter_map(|c| str_of(c, "clusterArn")).collect();

    // Services, by cluster.
    let per_cluster = rd
        .each(cluster_arns.clone(), conc, |cluster| {
            let rd = &rd;
            async move {
                let arns = if scope.services.is_empty() {
                    match rd.list("serviceArns", |next| Call::ListServices { cluster: cluster.clone(), next }).await {
                        Ok(v) => v,
                        Err(e) => {
                            rd.failed("ecs", &e);
                            return Vec::new();
                        }
                    }
                } else {
                    scope.services.clone()
                };
                let mut out = Vec::new();
                for batch in arns.chunks(10) {
                    match rd.call(Call::DescribeServices { cluster: cluster.clone(), services: batch.to_vec() }).await {
                        Ok(v) => out.extend(array(&v, "services")),
                        Err(e) => rd.failed("ecs", &e),
                    }
                }
                out
            }
        })
        .await;
    let services: Vec<Value> = per_cluster.into_iter().flatten().collect();

    // Tasks: running and recently stopped, by cluster (only those of the
    // services asked for, when services were named).
    let wanted_groups: BTreeSet<String> =
        services.iter().filter_map(|s| str_of(s, "serviceName")).map(|n| format!("service:{n}")).collect();
    let per_cluster = rd
        .each(cluster_arns.clone(), conc, |cluster| {
            let rd = &rd;
            async move {
                let mut arns = Vec::new();
                for status in ["RUNNING", "STOPPED"] {
                    let listed = rd
                        .list("taskArns", |next| Call::ListTasks {
                            cluster: cluster.clone(),
                            desired_status: status,
                            next,
                        })
                        .await;
                    match listed {
                        Ok(v) => arns.extend(v),
                        Err(e) => rd.failed("ecs", &e),
                    }
                }
                // A task that stops between the two lists is in both.
                let mut seen = BTreeSet::new();
                arns.retain(|a| seen.insert(a.clone()));
                let mut out = Vec::new();
                for batch in arns.chunks(100) {
                    match rd.call(Call::DescribeTasks { cluster: cluster.clone(), tasks: batch.to_vec() }).await {
                        Ok(v) => out.extend(array(&v, "tasks")),
                        Err(e) => rd.failed("ecs", &e),
                    }
                }
                out
            }
        })
        .await;
    let tasks: Vec<Value> = per_cluster
        .into_iter()
        .flatten()
        .filter(|t| scope.services.is_empty() || str_of(t, "group").is_some_and(|g| wanted_groups.contains(&g)))
        .collect();

    let events = read_events(&rd, &cluster_arns, scope).await;
    let elb = Some(read_elb(&rd, &services, scope).await);

    // Task definitions in use, each once.
    let mut td_arns: BTreeSet<String> = BTreeSet::new();
    for s in &services {
        td_arns.extend(str_of(s, "taskDefinition"));
        for d in array(s, "deployments") {
            td_arns.extend(str_of(&d, "taskDefinition"));
        }
    }
    for t in &tasks {
        td_arns.extend(str_of(t, "taskDefinitionArn"));
    }
    for t in event_targets(events.as_ref()) {
        td_arns.extend(t.get("EcsParameters").and_then(|p| str_of(p, "TaskDefinitionArn")));
    }
    let tds: Vec<Value> = rd
        .each(td_arns.into_iter().collect(), conc, |td| {
            let rd = &rd;
            async move {
                match rd.call(Call::DescribeTaskDefinition { task_definition: td }).await {
                    Ok(v) => v.get("taskDefinition").cloned(),
                    Err(e) => {
                        rd.failed("ecs", &e);
                        None
                    }
                }
            }
        })
        .await
        .into_iter()
        .flatten()
        .collect();

    snap.insert(
        "ecs".into(),
        json!({"clusters": clusters, "services": services, "taskDefinitions": tds, "tasks": tasks}),
    );
    let target_roles: Vec<String> =
        event_targets(events.as_ref()).iter().filter_map(|t| str_of(t, "RoleArn")).collect();
    // Where scheduled tasks run is read with the services' network.
    let mut launchers = services.clone();
    for t in event_targets(events.as_ref()) {
        let vpc = t
            .get("EcsParameters")
            .and_then(|p| p.get("NetworkConfiguration"))
            .and_then(|n| n.get("awsvpcConfiguration"));
        if let Some(vpc) = vpc {
            launchers.push(json!({"networkConfiguration": {"awsvpcConfiguration": {
                "subnets": vpc.get("Subnets").cloned().unwrap_or_default(),
                "securityGroups": vpc.get("SecurityGroups").cloned().unwrap_or_default(),
            }}}));
        }
    }
    if let Some(events) = events {
        snap.insert("events".into(), events);
    }
    let around = Around { tds: &tds, launchers: &launchers, tasks: &tasks, target_roles: &target_roles, elb };
    read_around(&rd, scope, snap, around).await
}

/// A snapshot's first members: the mark, the account (asked of STS) and
/// the Region.
async fn head<A: Api>(rd: &Reader<'_, A>, scope: &Scope, snap: &mut Map<String, Value>) -> Result<(), ApiError> {
    snap.insert(crate::model::snapshot::MARK.into(), json!(crate::model::snapshot::VERSION));
    let identity = rd.call(Call::GetCallerIdentity).await;
    if let Ok(Some(a)) = identity.as_ref().map(|v| v.get("Account")) {
        snap.insert("account".into(), a.clone());
    }
    if let Some(r) = &scope.region {
        snap.insert("region".into(), json!(r));
    }
    identity.map(|_| ())
}

/// What the context around task definitions and their launchers is read from.
struct Around<'a> {
    tds: &'a [Value],
    /// Services, run-task inputs, and schedule targets' networks, in the
    /// services' shape.
    launchers: &'a [Value],
    tasks: &'a [Value],
    target_roles: &'a [String],
    /// The load balancing, when it was read (or tried) already.
    elb: Option<Option<Value>>,
}

/// Reads what the task definitions and launchers depend on — log groups,
/// roles, network, secrets, images, load balancing — into `snap`.
async fn read_around<A: Api>(rd: &Reader<'_, A>, scope: &Scope, mut snap: Map<String, Value>, a: Around<'_>) -> Taken {
    let account = snap.get("account").and_then(Value::as_str).map(String::from);
    let account = account.as_deref();
    let logs = read_log_groups(rd, a.tds, scope).await;
    let iam = read_iam(rd, a.tds, a.target_roles, scope, account).await;
    let elb = match a.elb {
        Some(elb) => elb,
        None => read_elb(rd, a.launchers, scope).await,
    };
    // The load balancers' security groups are read with the tasks'.
    let mut launchers = a.launchers.to_vec();
    if let Some(elb) = &elb {
        let sgs: Vec<Value> = array(elb, "LoadBalancers").iter().flat_map(|b| array(b, "SecurityGroups")).collect();
        launchers
            .push(json!({"networkConfiguration": {"awsvpcConfiguration": {"subnets": [], "securityGroups": sgs}}}));
    }
    let ec2 = read_network(rd, &launchers, a.tasks, scope).await;
    let secrets = read_secrets(rd, a.tds, scope, account).await;
    let images = read_images(rd, a.tds, scope, account).await;
    for (key, part) in
        [("logs", logs), ("iam", iam), ("ec2", ec2), ("secrets", secrets), ("images", images), ("elb", elb)]
    {
        if let Some(part) = part {
            snap.insert(key.into(), part);
        }
    }
    let not_loaded = std::mem::take(&mut *rd.not_loaded.lock().expect("not loaded"));
    if !not_loaded.is_empty() {
        snap.insert("notLoaded".into(), Value::Array(not_loaded));
    }
    if rd.progress {
        eprint!("\r\x1b[K");
    }
    Taken { snapshot: Value::Object(snap), stats: std::mem::take(&mut *rd.stats.lock().expect("stats")), fatal: None }
}

/// What `lint --live` reads: the account around the task definitions and
/// launchers (services, run-task inputs) being linted, without reading the
/// clusters. The snapshot it makes has no `ecs` section; linted with the
/// inputs, it gives their rules the account as context.
pub async fn context_for<A: Api>(api: &A, scope: &Scope, tds: &[Value], launchers: &[Value]) -> Taken {
    let rd = Reader::new(api, scope);
    let mut snap = Map::new();
    // No account: no credentials, no network, a wrong endpoint.
    if let Err(e) = head(&rd, scope, &mut snap).await {
        return fatal(rd, e);
    }
    let around = Around { tds, launchers, tasks: &[], target_roles: &[], elb: None };
    read_around(&rd, scope, snap, around).await
}

/// The awslogs log groups the task definitions name (in this Region), each
/// looked up once, as `describe-log-groups` lists them. `None` when they
/// could not be read.
async fn read_log_groups<A: Api>(rd: &Reader<'_, A>, tds: &[Value], scope: &Scope) -> Option<Value> {
    let mut groups: BTreeSet<String> = BTreeSet::new();
    for td in tds {
        for c in array(td, "containerDefinitions") {
            let Some(lc) = c.get("logConfiguration") else { continue };
            if lc.get("logDriver").and_then(Value::as_str) != Some("awslogs") {
                continue;
            }
            let opt = |k: &str| lc.get("options").and_then(|o| o.get(k)).and_then(Value::as_str);
            // Groups of another Region are not this audit's to look up.
            if opt("awslogs-region").is_some_and(|r| scope.region.as_deref() != Some(r)) {
                continue;
            }
            if let Some(g) = opt("awslogs-group") {
                groups.insert(g.to_string());
            }
        }
    }
    let found: Vec<Result<Vec<Value>, ApiError>> = rd
        .each(groups.into_iter().collect(), scope.concurrency.max(1), |name| async move {
            let mut out = Vec::new();
            let mut next = None;
            loop {
                let page = rd.call(Call::DescribeLogGroups { prefix: name.clone(), next: next.take() }).await?;
                out.extend(
                    array(&page, "logGroups")
                        .into_iter()
                        .filter(|g| g.get("logGroupName").and_then(Value::as_str) == Some(name.as_str())),
                );
                // The group itself comes first; more pages only hold
                // longer names.
                match page.get("nextToken").and_then(Value::as_str) {
                    Some(t) if out.is_empty() && !t.is_empty() => next = Some(t.to_string()),
                    _ => return Ok(out),
                }
            }
        })
        .await;
    match found.into_iter().collect::<Result<Vec<_>, _>>() {
        Ok(groups) => Some(json!({ "logGroups": groups.concat() })),
        Err(e) => {
            rd.failed("logs", &e);
            None
        }
    }
}

/// The task and execution roles the task definitions name (in this
/// account), with their policies, shaped like `get-account-authorization-details`
/// output. `None` when IAM could not be read.
async fn read_iam<A: Api>(
    rd: &Reader<'_, A>,
    tds: &[Value],
    target_roles: &[String],
    scope: &Scope,
    account: Option<&str>,
) -> Option<Value> {
    let conc = scope.concurrency.max(1);
    let mut names: BTreeSet<String> = BTreeSet::new();
    let td_roles = tds.iter().flat_map(|td| ["taskRoleArn", "executionRoleArn"].map(|key| str_of(td, key)));
    for v in td_roles.chain(target_roles.iter().cloned().map(Some)).flatten() {
        match v.strip_prefix("arn:") {
            // arn:partition:iam::account:role/path/name
            Some(rest) => {
                let parts: Vec<&str> = rest.splitn(5, ':').collect();
                let same_account = parts.get(3).is_some_and(|a| Some(*a) == account);
                if parts.len() == 5
                    && same_account
                    && let Some(name) = parts[4].rsplit('/').next()
                {
                    names.insert(name.to_string());
                }
            }
            None if !v.is_empty() => {
                names.insert(v);
            }
            None => {}
        }
    }
    let denied = Mutex::new(None::<ApiError>);
    let missing = Mutex::new(Vec::<String>::new());
    let roles: Vec<Option<Value>> = rd
        .each(names.into_iter().collect(), conc, |name| {
            let denied = &denied;
            let missing = &missing;
            async move {
                // A role half read would look like one without the
                // permissions it has: any failure marks IAM not loaded.
                let fail = |e: ApiError| {
                    denied.lock().expect("denied").get_or_insert(e);
                    None
                };
                let mut role = match rd.call(Call::GetRole { role: name.clone() }).await {
                    Ok(v) => v,
                    // A role that does not exist: ECS506.
                    Err(e) if e.code.as_deref() == Some("NoSuchEntity") => {
                        missing.lock().expect("missing").push(name);
                        return None;
                    }
                    Err(e) => return fail(e),
                };
                let inline = match rd
                    .list("PolicyNames", |marker| Call::ListRolePolicies { role: name.clone(), marker })
                    .await
                {
                    Ok(v) => v,
                    Err(e) => return fail(e),
                };
                let mut docs = Vec::new();
                for p in inline {
                    match rd.call(Call::GetRolePolicy { role: name.clone(), policy: p }).await {
                        Ok(v) => docs.push(v),
                        Err(e) => return fail(e),
                    }
                }
                let mut attached = Vec::new();
                let mut marker = None;
                loop {
                    match rd.call(Call::ListAttachedRolePolicies { role: name.clone(), marker: marker.take() }).await {
                        Ok(page) => {
                            attached.extend(array(&page, "AttachedPolicies"));
                            match page.get("Marker").and_then(Value::as_str) {
                                Some(m) if !m.is_empty() => marker = Some(m.to_string()),
                                _ => break,
                            }
                        }
                        Err(e) => return fail(e),
                    }
                }
                role["RolePolicyList"] = Value::Array(docs);
                role["AttachedManagedPolicies"] = Value::Array(attached);
                Some(role)
            }
        })
        .await;
    if let Some(e) = denied.into_inner().expect("denied") {
        rd.failed("iam", &e);
        return None;
    }
    let roles: Vec<Value> = roles.into_iter().flatten().collect();
    // Managed policies the shipped data does not hold, each once.
    let arns: BTreeSet<String> = roles
        .iter()
        .flat_map(|r| array(r, "AttachedManagedPolicies"))
        .filter_map(|p| str_of(&p, "PolicyArn"))
        .filter(|arn| crate::analysis::iam::managed_policy(arn).is_none())
        .collect();
    let policies: Vec<Result<Value, ApiError>> = rd
        .each(arns.into_iter().collect(), conc, |arn| async move {
            let p = rd.call(Call::GetPolicy { arn: arn.clone() }).await?;
            let version = p.get("DefaultVersionId").and_then(Value::as_str).unwrap_or("v1").to_string();
            let v = rd.call(Call::GetPolicyVersion { arn: arn.clone(), version }).await?;
            Ok(json!({"Arn": arn, "Document": v.get("Document").cloned().unwrap_or(Value::Null)}))
        })
        .await;
    let mut loaded = Vec::new();
    for p in policies {
        match p {
            Ok(v) => loaded.push(v),
            // The rules treat a policy they cannot see as unknown.
            Err(e) => rd.failed("iam-policies", &e),
        }
    }
    let mut missing = missing.into_inner().expect("missing");
    missing.sort();
    Some(json!({"RoleDetailList": roles, "Policies": loaded, "MissingRoles": missing}))
}

/// The targets of the EventBridge rules read, from a snapshot's `events`.
fn event_targets(events: Option<&Value>) -> Vec<Value> {
    events.map(|e| array(e, "Rules")).unwrap_or_default().iter().flat_map(|r| array(r, "Targets")).collect()
}

/// The EventBridge rules, on every event bus, that target the clusters,
/// each as `describe-rule` output with its `Targets` from
/// `list-targets-by-rule`. `None` when they could not be read.
async fn read_events<A: Api>(rd: &Reader<'_, A>, clusters: &[String], scope: &Scope) -> Option<Value> {
    let conc = scope.concurrency.max(1);
    let fail = |e: ApiError| {
        rd.failed("events", &e);
        None
    };
    let buses: Vec<String> = match rd.pages("EventBuses", |next| Call::ListEventBuses { next }).await {
        Ok(b) => b.iter().filter_map(|b| str_of(b, "Name")).collect(),
        Err(e) => return fail(e),
    };
    let pairs: Vec<(String, String)> =
        clusters.iter().flat_map(|c| buses.iter().map(move |b| (c.clone(), b.clone()))).collect();
    let named: Vec<Result<Vec<(String, String)>, ApiError>> = rd
        .each(pairs, conc, |(cluster, bus)| async move {
            let names = rd
                .list("RuleNames", |next| Call::ListRuleNamesByTarget {
                    target: cluster.clone(),
                    bus: bus.clone(),
                    next,
                })
                .await?;
            Ok(names.into_iter().map(|n| (bus.clone(), n)).collect())
        })
        .await;
    let names: BTreeSet<(String, String)> = match named.into_iter().collect::<Result<Vec<_>, _>>() {
        Ok(v) => v.into_iter().flatten().collect(),
        Err(e) => return fail(e),
    };
    let rules: Vec<Result<Value, ApiError>> = rd
        .each(names.into_iter().collect(), conc, |(bus, name)| async move {
            let mut rule = rd.call(Call::DescribeRule { name: name.clone(), bus: bus.clone() }).await?;
            let targets = rd
                .pages("Targets", |next| Call::ListTargetsByRule { rule: name.clone(), bus: bus.clone(), next })
                .await?;
            if let Some(o) = rule.as_object_mut() {
                o.remove("ResponseMetadata");
                o.insert("Targets".into(), Value::Array(targets));
            }
            Ok(rule)
        })
        .await;
    match rules.into_iter().collect::<Result<Vec<_>, _>>() {
        Ok(rules) => Some(json!({ "Rules": rules })),
        Err(e) => fail(e),
    }
}

/// The target groups the services register with, their load balancers,
/// and those load balancers' listeners with their rules, shaped like
/// `aws elbv2 describe-*` output. `None` when they could not be read.
async fn read_elb<A: Api>(rd: &Reader<'_, A>, services: &[Value], scope: &Scope) -> Option<Value> {
    let conc = scope.concurrency.max(1);
    let tg_arns: BTreeSet<String> = services
        .iter()
        .flat_map(|s| array(s, "loadBalancers"))
        .filter_map(|lb| str_of(&lb, "targetGroupArn"))
        .collect();
    if tg_arns.is_empty() {
        return None;
    }
    let tg_arns: Vec<String> = tg_arns.into_iter().collect();
    let fail = |e: ApiError| {
        rd.failed("elb", &e);
        None
    };
    let mut groups = Vec::new();
    // Up to 20 ARNs a call; a missing one fails the whole call, so each
    // ARN of a failed batch is asked on its own.
    for batch in tg_arns.chunks(20) {
        match rd.call(Call::DescribeTargetGroups { arns: batch.to_vec() }).await {
            Ok(v) => groups.extend(array(&v, "TargetGroups")),
            // A target group deleted, or an ARN ELBv2 refuses (another
            // Region's): the others are still read.
            Err(e) if matches!(e.code.as_deref(), Some("TargetGroupNotFound" | "ValidationError")) => {
                for arn in batch {
                    match rd.call(Call::DescribeTargetGroups { arns: vec![arn.clone()] }).await {
                        Ok(v) => groups.extend(array(&v, "TargetGroups")),
                        Err(e) if matches!(e.code.as_deref(), Some("TargetGroupNotFound" | "ValidationError")) => {}
                        Err(e) => return fail(e),
                    }
                }
            }
            Err(e) => return fail(e),
        }
    }
    let lb_arns: Vec<String> = groups
        .iter()
        .flat_map(|g| array(g, "LoadBalancerArns"))
        .filter_map(|a| a.as_str().map(String::from))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut lbs = Vec::new();
    for batch in lb_arns.chunks(20) {
        match rd.call(Call::DescribeLoadBalancers { arns: batch.to_vec() }).await {
            Ok(v) => lbs.extend(array(&v, "LoadBalancers")),
            Err(e) => return fail(e),
        }
    }
    let listeners: Vec<Result<Vec<Value>, ApiError>> = rd
        .each(lb_arns, conc, |lb| async move {
            let mut listeners =
                rd.pages("Listeners", |next| Call::DescribeListeners { load_balancer: lb.clone(), next }).await?;
            for l in &mut listeners {
                let Some(arn) = str_of(l, "ListenerArn") else { continue };
                let rules = rd.pages("Rules", |next| Call::DescribeRules { listener: arn.clone(), next }).await?;
                l["Rules"] = Value::Array(rules);
            }
            Ok(listeners)
        })
        .await;
    match listeners.into_iter().collect::<Result<Vec<_>, _>>() {
        Ok(l) => Some(json!({"TargetGroups": groups, "LoadBalancers": lbs, "Listeners": l.concat()})),
        Err(e) => fail(e),
    }
}

/// The network around the services and tasks: their subnets and security
/// groups by id, and for each of their VPCs the route tables, gateways,
/// endpoints and network ACLs, shaped like `aws ec2 describe-*` output.
/// `None` when it could not be read.
async fn read_network<A: Api>(rd: &Reader<'_, A>, services: &[Value], tasks: &[Value], scope: &Scope) -> Option<Value> {
    let conc = scope.concurrency.max(1);
    let mut subnet_ids: BTreeSet<String> = BTreeSet::new();
    let mut sg_ids: BTreeSet<String> = BTreeSet::new();
    for s in services {
        let vpc = s.get("networkConfiguration").and_then(|n| n.get("awsvpcConfiguration"));
        for (key, into) in [("subnets", &mut subnet_ids), ("securityGroups", &mut sg_ids)] {
            if let Some(v) = vpc {
                into.extend(array(v, key).iter().filter_map(Value::as_str).map(String::from));
            }
        }
    }
    for t in tasks {
        for a in array(t, "attachments") {
            for d in array(&a, "details") {
                if str_of(&d, "name").as_deref() == Some("subnetId") {
                    subnet_ids.extend(str_of(&d, "value"));
                }
            }
        }
    }
    if subnet_ids.is_empty() {
        return Some(json!({}));
    }
    let fail = |e: ApiError| {
        rd.failed("ec2", &e);
        None
    };
    let subnets = match rd.call(Call::DescribeSubnets { ids: subnet_ids.into_iter().collect() }).await {
        Ok(v) => array(&v, "Subnets"),
        Err(e) => return fail(e),
    };
    let vpc_ids: BTreeSet<String> = subnets.iter().filter_map(|s| str_of(s, "VpcId")).collect();
    let mut vpcs = match rd.call(Call::DescribeVpcs { ids: vpc_ids.iter().cloned().collect() }).await {
        Ok(v) => array(&v, "Vpcs"),
        Err(e) => return fail(e),
    };
    for vpc in &mut vpcs {
        let Some(id) = str_of(vpc, "VpcId") else { continue };
        for (attribute, key) in [("enableDnsSupport", "EnableDnsSupport"), ("enableDnsHostnames", "EnableDnsHostnames")]
        {
            match rd.call(Call::DescribeVpcAttribute { vpc: id.clone(), attribute }).await {
                Ok(v) => vpc[key] = v.get(key).and_then(|a| a.get("Value")).cloned().unwrap_or(Value::Null),
                Err(e) => return fail(e),
            }
        }
    }
    // Per VPC: every table, gateway, endpoint and ACL (what serves a subnet
    // depends on all of them: the main table, the default ACL).
    type Pages = (&'static str, fn(String, Option<String>) -> Call);
    let kinds: [Pages; 5] = [
        ("RouteTables", |vpc, next| Call::DescribeRouteTables { vpc, next }),
        ("InternetGateways", |vpc, next| Call::DescribeInternetGateways { vpc, next }),
        ("NatGateways", |vpc, next| Call::DescribeNatGateways { vpc, next }),
        ("VpcEndpoints", |vpc, next| Call::DescribeVpcEndpoints { vpc, next }),
        ("NetworkAcls", |vpc, next| Call::DescribeNetworkAcls { vpc, next }),
    ];
    let jobs: Vec<(usize, String)> =
        vpc_ids.iter().flat_map(|v| (0..kinds.len()).map(move |k| (k, v.clone()))).collect();
    let results = rd
        .each(jobs, conc, |(k, vpc)| {
            let (key, make) = kinds[k];
            async move { (k, rd.pages(key, |next| make(vpc.clone(), next)).await) }
        })
        .await;
    let mut found: Vec<Vec<Value>> = vec![Vec::new(); kinds.len()];
    for (k, r) in results {
        match r {
            Ok(v) => found[k].extend(v),
            Err(e) => return fail(e),
        }
    }
    // Security groups: the tasks' and the interface endpoints'.
    for e in &found[3] {
        for g in array(e, "Groups") {
            sg_ids.extend(str_of(&g, "GroupId"));
        }
    }
    let security_groups = if sg_ids.is_empty() {
        Vec::new()
    } else {
        match rd.call(Call::DescribeSecurityGroups { ids: sg_ids.into_iter().collect() }).await {
            Ok(v) => array(&v, "SecurityGroups"),
            Err(e) => return fail(e),
        }
    };
    let mut out = Map::new();
    out.insert("Vpcs".into(), Value::Array(vpcs));
    out.insert("Subnets".into(), Value::Array(subnets));
    for (k, (key, _)) in kinds.iter().enumerate() {
        out.insert((*key).into(), Value::Array(std::mem::take(&mut found[k])));
    }
    out.insert("SecurityGroups".into(), Value::Array(security_groups));
    Some(Value::Object(out))
}

/// Whether the secrets and parameters the task definitions reference exist
/// (never their values): `DescribeSecret` for Secrets Manager ARNs,
/// `GetParameters` (10 a call) for SSM names and ARNs, in this account and
/// Region. `{"missing": [{"ref": valueFrom, "why": ...}]}`, or `None` when
/// they could not be checked.
async fn read_secrets<A: Api>(
    rd: &Reader<'_, A>,
    tds: &[Value],
    scope: &Scope,
    account: Option<&str>,
) -> Option<Value> {
    let mut refs: BTreeSet<String> = BTreeSet::new();
    for td in tds {
        for c in array(td, "containerDefinitions") {
            for s in array(&c, "secrets") {
                refs.extend(str_of(&s, "valueFrom"));
            }
            if let Some(lc) = c.get("logConfiguration") {
                for s in array(lc, "secretOptions") {
                    refs.extend(str_of(&s, "valueFrom"));
                }
            }
        }
    }
    let here = |region: &str, acct: &str| scope.region.as_deref() == Some(region) && account == Some(acct);
    let mut secrets: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut parameters: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in refs {
        let parts: Vec<&str> = r.split(':').collect();
        if r.starts_with("arn:") && parts.len() >= 7 && parts[2] == "secretsmanager" && parts[5] == "secret" {
            if here(parts[3], parts[4]) {
                secrets.entry(parts[..7].join(":")).or_default().push(r.clone());
            }
        } else if r.starts_with("arn:") && parts.len() >= 6 && parts[2] == "ssm" {
            if here(parts[3], parts[4]) {
                parameters.entry(r.clone()).or_default().push(r.clone());
            }
        } else if !r.starts_with("arn:") && !r.is_empty() {
            parameters.entry(r.clone()).or_default().push(r.clone());
        }
    }
    let mut missing = Vec::new();
    for (id, users) in secrets {
        match rd.call(Call::DescribeSecret { secret: id }).await {
            Ok(v) if v.get("DeletedDate").is_some_and(|d| !d.is_null()) => {
                missing.extend(users.into_iter().map(|u| json!({"ref": u, "why": "is scheduled for deletion"})));
            }
            Ok(_) => {}
            Err(e) if e.code.as_deref() == Some("ResourceNotFoundException") => {
                missing.extend(users.into_iter().map(|u| json!({"ref": u, "why": "does not exist"})));
            }
            Err(e) => {
                rd.failed("secrets", &e);
                return None;
            }
        }
    }
    let names: Vec<String> = parameters.keys().cloned().collect();
    for batch in names.chunks(10) {
        match rd.call(Call::GetParameters { names: batch.to_vec() }).await {
            Ok(v) => {
                for bad in array(&v, "InvalidParameters").iter().filter_map(Value::as_str) {
                    for u in parameters.get(bad).into_iter().flatten() {
                        missing.push(json!({"ref": u, "why": "does not exist"}));
                    }
                }
            }
            Err(e) => {
                rd.failed("secrets", &e);
                return None;
            }
        }
    }
    Some(json!({ "missing": missing }))
}

/// Whether the private ECR images of the task definitions exist (this
/// account and Region): one `DescribeImages` per image, by tag or digest.
/// `{"missing": [{"ref": image, "why": ...}]}`, or `None` when they could
/// not be checked.
async fn read_images<A: Api>(rd: &Reader<'_, A>, tds: &[Value], scope: &Scope, account: Option<&str>) -> Option<Value> {
    let mut images: BTreeSet<String> = BTreeSet::new();
    for td in tds {
        for c in array(td, "containerDefinitions") {
            images.extend(str_of(&c, "image"));
        }
    }
    let mut missing = Vec::new();
    for image in images {
        // <account>.dkr.ecr.<region>.amazonaws.com/<repository>[:tag|@digest]
        let Some((host, rest)) = image.split_once('/') else { continue };
        let labels: Vec<&str> = host.split('.').collect();
        if labels.len() < 6 || labels[1] != "dkr" || labels[2] != "ecr" {
            continue;
        }
        if Some(labels[0]) != account || scope.region.as_deref() != Some(labels[3]) {
            continue;
        }
        let (repository, tag, digest) = match rest.split_once('@') {
            Some((repo, digest)) => (repo.to_string(), None, Some(digest.to_string())),
            None => match rest.rsplit_once(':') {
                Some((repo, tag)) => (repo.to_string(), Some(tag.to_string()), None),
                None => (rest.to_string(), Some("latest".to_string()), None),
            },
        };
        match rd.call(Call::DescribeImages { repository: repository.clone(), tag, digest }).await {
            Ok(_) => {}
            Err(e) if e.code.as_deref() == Some("RepositoryNotFoundException") => {
                missing.push(json!({"ref": image, "why": format!("repository `{repository}` does not exist")}));
            }
            Err(e) if e.code.as_deref() == Some("ImageNotFoundException") => {
                missing.push(json!({"ref": image, "why": format!("repository `{repository}` has no such image")}));
            }
            Err(e) => {
                rd.failed("images", &e);
                return None;
            }
        }
    }
    Some(json!({ "missing": missing }))
}

/// What `explain` reads live: the tasks named (ARNs or ids; an ARN names
/// its cluster) and, with `recent`, every task the clusters list as stopped
/// (ECS keeps them about an hour), as `describe-tasks` output in a JSON
/// document `explain` reads like a file: `[{"tasks": [...], "failures": [...]}]`
/// ([`add_task_definitions`] adds their task definitions to it).
pub async fn tasks_to_explain<A: Api>(
    api: &A,
    scope: &Scope,
    tasks: &[String],
    recent: bool,
) -> Result<(Value, Stats), ApiError> {
    let rd = Reader::new(api, scope);
    // Task ids by cluster.
    let mut by_cluster: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for t in tasks {
        // arn:aws:ecs:region:account:task/cluster/id (the old form has no
        // cluster); a bare id is looked for in every cluster named.
        let named = t.split_once(":task/").and_then(|(_, rest)| rest.rsplit_once('/').map(|(c, _)| c.to_string()));
        let clusters = match named {
            Some(c) => vec![c],
            None if scope.clusters.is_empty() => vec!["default".to_string()],
            None => scope.clusters.clone(),
        };
        for c in clusters {
            by_cluster.entry(c).or_default().push(t.clone());
        }
    }
    if recent {
        let clusters = if scope.clusters.is_empty() {
            rd.list("clusterArns", |next| Call::ListClusters { next }).await?
        } else {
            scope.clusters.clone()
        };
        for c in clusters {
            let stopped = rd
                .list("taskArns", |next| Call::ListTasks { cluster: c.clone(), desired_status: "STOPPED", next })
                .await?;
            by_cluster.entry(c).or_default().extend(stopped);
        }
    }
    let mut found = Vec::new();
    let mut failures = Vec::new();
    let several = by_cluster.len() > 1;
    let mut last_error = None;
    for (cluster, ids) in by_cluster {
        for batch in ids.chunks(100) {
            match rd.call(Call::DescribeTasks { cluster: cluster.clone(), tasks: batch.to_vec() }).await {
                Ok(v) => {
                    found.extend(array(&v, "tasks"));
                    failures.extend(array(&v, "failures"));
                }
                // One of several clusters (a bare id looked for in each):
                // the others may hold the tasks.
                Err(e) if several => {
                    failures.push(json!({"arn": cluster, "reason": e.to_string()}));
                    last_error = Some(e);
                }
                Err(e) => return Err(e),
            }
        }
    }
    if found.is_empty()
        && let Some(e) = last_error
    {
        return Err(e);
    }
    // A bare id found in one of the clusters is not missing from the others.
    let found_arns: Vec<String> = found.iter().filter_map(|t| str_of(t, "taskArn")).collect();
    failures.retain(|f| {
        let arn = str_of(f, "arn").unwrap_or_default();
        let id = arn.rsplit('/').next().unwrap_or(&arn).to_string();
        !found_arns.iter().any(|a| a == &arn || a.ends_with(&format!("/{id}")))
    });
    if rd.progress {
        eprint!("\r\x1b[K");
    }
    let doc = json!([{"tasks": found, "failures": failures}]);
    Ok((doc, rd.stats.into_inner().expect("stats")))
}

/// Adds to a document of [`tasks_to_explain`] the task definitions of its
/// tasks (`describe-task-definition` output, each once), for `explain` to
/// lint as evidence when the tasks are explained without their cluster.
pub async fn add_task_definitions<A: Api>(api: &A, scope: &Scope, doc: &mut Value) -> Stats {
    let rd = Reader::new(api, scope);
    let tasks = doc.get(0).map(|d| array(d, "tasks")).unwrap_or_default();
    let td_arns: BTreeSet<String> = tasks.iter().filter_map(|t| str_of(t, "taskDefinitionArn")).collect();
    let tds = rd
        .each(td_arns.into_iter().collect(), scope.concurrency.max(1), |td| {
            let rd = &rd;
            async move { rd.call(Call::DescribeTaskDefinition { task_definition: td }).await.ok() }
        })
        .await;
    if let Some(list) = doc.as_array_mut() {
        list.extend(tds.into_iter().flatten().filter(|v| v.get("taskDefinition").is_some()));
    }
    if rd.progress {
        eprint!("\r\x1b[K");
    }
    rd.stats.into_inner().expect("stats")
}

fn fatal<A: Api>(rd: Reader<'_, A>, e: ApiError) -> Taken {
    if rd.progress {
        eprint!("\r\x1b[K");
    }
    Taken { snapshot: Value::Null, stats: rd.stats.into_inner().expect("stats"), fatal: Some(e) }
}

fn array(v: &Value, key: &str) -> Vec<Value> {
    v.get(key).and_then(Value::as_array).cloned().unwrap_or_default()
}

fn str_of(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(String::from)
}
