//! Any bytes as a CloudFormation template (YAML, or JSON): the YAML loader,
//! intrinsic resolution, the context, every rule and reporting must not
//! panic, loop or blow up memory.
#![no_main]

use ecs_triage::config::Config;
use ecs_triage::engine;
use ecs_triage::source::discover;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = discover::decode("fuzz.yaml", data.to_vec()) else { return };
    let loaded = engine::load_texts(&[("fuzz.yaml".to_string(), text)]);
    let cfg = Config::default();
    let mut findings = engine::check(&loaded.inv, &cfg);
    engine::suppress(&mut findings, &loaded.inv);
    let _ = engine::settle(findings, &loaded.sources, &cfg, true);
});
