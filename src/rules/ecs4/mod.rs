//! ECS4xx: logging.

crate::family_checks! {}
