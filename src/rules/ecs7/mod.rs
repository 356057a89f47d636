//! ECS7xx: scheduled tasks (EventBridge rules and EventBridge Scheduler).

pub mod scheduled;

pub mod ecs_target_incomplete;
pub mod ecs_target_role_denied;
pub mod rule_disabled;
pub mod rule_name_conflict;
pub mod schedule_expression_invalid;
pub mod target_id_duplicate;
pub mod target_id_invalid;
pub mod too_many_targets;

crate::family_checks! {
    "ECS701" => schedule_expression_invalid::check,
    "ECS702" => target_id_invalid::check,
    "ECS703" => target_id_duplicate::check,
    "ECS704" => rule_name_conflict::check,
    "ECS705" => ecs_target_incomplete::check,
    "ECS706" => ecs_target_role_denied::check,
    "ECS707" => too_many_targets::check,
    "ECS708" => rule_disabled::check,
}
