//! IAM policy evaluation for the questions rules ask before a deploy: "may
//! this role do X on Y?" and "does this role trust service S?".
//!
//! Policies come from CloudFormation templates (where a part may be
//! unresolved: a `Resource` built from a parameter with no default) and from
//! the AWS managed policies shipped under `rules/data/managed-policies/`.
//!
//! # What is modelled
//!
//! - Explicit `Deny` wins over any `Allow`; nothing allowed is an implicit
//!   deny ([`Decision::NotAllowed`]).
//! - `Action`/`NotAction`: case-insensitive, `*` and `?` wildcards.
//!   `NotAction` applies to every action except those listed.
//! - `Resource`/`NotResource`: case-sensitive, `*` and `?` wildcards. An ARN
//!   is matched segment by segment (partition, service, region, account), and
//!   a wildcard in the resource segment may span `:` and `/`
//!   (`arn:aws:logs:*:*:log-group:/ecs/*:*`). `NotResource` applies to every
//!   resource except those listed. A request resource of `*` stands for "no
//!   resource" (actions such as `ecr:GetAuthorizationToken`): only a `*`
//!   pattern covers it.
//! - Policy variables (`${aws:username}`) in resources of a `2012-10-17`
//!   policy depend on the request, so a statement that needs one to match is
//!   conditional; `${*}`, `${?}` and `${$}` stand for the literal characters.
//!   Policies without `Version` (or `2008-10-17`) treat `${…}` literally, as
//!   IAM does.
//! - A `Condition` is never evaluated: a statement with one gives
//!   [`Decision::Conditional`], and its keys are kept for the evidence.
//! - [`Part::Unknown`] (an unresolved value) makes a statement *maybe* match;
//!   the result is [`Decision::Unknown`] only when that statement could change
//!   the answer.
//!
//! # What is not modelled
//!
//! Permission boundaries, session policies, service control and resource
//! control policies, resource-based policies (a bucket or key policy that
//! allows or denies on its own side), cross-account rules, the evaluation of
//! condition operators against a request context, and which actions support
//! which resource types (the caller passes the resource the action acts on).
//! [`evaluate`] looks only at identity-policy statements (no `Principal`);
//! [`trusts`] only at trust statements (with one).

use serde::Deserialize;
use serde_json::Value;
use std::fmt;
use std::sync::OnceLock;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_policies.rs"));
}

/// A string element of a policy that may be unresolved (a CloudFormation
/// parameter without a default, an import, an attribute of a resource that
/// does not exist yet).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Part {
    Known(String),
    Unknown,
}

impl Part {
    pub fn known(s: impl Into<String>) -> Part {
        Part::Known(s.into())
    }

    pub fn as_known(&self) -> Option<&str> {
        match self {
            Part::Known(s) => Some(s),
            Part::Unknown => None,
        }
    }
}

impl From<&str> for Part {
    fn from(s: &str) -> Part {
        Part::Known(s.to_string())
    }
}

impl From<String> for Part {
    fn from(s: String) -> Part {
        Part::Known(s)
    }
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Part::Known(s) => f.write_str(s),
            Part::Unknown => f.write_str("<unresolved>"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// `Action` or `NotAction`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionSpec {
    Action(Vec<Part>),
    NotAction(Vec<Part>),
}

/// `Resource` or `NotResource`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourceSpec {
    Resource(Vec<Part>),
    NotResource(Vec<Part>),
}

/// `Principal` or `NotPrincipal` (trust and resource-based policies).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalSpec {
    Principal(Principal),
    NotPrincipal(Principal),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// `"*"`.
    Any,
    /// The whole element is unresolved.
    Unknown,
    /// `{"Service": …, "AWS": …}`: any of the entries.
    Of(Vec<PrincipalEntry>),
}

impl Principal {
    /// `{"Service": "<service>"}`.
    pub fn service(service: impl Into<Part>) -> Principal {
        Principal::Of(vec![PrincipalEntry { kind: PrincipalKind::Service, value: service.into() }])
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalEntry {
    pub kind: PrincipalKind,
    pub value: Part,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalKind {
    Aws,
    Service,
    Federated,
    CanonicalUser,
}

impl PrincipalKind {
    fn parse(s: &str) -> Option<PrincipalKind> {
        Some(match s {
            "AWS" => PrincipalKind::Aws,
            "Service" => PrincipalKind::Service,
            "Federated" => PrincipalKind::Federated,
            "CanonicalUser" => PrincipalKind::CanonicalUser,
            _ => return None,
        })
    }
}

/// A `Condition` block. It is not evaluated; its presence makes a statement
/// conditional and its keys name what it depends on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Condition {
    pub clauses: Vec<ConditionClause>,
}

/// One `operator: { key: values }` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionClause {
    pub operator: String,
    pub key: String,
    pub values: Vec<Part>,
}

impl Condition {
    pub fn new() -> Condition {
        Condition::default()
    }

    pub fn with(mut self, operator: &str, key: &str, values: impl IntoIterator<Item = impl Into<Part>>) -> Condition {
        self.clauses.push(ConditionClause {
            operator: operator.to_string(),
            key: key.to_string(),
            values: values.into_iter().map(Into::into).collect(),
        });
        self
    }

    /// The condition keys, in order, without repeats.
    pub fn keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = Vec::new();
        for c in &self.clauses {
            if !keys.contains(&c.key) {
                keys.push(c.key.clone());
            }
        }
        keys
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    pub action: ActionSpec,
    pub resource: Option<ResourceSpec>,
    pub principal: Option<PrincipalSpec>,
    pub condition: Option<Condition>,
}

fn parts(items: impl IntoIterator<Item = impl Into<Part>>) -> Vec<Part> {
    items.into_iter().map(Into::into).collect()
}

impl Statement {
    pub fn new(effect: Effect, action: ActionSpec) -> Statement {
        Statement { sid: None, effect, action, resource: None, principal: None, condition: None }
    }

    /// `Effect: Allow` with `Action`.
    pub fn allow(actions: impl IntoIterator<Item = impl Into<Part>>) -> Statement {
        Statement::new(Effect::Allow, ActionSpec::Action(parts(actions)))
    }

    /// `Effect: Deny` with `Action`.
    pub fn deny(actions: impl IntoIterator<Item = impl Into<Part>>) -> Statement {
        Statement::new(Effect::Deny, ActionSpec::Action(parts(actions)))
    }

    pub fn sid(mut self, sid: &str) -> Statement {
        self.sid = Some(sid.to_string());
        self
    }

    pub fn resources(mut self, resources: impl IntoIterator<Item = impl Into<Part>>) -> Statement {
        self.resource = Some(ResourceSpec::Resource(parts(resources)));
        self
    }

    pub fn not_resources(mut self, resources: impl IntoIterator<Item = impl Into<Part>>) -> Statement {
        self.resource = Some(ResourceSpec::NotResource(parts(resources)));
        self
    }

    pub fn principal(mut self, principal: Principal) -> Statement {
        self.principal = Some(PrincipalSpec::Principal(principal));
        self
    }

    pub fn not_principal(mut self, principal: Principal) -> Statement {
        self.principal = Some(PrincipalSpec::NotPrincipal(principal));
        self
    }

    pub fn condition(mut self, condition: Condition) -> Statement {
        self.condition = Some(condition);
        self
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// How evidence names the policy: a managed policy's name, a
    /// CloudFormation logical id, an inline policy's `PolicyName`.
    pub name: String,
    /// `Version`, when the document has one.
    pub version: Option<String>,
    pub id: Option<String>,
    pub statements: Vec<Statement>,
}

impl Policy {
    /// A policy built in code, with `Version: 2012-10-17`.
    pub fn new(name: impl Into<String>, statements: Vec<Statement>) -> Policy {
        Policy { name: name.into(), version: Some("2012-10-17".into()), id: None, statements }
    }

    pub fn named(mut self, name: impl Into<String>) -> Policy {
        self.name = name.into();
        self
    }

