//! ECS403 log-group-not-found: the awslogs driver writes to an existing log
//! group; it creates one only with `awslogs-create-group: "true"`.
//!
//! With a template's context (coverage `Template`), a group the template
//! does not create must already exist, which the template cannot show: an
//! info finding. With the account's context (coverage `Account`, live mode)
//! a group that is not there is missing: an error. Without context, or for
//! names the template does not determine, the rule is quiet. Only task
//! definitions of a template are checked against a template's groups.

use crate::finding::Severity;
use crate::model::Val;
use crate::model::read::MapEntry;
use crate::rules::{Ctx, Sink, container_resource};

/// What the awslogs driver reads as true (Go's `strconv.ParseBool`).
const TRUE: &[&str] = &["1", "t", "T", "TRUE", "true", "True"];

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    let logs = &cx.inv.context.logs;
    if !logs.coverage.is_loaded() {
        return;
    }
    let account = logs.coverage.is_complete();
    // A group whose name the template does not determine could be any.
    if logs.groups.iter().any(|g| g.name.get().is_none()) {
        return;
    }
    for (_, td) in cx.task_defs() {
        if !account && td.logical_id.is_none() {
            continue;
        }
        for c in td.containers.items() {
            let Some(log) = c.log.get() else { continue };
            if log.driver.str() != Some("awslogs") {
                continue;
            }
            let Val::Known(opts) = &log.options.val else { continue };
            let opt = |k: &str| opts.iter().find(|e: &&MapEntry| e.key == k);
            let Some(group) = opt("awslogs-group") else { continue };
            let Some(name) = group.value.str() else { continue };
            match opt("awslogs-create-group").map(|e| &e.value.val) {
                None | Some(Val::Absent | Val::Null) => {}
                Some(Val::Known(v)) if !TRUE.contains(&v.as_str()) => {}
                Some(_) => continue,
            }
            if logs.groups.iter().any(|g| g.name.str() == Some(name)) {
                continue;
            }
            // The account's groups were read in one Region: a group in
            // another is not known to be missing.
            let region = opt("awslogs-region").and_then(|e| e.value.str());
            if account && region.is_some_and(|r| cx.inv.context.region.as_deref() != Some(r)) {
                continue;
            }
            let res = container_resource(td, c);
            let f = if account {
                let f = out.report(
                    group.value.at,
                    res,
                    format!("Log group `{name}` of container `{}` does not exist", c.display_name()),
                );
                f.severity(Severity::Error);
                f.evidence("no log group of that name in the account and Region");
                f
            } else {
                let f = out.report(
                    group.value.at,
                    res,
                    format!(
                        "Log group `{name}` of container `{}` is not created by the template and must exist before the first task starts",
                        c.display_name()
                    ),
                );
                let made: Vec<String> = logs
                    .groups
                    .iter()
                    .filter(|g| g.at.file == td.at.file)
                    .filter_map(|g| g.name.str().map(|n| format!("`{n}`")))
                    .collect();
                if made.is_empty() {
                    f.evidence("the template creates no log group");
                } else {
                    f.evidence(format!("the template creates {}", made.join(", ")));
                }
                f
            };
            f.evidence("`awslogs-create-group` is not `\"true\"`");
            if td.logical_id.is_some() {
                f.fix(format!(
                    "Create the group in the template (`Type: AWS::Logs::LogGroup` with `LogGroupName: {name}`) \
                     and name it with `!Ref`, or set `awslogs-create-group: \"true\"` and allow \
                     `logs:CreateLogGroup` to the task execution role"
                ));
            } else {
                f.fix(format!(
                    "Create the group (`aws logs create-log-group --log-group-name {name}`), or set \
                     `\"awslogs-create-group\": \"true\"` and allow `logs:CreateLogGroup` to the task execution role"
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Inventory;
    use crate::model::context::Coverage;
    use crate::rules::{Ctx, Sink, meta};

    fn run(coverage: Coverage) -> Vec<crate::finding::Finding> {
        let text = std::fs::read_to_string("tests/fixtures/ECS403/bad.yaml").unwrap();
        let l = crate::model::load::load_file(crate::source::FileId(0), &text, true, &Default::default()).unwrap();
        let mut inv =
            Inventory { task_defs: l.task_defs, services: l.services, context: l.context, ..Default::default() };
        inv.context.logs.coverage = coverage;
        inv.link();
        let mut out = Sink::new("ECS403");
        super::check(&Ctx::new(&inv, meta::data()), &mut out);
        out.findings
    }

    #[test]
    fn missing_groups_are_errors_with_the_account_and_nothing_without_context() {
        let template = run(Coverage::Template);
        assert_eq!(template.len(), 2);
        assert!(template.iter().all(|f| f.severity.is_none()), "the record's info");
        let account = run(Coverage::Account);
        assert_eq!(account.len(), 2);
        assert!(account.iter().all(|f| f.severity == Some(crate::finding::Severity::Error)));
        assert!(account[0].message.ends_with("does not exist"), "{}", account[0].message);
        assert!(run(Coverage::NotLoaded).is_empty());
        assert!(run(Coverage::Failed("AccessDenied".into())).is_empty());
    }
}
