//! Small hand-built networks: one VPC `vpc-1` (10.0.0.0/16) with its main
//! route table and default ACL, and whatever each case adds.

use super::*;
use crate::model::Unknown as U;
use crate::model::context::{
    InternetGateway, NatGateway, Network, Route, SecurityGroup, SgPeer, SgRule, Subnet, Vpc, VpcEndpoint,
};
use crate::source::FileId;

fn at() -> Loc {
    Loc { file: FileId(0), off: 0 }
}
fn k<T>(v: T) -> F<T> {
    F::known(v, at())
}
fn absent<T>() -> F<T> {
    F::absent(at())
}
fn unresolved<T>() -> F<T> {
    F::unknown(U::Unresolved, at())
}
fn ids(v: &[&str]) -> F<Vec<F<String>>> {
    k(v.iter().map(|s| k(s.to_string())).collect())
}

struct B {
    n: Network,
    names: BTreeMap<String, String>,
}

impl B {
    fn new() -> B {
        let mut n = Network { coverage: Coverage::Template, ..Default::default() };
        n.vpcs.push(Vpc {
            id: "vpc-1".into(),
            at: at(),
            cidr: k("10.0.0.0/16".into()),
            dns_support: k(true),
            dns_hostnames: k(true),
        });
        n.route_tables.push(RouteTable {
            id: "vpc-1/main".into(),
            at: at(),
            vpc: k("vpc-1".into()),
            main: true,
            routes: vec![],
            subnets: vec![],
        });
        n.network_acls.push(NetworkAcl {
            id: "vpc-1/default".into(),
            at: at(),
            vpc: k("vpc-1".into()),
            default: true,
            entries: vec![],
            subnets: vec![],
        });
        let mut b = B { n, names: BTreeMap::new() };
        b.names.insert("vpc-1".into(), "Vpc".into());
        b
    }

    fn subnet(mut self, id: &str, cidr: &str) -> B {
        self.n.subnets.push(Subnet {
            id: id.into(),
            at: at(),
            vpc: k("vpc-1".into()),
            availability_zone: absent(),
            cidr: k(cidr.into()),
            map_public_ip_on_launch: absent(),
            available_ips: absent(),
        });
        self
    }

    fn table(mut self, id: &str, subnets: &[&str], routes: Vec<(&str, RouteTarget)>) -> B {
        self.n.route_tables.push(RouteTable {
            id: id.into(),
            at: at(),
            vpc: k("vpc-1".into()),
            main: false,
            routes: routes.into_iter().map(|(d, t)| Route { at: at(), destination: k(d.into()), target: t }).collect(),
            subnets: subnets.iter().map(|s| s.to_string()).collect(),
        });
        self
    }

    fn igw(mut self, id: &str) -> B {
        self.n.internet_gateways.push(InternetGateway { id: id.into(), at: at(), vpc: k("vpc-1".into()) });
        self
    }

    fn nat(mut self, id: &str, subnet: &str, private: bool) -> B {
        let connectivity = if private { k("private".to_string()) } else { absent() };
        self.n.nat_gateways.push(NatGateway { id: id.into(), at: at(), subnet: k(subnet.into()), connectivity });
        self
    }

    fn sg(mut self, id: &str, ingress: Vec<SgRule>, egress: Option<Vec<SgRule>>) -> B {
        self.n.security_groups.push(SecurityGroup {
            id: id.into(),
            at: at(),
            vpc: k("vpc-1".into()),
            ingress: k(ingress),
            egress: egress.map_or_else(absent, k),
        });
        self
    }

    fn interface(mut self, id: &str, svc: &str, subnets: &[&str], sgs: &[&str], private_dns: F<bool>) -> B {
        self.n.endpoints.push(VpcEndpoint {
            id: id.into(),
            at: at(),
            vpc: k("vpc-1".into()),
            service: k(format!("com.amazonaws.us-east-1.{svc}")),
            kind: k(EndpointKind::Interface),
            subnets: ids(subnets),
            security_groups: if sgs.is_empty() { absent() } else { ids(sgs) },
            private_dns,
            route_tables: absent(),
            policy: None,
        });
        self
    }

    fn s3_gateway(mut self, id: &str, tables: &[&str]) -> B {
        self.n.endpoints.push(VpcEndpoint {
            id: id.into(),
            at: at(),
            vpc: k("vpc-1".into()),
            service: k("com.amazonaws.us-east-1.s3".into()),
            kind: k(EndpointKind::Gateway),
            subnets: absent(),
            security_groups: absent(),
            private_dns: absent(),
            route_tables: ids(tables),
            policy: None,
        });
        self
    }

    fn acl(mut self, id: &str, subnets: &[&str], entries: Vec<NaclEntry>) -> B {
        self.n.network_acls.push(NetworkAcl {
            id: id.into(),
            at: at(),
            vpc: k("vpc-1".into()),
            default: false,
            entries,
            subnets: subnets.iter().map(|s| s.to_string()).collect(),
        });
        self
    }

