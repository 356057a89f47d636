//! ECS107 container-reference-invalid: `dependsOn`, `links` and
//! `volumesFrom` must name containers of the same task definition;
//! `dependsOn` must not form a cycle, must use a known condition, may wait
//! for `HEALTHY` only on a container with a health check, and for
//! `COMPLETE`/`SUCCESS` only on a container that is not essential.

use crate::model::{Container, Dependency, HealthCheck, TaskDef, Val};
use crate::rules::{Ctx, Sink, container_resource};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    let conditions = &cx.data.limits.dependency_conditions;
    for (_, td) in cx.task_defs() {
        let refs = Refs::new(td);
        for c in td.containers.items() {
            for d in c.depends_on.items() {
                check_dependency(&refs, c, d, conditions, out);
            }
            for l in c.links.items() {
                let Some(link) = l.str() else { continue };
                // `name` or `name:alias`.
                let target = link.split(':').next().unwrap_or(link);
                if refs.unknown_name(target) {
                    let f = out.report(
                        l.at,
                        container_resource(td, c),
                        format!(
                            "`{}` links to `{target}`, which is not a container in this task definition",
                            c.display_name()
                        ),
                    );
                    f.fix(refs.fix_for(target));
                }
            }
            for v in c.volumes_from.items() {
                let Some(source) = v.str() else { continue };
                if refs.unknown_name(source) {
                    let f = out.report(
                        v.at,
                        container_resource(td, c),
                        format!(
                            "`{}` mounts volumes from `{source}`, which is not a container in this task definition",
                            c.display_name()
                        ),
                    );
                    f.fix(refs.fix_for(source));
                }
            }
        }
        report_cycles(&refs, out);
    }
}

/// The containers of one task definition, by name.
struct Refs<'a> {
    td: &'a TaskDef,
    containers: &'a [Container],
    /// Every container name is known, so a name not among them is wrong.
    names_known: bool,
}

impl<'a> Refs<'a> {
    fn new(td: &'a TaskDef) -> Self {
        let containers = td.containers.items();
        let names_known = !td.containers.is_unknown() && containers.iter().all(|c| c.name.get().is_some());
        Refs { td, containers, names_known }
    }

    fn index(&self, name: &str) -> Option<usize> {
        self.containers.iter().position(|c| c.name.str() == Some(name))
    }

    fn unknown_name(&self, name: &str) -> bool {
        self.names_known && self.index(name).is_none()
    }

    fn fix_for(&self, name: &str) -> String {
        if let Some(c) = self.containers.iter().find(|c| c.name.str().is_some_and(|n| n.eq_ignore_ascii_case(name))) {
            return format!("Container names are case-sensitive: write `{}`", c.display_name());
        }
        let mut names: Vec<String> = Vec::new();
        for c in self.containers {
            let n = format!("`{}`", c.display_name());
            if !names.contains(&n) {
                names.push(n);
            }
        }
        format!("Name one of this task definition's containers: {}", names.join(", "))
    }
}

fn check_dependency(refs: &Refs<'_>, c: &Container, d: &Dependency, conditions: &[String], out: &mut Sink) {
    let res = || container_resource(refs.td, c);
    let me = c.display_name();
    let target = match d.container.str() {
        Some(name) => match refs.index(name) {
            Some(i) => Some(&refs.containers[i]),
            None => {
                if refs.names_known {
                    out.report(
                        d.container.at,
                        res(),
                        format!("`{me}` depends on `{name}`, which is not a container in this task definition"),
                    )
                    .fix(refs.fix_for(name));
                }
                None
            }
        },
        None => {
            if d.container.is_missing() {
                out.report(d.at, res(), format!("A `dependsOn` entry of `{me}` has no `containerName`"))
                    .fix("Name the container to wait for in `containerName`");
            }
            None
        }
    };
    let condition = match d.condition.str() {
        Some(k) if conditions.iter().any(|v| v == k) => Some(k),
        Some(k) => {
            let list = conditions.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ");
            let f = out.report(
                d.condition.at,
                res(),
                format!("`dependsOn` condition `{k}` of `{me}` is not one of {list}"),
            );
            match conditions.iter().find(|v| v.eq_ignore_ascii_case(k)) {
                Some(v) => f.fix(format!("Conditions are upper case: write `{v}`")),
                None => f.fix(format!("Use one of {list}")),
            };
            None
        }
        None => {
            if d.condition.is_missing() {
                let whom = d.container.str().map(|n| format!(" (on `{n}`)")).unwrap_or_default();
                out.report(d.at, res(), format!("A `dependsOn` entry of `{me}`{whom} has no `condition`"))
                    .fix("Add a `condition`: `START`, `COMPLETE`, `SUCCESS` or `HEALTHY`");
            }
            None
        }
    };
    let (Some(t), Some(condition)) = (target, condition) else { return };
    if std::ptr::eq(t, c) {
        // A container waiting for itself is reported as a cycle.
        return;
    }
    let them = t.display_name();
    match condition {
        "HEALTHY" => {
            let problem = match &t.health_check.val {
                Val::Absent | Val::Null => format!("`{them}` has no `healthCheck`"),
                Val::Known(hc) if disabled(hc) => format!("the health check of `{them}` is disabled (`NONE`)"),
                _ => return,
            };
            out.report(d.condition.at, res(), format!("`{me}` waits for `{them}` to be `HEALTHY`, but {problem}")).fix(
                format!(
                    "Give `{them}` a `healthCheck` with a `CMD` or `CMD-SHELL` command, or wait for `START` instead"
                ),
            );
        }
        "COMPLETE" | "SUCCESS" => {
            if t.essential.or(true) != Some(true) {
                return;
            }
            let f = out.report(
                d.condition.at,
                res(),
                format!(
                    "`{me}` waits for `{them}` with condition `{condition}`, but `{them}` is an essential container"
                ),
            );
            if t.essential.is_missing() {
                f.evidence(format!("`{them}` does not set `essential`, and containers are essential by default"));
            }
            f.fix(format!(
                "Set `\"essential\": false` on `{them}`: a container that is meant to exit must not be essential"
            ));
        }
        _ => {}
    }
}

