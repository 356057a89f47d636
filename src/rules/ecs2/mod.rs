//! ECS2xx: services, run-task inputs and deployments.

crate::family_checks! {}