    fn net(&self) -> Net<'_> {
        Net { n: &self.n, names: &self.names }
    }

    /// Verdicts for `needs` from `subnet`, finalized as `analyze` does.
    fn run(&self, subnet: &str, groups: Groups<'_>, ip: PublicIp, fargate: bool, needs: &[Need]) -> Vec<Verdict> {
        let net = self.net();
        let eni = Eni {
            subnet: self.n.subnet(subnet).expect("subnet"),
            groups: &groups,
            public_ip: &ip,
            fargate,
            windows: false,
        };
        let mut v: Vec<Verdict> = needs.iter().map(|n| net.reach(&eni, n)).collect();
        net.finalize(&eni, needs, &mut v);
        v
    }

    fn one(&self, subnet: &str, groups: Groups<'_>, ip: PublicIp, svc: Svc) -> Verdict {
        self.run(subnet, groups, ip, true, &[need(svc)]).remove(0)
    }
}

fn need(svc: Svc) -> Need {
    let registry = (svc == Svc::Internet).then(|| "Docker Hub".to_string());
    Need { svc, region: None, registry, why: vec![], undecidable: None }
}

fn rule(proto: &str, from: i64, to: i64, peer: SgPeer) -> SgRule {
    SgRule { at: at(), protocol: k(proto.into()), from_port: k(from), to_port: k(to), peer }
}

fn cidr(c: &str) -> SgPeer {
    SgPeer::Cidr(c.into())
}

fn entry(n: i64, egress: bool, proto: &str, allow: bool, cidr: &str, ports: Option<(i64, i64)>) -> NaclEntry {
    NaclEntry {
        at: at(),
        rule_number: k(n),
        egress,
        protocol: k(proto.into()),
        allow: k(allow),
        cidr: k(cidr.into()),
        from_port: ports.map_or_else(absent, |p| k(p.0)),
        to_port: ports.map_or_else(absent, |p| k(p.1)),
    }
}

fn no_ip() -> PublicIp {
    PublicIp::No("`assignPublicIp` is `DISABLED`".into())
}

fn sgs<'a>(v: &[&'a str]) -> Groups<'a> {
    Groups::Listed(v.iter().map(|s| Some(*s)).collect())
}

/// A public subnet (`pub`, 10.0.0.0/24) routing to an internet gateway.
fn public() -> B {
    B::new().subnet("pub", "10.0.0.0/24").igw("igw-1").table(
        "rtb-pub",
        &["pub"],
        vec![("0.0.0.0/0", RouteTarget::InternetGateway("igw-1".into()))],
    )
}

/// `public()` plus a private subnet (`priv`, 10.0.1.0/24) routing to a NAT
/// gateway in `pub`.
fn with_nat() -> B {
    public().subnet("priv", "10.0.1.0/24").nat("nat-1", "pub", false).table(
        "rtb-priv",
        &["priv"],
        vec![("0.0.0.0/0", RouteTarget::NatGateway("nat-1".into()))],
    )
}

/// An isolated subnet (`iso`, 10.0.2.0/24) with its own route table and no
/// default route.
fn isolated() -> B {
    B::new().subnet("iso", "10.0.2.0/24").table("rtb-iso", &["iso"], vec![])
}

fn blocked(v: &Verdict) -> Option<Cause> {
    match v.state {
        State::Blocked(c) => Some(c),
        _ => None,
    }
}

fn has(v: &Verdict, text: &str) -> bool {
    v.evidence.iter().any(|e| e.contains(text))
}

// ------------------------------------------------------------- reachable

#[test]
fn nat_gateway_reaches_everything() {
    let b = with_nat();
    for svc in [Svc::EcrApi, Svc::S3, Svc::Logs, Svc::Internet] {
        let v = b.one("priv", Groups::VpcDefault, no_ip(), svc);
        assert_eq!(v.state, State::Reachable, "{svc:?}: {:?}", v.evidence);
        assert_eq!(v.via, Via::Nat("nat-1".into()));
        assert!(
            has(
                &v,
                "`rtb-priv` sends `0.0.0.0/0` to NAT gateway `nat-1`; the NAT gateway's subnet `pub` uses route table `rtb-pub`, which sends `0.0.0.0/0` to internet gateway `igw-1`"
            ),
            "{:?}",
            v.evidence
        );
    }
}

#[test]
fn public_subnet_with_public_ip_reaches_the_internet() {
    let v = public().one("pub", Groups::VpcDefault, PublicIp::Yes, Svc::Internet);
    assert_eq!(v.state, State::Reachable);
    assert_eq!(v.via, Via::InternetGateway("igw-1".into()));
}

#[test]
fn interface_endpoints_and_s3_gateway_serve_an_isolated_subnet() {
    let b = isolated()
        .sg("sg-task", vec![], None)
        .sg("sg-ep", vec![rule("tcp", 443, 443, SgPeer::SecurityGroup("sg-task".into()))], None)
        .interface("vpce-api", "ecr.api", &["iso"], &["sg-ep"], k(true))
        .interface("vpce-dkr", "ecr.dkr", &["iso"], &["sg-ep"], k(true))
        .s3_gateway("vpce-s3", &["rtb-iso"]);
    let needs = [need(Svc::EcrApi), need(Svc::EcrDkr), need(Svc::S3)];
    let v = b.run("iso", sgs(&["sg-task"]), no_ip(), true, &needs);
    assert!(v.iter().all(|v| v.state == State::Reachable), "{v:?}");
    assert_eq!(v[0].via, Via::InterfaceEndpoint("vpce-api".into()));
    assert_eq!(v[2].via, Via::GatewayEndpoint("vpce-s3".into()));
    assert!(has(
        &v[0],
        "security group `sg-ep` of endpoint `vpce-api` allows ingress TCP 443 from security group `sg-task`"
    ));
}

