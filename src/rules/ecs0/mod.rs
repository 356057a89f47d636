//! ECS0xx: notes about what could not be checked.

pub mod duplicate_key;
pub mod not_checked;
pub mod placeholders_skipped;

crate::family_checks! {
    "ECS001" => not_checked::check,
    "ECS002" => placeholders_skipped::check,
    "ECS003" => duplicate_key::check,
}
