//! ECS116 secret-reference-invalid: a secret reference that can name neither
//! an SSM parameter nor a Secrets Manager secret the way ECS reads them.

use crate::model::{Container, Secret, TaskDef};
use crate::rules::{Ctx, Sink, container_resource};

/// What is wrong with a reference, and how to write it instead.
#[derive(Debug)]
struct Problem {
    what: String,
    fix: String,
}

fn problem(what: impl Into<String>, fix: impl Into<String>) -> Problem {
    Problem { what: what.into(), fix: fix.into() }
}

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    let partitions = &cx.data.limits.arn_partitions;
    for (_, td) in cx.task_defs() {
        for c in td.containers.items() {
            for s in c.secrets.items() {
                check_secret(out, td, c, s, "Secret", partitions);
            }
            if let Some(log) = c.log.get() {
                for s in log.secret_options.items() {
                    check_secret(out, td, c, s, "Log secret option", partitions);
                }
            }
            if let Some(v) = c.repository_credentials.str()
                && let Err(p) = registry_credentials(v, partitions)
            {
                out.report(
                    c.repository_credentials.at,
                    container_resource(td, c),
                    format!(
                        "Registry credentials of container `{}`: `credentialsParameter` {}",
                        c.display_name(),
                        p.what
                    ),
                )
                .fix(p.fix);
            }
        }
    }
}

fn check_secret(out: &mut Sink, td: &TaskDef, c: &Container, s: &Secret, kind: &str, partitions: &[String]) {
    let label = match s.name.str() {
        Some(n) => format!("{kind} `{n}` of container `{}`", c.display_name()),
        None => format!("{kind} of container `{}`", c.display_name()),
    };
    if s.value_from.is_missing() {
        out.report(s.value_from.at, container_resource(td, c), format!("{label} has no `valueFrom`"))
            .fix("Set `valueFrom` to a Secrets Manager secret ARN, or an SSM parameter name or ARN");
        return;
    }
    let Some(v) = s.value_from.str() else { return };
    if let Err(p) = secret_value_from(v, partitions) {
        out.report(s.value_from.at, container_resource(td, c), format!("{label}: `valueFrom` {}", p.what)).fix(p.fix);
    }
}

/// `secrets[].valueFrom`: a Secrets Manager secret ARN (optionally with
/// `:json-key:version-stage:version-id`), or an SSM parameter name or ARN.
fn secret_value_from(v: &str, partitions: &[String]) -> Result<(), Problem> {
    if !v.starts_with("arn:") {
        return ssm_name(v).map_err(|why| {
            let fix = if v.contains('/') && !v.starts_with('/') && ssm_name(&format!("/{v}")).is_ok() {
                format!("Give a parameter by its full name (`/{v}`) or ARN; give a Secrets Manager secret by its full ARN (`arn:aws:secretsmanager:<region>:<account>:secret:{v}`)")
            } else {
                "Give an SSM parameter by its name (`/app/db/password`) or ARN, or a Secrets Manager secret by its full ARN".to_string()
            };
            problem(format!("`{v}` is not an SSM parameter name ({why}), nor an ARN"), fix)
        });
    }
    let arn = parse_arn(v, partitions)?;
    match arn.service {
        "secretsmanager" => secretsmanager_resource(v, arn.resource, true),
        "ssm" => ssm_arn_resource(v, arn.resource),
        other => Err(problem(
            format!(
                "`{v}` is an ARN of `{other}`; ECS reads secrets only from Secrets Manager and SSM Parameter Store"
            ),
            "Point `valueFrom` at the Secrets Manager secret or SSM parameter that holds the value",
        )),
    }
}

/// `repositoryCredentials.credentialsParameter`: a Secrets Manager secret,
/// by ARN or (same Region) by name.
fn registry_credentials(v: &str, partitions: &[String]) -> Result<(), Problem> {
    let fix = "Name the Secrets Manager secret that holds `username` and `password`, by ARN or by name";
    if !v.starts_with("arn:") {
        if v.is_empty() {
            return Err(problem("is empty", fix));
        }
        let bad = bad_chars(v, |c| c.is_ascii_alphanumeric() || "/_+=.@-".contains(c));
        if !bad.is_empty() {
            return Err(problem(format!("`{v}` is not a Secrets Manager secret name: it contains {bad}"), fix));
        }
        return Ok(());
    }
    let arn = parse_arn(v, partitions)?;
    match arn.service {
        "secretsmanager" => secretsmanager_resource(v, arn.resource, false),
        "ssm" => Err(problem(
            format!("`{v}` is an SSM parameter; private registry credentials must be a Secrets Manager secret"),
            "Store the registry credentials as a Secrets Manager secret and name it here",
        )),
        other => Err(problem(format!("`{v}` is an ARN of `{other}`, not of a Secrets Manager secret"), fix)),
    }
}