    /// Reads a policy document in the JSON form IAM accepts (single values
    /// or lists, `"*"`). `Err` says what IAM would reject. The policy is
    /// named `policy` until [`Policy::named`].
    pub fn from_json(v: &Value) -> Result<Policy, String> {
        let obj = v.as_object().ok_or("a policy document must be a JSON object")?;
        for k in obj.keys() {
            if !matches!(k.as_str(), "Version" | "Id" | "Statement") {
                return Err(format!("unknown policy element `{k}` (a policy has Version, Id and Statement)"));
            }
        }
        let version = match obj.get("Version") {
            None => None,
            Some(Value::String(s)) if s == "2012-10-17" || s == "2008-10-17" => Some(s.clone()),
            Some(other) => return Err(format!("`Version` must be \"2012-10-17\" (or \"2008-10-17\"), found {other}")),
        };
        let id = match obj.get("Id") {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => return Err(format!("`Id` must be a string, found {other}")),
        };
        let raw = match obj.get("Statement") {
            None => return Err("the policy has no `Statement`".into()),
            Some(Value::Array(a)) if a.is_empty() => return Err("`Statement` is an empty list".into()),
            Some(Value::Array(a)) => a.iter().collect::<Vec<_>>(),
            Some(o @ Value::Object(_)) => vec![o],
            Some(other) => return Err(format!("`Statement` must be an object or a list of objects, found {other}")),
        };
        let mut statements = Vec::with_capacity(raw.len());
        for (i, s) in raw.into_iter().enumerate() {
            statements.push(statement_from_json(s).map_err(|e| format!("statement {}: {e}", i + 1))?);
        }
        Ok(Policy { name: "policy".into(), version, id, statements })
    }

    fn variables(&self) -> bool {
        self.version.as_deref() == Some("2012-10-17")
    }

    /// A copy whose ARNs name `partition` (`aws-cn`, `aws-us-gov`) instead
    /// of `aws`.
    fn in_partition(&self, partition: &str) -> Policy {
        let from = "arn:aws:";
        let to = format!("arn:{partition}:");
        let fix = |ps: &Vec<Part>| -> Vec<Part> {
            ps.iter()
                .map(|p| match p {
                    Part::Known(s) if s.starts_with(from) => Part::Known(format!("{to}{}", &s[from.len()..])),
                    other => other.clone(),
                })
                .collect()
        };
        let mut out = self.clone();
        for s in &mut out.statements {
            s.resource = s.resource.as_ref().map(|r| match r {
                ResourceSpec::Resource(ps) => ResourceSpec::Resource(fix(ps)),
                ResourceSpec::NotResource(ps) => ResourceSpec::NotResource(fix(ps)),
            });
        }
        out
    }
}

fn statement_from_json(v: &Value) -> Result<Statement, String> {
    let obj = v.as_object().ok_or_else(|| format!("a statement must be an object, found {v}"))?;
    for k in obj.keys() {
        if !matches!(
            k.as_str(),
            "Sid"
                | "Effect"
                | "Action"
                | "NotAction"
                | "Resource"
                | "NotResource"
                | "Principal"
                | "NotPrincipal"
                | "Condition"
        ) {
            return Err(format!(
                "unknown element `{k}` (a statement has Sid, Effect, Action or NotAction, Resource or NotResource, Principal or NotPrincipal, Condition)"
            ));
        }
    }
    let sid = match obj.get("Sid") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => return Err(format!("`Sid` must be a string, found {other}")),
    };
    let effect = match obj.get("Effect") {
        Some(Value::String(s)) if s == "Allow" => Effect::Allow,
        Some(Value::String(s)) if s == "Deny" => Effect::Deny,
        Some(other) => return Err(format!("`Effect` must be \"Allow\" or \"Deny\", found {other}")),
        None => return Err("the statement has no `Effect`".into()),
    };
    let action = match (obj.get("Action"), obj.get("NotAction")) {
        (Some(_), Some(_)) => return Err("a statement has `Action` or `NotAction`, not both".into()),
        (None, None) => return Err("the statement has neither `Action` nor `NotAction`".into()),
        (Some(a), None) => ActionSpec::Action(string_list(a, "Action", check_action)?),
        (None, Some(a)) => ActionSpec::NotAction(string_list(a, "NotAction", check_action)?),
    };
    let resource = match (obj.get("Resource"), obj.get("NotResource")) {
        (Some(_), Some(_)) => return Err("a statement has `Resource` or `NotResource`, not both".into()),
        (None, None) => None,
        (Some(r), None) => Some(ResourceSpec::Resource(string_list(r, "Resource", check_resource)?)),
        (None, Some(r)) => Some(ResourceSpec::NotResource(string_list(r, "NotResource", check_resource)?)),
    };
    let principal = match (obj.get("Principal"), obj.get("NotPrincipal")) {
        (Some(_), Some(_)) => return Err("a statement has `Principal` or `NotPrincipal`, not both".into()),
        (None, None) => None,
        (Some(p), None) => Some(PrincipalSpec::Principal(principal_from_json(p, "Principal")?)),
        (None, Some(p)) => Some(PrincipalSpec::NotPrincipal(principal_from_json(p, "NotPrincipal")?)),
    };
    if resource.is_none() && principal.is_none() {
        return Err("the statement has neither `Resource`/`NotResource` (identity policies) nor `Principal`/`NotPrincipal` (trust policies)".into());
    }
    let condition = match obj.get("Condition") {
        None => None,
        Some(c) => Some(condition_from_json(c)?),
    };
    Ok(Statement { sid, effect, action, resource, principal, condition })
}

fn string_list(v: &Value, element: &str, check: fn(&str) -> Result<(), String>) -> Result<Vec<Part>, String> {
    let items: Vec<&Value> = match v {
        Value::String(_) => vec![v],
        Value::Array(a) if a.is_empty() => return Err(format!("`{element}` is an empty list")),
        Value::Array(a) => a.iter().collect(),
        other => return Err(format!("`{element}` must be a string or a list of strings, found {other}")),
    };
    items
        .into_iter()
        .map(|i| match i {
            Value::String(s) => check(s).map(|()| Part::Known(s.clone())).map_err(|e| format!("`{element}`: {e}")),
            other => Err(format!("`{element}` must hold strings, found {other}")),
        })
        .collect()
}

fn check_action(s: &str) -> Result<(), String> {
    if s == "*" {
        return Ok(());
    }
    match s.split_once(':') {
        Some((service, name))
            if !service.is_empty()
                && service.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'*' || b == b'?')
                && !name.is_empty()
                && !name.contains(char::is_whitespace) =>
        {
            Ok(())
        }
        _ => Err(format!("action `{s}` must be `*` or `service:action` (for example `ecr:GetAuthorizationToken`)")),
    }
}

fn check_resource(s: &str) -> Result<(), String> {
    if s == "*" || s.starts_with("arn:") {
        Ok(())
    } else {
        Err(format!("resource `{s}` must be an ARN (`arn:…`) or `*`"))
    }
}

fn principal_from_json(v: &Value, element: &str) -> Result<Principal, String> {
    match v {
        Value::String(s) if s == "*" => Ok(Principal::Any),
        Value::Object(m) if !m.is_empty() => {
            let mut entries = Vec::new();
            for (k, vals) in m {
                let kind = PrincipalKind::parse(k).ok_or_else(|| {
                    format!(
                        "`{element}` has an unknown principal type `{k}` (AWS, Service, Federated or CanonicalUser)"
                    )
                })?;
                for value in string_list(vals, &format!("{element}.{k}"), |_| Ok(()))? {
                    entries.push(PrincipalEntry { kind, value });
                }
            }
            Ok(Principal::Of(entries))
        }
        other => Err(format!(
            "`{element}` must be \"*\" or an object such as {{\"Service\": \"ecs-tasks.amazonaws.com\"}}, found {other}"
        )),
    }
}

fn condition_from_json(v: &Value) -> Result<Condition, String> {
    let obj = v.as_object().ok_or_else(|| format!("`Condition` must be an object, found {v}"))?;
    let mut clauses = Vec::new();
    for (operator, block) in obj {
        let block = block
            .as_object()
            .ok_or_else(|| format!("`Condition.{operator}` must be an object of condition keys, found {block}"))?;
        for (key, vals) in block {
            let items: Vec<&Value> = match vals {
                Value::Array(a) => a.iter().collect(),
                other => vec![other],
            };
            let mut values = Vec::with_capacity(items.len());
            for i in items {
                values.push(match i {
                    Value::String(s) => Part::Known(s.clone()),
                    Value::Bool(b) => Part::Known(b.to_string()),
                    Value::Number(n) => Part::Known(n.to_string()),
                    other => {
                        return Err(format!(
                            "`Condition.{operator}.{key}` must be a string, number, boolean or a list of them, found {other}"
                        ));
                    }
                });
            }
            clauses.push(ConditionClause { operator: operator.clone(), key: key.clone(), values });
        }
    }
    Ok(Condition { clauses })
}

// ---------------------------------------------------------------------------
// Evaluation

