//! ECS701 schedule-expression-invalid: a rule's or schedule's
//! `ScheduleExpression` that EventBridge (or Scheduler) refuses, read with
//! `analysis::schedule`: a cron with both day fields set, `rate(1 minutes)`,
//! a seconds field, and the rest. A Scheduler schedule's
//! `ScheduleExpressionTimezone` that is not an IANA name is refused too.
//!
//! A valid expression that can never fire (`cron(0 0 30 2 ? *)`, a year or
//! an `at()` time in the past) is accepted by AWS but runs nothing: a
//! warning, since a rule may be parked on purpose.

use super::scheduled::{rule_label, rule_resource, shown};
use crate::analysis::schedule::{self, Dialect, Schedule, ScheduleError};
use crate::finding::Severity;
use crate::model::context::RuleKind;
use crate::rules::{Ctx, Sink};
use jiff::Timestamp;

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    let now = Timestamp::now();
    for rule in &cx.inv.context.schedules.rules {
        let Some(expr) = rule.schedule_expression.str() else { continue };
        let dialect = match rule.kind {
            RuleKind::EventsRule => Dialect::EventsRule,
            RuleKind::Schedule => Dialect::Scheduler,
        };
        let parsed = match schedule::parse(expr, dialect) {
            Ok(p) => p,
            Err(e) => {
                let f = out.report(
                    rule.schedule_expression.at,
                    rule_resource(rule),
                    format!("Schedule expression `{}` is not valid: {}", shown(expr), e.message),
                );
                if let Some(col) = e.column.filter(|&c| c > 1) {
                    let from: String = expr.chars().skip(col - 1).collect();
                    if from.is_empty() {
                        f.evidence(format!("the problem is at the end of the expression (character {col})"));
                    } else {
                        f.evidence(format!("the problem starts at character {col}: `{}`", shown(&from)));
                    }
                }
                f.evidence(match rule.kind {
                    RuleKind::EventsRule => "PutRule answers `Parameter ScheduleExpression is not valid.`",
                    RuleKind::Schedule => "CreateSchedule answers with a `ValidationException`",
                });
                if let Some(s) = suggestion(&e) {
                    f.fix(format!("Set `ScheduleExpression` to `{}`", shown(&s)));
                }
                continue;
            }
        };
        // Only Scheduler reads a time zone; EventBridge rules run in UTC.
        let zone = if rule.kind == RuleKind::Schedule { rule.timezone.str() } else { None };
        if let Some(tz) = zone
            && let Err(e) = schedule::parse_timezone(tz)
        {
            out.report(
                rule.timezone.at,
                rule_resource(rule),
                format!("`ScheduleExpressionTimezone` is not valid: {}", e.message),
            )
            .fix("Use an IANA time zone name, spelled as in the time zone database, such as `Europe/Berlin` or `UTC`");
            continue;
        }
        // A cron or at() in a zone the input does not determine: quiet.
        let zone_unknown = rule.kind == RuleKind::Schedule && rule.timezone.is_unknown();
        if zone_unknown && !matches!(parsed, Schedule::Rate(_)) {
            continue;
        }
        if parsed.can_fire(now, zone).unwrap_or(true) {
            continue;
        }
        let ever = parsed.can_fire(before_first_year(), zone).unwrap_or(true);
        let why = match (&parsed, ever) {
            (Schedule::At(_), _) => "its `at()` time is in the past",
            (_, true) => "every time it names is in the past",
            (_, false) => "no date matches all of its fields",
        };
        let f = out.report(
            rule.schedule_expression.at,
            rule_resource(rule),
            format!("Schedule expression `{}` never fires: {why}", shown(expr)),
        );
        f.severity(Severity::Warning).evidence(format!(
            "AWS accepts the expression, so {} is created but never runs its targets",
            rule_label(rule)
        ));
        if let Schedule::Cron(c) = &parsed
            && ever
        {
            f.evidence(format!("its year field is `{}`", c.fields()[5]));
        }
        f.fix("Correct the expression so that it matches a future time, or delete the rule if it is no longer needed");
    }
}

/// Just before the first time a cron can name (1970).
fn before_first_year() -> Timestamp {
    Timestamp::from_second(-60).expect("in range")
}

/// The corrected expression an error message ends with (`... must be `?`:
/// `cron(0 12 ? * 1 *)``), when it is one; not the generic examples.
fn suggestion(e: &ScheduleError) -> Option<String> {
    let m = e.message.strip_suffix('`')?;
    let s = &m[m.rfind('`')? + 1..];
    let generic = e.message.starts_with("`rate()` needs a value") || e.message.starts_with("`rate()` takes a value");
    let body = ["rate(", "cron(", "at("].iter().find_map(|k| s.strip_prefix(k)).and_then(|b| b.strip_suffix(')'));
    let expression = body.is_some_and(|b| !b.is_empty() && b != "...");
    (expression && !generic).then(|| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(expr: &str) -> ScheduleError {
        schedule::parse(expr, Dialect::EventsRule).expect_err(expr)
    }

    #[test]
    fn suggestions_are_taken_from_the_message() {
        assert_eq!(suggestion(&err("cron(*/15 * * * * *)")).as_deref(), Some("cron(*/15 * * * ? *)"));
        assert_eq!(suggestion(&err("rate(1 minutes)")).as_deref(), Some("rate(1 minute)"));
        assert_eq!(suggestion(&err("rate(5 minute)")).as_deref(), Some("rate(5 minutes)"));
        assert_eq!(suggestion(&err("rate()")), None);
        assert_eq!(suggestion(&err("at(2199-01-01T03:00:00)")), None);
    }

    #[test]
    fn past_and_impossible_crons_never_fire() {
        let never = schedule::parse("cron(0 0 30 2 ? *)", Dialect::EventsRule).unwrap();
        assert!(!never.can_fire(before_first_year(), None).unwrap());
        let past = schedule::parse("cron(0 0 1 1 ? 2020)", Dialect::EventsRule).unwrap();
        assert!(past.can_fire(before_first_year(), None).unwrap());
        assert!(!past.can_fire(Timestamp::now(), None).unwrap());
    }
}
