//! ECS3xx: the network path from a task to the AWS endpoints it needs.
//!
//! Every rule reads [`crate::analysis::network`]: for each task that will
//! run, each subnet and each needed endpoint there is one verdict, and a
//! blocked one has exactly one cause, so one missing path is never reported
//! twice (ECS302 and ECS303 exclude each other, as do the rest). A rule
//! reports, per task, the endpoints blocked for its cause, with the subnets
//! where they are blocked and the deciding resources as evidence.

pub mod endpoint_private_dns_off;
pub mod endpoint_security_group_blocks;
pub mod nacl_blocks;
pub mod no_egress_path;
pub mod public_subnet_without_public_ip;
pub mod security_group_blocks_egress;
pub mod subnet_addresses_exhausted;
pub mod vpc_endpoint_missing;

use crate::analysis::network::{self, Cause, Missing, Need, Runner, State, Svc, TaskReach, Via};
use crate::finding::{Finding, Resource};
use crate::model::context::RuleKind;
use crate::model::{AwsVpc, Inventory};
use crate::rules::Ctx;
use crate::source::Loc;

crate::family_checks! {
    "ECS301" => public_subnet_without_public_ip::check,
    "ECS302" => no_egress_path::check,
    "ECS303" => vpc_endpoint_missing::check,
    "ECS304" => security_group_blocks_egress::check,
    "ECS305" => endpoint_security_group_blocks::check,
    "ECS306" => endpoint_private_dns_off::check,
    "ECS307" => nacl_blocks::check,
    "ECS309" => subnet_addresses_exhausted::check,
}

/// One task's endpoints blocked for one cause.
pub(crate) struct Blocked<'a> {
    pub reach: &'a TaskReach<'a>,
    pub net: network::Net<'a>,
    pub vpc: &'a AwsVpc,
    /// "Service `api`", to start a message.
    pub subject: String,
    /// "service `api`", inside a message.
    pub label: String,
    pub resource: Resource,
    /// Affected subnets: label and the location of the entry.
    pub subnets: Vec<(String, Loc)>,
    /// Blocked needs, in the order of `reach.needs`.
    pub needs: Vec<&'a Need>,
    pub deciders: Vec<String>,
    /// How the traffic would have gone (for ECS304-ECS307).
    pub vias: Vec<&'a Via>,
    pub missing: Vec<&'a Missing>,
    evidence: Vec<String>,
}

