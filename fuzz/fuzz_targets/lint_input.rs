//! Any bytes as an input file: decoding, parsing, shape recognition, every
//! rule, and position/pointer resolution must not panic.
#![no_main]

use ecs_triage::config::Config;
use ecs_triage::engine;
use ecs_triage::source::discover;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = discover::decode("fuzz.json", data.to_vec()) else { return };
    let loaded = engine::load_texts(&[("fuzz.json".to_string(), text)]);
    let cfg = Config::default();
    let findings = engine::check(&loaded.inv, &cfg);
    let reported = engine::settle(findings, &loaded.sources, &cfg, true);
    for f in &reported {
        assert!(f.location.line.is_some());
    }
});