/// The answer to "may it?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// A statement without a condition allows it and no deny may apply.
    Allowed,
    /// An explicit deny applies.
    Denied,
    /// No statement allows it (implicit deny).
    NotAllowed,
    /// Only a statement with a condition allows it, or a conditional deny may
    /// apply: the answer depends on the request.
    Conditional,
    /// A statement that might decide it has an unresolved part.
    Unknown,
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Decision::Allowed => "allowed",
            Decision::Denied => "explicitly denied",
            Decision::NotAllowed => "not allowed",
            Decision::Conditional => "allowed only under a condition",
            Decision::Unknown => "unknown",
        })
    }
}

/// A statement that decided (or may decide) an evaluation, for evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementRef {
    pub policy: String,
    pub sid: Option<String>,
    /// Position in the policy's `Statement` list, from 0.
    pub index: usize,
    pub effect: Effect,
    /// The condition keys the statement depends on (condition keys, and the
    /// policy variables its resources use).
    pub condition_keys: Vec<String>,
    /// The elements whose unresolved parts could make it match
    /// (`Action`, `NotResource`, `Principal`, …).
    pub unresolved: Vec<&'static str>,
}

impl fmt::Display for StatementRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.sid {
            Some(sid) if !sid.is_empty() => write!(f, "{} statement `{sid}`", self.policy)?,
            _ => write!(f, "{} statement {}", self.policy, self.index + 1)?,
        }
        if self.effect == Effect::Deny {
            f.write_str(" (Deny)")?;
        }
        if !self.condition_keys.is_empty() {
            write!(f, " with a condition on {}", self.condition_keys.join(", "))?;
        }
        if !self.unresolved.is_empty() {
            write!(f, " whose {} is unresolved", self.unresolved.join(" and "))?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub decision: Decision,
    /// The statements behind the decision: the allowing ones for `Allowed`,
    /// the denying ones for `Denied`, the conditional or unresolved ones
    /// that make it `Conditional` or `Unknown`; empty for `NotAllowed`.
    pub deciding: Vec<StatementRef>,
}

/// Three-valued match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tri {
    No,
    Maybe,
    Yes,
}

impl Tri {
    fn and(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::No, _) | (_, Tri::No) => Tri::No,
            (Tri::Yes, Tri::Yes) => Tri::Yes,
            _ => Tri::Maybe,
        }
    }

    fn not(self) -> Tri {
        match self {
            Tri::No => Tri::Yes,
            Tri::Yes => Tri::No,
            Tri::Maybe => Tri::Maybe,
        }
    }
}

/// How one statement relates to the request.
struct Hit {
    at: StatementRef,
    effect: Effect,
    applies: Tri,
    conditional: bool,
}

/// May the holder of `policies` (identity-based: a role's inline and
/// attached policies) call `action` on `resource`? `resource` is the ARN the
/// action acts on, or `*` for actions that take none.
pub fn evaluate(policies: &[&Policy], action: &str, resource: &str) -> Evaluation {
    let mut hits = Vec::new();
    for policy in policies {
        let vars = policy.variables();
        for (index, s) in policy.statements.iter().enumerate() {
            if s.principal.is_some() {
                continue; // a trust or resource-policy statement
            }
            let Some(res) = &s.resource else { continue };
            let mut unresolved = Vec::new();
            let a = action_match(&s.action, action, &mut unresolved);
            if a == Tri::No {
                continue;
            }
            let mut keys = Vec::new();
            let r = resource_match(res, resource, vars, &mut unresolved, &mut keys);
            let applies = a.and(r);
            if applies == Tri::No {
                continue;
            }
            hits.push(hit(policy, index, s, applies, keys, unresolved));
        }
    }
    decide(hits)
}

/// The action a service calls to assume a role.
pub const ASSUME_ROLE: &str = "sts:AssumeRole";

/// Does `trust_policy` let the service principal `service`
/// (`ecs-tasks.amazonaws.com`, `events.amazonaws.com`,
/// `scheduler.amazonaws.com`) call `sts:AssumeRole`?
pub fn trusts(trust_policy: &Policy, service: &str) -> Decision {
    evaluate_trust(trust_policy, service).decision
}

/// [`trusts`], with the statements that decided.
pub fn evaluate_trust(trust_policy: &Policy, service: &str) -> Evaluation {
    let mut hits = Vec::new();
    for (index, s) in trust_policy.statements.iter().enumerate() {
        let Some(p) = &s.principal else { continue };
        let mut unresolved = Vec::new();
        let a = action_match(&s.action, ASSUME_ROLE, &mut unresolved);
        if a == Tri::No {
            continue;
        }
        let pm = match p {
            PrincipalSpec::Principal(p) => {
                let m = principal_match(p, service);
                if m == Tri::Maybe {
                    unresolved.push("Principal");
                }
                m
            }
            PrincipalSpec::NotPrincipal(p) => {
                let m = principal_match(p, service).not();
                if m == Tri::Maybe {
                    unresolved.push("NotPrincipal");
                }
                m
            }
        };
        let applies = a.and(pm);
        if applies == Tri::No {
            continue;
        }
        hits.push(hit(trust_policy, index, s, applies, Vec::new(), unresolved));
    }
    decide(hits)
}

fn hit(
    policy: &Policy,
    index: usize,
    s: &Statement,
    applies: Tri,
    variable_keys: Vec<String>,
    unresolved: Vec<&'static str>,
) -> Hit {
    let mut condition_keys = s.condition.as_ref().map(Condition::keys).unwrap_or_default();
    for k in variable_keys {
        if !condition_keys.contains(&k) {
            condition_keys.push(k);
        }
    }
    let conditional = !condition_keys.is_empty();
    Hit {
        at: StatementRef {
            policy: policy.name.clone(),
            sid: s.sid.clone(),
            index,
            effect: s.effect,
            condition_keys,
            unresolved: if applies == Tri::Maybe { unresolved } else { Vec::new() },
        },
        effect: s.effect,
        applies,
        conditional,
    }
}

/// Explicit deny first, then allow; conditional and unresolved statements
/// count only where they could change the answer.
fn decide(hits: Vec<Hit>) -> Evaluation {
    let refs = |pred: &dyn Fn(&Hit) -> bool| -> Vec<StatementRef> {
        hits.iter().filter(|h| pred(h)).map(|h| h.at.clone()).collect()
    };
    let denies = refs(&|h| h.effect == Effect::Deny && h.applies == Tri::Yes && !h.conditional);
    if !denies.is_empty() {
        return Evaluation { decision: Decision::Denied, deciding: denies };
    }

    // Allow side: what the sure statements give (worst) and what the
    // unresolved ones could give (best).
    #[derive(PartialEq, PartialOrd, Clone, Copy)]
    enum Level {
        None,
        Conditional,
        Full,
    }
    let level = |h: &Hit| if h.conditional { Level::Conditional } else { Level::Full };
    let allows: Vec<&Hit> = hits.iter().filter(|h| h.effect == Effect::Allow).collect();
    let worst = allows.iter().filter(|h| h.applies == Tri::Yes).map(|h| level(h)).fold(Level::None, max_level);
    let best = allows.iter().map(|h| level(h)).fold(Level::None, max_level);
    let (mut decision, mut deciding) = if worst == best {
        match worst {
            Level::None => return Evaluation { decision: Decision::NotAllowed, deciding: Vec::new() },
            Level::Conditional => {
                (Decision::Conditional, refs(&|h| h.effect == Effect::Allow && h.applies == Tri::Yes))
            }
            Level::Full => {
                (Decision::Allowed, refs(&|h| h.effect == Effect::Allow && h.applies == Tri::Yes && !h.conditional))
            }
        }
    } else {
        let deciding = allows
            .iter()
            .filter(|h| (h.applies == Tri::Maybe && level(h) > worst) || (h.applies == Tri::Yes && level(h) == worst))
            .map(|h| h.at.clone())
            .collect();
        (Decision::Unknown, deciding)
    };

    // Deny side: a conditional deny makes an allow conditional; an
    // unresolved one makes it unknown.
    let conditional_denies = refs(&|h| h.effect == Effect::Deny && h.applies == Tri::Yes && h.conditional);
    let unresolved_denies = refs(&|h| h.effect == Effect::Deny && h.applies == Tri::Maybe);
    if !conditional_denies.is_empty() {
        if decision == Decision::Allowed {
            decision = Decision::Conditional;
        }
        deciding.extend(conditional_denies);
    }
    if !unresolved_denies.is_empty() {
        decision = Decision::Unknown;
        deciding.extend(unresolved_denies);
    }
    Evaluation { decision, deciding }
}

fn max_level<T: PartialOrd>(a: T, b: T) -> T {
    if b > a { b } else { a }
}