impl Blocked<'_> {
    /// The endpoints, for a message: `` `ecr.api`, `s3` and Docker Hub ``.
    pub fn endpoints(&self) -> String {
        let mut labels: Vec<String> = Vec::new();
        for n in &self.needs {
            let l = n.label();
            if !labels.contains(&l) {
                labels.push(l);
            }
        }
        join(&labels, "and")
    }

    /// "subnet `A`" / "subnets `A` and `B`".
    pub fn subnet_words(&self, adjective: &str) -> String {
        let names: Vec<String> = self.subnets.iter().map(|(n, _)| n.clone()).collect();
        let noun = if names.len() == 1 { "subnet" } else { "subnets" };
        let noun = if adjective.is_empty() { noun.to_string() } else { format!("{adjective} {noun}") };
        format!("{noun} {}", join(&names, "and"))
    }

    /// The subnet entry when one subnet is affected, else the list.
    pub fn subnets_at(&self) -> Loc {
        match self.subnets.as_slice() {
            [(_, at)] => *at,
            _ => self.vpc.subnets.at,
        }
    }

    pub fn needs_internet(&self) -> bool {
        self.needs.iter().any(|n| n.svc == Svc::Internet)
    }

    pub fn aws_needs(&self) -> Vec<&Need> {
        self.needs.iter().copied().filter(|n| n.svc != Svc::Internet).collect()
    }

    /// The resources that decide, joined.
    pub fn decided_by(&self) -> String {
        join(&self.deciders, "and")
    }

    /// Where the traffic would go, in words.
    pub fn paths(&self) -> String {
        let mut words: Vec<String> = Vec::new();
        let interface = self.endpoint_names();
        match interface.len() {
            0 => {}
            1 => words.push(format!("interface endpoint {}", interface[0])),
            _ => words.push(format!("interface endpoints {}", join(&interface, "and"))),
        }
        for v in &self.vias {
            let w = match v {
                Via::GatewayEndpoint(id) => format!("S3 through gateway endpoint {}", self.net.name(id)),
                Via::Nat(id) => format!("the internet through NAT gateway {}", self.net.name(id)),
                Via::InternetGateway(id) => format!("the internet through internet gateway {}", self.net.name(id)),
                Via::InterfaceEndpoint(_) | Via::Nothing | Via::Unknown => continue,
            };
            if !words.contains(&w) {
                words.push(w);
            }
        }
        match words.as_slice() {
            [a, b] if interface.len() > 1 => format!("{a}, and {b}"),
            _ => join(&words, "and"),
        }
    }

    /// Interface endpoints on the blocked paths.
    pub fn endpoint_names(&self) -> Vec<String> {
        let mut v = Vec::new();
        for via in &self.vias {
            if let Via::InterfaceEndpoint(id) = via {
                let n = self.net.name(id);
                if !v.contains(&n) {
                    v.push(n);
                }
            }
        }
        v
    }

    /// Evidence: the deciding lines, then why each endpoint is needed.
    pub fn add_evidence(&self, f: &mut Finding) {
        for e in &self.evidence {
            f.evidence(e.clone());
        }
        let mut whys: Vec<(&str, Vec<String>)> = Vec::new();
        for n in &self.needs {
            let name = if n.svc == Svc::Internet { String::new() } else { format!("`{}`", n.svc.name()) };
            for w in &n.why {
                match whys.iter_mut().find(|(x, _)| x == w) {
                    Some((_, names)) => {
                        if !names.contains(&name) {
                            names.push(name.clone());
                        }
                    }
                    None => whys.push((w, vec![name.clone()])),
                }
            }
        }
        for (why, names) in whys {
            let names: Vec<String> = names.into_iter().filter(|n| !n.is_empty()).collect();
            if names.is_empty() {
                f.evidence(why.to_string());
            } else {
                f.evidence(format!("{}: {why}", names.join(", ")));
            }
        }
    }
}

/// Calls `f` for each task with needs blocked for `cause`.
pub(crate) fn each_blocked(cx: &Ctx<'_>, cause: Cause, mut f: impl FnMut(&Blocked<'_>)) {
    for reach in cx.reach() {
        let Some(vpc) = reach.task.launch.network.get() else { continue };
        let mut subnets: Vec<(String, Loc)> = Vec::new();
        let mut blocked_needs: Vec<usize> = Vec::new();
        let mut evidence: Vec<String> = Vec::new();
        let mut deciders: Vec<String> = Vec::new();
        let mut vias: Vec<&Via> = Vec::new();
        let mut missing: Vec<&Missing> = Vec::new();
        let net = network::Net::new(cx.inv);
        for s in &reach.subnets {
            let mut hit = false;
            for (i, v) in s.verdicts.iter().enumerate() {
                if v.state != State::Blocked(cause) {
                    continue;
                }
                hit = true;
                if !blocked_needs.contains(&i) {
                    blocked_needs.push(i);
                }
                let skip = v.missing.as_ref().map(Missing::line);
                for e in &v.evidence {
                    if Some(e) != skip.as_ref() && !evidence.contains(e) {
                        evidence.push(e.clone());
                    }
                }
                for d in &v.deciders {
                    if !deciders.contains(d) {
                        deciders.push(d.clone());
                    }
                }
                if !vias.contains(&&v.via) {
                    vias.push(&v.via);
                }
                if let Some(m) = &v.missing
                    && !missing.contains(&m)
                {
                    missing.push(m);
                }
            }
            if hit {
                let id = s.id.as_deref().unwrap_or("?");
                subnets.push((net.name(id), s.at));
            }
        }
        if subnets.is_empty() {
            continue;
        }
        blocked_needs.sort_unstable();
        // The missing endpoints in one line per VPC, before the rest.
        let mut lines: Vec<String> = Vec::new();
        let mut vpcs: Vec<&str> = missing.iter().filter(|m| m.gateway_on.is_none()).map(|m| m.vpc.as_str()).collect();
        vpcs.dedup();
        for vpc_label in vpcs {
            let services: Vec<String> = missing
                .iter()
                .filter(|m| m.gateway_on.is_none() && m.vpc == vpc_label)
                .map(|m| format!("`{}`", m.service))
                .collect();
            let noun = if services.len() == 1 { "an interface endpoint" } else { "interface endpoints" };
            lines.push(format!("{vpc_label} has no {noun} {}", join(&services, "or")));
        }
        for m in missing.iter().filter(|m| m.gateway_on.is_some()) {
            let line = m.line();
            if !evidence.contains(&line) && !lines.contains(&line) {
                lines.push(line);
            }
        }
        evidence.extend(lines);
        let (subject, label, resource) = names(cx, reach.task.runner);
        let b = Blocked {
            reach,
            net,
            vpc,
            subject,
            label,
            resource,
            subnets,
            needs: blocked_needs.iter().map(|&i| &reach.needs[i]).collect(),
            deciders,
            vias,
            missing,
            evidence,
        };
        f(&b);
    }
}

