//! Secrets that users paste along with a reason (a password in a connection
//! string, a bearer token) are never echoed back in any format.

use regex::Regex;
use std::sync::OnceLock;

/// A redaction: a pattern, its replacement, and a cheap test that the text
/// may hold what the pattern matches, so most reasons never compile it.
struct Rule {
    pattern: &'static str,
    replace: &'static str,
    may_match: fn(&str) -> bool,
    compiled: OnceLock<Regex>,
}

const KEYS: [&str; 9] = ["password", "passwd", "pwd", "secret", "token", "apikey", "key", "access_key", "private_key"];

/// `<key>["']?\s*[=:]`: a secret-looking key word followed by an
/// assignment, which the first pattern needs.
fn key_assignment(text: &str) -> bool {
    // Reasons hold many `:` (ARNs, error prefixes) and few key words:
    // look back from each `:` and `=` rather than searching for each word.
    text.match_indices([':', '=']).any(|(i, _)| {
        let before = text[..i].trim_end().trim_end_matches(['"', '\'']).as_bytes();
        KEYS.iter()
            .any(|k| before.len() >= k.len() && before[before.len() - k.len()..].eq_ignore_ascii_case(k.as_bytes()))
    })
}

fn contains_ci(text: &str, words: &[&str]) -> bool {
    let lower = text.to_ascii_lowercase();
    words.iter().any(|w| lower.contains(w))
}

static RULES: [Rule; 5] = [
    // key=value and key: value for secret-looking keys.
    // Not after `:` or `/`, so ARNs (`...:secret:name`) stay whole.
    Rule {
        pattern: r#"(?i)(^|[^:/a-z0-9_-])((?:[a-z0-9_-]*(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key))["']?\s*[=:]\s*["']?)[^\s"',;&)]+"#,
        replace: "${1}${2}<redacted>",
        may_match: key_assignment,
        compiled: OnceLock::new(),
    },
    Rule {
        pattern: r"(?i)\b(authorization:\s*)(?:(?:bearer|basic)\s+)?\S+",
        replace: "${1}<redacted>",
        may_match: |t| contains_ci(t, &["authorization"]),
        compiled: OnceLock::new(),
    },
    Rule {
        pattern: r"(?i)\b(bearer|basic)\s+[a-z0-9._~+/=-]{8,}",
        replace: "${1} <redacted>",
        may_match: |t| contains_ci(t, &["bearer", "basic"]),
        compiled: OnceLock::new(),
    },
    // user:password@host in URLs.
    Rule {
        pattern: r"(?i)\b([a-z][a-z0-9+.-]*://[^\s:/@]+:)[^\s@/]+@",
        replace: "${1}<redacted>@",
        may_match: |t| t.contains("://") && t.contains('@'),
        compiled: OnceLock::new(),
    },
    // Secret access keys (40 base64 characters after a key id or alone).
    Rule {
        pattern: r"\b(A(?:KIA|SIA)[A-Z0-9]{16}[\s:/]+)[A-Za-z0-9/+]{40}\b",
        replace: "${1}<redacted>",
        may_match: |t| t.contains("AKIA") || t.contains("ASIA"),
        compiled: OnceLock::new(),
    },
];

/// The text with secret values replaced by `<redacted>`.
pub fn redact(text: &str) -> std::borrow::Cow<'_, str> {
    let mut out = std::borrow::Cow::Borrowed(text);
    for rule in &RULES {
        if !(rule.may_match)(&out) {
            continue;
        }
        let re = rule.compiled.get_or_init(|| Regex::new(rule.pattern).expect("redaction pattern"));
        if re.is_match(&out) {
            out = std::borrow::Cow::Owned(re.replace_all(&out, rule.replace).into_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{RULES, redact};

    /// The cheap gates must hold wherever their pattern matches.
    #[test]
    fn gates_hold_wherever_patterns_match() {
        let parts = [
            "password",
            "Key",
            "api-key",
            "TOKEN",
            "'",
            "\"",
            " ",
            "\u{a0}",
            "=",
            ":",
            "x9",
            "/",
            "Bearer ",
            "AKIA",
            "https://",
            "u",
            "@",
            "abcdefgh12",
        ];
        let mut texts = vec![String::new()];
        for _ in 0..4 {
            texts = texts.iter().flat_map(|t| parts.iter().map(move |p| format!("{t}{p}"))).collect();
            for rule in &RULES {
                let re = regex::Regex::new(rule.pattern).unwrap();
                for t in &texts {
                    assert!(!re.is_match(t) || (rule.may_match)(t), "gate of `{}` misses {t:?}", rule.pattern);
                }
            }
        }
    }

    #[test]
    fn redacts_secrets_and_keeps_the_rest() {
        let cases = [
            ("failed to connect: password=hunter2 host=db", "failed to connect: password=<redacted> host=db"),
            ("DB_PASSWORD: s3cr3t!", "DB_PASSWORD: <redacted>"),
            ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIx", "Authorization: <redacted>"),
            ("token bearer abcdefghijklmnop", "token bearer <redacted>"),
            ("postgres://app:pa55word@db:5432/x unreachable", "postgres://app:<redacted>@db:5432/x unreachable"),
            ("api_key=\"abc123def\" rejected", "api_key=\"<redacted>\" rejected"),
            ("Password : hunter2", "Password : <redacted>"),
            ("{\"client_secret\": \"abc\"}", "{\"client_secret\": \"<redacted>\"}"),
            ("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG", "AWS_SECRET_ACCESS_KEY=<redacted>"),
            ("secret' = x1y2 and more", "secret' = <redacted> and more"),
            ("token\u{a0}=abc def", "token\u{a0}=<redacted> def"),
        ];
        for (input, want) in cases {
            assert_eq!(redact(input), want, "{input}");
        }
        let arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf";
        let msg = format!("ResourceNotFoundException: The task can't retrieve the secret with ARN '{arn}'");
        assert_eq!(redact(&msg), msg, "ARNs are kept");
        let plain = "CannotPullContainerError: pull image manifest has been retried 5 time(s)";
        assert_eq!(redact(plain), plain);
    }
}
