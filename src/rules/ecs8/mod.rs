//! ECS8xx: load balancing.

crate::family_checks! {}
