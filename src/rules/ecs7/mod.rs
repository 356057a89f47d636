//! ECS7xx: scheduled tasks (EventBridge rules and EventBridge Scheduler).

pub mod ecs_target_role_denied;

crate::family_checks! {
    "ECS706" => ecs_target_role_denied::check,
}
