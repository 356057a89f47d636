//! Any UTF-8 as a schedule expression, in both dialects. A successful parse
//! must print back to an expression that parses the same, and asking for
//! three fire times (in UTC and in a zone with daylight saving) must return
//! quickly with times that increase and lie after the start.
#![no_main]

use ecs_triage::analysis::schedule::{parse, Dialect, Schedule};
use jiff::Timestamp;
use libfuzzer_sys::fuzz_target;

fn check(s: &Schedule, dialect: Dialect) {
    let again = parse(&s.to_string(), dialect).expect("a parsed schedule prints as a valid expression");
    assert_eq!(&again, s);
    for (after, tz) in [(1_735_689_600, None), (1_762_063_200, Some("America/New_York")), (7_258_118_400, None)] {
        let after = Timestamp::from_second(after).unwrap();
        let times = s.next_fire_times(after, tz, 3).expect("known zone");
        assert!(times.len() <= 3);
        assert!(times.first().is_none_or(|t| *t > after));
        assert!(times.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(s.can_fire(after, tz).unwrap(), !times.is_empty());
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for dialect in [Dialect::EventsRule, Dialect::Scheduler] {
        match parse(text, dialect) {
            Ok(s) => check(&s, dialect),
            Err(e) => {
                assert!(!e.message.is_empty() && !e.message.contains('\n') && !e.message.ends_with('.'));
                if let Some(c) = e.column {
                    assert!(c >= 1 && c <= text.chars().count() + 1, "column {c} outside {text:?}");
                }
            }
        }
    }
});
