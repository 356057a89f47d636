//! `explain`: from a stopped reason, a stopped task or a service event to
//! the stage that failed, the likely causes ranked, the checks that confirm
//! each, and the fix.

pub mod audit;
pub mod catalog;
pub mod input;
pub mod redact;
pub mod report;
pub mod run;
pub mod schedule;

use crate::finding::Reported;
use crate::source::Position;
use catalog::{Catalog, Category, Cause, Match, Stage};
use input::{Event, Task};
use serde::Serialize;
use std::sync::Arc;

/// A cause as reported: the catalog's cause, plus what confirmed it.
#[derive(Debug, Clone, Serialize)]
pub struct CauseOut {
    pub category: Category,
    pub summary: Arc<str>,
    pub checks: Arc<[String]>,
    pub fix: Arc<str>,
    /// Lint rules whose findings would confirm this cause.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub rules: Arc<[String]>,
    /// Lint findings on the task definition that confirm this cause.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub confirmed_by: Vec<String>,
}

impl From<&Cause> for CauseOut {
    fn from(c: &Cause) -> Self {
        CauseOut {
            category: c.category,
            summary: c.summary.clone(),
            checks: c.checks.clone(),
            fix: c.fix.clone(),
            rules: c.rules.clone(),
            confirmed_by: Vec::new(),
        }
    }
}

/// One explained input.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    /// The reason as given (secrets redacted), or the task's stopped reason.
    pub input: String,
    /// What the input was: `reason`, `task`, `service-event`.
    pub kind: &'static str,
    /// The task ARN or the service name, for file inputs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Where the input is, for file inputs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Position>,
    /// How many identical inputs this explanation stands for.
    pub count: usize,
    /// The catalog record, `SR…`; absent when nothing matched.
    pub entry: Option<String>,
    pub title: Arc<str>,
    pub category: Category,
    pub stage: Option<Stage>,
    /// Not a failure: a deployment, scale-in or user stop.
    pub benign: bool,
    pub causes: Vec<CauseOut>,
    pub evidence: Vec<String>,
    pub doc: Option<Arc<str>>,
    /// For an unrecognised reason: the known error prefix it starts with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closest_prefix: Option<String>,
}

impl Explanation {
    pub fn is_unknown(&self) -> bool {
        self.entry.is_none()
    }
}

fn from_match(cat: &Catalog, m: &Match, input: String, kind: &'static str) -> Explanation {
    let r = &cat.records[m.record];
    Explanation {
        input,
        kind,
        subject: None,
        location: None,
        count: 1,
        entry: Some(r.id.clone()),
        title: r.title.clone(),
        category: r.category,
        stage: Some(r.stage),
        benign: r.benign,
        causes: r.causes.iter().map(CauseOut::from).collect(),
        evidence: Vec::new(),
        doc: Some(r.doc.clone()),
        closest_prefix: None,
    }
}

fn unknown(cat: &Catalog, text: &str, input: String, kind: &'static str) -> Explanation {
    let prefix = cat.closest_prefix(text);
    Explanation {
        input,
        kind,
        subject: None,
        location: None,
        count: 1,
        entry: None,
        title: match prefix {
            Some(p) => format!("Not in the catalog; `{}` means {}", p.prefix, p.meaning).into(),
            None => "Not in the catalog".into(),
        },
        category: Category::Unknown,
        stage: prefix.map(|p| p.stage),
        benign: false,
        causes: Vec::new(),
        evidence: Vec::new(),
        doc: prefix.map(|p| Arc::from(p.doc.as_str())),
        closest_prefix: prefix.map(|p| p.prefix.clone()),
    }
}

/// Explains one reason given as text.
pub fn explain_text(cat: &Catalog, text: &str) -> Explanation {
    let shown = redact::redact(text.trim()).into_owned();
    let mut e = match cat.best(text, None) {
        Some(m) => from_match(cat, &m, shown, "reason"),
        None => unknown(cat, text, shown, "reason"),
    };
    apply_hints(text, &mut e);
    e
}

/// Explains one service event message.
pub fn explain_event(cat: &Catalog, ev: &Event) -> Option<Explanation> {
    let shown = redact::redact(ev.message.trim()).into_owned();
    let mut e = match cat.best(&ev.message, None) {
        Some(m) => from_match(cat, &m, shown, "service-event"),
        // Progress reports no record knows are not failures; only
        // failure-looking ones count as unrecognised.
        None if looks_like_failure(&ev.message) => unknown(cat, &ev.message, shown, "service-event"),
        None => return None,
    };
    e.subject = Some(format!("service {}", ev.service));
    if let Some(t) = &ev.created_at {
        e.evidence.push(format!("event at {t}"));
    }
    apply_hints(&ev.message, &mut e);
    Some(e)
}

