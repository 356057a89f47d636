//! ECS6xx: ECS Exec.

crate::family_checks! {}
