//! ECS5xx: IAM roles and secrets.

crate::family_checks! {}
