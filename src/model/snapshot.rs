//! Reading a snapshot: what `ecs-triage snapshot` saved of an account (or
//! what `audit` read live, which goes through the same text). Each section
//! holds the AWS API's own response elements, so the readers of the other
//! inputs read them unchanged, and the context they fill is the whole
//! account's (coverage `Account`): a log group not in the snapshot does not
//! exist, where a template's context could only say "not declared here".
//!
//! ```json
//! {
//!   "ecsTriageSnapshot": 1,
//!   "account": "123456789012", "region": "us-east-1",
//!   "ecs": {"clusters": [...], "services": [...], "taskDefinitions": [...], "tasks": [...]},
//!   "logs": {"logGroups": [...]},
//!   "iam": {"RoleDetailList": [...], "Policies": [{"Arn": "...", "Document": {...}}]},
//!   "ec2": {"Vpcs": [...], "Subnets": [...], "RouteTables": [...], "SecurityGroups": [...], ...},
//!   "notLoaded": [{"part": "logs", "action": "logs:DescribeLogGroups", "message": "AccessDenied: ..."}]
//! }
//! ```

use super::F;
use super::Unknown;
use super::context::{
    Cluster, Coverage, Elb, EndpointKind, InternetGateway, Listener, LiveTask, LoadBalancer, LogGroup, NaclEntry,
    NatGateway, Network, NetworkAcl, Role, Route, RouteTable, RouteTarget, SecurityGroup, SgPeer, SgRule, Subnet,
    TargetGroup, Vpc, VpcEndpoint,
};
use super::ecs::{self, ServiceShape, TdShape};
use super::load::Loaded;
use super::read::Text;
use super::read::{InputIssue, Obj, Reader};
use crate::cfn::policy;

/// The key that marks a snapshot, and the version this build reads.
pub const MARK: &str = "ecsTriageSnapshot";
pub const VERSION: i64 = 1;