/// `["NONE"]` turns a health check off: Docker never reports a status.
fn disabled(hc: &HealthCheck) -> bool {
    hc.command.items().first().and_then(|f| f.str()) == Some("NONE")
}

/// Reports each group of containers that wait for each other once, with
/// one cycle through them.
fn report_cycles(refs: &Refs<'_>, out: &mut Sink) {
    let containers = refs.containers;
    let adj: Vec<Vec<usize>> = containers
        .iter()
        .map(|c| c.depends_on.items().iter().filter_map(|d| d.container.str().and_then(|n| refs.index(n))).collect())
        .collect();
    for comp in strongly_connected(&adj) {
        let start = *comp.iter().min().expect("components are not empty");
        if comp.len() == 1 && !adj[start].contains(&start) {
            continue;
        }
        let path = cycle_through(&adj, &comp, start);
        let names: Vec<String> = path.iter().map(|&i| format!("`{}`", containers[i].display_name())).collect();
        let first = &containers[start];
        let next_name = containers[path[1]].name.str();
        let at = first
            .depends_on
            .items()
            .iter()
            .find(|d| d.container.str().is_some() && d.container.str() == next_name)
            .map_or(first.depends_on.at, |d| d.container.at);
        let message = if path.len() == 2 {
            format!("`{}` lists itself in `dependsOn`, so it can never start", first.display_name())
        } else {
            let members = &names[..names.len() - 1];
            let (last, rest) = members.split_last().expect("a cycle has two members");
            let who = format!("{} and {last}", rest.join(", "));
            format!("Containers {who} wait for each other through `dependsOn`, so none of them can start")
        };
        let fix = if path.len() == 2 {
            format!("Remove `{}` from its own `dependsOn`", first.display_name())
        } else {
            let closing = format!("{} → {}", names[names.len() - 2], names[names.len() - 1]);
            format!("Remove a `dependsOn` entry of the cycle, e.g. {closing}")
        };
        out.report(at, container_resource(refs.td, first), message)
            .evidence(format!("cycle: {}", names.join(" → ")))
            .fix(fix);
    }
}

/// The shortest path from `start` back to itself inside one component, as
/// container indices (first and last are `start`).
fn cycle_through(adj: &[Vec<usize>], comp: &[usize], start: usize) -> Vec<usize> {
    let mut parent: Vec<Option<usize>> = vec![None; adj.len()];
    let mut queue = std::collections::VecDeque::from([start]);
    let mut seen = vec![false; adj.len()];
    seen[start] = true;
    while let Some(u) = queue.pop_front() {
        for &w in &adj[u] {
            if w == start {
                let mut back = Vec::new();
                let mut at = u;
                while at != start {
                    back.push(at);
                    at = parent[at].expect("visited nodes have a parent");
                }
                back.reverse();
                let mut walk = vec![start];
                walk.extend(back);
                walk.push(start);
                return walk;
            }
            if !seen[w] && comp.contains(&w) {
                seen[w] = true;
                parent[w] = Some(u);
                queue.push_back(w);
            }
        }
    }
    vec![start, start]
}

/// Tarjan's algorithm, without recursion.
fn strongly_connected(adj: &[Vec<usize>]) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let n = adj.len();
    let (mut index, mut low) = (vec![UNSEEN; n], vec![0; n]);
    let mut on_stack = vec![false; n];
    let (mut stack, mut comps) = (Vec::new(), Vec::new());
    let mut next = 0;
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        let mut calls: Vec<(usize, usize)> = vec![(root, 0)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&(v, i)) = calls.last() {
            if let Some(&w) = adj[v].get(i) {
                calls.last_mut().expect("not empty").1 += 1;
                if index[w] == UNSEEN {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    calls.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(u, _)) = calls.last() {
                low[u] = low[u].min(low[v]);
            }
            if low[v] == index[v] {
                let mut comp = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp.push(w);
                    if w == v {
                        break;
                    }
                }
                comps.push(comp);
            }
        }
    }
    comps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_and_cycles() {
        // 0 -> 1 -> 2 -> 0, 3 -> 3, 4 -> 0
        let adj = vec![vec![1], vec![2], vec![0], vec![3], vec![0]];
        let mut comps: Vec<Vec<usize>> = strongly_connected(&adj)
            .into_iter()
            .map(|mut c| {
                c.sort();
                c
            })
            .collect();
        comps.sort();
        assert_eq!(comps, vec![vec![0, 1, 2], vec![3], vec![4]]);
        assert_eq!(cycle_through(&adj, &[0, 1, 2], 0), vec![0, 1, 2, 0]);
        assert_eq!(cycle_through(&adj, &[3], 3), vec![3, 3]);
    }
}
