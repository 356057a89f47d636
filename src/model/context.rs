//! The account context around tasks: network, IAM, log groups, load
//! balancing and schedules, shaped like the AWS APIs that describe them.
//! A CloudFormation template fills it with what the template declares;
//! live mode fills it from the account. Each part records its coverage, so
//! that a rule never reads "not found" where it should read "not loaded".

use super::field::{F, Unknown, Val};
use crate::analysis::iam::Policy;
use crate::source::Loc;

/// How much of a part of the context was loaded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Coverage {
    /// Nothing was loaded (plain `lint` of JSON files).
    #[default]
    NotLoaded,
    /// What one CloudFormation template declares: anything it refers to
    /// from outside (an imported subnet, a literal role ARN) is unknown.
    Template,
    /// Everything the account holds (live mode).
    Account,
    /// Loading failed, e.g. `AccessDenied on iam:GetRolePolicy`.
    Failed(String),
}

impl Coverage {
    pub fn is_loaded(&self) -> bool {
        matches!(self, Coverage::Template | Coverage::Account)
    }

    /// An id not found means "does not exist" only with the whole account.
    pub fn is_complete(&self) -> bool {
        matches!(self, Coverage::Account)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Context {
    pub network: Network,
    pub iam: Iam,
    pub logs: Logs,
    pub elb: Elb,
    pub schedules: Schedules,
    /// The template's logical id for each stand-in id or ARN the resolver
    /// gave a resource (`subnet-0a1b…` → `PrivateSubnetA`), for messages.
    pub names: std::collections::BTreeMap<String, String>,
    pub stores: Stores,
    /// Running and recently stopped tasks (live mode).
    pub tasks: Tasks,
    /// Clusters with their ECS Exec configuration (live mode).
    pub clusters: Vec<Cluster>,
    /// `exec-check`: whether `session-manager-plugin` is on this machine's
    /// PATH, and where the snapshot says so.
    pub session_manager_plugin: Option<(bool, Loc)>,
    /// Parts of an account that could not be read (live mode): where the
    /// snapshot says so, the part, and why.
    pub not_loaded: Vec<(Loc, String, String)>,
    /// Live mode: the secret and parameter references (`valueFrom`) found
    /// missing, with why; `None` when they were not checked.
    pub missing_secrets: Option<Vec<(String, String)>>,
    /// Live mode: the private ECR images found missing, with why.
    pub missing_images: Option<Vec<(String, String)>>,
    /// The account a snapshot was read from (live mode).
    pub account: Option<String>,
    /// The Region the inputs deploy to, when known: what a template's
    /// `AWS::Region` stands for. Names ECS resolves in the task's own
    /// Region (an SSM parameter given by name) need it for their ARN.
    pub region: Option<String>,
    /// How templates spell and wire their resources.
    pub template: TemplateNotes,
}

fn merge_coverage(into: &mut Coverage, from: &Coverage) {
    let rank = |c: &Coverage| match c {
        Coverage::NotLoaded => 0,
        Coverage::Template => 1,
        Coverage::Failed(_) => 2,
        Coverage::Account => 3,
    };
    if rank(from) > rank(into) {
        *into = from.clone();
    }
}

impl Context {
    /// Adds what another input declares (another template).
    pub fn merge(&mut self, other: Context) {
        let n = other.network;
        merge_coverage(&mut self.network.coverage, &n.coverage);
        self.network.vpcs.extend(n.vpcs);
        self.network.subnets.extend(n.subnets);
        self.network.route_tables.extend(n.route_tables);
        self.network.internet_gateways.extend(n.internet_gateways);
        self.network.nat_gateways.extend(n.nat_gateways);
        self.network.endpoints.extend(n.endpoints);
        self.network.security_groups.extend(n.security_groups);
        self.network.network_acls.extend(n.network_acls);
        self.network.unresolved_rules.extend(n.unresolved_rules);
        merge_coverage(&mut self.iam.coverage, &other.iam.coverage);
        self.iam.roles.extend(other.iam.roles);
        self.iam.managed_policies.extend(other.iam.managed_policies);
        self.iam.missing.extend(other.iam.missing);
        merge_coverage(&mut self.logs.coverage, &other.logs.coverage);
        self.logs.groups.extend(other.logs.groups);
        merge_coverage(&mut self.elb.coverage, &other.elb.coverage);
        self.elb.target_groups.extend(other.elb.target_groups);
        self.elb.listeners.extend(other.elb.listeners);
        self.elb.load_balancers.extend(other.elb.load_balancers);
        self.elb.forwarded_elsewhere.extend(other.elb.forwarded_elsewhere);
        self.elb.unresolved_forwards.extend(other.elb.unresolved_forwards);
        self.elb.forwarders.extend(other.elb.forwarders);
        merge_coverage(&mut self.schedules.coverage, &other.schedules.coverage);
        self.schedules.rules.extend(other.schedules.rules);
        self.names.extend(other.names);
        self.session_manager_plugin = self.session_manager_plugin.or(other.session_manager_plugin);
        self.account = self.account.take().or(other.account);
        self.not_loaded.extend(other.not_loaded);
        if let Some(m) = other.missing_images {
            self.missing_images.get_or_insert_with(Vec::new).extend(m);
        }
        if let Some(m) = other.missing_secrets {
            self.missing_secrets.get_or_insert_with(Vec::new).extend(m);
        }
        self.clusters.extend(other.clusters);
        merge_coverage(&mut self.tasks.coverage, &other.tasks.coverage);
        self.tasks.tasks.extend(other.tasks.tasks);
        merge_coverage(&mut self.stores.coverage, &other.stores.coverage);
        self.stores.secrets.extend(other.stores.secrets);
        self.stores.keys.extend(other.stores.keys);
        self.stores.repositories.extend(other.stores.repositories);
        if self.region.is_none() {
            self.region = other.region;
        }
        let t = other.template;
        self.template.resources.extend(t.resources);
        self.template.unknown_properties.extend(t.unknown_properties);
        self.template.log_group_names.extend(t.log_group_names);
    }

    /// A template resource's stand-in id or ARN as its logical id, for
    /// messages; other ids as they are.
    pub fn label(&self, id: &str) -> String {
        self.names.get(id).cloned().unwrap_or_else(|| id.to_string())
    }
}

// ---------------------------------------------------------------- network

#[derive(Debug, Clone, Default)]
pub struct Network {
    pub coverage: Coverage,
    pub vpcs: Vec<Vpc>,
    pub subnets: Vec<Subnet>,
    pub route_tables: Vec<RouteTable>,
    pub internet_gateways: Vec<InternetGateway>,
    pub nat_gateways: Vec<NatGateway>,
    pub endpoints: Vec<VpcEndpoint>,
    pub security_groups: Vec<SecurityGroup>,
    pub network_acls: Vec<NetworkAcl>,
    /// Standalone security group rules (`AWS::EC2::SecurityGroupIngress`,
    /// `...Egress`) whose group the template does not determine: they may
    /// belong to any group.
    pub unresolved_rules: Vec<Loc>,
}

#[derive(Debug, Clone)]
pub struct Vpc {
    pub id: String,
    pub at: Loc,
    pub cidr: F<String>,
    /// `EnableDnsSupport` (default true).
    pub dns_support: F<bool>,
    /// `EnableDnsHostnames` (default false, true for a default VPC).
    pub dns_hostnames: F<bool>,
}

#[derive(Debug, Clone)]
pub struct Subnet {
    pub id: String,
    pub at: Loc,
    pub vpc: F<String>,
    pub availability_zone: F<String>,
    pub cidr: F<String>,
    pub map_public_ip_on_launch: F<bool>,
    /// Free addresses (`AvailableIpAddressCount`), known in live mode.
    pub available_ips: F<i64>,
}

#[derive(Debug, Clone)]
pub struct RouteTable {
    pub id: String,
    pub at: Loc,
    pub vpc: F<String>,
    /// The VPC's main route table: it serves subnets with no association.
    pub main: bool,
    pub routes: Vec<Route>,
    /// Subnets explicitly associated with this table.
    pub subnets: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Route {
    pub at: Loc,
    /// `0.0.0.0/0`, a CIDR, or a prefix list id (`pl-…`).
    pub destination: F<String>,
    pub target: RouteTarget,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteTarget {
    InternetGateway(String),
    NatGateway(String),
    /// A gateway VPC endpoint (S3, DynamoDB) adds routes to its prefix list.
    VpcEndpoint(String),
    /// Transit gateway, peering, a network interface, an instance, a
    /// firewall: where the traffic goes next is outside what is known.
    Other(String),
    Unknown,
}

#[derive(Debug, Clone)]
pub struct InternetGateway {
    pub id: String,
    pub at: Loc,
    /// The VPC it is attached to.
    pub vpc: F<String>,
}

#[derive(Debug, Clone)]
pub struct NatGateway {
    pub id: String,
    pub at: Loc,
    pub subnet: F<String>,
    /// `public` (the default) or `private`.
    pub connectivity: F<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointKind {
    Interface,
    Gateway,
}

#[derive(Debug, Clone)]
pub struct VpcEndpoint {
    pub id: String,
    pub at: Loc,
    pub vpc: F<String>,
    /// `com.amazonaws.<region>.ecr.dkr`, ...
    pub service: F<String>,
    pub kind: F<EndpointKind>,
    pub subnets: F<Vec<F<String>>>,
    pub security_groups: F<Vec<F<String>>>,
    pub private_dns: F<bool>,
    pub route_tables: F<Vec<F<String>>>,
    /// The endpoint policy, when it has one.
    pub policy: Option<Policy>,
}

#[derive(Debug, Clone)]
pub struct SecurityGroup {
    pub id: String,
    pub at: Loc,
    pub vpc: F<String>,
    pub ingress: F<Vec<SgRule>>,
    /// `None` rules given: AWS adds "all traffic to 0.0.0.0/0".
    pub egress: F<Vec<SgRule>>,
}

#[derive(Debug, Clone)]
pub struct SgRule {
    pub at: Loc,
    /// `tcp`, `udp`, `icmp`, `-1` (all); numbers are kept as written.
    pub protocol: F<String>,
    pub from_port: F<i64>,
    pub to_port: F<i64>,
    pub peer: SgPeer,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SgPeer {
    Cidr(String),
    SecurityGroup(String),
    PrefixList(String),
    Unknown,
}

#[derive(Debug, Clone)]
pub struct NetworkAcl {
    pub id: String,
    pub at: Loc,
    pub vpc: F<String>,
    /// The VPC's default ACL (allows everything) serves unassociated subnets.
    pub default: bool,
    pub entries: Vec<NaclEntry>,
    pub subnets: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct NaclEntry {
    pub at: Loc,
    pub rule_number: F<i64>,
    pub egress: bool,
    /// `-1` all, `6` tcp, `17` udp, ...
    pub protocol: F<String>,
    pub allow: F<bool>,
    pub cidr: F<String>,
    pub from_port: F<i64>,
    pub to_port: F<i64>,
}

// --------------------------------------------------------------- clusters

/// A cluster and how it configures ECS Exec sessions
/// (`configuration.executeCommandConfiguration` of `describe-clusters`).
#[derive(Debug, Clone)]
pub struct Cluster {
    pub arn: String,
    pub name: String,
    pub at: Loc,
    /// The KMS key that encrypts the session data channel.
    pub exec_kms_key: F<String>,
    /// `DEFAULT`, `NONE` or `OVERRIDE`.
    pub exec_logging: F<String>,
    pub exec_log_group: F<String>,
    pub exec_s3_bucket: F<String>,
    pub exec_s3_prefix: F<String>,
    pub exec_s3_encryption: F<bool>,
}

impl Context {
    /// The cluster a launch names, by ARN or name.
    pub fn cluster(&self, name_or_arn: &str) -> Option<&Cluster> {
        self.clusters.iter().find(|c| c.arn == name_or_arn || c.name == name_or_arn)
    }
}

// ------------------------------------------------------------------ tasks

#[derive(Debug, Clone, Default)]
pub struct Tasks {
    pub coverage: Coverage,
    pub tasks: Vec<LiveTask>,
}

/// A task as `describe-tasks` shows it, with what the ECS Exec rules read.
#[derive(Debug, Clone)]
pub struct LiveTask {
    pub at: Loc,
    pub arn: String,
    pub cluster: F<String>,
    /// `service:<name>` for a service's tasks.
    pub group: F<String>,
    pub last_status: F<String>,
    pub enable_execute_command: F<bool>,
    /// Per container: its name and the `lastStatus` of its
    /// `ExecuteCommandAgent` (absent: no such agent listed).
    pub exec_agents: Vec<(String, F<String>)>,
}

// -------------------------------------------------------------------- IAM

#[derive(Debug, Clone, Default)]
pub struct Iam {
    pub coverage: Coverage,
    pub roles: Vec<Role>,
    /// Customer managed policies: ARN and document.
    pub managed_policies: Vec<(String, Policy)>,
    /// Roles the inputs name that the account does not have (live mode).
    pub missing: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Role {
    pub name: String,
    /// The template's logical id, when it comes from one.
    pub logical_id: Option<String>,
    pub arn: String,
    pub at: Loc,
    pub trust: F<Policy>,
    /// Inline policies (and `AWS::IAM::Policy` resources attached to it).
    pub inline: Vec<(String, Policy)>,
    /// ARNs of attached managed policies (AWS or customer).
    pub managed: F<Vec<F<String>>>,
}

// ------------------------------------------------------------------- logs

#[derive(Debug, Clone, Default)]
pub struct Logs {
    pub coverage: Coverage,
    pub groups: Vec<LogGroup>,
}

#[derive(Debug, Clone)]
pub struct LogGroup {
    pub name: F<String>,
    pub at: Loc,
    /// The template resource that creates it.
    pub logical_id: Option<String>,
    /// The KMS key that encrypts it (`KmsKeyId`, an ARN).
    pub kms_key: F<String>,
}

// -------------------------------------------------------- load balancing

#[derive(Debug, Clone, Default)]
pub struct Elb {
    pub coverage: Coverage,
    pub target_groups: Vec<TargetGroup>,
    pub listeners: Vec<Listener>,
    pub load_balancers: Vec<LoadBalancer>,
    /// Target groups that listener rules forward to whose listener is not
    /// declared here (an imported listener ARN): attached, to a listener
    /// the inputs do not show.
    pub forwarded_elsewhere: Vec<String>,
    /// Listener and listener-rule actions whose target group the template
    /// does not determine: they may forward to any target group.
    pub unresolved_forwards: Vec<Loc>,
    /// Which template resource (listener or listener rule) forwards to
    /// which target group, so rules can tell whether a service waits for it.
    pub forwarders: Vec<Forwarder>,
}

#[derive(Debug, Clone)]
pub struct Forwarder {
    /// At the listener's or rule's logical id.
    pub at: Loc,
    pub logical_id: String,
    pub target_group: String,
}

#[derive(Debug, Clone)]
pub struct TargetGroup {
    pub arn: String,
    pub at: Loc,
    /// `instance` (default), `ip`, `lambda`, `alb`.
    pub target_type: F<String>,
    pub port: F<i64>,
    pub protocol: F<String>,
    pub load_balancers: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Listener {
    pub arn: String,
    pub at: Loc,
    pub load_balancer: F<String>,
    /// Target groups of the default actions and of the listener's rules.
    pub target_groups: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct LoadBalancer {
    pub arn: String,
    pub at: Loc,
    pub security_groups: F<Vec<F<String>>>,
}

// ----------------------------------------------------------------- stores

/// What tasks read from and how it is protected: Secrets Manager secrets,
/// KMS keys and ECR repositories, with their resource-based policies (a
/// policy there may allow a role what its own policies do not).
#[derive(Debug, Clone, Default)]
pub struct Stores {
    pub coverage: Coverage,
    pub secrets: Vec<StoredSecret>,
    pub keys: Vec<KmsKey>,
    pub repositories: Vec<Repository>,
}

/// A Secrets Manager secret.
#[derive(Debug, Clone)]
pub struct StoredSecret {
    /// The full ARN (with the 6-character suffix).
    pub arn: String,
    pub at: Loc,
    /// `KmsKeyId`: a key id, key ARN, alias name or alias ARN. Absent: the
    /// AWS managed key `aws/secretsmanager`.
    pub kms_key: F<String>,
    /// Resource policies attached to it (`AWS::SecretsManager::ResourcePolicy`).
    pub policies: Vec<Policy>,
}

/// A customer managed KMS key.
#[derive(Debug, Clone)]
pub struct KmsKey {
    pub id: String,
    pub arn: String,
    pub at: Loc,
    /// The key policy; absent: the default one, which lets IAM policies of
    /// the account decide.
    pub policy: F<Policy>,
    /// Alias names (`alias/app`) that point to it.
    pub aliases: Vec<String>,
}

/// A private ECR repository.
#[derive(Debug, Clone)]
pub struct Repository {
    pub arn: String,
    pub at: Loc,
    /// The repository policy (`RepositoryPolicyText`).
    pub policy: Option<Policy>,
}

impl Stores {
    /// A secret by ARN, partial ARN (without the 6-character suffix) or
    /// name, as Secrets Manager takes a `SecretId`.
    pub fn secret(&self, id: &str) -> Option<&StoredSecret> {
        let suffixed = |prefix: &str, arn: &str| {
            arn.strip_prefix(prefix).is_some_and(|rest| rest.len() == 7 && rest.starts_with('-'))
        };
        if id.starts_with("arn:") {
            return self.secrets.iter().find(|s| s.arn == id || suffixed(id, &s.arn));
        }
        self.secrets.iter().find(|s| match s.arn.find(":secret:") {
            Some(i) => suffixed(id, &s.arn[i + ":secret:".len()..]),
            None => false,
        })
    }

    /// The key a `KmsKeyId` names: key id, key ARN, alias name or alias ARN.
    pub fn key(&self, reference: &str) -> Option<&KmsKey> {
        let alias = match reference.find(":alias/") {
            Some(i) if reference.starts_with("arn:") => Some(&reference[i + 1..]),
            _ => reference.starts_with("alias/").then_some(reference),
        };
        match alias {
            Some(a) => self.keys.iter().find(|k| k.aliases.iter().any(|x| x == a)),
            None => self.keys.iter().find(|k| k.id == reference || k.arn == reference),
        }
    }

    pub fn repository(&self, arn: &str) -> Option<&Repository> {
        self.repositories.iter().find(|r| r.arn == arn)
    }
}

// -------------------------------------------------------------- schedules

#[derive(Debug, Clone, Default)]
pub struct Schedules {
    pub coverage: Coverage,
    pub rules: Vec<EventRule>,
}

/// An EventBridge rule or an EventBridge Scheduler schedule that runs ECS
/// tasks.
#[derive(Debug, Clone)]
pub struct EventRule {
    pub at: Loc,
    /// `rule` (AWS::Events::Rule, put-rule) or `schedule` (Scheduler).
    pub kind: RuleKind,
    /// Which input declared it: what a missing field means depends on it.
    pub origin: RuleOrigin,
    /// The template's logical id, when it comes from one.
    pub logical_id: Option<String>,
    /// An explicit `Name`.
    pub name: F<String>,
    pub event_bus: F<String>,
    pub schedule_expression: F<String>,
    pub timezone: F<String>,
    pub state: F<String>,
    pub has_event_pattern: bool,
    pub targets: F<Vec<EventTarget>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    EventsRule,
    Schedule,
}

/// The input a rule or schedule comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleOrigin {
    /// A template resource (`AWS::Events::Rule`, `AWS::Scheduler::Schedule`).
    Template,
    /// A `put-rule` or `create-schedule` input: it creates or replaces the
    /// rule of its name.
    Definition,
    /// `describe-rule` or `get-schedule` output: what exists already.
    Described,
    /// Only targets (`put-targets` input, `list-targets-by-rule` output):
    /// `name` is the rule they belong to, when the input says; the rule's
    /// other fields are not given.
    Targets,
}

#[derive(Debug, Clone)]
pub struct EventTarget {
    pub at: Loc,
    pub id: F<String>,
    pub arn: F<String>,
    pub role_arn: F<String>,
    /// ECS parameters, read into the same shape services use.
    pub ecs: F<crate::model::Launch>,
    pub task_count: F<i64>,
}

impl Schedules {
    /// Joins target lists that name their rule (`put-targets`' `Rule`) to
    /// that rule when exactly one rule among the inputs has that name on
    /// that event bus and no targets yet. Lists that find no such rule stay
    /// on their own.
    pub fn join_targets(&mut self) {
        let mut i = 0;
        while i < self.rules.len() {
            let t = &self.rules[i];
            let key = match (t.name.str(), t.bus_name()) {
                (Some(name), Some(bus)) if t.origin == RuleOrigin::Targets && t.targets.get().is_some() => {
                    (t.kind, name.to_string(), bus)
                }
                _ => {
                    i += 1;
                    continue;
                }
            };
            let candidates: Vec<usize> = (0..self.rules.len())
                .filter(|&j| {
                    let r = &self.rules[j];
                    r.origin != RuleOrigin::Targets
                        && r.kind == key.0
                        && r.name.str() == Some(key.1.as_str())
                        && r.bus_name().as_deref() == Some(key.2.as_str())
                })
                .collect();
            match candidates.as_slice() {
                [j] if matches!(
                    self.rules[*j].targets.val,
                    Val::Absent | Val::Null | Val::Unknown(Unknown::NotGiven)
                ) =>
                {
                    let list = self.rules.remove(i);
                    let j = if *j > i { j - 1 } else { *j };
                    self.rules[j].targets = list.targets;
                }
                _ => i += 1,
            }
        }
    }
}

impl EventRule {
    /// The event bus (rules) or schedule group (schedules) by name: `default`
    /// when not given, the name when given as an ARN. `None` when unknown.
    pub fn bus_name(&self) -> Option<String> {
        if self.event_bus.is_missing() {
            return Some("default".to_string());
        }
        let bus = self.event_bus.str()?;
        let name = match bus.split_once(":event-bus/") {
            Some((_, name)) if bus.starts_with("arn:") => name,
            _ => bus,
        };
        Some(name.to_string())
    }

    /// What findings call it: its name, its logical id, or what it is.
    pub fn display_name(&self) -> String {
        if let Some(n) = self.name.str() {
            return n.to_string();
        }
        if let Some(id) = &self.logical_id {
            return id.clone();
        }
        match (self.kind, self.origin) {
            (_, RuleOrigin::Targets) => "(targets of an unnamed rule)".to_string(),
            (RuleKind::EventsRule, _) => "(unnamed rule)".to_string(),
            (RuleKind::Schedule, _) => "(unnamed schedule)".to_string(),
        }
    }
}

impl Iam {
    /// The role a task definition or target names: by ARN, or by name (as
    /// ECS accepts bare role names).
    pub fn role(&self, name_or_arn: &str) -> Option<&Role> {
        if name_or_arn.starts_with("arn:") {
            return self.roles.iter().find(|r| r.arn == name_or_arn);
        }
        self.roles.iter().find(|r| r.name == name_or_arn)
    }

    /// Every policy that applies to a role: inline ones, attached AWS
    /// managed ones (shipped as data), attached customer managed ones from
    /// the inputs. A managed policy that is neither is `Err(arn)`: the
    /// caller must treat the answer as unknown rather than denied.
    pub fn policies_of<'a>(&'a self, role: &'a Role) -> (Vec<&'a Policy>, Vec<String>) {
        let mut found: Vec<&Policy> = role.inline.iter().map(|(_, p)| p).collect();
        let mut missing = Vec::new();
        if role.managed.is_unknown() {
            missing.push("<unresolved ManagedPolicyArns>".to_string());
        }
        for arn in role.managed.items() {
            let Some(a) = arn.str() else {
                missing.push("<unresolved managed policy>".to_string());
                continue;
            };
            if let Some(p) = crate::analysis::iam::managed_policy(a) {
                found.push(p);
            } else if let Some((_, p)) = self.managed_policies.iter().find(|(x, _)| x == a) {
                found.push(p);
            } else {
                missing.push(a.to_string());
            }
        }
        (found, missing)
    }
}

impl Network {
    pub fn subnet(&self, id: &str) -> Option<&Subnet> {
        self.subnets.iter().find(|s| s.id == id)
    }

    pub fn security_group(&self, id: &str) -> Option<&SecurityGroup> {
        self.security_groups.iter().find(|s| s.id == id)
    }

    pub fn vpc(&self, id: &str) -> Option<&Vpc> {
        self.vpcs.iter().find(|v| v.id == id)
    }

    /// The route table that serves a subnet: its explicit association, else
    /// its VPC's main table.
    pub fn route_table_of(&self, subnet: &Subnet) -> Option<&RouteTable> {
        if let Some(t) = self.route_tables.iter().find(|t| t.subnets.contains(&subnet.id)) {
            return Some(t);
        }
        let vpc = subnet.vpc.str()?;
        self.route_tables.iter().find(|t| t.main && t.vpc.str() == Some(vpc))
    }

    /// The network ACL of a subnet: its association, else the VPC default.
    pub fn network_acl_of(&self, subnet: &Subnet) -> Option<&NetworkAcl> {
        if let Some(a) = self.network_acls.iter().find(|a| a.subnets.contains(&subnet.id)) {
            return Some(a);
        }
        let vpc = subnet.vpc.str()?;
        self.network_acls.iter().find(|a| a.default && a.vpc.str() == Some(vpc))
    }
}

// --------------------------------------------------------------- template

/// What only a template's text shows: how it spells properties and names
/// log groups, and which resources wait for which. Empty outside templates.
#[derive(Debug, Clone, Default)]
pub struct TemplateNotes {
    /// Every resource, with the resources it waits for.
    pub resources: Vec<TemplateResource>,
    /// Properties of ECS, EventBridge and Scheduler resources that
    /// CloudFormation does not know.
    pub unknown_properties: Vec<UnknownProperty>,
    /// How task definitions write their `awslogs-group` option.
    pub log_group_names: Vec<LogGroupName>,
}

#[derive(Debug, Clone)]
pub struct TemplateResource {
    /// At the logical id.
    pub at: Loc,
    pub id: String,
    /// `AWS::ECS::Service`, ...
    pub kind: String,
    /// The resources CloudFormation creates before this one: its
    /// `DependsOn`, and those its properties name with `Ref`,
    /// `Fn::GetAtt` or `Fn::Sub`.
    pub depends_on: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct UnknownProperty {
    /// At the property's key.
    pub at: Loc,
    /// The resource's logical id.
    pub resource: String,
    /// `AWS::ECS::Service`.
    pub resource_type: String,
    /// The property type the key sits in: `AWS::ECS::Service.LoadBalancer`,
    /// or the resource type at the top.
    pub in_type: String,
    /// Where it sits below `Properties`: `LoadBalancers[0]`; empty at the top.
    pub path: String,
    pub key: String,
    /// The known property it most likely stands for.
    pub suggestion: Option<String>,
    /// The suggested property is set in the same object as well.
    pub suggestion_set: bool,
}

/// A task definition container's `awslogs-group` as the template writes it.
#[derive(Debug, Clone)]
pub struct LogGroupName {
    /// At the `awslogs-group` key, where the container's option is.
    pub at: Loc,
    pub written: NameWritten,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameWritten {
    /// A plain string.
    Literal,
    /// An intrinsic that names no template resource: `!Sub
    /// '/ecs/${AWS::StackName}'`, a parameter.
    Expression,
    /// An intrinsic that names a template resource (its logical id).
    Reference(String),
}

impl TemplateNotes {
    /// The resource `id` of the template in `file`.
    pub fn resource(&self, file: crate::source::FileId, id: &str) -> Option<&TemplateResource> {
        self.resources.iter().find(|r| r.at.file == file && r.id == id)
    }

    /// Whether CloudFormation creates `to` before `from` (both logical ids
    /// of the template in `file`): `from` depends on it, directly or
    /// through other resources.
    pub fn waits_for(&self, file: crate::source::FileId, from: &str, to: &str) -> bool {
        let deps =
            |id: &str| self.resources.iter().find(|r| r.at.file == file && r.id == id).map(|r| r.depends_on.as_slice());
        let mut seen: Vec<&str> = vec![from];
        let mut todo: Vec<&str> = vec![from];
        while let Some(id) = todo.pop() {
            for d in deps(id).unwrap_or_default() {
                if d == to {
                    return true;
                }
                if !seen.contains(&d.as_str()) {
                    seen.push(d);
                    todo.push(d);
                }
            }
        }
        false
    }
}
