//! ECS503 execution-role-lacks-secrets: the execution role, which fetches
//! a container's `secrets`, log `secretOptions` and registry credentials
//! before the container starts, may not read one of them.
//!
//! Resources:
//! - Secrets Manager: the ARN in `valueFrom` without its
//!   `:json-key:version-stage:version-id` tail. A partial ARN (no
//!   `-XXXXXX` suffix) stands for any suffix: policies that write
//!   `name-??????`, `name*` or the full ARN all count. A name in
//!   `repositoryCredentials` is a secret of the task's own Region.
//! - SSM Parameter Store: the ARN as given; a name is a parameter of the
//!   task's Region (`arn:<partition>:ssm:<region>:<account>:parameter/<name>`,
//!   without the leading `/`), which needs the Region the inputs deploy to.
//! - `kms:Decrypt`: only for a secret the inputs declare with a `KmsKeyId`
//!   naming a key they declare too. The key policy may allow the role by
//!   itself; an unknown key policy stays quiet. CloudFormation cannot
//!   create SecureString parameters, so no parameter key is known.

use super::access::{self, Access, Verdict, parse_arn, resource_policy_may_allow};
use crate::model::context::Stores;
use crate::model::{Container, F};
use crate::rules::{Ctx, Sink, container_resource};

/// Where a container names a secret.
enum Use {
    Env(String),
    LogOption(String),
    RegistryCredentials,
}

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    let stores = &cx.inv.context.stores;
    for (_, td) in cx.task_defs() {
        let Some(role) = access::role(cx, &td.execution_role) else { continue };
        for c in td.containers.items() {
            for (used, value) in references(c) {
                let Some(reference) = value.str().map(str::trim).filter(|s| !s.is_empty()) else { continue };
                let registry = matches!(used, Use::RegistryCredentials);
                let Some(target) = target(cx, &role, reference, registry) else { continue };
                let Some(failure) = verdict(&role, stores, &target) else { continue };
                let (v, key) = match &failure {
                    Failure::Read(v) => (v, None),
                    Failure::Decrypt(v, key) => (v, Some(key)),
                };
                let name = c.display_name();
                let what = match &used {
                    Use::Env(n) => format!("Secret `{n}` of container `{name}` comes"),
                    Use::LogOption(n) => format!("Log option `{n}` of container `{name}` comes"),
                    Use::RegistryCredentials => format!("The registry credentials of container `{name}` come"),
                };
                let (message, fix) = match key {
                    None => (
                        format!(
                            "{what} from `{}`, but execution role `{}` may not `{}` on it",
                            target.base,
                            role.label(),
                            v.action
                        ),
                        format!("Allow `{}` on `{}` in the execution role", v.action, target.policy_resource()),
                    ),
                    Some(key) => (
                        format!(
                            "{what} from `{}`, but execution role `{}` may not `kms:Decrypt` with its KMS key `{key}`",
                            target.base,
                            role.label()
                        ),
                        format!(
                            "Allow `kms:Decrypt` on `{}` in the execution role's policies, or for the role in the key policy",
                            v.resource
                        ),
                    ),
                };
                let f = out.report(value.at, container_resource(td, c), message);
                f.evidence(role.policies_line("execution role"));
                f.evidence(v.evidence());
                if target.named && target.secrets_manager {
                    f.evidence(format!(
                        "`{reference}` is a secret name: ECS reads that secret in the task's Region, whatever its 6-character suffix"
                    ));
                } else if target.named {
                    f.evidence(format!(
                        "`{reference}` is a parameter name: ECS reads that parameter in the task's Region"
                    ));
                } else if target.partial {
                    f.evidence(
                        "the ARN has no 6-character suffix, so it stands for the secret of that name whatever its suffix",
                    );
                }
                f.fix(access::fix_with_denies(fix, [v]));
            }
        }
    }
}

fn references(c: &Container) -> Vec<(Use, &F<String>)> {
    let mut v: Vec<(Use, &F<String>)> = Vec::new();
    for s in c.secrets.items() {
        v.push((Use::Env(s.name.str().unwrap_or("(unnamed)").to_string()), &s.value_from));
    }
    if let Some(log) = c.log.get() {
        for s in log.secret_options.items() {
            v.push((Use::LogOption(s.name.str().unwrap_or("(unnamed)").to_string()), &s.value_from));
        }
    }
    if !c.repository_credentials.is_missing() {
        v.push((Use::RegistryCredentials, &c.repository_credentials));
    }
    v
}

/// A secret or parameter as IAM sees it.
struct Target {
    /// Secrets Manager (`true`) or SSM Parameter Store.
    secrets_manager: bool,
    /// The ARN without a Secrets Manager reference's JSON key and version.
    base: String,
    /// A Secrets Manager ARN without its suffix.
    partial: bool,
    /// Given by name, not ARN.
    named: bool,
}

impl Target {
    /// The resource to write in a policy.
    fn policy_resource(&self) -> String {
        if self.partial { format!("{}-??????", self.base) } else { self.base.clone() }
    }
}