fn action_match(spec: &ActionSpec, action: &str, unresolved: &mut Vec<&'static str>) -> Tri {
    let (list, negated, name) = match spec {
        ActionSpec::Action(l) => (l, false, "Action"),
        ActionSpec::NotAction(l) => (l, true, "NotAction"),
    };
    let request: Vec<char> = action.to_lowercase().chars().collect();
    let listed = any_of(list, |p| if glob(&tokens(&p.to_lowercase(), false).0, &request) { Tri::Yes } else { Tri::No });
    let m = if negated { listed.not() } else { listed };
    if m == Tri::Maybe {
        unresolved.push(name);
    }
    m
}

/// Yes when a known item matches, else Maybe when an item is unresolved.
fn any_of(list: &[Part], f: impl Fn(&str) -> Tri) -> Tri {
    let mut out = Tri::No;
    for p in list {
        match p {
            Part::Known(s) => {
                if f(s) == Tri::Yes {
                    return Tri::Yes;
                }
            }
            Part::Unknown => out = Tri::Maybe,
        }
    }
    out
}

fn resource_match(
    spec: &ResourceSpec,
    resource: &str,
    variables: bool,
    unresolved: &mut Vec<&'static str>,
    keys: &mut Vec<String>,
) -> Tri {
    let (list, negated, name) = match spec {
        ResourceSpec::Resource(l) => (l, false, "Resource"),
        ResourceSpec::NotResource(l) => (l, true, "NotResource"),
    };
    // A pattern that matches only with its policy variables standing in for
    // the request's values counts as a match that depends on the request.
    let mut sure = false;
    let mut maybe = false;
    let mut var_keys: Vec<String> = Vec::new();
    for p in list {
        match p {
            Part::Unknown => maybe = true,
            Part::Known(pattern) => match arn_match(pattern, resource, variables) {
                ArnMatch::No => {}
                ArnMatch::Yes => sure = true,
                ArnMatch::WithVariables(vs) => var_keys.extend(vs),
            },
        }
        if sure {
            break;
        }
    }
    let listed = if sure {
        Tri::Yes
    } else if maybe {
        Tri::Maybe
    } else if !var_keys.is_empty() {
        // Matches or not depending on the request: a condition.
        for k in var_keys {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
        return Tri::Yes;
    } else {
        Tri::No
    };
    let m = if negated { listed.not() } else { listed };
    if m == Tri::Maybe {
        unresolved.push(name);
    }
    m
}

enum ArnMatch {
    No,
    Yes,
    /// Matches when the named policy variables take suitable values.
    WithVariables(Vec<String>),
}

fn arn_match(pattern: &str, resource: &str, variables: bool) -> ArnMatch {
    if pattern == "*" {
        return ArnMatch::Yes;
    }
    let pat_segments = split_arn(pattern, variables);
    let res_segments: Vec<&str> = resource.splitn(6, ':').collect();
    let mut vars = Vec::new();
    let ok = if pat_segments.len() == 6 && res_segments.len() == 6 && resource.starts_with("arn:") {
        pat_segments.iter().zip(&res_segments).all(|(p, r)| {
            let (toks, vs) = tokens(p, variables);
            vars.extend(vs);
            glob(&toks, &r.chars().collect::<Vec<_>>())
        })
    } else {
        let (toks, vs) = tokens(pattern, variables);
        vars.extend(vs);
        glob(&toks, &resource.chars().collect::<Vec<_>>())
    };
    match (ok, vars.is_empty()) {
        (false, _) => ArnMatch::No,
        (true, true) => ArnMatch::Yes,
        (true, false) => ArnMatch::WithVariables(vars),
    }
}

/// Splits an ARN pattern into at most six segments at `:`, leaving the
/// colons inside `${…}` policy variables alone.
fn split_arn(pattern: &str, variables: bool) -> Vec<&str> {
    let bytes = pattern.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() && out.len() < 5 {
        if variables
            && bytes[i] == b'$'
            && bytes.get(i + 1) == Some(&b'{')
            && let Some(end) = pattern[i..].find('}')
        {
            i += end + 1;
            continue;
        }
        if bytes[i] == b':' {
            out.push(&pattern[start..i]);
            start = i + 1;
        }
        i += 1;
    }
    out.push(&pattern[start..]);
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Lit(char),
    Star,
    One,
}

/// A pattern's tokens, and the policy variables it uses (each matched as
/// `*`). `${*}`, `${?}` and `${$}` are the literal characters.
fn tokens(pattern: &str, variables: bool) -> (Vec<Tok>, Vec<String>) {
    let mut toks = Vec::with_capacity(pattern.len());
    let mut vars = Vec::new();
    let mut rest = pattern;
    while let Some(c) = rest.chars().next() {
        if variables
            && rest.starts_with("${")
            && let Some(end) = rest.find('}')
        {
            let inner = &rest[2..end];
            match inner {
                "*" => toks.push(Tok::Lit('*')),
                "?" => toks.push(Tok::Lit('?')),
                "$" => toks.push(Tok::Lit('$')),
                v => {
                    // `${key, 'default'}`: the key is before the comma.
                    let key = v.split(',').next().unwrap_or(v).trim();
                    vars.push(key.to_string());
                    toks.push(Tok::Star);
                }
            }
            rest = &rest[end + 1..];
            continue;
        }
        toks.push(match c {
            '*' => Tok::Star,
            '?' => Tok::One,
            c => Tok::Lit(c),
        });
        rest = &rest[c.len_utf8()..];
    }
    (toks, vars)
}

/// `*` matches any run of characters (none included), `?` exactly one.
fn glob(p: &[Tok], s: &[char]) -> bool {
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        match p.get(pi) {
            Some(Tok::Star) => {
                star = Some((pi, si));
                pi += 1;
                continue;
            }
            Some(Tok::One) => {
                pi += 1;
                si += 1;
                continue;
            }
            Some(Tok::Lit(c)) if *c == s[si] => {
                pi += 1;
                si += 1;
                continue;
            }
            _ => {}
        }
        match star {
            Some((sp, ss)) => {
                pi = sp + 1;
                si = ss + 1;
                star = Some((sp, ss + 1));
            }
            None => return false,
        }
    }
    p[pi..].iter().all(|t| *t == Tok::Star)
}

fn principal_match(p: &Principal, service: &str) -> Tri {
    match p {
        Principal::Any => Tri::Yes,
        Principal::Unknown => Tri::Maybe,
        Principal::Of(entries) => {
            let mut out = Tri::No;
            for e in entries {
                match (e.kind, &e.value) {
                    (PrincipalKind::Service, Part::Known(v)) if v == service => return Tri::Yes,
                    // `{"AWS": "*"}` is documented as all principals.
                    (PrincipalKind::Aws, Part::Known(v)) if v == "*" => return Tri::Yes,
                    (PrincipalKind::Service | PrincipalKind::Aws, Part::Unknown) => out = Tri::Maybe,
                    _ => {}
                }
            }
            out
        }
    }
}

// ---------------------------------------------------------------------------
// AWS managed policies

/// An AWS managed policy shipped in `rules/data/managed-policies/`.
#[derive(Debug, Clone)]
pub struct ManagedPolicy {
    pub name: String,
    /// IAM path: `/` or `/service-role/`.
    pub path: String,
    /// The policy version the shipped document is (`v3`) and its date.
    pub version: String,
    pub version_date: String,
    /// Where the document was taken from.
    pub source: String,
    /// The AWS managed policy reference page.
    pub reference: String,
    /// Set when AWS shows a newer default version than the one shipped. AWS
    /// does not remove permissions from managed policies, so an allow found
    /// in the shipped version still holds, but a permission added since is
    /// missing: treat `NotAllowed` from such a policy with care.
    pub newer_version: Option<String>,
    pub notes: Option<String>,
    /// The ARN partition this copy is for: `aws`, `aws-cn`, `aws-us-gov`.
    pub partition: &'static str,
    pub policy: Policy,
}

impl ManagedPolicy {
    pub fn arn(&self) -> String {
        format!("arn:{}:iam::aws:policy{}{}", self.partition, self.path, self.name)
    }
}

#[derive(Deserialize)]
struct Index {
    policies: Vec<IndexEntry>,
}

#[derive(Deserialize)]
struct IndexEntry {
    name: String,
    path: String,
    file: String,
    version: String,
    version_date: String,
    source: String,
    reference: String,
    newer_version: Option<String>,
    notes: Option<String>,
}

const PARTITIONS: [&str; 3] = ["aws", "aws-cn", "aws-us-gov"];

