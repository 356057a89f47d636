//! `explain --schedule EXPR`: whether EventBridge (or EventBridge Scheduler)
//! accepts a schedule expression, where it goes wrong when it does not, and
//! the next times it fires.

use crate::analysis::schedule::{self, Dialect, Schedule};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;

/// How many fire times are shown.
pub const SHOWN: usize = 3;

#[derive(Debug, Serialize)]
pub struct ScheduleReport {
    /// The JSON document's version.
    pub version: u32,
    pub expression: String,
    /// `eventbridge-rule` or `scheduler`.
    pub service: &'static str,
    pub valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorOut>,
    /// The zone times are also shown in (and, for Scheduler, evaluated in).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// The next fire times after now.
    pub next: Vec<FireTime>,
    pub notes: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct ErrorOut {
    pub message: String,
    /// 1-based character column in the expression, when the problem has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// The problem is the time zone, not the expression.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub timezone: bool,
}

#[derive(Debug, Serialize)]
pub struct FireTime {
    /// RFC 3339, UTC.
    pub utc: String,
    /// RFC 3339 with offset and zone name, when a zone is given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local: Option<String>,
}

/// Reads `expr` as the service reads it; `now` is the moment fire times
/// count from.
pub fn explain(expr: &str, timezone: Option<&str>, scheduler: bool, now: Timestamp) -> ScheduleReport {
    let (dialect, service) =
        if scheduler { (Dialect::Scheduler, "scheduler") } else { (Dialect::EventsRule, "eventbridge-rule") };
    let mut out = ScheduleReport {
        version: 1,
        expression: expr.to_string(),
        service,
        valid: false,
        error: None,
        timezone: timezone.map(str::to_string),
        next: Vec::new(),
        notes: Vec::new(),
    };
    let zone = match timezone.map(schedule::parse_timezone) {
        Some(Err(e)) => {
            out.error = Some(ErrorOut { message: e.message, column: None, timezone: true });
            return out;
        }
        Some(Ok(tz)) => Some(tz),
        None => None,
    };
    let parsed = match schedule::parse(expr, dialect) {
        Ok(p) => p,
        Err(e) => {
            out.error = Some(ErrorOut { message: e.message, column: e.column, timezone: false });
            return out;
        }
    };
    out.valid = true;
    // Scheduler evaluates cron() and at() in the schedule's zone; rules run in UTC.
    let evaluate_in = if scheduler { timezone } else { None };
    if !scheduler && timezone.is_some() {
        out.notes.push("EventBridge rules always run in UTC; the times are also shown in the zone given".into());
    }
    if let Schedule::Rate(_) = parsed {
        out.notes.push("a rate counts from when the rule or schedule is created; these times count from now".into());
    }
    let times = parsed.next_fire_times(now, evaluate_in, SHOWN).unwrap_or_default();
    if times.is_empty() {
        out.notes.push("the expression is valid but never fires after now".into());
    }
    out.next = times
        .iter()
        .map(|t| FireTime {
            utc: t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
            local: zone.as_ref().map(|tz| local(t, tz)),
        })
        .collect();
    out
}

fn local(t: &Timestamp, tz: &TimeZone) -> String {
    let z = t.to_zoned_datetime(tz.clone());
    let name = tz.iana_name().unwrap_or("");
    format!("{}[{name}]", z.strftime("%Y-%m-%dT%H:%M:%S%:z"))
}

/// `explain --schedule`: the output (text, or JSON) and the exit status, 0
/// for a valid expression and 1 for an invalid one.
pub fn run(expr: &str, timezone: Option<&str>, scheduler: bool, json: bool) -> (String, i32) {
    let r = explain(expr, timezone, scheduler, Timestamp::now());
    let code = if r.valid { 0 } else { 1 };
    let text = if json {
        let mut t = serde_json::to_string_pretty(&r).expect("serialisable");
        t.push('\n');
        t
    } else {
        render_text(&r)
    };
    (text, code)
}

/// The text shown to people.
pub fn render_text(r: &ScheduleReport) -> String {
    let mut s = String::new();
    let shown = escaped(&r.expression);
    s.push_str(&shown);
    s.push('\n');
    if let Some(e) = &r.error {
        if let Some(col) = e.column {
            // The caret goes under the character, counted in the escaped text.
            let before: String = r.expression.chars().take(col.saturating_sub(1)).collect();
            s.push_str(&" ".repeat(escaped(&before).chars().count()));
            s.push_str("^\n");
        }
        let what = if e.timezone { "time zone" } else { "expression" };
        s.push_str(&format!("invalid {what}: {}\n", e.message));
        return s;
    }
    let service = if r.service == "scheduler" { "EventBridge Scheduler" } else { "EventBridge rule" };
    s.push_str(&format!("valid {service} expression\n"));
    for n in &r.notes {
        s.push_str(&format!("note: {n}\n"));
    }
    if !r.next.is_empty() {
        s.push_str(&format!("next {} fire times:\n", r.next.len()));
        for t in &r.next {
            match &t.local {
                Some(l) => s.push_str(&format!("  {}  {l}\n", t.utc)),
                None => s.push_str(&format!("  {}\n", t.utc)),
            }
        }
    }
    s
}

/// Control characters shown escaped, so the expression stays on one line.
fn escaped(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn invalid_expressions_have_a_caret_under_the_column() {
        let r = explain("cron(*/15 * * * * *)", None, false, at("2025-01-06T00:00:00Z"));
        assert!(!r.valid);
        let text = render_text(&r);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "cron(*/15 * * * * *)");
        assert_eq!(lines[1], "                ^");
        assert!(lines[2].starts_with("invalid expression: day-of-month `*` and day-of-week `*`"), "{text}");
    }

    #[test]
    fn valid_expressions_list_the_next_times_in_utc_and_the_zone() {
        let r = explain("cron(0 9 ? * MON-FRI *)", Some("Europe/Berlin"), true, at("2025-01-03T12:00:00Z"));
        assert!(r.valid);
        let utc: Vec<&str> = r.next.iter().map(|t| t.utc.as_str()).collect();
        // Evaluated in Berlin (UTC+1 in winter): Monday 6 January onwards.
        assert_eq!(utc, ["2025-01-06T08:00:00Z", "2025-01-07T08:00:00Z", "2025-01-08T08:00:00Z"]);
        assert_eq!(r.next[0].local.as_deref(), Some("2025-01-06T09:00:00+01:00[Europe/Berlin]"));
        // A rule runs in UTC; the zone only changes how times are shown.
        let r = explain("cron(0 9 ? * MON-FRI *)", Some("Europe/Berlin"), false, at("2025-01-03T12:00:00Z"));
        assert_eq!(r.next[0].utc, "2025-01-06T09:00:00Z");
        assert!(render_text(&r).contains("always run in UTC"));
    }

    #[test]
    fn bad_time_zones_and_past_times() {
        let r = explain("rate(5 minutes)", Some("Europe/Berln"), true, Timestamp::now());
        assert!(!r.valid && r.error.as_ref().unwrap().timezone);
        let r = explain("cron(0 0 1 1 ? 2020)", None, false, at("2025-01-01T00:00:00Z"));
        assert!(r.valid && r.next.is_empty());
        assert!(render_text(&r).contains("never fires"));
    }
}