#[test]
fn an_endpoint_in_another_subnet_of_the_vpc_serves_the_task() {
    // The Regional name resolves to the endpoint's interfaces wherever they
    // are; the local route reaches them from any subnet.
    let b = isolated()
        .subnet("other", "10.0.9.0/24")
        .sg("sg-ep", vec![rule("tcp", 443, 443, cidr("10.0.0.0/16"))], None)
        .interface("vpce-logs", "logs", &["other"], &["sg-ep"], k(true));
    let v = b.one("iso", Groups::VpcDefault, no_ip(), Svc::Logs);
    assert_eq!(v.state, State::Reachable, "{:?}", v.evidence);
}

#[test]
fn a_group_without_egress_rules_keeps_the_default_allow_all() {
    let b = with_nat().sg("sg-task", vec![], None).sg("sg-empty", vec![], Some(vec![]));
    for g in ["sg-task", "sg-empty"] {
        let v = b.one("priv", sgs(&[g]), no_ip(), Svc::Logs);
        assert_eq!(v.state, State::Reachable, "{g}");
    }
}

#[test]
fn egress_to_the_endpoint_security_group_is_enough() {
    let b = isolated()
        .sg("sg-task", vec![], Some(vec![rule("tcp", 443, 443, SgPeer::SecurityGroup("sg-ep".into()))]))
        .sg("sg-ep", vec![rule("tcp", 443, 443, SgPeer::SecurityGroup("sg-task".into()))], None)
        .interface("vpce-sm", "secretsmanager", &["iso"], &["sg-ep"], k(true));
    let v = b.one("iso", sgs(&["sg-task"]), no_ip(), Svc::SecretsManager);
    assert_eq!(v.state, State::Reachable, "{:?}", v.evidence);
}

#[test]
fn network_acls_in_rule_order() {
    let allow_all_out = entry(100, true, "-1", true, "0.0.0.0/0", None);
    let ephemeral = entry(100, false, "6", true, "0.0.0.0/0", Some((1024, 65535)));
    let b = with_nat().acl("acl-1", &["priv"], vec![allow_all_out, ephemeral]);
    let v = b.one("priv", Groups::VpcDefault, no_ip(), Svc::EcrApi);
    assert_eq!(v.state, State::Reachable, "{:?}", v.evidence);
    assert!(has(&v, "network ACL `acl-1` inbound rule 100 allows TCP 1024-65535 from `0.0.0.0/0`"));

    // An allow numbered before a deny wins.
    let b = with_nat().acl(
        "acl-1",
        &["priv"],
        vec![
            entry(200, true, "6", false, "0.0.0.0/0", Some((443, 443))),
            entry(100, true, "6", true, "0.0.0.0/0", Some((443, 443))),
            entry(100, false, "-1", true, "0.0.0.0/0", None),
        ],
    );
    assert_eq!(b.one("priv", Groups::VpcDefault, no_ip(), Svc::EcrApi).state, State::Reachable);
}

#[test]
fn traffic_inside_one_subnet_skips_its_network_acl() {
    let b = isolated()
        .acl("acl-deny", &["iso"], vec![])
        .sg("sg-ep", vec![rule("-1", 0, 0, cidr("10.0.0.0/16"))], None)
        .interface("vpce-logs", "logs", &["iso"], &["sg-ep"], k(true));
    assert_eq!(b.one("iso", Groups::VpcDefault, no_ip(), Svc::Logs).state, State::Reachable);
}

#[test]
fn private_dns_off_does_not_matter_with_a_nat_gateway() {
    let b = with_nat().sg("sg-ep", vec![], None).interface("vpce-logs", "logs", &["priv"], &["sg-ep"], absent());
    let v = b.one("priv", Groups::VpcDefault, no_ip(), Svc::Logs);
    assert_eq!(v.state, State::Reachable);
    assert_eq!(v.via, Via::Nat("nat-1".into()));
}

#[test]
fn an_endpoint_of_another_region_does_not_serve() {
    let b = isolated().sg("sg-ep", vec![rule("tcp", 443, 443, cidr("10.0.0.0/16"))], None).interface(
        "vpce-logs",
        "logs",
        &["iso"],
        &["sg-ep"],
        k(true),
    );
    let mut n = need(Svc::Logs);
    n.region = Some("eu-west-1".into());
    let v = b.run("iso", Groups::VpcDefault, no_ip(), true, &[n]).remove(0);
    assert_eq!(blocked(&v), Some(Cause::NoPath), "{:?}", v.evidence);
    assert!(has(&v, "VPC `Vpc` has no interface endpoint `com.amazonaws.eu-west-1.logs`"), "{:?}", v.evidence);
}

