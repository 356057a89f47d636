//! The positioned JSON parser agrees with serde_json on what is valid JSON,
//! and every offset it reports lies inside the input.
#![no_main]

use ecs_triage::source::json::{self, Kind, Node};
use libfuzzer_sys::fuzz_target;

fn check(n: &Node<'_>, len: usize) {
    assert!((n.off as usize) < len);
    match &n.kind {
        Kind::Arr(items) => items.iter().for_each(|i| check(i, len)),
        Kind::Obj(members) => members.iter().for_each(|m| {
            assert!((m.key_off as usize) < len);
            check(&m.value, len);
            assert!(json::pointer_at(n, m.key_off).is_some() || members.iter().filter(|o| o.key_off == m.key_off).count() > 1);
        }),
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let ours = json::parse(text);
    // serde_json has a recursion limit of 128; compare only below it.
    let shallow = text.bytes().filter(|b| *b == b'[' || *b == b'{').count() < 100;
    let theirs = serde_json::from_str::<serde_json::Value>(text.strip_prefix('\u{feff}').unwrap_or(text));
    // serde_json refuses numbers beyond f64 (`7e2888`), which the JSON
    // grammar allows and we keep as text; that is not a disagreement.
    let out_of_range = theirs.as_ref().err().is_some_and(|e| e.to_string().contains("number out of range"));
    if shallow && !out_of_range {
        assert_eq!(ours.is_ok(), theirs.is_ok(), "disagree on {text:?}: {:?}", ours.as_ref().err());
    }
    if let Ok(root) = &ours {
        check(root, text.len());
    }
});