struct Arn<'a> {
    service: &'a str,
    resource: &'a str,
}

/// `arn:partition:service:region:account:resource`, with a region and
/// account as the secret services need them.
fn parse_arn<'a>(v: &'a str, partitions: &[String]) -> Result<Arn<'a>, Problem> {
    let parts: Vec<&str> = v.splitn(6, ':').collect();
    let &[_, partition, service, region, account, resource] = parts.as_slice() else {
        return Err(problem(
            format!("`{v}` is not a complete ARN (`arn:<partition>:<service>:<region>:<account>:<resource>`)"),
            "Copy the full ARN from the Secrets Manager or Systems Manager console",
        ));
    };
    if !partitions.iter().any(|p| p == partition) {
        let known: Vec<String> = partitions.iter().map(|p| format!("`{p}`")).collect();
        return Err(problem(
            format!("`{v}` has partition `{partition}`; expected {}", known.join(", ")),
            "Use the partition of the Region the secret is in (`aws` for most Regions)",
        ));
    }
    if !matches!(service, "secretsmanager" | "ssm") {
        return Ok(Arn { service, resource });
    }
    if region.is_empty() {
        return Err(problem(format!("`{v}` has no Region"), "Put the Region of the secret in the ARN"));
    }
    if !is_region(region) {
        return Err(problem(
            format!("`{v}` has `{region}` where a Region (`us-east-1`) belongs"),
            "Put the Region of the secret in the ARN",
        ));
    }
    if !(account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())) {
        return Err(problem(
            format!("`{v}` has `{account}` where a 12-digit account ID belongs"),
            "Put the account ID that owns the secret in the ARN",
        ));
    }
    Ok(Arn { service, resource })
}

fn is_region(r: &str) -> bool {
    let parts: Vec<&str> = r.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[..parts.len() - 1].iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts.last().is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// `secret:<name>`, or with `json_key` allowed,
/// `secret:<name>:<json-key>:<version-stage>:<version-id>`.
fn secretsmanager_resource(v: &str, resource: &str, json_key: bool) -> Result<(), Problem> {
    let Some(rest) = resource.strip_prefix("secret:") else {
        return Err(problem(
            format!("`{v}` is a Secrets Manager ARN without `secret:<name>` at the end"),
            "Copy the secret's full ARN (`arn:aws:secretsmanager:<region>:<account>:secret:<name>`) from the Secrets Manager console",
        ));
    };
    let fields: Vec<&str> = rest.split(':').collect();
    let name = fields[0];
    if name.is_empty() {
        return Err(problem(format!("`{v}` has an empty secret name"), "Put the secret's name after `secret:`"));
    }
    let bad = bad_chars(name, |c| c.is_ascii_alphanumeric() || "/_+=.@-".contains(c));
    if !bad.is_empty() {
        return Err(problem(
            format!("`{v}` has a secret name with {bad}, which Secrets Manager names cannot hold"),
            "Copy the secret's ARN from the Secrets Manager console",
        ));
    }
    match (fields.len(), json_key) {
        (1, _) => Ok(()),
        (4, true) => Ok(()),
        (n @ (2 | 3), true) => {
            let fill = ":".repeat(4 - n);
            Err(problem(
                format!(
                    "`{v}` has {} after the secret name; ECS accepts none or exactly three (`:<json-key>:<version-stage>:<version-id>`, which may be empty)",
                    fields_word(n - 1)
                ),
                format!("Add the missing empty fields: `{v}{fill}`"),
            ))
        }
        (n, true) => Err(problem(
            format!(
                "`{v}` has {} after the secret name; ECS accepts none or exactly three (`:<json-key>:<version-stage>:<version-id>`)",
                fields_word(n - 1)
            ),
            "Keep `secret:<name>` and at most `:<json-key>:<version-stage>:<version-id>`",
        )),
        (_, false) => Err(problem(
            format!("`{v}` selects a JSON key or version; registry credentials take the whole secret"),
            format!("Name the secret itself: `{}`", v.trim_end_matches(&rest[name.len()..])),
        )),
    }
}

fn fields_word(n: usize) -> String {
    if n == 1 { "1 `:`-separated field".to_string() } else { format!("{n} `:`-separated fields") }
}

/// `parameter/<name>` in an SSM ARN.
fn ssm_arn_resource(v: &str, resource: &str) -> Result<(), Problem> {
    let Some(rest) = resource.strip_prefix("parameter/") else {
        return Err(problem(
            format!("`{v}` is an SSM ARN but not of a parameter (`parameter/<name>`)"),
            "Copy the parameter's ARN: `arn:aws:ssm:<region>:<account>:parameter/<name>`",
        ));
    };
    if rest.trim_start_matches('/').is_empty() {
        return Err(problem(format!("`{v}` has no parameter name"), "Put the parameter's name after `parameter/`"));
    }
    // `parameter/db` names `db`; `parameter/prod/db` names `/prod/db`.
    let name = if rest.contains('/') { format!("/{}", rest.trim_start_matches('/')) } else { rest.to_string() };
    ssm_name(&name).map_err(|why| {
        problem(
            format!("`{v}` names an invalid SSM parameter ({why})"),
            "Copy the parameter's ARN from the Parameter Store console",
        )
    })
}

/// An SSM parameter name, optionally with a `:version` or `:label` selector.
/// `Err` says what is wrong.
fn ssm_name(v: &str) -> Result<(), String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "_.-/".contains(c);
    let name = match v.split_once(':') {
        Some((n, sel)) if !sel.is_empty() && sel.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c)) => n,
        _ => v,
    };
    if name.is_empty() {
        return Err("it is empty".into());
    }
    let bad = bad_chars(name, allowed);
    if !bad.is_empty() {
        return Err(format!("it contains {bad}"));
    }
    if name.contains('/') && !name.starts_with('/') {
        return Err("a name with `/` must start with `/`".into());
    }
    if !name.contains('/') {
        let lower = name.to_ascii_lowercase();
        if lower.starts_with("aws") || lower.starts_with("ssm") {
            return Err("names may not start with `aws` or `ssm`".into());
        }
    }
    if name.matches('/').count() > 15 {
        return Err("it has more than 15 levels".into());
    }
    Ok(())
}