pub(super) fn load_snapshot(r: &mut Reader, o: Obj<'_, '_>, out: &mut Loaded) {
    match r.int(&o, MARK).get() {
        Some(&VERSION) => {}
        Some(v) => {
            out.issues.push(InputIssue {
                at: o.at,
                msg: format!("snapshot version {v} is not one this build reads (version {VERSION}); take it again with this build"),
            });
            return;
        }
        None => return,
    }
    if let Some(region) = r.string(&o, "region").str() {
        out.context.region = Some(region.to_string());
    }
    if let Some(account) = r.string(&o, "account").str() {
        out.context.account = Some(account.to_string());
    }
    if let Some(e) = section(r, &o, "ecs") {
        if let Some(items) =
            r.objects(&e, "taskDefinitions", |r, td| ecs::read_task_def(r, td, TdShape::Describe)).into_known()
        {
            out.task_defs.extend(items);
        }
        let services = r.objects(&e, "services", |r, s| {
            let mut service = ecs::read_service(r, s, ServiceShape::Describe);
            // describe-services names the cluster `clusterArn`.
            if service.launch.cluster.is_missing() {
                service.launch.cluster = r.string(&s, "clusterArn");
            }
            service
        });
        if let Some(items) = services.into_known() {
            out.services.extend(items);
        }
        if let Some(clusters) = r.objects(&e, "clusters", read_cluster).into_known() {
            out.context.clusters.extend(clusters);
        }
        if let Some(tasks) = r.objects(&e, "tasks", read_task).into_known() {
            out.context.tasks.tasks.extend(tasks);
            out.context.tasks.coverage = Coverage::Account;
        }
    }
    if let Some(l) = section(r, &o, "logs") {
        let groups = r.objects(&l, "logGroups", |r, g| LogGroup {
            name: r.string(&g, "logGroupName"),
            at: g.at,
            logical_id: None,
            kms_key: r.shaped(&g, "kmsKeyId"),
        });
        if let Some(groups) = groups.into_known() {
            out.context.logs.groups.extend(groups);
            out.context.logs.coverage = Coverage::Account;
        }
    }
    if let Some(i) = section(r, &o, "iam") {
        let roles = r.objects(&i, "RoleDetailList", read_role);
        let policies = r.objects(&i, "Policies", |r, p| {
            let arn = r.string(&p, "Arn").str().unwrap_or_default().to_string();
            let doc = r.member(&p, "Document").map(|m| policy::from_node(&arn, &m.value));
            (arn, doc)
        });
        if let Some(roles) = roles.into_known() {
            out.context.iam.roles.extend(roles);
            out.context.iam.coverage = Coverage::Account;
        }
        let missing = r.strings(&i, "MissingRoles", Text::Free);
        out.context.iam.missing.extend(missing.items().iter().filter_map(|m| m.str().map(String::from)));
        for (arn, doc) in policies.into_known().unwrap_or_default() {
            if let Some(doc) = doc {
                out.context.iam.managed_policies.push((arn, doc));
            }
        }
    }
    if let Some(n) = section(r, &o, "ec2") {
        read_network(r, &n, &mut out.context.network);
    }
    if let Some(e) = section(r, &o, "events") {
        read_rules(r, &e, out);
    }
    if let Some(b) = section(r, &o, "elb") {
        read_elb(r, &b, &mut out.context.elb);
    }
    for (key, into) in [("secrets", &mut out.context.missing_secrets), ("images", &mut out.context.missing_images)] {
        let Some(sec) = section(r, &o, key) else { continue };
        let missing = r.objects(&sec, "missing", |r, m| {
            let what = r.string(&m, "ref").str().unwrap_or_default().to_string();
            (what, r.string(&m, "why").str().unwrap_or("does not exist").to_string())
        });
        if let Some(m) = missing.into_known() {
            *into = Some(m);
        }
    }
    if let Some(l) = section(r, &o, "local") {
        let plugin = r.boolean(&l, "sessionManagerPlugin");
        if let Some(&found) = plugin.get() {
            out.context.session_manager_plugin = Some((found, plugin.at));
        }
    }
    // What could not be read: the rules that need it say "not checked".
    let failed = r
        .objects(&o, "notLoaded", |r, f| (f.at, r.string(&f, "part"), r.string(&f, "action"), r.string(&f, "message")));
    for (at, part, action, message) in failed.into_known().unwrap_or_default() {
        let why = format!("{} failed: {}", action.str().unwrap_or("a read"), message.str().unwrap_or("no message"));
        out.context.not_loaded.push((at, part.str().unwrap_or("?").to_string(), why.clone()));
        match part.str() {
            Some("logs") => out.context.logs.coverage = Coverage::Failed(why),
            Some("iam") => out.context.iam.coverage = Coverage::Failed(why),
            Some("ec2") => out.context.network.coverage = Coverage::Failed(why),
            Some("events") => out.context.schedules.coverage = Coverage::Failed(why),
            Some("elb") => out.context.elb.coverage = Coverage::Failed(why),
            _ => {}
        }
    }
}

/// The EventBridge rules that target the clusters: `describe-rule` output,
/// each with its `Targets` (`list-targets-by-rule`), read as a rule file is.
fn read_rules(r: &mut Reader, e: &Obj<'_, '_>, out: &mut Loaded) {
    use crate::cfn::context::{event_targets, rule_fields};
    use crate::model::context::{RuleKind, RuleOrigin};
    let saved = r.style;
    r.style = super::read::KeyStyle::Pascal;
    let rules = r.objects(e, "rules", |r, o| {
        let mut rule = rule_fields(r, &o, o.at, None, RuleKind::EventsRule, RuleOrigin::Described);
        rule.targets = match r.member(&o, "targets") {
            Some(m) => event_targets(r, &m.value, RuleKind::EventsRule),
            None => F::absent(o.at),
        };
        rule
    });
    r.style = saved;
    if let Some(rules) = rules.into_known() {
        out.context.schedules.rules.extend(rules);
        out.context.schedules.coverage = Coverage::Account;
    }
}