// --------------------------------------------------------------- blocked

#[test]
fn ecs301_public_subnet_without_public_ip() {
    let v = public().one("pub", Groups::VpcDefault, no_ip(), Svc::EcrApi);
    assert_eq!(blocked(&v), Some(Cause::PublicIpOff));
    assert!(has(&v, "`rtb-pub` sends `0.0.0.0/0` to internet gateway `igw-1`"));
    assert!(has(&v, "`assignPublicIp` is `DISABLED`"));
}

#[test]
fn ec2_tasks_in_a_public_subnet_have_no_path() {
    let ip = PublicIp::No("tasks on EC2 in `awsvpc` mode never get a public IP".into());
    let v = public().run("pub", Groups::VpcDefault, ip, false, &[need(Svc::SsmMessages)]).remove(0);
    assert_eq!(blocked(&v), Some(Cause::NoPath));
}

#[test]
fn ecs302_no_route_no_endpoint() {
    let v = isolated().one("iso", Groups::VpcDefault, no_ip(), Svc::Logs);
    assert_eq!(blocked(&v), Some(Cause::NoPath));
    assert!(has(&v, "route table `rtb-iso` has no `0.0.0.0/0` route"));
    assert!(has(&v, "VPC `Vpc` has no interface endpoint `com.amazonaws.<region>.logs`"));
    // The main table: only the local route.
    let b = B::new().subnet("lonely", "10.0.3.0/24");
    let v = b.one("lonely", Groups::VpcDefault, no_ip(), Svc::Internet);
    assert_eq!(blocked(&v), Some(Cause::NoPath));
    assert!(has(&v, "the main route table of VPC `Vpc`, which has only the local route"), "{:?}", v.evidence);
}

#[test]
fn ecs302_private_nat_and_nat_without_internet_gateway() {
    let b = with_nat();
    let mut b2 = B::new()
        .subnet("priv", "10.0.1.0/24")
        .subnet("natnet", "10.0.5.0/24")
        .nat("nat-2", "natnet", true)
        .table("rtb-priv", &["priv"], vec![("0.0.0.0/0", RouteTarget::NatGateway("nat-2".into()))]);
    let v = b2.one("priv", Groups::VpcDefault, no_ip(), Svc::EcrApi);
    assert_eq!(blocked(&v), Some(Cause::NoPath));
    assert!(has(&v, "NAT gateway `nat-2` is private"));
    b2.n.nat_gateways[0].connectivity = absent();
    let v = b2.one("priv", Groups::VpcDefault, no_ip(), Svc::EcrApi);
    assert_eq!(blocked(&v), Some(Cause::NoPath));
    assert!(
        has(
            &v,
            "NAT gateway `nat-2` is in subnet `natnet`, which uses the main route table of VPC `Vpc`: it has no `0.0.0.0/0` route to an internet gateway"
        ),
        "{:?}",
        v.evidence
    );
    drop(b);
}

#[test]
fn ecs303_endpoints_but_no_s3_gateway() {
    let b = isolated()
        .sg("sg-ep", vec![rule("tcp", 443, 443, cidr("10.0.0.0/16"))], None)
        .interface("vpce-api", "ecr.api", &["iso"], &["sg-ep"], k(true))
        .interface("vpce-dkr", "ecr.dkr", &["iso"], &["sg-ep"], k(true))
        .s3_gateway("vpce-s3", &["rtb-other"]);
    let needs = [need(Svc::EcrApi), need(Svc::EcrDkr), need(Svc::S3), need(Svc::Logs), need(Svc::Internet)];
    let v = b.run("iso", Groups::VpcDefault, no_ip(), true, &needs);
    assert_eq!(v[0].state, State::Reachable);
    assert_eq!(blocked(&v[2]), Some(Cause::EndpointMissing));
    assert!(
        has(&v[2], "gateway endpoint `vpce-s3` is not associated with route table `rtb-iso`"),
        "{:?}",
        v[2].evidence
    );
    assert!(has(&v[2], "the tasks reach `ecr.api` and `ecr.dkr` through VPC endpoints"));
    assert_eq!(blocked(&v[3]), Some(Cause::EndpointMissing));
    // No endpoint serves a public registry: that is a missing path.
    assert_eq!(blocked(&v[4]), Some(Cause::NoPath));
}

#[test]
fn ecs304_task_security_group_blocks_egress() {
    let b = with_nat().sg("sg-task", vec![], Some(vec![rule("tcp", 5432, 5432, cidr("10.0.0.0/16"))]));
    let v = b.one("priv", sgs(&["sg-task"]), no_ip(), Svc::EcrApi);
    assert_eq!(blocked(&v), Some(Cause::TaskSecurityGroup));
    assert_eq!(v.evidence[0], "security group `sg-task` allows egress only TCP 5432 to `10.0.0.0/16`");
    // Egress limited to the VPC does not reach an endpoint outside it, nor
    // does egress to the VPC reach the internet.
    let b = isolated()
        .sg("sg-task", vec![], Some(vec![rule("tcp", 443, 443, cidr("192.168.0.0/16"))]))
        .sg("sg-ep", vec![rule("tcp", 443, 443, cidr("10.0.0.0/16"))], None)
        .interface("vpce-logs", "logs", &["iso"], &["sg-ep"], k(true));
    let v = b.one("iso", sgs(&["sg-task"]), no_ip(), Svc::Logs);
    assert_eq!(blocked(&v), Some(Cause::TaskSecurityGroup), "{:?}", v.evidence);
}

