//! ECS4xx: logging.

pub mod awslogs_options_invalid;
pub mod create_group_without_permission;
pub mod execution_role_lacks_logs;
pub mod log_configuration_missing;
pub mod log_group_kms_key_unusable;
pub mod log_group_not_found;
pub mod log_group_not_referenced;

crate::family_checks! {
    "ECS401" => log_configuration_missing::check,
    "ECS402" => awslogs_options_invalid::check,
    "ECS403" => log_group_not_found::check,
    "ECS404" => create_group_without_permission::check,
    "ECS405" => execution_role_lacks_logs::check,
    "ECS406" => log_group_not_referenced::check,
    "ECS407" => log_group_kms_key_unusable::check,
}
