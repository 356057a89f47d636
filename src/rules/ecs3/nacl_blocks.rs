//! ECS307 nacl-blocks: a network ACL on the task's path denies outbound
//! TCP 443, or the inbound return traffic to the task's ephemeral ports
//! (Linux 32768-60999, Windows 49152-65535), or, for an interface endpoint
//! in another subnet, the same in that subnet's ACL. Rules are read in
//! number order and the first match decides; the default ACL allows all.

use super::Blocked;
use crate::analysis::network::Cause;
use crate::rules::{Ctx, Sink};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    super::each_blocked(cx, Cause::Nacl, |b: &Blocked<'_>| {
        let decided = b.decided_by();
        let verb = if b.deciders.len() == 1 { "blocks" } else { "block" };
        let mut c = decided.chars();
        let decided_cap: String = c.next().map(|x| x.to_uppercase().chain(c).collect()).unwrap_or_default();
        let message =
            format!("{decided_cap} {verb} HTTPS between {} of {} and {}", b.subnet_words(""), b.label, b.endpoints());
        let f = out.report(b.subnets_at(), b.resource.clone(), message);
        b.add_evidence(f);
        f.fix(format!(
            "Allow outbound TCP 443 and inbound TCP 1024-65535 (the return traffic) in {decided}, numbered before any rule that denies them"
        ));
    });
}
