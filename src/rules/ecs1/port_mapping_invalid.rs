//! ECS117 port-mapping-invalid: a port mapping ECS rejects — a protocol
//! other than those in `rules/data/limits.toml` (`http` and friends belong
//! in `appProtocol`), a port or port range outside 1–65535, no container
//! port at all, or the same container port and protocol mapped twice onto
//! the same host port.
//!
//! `hostPort` 0 asks for a dynamic host port in bridge mode and is valid.
//! Protocols differing only in case (`TCP`) are left alone: whether ECS
//! rejects or lowers them is not known. In bridge mode two mappings of one
//! container port are reported only when they also name the same host port;
//! with `awsvpc` and `host` the host port always equals the container port.

use crate::model::{Container, PortMapping, TaskDef};
use crate::rules::meta::Range;
use crate::rules::{Ctx, Sink, container_resource};
use std::collections::HashMap;

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    let limits = &cx.data.limits;
    for (_, td) in cx.task_defs() {
        for c in td.containers.items() {
            let mut seen: HashMap<(i64, String), &PortMapping> = HashMap::new();
            for pm in c.port_mappings.items() {
                let protocol = check_mapping(td, c, pm, limits.port, &limits.port_protocols, out);
                let (Some(&port), Some(protocol)) = (pm.container_port.get(), protocol) else { continue };
                match seen.get(&(port, protocol.clone())) {
                    None => {
                        seen.insert((port, protocol), pm);
                    }
                    Some(first) => {
                        if let Some(why) = same_host_port(td, first, pm) {
                            out.report(
                                pm.at,
                                container_resource(td, c),
                                format!("`{}` maps container port {port}/{protocol} twice", c.display_name()),
                            )
                            .evidence(why)
                            .fix("Remove the duplicate port mapping");
                        }
                    }
                }
            }
        }
    }
}

/// Checks one mapping; returns its protocol (lower case, `tcp` when not
/// given) when it is a valid one.
fn check_mapping(
    td: &TaskDef,
    c: &Container,
    pm: &PortMapping,
    port: Range,
    protocols: &[String],
    out: &mut Sink,
) -> Option<String> {
    let res = || container_resource(td, c);
    let me = c.display_name();
    let protocol = match pm.protocol.str() {
        None if pm.protocol.is_missing() => Some("tcp".to_string()),
        None => None,
        Some(p) if protocols.iter().any(|v| v.eq_ignore_ascii_case(p)) => Some(p.to_ascii_lowercase()),
        Some(p) => {
            let list = protocols.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(" or ");
            let f = out.report(pm.protocol.at, res(), format!("Port mapping `protocol` `{p}` of `{me}` is not {list}"));
            if matches!(p.to_ascii_lowercase().as_str(), "http" | "http2" | "grpc") {
                f.fix(format!(
                    "Set `\"protocol\": \"tcp\"` and put `\"appProtocol\": \"{}\"` next to it (Service Connect reads it)",
                    p.to_ascii_lowercase()
                ));
            } else {
                f.fix(format!("Use {list}"));
            }
            None
        }
    };
    if let Some(&cp) = pm.container_port.get()
        && !port.contains(cp)
    {
        out.report(
            pm.container_port.at,
            res(),
            format!("`containerPort` {cp} of `{me}` is outside {} to {}", port.min, port.max),
        )
        .fix(format!("Use the port the application listens on, between {} and {}", port.min, port.max));
    }
    if let Some(&hp) = pm.host_port.get()
        && hp != 0
        && !port.contains(hp)
    {
        out.report(
            pm.host_port.at,
            res(),
            format!("`hostPort` {hp} of `{me}` is outside {} to {} (or 0 for a dynamic port)", port.min, port.max),
        )
        .fix("Use a host port between 1 and 65535, or leave `hostPort` out");
    }
    if let Some(range) = pm.container_port_range.str()
        && let Some(problem) = range_problem(range, port)
    {
        out.report(pm.container_port_range.at, res(), format!("`containerPortRange` `{range}` of `{me}` {problem}"))
            .fix(format!(
                "Write the range as `first-last` with {} <= first < last <= {}, e.g. `\"8000-8010\"`",
                port.min, port.max
            ));
    }
    if pm.container_port.is_missing() && pm.container_port_range.is_missing() {
        out.report(pm.at, res(), format!("A port mapping of `{me}` has no `containerPort` or `containerPortRange`"))
            .fix("Add the `containerPort` the application listens on");
    }
    protocol
}

fn range_problem(range: &str, port: Range) -> Option<String> {
    let Some((a, b)) = range.split_once('-') else {
        return Some("is not written as `first-last`".to_string());
    };
    let (Ok(a), Ok(b)) = (a.trim().parse::<i64>(), b.trim().parse::<i64>()) else {
        return Some("is not written as `first-last`".to_string());
    };
    if !port.contains(a) || !port.contains(b) {
        return Some(format!("goes outside {} to {}", port.min, port.max));
    }
    if a >= b {
        return Some("does not start below where it ends".to_string());
    }
    None
}

/// Why two mappings of one container port land on the same host port, if
/// they do.
fn same_host_port(td: &TaskDef, a: &PortMapping, b: &PortMapping) -> Option<String> {
    if let Some(mode @ ("awsvpc" | "host")) = td.network_mode.str() {
        return Some(format!("with `networkMode: {mode}` both use the container port as host port"));
    }
    match (a.host_port.get(), b.host_port.get()) {
        (Some(&x), Some(&y)) if x == y && x != 0 => Some(format!("both use host port {x}")),
        _ => None,
    }
}