/// The load-balancing section: `aws elbv2 describe-*` output, each listener
/// with its `Rules`.
fn read_elb(r: &mut Reader, b: &Obj<'_, '_>, elb: &mut Elb) {
    let groups = r.objects(b, "TargetGroups", |r, g| TargetGroup {
        arn: r.string(&g, "TargetGroupArn").str().unwrap_or_default().to_string(),
        at: g.at,
        target_type: r.string(&g, "TargetType"),
        port: r.int(&g, "Port"),
        protocol: r.string(&g, "Protocol"),
        load_balancers: r
            .strings(&g, "LoadBalancerArns", Text::Shaped)
            .items()
            .iter()
            .filter_map(|a| a.str().map(String::from))
            .collect(),
    });
    let lbs = r.objects(b, "LoadBalancers", |r, l| LoadBalancer {
        arn: r.string(&l, "LoadBalancerArn").str().unwrap_or_default().to_string(),
        at: l.at,
        security_groups: r.strings(&l, "SecurityGroups", Text::Shaped),
    });
    // The target groups of a list of actions: `TargetGroupArn`, or the
    // weighted `ForwardConfig`.
    fn forwarded(r: &mut Reader, o: &Obj<'_, '_>, key: &str) -> Vec<String> {
        let per_action = r.objects(o, key, |r, a| {
            let mut out: Vec<String> = r.string(&a, "TargetGroupArn").str().map(String::from).into_iter().collect();
            if let Some(fc) = r.member(&a, "ForwardConfig").map(|m| &m.value)
                && let Some(fc) = r.as_obj(fc, "ForwardConfig")
            {
                let groups =
                    r.objects(&fc, "TargetGroups", |r, g| r.string(&g, "TargetGroupArn").str().map(String::from));
                out.extend(groups.into_known().unwrap_or_default().into_iter().flatten());
            }
            out
        });
        per_action.into_known().unwrap_or_default().into_iter().flatten().collect()
    }
    let listeners = r.objects(b, "Listeners", |r, l| {
        let mut target_groups = forwarded(r, &l, "DefaultActions");
        let rules = r.objects(&l, "Rules", |r, rule| forwarded(r, &rule, "Actions"));
        target_groups.extend(rules.into_known().unwrap_or_default().into_iter().flatten());
        target_groups.sort();
        target_groups.dedup();
        Listener {
            arn: r.string(&l, "ListenerArn").str().unwrap_or_default().to_string(),
            at: l.at,
            load_balancer: r.string(&l, "LoadBalancerArn"),
            target_groups,
        }
    });
    if let (Some(g), Some(b), Some(l)) = (groups.into_known(), lbs.into_known(), listeners.into_known()) {
        elb.target_groups.extend(g);
        elb.load_balancers.extend(b);
        elb.listeners.extend(l);
        elb.coverage = Coverage::Account;
    }
}

/// A cluster of `describe-clusters` output, with its exec configuration.
fn read_cluster(r: &mut Reader, c: Obj<'_, '_>) -> Cluster {
    let arn = r.string(&c, "clusterArn").str().unwrap_or_default().to_string();
    let name = r.string(&c, "clusterName").str().unwrap_or_default().to_string();
    exec_configuration(r, &c, arn, name)
}

/// A cluster's ECS Exec configuration, from `configuration` (the API's
/// spelling, or the template's with the reader in PascalCase).
pub(crate) fn exec_configuration(r: &mut Reader, c: &Obj<'_, '_>, arn: String, name: String) -> Cluster {
    let at = c.at;
    let exec = r
        .member(c, "configuration")
        .and_then(|m| r.as_obj(&m.value, "configuration"))
        .and_then(|conf| r.member(&conf, "executeCommandConfiguration"))
        .and_then(|m| r.as_obj(&m.value, "executeCommandConfiguration"));
    let mut cluster = Cluster {
        arn,
        name,
        at,
        exec_kms_key: F::absent(at),
        exec_logging: F::absent(at),
        exec_log_group: F::absent(at),
        exec_s3_bucket: F::absent(at),
        exec_s3_prefix: F::absent(at),
        exec_s3_encryption: F::absent(at),
    };
    if let Some(x) = exec {
        cluster.exec_kms_key = r.string(&x, "kmsKeyId");
        cluster.exec_logging = r.string(&x, "logging");
        if let Some(lc) = r.member(&x, "logConfiguration").and_then(|m| r.as_obj(&m.value, "logConfiguration")) {
            cluster.exec_log_group = r.string(&lc, "cloudWatchLogGroupName");
            cluster.exec_s3_bucket = r.string(&lc, "s3BucketName");
            cluster.exec_s3_prefix = r.string(&lc, "s3KeyPrefix");
            cluster.exec_s3_encryption = r.boolean(&lc, "s3EncryptionEnabled");
        }
    }
    cluster
}