#[test]
fn ecs305_endpoint_security_group_blocks() {
    let b = isolated()
        .sg("sg-task", vec![], None)
        .sg("sg-ep", vec![rule("tcp", 443, 443, SgPeer::SecurityGroup("sg-other".into()))], None)
        .interface("vpce-logs", "logs", &["iso"], &["sg-ep"], k(true));
    let v = b.one("iso", sgs(&["sg-task"]), no_ip(), Svc::Logs);
    assert_eq!(blocked(&v), Some(Cause::EndpointSecurityGroup));
    assert!(v.evidence[0].contains("allows ingress only TCP 443 from security group `sg-other`"), "{:?}", v.evidence);
    // No ingress rules at all.
    let b = isolated().sg("sg-ep", vec![], None).interface("vpce-logs", "logs", &["iso"], &["sg-ep"], k(true));
    let v = b.one("iso", Groups::VpcDefault, no_ip(), Svc::Logs);
    assert_eq!(blocked(&v), Some(Cause::EndpointSecurityGroup));
}

#[test]
fn ecs306_private_dns_off() {
    let b = isolated().sg("sg-ep", vec![rule("tcp", 443, 443, cidr("10.0.0.0/16"))], None).interface(
        "vpce-logs",
        "logs",
        &["iso"],
        &["sg-ep"],
        absent(),
    );
    let v = b.one("iso", Groups::VpcDefault, no_ip(), Svc::Logs);
    assert_eq!(blocked(&v), Some(Cause::PrivateDnsOff));
    assert!(has(&v, "CloudFormation's default is false"));
    // The VPC's DNS hostnames off.
    let mut b = isolated().sg("sg-ep", vec![rule("tcp", 443, 443, cidr("10.0.0.0/16"))], None).interface(
        "vpce-logs",
        "logs",
        &["iso"],
        &["sg-ep"],
        k(true),
    );
    b.n.vpcs[0].dns_hostnames = absent();
    let v = b.one("iso", Groups::VpcDefault, no_ip(), Svc::Logs);
    assert_eq!(blocked(&v), Some(Cause::PrivateDnsOff));
    assert!(has(&v, "`EnableDnsHostnames` off (its default is false)"));
    b.n.vpcs[0].dns_hostnames = k(true);
    b.n.vpcs[0].dns_support = k(false);
    assert_eq!(blocked(&b.one("iso", Groups::VpcDefault, no_ip(), Svc::Logs)), Some(Cause::PrivateDnsOff));
}

#[test]
fn ecs307_network_acl_blocks() {
    // Outbound 443 denied before it is allowed.
    let b = with_nat().acl(
        "acl-1",
        &["priv"],
        vec![
            entry(90, true, "6", false, "0.0.0.0/0", Some((443, 443))),
            entry(100, true, "-1", true, "0.0.0.0/0", None),
            entry(100, false, "-1", true, "0.0.0.0/0", None),
        ],
    );
    let v = b.one("priv", Groups::VpcDefault, no_ip(), Svc::EcrApi);
    assert_eq!(blocked(&v), Some(Cause::Nacl));
    assert_eq!(
        v.evidence[0],
        "network ACL `acl-1` outbound rule 90 denies TCP 443 to `0.0.0.0/0`, which covers HTTPS to the internet"
    );
    // Return ports only partly open: Linux uses 32768-60999.
    let b = with_nat().acl(
        "acl-1",
        &["priv"],
        vec![
            entry(100, true, "-1", true, "0.0.0.0/0", None),
            entry(100, false, "6", true, "0.0.0.0/0", Some((49152, 65535))),
        ],
    );
    let v = b.one("priv", Groups::VpcDefault, no_ip(), Svc::EcrApi);
    assert_eq!(blocked(&v), Some(Cause::Nacl));
    assert!(v.evidence[0].contains("(port 32768-49151): the final `*` rule denies it"), "{:?}", v.evidence);
    // A custom ACL with no entries denies everything.
    let v = with_nat().acl("acl-1", &["priv"], vec![]).one("priv", Groups::VpcDefault, no_ip(), Svc::EcrApi);
    assert_eq!(blocked(&v), Some(Cause::Nacl));
    // The endpoint's subnet ACL drops the request.
    let b = isolated()
        .subnet("epnet", "10.0.8.0/24")
        .acl("acl-ep", &["epnet"], vec![entry(100, true, "-1", true, "0.0.0.0/0", None)])
        .sg("sg-ep", vec![rule("tcp", 443, 443, cidr("10.0.0.0/16"))], None)
        .interface("vpce-logs", "logs", &["epnet"], &["sg-ep"], k(true));
    let v = b.one("iso", Groups::VpcDefault, no_ip(), Svc::Logs);
    assert_eq!(blocked(&v), Some(Cause::Nacl));
    assert!(
        v.evidence[0].starts_with("no inbound rule of network ACL `acl-ep` allows HTTPS from the task's subnet"),
        "{:?}",
        v.evidence
    );
}

