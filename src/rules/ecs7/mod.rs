//! ECS7xx: scheduled tasks (EventBridge rules and EventBridge Scheduler).

crate::family_checks! {}
