//! ECS4xx: logging.

pub mod awslogs_options_invalid;
pub mod log_configuration_missing;

pub mod log_group_not_found;
pub mod log_group_not_referenced;

crate::family_checks! {
    "ECS401" => log_configuration_missing::check,
    "ECS402" => awslogs_options_invalid::check,

    "ECS403" => log_group_not_found::check,
    "ECS406" => log_group_not_referenced::check,
}