fn looks_like_failure(m: &str) -> bool {
    let l = m.to_ascii_lowercase();
    ["unable", "failed", "failure", "unhealthy", "error", "insufficient", "denied", "cannot", "could not"]
        .iter()
        .any(|w| l.contains(w))
}

/// A signal from a task: a text (stopped reason or a container's reason)
/// with the exit code that goes with it.
struct Signal<'a> {
    text: &'a str,
    exit_code: Option<i64>,
    container: Option<&'a str>,
}

/// Exit codes the container got because ECS stopped the task, rather than
/// the code that stopped it.
fn is_stop_signal_code(c: i64) -> bool {
    c == 137 || c == 143
}

/// Explains a stopped task as a whole: its stop code and reason, each
/// container's reason and exit code, and where it ran. `essential` says
/// which containers are essential, when the task definition is known.
pub fn explain_task(cat: &Catalog, task: &Task, essential: &dyn Fn(&str) -> Option<bool>) -> Explanation {
    let reason = task.stopped_reason.str().or(task.stop_code.str()).unwrap_or("");
    let essential_exit = reason.to_ascii_lowercase().starts_with("essential container in task exited");
    // The container that stopped the task: for "Essential container in task
    // exited", an essential one with an exit code, preferring one with a
    // reason, then one whose code is not the SIGTERM/SIGKILL ECS sends the
    // rest when it stops the task.
    let exited: Vec<&input::TaskContainer> = task.containers.iter().filter(|c| c.exit_code.get().is_some()).collect();
    let culprit = if essential_exit {
        let mut cands: Vec<&&input::TaskContainer> =
            exited.iter().filter(|c| c.name.str().and_then(essential).unwrap_or(true)).collect();
        cands.sort_by_key(|c| {
            (c.reason.str().is_none_or(str::is_empty), c.exit_code.get().is_some_and(|&x| is_stop_signal_code(x)))
        });
        cands.first().map(|c| **c)
    } else {
        None
    };
    let mut signals = vec![Signal {
        text: reason,
        exit_code: culprit.and_then(|c| c.exit_code.get().copied()),
        container: culprit.and_then(|c| c.name.str()),
    }];
    for c in &task.containers {
        if let Some(r) = c.reason.str().filter(|r| !r.is_empty()) {
            signals.push(Signal { text: r, exit_code: c.exit_code.get().copied(), container: c.name.str() });
        }
    }
    let mut best: Option<(Match, &Signal<'_>)> = None;
    for s in &signals {
        if let Some(m) = cat.best(s.text, s.exit_code)
            && best.as_ref().is_none_or(|(b, _)| cat.compare(&m, b).is_gt())
        {
            best = Some((m, s));
        }
    }
    let shown = redact::redact(reason.trim()).into_owned();
    let mut e = match &best {
        Some((m, _)) => from_match(cat, m, shown, "task"),
        None => unknown(cat, reason, shown, "task"),
    };
    e.subject = task.arn.str().map(str::to_string);
    if let Some((_, s)) = &best
        && let Some(c) = s.container
        && s.text != reason
    {
        e.evidence.push(format!("container `{c}` reason: {}", redact::redact(s.text)));
    }
    if let Some(code) = task.stop_code.str() {
        e.evidence.push(format!("stopCode: {code}"));
    }
    for c in &task.containers {
        let name = c.name.str().unwrap_or("?");
        let mut line = format!("container `{name}`");
        match c.exit_code.get() {
            Some(code) => line.push_str(&format!(" exited with code {code}{}", exit_code_meaning(*code))),
            None => {
                line.push_str(&format!(" has no exit code (last status {})", c.last_status.str().unwrap_or("unknown")))
            }
        }
        match essential(name) {
            Some(true) => line.push_str(", essential"),
            Some(false) => line.push_str(", not essential"),
            None => {}
        }
        if culprit.is_some_and(|k| std::ptr::eq(k, c)) {
            line.push_str(" — the container that stopped the task");
        }
        e.evidence.push(line);
    }
    let mut place = Vec::new();
    if let Some(lt) = task.launch_type.str() {
        place.push(format!("launch type {lt}"));
    }
    if let Some(cp) = task.capacity_provider.str() {
        place.push(format!("capacity provider {cp}"));
    }
    if let Some(pv) = task.platform_version.str() {
        place.push(format!("platform version {pv}"));
    }
    if let Some(az) = task.availability_zone.str() {
        place.push(az.to_string());
    }
    if !place.is_empty() {
        e.evidence.push(format!("ran on {}", place.join(", ")));
    }
    let detail = |k: &str| task.eni.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    if let Some(subnet) = detail("subnetId") {
        let mut s = format!("network interface in {subnet}");
        if let Some(ip) = detail("privateIPv4Address") {
            s.push_str(&format!(", private IP {ip}"));
        }
        if let Some(id) = detail("networkInterfaceId") {
            s.push_str(&format!(" ({id})"));
        }
        e.evidence.push(s);
    }
    if task.pull_started && !task.pull_stopped {
        e.evidence.push("the image pull started but never finished".to_string());
    }
    if let Some(g) = task.group.str()
        && let Some(svc) = g.strip_prefix("service:")
    {
        e.evidence.push(format!("started by service `{svc}`"));
    }
    if let Some((_, s)) = &best {
        apply_hints(s.text, &mut e);
    }
    e
}

fn exit_code_meaning(code: i64) -> &'static str {
    match code {
        0 => " (the process ended normally)",
        1 => " (application error)",
        126 => " (command not executable)",
        127 => " (command not found)",
        132 => " (SIGILL: illegal instruction)",
        134 => " (SIGABRT: aborted)",
        137 => " (SIGKILL)",
        139 => " (SIGSEGV: segmentation fault)",
        143 => " (SIGTERM)",
        255 => " (exit status -1 or out of range)",
        _ => "",
    }
}