/// "`:` and ` `" for the characters of `s` that `ok` rejects.
fn bad_chars(s: &str, ok: impl Fn(char) -> bool) -> String {
    let mut bad: Vec<char> = Vec::new();
    for c in s.chars().filter(|c| !ok(*c)) {
        if !bad.contains(&c) {
            bad.push(c);
        }
    }
    let shown: Vec<String> = bad
        .iter()
        .take(5)
        .map(|c| match c {
            ' ' => "a space".to_string(),
            c if c.is_whitespace() || c.is_control() => format!("`{}`", c.escape_debug()),
            c => format!("`{c}`"),
        })
        .collect();
    match shown.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts() -> Vec<String> {
        ["aws", "aws-cn", "aws-us-gov"].map(String::from).to_vec()
    }

    #[test]
    fn accepts_what_ecs_reads() {
        for v in [
            "/prod/db/password",
            "db_password",
            "/prod/db/password:3",
            "/aws/reference/secretsmanager/prod/db",
            "arn:aws:ssm:us-east-1:123456789012:parameter/prod/db/password",
            "arn:aws:ssm:us-east-1:123456789012:parameter/db_password",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf:password::",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:db:password:AWSPREVIOUS:",
            "arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:db",
            "arn:aws-cn:ssm:cn-north-1:123456789012:parameter/db",
        ] {
            assert!(secret_value_from(v, &parts()).is_ok(), "{v}: {:?}", secret_value_from(v, &parts()));
        }
        for v in ["prod/registry", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/registry-AbCdEf"] {
            assert!(registry_credentials(v, &parts()).is_ok(), "{v}");
        }
    }

    #[test]
    fn rejects_what_ecs_cannot_read() {
        for v in [
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:db:password",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:db:password:AWSCURRENT",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:db:a:b:c:d",
            "arn:aws:secretsmanager:us-east-1:123456789012:db",
            "arn:aws:secretsmanager:us-east-1:1234:secret:db",
            "arn:aws:secretsmanager::123456789012:secret:db",
            "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws:ssm:us-east-1:123456789012:db",
            "arn:aws:ssm:us-east-1:123456789012",
            "arn:amazon:ssm:us-east-1:123456789012:parameter/db",
            "prod/db/password",
            "awsDbPassword",
            "db password",
            "ssm:/prod/db",
        ] {
            assert!(secret_value_from(v, &parts()).is_err(), "{v}");
        }
        for v in [
            "arn:aws:ssm:us-east-1:123456789012:parameter/registry",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:registry:username::",
            "registry creds",
        ] {
            assert!(registry_credentials(v, &parts()).is_err(), "{v}");
        }
    }
}
