//! ECS4xx: logging.

pub mod awslogs_options_invalid;
pub mod log_configuration_missing;

crate::family_checks! {
    "ECS401" => log_configuration_missing::check,
    "ECS402" => awslogs_options_invalid::check,
}
