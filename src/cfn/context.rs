//! A template's network, IAM, logging, load-balancing and schedule
//! resources into the account context the rules read (see
//! `model::context`). Ids are the resolver's stand-ins, so a service's
//! `Subnets: [!Ref PrivateSubnet]` finds the subnet declared here.

use super::Template;
use super::policy;
use super::resolve::Resolver;
use crate::model::context::*;
use crate::model::ecs::{AwsVpc, Launch};
use crate::model::read::{KeyStyle, Obj, Reader, Text};
use crate::model::{F, Unknown, Val};
use crate::source::json::{Kind, Node};
use crate::source::{FileId, Loc};

fn str_list(n: Option<&Node<'_>>) -> Vec<String> {
    match n.map(|n| &n.kind) {
        Some(Kind::Arr(items)) => items.iter().filter_map(|i| i.as_str().map(str::to_string)).collect(),
        Some(Kind::Str(s)) => vec![s.to_string()],
        _ => Vec::new(),
    }
}

/// The ECS parameters of a target of a rule or schedule; `vpc_key` is
/// `AwsVpcConfiguration` (Events) or `AwsvpcConfiguration` (Scheduler) in
/// templates. The API JSON (`put-targets`, `create-schedule`) spells two
/// keys in camelCase inside PascalCase objects: `awsvpcConfiguration` and
/// `capacityProvider`; both spellings are read.
fn target_launch(r: &mut Reader, o: &Obj<'_, '_>, cluster: F<String>, vpc_key: &'static str) -> Launch {
    let network = r
        .object(o, "networkConfiguration", |r, n| {
            let saved = r.style;
            let api = saved == KeyStyle::Pascal && n.has(API_VPC_KEY);
            if api {
                r.style = KeyStyle::Camel;
            }
            let v = r.object(&n, if api { API_VPC_KEY } else { vpc_key }, |r, a| {
                r.style = saved;
                AwsVpc {
                    at: a.at,
                    subnets: r.strings(&a, "subnets", Text::Shaped),
                    security_groups: r.strings(&a, "securityGroups", Text::Shaped),
                    assign_public_ip: r.string(&a, "assignPublicIp"),
                }
            });
            r.style = saved;
            v
        })
        .flatten();
    Launch {
        cluster,
        task_definition: r.shaped(o, "taskDefinitionArn"),
        launch_type: r.string(o, "launchType"),
        capacity_providers: r.objects(o, "capacityProviderStrategy", |r, c| {
            let saved = r.style;
            if c.has("capacityProvider") {
                r.style = KeyStyle::Camel;
            }
            let v = r.string(&c, "capacityProvider");
            r.style = saved;
            v
        }),
        platform_version: r.string(o, "platformVersion"),
        network,
        enable_execute_command: r.boolean(o, "enableExecuteCommand"),
        placement_constraints: r.array(o, "placementConstraints", |r, n| Some(r.loc(n.off))),
    }
}

/// How the EventBridge and Scheduler APIs spell the key of `AwsVpcConfiguration`.
const API_VPC_KEY: &str = "awsvpcConfiguration";

/// The targets of a rule (`list`: its `Targets` array) or schedule (its
/// `Target` object), read with a PascalCase reader.
pub(crate) fn event_targets(r: &mut Reader, list: &Node<'_>, kind: RuleKind) -> F<Vec<EventTarget>> {
    let read_one = |r: &mut Reader, t: Obj<'_, '_>| {
        let arn = r.shaped(&t, "arn");
        let vpc_key = if kind == RuleKind::Schedule { "awsvpcConfiguration" } else { "awsVpcConfiguration" };
        let ecs = r.object(&t, "ecsParameters", |r, e| target_launch(r, &e, arn.clone(), vpc_key));
        let task_count = match &ecs.val {
            Val::Known(_) => {
                let mut count = F::absent(t.at);
                r.object(&t, "ecsParameters", |r, e| count = r.int(&e, "taskCount"));
                count
            }
            _ => F::absent(t.at),
        };
        EventTarget {
            at: t.at,
            id: if kind == RuleKind::Schedule { F::absent(t.at) } else { r.string(&t, "id") },
            arn,
            role_arn: r.shaped(&t, "roleArn"),
            ecs,
            task_count,
        }
    };
    let wrapper = Node {
        off: list.off,
        kind: Kind::Obj(vec![crate::source::json::Member {
            key: std::borrow::Cow::Borrowed(if kind == RuleKind::Schedule { "Target" } else { "Targets" }),
            key_off: list.off,
            value: list.clone(),
        }]),
    };
    let Some(o) = r.as_obj(&wrapper, "Targets") else { return F::absent(r.loc(list.off)) };
    if kind == RuleKind::Schedule {
        r.object(&o, "target", read_one).map(|t| vec![t])
    } else {
        r.objects(&o, "targets", read_one)
    }
}

