//! ECS5xx: IAM roles and secrets.

pub(crate) mod access;
pub mod execution_role_lacks_ecr;
pub mod execution_role_lacks_secrets;
pub mod image_not_found;
pub mod role_not_found;
pub mod role_trust_invalid;
pub mod secret_not_found;

crate::family_checks! {
    "ECS501" => role_trust_invalid::check,
    "ECS502" => execution_role_lacks_ecr::check,
    "ECS503" => execution_role_lacks_secrets::check,
    "ECS504" => secret_not_found::check,
    "ECS505" => image_not_found::check,
    "ECS506" => role_not_found::check,
}
