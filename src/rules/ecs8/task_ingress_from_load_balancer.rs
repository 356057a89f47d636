//! ECS805 task-ingress-from-load-balancer: the load balancer connects to
//! each `awsvpc` task at its IP and container port, from the load
//! balancer's own network interfaces, which carry the load balancer's
//! security groups. One of the task's security groups must let that in.
//!
//! What counts as letting it in, for the container port over TCP (or all
//! traffic): a rule whose source is one of the load balancer's security
//! groups; `0.0.0.0/0` or `::/0`; or an IPv4 CIDR that covers the whole
//! VPC of the task's security group (the load balancer's addresses are in
//! that VPC). A CIDR that covers part of the VPC might cover the load
//! balancer's subnets, and a prefix list or an unresolved source might
//! hold anything: those make the answer unknown, and the rule stays quiet.
//! So it does when any security group, load balancer security group list,
//! target group protocol (UDP is not checked) or port is unknown, when a
//! standalone ingress rule of the inputs names no group the template
//! determines, and for load balancers without security groups (a Network
//! Load Balancer created without them passes the clients' addresses).
//! A separate health check port is not checked.

use super::{awsvpc_reason, target_group};
use crate::model::context::{SecurityGroup, SgPeer, SgRule};
use crate::model::{Launcher, Val};
use crate::rules::{Ctx, Sink, ticked};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Allows,
    Denies,
    Unsure,
}

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    let ctx = &cx.inv.context;
    if !ctx.network.coverage.is_loaded() || !ctx.network.unresolved_rules.is_empty() {
        return;
    }
    for (si, s) in cx.inv.services.iter().enumerate() {
        let l = Launcher::Service(si);
        if awsvpc_reason(cx, l).is_none() {
            continue;
        }
        let Some(net) = s.launch.network.get() else { continue };
        let Some(ids) = net.security_groups.get() else { continue };
        let ids: Option<Vec<&str>> = ids.iter().map(|i| i.str()).collect();
        let Some(ids) = ids.filter(|v| !v.is_empty()) else { continue };
        let groups: Option<Vec<&SecurityGroup>> = ids.iter().map(|i| ctx.network.security_group(i)).collect();
        let Some(groups) = groups else { continue };
        for lb in s.load_balancers.items() {
            let (Some(arn), Some(&port)) = (lb.target_group_arn.str(), lb.container_port.get()) else { continue };
            let Some(tg) = target_group(cx, arn) else { continue };
            match &tg.protocol.val {
                Val::Known(p) if p.eq_ignore_ascii_case("udp") || p.eq_ignore_ascii_case("tcp_udp") => continue,
                Val::Unknown(_) => continue,
                _ => {}
            }
            for lb_arn in &tg.load_balancers {
                let Some(balancer) = ctx.elb.load_balancers.iter().find(|b| b.arn == *lb_arn) else { continue };
                let Some(lb_sgs) = balancer.security_groups.get() else { continue };
                let lb_sgs: Option<Vec<String>> = lb_sgs.iter().map(|g| g.str().map(str::to_string)).collect();
                let Some(lb_sgs) = lb_sgs.filter(|v| !v.is_empty()) else { continue };
                let verdicts: Vec<Verdict> = groups.iter().map(|g| group_verdict(cx, g, port, &lb_sgs)).collect();
                if verdicts.iter().any(|v| *v != Verdict::Denies) {
                    continue;
                }
                let lb_name = ctx.label(lb_arn);
                let lb_sg_names: Vec<String> = lb_sgs.iter().map(|g| ctx.label(g)).collect();
                let task_sg_names: Vec<String> = ids.iter().map(|g| ctx.label(g)).collect();
                let subject = match task_sg_names.as_slice() {
                    [one] => format!("Security group `{one}` of {}", cx.launcher_label(l)),
                    many => format!("Security groups {} of {}", ticked(many, "and"), cx.launcher_label(l)),
                };
                let f = out.report(
                    net.security_groups.at,
                    cx.launcher_resource(l),
                    format!(
                        "{subject} {} not let load balancer `{lb_name}` reach container port {port}",
                        if task_sg_names.len() == 1 { "does" } else { "do" }
                    ),
                );
                f.evidence(format!(
                    "load balancer `{lb_name}` has security {} {} and forwards to target group `{}`",
                    if lb_sg_names.len() == 1 { "group" } else { "groups" },
                    ticked(&lb_sg_names, "and"),
                    ctx.label(arn)
                ));
                for (g, name) in groups.iter().zip(&task_sg_names) {
                    f.evidence(describe_ingress(cx, g, name));
                }
                let source = &lb_sg_names[0];
                let target = &task_sg_names[0];
                if source != &lb_sgs[0] && target != ids[0] {
                    f.fix(format!(
                        "Add an ingress rule to `{target}`: `IpProtocol: tcp`, `FromPort: {port}`, `ToPort: {port}`, \
                         `SourceSecurityGroupId: !Ref {source}`"
                    ));
                } else {
                    f.fix(format!(
                        "Allow TCP port {port} into security group `{target}` from security group `{source}`"
                    ));
                }
            }
        }
    }
}

