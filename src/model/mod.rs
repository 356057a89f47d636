//! The in-memory model every rule runs over.

pub mod context;
pub mod ecs;
pub mod field;
pub mod load;
pub mod read;
pub mod snapshot;

pub use ecs::*;
pub use field::{F, Unknown, Val};

use crate::source::Loc;

/// Every input item of one run, plus what joins them.
#[derive(Debug, Default)]
pub struct Inventory {
    /// Display names of the input files, by `FileId`.
    pub file_names: Vec<String>,
    pub task_defs: Vec<TaskDef>,
    pub services: Vec<Service>,
    pub run_tasks: Vec<RunTask>,
    /// Placeholder values skipped, per file: every location with its key.
    pub placeholders: Vec<Vec<(Loc, String)>>,
    /// For each service, the task definition it names.
    pub service_td: Vec<TdLink>,
    /// For each run-task input, the task definition it names.
    pub run_task_td: Vec<TdLink>,
    /// For each task definition, why it counts as a Fargate task definition.
    pub td_fargate: Vec<Option<FargateWhy>>,
    /// Keys written twice in one template mapping.
    pub duplicate_keys: Vec<load::DuplicateKey>,
    /// Rules silenced by template resources' `Metadata`.
    pub suppressions: Vec<load::Suppression>,
    /// The account context around the tasks: network, IAM, logs, load
    /// balancing, schedules, with the coverage of each.
    pub context: context::Context,
}

/// How a service or run-task input's `taskDefinition` resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TdLink {
    Found(usize),
    /// Named, but not among the inputs.
    NotProvided,
    /// Missing or a placeholder: nothing to join.
    Unknown,
}

