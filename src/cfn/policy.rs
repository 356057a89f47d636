//! IAM policy documents written in a template (resolved, so parts may be
//! unknown) into the policy evaluator's types.

use crate::analysis::iam::{
    ActionSpec, Condition, Effect, Part, Policy, Principal, PrincipalSpec, ResourceSpec, Statement,
};
use crate::source::json::{Kind, Node};

fn parts(n: &Node<'_>) -> Vec<Part> {
    match &n.kind {
        Kind::Arr(items) => items.iter().flat_map(parts).collect(),
        Kind::Str(s) | Kind::Num(s) => vec![Part::Known(s.to_string())],
        _ => vec![Part::Unknown],
    }
}

/// A statement the template does not determine: it may allow anything, so
/// every question it could answer becomes unknown rather than denied.
fn unknown_statement() -> Statement {
    Statement::new(Effect::Allow, ActionSpec::Action(vec![Part::Unknown])).resources(vec![Part::Unknown])
}

fn principal(n: &Node<'_>) -> Principal {
    match &n.kind {
        Kind::Str(s) if s == "*" => Principal::Any,
        Kind::Obj(members) => {
            let mut p = Principal::Of(Vec::new());
            for m in members {
                let kind = match m.key.as_ref() {
                    "Service" => crate::analysis::iam::PrincipalKind::Service,
                    "AWS" => crate::analysis::iam::PrincipalKind::Aws,
                    "Federated" => crate::analysis::iam::PrincipalKind::Federated,
                    "CanonicalUser" => crate::analysis::iam::PrincipalKind::CanonicalUser,
                    _ => return Principal::Unknown,
                };
                for value in parts(&m.value) {
                    if kind == crate::analysis::iam::PrincipalKind::Aws && value.as_known() == Some("*") {
                        return Principal::Any;
                    }
                    if let Principal::Of(v) = &mut p {
                        v.push(crate::analysis::iam::PrincipalEntry { kind, value });
                    }
                }
            }
            p
        }
        _ => Principal::Unknown,
    }
}

fn condition(n: &Node<'_>) -> Condition {
    let mut c = Condition::new();
    match &n.kind {
        Kind::Obj(ops) => {
            for op in ops {
                match &op.value.kind {
                    Kind::Obj(keys) => {
                        for k in keys {
                            c = c.with(&op.key, &k.key, parts(&k.value));
                        }
                    }
                    _ => c = c.with(&op.key, "<unresolved>", vec![Part::Unknown]),
                }
            }
        }
        _ => c = c.with("<unresolved>", "<unresolved>", vec![Part::Unknown]),
    }
    c
}

fn statement(n: &Node<'_>) -> Statement {
    let Kind::Obj(_) = &n.kind else { return unknown_statement() };
    let effect = match n.get("Effect").and_then(Node::as_str) {
        Some("Allow") => Effect::Allow,
        Some("Deny") => Effect::Deny,
        _ => return unknown_statement(),
    };
    let action = match (n.get("Action"), n.get("NotAction")) {
        (Some(a), None) => ActionSpec::Action(parts(a)),
        (None, Some(a)) => ActionSpec::NotAction(parts(a)),
        _ => return unknown_statement(),
    };
    let mut s = Statement::new(effect, action);
    if let Some(sid) = n.get("Sid").and_then(Node::as_str) {
        s = s.sid(sid);
    }
    s.resource = match (n.get("Resource"), n.get("NotResource")) {
        (Some(r), _) => Some(ResourceSpec::Resource(parts(r))),
        (None, Some(r)) => Some(ResourceSpec::NotResource(parts(r))),
        _ => None,
    };
    s.principal = match (n.get("Principal"), n.get("NotPrincipal")) {
        (Some(p), _) => Some(PrincipalSpec::Principal(principal(p))),
        (None, Some(p)) => Some(PrincipalSpec::NotPrincipal(principal(p))),
        _ => None,
    };
    if let Some(c) = n.get("Condition") {
        s.condition = Some(condition(c));
    }
    s
}

/// A policy document from a resolved template value (a mapping, or a JSON
/// string as some templates write it).
pub fn from_node(name: &str, n: &Node<'_>) -> Policy {
    if let Kind::Str(text) = &n.kind {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(text)
            && let Ok(p) = Policy::from_json(&v)
        {
            return p.named(name);
        }
        return Policy::new(name, vec![unknown_statement()]);
    }
    let statements = match n.get("Statement").map(|s| &s.kind) {
        Some(Kind::Arr(items)) => items.iter().map(statement).collect(),
        Some(_) => vec![statement(n.get("Statement").expect("present"))],
        None => vec![unknown_statement()],
    };
    Policy::new(name, statements)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::iam::{Decision, evaluate, trusts};
    use crate::source::yaml;

    #[test]
    fn template_policies_evaluate() {
        let (doc, _) = yaml::parse(
            "Statement:\n  - Effect: Allow\n    Action: [logs:CreateLogStream, logs:PutLogEvents]\n    Resource: 'arn:aws:logs:us-east-1:123456789012:log-group:/ecs/web:*'\n",
        )
        .unwrap();
        let p = from_node("inline", &doc);
        let arn = "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/web:log-stream:web/app/1";
        assert_eq!(evaluate(&[&p], "logs:PutLogEvents", arn).decision, Decision::Allowed);
        assert_eq!(evaluate(&[&p], "logs:CreateLogGroup", arn).decision, Decision::NotAllowed);
        let (trust, _) = yaml::parse(
            "Statement:\n  - Effect: Allow\n    Principal: {Service: [ecs-tasks.amazonaws.com]}\n    Action: sts:AssumeRole\n",
        )
        .unwrap();
        assert_eq!(trusts(&from_node("trust", &trust), "ecs-tasks.amazonaws.com"), Decision::Allowed);
        assert_eq!(trusts(&from_node("trust", &trust), "events.amazonaws.com"), Decision::NotAllowed);
    }

    #[test]
    fn unresolved_parts_make_answers_unknown() {
        let doc = Node { off: 0, kind: Kind::Unknown };
        let p = from_node("x", &doc);
        assert_eq!(evaluate(&[&p], "logs:PutLogEvents", "arn:aws:logs:x").decision, Decision::Unknown);
    }
}
