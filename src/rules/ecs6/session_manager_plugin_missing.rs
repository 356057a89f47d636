//! ECS610 session-manager-plugin-missing: `aws ecs execute-command` hands
//! the session to the Session Manager plugin on the caller's machine; without
//! it the command fails before it reaches the task.
//!
//! Only `exec-check` looks (it records PATH in its snapshot).

use crate::finding::Resource;
use crate::rules::{Ctx, Sink};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    let Some((false, at)) = cx.inv.context.session_manager_plugin else { return };
    let f = out.report(
        at,
        Resource { kind: "machine", name: "this machine".into() },
        "`session-manager-plugin` is not on this machine's PATH: `aws ecs execute-command` cannot open the session",
    );
    f.evidence("the AWS CLI answers `SessionManagerPlugin is not found. Please refer to SessionManager Documentation here: ...`");
    f.fix("Install the Session Manager plugin for the AWS CLI (https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html) and make sure its directory is on PATH");
}
