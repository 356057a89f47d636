//! ECS113 ephemeral-storage-range: `ephemeralStorage.sizeInGiB` outside the
//! range ECS accepts.

use crate::rules::{Ctx, Sink, td_resource};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    let range = cx.data.limits.ephemeral_storage_gib;
    for (_, td) in cx.task_defs() {
        let Some(&size) = td.ephemeral_storage.get() else { continue };
        if range.contains(size) {
            continue;
        }
        let fix = if size < range.min {
            format!(
                "Remove `ephemeralStorage` to keep Fargate's default 20 GiB, or set `sizeInGiB` to {} to {}",
                range.min, range.max
            )
        } else {
            format!("Set `sizeInGiB` to at most {}; for more space, mount an EFS or EBS volume", range.max)
        };
        out.report(
            td.ephemeral_storage.at,
            td_resource(td),
            format!("`ephemeralStorage.sizeInGiB` is {size}; ECS accepts {} to {} GiB", range.min, range.max),
        )
        .fix(fix);
    }
}
