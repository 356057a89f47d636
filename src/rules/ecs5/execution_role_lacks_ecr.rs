//! ECS502 execution-role-lacks-ecr: a container's image is in a private ECR
//! repository and the execution role, which pulls it, may not get an ECR
//! token or read the repository's images.
//!
//! The repository ARN comes from the image host
//! (`<account>.dkr.ecr.<region>.amazonaws.com/<repo>` →
//! `arn:<partition>:ecr:<region>:<account>:repository/<repo>`). A repository
//! policy can grant a role of its own account the reads by itself: when the
//! inputs declare the repository with a policy that may do so, the reads are
//! not reported. `ecr:GetAuthorizationToken` has no resource and only the
//! role's policies can allow it.

use super::access::{self, Verdict, partition_of_region, resource_policy_may_allow};
use crate::analysis::image;
use crate::rules::{Ctx, Sink, container_resource, ticked};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    let stores = &cx.inv.context.stores;
    for (_, td) in cx.task_defs() {
        let Some(role) = access::role(cx, &td.execution_role) else { continue };
        let Some((_, role_account)) = role.partition_account() else { continue };
        for c in td.containers.items() {
            let Some(img) = c.image.str() else { continue };
            let Ok(r) = image::parse(img) else { continue };
            let Some(host) = r.registry.as_deref().filter(|h| image::is_private_ecr_host(h)) else { continue };
            let labels: Vec<&str> = host.split('.').collect();
            let (account, region) = (labels[0], labels[3]);
            let repo_arn =
                format!("arn:{}:ecr:{region}:{account}:repository/{}", partition_of_region(region), r.repository);
            let repo = stores.repository(&repo_arn);
            let mut failing: Vec<Verdict> = Vec::new();
            let token = role.may("ecr:GetAuthorizationToken", &["*".to_string()]);
            if token.fails() {
                failing.push(token);
            }
            for action in ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"] {
                let v = role.may(action, std::slice::from_ref(&repo_arn));
                let granted_by_repo = account == role_account
                    && repo
                        .and_then(|x| x.policy.as_ref())
                        .is_some_and(|p| resource_policy_may_allow(p, &role.role.arn, action, &repo_arn));
                if v.fails() && !granted_by_repo {
                    failing.push(v);
                }
            }
            if failing.is_empty() {
                continue;
            }
            let actions: Vec<&str> = failing.iter().map(|v| v.action.as_str()).collect();
            let f = out.report(
                c.image.at,
                container_resource(td, c),
                format!(
                    "Container `{}` pulls from ECR repository `{}`, but execution role `{}` may not {}",
                    c.display_name(),
                    r.repository,
                    role.label(),
                    ticked(&actions, "and")
                ),
            );
            f.evidence(role.policies_line("execution role"));
            for v in &failing {
                f.evidence(v.evidence());
            }
            if account != role_account {
                f.evidence(format!(
                    "the repository is in account {account}: its repository policy must allow the role as well"
                ));
            }
            f.fix(access::fix_with_denies(
                format!(
                    "Attach the AWS managed policy `AmazonECSTaskExecutionRolePolicy` to the execution role, or allow `ecr:GetAuthorizationToken` on `*` and `ecr:BatchGetImage`, `ecr:GetDownloadUrlForLayer` on `{repo_arn}`"
                ),
                &failing,
            ));
        }
    }
}
