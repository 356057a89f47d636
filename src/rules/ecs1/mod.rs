//! ECS1xx: task definitions and Fargate.

pub mod awsvpc_incompatible;
pub mod container_memory_missing;
pub mod container_reference_invalid;
pub mod container_resources_exceed_task;
pub mod duplicate_name;
pub mod family_name_invalid;
pub mod fargate_cpu_memory_invalid;
pub mod fargate_requires_awsvpc;
pub mod health_check_invalid;
pub mod no_essential_container;
pub mod port_mapping_invalid;

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
    "ECS117" => port_mapping_invalid::check,
}