/// Whether a task security group lets the load balancer in on `port`.
fn group_verdict(cx: &Ctx<'_>, g: &SecurityGroup, port: i64, lb_sgs: &[String]) -> Verdict {
    let rules: &[SgRule] = match &g.ingress.val {
        Val::Known(v) => v,
        Val::Absent | Val::Null => &[],
        Val::Unknown(_) => return Verdict::Unsure,
    };
    let vpc_cidr = g.vpc.str().and_then(|v| cx.inv.context.network.vpc(v)).and_then(|v| v.cidr.str());
    let mut verdict = Verdict::Denies;
    for r in rules {
        match rule_verdict(r, port, lb_sgs, vpc_cidr) {
            Verdict::Allows => return Verdict::Allows,
            Verdict::Unsure => verdict = Verdict::Unsure,
            Verdict::Denies => {}
        }
    }
    verdict
}

fn rule_verdict(r: &SgRule, port: i64, lb_sgs: &[String], vpc_cidr: Option<&str>) -> Verdict {
    let Some(proto) = r.protocol.str().map(str::to_ascii_lowercase) else { return Verdict::Unsure };
    match proto.as_str() {
        "-1" | "all" => {}
        "tcp" | "6" => match (r.from_port.get(), r.to_port.get()) {
            (Some(-1), _) => {}
            (Some(&from), Some(&to)) if from <= port && port <= to => {}
            (Some(_), Some(_)) => return Verdict::Denies,
            _ => return Verdict::Unsure,
        },
        _ => return Verdict::Denies,
    }
    match &r.peer {
        SgPeer::SecurityGroup(g) if lb_sgs.contains(g) => Verdict::Allows,
        SgPeer::SecurityGroup(_) => Verdict::Denies,
        SgPeer::Cidr(c) if c == "0.0.0.0/0" || c == "::/0" => Verdict::Allows,
        SgPeer::Cidr(c) => match (parse_v4(c), vpc_cidr.and_then(parse_v4)) {
            (Some(rule), Some(vpc)) if covers(rule, vpc) => Verdict::Allows,
            (Some(rule), Some(vpc)) if covers(vpc, rule) => Verdict::Unsure,
            (Some(_), Some(_)) => Verdict::Denies,
            _ => Verdict::Unsure,
        },
        SgPeer::PrefixList(_) | SgPeer::Unknown => Verdict::Unsure,
    }
}

/// `a.b.c.d/n` as (address, prefix length).
fn parse_v4(s: &str) -> Option<(u32, u32)> {
    let (ip, len) = s.trim().split_once('/')?;
    let ip: std::net::Ipv4Addr = ip.parse().ok()?;
    let len: u32 = len.parse().ok().filter(|l| *l <= 32)?;
    Some((u32::from(ip), len))
}

/// Whether CIDR `outer` contains all of `inner`.
fn covers(outer: (u32, u32), inner: (u32, u32)) -> bool {
    let mask = |len: u32| if len == 0 { 0 } else { u32::MAX << (32 - len) };
    outer.1 <= inner.1 && (outer.0 & mask(outer.1)) == (inner.0 & mask(outer.1))
}

/// A task security group's inbound rules in words, for evidence.
fn describe_ingress(cx: &Ctx<'_>, g: &SecurityGroup, name: &str) -> String {
    let rules = g.ingress.items();
    if rules.is_empty() {
        return format!("security group `{name}` has no inbound rules");
    }
    let list: Vec<String> = rules
        .iter()
        .map(|r| {
            let proto = r.protocol.str().unwrap_or("?");
            let ports = match (proto, r.from_port.get(), r.to_port.get()) {
                ("-1" | "all", _, _) => "all traffic".to_string(),
                (_, Some(a), Some(b)) if a == b => format!("{proto} {a}"),
                (_, Some(a), Some(b)) => format!("{proto} {a}-{b}"),
                _ => proto.to_string(),
            };
            let peer = match &r.peer {
                SgPeer::SecurityGroup(s) => format!("`{}`", cx.inv.context.label(s)),
                SgPeer::Cidr(c) | SgPeer::PrefixList(c) => c.clone(),
                SgPeer::Unknown => "?".to_string(),
            };
            format!("{ports} from {peer}")
        })
        .collect();
    format!("security group `{name}` lets in {}", list.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidrs() {
        let vpc = parse_v4("10.0.0.0/16").unwrap();
        assert!(covers(parse_v4("10.0.0.0/8").unwrap(), vpc));
        assert!(covers(vpc, parse_v4("10.0.1.0/24").unwrap()));
        assert!(!covers(parse_v4("10.1.0.0/16").unwrap(), vpc));
        assert!(covers(parse_v4("0.0.0.0/0").unwrap(), vpc));
        assert_eq!(parse_v4("10.0.0.0/33"), None);
    }
}
