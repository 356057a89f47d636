//! ECS801 load-balancer-container-mismatch: a service's `loadBalancers[]`
//! entry must name a container of its task definition and one of that
//! container's port mappings.

use crate::model::{Container, Launcher, PortMapping, Val};
use crate::rules::{Ctx, Sink};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    for (si, s) in cx.inv.services.iter().enumerate() {
        let l = Launcher::Service(si);
        let Some(td) = cx.inv.td_of(l) else { continue };
        let Some(containers) = td.containers.get() else { continue };
        for lb in s.load_balancers.items() {
            let Some(name) = lb.container_name.str() else { continue };
            let Some(c) = td.container(name) else {
                // An unnamed or placeholder-named container could be it.
                if containers.iter().any(|c| c.name.get().is_none()) {
                    continue;
                }
                let f = out.report(
                    lb.container_name.at,
                    cx.launcher_resource(l),
                    format!(
                        "Load balancer `containerName` `{name}` is not a container of task definition `{}`",
                        td.display_name()
                    ),
                );
                f.evidence(format!("containers: {}", names(containers)));
                match containers_with_ports(containers).as_slice() {
                    [] => f.fix(
                        "Set `containerName` to the container that serves the traffic, and give it a port mapping",
                    ),
                    [(c, ports)] => f.fix(format!("Set `\"containerName\": \"{c}\"` ({ports})")),
                    many => {
                        let list: Vec<String> = many.iter().map(|(c, p)| format!("`{c}` ({p})")).collect();
                        f.fix(format!(
                            "Set `containerName` to the container that serves the traffic: {}",
                            list.join(", ")
                        ))
                    }
                };
                continue;
            };
            let Some(&port) = lb.container_port.get() else { continue };
            let mappings: &[PortMapping] = match &c.port_mappings.val {
                Val::Known(v) => v,
                Val::Absent | Val::Null => &[],
                Val::Unknown(_) => continue,
            };
            match port_match(mappings, port) {
                Some(true) | None => continue,
                Some(false) => {}
            }
            let f = out.report(
                lb.container_port.at,
                cx.launcher_resource(l),
                format!("Container `{name}` has no port mapping for load balancer `containerPort` {port}"),
            );
            match ports(c) {
                Some(p) => {
                    f.evidence(format!("container `{name}` maps {p}"));
                    f.fix(format!("Set `containerPort` to a port the container maps ({p}), or add a port mapping for {port} to `{name}`"));
                }
                None => {
                    f.evidence(format!("container `{name}` has no `portMappings`"));
                    f.fix(format!("Add `\"portMappings\": [{{\"containerPort\": {port}}}]` to container `{name}`"));
                }
            }
        }
    }
}

/// Whether a mapping covers `port`; `None` when an unknown mapping could.
fn port_match(mappings: &[PortMapping], port: i64) -> Option<bool> {
    let mut unsure = false;
    for m in mappings {
        match m.container_port.val {
            Val::Known(p) if p == port => return Some(true),
            Val::Unknown(_) => unsure = true,
            _ => {}
        }
        match (&m.container_port_range.val, m.container_port_range.str().and_then(parse_range)) {
            (_, Some((a, b))) if (a..=b).contains(&port) => return Some(true),
            (Val::Known(_), None) | (Val::Unknown(_), _) => unsure = true,
            _ => {}
        }
    }
    if unsure { None } else { Some(false) }
}

fn parse_range(s: &str) -> Option<(i64, i64)> {
    let (a, b) = s.split_once('-')?;
    Some((a.trim().parse().ok()?, b.trim().parse().ok()?))
}

/// The container's ports in words (`port 80`, `ports 80, 8000-8100`), or
/// `None` without any.
fn ports(c: &Container) -> Option<String> {
    let p: Vec<String> = c
        .port_mappings
        .items()
        .iter()
        .filter_map(|m| {
            m.container_port.get().map(|p| p.to_string()).or_else(|| m.container_port_range.str().map(str::to_string))
        })
        .collect();
    match p.as_slice() {
        [] => None,
        [one] if !one.contains('-') => Some(format!("port {one}")),
        _ => Some(format!("ports {}", p.join(", "))),
    }
}

fn containers_with_ports(containers: &[Container]) -> Vec<(&str, String)> {
    containers.iter().filter_map(|c| Some((c.name.str()?, ports(c)?))).collect()
}

fn names(containers: &[Container]) -> String {
    containers.iter().map(|c| format!("`{}`", c.display_name())).collect::<Vec<_>>().join(", ")
}
