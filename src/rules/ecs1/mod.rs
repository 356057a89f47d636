//! ECS1xx: task definitions and Fargate.

pub mod ephemeral_storage_range;
pub mod execution_role_missing;
pub mod family_name_invalid;
pub mod fargate_cpu_memory_invalid;
pub mod fargate_requires_awsvpc;
pub mod fargate_unsupported_parameter;
pub mod image_reference;
pub mod plaintext_secret_in_environment;
pub mod secret_reference_invalid;

crate::family_checks! {
    "ECS101" => family_name_invalid::check,
    "ECS102" => fargate_requires_awsvpc::check,
    "ECS103" => fargate_cpu_memory_invalid::check,
    "ECS111" => fargate_unsupported_parameter::check,
    "ECS112" => image_reference::check,
    "ECS113" => ephemeral_storage_range::check,
    "ECS114" => plaintext_secret_in_environment::check,
    "ECS115" => execution_role_missing::check,
    "ECS116" => secret_reference_invalid::check,
}
