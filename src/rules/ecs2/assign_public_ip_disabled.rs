//! ECS208 assign-public-ip-disabled: Fargate tasks without a public IP reach
//! AWS and registries only through a NAT gateway or VPC endpoints. Without
//! network context this is advice: it names what the task will need. With
//! it (a template declaring the subnets), the ECS30x rules take over.

use crate::analysis::image;
use crate::analysis::network::{self, Runner};
use crate::model::TaskDef;
use crate::rules::ticked;
use crate::rules::{Ctx, Sink};
use std::collections::BTreeSet;

/// Endpoints in the order a task meets them while starting.
const ORDER: &[&str] = &["ecr.api", "ecr.dkr", "s3", "secretsmanager", "ssm", "logs", "ssmmessages"];

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    for l in cx.inv.launchers() {
        if !cx.inv.platform_of(l).is_fargate() {
            continue;
        }
        let launch = cx.inv.launch(l);
        let Some(vpc) = launch.network.get() else { continue };
        // No subnets is ECS201's finding.
        if vpc.subnets.items().is_empty() {
            continue;
        }
        let ip = &vpc.assign_public_ip;
        let state = match ip.str() {
            Some("DISABLED") => "is `DISABLED`",
            None if ip.is_missing() => "defaults to `DISABLED`",
            _ => continue,
        };
        // With the network context loaded and the subnets found in it, the
        // ECS30x rules decide: a blocked endpoint is their finding, and
        // nothing is left to advise when every endpoint is reachable. Only an
        // undecided path keeps this advice.
        let reach = cx.reach().iter().find(|r| r.task.runner == Runner::Launcher(l));
        if let Some(r) = reach
            && r.all_subnets_found()
            && (r.any_blocked() || r.all_reachable())
        {
            continue;
        }
        let mut needs = Needs::default();
        match cx.inv.td_of(l) {
            Some(td) => needs.add_task_def(td),
            None => {
                for e in ["ecr.api", "ecr.dkr", "s3", "logs"] {
                    needs.endpoints.insert(e);
                }
                needs.evidence.push(
                    "the task definition is not among the inputs: these are what a task with a private ECR image and awslogs needs"
                        .to_string(),
                );
            }
        }
        if launch.enable_execute_command.is_true() {
            needs.add("ssmmessages", "`enableExecuteCommand` is true: ECS Exec talks to Systems Manager".to_string());
        }
        if needs.endpoints.is_empty() && needs.internet.is_empty() {
            continue;
        }
        let endpoints: Vec<&str> = ORDER.iter().copied().filter(|e| needs.endpoints.contains(e)).collect();
        let mut parts = Vec::new();
        if !needs.internet.is_empty() {
            parts.push(format!("a NAT gateway to pull {}", ticked(&needs.internet, "and")));
        }
        if !endpoints.is_empty() {
            parts.push(format!("a NAT gateway or VPC endpoints for {}", ticked(&endpoints, "and")));
        }
        let message = format!(
            "Fargate tasks of {} get no public IP (`assignPublicIp` {state}); their subnets need {}",
            cx.launcher_label(l),
            parts.join(", and ")
        );
        let f = out.report(ip.at, cx.launcher_resource(l), message);
        for e in &needs.evidence {
            f.evidence(e.clone());
        }
        // With a network context, say what left the path undecided.
        if let Some(r) = &reach {
            let mut seen = Vec::new();
            for s in &r.subnets {
                let why = match (&s.id, s.found) {
                    (Some(id), false) => vec![format!("subnet `{id}` is not declared in the template")],
                    (None, _) => vec!["a subnet is not resolved".to_string()],
                    _ => s
                        .verdicts
                        .iter()
                        .filter(|v| v.state == network::State::Unknown)
                        .flat_map(|v| v.evidence.iter().cloned())
                        .collect(),
                };
                for w in why {
                    if !seen.contains(&w) {
                        f.evidence(format!("path not decided: {w}"));
                        seen.push(w);
                    }
                }
            }
        }
        let mut fix = "Route the subnets through a NAT gateway".to_string();
        if !endpoints.is_empty() {
            fix.push_str(", or create the VPC endpoints listed");
            if needs.endpoints.contains("s3") {
                fix.push_str(" (`s3` as a gateway endpoint)");
            }
            if !needs.internet.is_empty() {
                fix.push_str(" and copy the public images into ECR");
            }
        }
        fix.push_str(", or use public subnets with `\"assignPublicIp\": \"ENABLED\"`");
        f.fix(fix);
    }
}

#[derive(Default)]
struct Needs {
    endpoints: BTreeSet<&'static str>,
    /// Images from registries no VPC endpoint serves.
    internet: Vec<String>,
    evidence: Vec<String>,
}

impl Needs {
    fn add(&mut self, endpoint: &'static str, why: String) {
        if self.endpoints.insert(endpoint) {
            self.evidence.push(format!("`{endpoint}`: {why}"));
        }
    }

    fn add_task_def(&mut self, td: &TaskDef) {
        for c in td.containers.items() {
            let name = c.display_name();
            if let Some(reference) = c.image.str()
                && let Ok(img) = image::parse(reference)
            {
                if img.is_private_ecr() {
                    if !self.endpoints.contains("ecr.api") {
                        self.evidence.push(format!(
                            "`ecr.api`, `ecr.dkr`, `s3`: container `{name}` pulls `{reference}` from private ECR, whose image layers are in S3"
                        ));
                    }
                    self.endpoints.extend(["ecr.api", "ecr.dkr", "s3"]);
                } else if !self.internet.iter().any(|i| i == reference) {
                    let registry = img.registry.as_deref().unwrap_or("Docker Hub");
                    self.evidence.push(format!(
                        "container `{name}` pulls `{reference}` from {registry}, which no VPC endpoint serves"
                    ));
                    self.internet.push(reference.to_string());
                }
            }
            if c.repository_credentials.get().is_some() {
                self.add(
                    "secretsmanager",
                    format!("container `{name}` reads registry credentials from Secrets Manager"),
                );
            }
            for s in c.secrets.items() {
                let Some(from) = s.value_from.str() else { continue };
                let secret = s.name.str().unwrap_or("?");
                if from.starts_with("arn:") && from.split(':').nth(2) == Some("secretsmanager") {
                    self.add(
                        "secretsmanager",
                        format!("container `{name}` reads secret `{secret}` from Secrets Manager"),
                    );
                } else if !from.starts_with("arn:") || from.split(':').nth(2) == Some("ssm") {
                    self.add("ssm", format!("container `{name}` reads secret `{secret}` from Parameter Store"));
                }
            }
            if !c.environment_files.items().is_empty() {
                self.add("s3", format!("container `{name}` loads `environmentFiles` from S3"));
            }
            if c.log.get().and_then(|l| l.driver.str()) == Some("awslogs") {
                self.add("logs", format!("container `{name}` logs with awslogs to CloudWatch Logs"));
            }
        }
    }
}
