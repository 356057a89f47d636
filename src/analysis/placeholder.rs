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
/// references, regions, ARNs, ids). There an all-caps stand-in such as
/// `REGION`, `IMAGE` or `EXECUTION_ROLE_ARN` is recognised too, but only
/// where a real value cannot be upper case: the whole value when it names
/// what it stands for, an ARN's region or account, an image's registry host
/// or tag. Names chosen by users (`/prod/DB_PASSWORD`, `role/ECS_TASK_ROLE`)
/// keep their case and are never taken for placeholders.
pub fn is_placeholder_in_shaped_field(s: &str) -> bool {
    if is_placeholder(s) {
        return true;
    }
    let t = s.trim();
    if is_caps_token(t) && names_a_value(t) {
        return true;
    }
    // `your-docker-image-url`, `your ECR url`, `YOUR_ACCOUNT_ID`.
    if t.split([' ', '-', '_', '.', '/', ':']).next().is_some_and(|w| w.eq_ignore_ascii_case("your")) {
        return true;
    }
    // `subnet-id`, `sg-xxxxxxxx`, `vpc-XXXX`: an id prefix with a word
    // instead of the hexadecimal part.
    if let Some((prefix, rest)) = t.split_once('-')
        && ["subnet", "sg", "vpc"].contains(&prefix)
        && (rest.len() >= 2 && rest.chars().all(|c| c == 'x' || c == 'X') || names_a_value(&rest.to_ascii_uppercase()))
    {
        return true;
    }
    if let Some(rest) = t.strip_prefix("arn:") {
        let parts: Vec<&str> = rest.splitn(5, ':').collect();
        // partition:service:region:account:resource
        return parts.get(2).is_some_and(|r| is_caps_token(r)) || parts.get(3).is_some_and(|a| is_caps_token(a));
    }
    // An image: `host/path:tag`. Host labels and the tag have fixed shapes.
    if let Some((host, _)) = t.split_once('/')
        && host.contains('.')
        && host.split(['.', ':']).any(is_caps_token)
    {
        return true;
    }
    let after_slash = t.rsplit('/').next().unwrap_or(t);
    if let Some((_, tag)) = after_slash.rsplit_once(':')
        && is_caps_token(tag)
        && names_a_value(tag)
    {
        return true;
    }
    false
}

/// Upper case letters, digits, `_` and `-`, starting with a letter.
fn is_caps_token(p: &str) -> bool {
    p.len() >= 3
        && p.starts_with(|c: char| c.is_ascii_uppercase())
        && p.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

/// A caps token that says what belongs there (`REGION`, `IMAGE_TAG`,
/// `TASK_ROLE_ARN`, `AWS_ACCOUNT_ID`).
fn names_a_value(p: &str) -> bool {
    const WORDS: &[&str] = &[
        "IMAGE",
        "TAG",
        "REGION",
        "ACCOUNT",
        "ACCOUNTID",
        "VERSION",
        "REPO",
        "REPOSITORY",
        "DIGEST",
        "ARN",
        "SUBNET",
        "SUBNETS",
        "URI",
        "URL",
        "ID",
        "COMMIT",
        "SHA",
        "BUILD",
    ];
    p.split(['_', '-']).any(|w| WORDS.contains(&w))
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
        for s in [
            "REGION",
            "EXECUTION_ROLE_ARN",
            "ACCOUNT_ID.dkr.ecr.REGION.amazonaws.com/app:latest",
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:IMAGE_TAG",
            "arn:aws:iam::AWS_ACCOUNT_ID:role/x",
            "arn:aws:secretsmanager:REGION:123456789012:secret:db",
            "your ECR url",
            "your-docker-image-url",
            "YOUR_ACCOUNT_ID.dkr.ecr.us-east-1.amazonaws.com/app:1",
            "subnet-id",
            "sg-xxxxxxxx",
            "subnet-ID",
        ] {
            assert!(is_placeholder_in_shaped_field(s), "{s}");
        }
        for s in [
            "us-west-2",
            "app:V1",
            "/prod/DB_PASSWORD",
            "PROD_DB_PASSWORD",
            "arn:aws:iam::123456789012:role/ECS_TASK_ROLE",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:PROD_DB-AbCdEf",
            "ECS_TASK_ROLE",
            "my-registry.example.com/team/app:RC_1",
            "subnet-0a1b2c3d4e5f67890",
            "sg-0123abcd",
            "yourls/yourls:6",
        ] {
            assert!(!is_placeholder_in_shaped_field(s), "{s}");
        }
        assert!(!is_placeholder("REGION"));
    }
}
