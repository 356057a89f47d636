//! ECS505 image-not-found: a container's private ECR image names a
//! repository or a tag (or digest) that does not exist. Every task stops
//! with `CannotPullContainerError: ... not found`.
//!
//! Live mode: `ecr:DescribeImages`, for images in the audited account and
//! Region.

use crate::rules::{Ctx, Sink, container_resource};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    let Some(missing) = &cx.inv.context.missing_images else { return };
    if missing.is_empty() {
        return;
    }
    for (_, td) in cx.task_defs() {
        for c in td.containers.items() {
            let Some(image) = c.image.str() else { continue };
            let Some((_, why)) = missing.iter().find(|(r, _)| r == image) else { continue };
            let f = out.report(
                c.image.at,
                container_resource(td, c),
                format!("The image `{image}` of container `{}` cannot be pulled: {why}", c.display_name()),
            );
            f.evidence("`ecr:DescribeImages` does not find it in the account and Region");
            f.evidence("tasks stop with `CannotPullContainerError: ... not found`");
            f.fix("Push the image (check the tag your pipeline pushes), or register a new revision naming an image that exists");
        }
    }
}