/// A task of `describe-tasks` output.
fn read_task(r: &mut Reader, t: Obj<'_, '_>) -> LiveTask {
    let exec_agents = r
        .objects(&t, "containers", |r, c| {
            let name = r.string(&c, "name").str().unwrap_or_default().to_string();
            let agents = r
                .objects(&c, "managedAgents", |r, a| (r.string(&a, "name"), r.string(&a, "lastStatus")))
                .into_known()
                .unwrap_or_default();
            let status = agents
                .into_iter()
                .find(|(n, _)| n.str() == Some("ExecuteCommandAgent"))
                .map_or(F::absent(c.at), |(_, s)| s);
            (name, status)
        })
        .into_known()
        .unwrap_or_default();
    LiveTask {
        at: t.at,
        arn: r.string(&t, "taskArn").str().unwrap_or_default().to_string(),
        cluster: r.string(&t, "clusterArn"),
        group: r.string(&t, "group"),
        last_status: r.string(&t, "lastStatus"),
        enable_execute_command: r.boolean(&t, "enableExecuteCommand"),
        exec_agents,
    }
}

/// A role as `get-account-authorization-details` lists it.
fn read_role(r: &mut Reader, o: Obj<'_, '_>) -> Role {
    let name = r.string(&o, "RoleName").str().unwrap_or_default().to_string();
    let arn = r.string(&o, "Arn").str().unwrap_or_default().to_string();
    let trust = match r.member(&o, "AssumeRolePolicyDocument") {
        Some(m) => F::known(policy::from_node(&format!("{name} trust policy"), &m.value), o.at),
        None => F::absent(o.at),
    };
    let inline = r
        .objects(&o, "RolePolicyList", |r, p| {
            let pname = r.string(&p, "PolicyName").str().unwrap_or("inline").to_string();
            let doc = match r.member(&p, "PolicyDocument") {
                Some(m) => policy::from_node(&pname, &m.value),
                None => policy::from_node(
                    &pname,
                    &crate::source::json::Node { off: p.at.off, kind: crate::source::json::Kind::Unknown },
                ),
            };
            (pname, doc)
        })
        .into_known()
        .unwrap_or_default();
    let at = o.at;
    let managed = r.objects(&o, "AttachedManagedPolicies", |r, p| r.string(&p, "PolicyArn"));
    Role { name, logical_id: None, arn, at, trust, inline, managed }
}

