//! The rules: pure functions over the [`Inventory`], one per file under a
//! family folder, registered in [`CHECKS`]. Their metadata (severity, texts,
//! docs) lives in the top-level `rules/` folder, see [`meta`].

pub mod meta;

mod ecs0;
mod ecs1;
mod ecs2;
mod ecs3;
mod ecs4;
mod ecs5;
mod ecs6;
mod ecs7;
mod ecs8;

use crate::finding::{Finding, Resource};
use crate::model::{Container, Inventory, Launcher, TaskDef};
use crate::source::Loc;
use meta::Data;

/// What a rule sees.
pub struct Ctx<'a> {
    pub inv: &'a Inventory,
    pub data: &'a Data,
    /// The network reachability of every task, worked out once for all the
    /// rules that need it.
    reach: std::sync::OnceLock<Vec<crate::analysis::network::TaskReach<'a>>>,
}

impl<'a> Ctx<'a> {
    pub fn new(inv: &'a Inventory, data: &'a Data) -> Self {
        Ctx { inv, data, reach: std::sync::OnceLock::new() }
    }

    /// [`crate::analysis::network::analyze`], computed on first use.
    pub fn reach(&self) -> &[crate::analysis::network::TaskReach<'a>] {
        self.reach.get_or_init(|| crate::analysis::network::analyze(self.inv))
    }
}

/// Where a rule puts its findings.
pub struct Sink {
    rule: &'static str,
    pub findings: Vec<Finding>,
}

impl Sink {
    pub fn new(rule: &'static str) -> Self {
        Sink { rule, findings: Vec::new() }
    }

    /// Records a finding at `at`. Messages name the resource and say what is
    /// wrong, without a trailing period.
    pub fn report(&mut self, at: Loc, resource: Resource, message: impl Into<String>) -> &mut Finding {
        let message = message.into();
        debug_assert!(!message.ends_with('.'), "{}: message ends with a period: {message}", self.rule);
        self.findings.push(Finding {
            rule: self.rule,
            severity: None,
            resource,
            at,
            message,
            evidence: Vec::new(),
            fix: None,
        });
        self.findings.last_mut().expect("just pushed")
    }
}

pub type CheckFn = fn(&Ctx<'_>, &mut Sink);

/// A rule's logic, by id.
pub struct Check {
    pub id: &'static str,
    pub run: CheckFn,
}

/// Declares a family's rules: `"ECS101" => module::check`. Each family
/// folder keeps its own list, so adding a rule touches one folder.
#[macro_export]
macro_rules! family_checks {
    ($($id:literal => $path:path,)*) => {
        pub static CHECKS: &[$crate::rules::Check] = &[$($crate::rules::Check { id: $id, run: $path },)*];
    };
}

/// Every rule's logic. The registry test checks it against the records in
/// `rules/lint/`.
pub fn checks() -> impl Iterator<Item = &'static Check> {
    [
        ecs0::CHECKS,
        ecs1::CHECKS,
        ecs2::CHECKS,
        ecs3::CHECKS,
        ecs4::CHECKS,
        ecs5::CHECKS,
        ecs6::CHECKS,
        ecs7::CHECKS,
        ecs8::CHECKS,
    ]
    .into_iter()
    .flatten()
}

// ---------------------------------------------------------------------------
// Helpers shared by rules.

pub fn td_resource(td: &TaskDef) -> Resource {
    Resource { kind: "task-definition", name: td.display_name() }
}

pub fn container_resource(td: &TaskDef, c: &Container) -> Resource {
    Resource { kind: "container", name: format!("{}/{}", td.display_name(), c.display_name()) }
}

impl Ctx<'_> {
    pub fn launcher_resource(&self, l: Launcher) -> Resource {
        match l {
            Launcher::Service(i) => {
                let s = &self.inv.services[i];
                Resource { kind: "service", name: s.display_name().to_string() }
            }
            Launcher::RunTask(i) => {
                let r = &self.inv.run_tasks[i];
                let name = match r.launch.task_definition.str() {
                    Some(td) => short_td_reference(td),
                    None => "(unknown task definition)".to_string(),
                };
                Resource { kind: "run-task", name }
            }
        }
    }

    /// "service `api`" / "run-task input for `web:3`", for messages.
    pub fn launcher_label(&self, l: Launcher) -> String {
        let r = self.launcher_resource(l);
        match l {
            Launcher::Service(_) => format!("service `{}`", r.name),
            Launcher::RunTask(_) => format!("run-task input for `{}`", r.name),
        }
    }

    /// Why a task definition counts as Fargate, in words, for evidence.
    pub fn fargate_reason(&self, td: usize) -> Option<String> {
        use crate::model::FargateWhy;
        match self.inv.td_fargate.get(td)?.as_ref()? {
            FargateWhy::Requires => Some("`requiresCompatibilities` includes FARGATE".to_string()),
            FargateWhy::RunBy(l) => {
                let why = match self.inv.platform_of(*l) {
                    crate::model::Platform::Fargate(w) => w,
                    _ => "it runs on Fargate",
                };
                Some(format!("{} runs it on Fargate ({why})", self.launcher_label(*l)))
            }
        }
    }

    /// Task definitions with their index.
    pub fn task_defs(&self) -> impl Iterator<Item = (usize, &TaskDef)> {
        self.inv.task_defs.iter().enumerate()
    }
}

/// Backticked items joined for a sentence: `` `a`, `b` and `c` `` with
/// `conj` "and", or "or" for alternatives.
pub fn ticked<S: AsRef<str>>(items: &[S], conj: &str) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("`{}`", s.as_ref())).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} {conj} {last}", rest.join(", ")),
    }
}

/// `family:revision` for a task definition ARN; other references as given.
pub fn short_td_reference(r: &str) -> String {
    match crate::model::parse_td_reference(r) {
        (family, Some(rev)) => format!("{family}:{rev}"),
        (family, None) => family.to_string(),
    }
}

/// Compares dotted version strings (`1.3.0` < `1.4.0`); `None` when either
/// is not numeric.
pub fn version_lt(a: &str, b: &str) -> Option<bool> {
    let parse = |s: &str| s.split('.').map(|p| p.parse::<u32>().ok()).collect::<Option<Vec<u32>>>();
    Some(parse(a)? < parse(b)?)
}
