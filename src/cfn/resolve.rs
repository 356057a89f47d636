//! Intrinsic functions, resolved where the template determines the value.
//!
//! The result is the same positioned tree with every intrinsic replaced by
//! its value, or by `Kind::Unknown` when the value depends on something the
//! template does not say (a parameter without a default, an import, an
//! unknown condition). Pseudo parameters and references to resources give
//! stand-ins of the right shape (`123456789012`, the region given with
//! `--region`, `subnet-0a1b…`, role ARNs), the same everywhere in one
//! template, so that rules can compare them (a policy's resource with the
//! log group the task names) and map them back to the resource.

use super::Template;
use crate::source::json::{Kind, Member, Node};
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

/// What a resolved value is when it is not a plain value.
pub const NO_VALUE: &str = "AWS::NoValue";

/// The stand-ins for what only a deployed stack knows.
#[derive(Debug, Clone)]
pub struct Env {
    pub region: String,
    pub account: String,
    pub partition: String,
    pub stack_name: String,
    /// Mixed into stand-in ids so that two templates never share one.
    pub salt: String,
    /// `--parameter Key=Value` overrides.
    pub parameters: HashMap<String, String>,
}

impl Default for Env {
    fn default() -> Self {
        Env {
            region: "us-east-1".into(),
            account: "123456789012".into(),
            partition: "aws".into(),
            stack_name: "stack".into(),
            salt: String::new(),
            parameters: HashMap::new(),
        }
    }
}

/// A resource's logical id and, for `Fn::GetAtt`, the attribute.
type PhysicalKey = (String, Option<String>);

/// Resolves intrinsics against one template.
pub struct Resolver<'t, 's> {
    pub t: &'t Template<'s>,
    pub env: &'t Env,
    conditions: RefCell<HashMap<String, Option<bool>>>,
    visiting: RefCell<HashSet<String>>,
    /// Stand-in physical ids and ARNs → logical id.
    pub physical: RefCell<HashMap<String, String>>,
    /// `physical_id` answers, by (logical id, attribute).
    cache: RefCell<HashMap<PhysicalKey, Option<String>>>,
}

fn s<'a>(v: impl Into<String>, off: u32) -> Node<'a> {
    Node { off, kind: Kind::Str(Cow::Owned(v.into())) }
}

fn unknown<'a>(off: u32) -> Node<'a> {
    Node { off, kind: Kind::Unknown }
}

/// A short deterministic hex id for a logical id (stand-in physical ids).
pub fn hex_id(id: &str, len: usize) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let mut out = format!("{h:016x}{:016x}", h.rotate_left(17) ^ 0x9e37_79b9_7f4a_7c15);
    out.truncate(len);
    out
}

/// The only function of a one-member object (`{"Ref": x}`, `{"Fn::Sub": x}`).
pub fn intrinsic<'n, 's>(node: &'n Node<'s>) -> Option<(&'n str, &'n Node<'s>)> {
    match &node.kind {
        Kind::Obj(m)
            if m.len() == 1 && (m[0].key == "Ref" || m[0].key == "Condition" || m[0].key.starts_with("Fn::")) =>
        {
            Some((m[0].key.as_ref(), &m[0].value))
        }
        _ => None,
    }
}

fn as_str<'a>(n: &'a Node<'_>) -> Option<&'a str> {
    match &n.kind {
        Kind::Str(s) => Some(s),
        Kind::Num(s) => Some(s),
        _ => None,
    }
}

fn is_no_value(n: &Node<'_>) -> bool {
    matches!(&n.kind, Kind::Str(s) if s == NO_VALUE) && n.off == u32::MAX
}

impl<'t, 's> Resolver<'t, 's> {
    pub fn new(t: &'t Template<'s>, env: &'t Env) -> Self {
        Resolver {
            t,
            env,
            conditions: RefCell::new(HashMap::new()),
            visiting: RefCell::new(HashSet::new()),
            physical: RefCell::new(HashMap::new()),
            cache: RefCell::new(HashMap::new()),
        }
    }

