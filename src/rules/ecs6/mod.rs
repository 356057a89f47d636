//! ECS6xx: ECS Exec.

pub mod exec_agent_not_running;
pub mod exec_aws_credentials_in_environment;
pub mod exec_disabled;
pub mod exec_init_process;
pub mod exec_kms_logging_denied;
pub mod exec_platform_version;
pub mod exec_readonly_root_filesystem;
pub mod exec_ssmmessages_denied;
pub mod exec_task_role_missing;
pub mod exec_tasks_predate_enable;
pub mod session_manager_plugin_missing;

use crate::model::{Launcher, TdLink};
use crate::rules::Ctx;
use std::collections::BTreeMap;

crate::family_checks! {
    "ECS601" => exec_disabled::check,
    "ECS602" => exec_task_role_missing::check,
    "ECS603" => exec_readonly_root_filesystem::check,
    "ECS604" => exec_platform_version::check,
    "ECS605" => exec_init_process::check,
    "ECS606" => exec_ssmmessages_denied::check,
    "ECS607" => exec_aws_credentials_in_environment::check,
    "ECS608" => exec_tasks_predate_enable::check,
    "ECS609" => exec_agent_not_running::check,
    "ECS610" => session_manager_plugin_missing::check,
    "ECS611" => exec_kms_logging_denied::check,
}

/// Launchers that enable ECS Exec (`enableExecuteCommand: true`).
pub(crate) fn exec_launchers<'a>(cx: &'a Ctx<'_>) -> impl Iterator<Item = Launcher> + 'a {
    cx.inv.launchers().filter(|l| cx.inv.launch(*l).enable_execute_command.is_true())
}

/// Task definitions among the inputs that launchers run with ECS Exec, each
/// with those launchers, so a task definition is reported once however many
/// services use it.
pub(crate) fn exec_task_defs(cx: &Ctx<'_>, keep: impl Fn(Launcher) -> bool) -> BTreeMap<usize, Vec<Launcher>> {
    let mut m: BTreeMap<usize, Vec<Launcher>> = BTreeMap::new();
    for l in exec_launchers(cx).filter(|l| keep(*l)) {
        if let TdLink::Found(i) = cx.inv.td_link(l) {
            m.entry(*i).or_default().push(l);
        }
    }
    m
}

/// Evidence lines naming the launchers that enable ECS Exec.
pub(crate) fn exec_evidence(cx: &Ctx<'_>, users: &[Launcher]) -> Vec<String> {
    users.iter().map(|l| format!("{} enables ECS Exec (`enableExecuteCommand: true`)", cx.launcher_label(*l))).collect()
}

/// "Service `api`" / "Run-task input for `web:3`", to start a message.
pub(crate) fn capitalized_label(cx: &Ctx<'_>, l: Launcher) -> String {
    let label = cx.launcher_label(l);
    let mut c = label.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => label,
    }
}
