//! ECS114 plaintext-secret-in-environment: a container's `environment`
//! holds a secret in plain text. Findings name the variable and the reason,
//! never the value.

use crate::model::{EnvVar, Val};
use crate::rules::{Ctx, Sink, container_resource};
use regex::Regex;
use std::sync::LazyLock;

/// Static AWS keys: the SDKs prefer them to the task role.
const AWS_KEYS: &[&str] = &["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"];

/// Values that have the shape of a credential, whatever the variable's name.
static VALUE_PATTERNS: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    [
        ("an AWS access key ID", r"(?:^|[^A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?:$|[^A-Z0-9])"),
        ("a PEM private key", r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----"),
        ("a GitHub token", r"\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{22,})"),
        ("a GitLab token", r"\bglpat-[A-Za-z0-9_-]{20,}"),
        ("a Slack token", r"\b(?:xox[abposr]-[A-Za-z0-9-]{10,}|xapp-[0-9]+-[A-Za-z0-9-]{10,})"),
        ("a Stripe live secret key", r"\b[rs]k_live_[A-Za-z0-9]{16,}"),
        ("a Google API key", r"\bAIza[0-9A-Za-z_-]{35}"),
        ("an npm access token", r"\bnpm_[A-Za-z0-9]{36}"),
        ("a URL with an embedded password", r"^[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]*:[^/\s@]+@"),
    ]
    .into_iter()
    .map(|(label, re)| (label, Regex::new(re).expect("secret pattern compiles")))
    .collect()
});

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    for (_, td) in cx.task_defs() {
        for c in td.containers.items() {
            for e in c.environment.items() {
                let Some(reasons) = judge(e) else { continue };
                let var = match e.name.str() {
                    Some(n) => format!("Environment variable `{n}`"),
                    None => "An unnamed environment variable".to_string(),
                };
                let at = if e.value.is_missing() { e.at } else { e.value.at };
                let cname = c.display_name();
                let f = match reasons.aws_key {
                    true => out.report(
                        at,
                        container_resource(td, c),
                        format!("{var} of container `{cname}` holds a static AWS key in plain text"),
                    ),
                    false => out.report(
                        at,
                        container_resource(td, c),
                        format!("{var} of container `{cname}` holds a secret in plain text"),
                    ),
                };
                for r in &reasons.lines {
                    f.evidence(r.clone());
                }
                if reasons.aws_key {
                    f.fix("Remove the AWS keys and grant the permissions to the task role (`taskRoleArn`); deactivate and rotate the exposed keys");
                } else {
                    let name = e.name.str().unwrap_or("NAME");
                    f.fix(format!(
                        "Store the value in Secrets Manager or SSM Parameter Store and move the variable to `secrets` (`{{\"name\": \"{name}\", \"valueFrom\": \"<secret or parameter ARN>\"}}`); rotate it, since it was exposed"
                    ));
                }
            }
        }
    }
}

struct Reasons {
    aws_key: bool,
    /// Evidence lines: why it looks like a secret, never the value.
    lines: Vec<String>,
}

fn judge(e: &EnvVar) -> Option<Reasons> {
    let name = e.name.str();
    let mut r = Reasons { aws_key: false, lines: Vec::new() };
    if let Some(n) = name
        && AWS_KEYS.contains(&n)
    {
        // Any value, even a placeholder a pipeline fills in, is a static key.
        let has_value = match &e.value.val {
            Val::Known(v) => !v.trim().is_empty(),
            Val::Unknown(crate::model::Unknown::Placeholder) => true,
            _ => false,
        };
        if has_value {
            r.aws_key = true;
            r.lines.push(
                "the AWS SDKs read these variables before the task role, so the container acts with these keys instead of `taskRoleArn`"
                    .to_string(),
            );
            if e.value.is_placeholder() {
                r.lines.push(
                    "the value is filled in at deploy time, but it is still a static key in the task definition"
                        .to_string(),
                );
            }
        }
    }
    let value = e.value.str().map(str::trim).unwrap_or("");
    if !trivial(value) {
        for (label, re) in VALUE_PATTERNS.iter() {
            if re.is_match(value) {
                r.lines.push(format!("the value has the shape of {label}"));
            }
        }
        if !r.aws_key
            && let Some(word) = name.and_then(secret_word)
        {
            r.lines.push(format!("the name marks it as a secret (`{word}`) and the value is not empty"));
        }
    }
    (!r.lines.is_empty()).then_some(r)
}