// --------------------------------------------------------------- unknown

fn assert_unknown(v: &Verdict, text: &str) {
    assert_eq!(v.state, State::Unknown, "{:?}", v.evidence);
    assert!(has(v, text), "{:?} lacks {text:?}", v.evidence);
}

#[test]
fn transit_gateway_peering_and_firewalls_are_unknown() {
    for (target, words) in [
        ("tgw-1", "transit gateway `tgw-1`"),
        ("pcx-1", "VPC peering connection `pcx-1`"),
        ("vpce-fw", "endpoint (a firewall or Gateway Load Balancer) `vpce-fw`"),
    ] {
        let b = B::new().subnet("s", "10.0.1.0/24").table(
            "rtb",
            &["s"],
            vec![("0.0.0.0/0", RouteTarget::Other(target.into()))],
        );
        assert_unknown(&b.one("s", Groups::VpcDefault, no_ip(), Svc::EcrApi), words);
    }
}

#[test]
fn resources_outside_the_template_are_unknown() {
    // An internet gateway written as a literal id.
    let b = B::new().subnet("s", "10.0.1.0/24").table(
        "rtb",
        &["s"],
        vec![("0.0.0.0/0", RouteTarget::InternetGateway("igw-literal".into()))],
    );
    assert_unknown(&b.one("s", Groups::VpcDefault, PublicIp::Yes, Svc::Logs), "is not declared in the template");
    // A NAT gateway from another stack.
    let b = B::new().subnet("s", "10.0.1.0/24").table(
        "rtb",
        &["s"],
        vec![("0.0.0.0/0", RouteTarget::NatGateway("nat-elsewhere".into()))],
    );
    assert_unknown(&b.one("s", Groups::VpcDefault, no_ip(), Svc::Logs), "NAT gateway `nat-elsewhere` is not declared");
    // A subnet of a VPC the template does not declare, with no association.
    let mut b = B::new();
    b.n.subnets.push(Subnet {
        id: "s".into(),
        at: at(),
        vpc: k("vpc-imported".into()),
        availability_zone: absent(),
        cidr: k("10.1.0.0/24".into()),
        map_public_ip_on_launch: absent(),
        available_ips: absent(),
    });
    assert_unknown(
        &b.one("s", Groups::VpcDefault, no_ip(), Svc::Logs),
        "the route table of subnet `s` is not declared",
    );
    // ... with an association but no way out: endpoints may be elsewhere.
    b.n.route_tables.push(RouteTable {
        id: "rtb".into(),
        at: at(),
        vpc: k("vpc-imported".into()),
        main: false,
        routes: vec![],
        subnets: vec!["s".into()],
    });
    assert_unknown(&b.one("s", Groups::VpcDefault, no_ip(), Svc::Logs), "its endpoints may be declared elsewhere");
    // A task security group from another stack.
    let b = with_nat();
    assert_unknown(
        &b.one("priv", sgs(&["sg-imported"]), no_ip(), Svc::Logs),
        "security group `sg-imported` is not declared",
    );
    // An endpoint without security groups: the VPC default group's rules
    // are not in the template.
    let b = isolated().interface("vpce-logs", "logs", &["iso"], &[], k(true));
    assert_unknown(&b.one("iso", Groups::VpcDefault, no_ip(), Svc::Logs), "names no security groups");
}

#[test]
fn unresolved_values_are_unknown() {
    // Whether the task gets a public IP.
    assert_unknown(&public().one("pub", Groups::VpcDefault, PublicIp::Unknown, Svc::Logs), "public IP is not known");
    // The task's security groups.
    assert_unknown(&with_nat().one("priv", Groups::Unknown, no_ip(), Svc::Logs), "not resolved");
    assert_unknown(&with_nat().one("priv", Groups::Listed(vec![None]), no_ip(), Svc::Logs), "not resolved");
    // An endpoint's private DNS setting.
    let b = isolated().sg("sg-ep", vec![], None).interface("vpce-logs", "logs", &["iso"], &["sg-ep"], unresolved());
    assert_unknown(
        &b.one("iso", Groups::VpcDefault, no_ip(), Svc::Logs),
        "`PrivateDnsEnabled` of endpoint `vpce-logs` is not resolved",
    );
    // An ACL entry's CIDR.
    let mut e = entry(100, true, "-1", true, "0.0.0.0/0", None);
    e.cidr = unresolved();
    let b = with_nat().acl("acl-1", &["priv"], vec![e, entry(100, false, "-1", true, "0.0.0.0/0", None)]);
    assert_unknown(&b.one("priv", Groups::VpcDefault, no_ip(), Svc::Logs), "not resolved");
    // A route to a public CIDR more specific than the default route.
    let b = with_nat().table("rtb-x", &[], vec![]);
    let mut b = b;
    b.n.route_tables.iter_mut().find(|t| t.id == "rtb-priv").unwrap().routes.push(Route {
        at: at(),
        destination: k("52.0.0.0/8".into()),
        target: RouteTarget::Other("tgw-1".into()),
    });
    assert_unknown(&b.one("priv", Groups::VpcDefault, no_ip(), Svc::Logs), "may cover AWS addresses");
    // Egress to a prefix list: which addresses it holds is not known.
    let b =
        with_nat().sg("sg-task", vec![], Some(vec![rule("tcp", 443, 443, SgPeer::PrefixList("pl-63a5400a".into()))]));
    let v = b.one("priv", sgs(&["sg-task"]), no_ip(), Svc::S3);
    assert_eq!(v.state, State::Unknown);
}

