//! ECS1xx: task definitions and Fargate.

pub mod awsvpc_incompatible;
pub mod container_memory_missing;
pub mod container_reference_invalid;
pub mod container_resources_exceed_task;
pub mod duplicate_name;
pub mod ephemeral_storage_range;
pub mod execution_role_missing;
pub mod family_name_invalid;
pub mod fargate_cpu_memory_invalid;
pub mod fargate_requires_awsvpc;
pub mod fargate_unsupported_parameter;
pub mod health_check_invalid;
pub mod image_reference;
pub mod no_essential_container;
pub mod plaintext_secret_in_environment;
pub mod port_mapping_invalid;
pub mod secret_reference_invalid;

pub mod cfn_property_unknown;

crate::family_checks! {
    "ECS101" => family_name_invalid::check,
    "ECS102" => fargate_requires_awsvpc::check,
    "ECS103" => fargate_cpu_memory_invalid::check,
    "ECS104" => container_resources_exceed_task::check,
    "ECS105" => container_memory_missing::check,
    "ECS106" => no_essential_container::check,
    "ECS107" => container_reference_invalid::check,
    "ECS108" => health_check_invalid::check,
    "ECS109" => duplicate_name::check,
    "ECS110" => awsvpc_incompatible::check,
    "ECS111" => fargate_unsupported_parameter::check,
    "ECS112" => image_reference::check,
    "ECS113" => ephemeral_storage_range::check,
    "ECS114" => plaintext_secret_in_environment::check,
    "ECS115" => execution_role_missing::check,
    "ECS116" => secret_reference_invalid::check,
    "ECS117" => port_mapping_invalid::check,

    "ECS120" => cfn_property_unknown::check,
}