    /// The value of condition `name`: `None` when unknown.
    pub fn condition(&self, name: &str) -> Option<bool> {
        if let Some(v) = self.conditions.borrow().get(name) {
            return *v;
        }
        let key = format!("condition:{name}");
        if !self.visiting.borrow_mut().insert(key.clone()) {
            return None; // circular
        }
        let v = self.t.conditions.get(name).and_then(|n| self.eval_condition(n));
        self.visiting.borrow_mut().remove(&key);
        self.conditions.borrow_mut().insert(name.to_string(), v);
        v
    }

    fn eval_condition(&self, n: &Node<'s>) -> Option<bool> {
        let (f, arg) = intrinsic(n)?;
        let args = |arg: &Node<'s>| -> Option<Vec<Node<'s>>> {
            match &arg.kind {
                Kind::Arr(a) => Some(a.clone()),
                _ => None,
            }
        };
        match f {
            "Condition" => self.condition(as_str(arg)?),
            "Fn::Equals" => {
                let a = args(arg)?;
                if a.len() != 2 {
                    return None;
                }
                let (x, y) = (self.resolve(&a[0]), self.resolve(&a[1]));
                if x.kind == Kind::Unknown || y.kind == Kind::Unknown {
                    return None;
                }
                Some(same(&x, &y))
            }
            "Fn::Not" => self.eval_condition(args(arg)?.first()?).map(|b| !b),
            "Fn::And" | "Fn::Or" => {
                let vals: Vec<Option<bool>> = args(arg)?.iter().map(|c| self.eval_condition(c)).collect();
                let and = f == "Fn::And";
                if vals.contains(&Some(!and)) {
                    return Some(!and);
                }
                if vals.iter().all(|v| v.is_some()) { Some(and) } else { None }
            }
            _ => None,
        }
    }