#[test]
fn needs_that_cannot_be_decided_stay_unknown() {
    let b = isolated();
    let mut n = need(Svc::Logs);
    n.undecidable = Some("`awslogs-endpoint` is set".into());
    let net = b.net();
    let groups = Groups::VpcDefault;
    let ip = no_ip();
    let eni =
        Eni { subnet: b.n.subnet("iso").unwrap(), groups: &groups, public_ip: &ip, fargate: true, windows: false };
    // `reach` itself does not look at it; `analyze_task` does first.
    assert_eq!(blocked(&net.reach(&eni, &n)), Some(Cause::NoPath));
}

// ------------------------------------------------------------ helpers

#[test]
fn cidrs() {
    let c = |s| Cidr::parse(s).unwrap();
    assert!(c("10.0.0.0/16").contains(c("10.0.1.0/24")));
    assert!(!c("10.0.1.0/24").contains(c("10.0.0.0/16")));
    assert!(c("0.0.0.0/0").contains(c("10.0.0.0/8")));
    assert!(!c("10.0.0.0/24").overlaps(c("10.0.1.0/24")));
    assert!(c("10.0.1.7/16").contains(c("10.0.200.0/24")), "host bits are ignored");
    assert!(c("172.20.0.0/16").is_private());
    assert!(!c("52.0.0.0/8").is_private());
    assert!(Cidr::parse("::/0").is_none());
    assert!(Cidr::parse("10.0.0.0/33").is_none());
    assert_eq!(cidr_match("::/0", &Peer::Public), M::No);
    assert_eq!(cidr_match("0.0.0.0/0", &Peer::Public), M::Yes);
    assert_eq!(cidr_match("10.0.0.0/8", &Peer::Public), M::No);
    assert_eq!(cidr_match("54.0.0.0/8", &Peer::Public), M::Maybe);
    assert_eq!(subtract((32768, 60999), (49152, 65535)), vec![(32768, 49151)]);
    assert_eq!(subtract((443, 443), (0, 65535)), vec![]);
}

// ------------------------------------------------- from a whole template

fn inventory(yaml: &str) -> Inventory {
    let l = crate::model::load::load_file(FileId(0), yaml, true, &Default::default()).unwrap();
    assert!(l.issues.is_empty(), "{:?}", l.issues);
    let mut inv =
        Inventory { task_defs: l.task_defs, services: l.services, run_tasks: l.run_tasks, ..Default::default() };
    inv.context.merge(l.context);
    inv.link();
    inv
}