/// The network section: `aws ec2 describe-*` output, PascalCase.
fn read_network(r: &mut Reader, n: &Obj<'_, '_>, net: &mut Network) {
    let id = |r: &mut Reader, o: &Obj<'_, '_>, key: &str| r.string(o, key).str().unwrap_or_default().to_string();
    let strings = |r: &mut Reader, o: &Obj<'_, '_>, key: &str| r.strings(o, key, Text::Shaped);
    let vpcs = r.objects(n, "Vpcs", |r, v| Vpc {
        id: id(r, &v, "VpcId"),
        at: v.at,
        cidr: r.string(&v, "CidrBlock"),
        dns_support: r.boolean(&v, "EnableDnsSupport"),
        dns_hostnames: r.boolean(&v, "EnableDnsHostnames"),
    });
    let subnets = r.objects(n, "Subnets", |r, s| Subnet {
        id: id(r, &s, "SubnetId"),
        at: s.at,
        vpc: r.string(&s, "VpcId"),
        availability_zone: r.string(&s, "AvailabilityZone"),
        cidr: r.string(&s, "CidrBlock"),
        map_public_ip_on_launch: r.boolean(&s, "MapPublicIpOnLaunch"),
        available_ips: r.int(&s, "AvailableIpAddressCount"),
    });
    let tables = r.objects(n, "RouteTables", |r, t| {
        let routes = r
            .objects(&t, "Routes", |r, x| {
                let s = |r: &mut Reader, k: &str| r.string(&x, k).str().map(String::from);
                let destination = match s(r, "DestinationCidrBlock").or_else(|| s(r, "DestinationPrefixListId")) {
                    Some(d) => F::known(d, x.at),
                    None => F::unknown(Unknown::NotGiven, x.at),
                };
                let target = if s(r, "State").as_deref() == Some("blackhole") {
                    RouteTarget::Other("blackhole".into())
                } else if let Some(g) = s(r, "GatewayId") {
                    if g.starts_with("igw-") {
                        RouteTarget::InternetGateway(g)
                    } else if g.starts_with("vpce-") {
                        RouteTarget::VpcEndpoint(g)
                    } else {
                        RouteTarget::Other(g)
                    }
                } else if let Some(nat) = s(r, "NatGatewayId") {
                    RouteTarget::NatGateway(nat)
                } else if let Some(x) =
                    ["TransitGatewayId", "VpcPeeringConnectionId", "NetworkInterfaceId", "InstanceId"]
                        .iter()
                        .find_map(|k| s(r, k))
                {
                    RouteTarget::Other(x)
                } else {
                    RouteTarget::Unknown
                };
                Route { at: x.at, destination, target }
            })
            .into_known()
            .unwrap_or_default();
        let assoc = r
            .objects(&t, "Associations", |r, a| {
                (r.boolean(&a, "Main").is_true(), r.string(&a, "SubnetId").str().map(String::from))
            })
            .into_known()
            .unwrap_or_default();
        RouteTable {
            id: id(r, &t, "RouteTableId"),
            at: t.at,
            vpc: r.string(&t, "VpcId"),
            main: assoc.iter().any(|(main, _)| *main),
            routes,
            subnets: assoc.into_iter().filter_map(|(_, s)| s).collect(),
        }
    });
    let igws = r.objects(n, "InternetGateways", |r, g| {
        let vpc = r
            .objects(&g, "Attachments", |r, a| r.string(&a, "VpcId"))
            .into_known()
            .and_then(|v| v.into_iter().next())
            .unwrap_or(F::absent(g.at));
        InternetGateway { id: id(r, &g, "InternetGatewayId"), at: g.at, vpc }
    });
    let nats = r.objects(n, "NatGateways", |r, g| {
        let state = r.string(&g, "State");
        (
            state.str().is_none_or(|s| s == "available" || s == "pending"),
            NatGateway {
                id: id(r, &g, "NatGatewayId"),
                at: g.at,
                subnet: r.string(&g, "SubnetId"),
                connectivity: r.string(&g, "ConnectivityType"),
            },
        )
    });
    let endpoints = r.objects(n, "VpcEndpoints", |r, e| {
        let kind = r.string(&e, "VpcEndpointType").map(|k| match k.as_str() {
            "Interface" => EndpointKind::Interface,
            _ => EndpointKind::Gateway,
        });
        let policy = r.member(&e, "PolicyDocument").map(|m| {
            let name = format!("{} policy", id(r, &e, "VpcEndpointId"));
            policy::from_node(&name, &m.value)
        });
        let groups = r.objects(&e, "Groups", |r, g| r.string(&g, "GroupId"));
        VpcEndpoint {
            id: id(r, &e, "VpcEndpointId"),
            at: e.at,
            vpc: r.string(&e, "VpcId"),
            service: r.string(&e, "ServiceName"),
            kind,
            subnets: strings(r, &e, "SubnetIds"),
            security_groups: groups,
            private_dns: r.boolean(&e, "PrivateDnsEnabled"),
            route_tables: strings(r, &e, "RouteTableIds"),
            policy,
        }
    });
    let groups = r.objects(n, "SecurityGroups", |r, g| SecurityGroup {
        id: id(r, &g, "GroupId"),
        at: g.at,
        vpc: r.string(&g, "VpcId"),
        ingress: permissions(r, &g, "IpPermissions"),
        egress: permissions(r, &g, "IpPermissionsEgress"),
    });
    let acls = r.objects(n, "NetworkAcls", |r, a| {
        let entries = r
            .objects(&a, "Entries", |r, e| {
                let range = r.member(&e, "PortRange").map(|m| &m.value);
                let port = |r: &mut Reader, k: &str| match range.and_then(|n| r.as_obj(n, "PortRange")) {
                    Some(p) => r.int(&p, k),
                    None => F::absent(e.at),
                };
                NaclEntry {
                    at: e.at,
                    rule_number: r.int(&e, "RuleNumber"),
                    egress: r.boolean(&e, "Egress").is_true(),
                    protocol: r.string(&e, "Protocol"),
                    allow: r.string(&e, "RuleAction").map(|a| a.eq_ignore_ascii_case("allow")),
                    cidr: r.string(&e, "CidrBlock"),
                    from_port: port(r, "From"),
                    to_port: port(r, "To"),
                }
            })
            .into_known()
            .unwrap_or_default();
        let subnets = r
            .objects(&a, "Associations", |r, x| r.string(&x, "SubnetId").str().map(String::from))
            .into_known()
            .unwrap_or_default();
        NetworkAcl {
            id: id(r, &a, "NetworkAclId"),
            at: a.at,
            vpc: r.string(&a, "VpcId"),
            default: r.boolean(&a, "IsDefault").is_true(),
            entries,
            subnets: subnets.into_iter().flatten().collect(),
        }
    });
    net.vpcs.extend(vpcs.into_known().unwrap_or_default());
    net.subnets.extend(subnets.into_known().unwrap_or_default());
    net.route_tables.extend(tables.into_known().unwrap_or_default());
    net.internet_gateways.extend(igws.into_known().unwrap_or_default());
    // A deleted or failed NAT gateway routes nothing.
    net.nat_gateways.extend(nats.into_known().unwrap_or_default().into_iter().filter(|(up, _)| *up).map(|(_, g)| g));
    net.endpoints.extend(endpoints.into_known().unwrap_or_default());
    net.security_groups.extend(groups.into_known().unwrap_or_default());
    net.network_acls.extend(acls.into_known().unwrap_or_default());
    net.coverage = Coverage::Account;
}