/// The shipped managed policies for one partition, in index order. Panics
/// on a malformed embedded file: the unit tests catch that before release.
pub fn managed_policies(partition: &str) -> &'static [ManagedPolicy] {
    static TABLES: OnceLock<[Vec<ManagedPolicy>; 3]> = OnceLock::new();
    let tables = TABLES.get_or_init(|| {
        let aws = load_managed();
        let other = |p: &'static str| {
            aws.iter()
                .map(|m| ManagedPolicy { partition: p, policy: m.policy.in_partition(p), ..m.clone() })
                .collect::<Vec<_>>()
        };
        let cn = other(PARTITIONS[1]);
        let gov = other(PARTITIONS[2]);
        [aws, cn, gov]
    });
    match PARTITIONS.iter().position(|p| *p == partition) {
        Some(i) => &tables[i],
        None => &[],
    }
}

fn embedded_file(name: &str) -> Option<&'static str> {
    embedded::MANAGED_POLICY_FILES.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

fn load_managed() -> Vec<ManagedPolicy> {
    let index_text = embedded_file("index.json").expect("rules/data/managed-policies/index.json is missing");
    let index: Index =
        serde_json::from_str(index_text).unwrap_or_else(|e| panic!("rules/data/managed-policies/index.json: {e}"));
    index
        .policies
        .into_iter()
        .map(|e| {
            let text = embedded_file(&e.file)
                .unwrap_or_else(|| panic!("rules/data/managed-policies/{} is missing (named in index.json)", e.file));
            let value: Value = serde_json::from_str(text)
                .unwrap_or_else(|err| panic!("rules/data/managed-policies/{}: {err}", e.file));
            let policy = Policy::from_json(&value)
                .unwrap_or_else(|err| panic!("rules/data/managed-policies/{}: {err}", e.file))
                .named(e.name.clone());
            ManagedPolicy {
                name: e.name,
                path: e.path,
                version: e.version,
                version_date: e.version_date,
                source: e.source,
                reference: e.reference,
                newer_version: e.newer_version,
                notes: e.notes,
                partition: PARTITIONS[0],
                policy,
            }
        })
        .collect()
}

/// A shipped managed policy by name (`AmazonECSTaskExecutionRolePolicy`,
/// the `aws` partition's copy) or by ARN
/// (`arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy`,
/// also `aws-cn` and `aws-us-gov`). An ARN must carry the policy's real path:
/// `arn:aws:iam::aws:policy/AmazonECSTaskExecutionRolePolicy` names no
/// policy.
pub fn managed_policy_info(name_or_arn: &str) -> Option<&'static ManagedPolicy> {
    let Some(rest) = name_or_arn.strip_prefix("arn:") else {
        return managed_policies("aws").iter().find(|m| m.name == name_or_arn);
    };
    let (partition, rest) = rest.split_once(':')?;
    let path_and_name = rest.strip_prefix("iam::aws:policy")?;
    let slash = path_and_name.rfind('/')?;
    let (path, name) = (&path_and_name[..=slash], &path_and_name[slash + 1..]);
    managed_policies(partition).iter().find(|m| m.name == name && m.path == path)
}