const TEMPLATE: &str = r#"
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16, EnableDnsHostnames: true}
  Subnet:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24}
  Table:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref Vpc}
  Assoc:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref Subnet, RouteTableId: !Ref Table}
  EcrApi:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: !Sub com.amazonaws.${AWS::Region}.ecr.api
      VpcEndpointType: Interface
      PrivateDnsEnabled: true
      SubnetIds: [!Ref Subnet]
      SecurityGroupIds: [!Ref EndpointSg]
  EndpointSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: endpoints
      VpcId: !Ref Vpc
      SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/16}]
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: job
      RequiresCompatibilities: [FARGATE]
      NetworkMode: awsvpc
      Cpu: 256
      Memory: 512
      ContainerDefinitions:
        - Name: job
          Image: !Sub ${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/job:1
          Secrets:
            - {Name: TOKEN, ValueFrom: /job/token}
          LogConfiguration:
            LogDriver: awslogs
            Options: {awslogs-group: /ecs/job, awslogs-region: !Ref AWS::Region, awslogs-stream-prefix: job}
  Nightly:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: cron(0 3 * * ? *)
      Targets:
        - Id: job
          Arn: arn:aws:ecs:us-east-1:123456789012:cluster/prod
          RoleArn: arn:aws:iam::123456789012:role/events
          EcsParameters:
            TaskDefinitionArn: !Ref Task
            LaunchType: FARGATE
            NetworkConfiguration:
              AwsVpcConfiguration: {Subnets: [!Ref Subnet]}
"#;

#[test]
fn a_schedule_target_is_joined_and_decided() {
    let inv = inventory(TEMPLATE);
    let all = analyze(&inv);
    assert_eq!(all.len(), 1);
    let t = &all[0];
    assert_eq!(t.task.runner, Runner::Target { rule: 0, target: 0 });
    assert!(t.task.td.is_some(), "joined to the template's task definition");
    let names: Vec<&str> = t.needs.iter().map(|n| n.svc.name()).collect();
    assert_eq!(names, ["ecr.api", "ecr.dkr", "s3", "ssm", "logs"]);
    assert!(t.needs_complete);
    let s = &t.subnets[0];
    assert!(s.found);
    let state = |svc: Svc| &s.verdicts[t.needs.iter().position(|n| n.svc == svc).unwrap()];
    assert_eq!(state(Svc::EcrApi).state, State::Reachable);
    assert_eq!(state(Svc::EcrDkr).state, State::Blocked(Cause::EndpointMissing));
    // Logical ids name the resources.
    assert!(
        has(state(Svc::EcrDkr), "VPC `Vpc` has no interface endpoint `com.amazonaws.us-east-1.ecr.dkr`"),
        "{:?}",
        state(Svc::EcrDkr).evidence
    );
    assert!(has(state(Svc::EcrDkr), "route table `Table` has no `0.0.0.0/0` route"));
    assert!(t.any_blocked());
    assert!(!t.all_reachable());
}

#[test]
fn without_network_context_nothing_is_analyzed() {
    let mut inv = inventory(TEMPLATE);
    inv.context.network.coverage = Coverage::NotLoaded;
    assert!(analyze(&inv).is_empty());
}

#[test]
fn ec2_and_old_fargate_agent_traffic_is_unknown() {
    let ec2 = TEMPLATE
        .replace("LaunchType: FARGATE", "LaunchType: EC2")
        .replace("RequiresCompatibilities: [FARGATE]", "RequiresCompatibilities: [EC2]");
    let inv = inventory(&ec2);
    let t = &analyze(&inv)[0];
    assert!(t.subnets[0].verdicts.iter().all(|v| v.state == State::Unknown));
    assert!(!t.any_blocked());
    let old = TEMPLATE.replace("LaunchType: FARGATE", "LaunchType: FARGATE\n            PlatformVersion: 1.3.0");
    let inv = inventory(&old);
    let t = &analyze(&inv)[0];
    assert!(t.subnets[0].verdicts.iter().all(|v| v.state == State::Unknown), "{:?}", t.subnets[0].verdicts);
}

#[test]
fn needs_from_a_task_definition() {
    let yaml = r#"
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: mixed
      RequiresCompatibilities: [FARGATE]
      NetworkMode: awsvpc
      Cpu: 256
      Memory: 512
      ContainerDefinitions:
        - Name: app
          Image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1
          RepositoryCredentials: {CredentialsParameter: dockerhub-creds}
          EnvironmentFiles: [{Type: s3, Value: arn:aws:s3:::config-bucket/app.env}]
          Secrets:
            - {Name: A, ValueFrom: /app/a}
            - {Name: B, ValueFrom: 'arn:aws:ssm:eu-west-1:123456789012:parameter/app/b'}
          LogConfiguration:
            LogDriver: awslogs
            Options: {awslogs-group: /ecs/app, awslogs-region: eu-west-1, awslogs-endpoint: 'https://vpce-1.logs.eu-west-1.vpce.amazonaws.com', awslogs-stream-prefix: app}
        - Name: proxy
          Image: nginx:1.27
        - Name: agent
          Image: ghcr.io/example/agent:3
        - Name: hub
          Image: docker.io/library/redis:7
"#;
    let inv = inventory(yaml);
    let task = Task {
        runner: Runner::Launcher(Launcher::Service(0)),
        launch: &dummy_launch(),
        td: Some(&inv.task_defs[0]),
        platform: Platform::Fargate("test"),
        partial: false,
    };
    let n = needs_of(&task);
    assert!(n.complete);
    let got: Vec<(String, Option<&str>, Option<&str>)> =
        n.needs.iter().map(|x| (x.svc.name().to_string(), x.region.as_deref(), x.registry.as_deref())).collect();
    assert_eq!(
        got,
        [
            ("ecr.api".into(), Some("eu-west-1"), None),
            ("ecr.dkr".into(), Some("eu-west-1"), None),
            ("s3".into(), None, None),
            ("s3".into(), Some("eu-west-1"), None),
            ("secretsmanager".into(), None, None),
            ("ssm".into(), None, None),
            ("ssm".into(), Some("eu-west-1"), None),
            ("logs".into(), Some("eu-west-1"), None),
            ("internet".into(), None, Some("Docker Hub")),
            ("internet".into(), None, Some("ghcr.io")),
        ]
    );
    let logs = n.needs.iter().find(|x| x.svc == Svc::Logs).unwrap();
    assert!(logs.undecidable.as_deref().unwrap().contains("awslogs-endpoint"));
    let hub = n.needs.iter().find(|x| x.registry.as_deref() == Some("Docker Hub")).unwrap();
    assert_eq!(hub.why.len(), 2, "nginx and redis both come from Docker Hub");
}

fn dummy_launch() -> Launch {
    Launch {
        cluster: absent(),
        task_definition: absent(),
        launch_type: absent(),
        capacity_providers: absent(),
        platform_version: absent(),
        network: absent(),
        enable_execute_command: absent(),
        placement_constraints: absent(),
    }
}