/// Security group permissions: one rule per peer (a permission lists CIDR
/// ranges, groups and prefix lists together).
fn permissions(r: &mut Reader, g: &Obj<'_, '_>, key: &str) -> F<Vec<SgRule>> {
    r.objects(g, key, |r, p| {
        let mut peers = Vec::new();
        for (list, field) in [
            ("IpRanges", "CidrIp"),
            ("Ipv6Ranges", "CidrIpv6"),
            ("UserIdGroupPairs", "GroupId"),
            ("PrefixListIds", "PrefixListId"),
        ] {
            let found = r
                .objects(&p, list, |r, x| r.string(&x, field).str().map(String::from))
                .into_known()
                .unwrap_or_default();
            for v in found.into_iter().flatten() {
                peers.push(match list {
                    "UserIdGroupPairs" => SgPeer::SecurityGroup(v),
                    "PrefixListIds" => SgPeer::PrefixList(v),
                    _ => SgPeer::Cidr(v),
                });
            }
        }
        let protocol = r.string(&p, "IpProtocol");
        let from_port = r.int(&p, "FromPort");
        let to_port = r.int(&p, "ToPort");
        peers
            .into_iter()
            .map(|peer| SgRule {
                at: p.at,
                protocol: protocol.clone(),
                from_port: from_port.clone(),
                to_port: to_port.clone(),
                peer,
            })
            .collect::<Vec<_>>()
    })
    .map(|v| v.into_iter().flatten().collect())
}

/// A section of the snapshot (an object member).
fn section<'n, 's>(r: &mut Reader, o: &Obj<'n, 's>, key: &str) -> Option<Obj<'n, 's>> {
    let m = r.member(o, key)?;
    r.as_obj(&m.value, key)
}
