//! ECS1xx: task definitions and Fargate.

pub mod family_name_invalid;
pub mod fargate_cpu_memory_invalid;
pub mod fargate_requires_awsvpc;

crate::family_checks! {
    "ECS101" => family_name_invalid::check,
    "ECS102" => fargate_requires_awsvpc::check,
    "ECS103" => fargate_cpu_memory_invalid::check,
}
