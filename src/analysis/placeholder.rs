//! Deploy-tool placeholders: values that a pipeline fills in later. A field
//! holding one is *unknown*, so no rule judges it.

/// Placeholders that are recognisable in any field: template syntax
/// (`{{IMAGE}}`, `${TAG}`, `<IMAGE1_NAME>`, `#{Var}`, `__TOKEN__`, `$(Var)`)
/// and the words people leave for a pipeline to replace.
pub fn is_placeholder(s: &str) -> bool {
    let t = s.trim();
    if t.contains("{{") && t.contains("}}") {
        return true;
    }
    if t.contains("${") || t.contains("#{") || t.contains("$(") {
        return true;
    }
    if has_dollar_var(t) || has_angle_token(t) || has_dunder_token(t) {
        return true;
    }
    const WORDS: &[&str] = &[
        "replace_me",
        "replaceme",
        "replace-me",
        "replaced_by_ci",
        "replaced-by-ci",
        "changeme",
        "change_me",
        "change-me",
        "todo",
        "tbd",
        "fixme",
        "placeholder",
        "to_be_replaced",
        "to-be-replaced",
        "xxx",
        "xxxx",
        "xxxxx",
        "dummy",
        "overridden_by_ci",
    ];
    WORDS.iter().any(|w| t.eq_ignore_ascii_case(w))
}

/// Placeholders for fields whose real values have a fixed shape (image
/// references, regions, ARNs, ids): there an all-caps token such as `REGION`,
/// `IMAGE` or `ACCOUNT_ID` can only be a stand-in.
pub fn is_placeholder_in_shaped_field(s: &str) -> bool {
    is_placeholder(s) || s.split(['.', '/', ':', '@']).any(is_caps_token)
}

fn is_caps_token(part: &str) -> bool {
    let p = part.trim();
    if p.len() < 3 || !p.starts_with(|c: char| c.is_ascii_uppercase()) {
        return false;
    }
    if !p.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_' || c == '-') {
        return false;
    }
    const WORDS: &[&str] = &[
        "IMAGE",
        "TAG",
        "REGION",
        "ACCOUNT",
        "ACCOUNTID",
        "VERSION",
        "ENV",
        "STAGE",
        "REPO",
        "REPOSITORY",
        "DIGEST",
        "ARN",
        "NAME",
        "SUBNET",
        "ROLE",
        "CLUSTER",
        "SERVICE",
        "SECRET",
        "PARAMETER",
        "BUCKET",
    ];
    // ECS's own upper-case enum words (FARGATE, ENABLED, ...) never reach
    // here: only fields that cannot hold them are checked with this.
    p.contains('_') || WORDS.contains(&p)
}

fn has_dollar_var(s: &str) -> bool {
    let b = s.as_bytes();
    b.windows(2).any(|w| w[0] == b'$' && (w[1].is_ascii_alphabetic() || w[1] == b'_'))
}

fn has_angle_token(s: &str) -> bool {
    let mut rest = s;
    while let Some(i) = rest.find('<') {
        let after = &rest[i + 1..];
        if let Some(j) = after.find('>') {
            let inner = &after[..j];
            if !inner.is_empty() && inner.chars().all(|c| c.is_alphanumeric() || "_-.".contains(c)) {
                return true;
            }
        }
        rest = after;
    }
    false
}

fn has_dunder_token(s: &str) -> bool {
    let mut rest = s;
    while let Some(i) = rest.find("__") {
        let after = &rest[i + 2..];
        if let Some(j) = after.find("__") {
            let inner = &after[..j];
            if !inner.is_empty() && inner.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return true;
            }
        }
        rest = after;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_syntax_is_a_placeholder_anywhere() {
        for s in [
            "{{IMAGE}}",
            "{{ must_env `IMAGE` }}",
            "<IMAGE1_NAME>",
            "${ECR_REPO}:${TAG}",
            "$IMAGE",
            "#{Octopus.Var}",
            "__IMAGE_TAG__",
            "$(Build.BuildId)",
            "REPLACED_BY_CI",
            "changeme",
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:{{TAG}}",
        ] {
            assert!(is_placeholder(s), "{s}");
        }
    }

    #[test]
    fn real_values_are_not_placeholders() {
        for s in [
            "nginx:1.25",
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:abcd",
            "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
            "us-east-1",
            "/ecs/web",
            "FARGATE",
            "a < b > c",
            "price$",
            "my__name",
        ] {
            assert!(!is_placeholder(s), "{s}");
        }
    }

    #[test]
    fn caps_tokens_only_count_in_shaped_fields() {
        assert!(is_placeholder_in_shaped_field("REGION"));
        assert!(is_placeholder_in_shaped_field("ACCOUNT_ID.dkr.ecr.REGION.amazonaws.com/app:latest"));
        assert!(is_placeholder_in_shaped_field("arn:aws:iam::AWS_ACCOUNT_ID:role/x"));
        assert!(!is_placeholder_in_shaped_field("us-west-2"));
        assert!(!is_placeholder_in_shaped_field("app:V1"));
        assert!(!is_placeholder("REGION"));
    }
}