/// A Secrets Manager secret's name ends in `-` and six letters and digits
/// when the ARN is complete.
fn has_suffix(name: &str) -> bool {
    name.len() > 7
        && name.as_bytes()[name.len() - 7] == b'-'
        && name[name.len() - 6..].bytes().all(|b| b.is_ascii_alphanumeric())
}

fn target(cx: &Ctx<'_>, role: &Access<'_>, reference: &str, registry: bool) -> Option<Target> {
    if let Some(a) = parse_arn(reference) {
        return match a.service {
            "secretsmanager" => {
                let mut parts = a.resource.split(':');
                if parts.next() != Some("secret") {
                    return None;
                }
                let name = parts.next().filter(|n| !n.is_empty())?;
                let base = format!("arn:{}:secretsmanager:{}:{}:secret:{name}", a.partition, a.region, a.account);
                Some(Target { secrets_manager: true, base, partial: !has_suffix(name), named: false })
            }
            "ssm" if a.resource.starts_with("parameter/") => {
                Some(Target { secrets_manager: false, base: reference.to_string(), partial: false, named: false })
            }
            _ => None,
        };
    }
    // A name: a secret or parameter of the task's own Region and account.
    let region = cx.inv.context.region.as_deref()?;
    let (partition, account) = role.partition_account()?;
    if registry {
        let base = format!("arn:{partition}:secretsmanager:{region}:{account}:secret:{reference}");
        return Some(Target { secrets_manager: true, base, partial: !has_suffix(reference), named: true });
    }
    let name = reference.trim_start_matches('/');
    let base = format!("arn:{partition}:ssm:{region}:{account}:parameter/{name}");
    Some(Target { secrets_manager: false, base, partial: false, named: true })
}

enum Failure {
    Read(Verdict),
    /// With the `KmsKeyId` as the secret gives it.
    Decrypt(Verdict, String),
}

fn verdict(role: &Access<'_>, stores: &Stores, t: &Target) -> Option<Failure> {
    if !t.secrets_manager {
        let v = role.may("ssm:GetParameters", std::slice::from_ref(&t.base));
        return v.fails().then_some(Failure::Read(v));
    }
    // The ARNs the secret may have.
    let mut arns = Vec::new();
    if t.partial {
        arns.push(format!("{}-??????", t.base));
        arns.extend(role.suffixed_resources(&t.base));
    } else {
        arns.push(t.base.clone());
        // A name that merely ends like a suffix may still be partial.
        arns.push(format!("{}-??????", t.base));
    }
    let declared = stores.secret(&t.base);
    let read = role.may("secretsmanager:GetSecretValue", &arns);
    if read.fails() {
        let granted = declared.is_some_and(|s| {
            s.policies
                .iter()
                .any(|p| resource_policy_may_allow(p, &role.role.arn, "secretsmanager:GetSecretValue", &s.arn))
        });
        if !granted {
            return Some(Failure::Read(read));
        }
    }
    // Reading it works; decrypting needs the key the secret names.
    let secret = declared?;
    let key_id = secret.kms_key.str()?;
    let key = stores.key(key_id)?;
    let v = role.may("kms:Decrypt", std::slice::from_ref(&key.arn));
    if !v.fails() {
        return None;
    }
    match key.policy.get() {
        Some(p) if resource_policy_may_allow(p, &role.role.arn, "kms:Decrypt", &key.arn) => None,
        Some(_) => Some(Failure::Decrypt(v, key_id.to_string())),
        None if key.policy.is_missing() => Some(Failure::Decrypt(v, key_id.to_string())),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::context::{KmsKey, StoredSecret};
    use crate::source::{FileId, Loc};

    #[test]
    fn suffixes() {
        assert!(has_suffix("db-password-AbCdEf"));
        assert!(!has_suffix("db-password"));
        assert!(!has_suffix("-AbCdE"));
        assert!(!has_suffix("db-Ab_dEf"));
    }

    #[test]
    fn stores_find_secrets_and_keys_as_aws_names_them() {
        let at = Loc { file: FileId(0), off: 0 };
        let arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:web/db-a1b2c3";
        let stores = Stores {
            secrets: vec![StoredSecret { arn: arn.into(), at, kms_key: F::absent(at), policies: Vec::new() }],
            keys: vec![KmsKey {
                id: "1234abcd-12ab-34cd-56ef-1234567890ab".into(),
                arn: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab".into(),
                at,
                policy: F::absent(at),
                aliases: vec!["alias/web".into()],
            }],
            ..Stores::default()
        };
        assert!(stores.secret(arn).is_some());
        assert!(stores.secret("arn:aws:secretsmanager:us-east-1:123456789012:secret:web/db").is_some());
        assert!(stores.secret("web/db").is_some());
        assert!(stores.secret("web/d").is_none());
        assert!(stores.key("alias/web").is_some());
        assert!(stores.key("arn:aws:kms:us-east-1:123456789012:alias/web").is_some());
        assert!(stores.key("1234abcd-12ab-34cd-56ef-1234567890ab").is_some());
        assert!(stores.key("alias/other").is_none());
    }
}
