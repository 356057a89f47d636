//! ECS115 execution-role-missing: the task definition has no execution role
//! although ECS needs one to start its tasks.

use crate::analysis::image;
use crate::model::TdShape;
use crate::rules::{Ctx, Sink, td_resource};

/// What ECS does with the execution role, and what it answers without one.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Need {
    Secrets,
    RegistryCredentials,
    EnvironmentFiles,
    PrivateEcr,
    Awslogs,
}

impl Need {
    fn purpose(self) -> &'static str {
        match self {
            Need::Secrets => "read secrets",
            Need::RegistryCredentials => "read private registry credentials",
            Need::EnvironmentFiles => "download environment files from S3",
            Need::PrivateEcr => "pull images from private ECR",
            Need::Awslogs => "send logs to CloudWatch Logs",
        }
    }

    /// The error ECS gives, when known.
    fn ecs_error(self) -> Option<&'static str> {
        match self {
            Need::Secrets => {
                Some("When you are specifying container secrets, you must also specify a value for 'executionRoleArn'.")
            }
            Need::PrivateEcr => {
                Some("Fargate requires task definition to have execution role ARN to support ECR images.")
            }
            Need::Awslogs => {
                Some("Fargate requires task definition to have execution role ARN to support log driver awslogs.")
            }
            Need::RegistryCredentials | Need::EnvironmentFiles => None,
        }
    }
}

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    for (i, td) in cx.task_defs() {
        if td.shape == TdShape::ContainerList {
            continue;
        }
        let subject = match td.execution_role.str() {
            Some(role) if role.trim().is_empty() => "Task definition's `executionRoleArn` is empty",
            None if td.execution_role.is_missing() => "Task definition has no `executionRoleArn`",
            // A role, or a placeholder for one.
            _ => continue,
        };
        let fargate = cx.fargate_reason(i);
        let mut needs: Vec<(Need, String)> = Vec::new();
        for c in td.containers.items() {
            let name = c.display_name();
            if !c.secrets.items().is_empty() {
                needs.push((Need::Secrets, format!("container `{name}` has `secrets`")));
            }
            if let Some(log) = c.log.get()
                && !log.secret_options.items().is_empty()
            {
                needs.push((Need::Secrets, format!("container `{name}` has `logConfiguration.secretOptions`")));
            }
            if !c.repository_credentials.is_missing() {
                needs.push((Need::RegistryCredentials, format!("container `{name}` has `repositoryCredentials`")));
            }
            if !c.environment_files.items().is_empty() {
                needs.push((Need::EnvironmentFiles, format!("container `{name}` has `environmentFiles`")));
            }
            // On EC2 the container instance role pulls from ECR and writes
            // logs; only Fargate needs the execution role for these.
            if fargate.is_none() {
                continue;
            }
            if let Some(img) = c.image.str()
                && image::parse(img).is_ok_and(|r| r.is_private_ecr())
            {
                needs.push((Need::PrivateEcr, format!("container `{name}` pulls `{img}` from private ECR")));
            }
            if c.log.get().and_then(|l| l.driver.str()) == Some("awslogs") {
                needs.push((Need::Awslogs, format!("container `{name}` uses the `awslogs` log driver")));
            }
        }
        if needs.is_empty() {
            continue;
        }
        let mut kinds: Vec<Need> = needs.iter().map(|(n, _)| *n).collect();
        kinds.sort();
        kinds.dedup();
        let purposes: Vec<&str> = kinds.iter().map(|n| n.purpose()).collect();
        let f = out.report(
            td.execution_role.at,
            td_resource(td),
            format!("{subject}, but ECS needs an execution role to {}", join_and(&purposes)),
        );
        for (_, line) in &needs {
            f.evidence(line.clone());
        }
        if let Some(why) = &fargate
            && kinds.iter().any(|k| matches!(k, Need::PrivateEcr | Need::Awslogs))
        {
            f.evidence(why.clone());
        }
        for k in &kinds {
            if let Some(e) = k.ecs_error() {
                f.evidence(format!("ECS reports: \"{e}\""));
            }
        }
        let mut extra = Vec::new();
        if kinds.contains(&Need::Secrets) || kinds.contains(&Need::RegistryCredentials) {
            extra.push("read access to the secrets and parameters it names (and their KMS keys)");
        }
        if kinds.contains(&Need::EnvironmentFiles) {
            extra.push("`s3:GetObject` on the environment files");
        }
        let mut fix = "Set `executionRoleArn` to a role that `ecs-tasks.amazonaws.com` can assume, with the `AmazonECSTaskExecutionRolePolicy` managed policy".to_string();
        if !extra.is_empty() {
            fix.push_str(" plus ");
            fix.push_str(&join_and(&extra));
        }
        f.fix(fix);
    }
}

fn join_and(items: &[&str]) -> String {
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}