/// Values that cannot be a secret: empty, booleans, `none`, or a reference
/// to one (an ARN).
fn trivial(v: &str) -> bool {
    const WORDS: &[&str] = &["true", "false", "yes", "no", "on", "off", "0", "1", "none", "null"];
    v.is_empty() || WORDS.iter().any(|w| v.eq_ignore_ascii_case(w)) || v.starts_with("arn:")
}

/// The secret word a variable name ends in (`DB_PASSWORD` → `PASSWORD`,
/// `STRIPE_API_KEY` → `API_KEY`), when the name looks like it holds a secret
/// rather than something about one (`PASSWORD_FILE`, `TOKEN_TTL`).
fn secret_word(name: &str) -> Option<String> {
    let mut tokens = tokens(name);
    while tokens.last().is_some_and(|t| t.bytes().all(|b| b.is_ascii_digit())) {
        tokens.pop();
    }
    // Flags and switches about secrets: `MYSQL_ALLOW_EMPTY_PASSWORD`,
    // `MYSQL_RANDOM_ROOT_PASSWORD`, `NEXT_PUBLIC_MAPBOX_TOKEN`.
    const FLAGS: &[&str] = &[
        "ALLOW", "EMPTY", "RANDOM", "GENERATE", "SKIP", "DISABLE", "DISABLED", "ENABLE", "ENABLED", "REQUIRE",
        "REQUIRED", "PUBLIC",
    ];
    if tokens.iter().any(|t| FLAGS.contains(&t.as_str())) {
        return None;
    }
    // `SECRET_KEY_BASE`, `TOKEN_VALUE`: the secret word is followed by one
    // of these.
    if tokens.len() >= 2 && matches!(tokens.last().map(String::as_str), Some("BASE" | "VALUE")) {
        tokens.pop();
    }
    let n = tokens.len();
    let last = tokens.last()?.as_str();
    const WORDS: &[&str] =
        &["PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "TOKEN", "APIKEY", "PRIVATEKEY", "SECRETKEY"];
    if WORDS.contains(&last) {
        return Some(last.to_string());
    }
    // Run together: `ROOTPASSWORD`, `AUTHTOKEN`.
    if let Some(w) = WORDS.iter().find(|w| last.ends_with(**w)) {
        return Some(w.to_string());
    }
    // Short forms only after a prefix: a bare `PWD` is the working directory.
    if n >= 2 && matches!(last, "PASS" | "PWD") {
        return Some(last.to_string());
    }
    const KEY_KINDS: &[&str] =
        &["API", "PRIVATE", "SECRET", "ACCESS", "SIGNING", "ENCRYPTION", "MASTER", "AUTH", "HMAC", "JWT", "LICENSE"];
    if n >= 2 && last == "KEY" && KEY_KINDS.contains(&tokens[n - 2].as_str()) {
        return Some(format!("{}_KEY", tokens[n - 2]));
    }
    None
}

/// Upper-cased words of a name: split at `_`, `-`, `.` and camelCase humps.
fn tokens(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        let chars: Vec<char> = part.chars().collect();
        let mut cur = String::new();
        for (i, &ch) in chars.iter().enumerate() {
            let boundary = i > 0
                && ch.is_ascii_uppercase()
                && (chars[i - 1].is_ascii_lowercase()
                    || (chars[i - 1].is_ascii_uppercase() && chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase())));
            if boundary && !cur.is_empty() {
                out.push(std::mem::take(&mut cur).to_ascii_uppercase());
            }
            cur.push(ch);
        }
        if !cur.is_empty() {
            out.push(cur.to_ascii_uppercase());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Inventory;
    use crate::model::load::load_json;
    use crate::rules::meta;
    use crate::source::FileId;

    fn run(json: &str) -> Vec<crate::finding::Finding> {
        let l = load_json(FileId(0), json).expect("parses");
        let mut inv = Inventory { task_defs: l.task_defs, ..Inventory::default() };
        inv.link();
        let cx = Ctx::new(&inv, meta::data());
        let mut sink = Sink::new("ECS114");
        check(&cx, &mut sink);
        sink.findings
    }

    fn env_td(pairs: &[(&str, &str)]) -> String {
        let env: Vec<String> =
            pairs.iter().map(|(n, v)| serde_json::json!({"name": n, "value": v}).to_string()).collect();
        format!(
            r#"{{"family": "t", "containerDefinitions": [{{"name": "app", "image": "nginx:1.27", "environment": [{}]}}]}}"#,
            env.join(",")
        )
    }

    #[test]
    fn secret_values_never_appear_in_findings() {
        let secrets = [
            ("DB_PASSWORD", "hunter2-correct-horse"),
            ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"),
            ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            ("SOME_SETTING", "AKIAIOSFODNN7EXAMPLE"),
            ("TLS_KEY", "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----"),
            ("GITHUB_TOKEN", "ghp_0123456789abcdefghijABCDEFGHIJ012345"),
            ("DATABASE_URL", "postgres://app:s3cr3t-pw@db.internal:5432/app"),
            ("apiKey", "k-1234567890"),
        ];
        let findings = run(&env_td(&secrets));
        assert_eq!(findings.len(), secrets.len(), "{findings:#?}");
        for f in &findings {
            let mut texts = vec![f.message.clone()];
            texts.extend(f.evidence.iter().cloned());
            texts.extend(f.fix.iter().cloned());
            for (_, value) in secrets {
                for piece in [value, &value[..8.min(value.len())]] {
                    for t in &texts {
                        assert!(!t.contains(piece), "finding text {t:?} contains the secret value {value:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn names_about_secrets_are_not_secrets() {
        let quiet = [
            ("DB_PASSWORD_FILE", "/run/secrets/db"),
            ("JWT_SECRET_PATH", "/etc/jwt"),
            ("DB_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:db"),
            ("SECRET_NAME", "prod/db"),
            ("CLIENT_ID", "abc123"),
            ("TOKEN_URL", "https://auth.example.com/token"),
            ("TOKEN_TTL", "3600"),
            ("PASSWORD_MIN_LENGTH", "12"),
            ("MYSQL_ALLOW_EMPTY_PASSWORD", "yes"),
            ("MYSQL_RANDOM_ROOT_PASSWORD", "true"),
            ("NEXT_PUBLIC_MAPBOX_TOKEN", "pk.abc"),
            ("DB_PASSWORD", ""),
            ("REDIS_PASSWORD", "false"),
            ("PWD", "/app"),
            ("SECRET_KEY", "{{SECRET_KEY}}"),
            ("DB_PASSWORD", "${DB_PASSWORD}"),
            ("API_TOKEN", "arn:aws:ssm:us-east-1:123456789012:parameter/api-token"),
            ("KEYSPACE", "prod"),
            ("PASSTHROUGH", "enabled"),
        ];
        let findings = run(&env_td(&quiet));
        assert!(findings.is_empty(), "{findings:#?}");
    }

    #[test]
    fn secret_words() {
        for (name, word) in [
            ("DB_PASSWORD", "PASSWORD"),
            ("POSTGRES_PASSWORD", "PASSWORD"),
            ("dbPassword", "PASSWORD"),
            ("ROOTPASSWORD", "PASSWORD"),
            ("STRIPE_API_KEY", "API_KEY"),
            ("apiKey", "API_KEY"),
            ("APIKEY", "APIKEY"),
            ("SECRET_KEY_BASE", "SECRET_KEY"),
            ("CLIENT_SECRET", "SECRET"),
            ("MYSQL_PWD", "PWD"),
            ("NEW_RELIC_LICENSE_KEY", "LICENSE_KEY"),
            ("SLACK_BOT_TOKEN", "TOKEN"),
            ("API_KEY_2", "API_KEY"),
        ] {
            assert_eq!(secret_word(name).as_deref(), Some(word), "{name}");
        }
        for name in ["PWD", "KEY", "CACHE_KEY", "TOKEN_HEADER", "PASSWORD_POLICY", "SECRETS_MANAGER_REGION"] {
            assert_eq!(secret_word(name), None, "{name}");
        }
    }
}