/// A rule's or schedule's own fields, read with a PascalCase reader; the
/// caller fills `targets`.
pub(crate) fn rule_fields(
    r: &mut Reader,
    o: &Obj<'_, '_>,
    at: Loc,
    logical_id: Option<String>,
    kind: RuleKind,
    origin: RuleOrigin,
) -> EventRule {
    EventRule {
        at,
        kind,
        origin,
        logical_id,
        name: r.string(o, "name"),
        event_bus: r.string(o, if kind == RuleKind::Schedule { "groupName" } else { "eventBusName" }),
        schedule_expression: r.raw_string(o, "scheduleExpression"),
        timezone: r.string(o, "scheduleExpressionTimezone"),
        state: r.string(o, "state"),
        has_event_pattern: o.has("EventPattern"),
        targets: F::absent(at),
    }
}

/// Reads the context resources of a template into `ctx`.
pub fn load(file: FileId, t: &Template<'_>, resolver: &Resolver<'_, '_>, ctx: &mut Context, r: &mut Reader) {
    debug_assert_eq!(r.style, KeyStyle::Pascal);
    let loc = |off: u32| Loc { file, off };
    for c in [&mut ctx.network.coverage, &mut ctx.iam.coverage, &mut ctx.logs.coverage, &mut ctx.elb.coverage] {
        *c = Coverage::Template;
    }
    ctx.schedules.coverage = Coverage::Template;
    ctx.stores.coverage = Coverage::Template;
    ctx.region = Some(resolver.env.region.clone());
    // The VPCs' implicit main route tables and default network ACLs.
    for res in t.of_type("AWS::EC2::VPC") {
        let vpc_id = resolver.physical_id(&res.id, None).unwrap_or_default();
        ctx.network.route_tables.push(RouteTable {
            id: format!("{vpc_id}/main"),
            at: loc(res.key_off),
            vpc: F::known(vpc_id.clone(), loc(res.key_off)),
            main: true,
            routes: Vec::new(),
            subnets: Vec::new(),
        });
        ctx.network.network_acls.push(NetworkAcl {
            id: format!("{vpc_id}/default"),
            at: loc(res.key_off),
            vpc: F::known(vpc_id, loc(res.key_off)),
            default: true,
            entries: Vec::new(),
            subnets: Vec::new(),
        });
    }
    for res in &t.resources {
        if res.condition.as_deref().is_some_and(|c| resolver.condition(c) == Some(false)) {
            continue;
        }
        let at = loc(res.key_off);
        let empty = Node { off: res.key_off, kind: Kind::Obj(Vec::new()) };
        let resolved = res.properties().map(|p| resolver.resolve(p)).unwrap_or(empty);
        let Some(o) = r.as_obj(&resolved, "Properties") else { continue };
        let id = || resolver.physical_id(&res.id, None).unwrap_or_else(|| res.id.clone());
        match res.kind.as_str() {
            "AWS::EC2::VPC" => ctx.network.vpcs.push(Vpc {
                id: id(),
                at,
                cidr: r.string(&o, "cidrBlock"),
                dns_support: r.boolean(&o, "enableDnsSupport"),
                dns_hostnames: r.boolean(&o, "enableDnsHostnames"),
            }),
            "AWS::EC2::Subnet" => ctx.network.subnets.push(Subnet {
                id: id(),
                at,
                vpc: r.shaped(&o, "vpcId"),
                availability_zone: r.string(&o, "availabilityZone"),
                cidr: r.string(&o, "cidrBlock"),
                map_public_ip_on_launch: r.boolean(&o, "mapPublicIpOnLaunch"),
                available_ips: F::absent(at),
            }),
            "AWS::EC2::RouteTable" => ctx.network.route_tables.push(RouteTable {
                id: id(),
                at,
                vpc: r.shaped(&o, "vpcId"),
                main: false,
                routes: Vec::new(),
                subnets: Vec::new(),
            }),
            "AWS::EC2::InternetGateway" => {
                ctx.network.internet_gateways.push(InternetGateway { id: id(), at, vpc: F::absent(at) })
            }
            "AWS::EC2::NatGateway" => ctx.network.nat_gateways.push(NatGateway {
                id: id(),
                at,
                subnet: r.shaped(&o, "subnetId"),
                connectivity: r.string(&o, "connectivityType"),
            }),
            "AWS::EC2::VPCEndpoint" => {
                let kind = r.string(&o, "vpcEndpointType").map(|k| match k.as_str() {
                    "Interface" => EndpointKind::Interface,
                    _ => EndpointKind::Gateway,
                });
                let kind = if kind.is_missing() { F::known(EndpointKind::Gateway, at) } else { kind };
                let policy = resolved.get("PolicyDocument").map(|p| policy::from_node(&res.id, p));
                ctx.network.endpoints.push(VpcEndpoint {
                    id: id(),
                    at,
                    vpc: r.shaped(&o, "vpcId"),
                    service: r.string(&o, "serviceName"),
                    kind,
                    subnets: r.strings(&o, "subnetIds", Text::Shaped),
                    security_groups: r.strings(&o, "securityGroupIds", Text::Shaped),
                    private_dns: r.boolean(&o, "privateDnsEnabled"),
                    route_tables: r.strings(&o, "routeTableIds", Text::Shaped),
                    policy,
                });
            }
            "AWS::EC2::SecurityGroup" => {
                let rule = |r: &mut Reader, x: Obj<'_, '_>, egress: bool| sg_rule(r, &x, egress);
                ctx.network.security_groups.push(SecurityGroup {
                    id: id(),
                    at,
                    vpc: r.shaped(&o, "vpcId"),
                    ingress: r.objects(&o, "securityGroupIngress", |r, x| rule(r, x, false)),
                    egress: r.objects(&o, "securityGroupEgress", |r, x| rule(r, x, true)),
                });
            }
            "AWS::EC2::NetworkAcl" => ctx.network.network_acls.push(NetworkAcl {
                id: id(),
                at,
                vpc: r.shaped(&o, "vpcId"),
                default: false,
                entries: Vec::new(),
                subnets: Vec::new(),
            }),
            "AWS::IAM::Role" => {
                let name = resolver.physical_id(&res.id, None).unwrap_or_else(|| res.id.clone());
                let arn = resolver.physical_id(&res.id, Some("Arn")).unwrap_or_default();
                let trust = match resolved.get("AssumeRolePolicyDocument") {
                    Some(d) => F::known(policy::from_node(&format!("{} trust policy", res.id), d), at),
                    None => F::absent(at),
                };
                let mut inline = Vec::new();
                if let Some(Kind::Arr(ps)) = resolved.get("Policies").map(|p| &p.kind) {
                    for p in ps {
                        let pname = p.get("PolicyName").and_then(Node::as_str).unwrap_or("inline").to_string();
                        match p.get("PolicyDocument") {
                            Some(d) => inline.push((pname.clone(), policy::from_node(&pname, d))),
                            None => inline.push((
                                pname.clone(),
                                policy::from_node(&pname, &Node { off: p.off, kind: Kind::Unknown }),
                            )),
                        }
                    }
                } else if resolved.get("Policies").is_some_and(|p| p.kind == Kind::Unknown) {
                    inline.push((
                        "Policies".into(),
                        policy::from_node("Policies", &Node { off: 0, kind: Kind::Unknown }),
                    ));
                }
                ctx.iam.roles.push(Role {
                    name,
                    logical_id: Some(res.id.clone()),
                    arn,
                    at,
                    trust,
                    inline,
                    managed: r.strings(&o, "managedPolicyArns", Text::Free),
                });
            }
            "AWS::SecretsManager::Secret" => {
                if let Some(arn) = resolver.physical_id(&res.id, None) {
                    let kms_key = r.shaped(&o, "kmsKeyId");
                    ctx.stores.secrets.push(StoredSecret { arn, at, kms_key, policies: Vec::new() });
                }
            }
            "AWS::KMS::Key" => {
                let (Some(key_id), Some(arn)) =
                    (resolver.physical_id(&res.id, None), resolver.physical_id(&res.id, Some("Arn")))
                else {
                    continue;
                };
                let policy = match resolved.get("KeyPolicy") {
                    Some(d) => F::known(policy::from_node(&format!("{} key policy", res.id), d), at),
                    None => F::absent(at),
                };
                ctx.stores.keys.push(KmsKey { id: key_id, arn, at, policy, aliases: Vec::new() });
            }
            "AWS::ECR::Repository" => {
                if let Some(arn) = resolver.physical_id(&res.id, Some("Arn")) {
                    let policy = resolved
                        .get("RepositoryPolicyText")
                        .map(|p| policy::from_node(&format!("{} repository policy", res.id), p));
                    ctx.stores.repositories.push(Repository { arn, at, policy });
                }
            }
            "AWS::ECS::Cluster" => {
                let (Some(name), Some(arn)) =
                    (resolver.physical_id(&res.id, None), resolver.physical_id(&res.id, Some("Arn")))
                else {
                    continue;
                };
                ctx.clusters.push(crate::model::snapshot::exec_configuration(r, &o, arn, name));
            }
            "AWS::Logs::LogGroup" => ctx.logs.groups.push(LogGroup {
                name: F::known(id(), at),
                at,
                logical_id: Some(res.id.clone()),
                kms_key: r.shaped(&o, "kmsKeyId"),
            }),
            "AWS::ElasticLoadBalancingV2::TargetGroup" => ctx.elb.target_groups.push(TargetGroup {
                arn: id(),
                at,
                target_type: r.string(&o, "targetType"),
                port: r.int(&o, "port"),
                protocol: r.string(&o, "protocol"),
                load_balancers: Vec::new(),
            }),
            "AWS::ElasticLoadBalancingV2::LoadBalancer" => ctx.elb.load_balancers.push(LoadBalancer {
                arn: id(),
                at,
                security_groups: r.strings(&o, "securityGroups", Text::Shaped),
            }),
            "AWS::ElasticLoadBalancingV2::Listener" => {
                let tgs = forwards(&mut ctx.elb, resolved.get("DefaultActions"), at, &res.id);
                ctx.elb.listeners.push(Listener {
                    arn: id(),
                    at,
                    load_balancer: r.shaped(&o, "loadBalancerArn"),
                    target_groups: tgs,
                });
            }
            "AWS::Events::Rule" => {
                let mut rule = rule_fields(r, &o, at, Some(res.id.clone()), RuleKind::EventsRule, RuleOrigin::Template);
                rule.targets = match resolved.get("Targets") {
                    Some(list) if list.kind == Kind::Unknown => F::unknown(Unknown::Unresolved, at),
                    Some(list) => event_targets(r, list, RuleKind::EventsRule),
                    None => F::absent(at),
                };
                ctx.schedules.rules.push(rule);
            }
            "AWS::Scheduler::Schedule" => {
                let mut rule = rule_fields(r, &o, at, Some(res.id.clone()), RuleKind::Schedule, RuleOrigin::Template);
                rule.targets = match resolved.get("Target") {
                    Some(t) if t.kind == Kind::Unknown => F::unknown(Unknown::Unresolved, at),
                    Some(t) => event_targets(r, t, RuleKind::Schedule),
                    None => F::absent(at),
                };
                ctx.schedules.rules.push(rule);
            }
            _ => {}
        }
    }
    // Second pass: resources that attach to the ones above.
    for res in &t.resources {
        if res.condition.as_deref().is_some_and(|c| resolver.condition(c) == Some(false)) {
            continue;
        }
        let at = loc(res.key_off);
        let Some(props) = res.properties() else { continue };
        let p = resolver.resolve(props);
        let s = |k: &str| p.get(k).and_then(Node::as_str).map(str::to_string);
        match res.kind.as_str() {
            "AWS::EC2::Route" => {
                let Some(rt) = s("RouteTableId") else { continue };
                let destination =
                    match (s("DestinationCidrBlock"), s("DestinationPrefixListId"), s("DestinationIpv6CidrBlock")) {
                        (Some(c), _, _) | (None, Some(c), _) | (None, None, Some(c)) => F::known(c, at),
                        _ => F::unknown(Unknown::Unresolved, at),
                    };
                let target = if let Some(g) = s("GatewayId") {
                    if g.starts_with("igw-") { RouteTarget::InternetGateway(g) } else { RouteTarget::Other(g) }
                } else if let Some(n) = s("NatGatewayId") {
                    RouteTarget::NatGateway(n)
                } else if let Some(x) = [
                    "TransitGatewayId",
                    "VpcPeeringConnectionId",
                    "NetworkInterfaceId",
                    "InstanceId",
                    "VpcEndpointId",
                    "CarrierGatewayId",
                    "LocalGatewayId",
                    "EgressOnlyInternetGatewayId",
                    "CoreNetworkArn",
                ]
                .iter()
                .find_map(|k| s(k))
                {
                    RouteTarget::Other(x)
                } else {
                    RouteTarget::Unknown
                };
                if let Some(table) = ctx.network.route_tables.iter_mut().find(|t| t.id == rt) {
                    table.routes.push(Route { at, destination, target });
                }
            }
            "AWS::EC2::SubnetRouteTableAssociation" => {
                if let (Some(rt), Some(subnet)) = (s("RouteTableId"), s("SubnetId"))
                    && let Some(table) = ctx.network.route_tables.iter_mut().find(|t| t.id == rt)
                {
                    table.subnets.push(subnet);
                }
            }
            "AWS::EC2::VPCGatewayAttachment" => {
                if let (Some(igw), Some(vpc)) = (s("InternetGatewayId"), s("VpcId"))
                    && let Some(g) = ctx.network.internet_gateways.iter_mut().find(|g| g.id == igw)
                {
                    g.vpc = F::known(vpc, at);
                }
            }
            "AWS::EC2::SecurityGroupIngress" | "AWS::EC2::SecurityGroupEgress" => {
                let egress = res.kind.ends_with("Egress");
                let Some(group) = s("GroupId") else {
                    ctx.network.unresolved_rules.push(at);
                    continue;
                };
                let Some(o) = r.as_obj(&p, "Properties") else { continue };
                let rule = sg_rule(r, &o, egress);
                if let Some(sg) = ctx.network.security_groups.iter_mut().find(|g| g.id == group) {
                    let list = if egress { &mut sg.egress } else { &mut sg.ingress };
                    match &mut list.val {
                        Val::Known(v) => v.push(rule),
                        Val::Absent | Val::Null if !egress => list.val = Val::Known(vec![rule]),
                        // A standalone egress rule does not remove the
                        // default "all traffic" rule of a group that
                        // declares none inline.
                        Val::Absent | Val::Null => {}
                        Val::Unknown(_) => {}
                    }
                }
            }
            "AWS::EC2::NetworkAclEntry" => {
                let Some(acl) = s("NetworkAclId") else { continue };
                let Some(o) = r.as_obj(&p, "Properties") else { continue };
                let range = p.get("PortRange");
                let port = |k: &str| range.and_then(|r| r.get(k)).and_then(Node::as_str).and_then(|v| v.parse().ok());
                let entry = NaclEntry {
                    at,
                    rule_number: r.int(&o, "ruleNumber"),
                    egress: r.boolean(&o, "egress").get().copied().unwrap_or(false),
                    protocol: r.string(&o, "protocol"),
                    allow: r.string(&o, "ruleAction").map(|a| a.eq_ignore_ascii_case("allow")),
                    cidr: r.string(&o, "cidrBlock"),
                    from_port: port("From").map_or(F::absent(at), |v| F::known(v, at)),
                    to_port: port("To").map_or(F::absent(at), |v| F::known(v, at)),
                };
                if let Some(n) = ctx.network.network_acls.iter_mut().find(|n| n.id == acl) {
                    n.entries.push(entry);
                }
            }
            "AWS::EC2::SubnetNetworkAclAssociation" => {
                if let (Some(acl), Some(subnet)) = (s("NetworkAclId"), s("SubnetId"))
                    && let Some(n) = ctx.network.network_acls.iter_mut().find(|n| n.id == acl)
                {
                    n.subnets.push(subnet);
                }
            }
            "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => {
                let name = s("PolicyName").or_else(|| s("ManagedPolicyName")).unwrap_or_else(|| res.id.clone());
                let doc = p.get("PolicyDocument").cloned().unwrap_or(Node { off: 0, kind: Kind::Unknown });
                let pol = policy::from_node(&name, &doc);
                if res.kind == "AWS::IAM::ManagedPolicy"
                    && let Some(arn) = resolver.physical_id(&res.id, None)
                {
                    ctx.iam.managed_policies.push((arn, pol.clone()));
                }
                let roles = p.get("Roles");
                if roles.is_some_and(|r| r.kind == Kind::Unknown) {
                    continue;
                }
                for role in str_list(roles) {
                    if let Some(x) = ctx.iam.roles.iter_mut().find(|x| x.name == role) {
                        x.inline.push((name.clone(), pol.clone()));
                    }
                }
            }
            "AWS::IAM::RolePolicy" => {
                let (Some(role), Some(name)) = (s("RoleName"), s("PolicyName")) else { continue };
                let doc = p.get("PolicyDocument").cloned().unwrap_or(Node { off: 0, kind: Kind::Unknown });
                if let Some(x) = ctx.iam.roles.iter_mut().find(|x| x.name == role) {
                    x.inline.push((name.clone(), policy::from_node(&name, &doc)));
                }
            }
            "AWS::KMS::Alias" => {
                if let (Some(alias), Some(target)) = (s("AliasName"), s("TargetKeyId"))
                    && let Some(k) = ctx.stores.keys.iter_mut().find(|k| k.id == target || k.arn == target)
                {
                    k.aliases.push(alias);
                }
            }
            "AWS::SecretsManager::ResourcePolicy" => {
                let Some(secret) = s("SecretId") else { continue };
                let doc = p.get("ResourcePolicy").cloned().unwrap_or(Node { off: 0, kind: Kind::Unknown });
                let pol = policy::from_node(&format!("{} resource policy", res.id), &doc);
                let arn = ctx.stores.secret(&secret).map(|x| x.arn.clone());
                if let Some(x) = ctx.stores.secrets.iter_mut().find(|x| Some(&x.arn) == arn.as_ref()) {
                    x.policies.push(pol);
                }
            }
            "AWS::ElasticLoadBalancingV2::ListenerRule" => {
                let tgs = forwards(&mut ctx.elb, p.get("Actions"), at, &res.id);
                let listener = s("ListenerArn");
                match ctx.elb.listeners.iter_mut().find(|l| Some(&l.arn) == listener.as_ref()) {
                    Some(l) => l.target_groups.extend(tgs),
                    // An imported listener, or one the template does not
                    // determine: the target groups are attached all the same.
                    None => ctx.elb.forwarded_elsewhere.extend(tgs),
                }
            }
            _ => {}
        }
    }
    // Stand-in ids back to logical ids, so findings name `PrivateSubnetA`
    // rather than the stand-in `subnet-…`.
    ctx.names.extend(resolver.physical.borrow().iter().map(|(k, v)| (k.clone(), v.clone())));
    // Target groups learn their load balancers through the listeners.
    let links: Vec<(String, String)> = ctx
        .elb
        .listeners
        .iter()
        .filter_map(|l| l.load_balancer.str().map(|lb| (l, lb.to_string())))
        .flat_map(|(l, lb)| l.target_groups.iter().map(move |tg| (tg.clone(), lb.clone())))
        .collect();
    for (tg, lb) in links {
        if let Some(g) = ctx.elb.target_groups.iter_mut().find(|g| g.arn == tg)
            && !g.load_balancers.contains(&lb)
        {
            g.load_balancers.push(lb);
        }
    }
}

