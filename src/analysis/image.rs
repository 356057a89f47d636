//! Container image references, parsed the way Docker does:
//! `[registry[:port]/]path[:tag][@digest]`.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// Registry host (with port), when the reference names one.
    pub registry: Option<String>,
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl ImageRef {
    /// A private Amazon ECR registry: `<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]`.
    pub fn is_private_ecr(&self) -> bool {
        self.registry.as_deref().is_some_and(is_private_ecr_host)
    }
}

pub fn is_private_ecr_host(host: &str) -> bool {
    let parts: Vec<&str> = host.split('.').collect();
    parts.len() >= 6
        && parts[0].len() == 12
        && parts[0].bytes().all(|b| b.is_ascii_digit())
        && parts[1] == "dkr"
        && (parts[2] == "ecr" || parts[2] == "ecr-fips")
        && parts[4] == "amazonaws"
        && (parts[5] == "com" && parts.len() == 6 || parts.get(5..) == Some(&["com", "cn"][..]))
}

/// Parses an image reference; `Err` says what is malformed.
pub fn parse(s: &str) -> Result<ImageRef, String> {
    if s.is_empty() {
        return Err("the image reference is empty".into());
    }
    if s.trim() != s || s.contains(char::is_whitespace) {
        return Err("the image reference contains whitespace".into());
    }
    if s.contains("://") {
        return Err("an image reference has no URL scheme (drop `https://`)".into());
    }
    let (rest, digest) = match s.split_once('@') {
        Some((r, d)) => {
            check_digest(d)?;
            (r, Some(d.to_string()))
        }
        None => (s, None),
    };
    // The tag is after the last `:` that follows the last `/`.
    let last_slash = rest.rfind('/');
    let (name, tag) = match rest.rfind(':') {
        Some(i) if last_slash.is_none_or(|j| i > j) => (&rest[..i], Some(rest[i + 1..].to_string())),
        _ => (rest, None),
    };
    if let Some(t) = &tag {
        check_tag(t)?;
    }
    let (registry, path) = match name.split_once('/') {
        Some((first, remainder)) if first.contains(['.', ':']) || first == "localhost" => {
            check_host(first)?;
            (Some(first.to_string()), remainder)
        }
        _ => (None, name),
    };
    check_path(path)?;
    Ok(ImageRef { registry, repository: path.to_string(), tag, digest })
}

fn check_digest(d: &str) -> Result<(), String> {
    let Some((alg, hex)) = d.split_once(':') else {
        return Err(format!("digest `{d}` must be `algorithm:hex`, e.g. `sha256:…`"));
    };
    let alg_ok =
        !alg.is_empty() && alg.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+._-".contains(&b));
    let hex_ok = hex.len() >= 32 && hex.bytes().all(|b| b.is_ascii_hexdigit());
    if !alg_ok || !hex_ok || (alg == "sha256" && hex.len() != 64) {
        return Err(format!("digest `{d}` is malformed (sha256 digests are 64 hex characters)"));
    }
    Ok(())
}

fn check_tag(t: &str) -> Result<(), String> {
    let ok = !t.is_empty()
        && t.len() <= 128
        && t.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
        && t.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b));
    if ok { Ok(()) } else { Err(format!("tag `{t}` is not valid (letters, digits, `_`, `.`, `-`, at most 128)")) }
}

fn check_host(h: &str) -> Result<(), String> {
    let (host, port) = match h.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (h, None),
    };
    if let Some(p) = port
        && (p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(format!("registry `{h}` has an invalid port"));
    }
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if host.split('.').all(label_ok) { Ok(()) } else { Err(format!("registry host `{host}` is not a valid host name")) }
}

fn check_path(p: &str) -> Result<(), String> {
    if p.is_empty() {
        return Err("the image reference has no repository name".into());
    }
    for comp in p.split('/') {
        if comp.is_empty() {
            return Err("the repository name has an empty path component (`//` or a trailing `/`)".into());
        }
        if comp.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(format!("repository name `{p}` must be lower case"));
        }
        let bytes = comp.as_bytes();
        let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
        if !alnum(bytes[0]) || !alnum(bytes[bytes.len() - 1]) {
            return Err(format!("repository path component `{comp}` must start and end with a letter or digit"));
        }
        if !bytes.iter().all(|&b| alnum(b) || b"._-".contains(&b)) {
            return Err(format!(
                "repository path component `{comp}` has characters other than a-z, 0-9, `.`, `_`, `-`"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_references() {
        let r = parse("nginx").unwrap();
        assert_eq!((r.registry, r.repository.as_str(), r.tag), (None, "nginx", None));
        let r = parse("public.ecr.aws/nginx/nginx:1.25-alpine").unwrap();
        assert_eq!(r.registry.as_deref(), Some("public.ecr.aws"));
        assert_eq!(r.tag.as_deref(), Some("1.25-alpine"));
        let r = parse("localhost:5000/team/app").unwrap();
        assert_eq!(r.registry.as_deref(), Some("localhost:5000"));
        assert_eq!(r.tag, None);
        let d = format!("sha256:{}", "a".repeat(64));
        let r = parse(&format!("123456789012.dkr.ecr.eu-west-1.amazonaws.com/app@{d}")).unwrap();
        assert!(r.is_private_ecr());
        assert_eq!(r.digest.as_deref(), Some(d.as_str()));
        assert!(parse("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app:1").unwrap().is_private_ecr());
        assert!(!parse("public.ecr.aws/app:1").unwrap().is_private_ecr());
    }

    #[test]
    fn rejects_malformed_references() {
        for bad in [
            "",
            "My/App",
            "nginx:",
            "nginx:tag with space",
            "https://registry/app",
            "app@sha256:123",
            "registry.example.com//app",
            "-app",
            "app:-x",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
