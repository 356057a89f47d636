//! ECS204 platform-version-outdated: a Fargate launch pinned to a Linux
//! platform version older than the current one.

use super::subject;
use crate::rules::{Ctx, Sink, version_lt};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    let fargate = &cx.data.fargate;
    let minimum = fargate.minimum_linux_platform_version.as_str();
    for l in cx.inv.launchers() {
        let pv = &cx.inv.launch(l).platform_version;
        let Some(version) = pv.str() else { continue };
        if version.eq_ignore_ascii_case("LATEST") || !cx.inv.platform_of(l).is_fargate() {
            continue;
        }
        if version_lt(version, minimum) != Some(true) {
            continue;
        }
        match cx.inv.td_of(l) {
            // Windows on Fargate has its own versions (only 1.0.0).
            Some(td) if td.is_windows() || td.os_family.is_unknown() => continue,
            Some(_) => {}
            // Without the task definition, a version Windows also uses may
            // be a Windows task.
            None if fargate.windows_platform_versions.iter().any(|w| w == version) => continue,
            None => {}
        }
        let known = fargate.linux_platform_versions.iter().any(|v| v == version);
        let f = out.report(
            pv.at,
            cx.launcher_resource(l),
            format!("{} pins Fargate platform version `{version}`, older than {minimum}", subject(cx, l)),
        );
        if known {
            f.evidence(format!(
                "versions before {minimum} lack EFS volumes, more than 20 GiB of ephemeral storage, ECS Exec, \
                 the SYS_PTRACE capability and Secrets Manager JSON keys"
            ));
        } else {
            f.evidence(format!(
                "`{version}` is not a Linux platform version ECS offers ({})",
                fargate.linux_platform_versions.join(", ")
            ));
        }
        f.fix(format!("Set `\"platformVersion\": \"LATEST\"` (the default) or `\"{minimum}\"`"));
    }
}