/// [`managed_policy_info`]'s policy.
pub fn managed_policy(name_or_arn: &str) -> Option<&'static Policy> {
    managed_policy_info(name_or_arn).map(|m| &m.policy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn p(v: Value) -> Policy {
        Policy::from_json(&v).unwrap().named("test")
    }

    fn decision(policies: &[&Policy], action: &str, resource: &str) -> Decision {
        evaluate(policies, action, resource).decision
    }

    const GROUP: &str = "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/web";
    const STREAM: &str = "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/web:log-stream:web/app/0123";

    #[test]
    fn explicit_deny_wins_over_allow() {
        let allow =
            p(json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}));
        let deny = p(json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "NoSecrets", "Effect": "Deny", "Action": "secretsmanager:*", "Resource": "*"}
        ]}))
        .named("guard");
        let e = evaluate(
            &[&allow, &deny],
            "secretsmanager:GetSecretValue",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf",
        );
        assert_eq!(e.decision, Decision::Denied);
        assert_eq!(e.deciding.len(), 1);
        assert_eq!(e.deciding[0].to_string(), "guard statement `NoSecrets` (Deny)");
        assert_eq!(decision(&[&allow, &deny], "ssm:GetParameters", "*"), Decision::Allowed);
        let e = evaluate(&[&allow], "ssm:GetParameters", "*");
        assert_eq!(e.deciding[0].to_string(), "test statement 1");
    }

    #[test]
    fn nothing_allows_is_not_allowed() {
        let pol =
            p(json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}]}));
        let e = evaluate(&[&pol], "logs:PutLogEvents", STREAM);
        assert_eq!(e, Evaluation { decision: Decision::NotAllowed, deciding: vec![] });
        assert_eq!(decision(&[], "logs:PutLogEvents", STREAM), Decision::NotAllowed);
    }

    #[test]
    fn action_wildcards_are_case_insensitive() {
        let pol = p(json!({"Statement": [
            {"Effect": "Allow", "Action": ["ecr:Get*", "logs:?reateLogStream"], "Resource": "*"}
        ]}));
        assert_eq!(decision(&[&pol], "ecr:GetAuthorizationToken", "*"), Decision::Allowed);
        assert_eq!(decision(&[&pol], "ECR:getdownloadurlforlayer", "*"), Decision::Allowed);
        assert_eq!(decision(&[&pol], "ecr:BatchGetImage", "*"), Decision::NotAllowed);
        assert_eq!(decision(&[&pol], "logs:CreateLogStream", "*"), Decision::Allowed);
        assert_eq!(decision(&[&pol], "logs:CreateLogGroup", "*"), Decision::NotAllowed);
        let star = p(json!({"Statement": [{"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}]}));
        assert_eq!(decision(&[&star], "ecr:BatchGetImage", "*"), Decision::Allowed);
        assert_eq!(decision(&[&star], "ecr-public:GetAuthorizationToken", "*"), Decision::NotAllowed);
    }

    #[test]
    fn resource_wildcards_are_case_sensitive_and_match_by_segment() {
        let pol = p(json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": "arn:aws:logs:*:*:log-group:/ecs/*:*"
        }]}));
        assert_eq!(decision(&[&pol], "logs:PutLogEvents", STREAM), Decision::Allowed);
        assert_eq!(decision(&[&pol], "logs:CreateLogStream", &format!("{GROUP}:*")), Decision::Allowed);
        // The pattern needs a `:` after the group name.
        assert_eq!(decision(&[&pol], "logs:CreateLogStream", GROUP), Decision::NotAllowed);
        assert_eq!(
            decision(
                &[&pol],
                "logs:PutLogEvents",
                "arn:aws:logs:eu-west-1:123456789012:log-group:/ECS/web:log-stream:x"
            ),
            Decision::NotAllowed
        );
        assert_eq!(
            decision(
                &[&pol],
                "logs:PutLogEvents",
                "arn:aws:logs:eu-west-1:123456789012:log-group:/other/web:log-stream:x"
            ),
            Decision::NotAllowed
        );
        // A scoped resource never covers an action that takes none.
        assert_eq!(decision(&[&pol], "logs:PutLogEvents", "*"), Decision::NotAllowed);
        // A region wildcard does not run into the account segment.
        let region = p(json!({"Statement": [{
            "Effect": "Allow", "Action": "ssm:GetParameters", "Resource": "arn:aws:ssm:eu-*:123456789012:parameter/app/*"
        }]}));
        assert_eq!(
            decision(&[&region], "ssm:GetParameters", "arn:aws:ssm:eu-west-1:123456789012:parameter/app/db"),
            Decision::Allowed
        );
        assert_eq!(
            decision(&[&region], "ssm:GetParameters", "arn:aws:ssm:us-east-1:123456789012:parameter/app/db"),
            Decision::NotAllowed
        );
        let single = p(json!({"Statement": [{
            "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket-?/*"
        }]}));
        assert_eq!(decision(&[&single], "s3:GetObject", "arn:aws:s3:::bucket-a/k/e/y"), Decision::Allowed);
        assert_eq!(decision(&[&single], "s3:GetObject", "arn:aws:s3:::bucket-ab/key"), Decision::NotAllowed);
    }

    #[test]
    fn not_action_and_not_resource() {
        let pol = p(json!({"Statement": [
            {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"}
        ]}));
        assert_eq!(decision(&[&pol], "ecs:RunTask", "*"), Decision::Allowed);
        assert_eq!(decision(&[&pol], "IAM:PassRole", "*"), Decision::NotAllowed);

        let secret = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf";
        let other = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dev/db-AbCdEf";
        let nr = p(json!({"Statement": [
            {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"},
            {"Effect": "Deny", "Action": "secretsmanager:*",
             "NotResource": "arn:aws:secretsmanager:*:*:secret:dev/*"}
        ]}));
        assert_eq!(decision(&[&nr], "secretsmanager:GetSecretValue", secret), Decision::Denied);
        assert_eq!(decision(&[&nr], "secretsmanager:GetSecretValue", other), Decision::Allowed);
        // Deny with NotAction: everything but the listed actions is denied.
        let deny_not = p(json!({"Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "NotAction": ["ecr:*", "logs:*"], "Resource": "*"}
        ]}));
        assert_eq!(decision(&[&deny_not], "ecr:BatchGetImage", "*"), Decision::Allowed);
        assert_eq!(decision(&[&deny_not], "s3:GetObject", "arn:aws:s3:::b/k"), Decision::Denied);
    }

    #[test]
    fn conditions_make_the_answer_conditional() {
        let events = managed_policy("AmazonEC2ContainerServiceEventsRole").unwrap();
        let role = "arn:aws:iam::123456789012:role/task";
        let e = evaluate(&[events], "iam:PassRole", role);
        assert_eq!(e.decision, Decision::Conditional);
        assert_eq!(e.deciding[0].condition_keys, vec!["iam:PassedToService".to_string()]);
        assert_eq!(
            e.deciding[0].to_string(),
            "AmazonEC2ContainerServiceEventsRole statement 2 with a condition on iam:PassedToService"
        );
        // An unconditional allow elsewhere makes the condition moot.
        let all = Policy::new("inline", vec![Statement::allow(["iam:PassRole"]).resources([role])]);
        assert_eq!(decision(&[events, &all], "iam:PassRole", role), Decision::Allowed);
        // A conditional deny makes an allow conditional.
        let mfa = Policy::new(
            "mfa",
            vec![
                Statement::allow(["s3:*"]).resources(["*"]),
                Statement::deny(["s3:DeleteObject"]).resources(["*"]).condition(Condition::new().with(
                    "BoolIfExists",
                    "aws:MultiFactorAuthPresent",
                    ["false"],
                )),
            ],
        );
        let e = evaluate(&[&mfa], "s3:DeleteObject", "arn:aws:s3:::b/k");
        assert_eq!(e.decision, Decision::Conditional);
        assert_eq!(e.deciding.len(), 2);
        assert_eq!(decision(&[&mfa], "s3:GetObject", "arn:aws:s3:::b/k"), Decision::Allowed);
        // A conditional deny with nothing allowing stays not allowed.
        let only_deny = Policy::new("d", vec![mfa.statements[1].clone()]);
        assert_eq!(decision(&[&only_deny], "s3:DeleteObject", "arn:aws:s3:::b/k"), Decision::NotAllowed);
    }

    #[test]
    fn policy_variables_are_conditions_in_2012_policies_only() {
        let doc = |version: Option<&str>| {
            let mut v = json!({"Statement": [{
                "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${aws:username}/*"
            }]});
            if let Some(ver) = version {
                v["Version"] = json!(ver);
            }
            p(v)
        };
        let new = doc(Some("2012-10-17"));
        let e = evaluate(&[&new], "s3:GetObject", "arn:aws:s3:::home/ana/notes");
        assert_eq!(e.decision, Decision::Conditional);
        assert_eq!(e.deciding[0].condition_keys, vec!["aws:username".to_string()]);
        assert_eq!(decision(&[&new], "s3:GetObject", "arn:aws:s3:::other/ana/notes"), Decision::NotAllowed);
        // Without Version, `${…}` is literal text.
        let old = doc(None);
        assert_eq!(decision(&[&old], "s3:GetObject", "arn:aws:s3:::home/ana/notes"), Decision::NotAllowed);
        assert_eq!(decision(&[&old], "s3:GetObject", "arn:aws:s3:::home/${aws:username}/x"), Decision::Allowed);
        // `${*}` is a literal star.
        let lit = p(json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${*}"
        }]}));
        assert_eq!(decision(&[&lit], "s3:GetObject", "arn:aws:s3:::b/*"), Decision::Allowed);
        assert_eq!(decision(&[&lit], "s3:GetObject", "arn:aws:s3:::b/x"), Decision::NotAllowed);
    }

    #[test]
    fn unknown_parts_matter_only_where_they_could_change_the_answer() {
        let secret = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf";
        let pol = Policy::new(
            "TaskPolicy",
            vec![
                Statement::allow(["secretsmanager:GetSecretValue"]).sid("Secret").resources([Part::Unknown]),
                Statement::allow(["logs:CreateLogStream", "logs:PutLogEvents"]).resources(["*"]),
            ],
        );
        let e = evaluate(&[&pol], "secretsmanager:GetSecretValue", secret);
        assert_eq!(e.decision, Decision::Unknown);
        assert_eq!(e.deciding[0].to_string(), "TaskPolicy statement `Secret` whose Resource is unresolved");
        // The action does not match: the unknown resource is irrelevant.
        assert_eq!(decision(&[&pol], "ssm:GetParameters", "*"), Decision::NotAllowed);
        // Another statement already allows: still allowed.
        assert_eq!(decision(&[&pol], "logs:PutLogEvents", STREAM), Decision::Allowed);
        // An unknown action in an allow, with a sure allow elsewhere.
        let both = Policy::new("p", vec![Statement::allow([Part::Unknown]).resources(["*"])]);
        assert_eq!(decision(&[&both, &pol], "logs:PutLogEvents", STREAM), Decision::Allowed);
        assert_eq!(decision(&[&both], "logs:PutLogEvents", STREAM), Decision::Unknown);
        // An unknown deny may take an allow away...
        let maybe_deny = Policy::new("guard", vec![Statement::deny(["logs:*"]).resources([Part::Unknown])]);
        let e = evaluate(&[&pol, &maybe_deny], "logs:PutLogEvents", STREAM);
        assert_eq!(e.decision, Decision::Unknown);
        assert!(e.deciding.iter().any(|s| s.policy == "guard" && s.unresolved == vec!["Resource"]));
        // ...but cannot matter when nothing allows, or when a sure deny applies.
        assert_eq!(decision(&[&maybe_deny], "logs:PutLogEvents", STREAM), Decision::NotAllowed);
        let sure_deny = Policy::new("sure", vec![Statement::deny(["logs:PutLogEvents"]).resources(["*"])]);
        assert_eq!(decision(&[&pol, &maybe_deny, &sure_deny], "logs:PutLogEvents", STREAM), Decision::Denied);
        // An unknown entry in NotResource: the exclusion may or may not apply.
        let nr = Policy::new(
            "nr",
            vec![
                Statement::allow(["s3:GetObject"])
                    .not_resources([Part::known("arn:aws:s3:::private/*"), Part::Unknown]),
            ],
        );
        assert_eq!(decision(&[&nr], "s3:GetObject", "arn:aws:s3:::private/k"), Decision::NotAllowed);
        assert_eq!(decision(&[&nr], "s3:GetObject", "arn:aws:s3:::public/k"), Decision::Unknown);
        // A conditional allow plus an unresolved unconditional one: either.
        let cond = Policy::new(
            "c",
            vec![
                Statement::allow(["ecs:RunTask"]).resources(["*"]).condition(Condition::new().with(
                    "ArnEquals",
                    "ecs:cluster",
                    ["arn:aws:ecs:eu-west-1:123456789012:cluster/a"],
                )),
                Statement::allow(["ecs:RunTask"]).resources([Part::Unknown]),
            ],
        );
        let e = evaluate(&[&cond], "ecs:RunTask", "arn:aws:ecs:eu-west-1:123456789012:task-definition/app:1");
        assert_eq!(e.decision, Decision::Unknown);
        assert_eq!(e.deciding.len(), 2);
    }

    #[test]
    fn trust_policies_in_every_form() {
        let t = |v: Value| p(json!({"Version": "2012-10-17", "Statement": v}));
        let single = t(
            json!({"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}),
        );
        assert_eq!(trusts(&single, "ecs-tasks.amazonaws.com"), Decision::Allowed);
        assert_eq!(trusts(&single, "events.amazonaws.com"), Decision::NotAllowed);

        let list = t(json!([{"Effect": "Allow",
            "Principal": {"Service": ["events.amazonaws.com", "scheduler.amazonaws.com"]},
            "Action": ["sts:AssumeRole"]}]));
        assert_eq!(trusts(&list, "scheduler.amazonaws.com"), Decision::Allowed);
        assert_eq!(trusts(&list, "events.amazonaws.com"), Decision::Allowed);
        assert_eq!(trusts(&list, "ecs-tasks.amazonaws.com"), Decision::NotAllowed);

        let star = t(json!([{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}]));
        assert_eq!(trusts(&star, "ecs-tasks.amazonaws.com"), Decision::Allowed);
        let aws_star = t(json!([{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:*"}]));
        assert_eq!(trusts(&aws_star, "ecs-tasks.amazonaws.com"), Decision::Allowed);
        let account = t(
            json!([{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}]),
        );
        assert_eq!(trusts(&account, "ecs-tasks.amazonaws.com"), Decision::NotAllowed);

        // The wrong action: a web-identity trust is no AssumeRole trust.
        let web = t(json!([{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"},
            "Action": "sts:AssumeRoleWithWebIdentity"}]));
        assert_eq!(trusts(&web, "ecs-tasks.amazonaws.com"), Decision::NotAllowed);

        let confused_deputy = t(json!([{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:ecs:eu-west-1:123456789012:*"},
                          "StringEquals": {"aws:SourceAccount": "123456789012"}}}]));
        let e = evaluate_trust(&confused_deputy, "ecs-tasks.amazonaws.com");
        assert_eq!(e.decision, Decision::Conditional);
        assert_eq!(e.deciding[0].condition_keys, vec!["aws:SourceArn".to_string(), "aws:SourceAccount".to_string()]);

        let denied = t(json!([
            {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"},
            {"Effect": "Deny", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ]));
        assert_eq!(trusts(&denied, "events.amazonaws.com"), Decision::Denied);
        assert_eq!(trusts(&denied, "scheduler.amazonaws.com"), Decision::Allowed);

        let not_principal = t(json!([
            {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"},
            {"Effect": "Deny", "NotPrincipal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ]));
        assert_eq!(trusts(&not_principal, "ecs-tasks.amazonaws.com"), Decision::Allowed);
        assert_eq!(trusts(&not_principal, "events.amazonaws.com"), Decision::Denied);

        let unknown = Policy::new(
            "trust",
            vec![Statement::allow(["sts:AssumeRole"]).principal(Principal::service(Part::Unknown))],
        );
        let e = evaluate_trust(&unknown, "ecs-tasks.amazonaws.com");
        assert_eq!(e.decision, Decision::Unknown);
        assert_eq!(e.deciding[0].unresolved, vec!["Principal"]);
        let built = Policy::new(
            "trust",
            vec![Statement::allow(["sts:AssumeRole"]).principal(Principal::service("scheduler.amazonaws.com"))],
        );
        assert_eq!(trusts(&built, "scheduler.amazonaws.com"), Decision::Allowed);
        // Identity statements in a trust policy are ignored, and trust
        // statements in an identity evaluation.
        assert_eq!(
            trusts(&Policy::new("x", vec![Statement::allow(["*"]).resources(["*"])]), "ecs-tasks.amazonaws.com"),
            Decision::NotAllowed
        );
        assert_eq!(decision(&[&star], "sts:AssumeRole", "*"), Decision::NotAllowed);
    }

    #[test]
    fn from_json_accepts_the_forms_iam_accepts() {
        let pol = Policy::from_json(&json!({
            "Version": "2012-10-17",
            "Id": "x",
            "Statement": [{
                "Sid": "A",
                "Effect": "Allow",
                "Action": "ecr:GetAuthorizationToken",
                "Resource": ["*"],
                "Condition": {"Bool": {"aws:SecureTransport": true}, "NumericLessThan": {"s3:max-keys": [10, "20"]}}
            }]
        }))
        .unwrap();
        assert_eq!(pol.id.as_deref(), Some("x"));
        let s = &pol.statements[0];
        assert_eq!(s.sid.as_deref(), Some("A"));
        assert_eq!(s.action, ActionSpec::Action(vec![Part::known("ecr:GetAuthorizationToken")]));
        let c = s.condition.as_ref().unwrap();
        assert_eq!(c.keys(), vec!["aws:SecureTransport", "s3:max-keys"]);
        assert_eq!(c.clauses[1].values, vec![Part::known("10"), Part::known("20")]);
    }

    #[test]
    fn from_json_rejects_what_iam_rejects() {
        let cases = [
            (json!([]), "must be a JSON object"),
            (json!({"Statement": []}), "empty list"),
            (json!({"Version": "2012-10-18", "Statement": []}), "`Version`"),
            (json!({"Versoin": "2012-10-17"}), "unknown policy element `Versoin`"),
            (json!({"Statement": [{"Effect": "allow", "Action": "*", "Resource": "*"}]}), "\"Allow\" or \"Deny\""),
            (json!({"Statement": [{"Action": "*", "Resource": "*"}]}), "no `Effect`"),
            (json!({"Statement": [{"Effect": "Allow", "Resource": "*"}]}), "neither `Action` nor `NotAction`"),
            (json!({"Statement": [{"Effect": "Allow", "Action": "*", "NotAction": "*", "Resource": "*"}]}), "not both"),
            (json!({"Statement": [{"Effect": "Allow", "Action": "ecr", "Resource": "*"}]}), "`service:action`"),
            (json!({"Statement": [{"Effect": "Allow", "Action": [], "Resource": "*"}]}), "`Action` is an empty list"),
            (json!({"Statement": [{"Effect": "Allow", "Action": 3, "Resource": "*"}]}), "a string or a list"),
            (json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "my-bucket"}]}), "must be an ARN"),
            (json!({"Statement": [{"Effect": "Allow", "Action": "*"}]}), "neither `Resource`"),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "*", "Principal": "ecs-tasks.amazonaws.com"}]}),
                "`Principal` must be",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "*", "Principal": {"Servce": "x"}}]}),
                "unknown principal type `Servce`",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"Bool": true}}]}),
                "`Condition.Bool`",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Actions": "*"}]}),
                "unknown element `Actions`",
            ),
        ];
        for (doc, want) in cases {
            let err = Policy::from_json(&doc).unwrap_err();
            assert!(err.contains(want), "{doc}: `{err}` lacks `{want}`");
        }
        let err = Policy::from_json(
            &json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Effect": "Allow"}]}),
        )
        .unwrap_err();
        assert!(err.starts_with("statement 2: "), "{err}");
    }

    #[test]
    fn task_execution_role_policy_answers_what_ecs_asks() {
        let exec = managed_policy("AmazonECSTaskExecutionRolePolicy").unwrap();
        let repo = "arn:aws:ecr:eu-west-1:123456789012:repository/app";
        assert_eq!(decision(&[exec], "ecr:GetAuthorizationToken", "*"), Decision::Allowed);
        assert_eq!(decision(&[exec], "ecr:BatchGetImage", repo), Decision::Allowed);
        assert_eq!(decision(&[exec], "ecr:GetDownloadUrlForLayer", repo), Decision::Allowed);
        assert_eq!(decision(&[exec], "logs:CreateLogStream", &format!("{GROUP}:*")), Decision::Allowed);
        assert_eq!(decision(&[exec], "logs:PutLogEvents", STREAM), Decision::Allowed);
        assert_eq!(decision(&[exec], "logs:CreateLogGroup", &format!("{GROUP}:*")), Decision::NotAllowed);
        let secret = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf";
        assert_eq!(decision(&[exec], "secretsmanager:GetSecretValue", secret), Decision::NotAllowed);
        assert_eq!(
            decision(&[exec], "ssm:GetParameters", "arn:aws:ssm:eu-west-1:123456789012:parameter/db"),
            Decision::NotAllowed
        );
        let e = evaluate(&[exec], "ecr:BatchGetImage", repo);
        assert_eq!(e.deciding[0].to_string(), "AmazonECSTaskExecutionRolePolicy statement 1");
    }

    #[test]
    fn other_managed_policies_answer_what_ecs_asks() {
        let secret = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf";
        let param = "arn:aws:ssm:eu-west-1:123456789012:parameter/app/db";
        let repo = "arn:aws:ecr:eu-west-1:123456789012:repository/app";
        let m = |n: &str| managed_policy(n).unwrap_or_else(|| panic!("{n}"));
        assert_eq!(
            decision(&[m("SecretsManagerReadWrite")], "secretsmanager:GetSecretValue", secret),
            Decision::Allowed
        );
        assert_eq!(decision(&[m("AmazonSSMReadOnlyAccess")], "ssm:GetParameters", param), Decision::Allowed);
        assert_eq!(
            decision(&[m("AmazonSSMReadOnlyAccess")], "secretsmanager:GetSecretValue", secret),
            Decision::NotAllowed
        );
        assert_eq!(
            decision(&[m("AmazonSSMManagedInstanceCore")], "ssmmessages:OpenDataChannel", "*"),
            Decision::Allowed
        );
        assert_eq!(
            decision(&[m("CloudWatchLogsFullAccess")], "logs:CreateLogGroup", &format!("{GROUP}:*")),
            Decision::Allowed
        );
        assert_eq!(
            decision(&[m("CloudWatchAgentServerPolicy")], "logs:CreateLogGroup", &format!("{GROUP}:*")),
            Decision::Allowed
        );
        assert_eq!(
            decision(
                &[m("CloudWatchAgentServerPolicy")],
                "ssm:GetParameter",
                "arn:aws:ssm:eu-west-1:123456789012:parameter/AmazonCloudWatch-linux"
            ),
            Decision::Allowed
        );
        assert_eq!(decision(&[m("CloudWatchAgentServerPolicy")], "ssm:GetParameter", param), Decision::NotAllowed);
        for ecr in [
            "AmazonEC2ContainerRegistryReadOnly",
            "AmazonEC2ContainerRegistryPowerUser",
            "AmazonEC2ContainerRegistryPullOnly",
        ] {
            assert_eq!(decision(&[m(ecr)], "ecr:GetAuthorizationToken", "*"), Decision::Allowed, "{ecr}");
            assert_eq!(decision(&[m(ecr)], "ecr:BatchGetImage", repo), Decision::Allowed, "{ecr}");
            assert_eq!(decision(&[m(ecr)], "ecr:GetDownloadUrlForLayer", repo), Decision::Allowed, "{ecr}");
        }
        assert_eq!(decision(&[m("AmazonEC2ContainerRegistryReadOnly")], "ecr:PutImage", repo), Decision::NotAllowed);
        assert_eq!(decision(&[m("AmazonEC2ContainerRegistryPowerUser")], "ecr:PutImage", repo), Decision::Allowed);
        let events = m("AmazonEC2ContainerServiceEventsRole");
        assert_eq!(
            decision(&[events], "ecs:RunTask", "arn:aws:ecs:eu-west-1:123456789012:task-definition/app:3"),
            Decision::Allowed
        );
        let instance = m("AmazonEC2ContainerServiceforEC2Role");
        assert_eq!(
            decision(&[instance], "ecs:RegisterContainerInstance", "arn:aws:ecs:eu-west-1:123456789012:cluster/c"),
            Decision::Allowed
        );
        assert_eq!(decision(&[instance], "ecs:SubmitTaskStateChange", "*"), Decision::Allowed);
        let full = m("AmazonECS_FullAccess");
        assert_eq!(decision(&[full], "ecs:CreateService", "*"), Decision::Allowed);
        assert_eq!(decision(&[full], "iam:PassRole", "arn:aws:iam::123456789012:role/app"), Decision::Conditional);
        assert_eq!(decision(&[full], "iam:CreateRole", "arn:aws:iam::123456789012:role/app"), Decision::NotAllowed);
        assert_eq!(
            decision(&[m("AdministratorAccess")], "iam:CreateRole", "arn:aws:iam::123456789012:role/app"),
            Decision::Allowed
        );
        let power = m("PowerUserAccess");
        assert_eq!(decision(&[power], "secretsmanager:GetSecretValue", secret), Decision::Allowed);
        assert_eq!(decision(&[power], "iam:PassRole", "arn:aws:iam::123456789012:role/app"), Decision::NotAllowed);
        assert_eq!(decision(&[power], "iam:CreateServiceLinkedRole", "*"), Decision::Allowed);
        let ro = m("ReadOnlyAccess");
        assert_eq!(decision(&[ro], "ecr:BatchGetImage", repo), Decision::Allowed);
        assert_eq!(decision(&[ro], "ssm:GetParameters", param), Decision::Allowed);
        assert_eq!(decision(&[ro], "secretsmanager:GetSecretValue", secret), Decision::NotAllowed);
        assert_eq!(decision(&[ro], "logs:PutLogEvents", STREAM), Decision::NotAllowed);
        assert_eq!(
            decision(&[m("AmazonS3ReadOnlyAccess")], "s3:GetObject", "arn:aws:s3:::env-files/app.env"),
            Decision::Allowed
        );
    }

    #[test]
    fn managed_policies_by_name_and_arn_in_every_partition() {
        let by_name = managed_policy_info("AmazonECSTaskExecutionRolePolicy").unwrap();
        assert_eq!(by_name.arn(), "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy");
        let by_arn = managed_policy("arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy").unwrap();
        assert_eq!(by_arn, &by_name.policy);
        // The ARN must carry the real path.
        assert!(managed_policy("arn:aws:iam::aws:policy/AmazonECSTaskExecutionRolePolicy").is_none());
        assert!(managed_policy("arn:aws:iam::aws:policy/service-role/AdministratorAccess").is_none());
        assert!(managed_policy("arn:aws:iam::aws:policy/AdministratorAccess").is_some());
        assert!(managed_policy("arn:aws:iam::123456789012:policy/AdministratorAccess").is_none());
        assert!(managed_policy("arn:aws-iso:iam::aws:policy/AdministratorAccess").is_none());
        assert!(managed_policy("NoSuchPolicy").is_none());
        for name in ["AmazonEC2ContainerServiceEventsRole", "AmazonEC2ContainerServiceforEC2Role"] {
            assert_eq!(managed_policy_info(name).unwrap().path, "/service-role/", "{name}");
        }

        let cn = managed_policy_info("arn:aws-cn:iam::aws:policy/CloudWatchAgentServerPolicy").unwrap();
        assert_eq!(cn.arn(), "arn:aws-cn:iam::aws:policy/CloudWatchAgentServerPolicy");
        let cn_param = "arn:aws-cn:ssm:cn-north-1:123456789012:parameter/AmazonCloudWatch-linux";
        assert_eq!(decision(&[&cn.policy], "ssm:GetParameter", cn_param), Decision::Allowed);
        let aws = managed_policy("CloudWatchAgentServerPolicy").unwrap();
        assert_eq!(decision(&[aws], "ssm:GetParameter", cn_param), Decision::NotAllowed);
        let gov =
            managed_policy("arn:aws-us-gov:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy").unwrap();
        assert_eq!(decision(&[gov], "ecr:GetAuthorizationToken", "*"), Decision::Allowed);
    }

    #[test]
    fn the_required_policies_are_shipped_and_the_index_matches_the_files() {
        for name in [
            "AmazonECSTaskExecutionRolePolicy",
            "AmazonEC2ContainerRegistryReadOnly",
            "AmazonEC2ContainerRegistryPowerUser",
            "AmazonEC2ContainerRegistryPullOnly",
            "CloudWatchLogsFullAccess",
            "CloudWatchAgentServerPolicy",
            "SecretsManagerReadWrite",
            "AmazonSSMReadOnlyAccess",
            "AmazonSSMManagedInstanceCore",
            "AmazonEC2ContainerServiceEventsRole",
            "AmazonEC2ContainerServiceforEC2Role",
            "AmazonECS_FullAccess",
            "AdministratorAccess",
            "PowerUserAccess",
            "ReadOnlyAccess",
        ] {
            assert!(managed_policy(name).is_some(), "{name} is not shipped");
        }
        let all = managed_policies("aws");
        let mut files: Vec<&str> =
            embedded::MANAGED_POLICY_FILES.iter().map(|(n, _)| *n).filter(|n| *n != "index.json").collect();
        files.sort();
        let mut indexed: Vec<&str> = all.iter().map(|m| m.name.as_str()).collect();
        indexed.sort();
        indexed.dedup();
        assert_eq!(indexed.len(), all.len(), "a policy is listed twice in index.json");
        let expected: Vec<String> = indexed.iter().map(|n| format!("{n}.json")).collect();
        assert_eq!(files, expected, "every file has one index entry named after it");
        for m in all {
            assert!(m.path == "/" || m.path == "/service-role/", "{}: path {}", m.name, m.path);
            assert!(m.source.starts_with("https://"), "{}", m.name);
            assert!(m.reference.starts_with("https://docs.aws.amazon.com/"), "{}", m.name);
            assert!(m.version.starts_with('v') && m.version_date.len() == 10, "{}", m.name);
        }
        assert_eq!(managed_policies("aws-cn").len(), all.len());
        assert!(managed_policies("aws-iso").is_empty());
    }
}