/// Something that launches tasks from a task definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Launcher {
    Service(usize),
    RunTask(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FargateWhy {
    /// `requiresCompatibilities` includes FARGATE: ECS validates it for
    /// Fargate at registration.
    Requires,
    /// A service or run-task input among the inputs runs it on Fargate.
    RunBy(Launcher),
}

/// Where tasks of a launch will run, decided the way ECS decides it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Platform {
    Fargate(&'static str),
    Ec2,
    External,
    Unknown,
}

impl Platform {
    pub fn is_fargate(&self) -> bool {
        matches!(self, Platform::Fargate(_))
    }
}

impl TaskDef {
    pub fn requires(&self, compat: &str) -> bool {
        self.requires_compatibilities.items().iter().any(|c| c.str() == Some(compat))
    }

    /// `requiresCompatibilities` is exactly `[FARGATE]`.
    pub fn requires_only_fargate(&self) -> bool {
        let items = self.requires_compatibilities.items();
        !items.is_empty() && items.iter().all(|c| c.str() == Some("FARGATE"))
    }

    pub fn network_mode_is(&self, mode: &str) -> bool {
        self.network_mode.str() == Some(mode)
    }

    pub fn container(&self, name: &str) -> Option<&Container> {
        self.containers.items().iter().find(|c| c.name.str() == Some(name))
    }

    pub fn is_windows(&self) -> bool {
        self.os_family.str().is_some_and(|f| f.starts_with("WINDOWS"))
    }

    /// The name findings use: `family` or `family:revision`, or the
    /// logical id of a template resource.
    pub fn display_name(&self) -> String {
        if let Some(id) = &self.logical_id {
            return id.clone();
        }
        match (self.family.str().filter(|f| !f.is_empty()), self.revision.get()) {
            (Some(f), Some(r)) => format!("{f}:{r}"),
            (Some(f), None) => f.to_string(),
            _ if self.shape == TdShape::ContainerList => "(container definitions)".to_string(),
            _ => "(unnamed task definition)".to_string(),
        }
    }
}

impl Service {
    /// The name findings use: the logical id of a template resource (its
    /// `ServiceName` is often built from parameters), else the service name.
    pub fn display_name(&self) -> &str {
        self.logical_id.as_deref().or(self.name.str()).unwrap_or("(unnamed service)")
    }
}

impl Container {
    /// `essential` defaults to true.
    pub fn is_essential(&self) -> bool {
        self.essential.or(true).unwrap_or(true)
    }

    pub fn display_name(&self) -> &str {
        self.name.str().unwrap_or("(unnamed container)")
    }
}

impl Launch {
    pub fn platform(&self, td: Option<&TaskDef>) -> Platform {
        if let Some(lt) = self.launch_type.str() {
            return match lt {
                "FARGATE" => Platform::Fargate("launchType is FARGATE"),
                "EC2" => Platform::Ec2,
                "EXTERNAL" => Platform::External,
                _ => Platform::Unknown,
            };
        }
        if self.launch_type.is_unknown() || self.capacity_providers.is_unknown() {
            return Platform::Unknown;
        }
        let cps = self.capacity_providers.items();
        if !cps.is_empty() {
            if cps.iter().any(|c| matches!(c.str(), Some("FARGATE" | "FARGATE_SPOT"))) {
                return Platform::Fargate("the capacity provider strategy names FARGATE");
            }
            if cps.iter().all(|c| c.get().is_some()) {
                return Platform::Ec2;
            }
            return Platform::Unknown;
        }
        match td {
            Some(td) if td.requires_only_fargate() => Platform::Fargate("the task definition requires only FARGATE"),
            // Otherwise the cluster's default capacity provider strategy
            // decides, which the inputs do not show.
            _ => Platform::Unknown,
        }
    }
}

impl Inventory {
    pub fn launch(&self, l: Launcher) -> &Launch {
        match l {
            Launcher::Service(i) => &self.services[i].launch,
            Launcher::RunTask(i) => &self.run_tasks[i].launch,
        }
    }

    pub fn launchers(&self) -> impl Iterator<Item = Launcher> + '_ {
        (0..self.services.len()).map(Launcher::Service).chain((0..self.run_tasks.len()).map(Launcher::RunTask))
    }

    pub fn td_link(&self, l: Launcher) -> &TdLink {
        match l {
            Launcher::Service(i) => &self.service_td[i],
            Launcher::RunTask(i) => &self.run_task_td[i],
        }
    }

    /// The task definition a launcher names, when it is among the inputs.
    pub fn td_of(&self, l: Launcher) -> Option<&TaskDef> {
        match self.td_link(l) {
            TdLink::Found(i) => Some(&self.task_defs[*i]),
            _ => None,
        }
    }

    pub fn platform_of(&self, l: Launcher) -> Platform {
        self.launch(l).platform(self.td_of(l))
    }

    /// Launchers that use task definition `td`.
    pub fn users_of(&self, td: usize) -> impl Iterator<Item = Launcher> + '_ {
        self.launchers().filter(move |l| self.td_link(*l) == &TdLink::Found(td))
    }

    /// Joins services and run-task inputs to the task definitions they name,
    /// `put-targets` inputs to the rules they name, and decides which task
    /// definitions are Fargate ones.
    pub fn link(&mut self) {
        self.context.schedules.join_targets();
        let by_family = self.family_index();
        // A task definition from the same file wins (a template's service
        // runs the template's task definition, whatever other files hold).
        let resolve = |l: &Launch, file: crate::source::FileId| -> TdLink {
            let Some(reference) = l.task_definition.str() else { return TdLink::Unknown };
            let (family, rev) = parse_td_reference(reference);
            match by_family.get(family) {
                None => TdLink::NotProvided,
                Some(candidates) => {
                    let fits = |i: usize| {
                        let td = &self.task_defs[i];
                        match (rev, td.revision.get()) {
                            (Some(want), Some(have)) => want == *have,
                            _ => true,
                        }
                    };
                    let same_file = candidates.iter().rev().find(|&&i| fits(i) && self.task_defs[i].at.file == file);
                    let pick = same_file.or_else(|| candidates.iter().rev().find(|&&i| fits(i)));
                    pick.map_or(TdLink::NotProvided, |&i| TdLink::Found(i))
                }
            }
        };
        let service_td = self.services.iter().map(|s| resolve(&s.launch, s.at.file)).collect();
        let run_task_td = self.run_tasks.iter().map(|r| resolve(&r.launch, r.at.file)).collect();
        drop(by_family);
        self.service_td = service_td;
        self.run_task_td = run_task_td;

        let mut why: Vec<Option<FargateWhy>> =
            self.task_defs.iter().map(|td| td.requires("FARGATE").then_some(FargateWhy::Requires)).collect();
        let launchers: Vec<Launcher> = self.launchers().collect();
        for l in launchers {
            if let TdLink::Found(i) = self.td_link(l)
                && why[*i].is_none()
                && self.platform_of(l).is_fargate()
            {
                why[*i] = Some(FargateWhy::RunBy(l));
            }
        }
        self.td_fargate = why;
    }

    /// Task definitions by family, in input order; a revision-less register
    /// input stands for every revision of its family.
    fn family_index(&self) -> std::collections::HashMap<&str, Vec<usize>> {
        let mut m: std::collections::HashMap<&str, Vec<usize>> = std::collections::HashMap::new();
        for (i, td) in self.task_defs.iter().enumerate() {
            if let Some(f) = td.family.str() {
                m.entry(f).or_default().push(i);
            }
        }
        for v in m.values_mut() {
            v.sort_by_key(|&i| self.task_defs[i].revision.get().copied().unwrap_or(i64::MIN));
        }
        m
    }

    pub fn is_fargate_td(&self, td: usize) -> bool {
        self.td_fargate.get(td).is_some_and(Option::is_some)
    }
}

/// Splits a task definition reference (`family`, `family:rev` or an ARN) into
/// family and revision.
pub fn parse_td_reference(s: &str) -> (&str, Option<i64>) {
    let tail = match s.find(":task-definition/") {
        Some(i) if s.starts_with("arn:") => &s[i + ":task-definition/".len()..],
        _ => s,
    };
    match tail.rsplit_once(':') {
        Some((family, rev)) => match rev.parse::<i64>() {
            Ok(r) => (family, Some(r)),
            Err(_) => (tail, None),
        },
        None => (tail, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn td_references() {
        assert_eq!(parse_td_reference("web"), ("web", None));
        assert_eq!(parse_td_reference("web:12"), ("web", Some(12)));
        assert_eq!(parse_td_reference("arn:aws:ecs:us-east-1:123456789012:task-definition/web:3"), ("web", Some(3)));
        assert_eq!(parse_td_reference("arn:aws-cn:ecs:cn-north-1:123456789012:task-definition/web"), ("web", None));
    }
}