    fn pseudo(&self, name: &str, off: u32) -> Option<Node<'s>> {
        let e = self.env;
        Some(match name {
            "AWS::Region" => s(&e.region, off),
            "AWS::AccountId" => s(&e.account, off),
            "AWS::Partition" => s(&e.partition, off),
            "AWS::URLSuffix" => s(if e.partition == "aws-cn" { "amazonaws.com.cn" } else { "amazonaws.com" }, off),
            "AWS::StackName" => s(&e.stack_name, off),
            "AWS::StackId" => s(
                format!(
                    "arn:{}:cloudformation:{}:{}:stack/{}/{}",
                    e.partition,
                    e.region,
                    e.account,
                    e.stack_name,
                    hex_id(&e.stack_name, 12)
                ),
                off,
            ),
            "AWS::NoValue" => Node { off: u32::MAX, kind: Kind::Str(Cow::Borrowed(NO_VALUE)) },
            "AWS::NotificationARNs" => unknown(off),
            _ => return None,
        })
    }

    fn parameter(&self, name: &str, off: u32) -> Option<Node<'s>> {
        let p = self.t.parameters.get(name)?;
        let value = match self.env.parameters.get(name) {
            Some(v) => Some(v.clone()),
            None => p.default.clone(),
        };
        let Some(v) = value else { return Some(unknown(off)) };
        if p.kind.starts_with("List<") || p.kind == "CommaDelimitedList" {
            let items = v.split(',').map(|x| s(x.trim(), off)).collect();
            return Some(Node { off, kind: Kind::Arr(items) });
        }
        Some(s(v, off))
    }

    /// `Ref` to a resource: the stand-in physical id of its type.
    pub fn resource_ref(&self, id: &str, off: u32) -> Node<'s> {
        match self.physical_id(id, None) {
            Some(v) => s(v, off),
            None => unknown(off),
        }
    }

    fn prop_str(&self, id: &str, prop: &str) -> Option<String> {
        let key = format!("prop:{id}.{prop}");
        if !self.visiting.borrow_mut().insert(key.clone()) {
            return None;
        }
        let r = self.t.resource(id)?;
        let v = r.properties().and_then(|p| p.get(prop)).map(|n| self.resolve(n));
        self.visiting.borrow_mut().remove(&key);
        v.and_then(|n| as_str(&n).map(str::to_string))
    }

    /// The stand-in for `Ref` (attr `None`) or `Fn::GetAtt` of a resource.
    pub fn physical_id(&self, id: &str, attr: Option<&str>) -> Option<String> {
        let key = (id.to_string(), attr.map(str::to_string));
        if let Some(v) = self.cache.borrow().get(&key) {
            return v.clone();
        }
        let v = self.compute_physical_id(id, attr);
        self.cache.borrow_mut().insert(key, v.clone());
        v
    }

    fn compute_physical_id(&self, id: &str, attr: Option<&str>) -> Option<String> {
        let r = self.t.resource(id)?;
        let e = self.env;
        let (p, region, acct) = (&e.partition, &e.region, &e.account);
        let generated = || format!("{}-{}-{}", e.stack_name, id, self.h(id, 12).to_uppercase());
        let named = |prop: &str| self.prop_str(id, prop).unwrap_or_else(generated);
        let v = match (r.kind.as_str(), attr) {
            ("AWS::IAM::Role", None | Some("RoleName")) => named("RoleName"),
            ("AWS::IAM::Role", Some("Arn")) => {
                let path = self.prop_str(id, "Path").unwrap_or_else(|| "/".into());
                format!("arn:{p}:iam::{acct}:role{path}{}", named("RoleName"))
            }
            ("AWS::IAM::ManagedPolicy", None | Some("PolicyArn")) => {
                format!("arn:{p}:iam::{acct}:policy/{}", named("ManagedPolicyName"))
            }
            ("AWS::IAM::Policy", None) => named("PolicyName"),
            ("AWS::IAM::InstanceProfile", None) => named("InstanceProfileName"),
            ("AWS::Logs::LogGroup", None) => named("LogGroupName"),
            ("AWS::Logs::LogGroup", Some("Arn")) => {
                format!("arn:{p}:logs:{region}:{acct}:log-group:{}:*", named("LogGroupName"))
            }
            ("AWS::ECS::Cluster", None) => named("ClusterName"),
            ("AWS::ECS::Cluster", Some("Arn")) => {
                format!("arn:{p}:ecs:{region}:{acct}:cluster/{}", named("ClusterName"))
            }
            ("AWS::ECS::TaskDefinition", None | Some("TaskDefinitionArn")) => {
                format!("arn:{p}:ecs:{region}:{acct}:task-definition/{}:1", self.task_family(id))
            }
            ("AWS::ECS::Service", None | Some("ServiceArn")) => {
                format!("arn:{p}:ecs:{region}:{acct}:service/{}", named("ServiceName"))
            }
            ("AWS::ECS::Service", Some("Name")) => named("ServiceName"),
            ("AWS::EC2::VPC", None | Some("VpcId")) => format!("vpc-{}", self.h(id, 17)),
            ("AWS::EC2::VPC", Some("CidrBlock")) => self.prop_str(id, "CidrBlock")?,
            ("AWS::EC2::VPC", Some("DefaultSecurityGroup")) => format!("sg-{}", self.h(&format!("{id}/default"), 17)),
            ("AWS::EC2::Subnet", None | Some("SubnetId")) => format!("subnet-{}", self.h(id, 17)),
            ("AWS::EC2::SecurityGroup", None | Some("GroupId")) => format!("sg-{}", self.h(id, 17)),
            ("AWS::EC2::RouteTable", None | Some("RouteTableId")) => format!("rtb-{}", self.h(id, 17)),
            ("AWS::EC2::InternetGateway", None | Some("InternetGatewayId")) => format!("igw-{}", self.h(id, 17)),
            ("AWS::EC2::NatGateway", None | Some("NatGatewayId")) => format!("nat-{}", self.h(id, 17)),
            ("AWS::EC2::VPCEndpoint", None | Some("Id")) => format!("vpce-{}", self.h(id, 17)),
            ("AWS::EC2::NetworkAcl", None | Some("Id")) => format!("acl-{}", self.h(id, 17)),
            ("AWS::EC2::EIP", None) => format!("203.0.113.{}", u8::from_str_radix(&self.h(id, 2), 16).unwrap_or(7)),
            ("AWS::EC2::EIP", Some("AllocationId")) => format!("eipalloc-{}", self.h(id, 17)),
            ("AWS::EC2::TransitGateway", None | Some("Id")) => format!("tgw-{}", self.h(id, 17)),
            ("AWS::EC2::PrefixList", None | Some("PrefixListId")) => format!("pl-{}", self.h(id, 17)),
            ("AWS::ElasticLoadBalancingV2::TargetGroup", None | Some("TargetGroupArn")) => {
                format!("arn:{p}:elasticloadbalancing:{region}:{acct}:targetgroup/{}/{}", named("Name"), self.h(id, 16))
            }
            ("AWS::ElasticLoadBalancingV2::LoadBalancer", None | Some("LoadBalancerArn")) => format!(
                "arn:{p}:elasticloadbalancing:{region}:{acct}:loadbalancer/app/{}/{}",
                named("Name"),
                self.h(id, 16)
            ),
            ("AWS::ElasticLoadBalancingV2::Listener", None | Some("ListenerArn")) => {
                format!("arn:{p}:elasticloadbalancing:{region}:{acct}:listener/app/{id}/{}", self.h(id, 16))
            }
            ("AWS::SecretsManager::Secret", None | Some("Id")) => {
                format!("arn:{p}:secretsmanager:{region}:{acct}:secret:{}-{}", named("Name"), &self.h(id, 6))
            }
            ("AWS::SSM::Parameter", None | Some("Name")) => named("Name"),
            ("AWS::KMS::Key", None | Some("KeyId")) => {
                let h = self.h(id, 32);
                format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
            }
            ("AWS::KMS::Key", Some("Arn")) => {
                format!("arn:{p}:kms:{region}:{acct}:key/{}", self.physical_id(id, None)?)
            }
            ("AWS::S3::Bucket", None) => named("BucketName").to_lowercase(),
            ("AWS::S3::Bucket", Some("Arn")) => format!("arn:{p}:s3:::{}", named("BucketName").to_lowercase()),
            ("AWS::ECR::Repository", None) => named("RepositoryName").to_lowercase(),
            ("AWS::ECR::Repository", Some("Arn")) => {
                format!("arn:{p}:ecr:{region}:{acct}:repository/{}", named("RepositoryName").to_lowercase())
            }
            ("AWS::ECR::Repository", Some("RepositoryUri")) => format!(
                "{acct}.dkr.ecr.{region}.{}/{}",
                if p == "aws-cn" { "amazonaws.com.cn" } else { "amazonaws.com" },
                named("RepositoryName").to_lowercase()
            ),
            ("AWS::Events::Rule", None) => named("Name"),
            ("AWS::Events::Rule", Some("Arn")) => format!("arn:{p}:events:{region}:{acct}:rule/{}", named("Name")),
            ("AWS::Scheduler::Schedule", None) => named("Name"),
            ("AWS::EFS::FileSystem", None | Some("FileSystemId")) => format!("fs-{}", self.h(id, 17)),
            ("AWS::EFS::AccessPoint", None | Some("AccessPointId")) => format!("fsap-{}", self.h(id, 17)),
            ("AWS::ServiceDiscovery::Service", Some("Arn")) => {
                format!("arn:{p}:servicediscovery:{region}:{acct}:service/srv-{}", self.h(id, 16))
            }
            _ => return None,
        };
        self.physical.borrow_mut().insert(v.clone(), id.to_string());
        Some(v)
    }

    /// A stand-in id for a logical id, unique to this template.
    fn h(&self, id: &str, len: usize) -> String {
        hex_id(&format!("{}/{}", self.env.salt, id), len)
    }

    /// A task definition's family: its `Family`, or the name CloudFormation
    /// generates.
    pub fn task_family(&self, id: &str) -> String {
        self.prop_str(id, "Family").unwrap_or_else(|| format!("{}-{}", self.env.stack_name, id))
    }

    /// Resolves every intrinsic in `n`.
    pub fn resolve(&self, n: &Node<'s>) -> Node<'s> {
        if let Some((f, arg)) = intrinsic(n) {
            return self.call(f, arg, n.off);
        }
        match &n.kind {
            Kind::Arr(items) => {
                let mut out = Vec::with_capacity(items.len());
                for i in items {
                    let r = self.resolve(i);
                    if !is_no_value(&r) {
                        out.push(r);
                    }
                }
                Node { off: n.off, kind: Kind::Arr(out) }
            }
            Kind::Obj(members) => {
                let mut out = Vec::with_capacity(members.len());
                for m in members {
                    let r = self.resolve(&m.value);
                    if !is_no_value(&r) {
                        out.push(Member { key: m.key.clone(), key_off: m.key_off, value: r });
                    }
                }
                Node { off: n.off, kind: Kind::Obj(out) }
            }
            _ => n.clone(),
        }
    }

    fn call(&self, f: &str, arg: &Node<'s>, off: u32) -> Node<'s> {
        let list = |n: &Node<'s>| -> Option<Vec<Node<'s>>> {
            match &n.kind {
                Kind::Arr(a) => Some(a.clone()),
                _ => None,
            }
        };
        let r = match f {
            "Ref" => {
                let Some(name) = as_str(arg) else { return unknown(off) };
                if let Some(v) = self.pseudo(name, off) {
                    return v;
                }
                if let Some(v) = self.parameter(name, off) {
                    return v;
                }
                if self.t.resource(name).is_some() {
                    return self.resource_ref(name, off);
                }
                None
            }
            "Fn::GetAtt" => {
                let (id, attr) = match &arg.kind {
                    Kind::Str(s) => match s.split_once('.') {
                        Some((a, b)) => (a.to_string(), b.to_string()),
                        None => return unknown(off),
                    },
                    Kind::Arr(a) if a.len() == 2 => {
                        let attr = self.resolve(&a[1]);
                        match (as_str(&a[0]), as_str(&attr)) {
                            (Some(x), Some(y)) => (x.to_string(), y.to_string()),
                            _ => return unknown(off),
                        }
                    }
                    _ => return unknown(off),
                };
                self.physical_id(&id, Some(&attr)).map(|v| s(v, off))
            }
            "Fn::Sub" => self.sub(arg, off),
            "Fn::Join" => (|| {
                let a = list(arg)?;
                let (delim, items) = (self.resolve(a.first()?), self.resolve(a.get(1)?));
                let delim = as_str(&delim)?.to_string();
                let parts: Option<Vec<String>> = match &items.kind {
                    Kind::Arr(v) => v.iter().map(|i| as_str(i).map(str::to_string)).collect(),
                    _ => None,
                };
                Some(s(parts?.join(&delim), off))
            })(),
            "Fn::Select" => (|| {
                let a = list(arg)?;
                let idx = self.resolve(a.first()?);
                let idx: usize = as_str(&idx)?.trim().parse().ok()?;
                match self.resolve(a.get(1)?).kind {
                    Kind::Arr(v) => v.into_iter().nth(idx).map(|mut n| {
                        n.off = off;
                        n
                    }),
                    _ => None,
                }
            })(),
            "Fn::Split" => (|| {
                let a = list(arg)?;
                let (delim, text) = (self.resolve(a.first()?), self.resolve(a.get(1)?));
                let (delim, text) = (as_str(&delim)?, as_str(&text)?);
                if delim.is_empty() {
                    return None;
                }
                Some(Node { off, kind: Kind::Arr(text.split(delim).map(|p| s(p, off)).collect()) })
            })(),
            "Fn::FindInMap" => (|| {
                let a = list(arg)?;
                let keys: Option<Vec<String>> =
                    a.iter().take(3).map(|k| as_str(&self.resolve(k)).map(str::to_string)).collect();
                let keys = keys?;
                let v = self.t.mappings.get(&keys[0])?.get(&keys[1])?.get(&keys[2])?;
                let mut r = self.resolve(v);
                r.off = off;
                Some(r)
            })(),
            "Fn::If" => (|| {
                let a = list(arg)?;
                if a.len() != 3 {
                    return None;
                }
                let name = as_str(&a[0])?;
                match self.condition(name) {
                    Some(true) => Some(self.resolve(&a[1])),
                    Some(false) => Some(self.resolve(&a[2])),
                    None => {
                        // Both branches: known only when they agree.
                        let (x, y) = (self.resolve(&a[1]), self.resolve(&a[2]));
                        same(&x, &y).then_some(x)
                    }
                }
            })(),
            "Fn::Base64" => Some(self.resolve(arg)),
            "Condition" => None,
            // Fn::ImportValue, Fn::GetAZs, Fn::Cidr, Fn::Transform,
            // Fn::Length, Fn::ToJsonString, unknown tags: not in the
            // template's power.
            _ => None,
        };
        r.unwrap_or_else(|| unknown(off))
    }

    fn sub(&self, arg: &Node<'s>, off: u32) -> Option<Node<'s>> {
        let (text, vars) = match &arg.kind {
            Kind::Str(t) => (t.to_string(), None),
            Kind::Arr(a) if !a.is_empty() => (as_str(&a[0])?.to_string(), a.get(1)),
            _ => return None,
        };
        let mut out = String::new();
        let mut rest = text.as_str();
        while let Some(i) = rest.find("${") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 2..];
            if let Some(lit) = after.strip_prefix('!') {
                // `${!Literal}` is written as `${Literal}`.
                let end = lit.find('}')?;
                out.push_str("${");
                out.push_str(&lit[..=end]);
                rest = &lit[end + 1..];
                continue;
            }
            let end = after.find('}')?;
            let name = after[..end].trim();
            let value = match vars.and_then(|v| match &v.kind {
                Kind::Obj(m) => m.iter().find(|m| m.key == name).map(|m| &m.value),
                _ => None,
            }) {
                Some(v) => self.resolve(v),
                None => match name.split_once('.') {
                    Some((id, attr)) if !name.starts_with("AWS::") => s(self.physical_id(id, Some(attr))?, off),
                    _ => self.call("Ref", &s(name, off), off),
                },
            };
            out.push_str(as_str(&value)?);
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Some(s(out, off))
    }
}

/// Whether two resolved values are the same value.
pub fn same(a: &Node<'_>, b: &Node<'_>) -> bool {
    match (&a.kind, &b.kind) {
        (Kind::Unknown, _) | (_, Kind::Unknown) => false,
        (Kind::Str(x) | Kind::Num(x), Kind::Str(y) | Kind::Num(y)) => x == y,
        (Kind::Bool(x), Kind::Bool(y)) => x == y,
        (Kind::Bool(x), Kind::Str(y)) | (Kind::Str(y), Kind::Bool(x)) => y.eq_ignore_ascii_case(&x.to_string()),
        (Kind::Null, Kind::Null) => true,
        (Kind::Arr(x), Kind::Arr(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q)),
        (Kind::Obj(x), Kind::Obj(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| p.key == q.key && same(&p.value, &q.value))
        }
        _ => false,
    }
}
