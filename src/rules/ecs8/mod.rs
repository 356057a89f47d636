//! ECS8xx: load balancing.

pub mod grace_period_without_load_balancer;
pub mod load_balancer_container_mismatch;

crate::family_checks! {
    "ECS801" => load_balancer_container_mismatch::check,
    "ECS802" => grace_period_without_load_balancer::check,
}
