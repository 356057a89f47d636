//! ECS604 exec-platform-version: ECS Exec on Fargate needs Linux platform
//! version 1.4.0 (Windows: 1.0.0, the only one).

use super::{capitalized_label, exec_launchers};
use crate::model::Platform;
use crate::rules::{Ctx, Sink, version_lt};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    let fargate = &cx.data.fargate;
    let need = &fargate.exec_linux_platform_version;
    for l in exec_launchers(cx) {
        let Platform::Fargate(why) = cx.inv.platform_of(l) else { continue };
        let pv = &cx.inv.launch(l).platform_version;
        let Some(v) = pv.str() else { continue };
        if v.eq_ignore_ascii_case("LATEST") || version_lt(v, need) != Some(true) {
            continue;
        }
        let td = cx.inv.td_of(l);
        if td.is_some_and(|td| td.is_windows()) {
            continue;
        }
        // Without the task definition (or with a placeholder OS) a Windows
        // version cannot be told from an old Linux one.
        let os_unknown = td.is_none_or(|td| td.os_family.is_unknown());
        if os_unknown && fargate.windows_platform_versions.iter().any(|w| w == v) {
            continue;
        }
        out.report(
            pv.at,
            cx.launcher_resource(l),
            format!(
                "{} enables ECS Exec on Fargate platform version `{v}`; ECS Exec needs {need} or later",
                capitalized_label(cx, l)
            ),
        )
        .evidence(format!("it runs on Fargate: {why}"))
        .fix(format!("Set `\"platformVersion\": \"LATEST\"` or `\"{need}\"`"));
    }
}
