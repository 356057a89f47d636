//! ECS407 log-group-kms-key-unusable: a log group encrypted with a KMS key
//! that CloudWatch Logs cannot use is never created, so the tasks that log
//! to it never start.
//!
//! - `KmsKeyId` must be a key ARN (or alias ARN): a key id (what `!Ref` of
//!   an `AWS::KMS::Key` returns) or an alias name fails validation.
//! - The key policy of a key the inputs declare must let the CloudWatch Logs
//!   service principal (`logs.<region>.amazonaws.com`) use the key. The
//!   default key policy (no `KeyPolicy`) only hands the key to the account's
//!   IAM principals, and no IAM policy can grant a service principal. An
//!   unresolved principal or statement counts as allowing.

use crate::analysis::iam::{self, Decision, Effect, Part, Policy, Principal, PrincipalKind, PrincipalSpec};
use crate::finding::Resource;
use crate::model::context::KmsKey;
use crate::rules::{Ctx, Sink};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    let ctx = &cx.inv.context;
    let region = ctx.region.as_deref().unwrap_or("<region>");
    for g in &ctx.logs.groups {
        let Some(reference) = g.kms_key.str() else { continue };
        let name = g.logical_id.clone().or_else(|| g.name.str().map(str::to_string)).unwrap_or_default();
        let resource = Resource { kind: "log-group", name: name.clone() };
        let key = ctx.stores.key(reference);
        let key_name = key.map(|k| ctx.label(&k.id));
        if !reference.starts_with("arn:") {
            let f = out.report(
                g.kms_key.at,
                resource.clone(),
                format!("`KmsKeyId` of log group `{name}` is a key id, but CloudWatch Logs takes only a key ARN"),
            );
            match &key_name {
                Some(k) => {
                    f.evidence(format!(
                        "key `{k}` is named by its id; in a template, `!Ref` of a KMS key returns the id"
                    ));
                    f.fix(format!("Write `KmsKeyId: !GetAtt {k}.Arn`"));
                }
                None => {
                    f.fix("Give the key's ARN (`arn:aws:kms:<region>:<account>:key/<key-id>`)");
                }
            }
            // A key the inputs declare: its policy is the next failure,
            // reported now rather than after the next deploy.
        }
        let Some(key) = key else { continue };
        let service = format!("logs.{region}.amazonaws.com");
        // In a template the region is a stand-in: the fix spells it the
        // template's way.
        let principal = if g.logical_id.is_some() {
            "!Sub 'logs.${AWS::Region}.amazonaws.com'".to_string()
        } else {
            service.clone()
        };
        let k = key_name.unwrap_or_else(|| key.arn.clone());
        let evidence = match key.policy.get() {
            Some(p) if logs_may_use(p, &service, &key.arn) => continue,
            Some(_) => format!("no `Allow` statement of the key policy of `{k}` names `{service}` or any principal"),
            None if key.policy.is_missing() => {
                format!(
                    "key `{k}` has no `KeyPolicy`, so the default one applies: it lets only IAM principals of the account use the key"
                )
            }
            None => continue,
        };
        out.report(
            g.kms_key.at,
            resource,
            format!("Log group `{name}` is encrypted with KMS key `{k}`, whose key policy does not let CloudWatch Logs use it"),
        )
        .evidence(evidence)
        .evidence("creating the log group fails, and tasks that log to it cannot start")
        .fix(fix(key, &k, &principal));
    }
}

/// Does some `Allow` statement perhaps let `service` encrypt with the key?
fn logs_may_use(p: &Policy, service: &str, key_arn: &str) -> bool {
    p.statements.iter().any(|s| {
        if s.effect != Effect::Allow {
            return false;
        }
        let names_logs = match &s.principal {
            Some(PrincipalSpec::Principal(pr)) => principal_may_be(pr, service),
            Some(PrincipalSpec::NotPrincipal(_)) => true,
            None => false,
        };
        if !names_logs {
            return false;
        }
        let mut st = s.clone();
        st.principal = None;
        let one = Policy { statements: vec![st], ..p.clone() };
        ["kms:GenerateDataKey", "kms:Encrypt", "kms:Decrypt"]
            .iter()
            .any(|a| iam::evaluate(&[&one], a, key_arn).decision != Decision::NotAllowed)
    })
}

fn principal_may_be(p: &Principal, service: &str) -> bool {
    match p {
        Principal::Any | Principal::Unknown => true,
        Principal::Of(entries) => entries.iter().any(|e| match (&e.kind, &e.value) {
            (_, Part::Unknown) => true,
            (PrincipalKind::Aws, Part::Known(v)) => v == "*",
            (PrincipalKind::Service, Part::Known(v)) => v == service || v == "logs.amazonaws.com",
            _ => false,
        }),
    }
}

fn fix(key: &KmsKey, k: &str, service: &str) -> String {
    let keep = if key.policy.is_missing() {
        "Give the key a `KeyPolicy` that keeps the account's access (`Principal: {AWS: !Sub 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root'}`, `Action: kms:*`) and adds"
    } else {
        "Add to the key policy of `KEY`"
    };
    format!(
        "{} a statement for `Principal: {{Service: {service}}}` with `kms:Encrypt*`, `kms:Decrypt*`, `kms:ReEncrypt*`, `kms:GenerateDataKey*` and `kms:Describe*` on `*`",
        keep.replace("KEY", k)
    )
}
