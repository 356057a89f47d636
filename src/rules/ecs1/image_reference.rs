//! ECS112 image-reference: a container's `image` is missing or malformed
//! (error), or names no fixed version (warning).

use crate::analysis::image;
use crate::finding::Severity;
use crate::rules::{Ctx, Sink, container_resource};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    for (_, td) in cx.task_defs() {
        for c in td.containers.items() {
            let name = c.display_name();
            if c.image.is_missing() {
                out.report(c.image.at, container_resource(td, c), format!("Container `{name}` has no `image`")).fix(
                    "Set `image` to the image to run, e.g. `123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4.2`",
                );
                continue;
            }
            // Unknown covers placeholders, including an empty string.
            let Some(img) = c.image.str() else { continue };
            let shown = img.escape_debug().to_string();
            match image::parse(img) {
                Err(problem) => {
                    let fix = match suggestion(img) {
                        Some(s) => format!("Write it as `{s}`"),
                        None => "Write the image as `[registry/]repository[:tag][@digest]`, e.g. `public.ecr.aws/nginx/nginx:1.27`".to_string(),
                    };
                    out.report(
                        c.image.at,
                        container_resource(td, c),
                        format!("Image `{shown}` of container `{name}` is not a valid image reference: {problem}"),
                    )
                    .fix(fix);
                }
                Ok(r) if r.digest.is_some() => {}
                Ok(r) => {
                    let message = match r.tag.as_deref() {
                        None => format!(
                            "Image `{shown}` of container `{name}` has no tag, so every pull takes whatever `latest` is at that moment"
                        ),
                        Some("latest") => format!("Image `{shown}` of container `{name}` uses the moving `latest` tag"),
                        Some(_) => continue,
                    };
                    let base = match &r.registry {
                        Some(reg) => format!("{reg}/{}", r.repository),
                        None => r.repository.clone(),
                    };
                    out.report(c.image.at, container_resource(td, c), message)
                        .severity(Severity::Warning)
                        .evidence("tasks started at different times (scaling, replacements, deployments) can run different code")
                        .fix(format!("Pin a version tag (`{base}:<version>`) or, most reproducible, a digest (`{base}@sha256:<digest>`)"));
                }
            }
        }
    }
}

/// A valid spelling of a malformed reference, for the two mistakes that have
/// one: a URL scheme, and upper case in the repository name (tags may keep
/// theirs).
fn suggestion(img: &str) -> Option<String> {
    let s = img.split_once("://").map_or(img, |(_, rest)| rest);
    let (rest, digest) = match s.split_once('@') {
        Some((r, d)) => (r, format!("@{d}")),
        None => (s, String::new()),
    };
    let last_slash = rest.rfind('/');
    let (name, tag) = match rest.rfind(':') {
        Some(i) if last_slash.is_none_or(|j| i > j) => (&rest[..i], &rest[i..]),
        _ => (rest, ""),
    };
    // The registry host is case-insensitive; lower-casing it is harmless.
    let candidate = format!("{}{tag}{digest}", name.to_ascii_lowercase());
    (candidate != img && image::parse(&candidate).is_ok()).then_some(candidate)
}

#[cfg(test)]
mod tests {
    use super::suggestion;

    #[test]
    fn suggests_only_when_a_fix_is_clear() {
        assert_eq!(suggestion("https://ghcr.io/org/app:1.0").as_deref(), Some("ghcr.io/org/app:1.0"));
        assert_eq!(
            suggestion("Registry.example.com/Team/App:RC1").as_deref(),
            Some("registry.example.com/team/app:RC1")
        );
        assert_eq!(suggestion("redis:"), None);
        assert_eq!(suggestion("app with space:1"), None);
    }
}
