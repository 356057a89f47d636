//! Secrets that users paste along with a reason (a password in a connection
//! string, a bearer token) are never echoed back in any format.

use regex::Regex;
use std::sync::LazyLock;

static RULES: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    [
        // key=value and key: value for secret-looking keys.
        // Not after `:` or `/`, so ARNs (`...:secret:name`) stay whole.
        (
            r#"(?i)(^|[^:/a-z0-9_-])((?:[a-z0-9_-]*(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key))["']?\s*[=:]\s*["']?)[^\s"',;&)]+"#,
            "${1}${2}<redacted>",
        ),
        (r"(?i)\b(bearer|basic)\s+[a-z0-9._~+/=-]{8,}", "${1} <redacted>"),
        // The whole header value, scheme included (the rule above may already
        // have redacted the credentials after `Bearer`).
        (r"(?i)\b(authorization:\s*)(?:(?:bearer|basic)\s+)?\S+", "${1}<redacted>"),
        // user:password@host in URLs.
        (r"(?i)\b([a-z][a-z0-9+.-]*://[^\s:/@]+:)[^\s@/]+@", "${1}<redacted>@"),
        // Secret access keys (40 base64 characters after a key id or alone).
        (r"\b(A(?:KIA|SIA)[A-Z0-9]{16}[\s:/]+)[A-Za-z0-9/+]{40}\b", "${1}<redacted>"),
    ]
    .into_iter()
    .map(|(p, r)| (Regex::new(p).expect("redaction pattern"), r))
    .collect()
});

/// The text with secret values replaced by `<redacted>`.
pub fn redact(text: &str) -> std::borrow::Cow<'_, str> {
    let mut out = std::borrow::Cow::Borrowed(text);
    for (re, rep) in RULES.iter() {
        if re.is_match(&out) {
            out = std::borrow::Cow::Owned(re.replace_all(&out, *rep).into_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn redacts_secrets_and_keeps_the_rest() {
        let cases = [
            ("failed to connect: password=hunter2 host=db", "failed to connect: password=<redacted> host=db"),
            ("DB_PASSWORD: s3cr3t!", "DB_PASSWORD: <redacted>"),
            ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIx", "Authorization: <redacted>"),
            ("token bearer abcdefghijklmnop", "token bearer <redacted>"),
            ("postgres://app:pa55word@db:5432/x unreachable", "postgres://app:<redacted>@db:5432/x unreachable"),
            ("api_key=\"abc123def\" rejected", "api_key=\"<redacted>\" rejected"),
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