/// Adds lint findings on the task's task definition as evidence, and marks
/// (and moves up) the causes they confirm.
pub fn add_lint_evidence(e: &mut Explanation, findings: &[&Reported]) {
    for f in findings {
        let line = format!("{} {}: {} ({})", f.rule, f.name, f.message, f.location.short());
        let mut confirms = false;
        for c in e.causes.iter_mut() {
            if c.rules.contains(&f.rule) {
                c.confirmed_by.push(line.clone());
                confirms = true;
            }
        }
        if confirms {
            e.evidence.push(format!("lint: {line}"));
        }
    }
    // The task definition's other errors, named so the user can look.
    let others: Vec<&str> = findings
        .iter()
        .filter(|f| f.severity == crate::finding::Severity::Error)
        .filter(|f| !e.causes.iter().any(|c| c.rules.contains(&f.rule)))
        .map(|f| f.rule.as_str())
        .collect();
    if !others.is_empty() {
        let mut ids = others.clone();
        ids.sort_unstable();
        ids.dedup();
        e.evidence.push(format!(
            "lint also finds {} other error{} in the task definition ({}); run `ecs-triage lint` on it",
            others.len(),
            if others.len() == 1 { "" } else { "s" },
            ids.join(", ")
        ));
    }
    // Confirmed causes first, otherwise in the catalog's order.
    e.causes.sort_by_key(|c| c.confirmed_by.is_empty());
    if let Some(first) = e.causes.first()
        && !first.confirmed_by.is_empty()
    {
        e.category = first.category;
    }
}

/// S3 answers at public addresses even through a gateway endpoint, so a
/// public address in an S3 download says nothing about the route.
fn mentions_s3(text: &str) -> bool {
    let l = text.to_ascii_lowercase();
    l.contains(".s3.") || l.contains("s3.amazonaws") || l.contains("starport-layer-bucket") || l.contains("s3:")
}

/// Evidence read from the message itself.
fn apply_hints(text: &str, e: &mut Explanation) {
    // `dial tcp 10.0.3.7:443: i/o timeout`: a private address means the
    // name resolved to an interface VPC endpoint, so a route exists and a
    // security group or NACL is the likelier block; a public address means
    // the subnet has no way out to the internet.
    static DIAL: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"dial tcp ([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3}):([0-9]+): (i/o timeout|connect: connection refused|connect: connection timed out)").expect("pattern")
    });
    if !text.contains("dial tcp ") {
        return;
    }
    let Some(c) = DIAL.captures(text) else { return };
    let o: Vec<u8> = (1..=4).filter_map(|i| c[i].parse().ok()).collect();
    if o.len() != 4 {
        return;
    }
    let ip = format!("{}.{}.{}.{}", o[0], o[1], o[2], o[3]);
    let private = o[0] == 10 || (o[0] == 172 && (16..32).contains(&o[1])) || (o[0] == 192 && o[1] == 168);
    let has = |cat: Category| e.causes.iter().any(|x| x.category == cat);
    if private && has(Category::NetworkFirewall) {
        e.evidence.push(format!(
            "the endpoint answered at private address {ip}: the name resolves to an interface VPC endpoint, so the route exists and its security group (inbound 443 from the task) or a NACL is the likelier block"
        ));
        e.causes.sort_by_key(|x| x.category != Category::NetworkFirewall);
        e.category = Category::NetworkFirewall;
    } else if !private && has(Category::NetworkPath) && !mentions_s3(text) {
        e.evidence.push(format!(
            "the endpoint answered at public address {ip}: no VPC endpoint is in use, so the task needs a public IP in a subnet routed to an internet gateway, or a NAT gateway"
        ));
        e.causes.sort_by_key(|x| x.category != Category::NetworkPath);
        e.category = Category::NetworkPath;
    }
}