/// Records what a listener's or rule's actions forward to (a forwarder per
/// target group, or an unresolved forward) and returns the target groups.
fn forwards(elb: &mut Elb, actions: Option<&Node<'_>>, at: Loc, logical_id: &str) -> Vec<String> {
    let mut tgs = Vec::new();
    if let Some(actions) = actions
        && !action_target_groups(actions, &mut tgs)
    {
        elb.unresolved_forwards.push(at);
    }
    elb.forwarders.extend(tgs.iter().map(|tg| Forwarder {
        at,
        logical_id: logical_id.to_string(),
        target_group: tg.clone(),
    }));
    tgs
}

/// The target groups actions forward to, into `out`; false when some
/// action's target group is not determined by the template.
fn action_target_groups(actions: &Node<'_>, out: &mut Vec<String>) -> bool {
    let Kind::Arr(items) = &actions.kind else { return false };
    let mut resolved = true;
    for a in items {
        if !matches!(a.kind, Kind::Obj(_)) {
            resolved = false;
            continue;
        }
        let mut arns: Vec<&Node<'_>> = a.get("TargetGroupArn").into_iter().collect();
        match a.get("ForwardConfig").map(|f| (&f.kind, f.get("TargetGroups"))) {
            None | Some((Kind::Obj(_), None)) => {}
            Some((Kind::Obj(_), Some(Node { kind: Kind::Arr(groups), .. }))) => {
                for g in groups {
                    match (&g.kind, g.get("TargetGroupArn")) {
                        (Kind::Obj(_), Some(arn)) => arns.push(arn),
                        (Kind::Obj(_), None) => {}
                        _ => resolved = false,
                    }
                }
            }
            _ => resolved = false,
        }
        for arn in arns {
            match arn.as_str() {
                Some(tg) => out.push(tg.to_string()),
                None => resolved = false,
            }
        }
    }
    resolved
}

fn sg_rule(r: &mut Reader, o: &Obj<'_, '_>, egress: bool) -> SgRule {
    let (sg_key, pl_key) = if egress {
        ("destinationSecurityGroupId", "destinationPrefixListId")
    } else {
        ("sourceSecurityGroupId", "sourcePrefixListId")
    };
    let peer = if let Some(c) = r.string(o, "cidrIp").get() {
        SgPeer::Cidr(c.clone())
    } else if let Some(c) = r.string(o, "cidrIpv6").get() {
        SgPeer::Cidr(c.clone())
    } else if let Some(g) = r.shaped(o, sg_key).get() {
        SgPeer::SecurityGroup(g.clone())
    } else if let Some(p) = r.shaped(o, pl_key).get() {
        SgPeer::PrefixList(p.clone())
    } else {
        SgPeer::Unknown
    };
    SgRule {
        at: o.at,
        protocol: r.string(o, "ipProtocol"),
        from_port: r.int(o, "fromPort"),
        to_port: r.int(o, "toPort"),
        peer,
    }
}