/// Subject for a message, label inside one, and resource, of a runner.
fn names(cx: &Ctx<'_>, runner: Runner) -> (String, String, Resource) {
    match runner {
        Runner::Launcher(l) => {
            let label = cx.launcher_label(l);
            (capitalize(&label), label, cx.launcher_resource(l))
        }
        Runner::Target { rule, target } => target_names(cx.inv, rule, target),
    }
}

fn target_names(inv: &Inventory, rule: usize, target: usize) -> (String, String, Resource) {
    let r = &inv.context.schedules.rules[rule];
    let name = r.logical_id.clone().or_else(|| r.name.str().map(str::to_string)).unwrap_or_else(|| "(unnamed)".into());
    let t = &r.targets.items()[target];
    let (label, resource_name) = match (r.kind, t.id.str()) {
        (RuleKind::EventsRule, Some(id)) => {
            (format!("EventBridge rule `{name}` target `{id}`"), format!("{name}/{id}"))
        }
        (RuleKind::EventsRule, None) => (format!("EventBridge rule `{name}`"), name.clone()),
        (RuleKind::Schedule, _) => (format!("schedule `{name}`"), name.clone()),
    };
    let kind = crate::rules::ecs7::scheduled::rule_resource(r).kind;
    (capitalize(&label), label, Resource { kind, name: resource_name })
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// `a`, `a and b`, `a, b and c`.
pub(crate) fn join<S: AsRef<str>>(items: &[S], conj: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [rest @ .., last] => {
            format!("{} {conj} {}", rest.iter().map(|s| s.as_ref()).collect::<Vec<_>>().join(", "), last.as_ref())
        }
    }
}

/// The endpoints to create, for fixes: interface endpoints with private DNS
/// and an S3 gateway endpoint on the route tables that lack one.
pub(crate) fn endpoints_to_create(missing: &[&Missing]) -> String {
    let interface: Vec<String> =
        missing.iter().filter(|m| m.gateway_on.is_none()).map(|m| format!("`{}`", m.service)).collect();
    let mut tables: Vec<&str> = missing.iter().filter_map(|m| m.gateway_on.as_deref()).collect();
    tables.dedup();
    let mut parts = Vec::new();
    if !interface.is_empty() {
        let noun = if interface.len() == 1 { "an interface endpoint" } else { "interface endpoints" };
        parts.push(format!(
            "{noun} {} with `PrivateDnsEnabled: true` and a security group allowing TCP 443 from the tasks",
            join(&interface, "and")
        ));
    }
    if !tables.is_empty() {
        parts.push(format!("an S3 gateway endpoint associated with {}", join(&tables, "and")));
    }
    join(&parts, "and")
}
