//! ECS3xx: the network path from a task to the AWS endpoints it needs.

crate::family_checks! {}
