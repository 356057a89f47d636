//! Schedule expressions of Amazon EventBridge rules and EventBridge
//! Scheduler, parsed the way AWS reads them and evaluated to the times they
//! fire: `rate(value unit)`, `cron(minutes hours day-of-month month
//! day-of-week year)` and, in Scheduler only, the one-time
//! `at(yyyy-mm-ddThh:mm:ss)`, evaluated in the schedule's
//! `ScheduleExpressionTimezone`.
//!
//! What AWS documents, and what this module follows:
//!
//! - Cron fields and ranges: minutes 0-59, hours 0-23, day-of-month 1-31,
//!   month 1-12 or `JAN`-`DEC`, day-of-week 1-7 or `SUN`-`SAT` (1 is Sunday),
//!   year 1970-2199; wildcards `, - * /` everywhere, `?` in the two day
//!   fields, `L W` in day-of-month, `L #` in day-of-week. "You can't specify
//!   the Day-of-month and Day-of-week fields in the same cron expression. If
//!   you specify a value or a * in one of the fields, you must use a ? in the
//!   other." `#` cannot be listed: "`3#1,6#3` is not valid". `6L` is the last
//!   Friday (the guide's `cron(15 10 ? * 6L 2019-2022)`). Ranges may wrap:
//!   the guide's `cron(0/30 20-2 ? * MON-FRI *)`. (EventBridge User Guide,
//!   "Cron expressions reference" / "Schedule expressions for rules".)
//! - Rates: "If the value is equal to 1, then the unit must be singular ...
//!   greater than 1, the unit must be plural" (same guide). LocalStack's
//!   AWS-validated tests (`tests/aws/services/events/test_events_schedule.py`)
//!   show PutRule also rejects `rate(10 MINUTES)`, `rate( 10 minutes )`,
//!   `" rate(10 minutes)"`, `rate(0 minutes)`, `rate(-10 minutes)`,
//!   `rate(10 seconds)`, `rate(10 years)`, `rate(10)` and `rate()`.
//! - Scheduler: `at(yyyy-mm-ddThh:mm:ss)`, `rate` and `cron`; expressions are
//!   1-256 characters and `ScheduleExpressionTimezone` 1-50 (Scheduler API
//!   model). On daylight saving changes "your schedule invocation gets
//!   skipped if the cron expression falls on a non-existent date and time"
//!   and in the autumn "your schedule runs only once"; a rate in days is 24
//!   hours (AWS Knowledge Center, "eventbridge-scheduler-adjust-dst").
//!
//! Where AWS says nothing, this module follows Quartz, whose cron dialect
//! EventBridge's is: names and letters are case-insensitive, `L-3` (third
//! to last day) and `LW` are accepted in day-of-month, `L` alone in
//! day-of-week is Saturday, steps may not exceed the field (`*/60` in
//! minutes is rejected, as AWS does), `L`/`W` stand alone in their field, a
//! `nW` beyond the month's last day does not fire that month, and empty list
//! items (`0/5,`) are ignored, as PutRule accepts them. Choices made without
//! any AWS evidence: a step of `/0` and a backwards year range are errors,
//! time zone names must be spelled as in the IANA database (case included),
//! the repeated hour of an autumn change fires at its first occurrence, and
//! an `at()` time inside a spring-forward gap moves forward by the gap.

use std::fmt;

use jiff::civil::{Date, DateTime};
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::{SignedDuration, Timestamp};

/// The service that reads the expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// `AWS::Events::Rule` / `PutRule`: `rate()` and `cron()`, always in UTC.
    EventsRule,
    /// `AWS::Scheduler::Schedule` / `CreateSchedule`: also `at()`, and a
    /// `ScheduleExpressionTimezone` for `cron()` and `at()`.
    Scheduler,
}

/// Why an expression (or a time zone name) is not accepted, in words a user
/// acts on: one line, no trailing period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleError {
    pub message: String,
    /// 1-based character column in the expression where the problem starts;
    /// `None` when the problem is the expression as a whole or a time zone.
    pub column: Option<usize>,
}

impl fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ScheduleError {}

/// The longest expression `PutRule` and `CreateSchedule` accept.
pub const MAX_EXPRESSION_CHARS: usize = 256;
/// The longest `ScheduleExpressionTimezone` `CreateSchedule` accepts.
pub const MAX_TIMEZONE_CHARS: usize = 50;
/// The first and last years a cron expression can name.
pub const FIRST_YEAR: i16 = 1970;
pub const LAST_YEAR: i16 = 2199;

/// A parsed schedule expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Schedule {
    Rate(Rate),
    Cron(Box<Cron>),
    /// Scheduler's one-time `at()`: a wall-clock time in the schedule's zone.
    At(DateTime),
}

/// `rate(value unit)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub value: u64,
    pub unit: RateUnit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateUnit {
    Minute,
    Hour,
    Day,
}

impl RateUnit {
    fn seconds(self) -> i64 {
        match self {
            RateUnit::Minute => 60,
            RateUnit::Hour => 3_600,
            RateUnit::Day => 86_400,
        }
    }

    /// The spelling AWS requires for `value`.
    fn word(self, value: u64) -> &'static str {
        match (self, value == 1) {
            (RateUnit::Minute, true) => "minute",
            (RateUnit::Minute, false) => "minutes",
            (RateUnit::Hour, true) => "hour",
            (RateUnit::Hour, false) => "hours",
            (RateUnit::Day, true) => "day",
            (RateUnit::Day, false) => "days",
        }
    }
}

impl Rate {
    /// The time between two invocations. A day is always 24 hours, also
    /// across a daylight saving change.
    pub fn interval(&self) -> SignedDuration {
        // `parse` only builds rates whose interval fits.
        SignedDuration::from_secs((self.value as i64).saturating_mul(self.unit.seconds()))
    }
}

/// `cron(...)`: each field as the set of values it allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cron {
    minutes: Bits,
    hours: Bits,
    dom: DaySpec,
    months: Bits,
    dow: WeekdaySpec,
    years: Bits,
    text: [String; 6],
}

impl Cron {
    /// The six fields as written.
    pub fn fields(&self) -> &[String; 6] {
        &self.text
    }
}

/// Day-of-month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DaySpec {
    /// `?`.
    Any,
    /// Bit `d - 1` for day `d`.
    Days(Bits),
    /// `L`, `L-n`, `LW`, `L-nW`: `offset` days before the last, moved to the
    /// nearest weekday when `weekday`.
    Last { offset: u8, weekday: bool },
    /// `nW`: the weekday nearest day `n`, within the month.
    Nearest(u8),
}

/// Day-of-week, 1 = Sunday.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WeekdaySpec {
    /// `?`.
    Any,
    /// Bit `w - 1` for weekday `w`.
    Days(Bits),
    /// `nL`: the last weekday `n` of the month.
    Last(u8),
    /// `n#k`: the `k`-th weekday `n` of the month.
    Nth(u8, u8),
}

/// A set of up to 256 small values (`value - field minimum`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Bits([u64; 4]);

impl Bits {
    fn insert(&mut self, i: u32) {
        if i < 256 {
            self.0[(i / 64) as usize] |= 1 << (i % 64);
        }
    }

    fn contains(&self, i: u32) -> bool {
        i < 256 && self.0[(i / 64) as usize] & (1 << (i % 64)) != 0
    }

    fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }

    fn iter(self) -> impl Iterator<Item = u32> {
        (0..256).filter(move |i| self.contains(*i))
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Schedule::Rate(r) => write!(f, "rate({} {})", r.value, r.unit.word(r.value)),
            Schedule::Cron(c) => write!(f, "cron({})", c.text.join(" ")),
            Schedule::At(dt) => write!(f, "at({})", dt.strftime("%Y-%m-%dT%H:%M:%S")),
        }
    }
}

impl Schedule {
    /// The next `n` invocation times strictly after `after`, in UTC, with
    /// `cron()` and `at()` read in `timezone` (an IANA name; `None` is UTC,
    /// as for every EventBridge rule).
    ///
    /// A `rate()` counts from the moment its rule or schedule is created (or
    /// from Scheduler's `StartDate`), which an expression alone does not
    /// tell: this method takes `after` as that moment and returns `after +
    /// interval`, `after + 2 × interval`, ... (Scheduler also invokes once at
    /// the start itself). Rates ignore the time zone: a day is 24 hours.
    ///
    /// `cron()` times are whole minutes. A local time that a spring-forward
    /// change skips does not fire; one that an autumn change repeats fires
    /// once, at its first occurrence. The search ends with the year 2199, so
    /// a cron that can never fire (`cron(0 0 30 2 ? *)`, or a year in the
    /// past) returns an empty list quickly.
    ///
    /// Fails only for an unknown time zone.
    pub fn next_fire_times(
        &self,
        after: Timestamp,
        timezone: Option<&str>,
        n: usize,
    ) -> Result<Vec<Timestamp>, ScheduleError> {
        let tz = match timezone {
            Some(name) => parse_timezone(name)?,
            None => TimeZone::UTC,
        };
        Ok(match self {
            Schedule::Rate(r) => rate_times(r, after, n),
            Schedule::Cron(c) => c.times(after, &tz, n),
            Schedule::At(dt) => {
                let at = tz.to_ambiguous_timestamp(*dt).compatible().ok();
                at.filter(|t| *t > after && n > 0).into_iter().collect()
            }
        })
    }

    /// Whether the schedule fires at all after `after`: `false` for a cron
    /// whose days never exist (`cron(0 0 30 2 ? *)`), whose years are past,
    /// or an `at()` in the past.
    pub fn can_fire(&self, after: Timestamp, timezone: Option<&str>) -> Result<bool, ScheduleError> {
        Ok(!self.next_fire_times(after, timezone, 1)?.is_empty())
    }
}

/// Checks a `ScheduleExpressionTimezone`: an IANA time zone name, spelled as
/// the database spells it.
pub fn parse_timezone(name: &str) -> Result<TimeZone, ScheduleError> {
    let whole = |message: String| ScheduleError { message: one_line(message), column: None };
    if name.trim().is_empty() {
        return Err(whole("the time zone is empty; give an IANA name such as `America/New_York` or `UTC`".into()));
    }
    let chars = name.chars().count();
    if chars > MAX_TIMEZONE_CHARS {
        return Err(whole(format!(
            "the time zone is {chars} characters long; AWS accepts at most {MAX_TIMEZONE_CHARS}"
        )));
    }
    let unknown =
        || whole(format!("`{name}` is not an IANA time zone name; use one such as `America/New_York` or `UTC`"));
    let tz = TimeZone::get(name).map_err(|_| unknown())?;
    match tz.iana_name() {
        None => Err(unknown()),
        Some(canonical) if canonical != name && canonical.eq_ignore_ascii_case(name) => {
            Err(whole(format!("write the time zone `{name}` as `{canonical}`")))
        }
        Some(_) => Ok(tz),
    }
}

/// Parses a schedule expression as `dialect` reads it.
pub fn parse(expr: &str, dialect: Dialect) -> Result<Schedule, ScheduleError> {
    let p = Src { expr };
    let chars = expr.chars().count();
    if chars > MAX_EXPRESSION_CHARS {
        return Err(p.whole(format!(
            "the schedule expression is {chars} characters long; AWS accepts at most {MAX_EXPRESSION_CHARS}"
        )));
    }
    let kinds = match dialect {
        Dialect::EventsRule => "`rate(...)` or `cron(...)`",
        Dialect::Scheduler => "`rate(...)`, `cron(...)` or `at(...)`",
    };
    if expr.trim().is_empty() {
        return Err(p.whole(format!("the schedule expression is empty; write {kinds}")));
    }
    if expr.starts_with(char::is_whitespace) {
        return Err(p.at(0, "remove the whitespace before the expression"));
    }
    if expr.ends_with(char::is_whitespace) {
        return Err(p.at(expr.trim_end().len(), "remove the whitespace after the expression"));
    }
    let Some(open) = expr.find('(') else {
        return Err(p.at(0, no_parentheses(expr, kinds)));
    };
    let keyword = &expr[..open];
    let kind = match keyword {
        "rate" | "cron" => keyword,
        "at" if dialect == Dialect::Scheduler => keyword,
        "at" => {
            return Err(p.at(
                0,
                "`at()` one-time schedules exist only in EventBridge Scheduler; an EventBridge rule takes `rate()` or `cron()`",
            ));
        }
        _ => {
            let lower = keyword.to_ascii_lowercase();
            let trimmed = lower.trim_end();
            if trimmed.len() < lower.len() && matches!(trimmed, "rate" | "cron" | "at") {
                return Err(p.at(trimmed.len(), format!("remove the space between `{trimmed}` and `(`")));
            }
            return Err(if matches!(lower.as_str(), "rate" | "cron" | "at") {
                p.at(0, format!("write `{lower}(` in lower case"))
            } else {
                p.at(0, format!("a schedule expression is {kinds}, not `{keyword}(...)`"))
            });
        }
    };
    let Some(close) = expr.rfind(')').filter(|c| *c > open) else {
        return Err(p.at(expr.len(), format!("close `{kind}(` with `)`")));
    };
    if close + 1 < expr.len() {
        return Err(p.at(close + 1, format!("remove `{}` after `)`", &expr[close + 1..])));
    }
    let body = &expr[open + 1..close];
    if let Some(i) = body.find(['(', ')']) {
        return Err(p.at(open + 1 + i, format!("unexpected `{}` inside `{kind}(...)`", &body[i..i + 1])));
    }
    match kind {
        "rate" => parse_rate(&p, body, open + 1).map(Schedule::Rate),
        "cron" => parse_cron(&p, body, open + 1).map(|c| Schedule::Cron(Box::new(c))),
        _ => parse_at(&p, body, open + 1).map(Schedule::At),
    }
}

/// The expression, for turning byte offsets into columns.
struct Src<'a> {
    expr: &'a str,
}

impl Src<'_> {
    fn at(&self, byte: usize, message: impl Into<String>) -> ScheduleError {
        let byte = byte.min(self.expr.len());
        let column = self.expr.get(..byte).map_or(byte, |s| s.chars().count()) + 1;
        ScheduleError { message: one_line(message.into()), column: Some(column) }
    }

    fn whole(&self, message: impl Into<String>) -> ScheduleError {
        ScheduleError { message: one_line(message.into()), column: None }
    }
}

/// Messages quote the user's text; control characters in it (a newline in a
/// YAML block scalar) are shown escaped so a message stays on one line.
fn one_line(message: String) -> String {
    if !message.contains(char::is_control) {
        return message;
    }
    message.chars().map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() }).collect()
}

fn no_parentheses(expr: &str, kinds: &str) -> String {
    let words: Vec<&str> = expr.split_whitespace().collect();
    let cronish = |w: &&str| w.chars().all(|c| c.is_ascii_alphanumeric() || ",-*/?#".contains(c));
    if words.len() == 2 && words[0].bytes().all(|b| b.is_ascii_digit()) {
        format!("write the rate inside `rate(...)`: `rate({expr})`")
    } else if words.len() == 6 && words.iter().all(cronish) {
        format!("write the cron fields inside `cron(...)`: `cron({})`", words.join(" "))
    } else if (5..=7).contains(&words.len()) && words.iter().all(cronish) {
        "write the cron fields inside `cron(...)`, six of them: minutes hours day-of-month month day-of-week year"
            .into()
    } else {
        format!("`{expr}` is not a schedule expression; write {kinds}")
    }
}

// ---------------------------------------------------------------- rate()

fn parse_rate(p: &Src<'_>, body: &str, base: usize) -> Result<Rate, ScheduleError> {
    if body.is_empty() {
        return Err(p.at(base, "`rate()` needs a value and a unit, e.g. `rate(5 minutes)`"));
    }
    if body.starts_with(char::is_whitespace) {
        return Err(p.at(base, "remove the whitespace after `rate(`"));
    }
    if body.ends_with(char::is_whitespace) {
        return Err(p.at(base + body.trim_end().len(), "remove the whitespace before `)`"));
    }
    let Some(sep) = body.find(char::is_whitespace) else {
        let digits = body.bytes().take_while(u8::is_ascii_digit).count();
        return Err(if digits == body.len() {
            let unit = if body.trim_start_matches('0') == "1" { "minute" } else { "minutes" };
            p.at(base + body.len(), format!("`rate({body})` needs a unit, e.g. `rate({body} {unit})`"))
        } else if digits > 0 {
            let (v, u) = body.split_at(digits);
            p.at(base + digits, format!("put a space between the value and the unit: `rate({v} {u})`"))
        } else {
            p.at(base, "`rate()` takes a value and a unit, e.g. `rate(5 minutes)`")
        });
    };
    let value_text = &body[..sep];
    let rest = &body[sep..];
    let unit_at = sep + (rest.len() - rest.trim_start().len());
    let unit_text = &body[unit_at..];
    if &body[sep..unit_at] != " " {
        return Err(p.at(base + sep, "separate the value and the unit with a single space"));
    }
    if let Some(extra) = unit_text.find(char::is_whitespace) {
        let more = unit_text[extra..].trim_start();
        return Err(p.at(
            base + unit_at + (unit_text.len() - more.len()),
            format!("`rate()` takes only a value and a unit; remove `{more}`"),
        ));
    }

    let value = parse_rate_value(p, value_text, unit_text, base)?;
    let unit = parse_rate_unit(p, value, unit_text, base + unit_at)?;
    if (value as i64).checked_mul(unit.seconds()).is_none() || value > i64::MAX as u64 {
        return Err(p.at(base, format!("the rate value `{value_text}` is too large")));
    }
    if unit_text != unit.word(value) {
        let right = unit.word(value);
        let message = if value == 1 {
            format!("a rate of 1 takes a singular unit: `rate(1 {right})`")
        } else {
            format!("a rate of {value} takes a plural unit: `rate({value} {right})`")
        };
        return Err(p.at(base + unit_at, message));
    }
    Ok(Rate { value, unit })
}

fn parse_rate_value(p: &Src<'_>, text: &str, unit: &str, base: usize) -> Result<u64, ScheduleError> {
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return match text.parse::<u64>() {
            Ok(0) => Err(p.at(base, "the rate value must be at least 1, not `0`")),
            Ok(v) => Ok(v),
            Err(_) => Err(p.at(base, format!("the rate value `{text}` is too large"))),
        };
    }
    if text.starts_with('-') && text[1..].parse::<f64>().is_ok() {
        return Err(p.at(base, format!("the rate value must be a positive whole number, not `{text}`")));
    }
    if let Ok(v) = text.parse::<f64>() {
        let smaller = match unit.trim_end_matches('s') {
            "hour" => Some((v * 60.0, "minutes")),
            "day" => Some((v * 24.0, "hours")),
            _ => None,
        };
        let hint = match smaller {
            Some((n, u)) if n.fract() == 0.0 && (2.0..1e15).contains(&n) => format!(", e.g. `rate({n} {u})`"),
            _ => String::new(),
        };
        return Err(p.at(base, format!("the rate value must be a whole number, not `{text}`{hint}")));
    }
    Err(p.at(base, format!("the rate value `{text}` is not a number")))
}

fn parse_rate_unit(p: &Src<'_>, value: u64, text: &str, at: usize) -> Result<RateUnit, ScheduleError> {
    let lower = text.to_ascii_lowercase();
    let unit = match lower.as_str() {
        "minute" | "minutes" => Some(RateUnit::Minute),
        "hour" | "hours" => Some(RateUnit::Hour),
        "day" | "days" => Some(RateUnit::Day),
        _ => None,
    };
    if let Some(unit) = unit {
        if lower != text {
            return Err(p.at(at, format!("write the unit in lower case: `rate({value} {})`", unit.word(value))));
        }
        return Ok(unit);
    }
    let message = match lower.as_str() {
        "m" | "min" | "mins" | "mn" => {
            format!("write the unit in full: `rate({value} {})`", RateUnit::Minute.word(value))
        }
        "h" | "hr" | "hrs" => format!("write the unit in full: `rate({value} {})`", RateUnit::Hour.word(value)),
        "d" => format!("write the unit in full: `rate({value} {})`", RateUnit::Day.word(value)),
        "s" | "sec" | "secs" | "second" | "seconds" => {
            "AWS schedules run to the minute; the shortest rate is `rate(1 minute)`".into()
        }
        "w" | "week" | "weeks" => match value.checked_mul(7) {
            Some(days) => format!("there is no week unit; write `rate({days} days)`"),
            None => "there is no week unit; use days".into(),
        },
        "month" | "months" | "year" | "years" => "rates go up to days; for a calendar schedule use `cron(...)`".into(),
        _ => format!("unknown unit `{text}`; use `minute`, `hour` or `day` (plural when the value is more than 1)"),
    };
    Err(p.at(at, message))
}

fn rate_times(r: &Rate, after: Timestamp, n: usize) -> Vec<Timestamp> {
    let step = r.interval();
    let mut out = Vec::new();
    let mut t = after;
    while out.len() < n {
        match t.checked_add(step) {
            Ok(next) => {
                out.push(next);
                t = next;
            }
            Err(_) => break,
        }
    }
    out
}

// ---------------------------------------------------------------- at()

fn parse_at(p: &Src<'_>, body: &str, base: usize) -> Result<DateTime, ScheduleError> {
    let shape = "`at()` takes a date and time as `yyyy-mm-ddThh:mm:ss`, e.g. `at(2030-06-01T09:30:00)`";
    let b = body.as_bytes();
    if b.is_empty() {
        return Err(p.at(base, shape));
    }
    if body.starts_with(char::is_whitespace) || body.ends_with(char::is_whitespace) {
        return Err(p.at(base, format!("remove the whitespace inside `at(...)`; {shape}")));
    }
    if b.len() > 19 && b.get(..19).is_some_and(well_formed_at) {
        let tail = &body[19..];
        let message = if tail.starts_with('.') {
            "`at()` takes whole seconds; remove the fraction".to_string()
        } else if tail.starts_with(['Z', 'z', '+', '-']) {
            "`at()` takes a local time without `Z` or an offset; set the zone in `ScheduleExpressionTimezone`".into()
        } else {
            format!("remove `{tail}` after the time")
        };
        return Err(p.at(base + 19, message));
    }
    if b.len() == 16 && well_formed_at(&[b, b":00"].concat()) {
        return Err(p.at(base + 16, format!("`at()` needs seconds: `at({body}:00)`")));
    }
    if b.len() == 19 && b[10] == b' ' {
        let fixed = format!("{}T{}", &body[..10], &body[11..]);
        if well_formed_at(fixed.as_bytes()) {
            return Err(p.at(base + 10, format!("separate the date and the time with `T`: `at({fixed})`")));
        }
    }
    if !well_formed_at(b) {
        return Err(p.at(base, shape));
    }
    let num = |r: std::ops::Range<usize>| body[r].parse::<i16>().unwrap_or(-1);
    let (y, mo, d, h, mi, s) = (num(0..4), num(5..7), num(8..10), num(11..13), num(14..16), num(17..19));
    let date =
        Date::new(y, mo as i8, d as i8).map_err(|_| p.at(base, format!("`{}` is not a calendar date", &body[..10])))?;
    if h > 23 {
        return Err(p.at(base + 11, format!("hour `{}` is outside 00-23", &body[11..13])));
    }
    if mi > 59 {
        return Err(p.at(base + 14, format!("minute `{}` is outside 00-59", &body[14..16])));
    }
    if s > 59 {
        return Err(p.at(base + 17, format!("second `{}` is outside 00-59", &body[17..19])));
    }
    Ok(date.at(h as i8, mi as i8, s as i8, 0))
}

/// `dddd-dd-ddTdd:dd:dd`, digits unchecked.
fn well_formed_at(b: &[u8]) -> bool {
    b.len() == 19
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            _ => c.is_ascii_digit(),
        })
}

// ---------------------------------------------------------------- cron()

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Minutes,
    Hours,
    Dom,
    Month,
    Dow,
    Year,
}

const FIELDS: [Field; 6] = [Field::Minutes, Field::Hours, Field::Dom, Field::Month, Field::Dow, Field::Year];
const MONTHS: [&str; 12] = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const WEEKDAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

impl Field {
    fn name(self) -> &'static str {
        match self {
            Field::Minutes => "minutes",
            Field::Hours => "hours",
            Field::Dom => "day-of-month",
            Field::Month => "month",
            Field::Dow => "day-of-week",
            Field::Year => "year",
        }
    }

    fn range(self) -> (u32, u32) {
        match self {
            Field::Minutes => (0, 59),
            Field::Hours => (0, 23),
            Field::Dom => (1, 31),
            Field::Month => (1, 12),
            Field::Dow => (1, 7),
            Field::Year => (FIRST_YEAR as u32, LAST_YEAR as u32),
        }
    }

    /// The largest `/` step Quartz accepts.
    fn max_step(self) -> u32 {
        match self {
            Field::Minutes => 59,
            Field::Hours => 23,
            Field::Dom => 31,
            Field::Month => 12,
            Field::Dow => 7,
            Field::Year => LAST_YEAR as u32 - FIRST_YEAR as u32,
        }
    }

    fn values(self) -> &'static str {
        match self {
            Field::Month => "1-12 or JAN-DEC",
            Field::Dow => "1-7 or SUN-SAT (1 is Sunday)",
            Field::Minutes => "0-59",
            Field::Hours => "0-23",
            Field::Dom => "1-31",
            Field::Year => "1970-2199",
        }
    }
}

/// One field as parsed.
enum Parsed {
    Any,
    Values(Bits),
    DomLast { offset: u8, weekday: bool },
    DomNearest(u8),
    DowLast(u8),
    DowNth(u8, u8),
}

fn parse_cron(p: &Src<'_>, body: &str, base: usize) -> Result<Cron, ScheduleError> {
    if let Some((i, c)) = body.char_indices().find(|(_, c)| !(c.is_ascii_alphanumeric() || " \t,-*/?#".contains(*c))) {
        return Err(p.at(base + i, format!("unexpected character `{c}` in `cron(...)`")));
    }
    let mut fields: Vec<(usize, &str)> = Vec::new();
    let mut start = None;
    for (i, c) in body.char_indices().chain([(body.len(), ' ')]) {
        match (c == ' ' || c == '\t', start) {
            (true, Some(s)) => {
                fields.push((s, &body[s..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    let order = "minutes hours day-of-month month day-of-week year";
    match fields.len() {
        6 => {}
        0 => return Err(p.at(base, format!("`cron()` needs six fields: {order}, e.g. `cron(0 12 * * ? *)`"))),
        5 => {
            return Err(p.at(
                base + body.len(),
                format!("`cron()` has 5 fields but needs 6 ({order}); add the year, e.g. `*`"),
            ));
        }
        7 => {
            return Err(
                p.at(base, format!("`cron()` has 7 fields but needs 6 ({order}); AWS cron has no seconds field"))
            );
        }
        n if n < 6 => return Err(p.at(base + body.len(), format!("`cron()` has {n} fields but needs 6: {order}"))),
        n => return Err(p.at(base + fields[6].0, format!("`cron()` has {n} fields but needs 6: {order}"))),
    }

    let mut parsed = Vec::with_capacity(6);
    for (&(at, text), &field) in fields.iter().zip(FIELDS.iter()) {
        parsed.push(parse_field(p, field, text, base + at)?);
    }

    let dom_any = matches!(parsed[2], Parsed::Any);
    let dow_any = matches!(parsed[4], Parsed::Any);
    let text: Vec<&str> = fields.iter().map(|f| f.1).collect();
    let with = |i: usize, v: &str| {
        let mut t = text.clone();
        t[i] = v;
        format!("cron({})", t.join(" "))
    };
    if dom_any && dow_any {
        return Err(p.at(
            base + fields[2].0,
            format!(
                "day-of-month and day-of-week are both `?`; one of them must name the days, e.g. `{}`",
                with(2, "*")
            ),
        ));
    }
    if !dom_any && !dow_any {
        let (dom, dow) = (text[2], text[4]);
        let message = if dow == "*" {
            format!(
                "day-of-month `{dom}` and day-of-week `*` are both set; one of them must be `?`: `{}`",
                with(4, "?")
            )
        } else if dom == "*" {
            format!(
                "day-of-month `*` and day-of-week `{dow}` are both set; one of them must be `?`: `{}`",
                with(2, "?")
            )
        } else {
            format!(
                "day-of-month `{dom}` and day-of-week `{dow}` are both set but AWS cannot combine them; keep one and make the other `?`, e.g. `{}`",
                with(4, "?")
            )
        };
        let at = if dow == "*" || dom != "*" { fields[4].0 } else { fields[2].0 };
        return Err(p.at(base + at, message));
    }

    let mut it = parsed.into_iter();
    let mut next = || it.next().unwrap_or(Parsed::Any);
    let values = |x: Parsed| match x {
        Parsed::Values(b) => b,
        _ => Bits::default(),
    };
    let minutes = values(next());
    let hours = values(next());
    let dom = match next() {
        Parsed::Any => DaySpec::Any,
        Parsed::DomLast { offset, weekday } => DaySpec::Last { offset, weekday },
        Parsed::DomNearest(d) => DaySpec::Nearest(d),
        other => DaySpec::Days(values(other)),
    };
    let months = values(next());
    let dow = match next() {
        Parsed::Any => WeekdaySpec::Any,
        Parsed::DowLast(w) => WeekdaySpec::Last(w),
        Parsed::DowNth(w, k) => WeekdaySpec::Nth(w, k),
        other => WeekdaySpec::Days(values(other)),
    };
    let years = values(next());
    let text = std::array::from_fn(|i| text.get(i).map_or_else(String::new, |s| s.to_string()));
    Ok(Cron { minutes, hours, dom, months, dow, years, text })
}

fn parse_field(p: &Src<'_>, field: Field, text: &str, at: usize) -> Result<Parsed, ScheduleError> {
    let name = field.name();
    if let Some(i) = text.find(|c: char| !(c.is_ascii_alphanumeric() || ",-*/?#".contains(c))) {
        let c = text[i..].chars().next().unwrap_or(' ');
        return Err(p.at(at + i, format!("unexpected character `{c}` in {name} `{text}`")));
    }
    let upper = text.to_ascii_uppercase();
    let items: Vec<(usize, &str)> = item_offsets(&upper).filter(|(_, s)| !s.is_empty()).collect();
    if items.is_empty() {
        return Err(p.at(at, format!("{name} `{text}` names no values; use {}", field.values())));
    }
    if items.iter().any(|(_, s)| s.contains('?')) {
        if !matches!(field, Field::Dom | Field::Dow) {
            return Err(p.at(at, format!("`?` is allowed only in day-of-month and day-of-week, not in {name}")));
        }
        if items.len() > 1 || items[0].1 != "?" {
            return Err(p.at(at, format!("`?` stands alone in {name}; remove the rest of `{text}`")));
        }
        return Ok(Parsed::Any);
    }

    let mut bits = Bits::default();
    let mut special = None;
    for &(off, item) in &items {
        let orig = &text[off..off + item.len()];
        let here = at + off;
        match parse_item(p, field, item, orig, here, &mut bits)? {
            None => {}
            Some(s) => {
                if items.len() > 1 {
                    let what = if item.contains('#') {
                        format!(
                            "`{orig}` must stand alone in day-of-week; AWS rejects more than one `#` value or `#` in a list"
                        )
                    } else {
                        format!(
                            "`{orig}` must stand alone in {name}; AWS does not combine `L` or `W` with other values"
                        )
                    };
                    return Err(p.at(here, what));
                }
                special = Some(s);
            }
        }
    }
    if let Some(s) = special {
        return Ok(s);
    }
    if field == Field::Dow && items.len() > 1 && items.iter().any(|(_, s)| *s == "L") {
        let off = items.iter().find(|(_, s)| *s == "L").map_or(0, |(o, _)| *o);
        return Err(p.at(at + off, "`L` must stand alone in day-of-week; for Saturday in a list write `SAT` or `7`"));
    }
    Ok(Parsed::Values(bits))
}

/// Items of a comma list with their byte offsets.
fn item_offsets(s: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut off = 0;
    s.split(',').map(move |item| {
        let here = off;
        off += item.len() + 1;
        (here, item)
    })
}

/// Adds one list item's values to `bits`, or returns the special form it is.
fn parse_item(
    p: &Src<'_>,
    field: Field,
    item: &str,
    orig: &str,
    at: usize,
    bits: &mut Bits,
) -> Result<Option<Parsed>, ScheduleError> {
    let name = field.name();
    if let Some(s) = special(p, field, item, orig, at)? {
        return Ok(Some(s));
    }
    let (lo, hi) = field.range();
    if field == Field::Dow && item == "L" {
        // `L` alone in day-of-week is the last day of the week, Saturday.
        bits.insert(6);
        return Ok(None);
    }
    let (span, step) = match item.split_once('/') {
        None => (item, None),
        Some((span, step)) => {
            if step.is_empty() {
                return Err(p.at(at + item.len(), format!("`{orig}` needs a number after `/`")));
            }
            let step_at = at + span.len() + 1;
            if !step.bytes().all(|b| b.is_ascii_digit()) {
                return Err(p.at(step_at, format!("the step after `/` in `{orig}` must be a number")));
            }
            let n = step.parse::<u32>().unwrap_or(u32::MAX);
            if n == 0 {
                return Err(p.at(step_at, format!("the step in `{orig}` must be at least 1")));
            }
            if n > field.max_step() {
                return Err(p.at(
                    step_at,
                    format!("the step in `{orig}` is too large; {name} steps go up to {}", field.max_step()),
                ));
            }
            if span.is_empty() {
                return Err(p.at(at, format!("`{orig}` needs a start before `/`, e.g. `*/{step}` or `0/{step}`")));
            }
            if is_special_shape(field, span) {
                return Err(p.at(at, format!("a step `/{step}` cannot follow `{}` in {name}", &orig[..span.len()])));
            }
            (span, Some(n))
        }
    };
    let (from, to) = if span == "*" {
        (lo, hi)
    } else if let Some((a, b)) = span.split_once('-') {
        if a.is_empty() {
            return Err(p.at(at, format!("`{orig}` is not a value; {name} values are {}", field.values())));
        }
        if b.is_empty() {
            return Err(p.at(at + span.len(), format!("the range `{}` has no end", &orig[..span.len()])));
        }
        if b.contains('-') {
            return Err(p.at(at, format!("`{}` is not a range; write `start-end`", &orig[..span.len()])));
        }
        let from = value(p, field, a, &orig[..a.len()], at)?;
        let to = value(p, field, b, &orig[a.len() + 1..span.len()], at + a.len() + 1)?;
        if field == Field::Year && to < from {
            return Err(p.at(at, format!("the year range `{a}-{b}` runs backwards; write `{b}-{a}`")));
        }
        (from, to)
    } else {
        let v = value(p, field, span, &orig[..span.len()], at)?;
        // `a/n` runs from `a` to the end of the field; `a` alone is just `a`.
        (v, if step.is_some() { hi } else { v })
    };
    // A range that ends before it starts wraps around (`20-2` in hours).
    let size = hi - lo + 1;
    let end = if to < from { to + size } else { to };
    let step = step.unwrap_or(1);
    let mut i = from;
    while i <= end {
        bits.insert((i - lo) % size);
        i += step;
    }
    Ok(None)
}

/// `L`, `LW`, `L-n`, `L-nW`, `nW` in day-of-month; `L`, `nL`, `n#k` in
/// day-of-week. `L` alone in day-of-week is Saturday, a plain value.
fn is_special_shape(field: Field, s: &str) -> bool {
    match field {
        Field::Dom => s.starts_with('L') || s.ends_with('W'),
        Field::Dow => s.ends_with('L') || s.contains('#'),
        _ => false,
    }
}

fn special(p: &Src<'_>, field: Field, item: &str, orig: &str, at: usize) -> Result<Option<Parsed>, ScheduleError> {
    let name = field.name();
    if item.contains('/') {
        return Ok(None);
    }
    match field {
        Field::Dom => {
            if item == "W" {
                return Err(p.at(at, "`W` needs a day before it, e.g. `15W` for the weekday nearest the 15th"));
            }
            if let Some(rest) = item.strip_prefix('L') {
                let (offset_text, weekday) = match rest.strip_suffix('W') {
                    Some(r) => (r, true),
                    None => (rest, false),
                };
                if offset_text.is_empty() {
                    return Ok(Some(Parsed::DomLast { offset: 0, weekday }));
                }
                let Some(n) = offset_text.strip_prefix('-') else {
                    return Err(
                        p.at(at, format!("`{orig}` is not valid; write `L`, `LW` or `L-3` (third to last day)"))
                    );
                };
                let offset = n.parse::<u32>().ok().filter(|v| n.bytes().all(|b| b.is_ascii_digit()) && *v >= 1);
                return match offset {
                    Some(v) if v <= 30 => Ok(Some(Parsed::DomLast { offset: v as u8, weekday })),
                    _ => Err(p.at(at + 2, format!("the offset in `{orig}` must be 1-30 days before the last day"))),
                };
            }
            if let Some(day) = item.strip_suffix('W') {
                if day.contains('-') || day == "*" {
                    return Err(p.at(at, format!("`W` takes a single day, e.g. `15W`, not `{orig}`")));
                }
                let d = value(p, field, day, &orig[..day.len()], at)?;
                return Ok(Some(Parsed::DomNearest(d as u8)));
            }
            Ok(None)
        }
        Field::Dow => {
            if item == "L" || MONTHS.contains(&item) {
                return Ok(None);
            }
            if item.starts_with("L-") {
                return Err(p.at(
                    at,
                    format!(
                        "`{orig}` is not valid in day-of-week; write `L` for Saturday or e.g. `6L` for the last Friday"
                    ),
                ));
            }
            if let Some((day, nth)) = item.split_once('#') {
                if day.is_empty() {
                    return Err(
                        p.at(at, format!("`{orig}` needs a weekday before `#`, e.g. `3#2` for the second Tuesday"))
                    );
                }
                let w = value(p, field, day, &orig[..day.len()], at)?;
                let k = nth.parse::<u32>().ok().filter(|_| nth.bytes().all(|b| b.is_ascii_digit()));
                return match k {
                    Some(k @ 1..=5) => Ok(Some(Parsed::DowNth(w as u8, k as u8))),
                    _ => Err(p.at(
                        at + day.len() + 1,
                        format!("the week after `#` in `{orig}` must be 1-5, e.g. `3#2` for the second Tuesday"),
                    )),
                };
            }
            if let Some(day) = item.strip_suffix('L') {
                if day.contains('-') || day == "*" {
                    return Err(
                        p.at(at, format!("`L` takes a single weekday, e.g. `6L` for the last Friday, not `{orig}`"))
                    );
                }
                let w = value(p, field, day, &orig[..day.len()], at)?;
                return Ok(Some(Parsed::DowLast(w as u8)));
            }
            Ok(None)
        }
        _ => {
            let bare = item.trim_start_matches(|c: char| c.is_ascii_digit());
            if item.contains('#') {
                return Err(p.at(at, format!("`#` is allowed only in day-of-week, not in {name}")));
            }
            if bare == "W" || item == "LW" {
                return Err(p.at(at, format!("`W` is allowed only in day-of-month, not in {name}")));
            }
            if bare == "L" || item.starts_with("L-") {
                return Err(p.at(at, format!("`L` is allowed only in day-of-month and day-of-week, not in {name}")));
            }
            Ok(None)
        }
    }
}

/// One number or name, range-checked.
fn value(p: &Src<'_>, field: Field, tok: &str, orig: &str, at: usize) -> Result<u32, ScheduleError> {
    let name = field.name();
    let (lo, hi) = field.range();
    if !tok.is_empty() && tok.bytes().all(|b| b.is_ascii_digit()) {
        let v = tok.parse::<u32>().unwrap_or(u32::MAX);
        if v < lo || v > hi {
            let extra = match (field, v) {
                (Field::Dow, 0) => "; AWS numbers Sunday 1, not 0",
                (Field::Minutes, 60) => "; for every hour use `0`",
                _ => "",
            };
            return Err(p.at(at, format!("{name} value `{orig}` is outside {}{extra}", field.values())));
        }
        return Ok(v);
    }
    let names: &[&str] = match field {
        Field::Month => &MONTHS,
        Field::Dow => &WEEKDAYS,
        _ => &[],
    };
    if let Some(i) = names.iter().position(|n| *n == tok) {
        return Ok(i as u32 + 1);
    }
    let message = if tok.is_empty() {
        format!("a value is missing in {name}")
    } else if field == Field::Month && WEEKDAYS.contains(&tok) {
        format!("`{orig}` is a weekday, but this is the month field; day-of-week is the fifth field")
    } else if field == Field::Dow && MONTHS.contains(&tok) {
        format!("`{orig}` is a month, but this is the day-of-week field; month is the fourth field")
    } else if !names.is_empty() && tok.len() > 3 && names.iter().any(|n| tok.starts_with(n)) {
        format!("write {name} names with three letters, not `{orig}`")
    } else if names.is_empty() {
        format!("{name} value `{orig}` is not a number; {name} values are {}", field.values())
    } else {
        format!("`{orig}` is not a {name}; use {}", field.values())
    };
    Err(p.at(at, message))
}

// ---------------------------------------------------------------- evaluation

impl Cron {
    fn times(&self, after: Timestamp, tz: &TimeZone, n: usize) -> Vec<Timestamp> {
        let mut out = Vec::new();
        if n == 0 || self.minutes.is_empty() || self.hours.is_empty() {
            return out;
        }
        // Start a day early: wall-clock times near `after` may map either side
        // of it around a daylight saving change. Everything is then filtered
        // by instant.
        let local = tz.to_datetime(after).date();
        let start = local.yesterday().unwrap_or(local);
        let (sy, sm, sd) =
            if start.year() < FIRST_YEAR { (FIRST_YEAR, 1, 1) } else { (start.year(), start.month(), start.day()) };
        for year in sy..=LAST_YEAR {
            if !self.years.contains((year - FIRST_YEAR) as u32) {
                continue;
            }
            for month in (if year == sy { sm } else { 1 })..=12 {
                if !self.months.contains(month as u32 - 1) {
                    continue;
                }
                let days = self.days(year, month);
                let first = if year == sy && month == sm { sd } else { 1 };
                for day in first..=31 {
                    if days & (1 << day) == 0 {
                        continue;
                    }
                    let Ok(date) = Date::new(year, month, day) else { continue };
                    for hour in self.hours.iter() {
                        for minute in self.minutes.iter() {
                            let Some(t) = wall_clock(tz, date.at(hour as i8, minute as i8, 0, 0)) else { continue };
                            if t > after {
                                out.push(t);
                                if out.len() == n {
                                    return out;
                                }
                            }
                        }
                    }
                }
            }
        }
        out
    }

    /// The days of one month this cron fires on: bit `d` for day `d`.
    fn days(&self, year: i16, month: i8) -> u32 {
        let Ok(first) = Date::new(year, month, 1) else { return 0 };
        let last = first.days_in_month() as u32;
        let first_weekday = first.weekday().to_sunday_one_offset() as u32;
        let weekday = |d: u32| (first_weekday - 1 + d - 1) % 7 + 1;
        let nearest = |d: u32| match weekday(d) {
            7 if d == 1 => 3,
            7 => d - 1,
            1 if d == last => d - 2,
            1 => d + 1,
            _ => d,
        };
        let mut mask = 0u32;
        match (self.dom, self.dow) {
            (DaySpec::Days(bits), _) => {
                for d in 1..=last {
                    if bits.contains(d - 1) {
                        mask |= 1 << d;
                    }
                }
            }
            (DaySpec::Last { offset, weekday }, _) => {
                if (offset as u32) < last {
                    let d = last - offset as u32;
                    mask |= 1 << if weekday { nearest(d) } else { d };
                }
            }
            (DaySpec::Nearest(d), _) => {
                if d as u32 <= last {
                    mask |= 1 << nearest(d as u32);
                }
            }
            (DaySpec::Any, WeekdaySpec::Days(bits)) => {
                for d in 1..=last {
                    if bits.contains(weekday(d) - 1) {
                        mask |= 1 << d;
                    }
                }
            }
            (DaySpec::Any, WeekdaySpec::Last(w)) => {
                if let Some(d) = (1..=last).rev().find(|d| weekday(*d) == w as u32) {
                    mask |= 1 << d;
                }
            }
            (DaySpec::Any, WeekdaySpec::Nth(w, k)) => {
                let first_w = (w as u32 + 7 - first_weekday) % 7 + 1;
                let d = first_w + 7 * (k as u32 - 1);
                if d <= last {
                    mask |= 1 << d;
                }
            }
            (DaySpec::Any, WeekdaySpec::Any) => {}
        }
        mask
    }
}

/// The instant a cron wall-clock time fires: none in a spring-forward gap,
/// the first of the two in an autumn fold.
fn wall_clock(tz: &TimeZone, dt: DateTime) -> Option<Timestamp> {
    match tz.to_ambiguous_timestamp(dt).offset() {
        AmbiguousOffset::Unambiguous { offset } => offset.to_timestamp(dt).ok(),
        AmbiguousOffset::Gap { .. } => None,
        AmbiguousOffset::Fold { before, .. } => before.to_timestamp(dt).ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Dialect::{EventsRule, Scheduler};

    fn ok(expr: &str, dialect: Dialect) -> Schedule {
        parse(expr, dialect).unwrap_or_else(|e| panic!("{expr}: {e:?}"))
    }

    /// The message and column `expr` is rejected with.
    fn rejected(expr: &str, dialect: Dialect) -> (String, Option<usize>) {
        match parse(expr, dialect) {
            Ok(s) => panic!("{expr} parsed as {s}"),
            Err(e) => (e.message, e.column),
        }
    }

    fn msg(expr: &str) -> String {
        rejected(expr, EventsRule).0
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    /// The next `n` fire times after `after` (UTC), as RFC 3339 strings.
    fn fires(expr: &str, after: &str, tz: Option<&str>, n: usize) -> Vec<String> {
        let s = ok(expr, Scheduler);
        s.next_fire_times(ts(after), tz, n).unwrap().iter().map(|t| t.to_string()).collect()
    }

    const JAN1: &str = "2025-01-01T00:00:00Z";

    #[test]
    fn valid_expressions() {
        for e in [
            "rate(1 minute)",
            "rate(5 minutes)",
            "rate(1 hour)",
            "rate(12 hours)",
            "rate(1 day)",
            "rate(7 days)",
            "rate(05 minutes)",
            "cron(0 10 * * ? *)",
            "cron(15 12 * * ? *)",
            "cron(0 18 ? * MON-FRI *)",
            "cron(0 8 1 * ? *)",
            "cron(0/15 * * * ? *)",
            "cron(0/10 * ? * MON-FRI *)",
            "cron(0/5 8-17 ? * MON-FRI *)",
            "cron(0/30 20-2 ? * MON-FRI *)",
            "cron(5,35 14 * * ? *)",
            "cron(15 10 ? * 6L 2019-2022)",
            "cron(0 9 ? * 2#1 *)",
            "cron(30 7 ? * MON#1 *)",
            "cron(0 18 ? * L *)",
            "cron(0 18 ? * SATL *)",
            "cron(0 18 ? * friL *)",
            "cron(0 18 L * ? *)",
            "cron(0 18 LW * ? *)",
            "cron(0 18 L-3 * ? *)",
            "cron(0 18 L-3W * ? *)",
            "cron(0 18 31W * ? *)",
            "cron(0 18 lw * ? *)",
            "cron(1/5 8-17 ? * Mon-Fri *)",
            "cron(0 07/12 ? * * *)",
            "cron(10 10 15 jan,JUL,Dec ? *)",
            "cron(30 0 1 JAN-APR,JUL-OCT/2,DEC ? *)",
            "cron(0 1-7/2,11-23/2 * * ? *)",
            "cron(0,5 07/12 ? * 1,5,7 2020-2021,2028-2199)",
            "cron(0 0 1 02-MAR ? *)",
            "cron(0 0 1 FEB/2 ? *)",
            "cron(0 0 ? * */2 *)",
            "cron(0 0 ? * FRI-MON *)",
            "cron(0 0 28-3 * ? *)",
            "cron(0 0 * * ? */50)",
            "cron(*   *\t* * ? *)",
            "cron( 0 10 * * ? * )",
            // PutRule accepts empty list items (Quartz skips them).
            "cron(0/5, 9-18, ?, *, MON-FRI, *)",
        ] {
            ok(e, EventsRule);
            ok(e, Scheduler);
        }
        ok("at(2030-06-01T09:30:00)", Scheduler);
    }

    #[test]
    fn day_fields_exactly_one_question_mark() {
        assert_eq!(
            rejected("cron(*/15 * * * * *)", EventsRule),
            (
                "day-of-month `*` and day-of-week `*` are both set; one of them must be `?`: `cron(*/15 * * * ? *)`"
                    .into(),
                Some(17)
            )
        );
        assert_eq!(
            msg("cron(0 12 * * 1 *)"),
            "day-of-month `*` and day-of-week `1` are both set; one of them must be `?`: `cron(0 12 ? * 1 *)`"
        );
        assert_eq!(
            msg("cron(0 0 1 * MON *)"),
            "day-of-month `1` and day-of-week `MON` are both set but AWS cannot combine them; keep one and make the other `?`, e.g. `cron(0 0 1 * ? *)`"
        );
        assert_eq!(
            rejected("cron(0 9 ? * ? *)", Scheduler),
            (
                "day-of-month and day-of-week are both `?`; one of them must name the days, e.g. `cron(0 9 * * ? *)`"
                    .into(),
                Some(10)
            )
        );
    }

    #[test]
    fn rate_errors() {
        let cases = [
            ("rate(1 minutes)", "a rate of 1 takes a singular unit: `rate(1 minute)`", 8),
            ("rate(1 hours)", "a rate of 1 takes a singular unit: `rate(1 hour)`", 8),
            ("rate(1 days)", "a rate of 1 takes a singular unit: `rate(1 day)`", 8),
            ("rate(5 minute)", "a rate of 5 takes a plural unit: `rate(5 minutes)`", 8),
            ("rate(10 hour)", "a rate of 10 takes a plural unit: `rate(10 hours)`", 9),
            ("rate(10 day)", "a rate of 10 takes a plural unit: `rate(10 days)`", 9),
            ("rate(10 MINUTES)", "write the unit in lower case: `rate(10 minutes)`", 9),
            ("rate(1 Hour)", "write the unit in lower case: `rate(1 hour)`", 8),
            ("rate( 10 minutes )", "remove the whitespace after `rate(`", 6),
            ("rate(10 minutes )", "remove the whitespace before `)`", 16),
            (" rate(10 minutes)", "remove the whitespace before the expression", 1),
            ("rate(10 minutes) ", "remove the whitespace after the expression", 17),
            ("rate(0 minutes)", "the rate value must be at least 1, not `0`", 6),
            ("rate(-10 minutes)", "the rate value must be a positive whole number, not `-10`", 6),
            ("rate(1.5 hours)", "the rate value must be a whole number, not `1.5`, e.g. `rate(90 minutes)`", 6),
            ("rate(0.5 days)", "the rate value must be a whole number, not `0.5`, e.g. `rate(12 hours)`", 6),
            ("rate(foo minutes)", "the rate value `foo` is not a number", 6),
            ("rate(99999999999999999999 minutes)", "the rate value `99999999999999999999` is too large", 6),
            ("rate(10 seconds)", "AWS schedules run to the minute; the shortest rate is `rate(1 minute)`", 9),
            ("rate(10 years)", "rates go up to days; for a calendar schedule use `cron(...)`", 9),
            ("rate(2 weeks)", "there is no week unit; write `rate(14 days)`", 8),
            ("rate(5 mins)", "write the unit in full: `rate(5 minutes)`", 8),
            ("rate(1 hr)", "write the unit in full: `rate(1 hour)`", 8),
            (
                "rate(10 minutess)",
                "unknown unit `minutess`; use `minute`, `hour` or `day` (plural when the value is more than 1)",
                9,
            ),
            ("rate(10)", "`rate(10)` needs a unit, e.g. `rate(10 minutes)`", 8),
            ("rate(1)", "`rate(1)` needs a unit, e.g. `rate(1 minute)`", 7),
            ("rate()", "`rate()` needs a value and a unit, e.g. `rate(5 minutes)`", 6),
            ("rate(5minutes)", "put a space between the value and the unit: `rate(5 minutes)`", 7),
            ("rate(5  minutes)", "separate the value and the unit with a single space", 7),
            ("rate(5\tminutes)", "separate the value and the unit with a single space", 7),
            ("rate(5 minutes please)", "`rate()` takes only a value and a unit; remove `please`", 16),
            ("rate(5 minutes", "close `rate(` with `)`", 15),
            ("Rate(5 minutes)", "write `rate(` in lower case", 1),
            ("5 minutes", "write the rate inside `rate(...)`: `rate(5 minutes)`", 1),
        ];
        for (expr, message, column) in cases {
            assert_eq!(rejected(expr, EventsRule), (message.to_string(), Some(column)), "{expr}");
            assert_eq!(rejected(expr, Scheduler), (message.to_string(), Some(column)), "{expr}");
        }
    }

    #[test]
    fn expression_shape_errors() {
        let cases = [
            ("cron(0 0 * * ? *)x", "remove `x` after `)`", Some(18)),
            ("cron(0 0 * * ? *", "close `cron(` with `)`", Some(17)),
            ("cron(0 (0) * * ? *)", "unexpected `(` inside `cron(...)`", Some(8)),
            ("CRON(0 0 * * ? *)", "write `cron(` in lower case", Some(1)),
            ("cron (0 0 * * ? *)", "remove the space between `cron` and `(`", Some(5)),
            ("every(5 minutes)", "a schedule expression is `rate(...)` or `cron(...)`, not `every(...)`", Some(1)),
            ("0 10 * * ? *", "write the cron fields inside `cron(...)`: `cron(0 10 * * ? *)`", Some(1)),
            (
                "0 10 * * *",
                "write the cron fields inside `cron(...)`, six of them: minutes hours day-of-month month day-of-week year",
                Some(1),
            ),
            ("hourly", "`hourly` is not a schedule expression; write `rate(...)` or `cron(...)`", Some(1)),
            ("", "the schedule expression is empty; write `rate(...)` or `cron(...)`", None),
            (
                "at(2030-01-01T10:00:00)",
                "`at()` one-time schedules exist only in EventBridge Scheduler; an EventBridge rule takes `rate()` or `cron()`",
                Some(1),
            ),
        ];
        for (expr, message, column) in cases {
            assert_eq!(rejected(expr, EventsRule), (message.to_string(), column), "{expr}");
        }
        let long = format!("cron(0 0 * * ? {})", "2025,".repeat(60));
        assert_eq!(
            rejected(&long, EventsRule),
            ("the schedule expression is 316 characters long; AWS accepts at most 256".into(), None)
        );
        assert_eq!(
            msg("cron(0 0 * * ?)"),
            "`cron()` has 5 fields but needs 6 (minutes hours day-of-month month day-of-week year); add the year, e.g. `*`"
        );
        assert_eq!(
            msg("cron(0 0 0 * * ? *)"),
            "`cron()` has 7 fields but needs 6 (minutes hours day-of-month month day-of-week year); AWS cron has no seconds field"
        );
        assert_eq!(
            msg("cron(0 0 * * ? * * *)"),
            "`cron()` has 8 fields but needs 6: minutes hours day-of-month month day-of-week year"
        );
        assert_eq!(
            msg("cron()"),
            "`cron()` needs six fields: minutes hours day-of-month month day-of-week year, e.g. `cron(0 12 * * ? *)`"
        );
    }

    #[test]
    fn cron_field_errors() {
        let cases = [
            ("cron(60 0 * * ? *)", "minutes value `60` is outside 0-59; for every hour use `0`", 6),
            ("cron(*/60 * * * ? *)", "the step in `*/60` is too large; minutes steps go up to 59", 8),
            ("cron(0 */24 * * ? *)", "the step in `*/24` is too large; hours steps go up to 23", 10),
            ("cron(0/0 * * * ? *)", "the step in `0/0` must be at least 1", 8),
            ("cron(0/ * * * ? *)", "`0/` needs a number after `/`", 8),
            ("cron(/5 * * * ? *)", "`/5` needs a start before `/`, e.g. `*/5` or `0/5`", 6),
            ("cron(0/x * * * ? *)", "the step after `/` in `0/x` must be a number", 8),
            ("cron(0 24 * * ? *)", "hours value `24` is outside 0-23", 8),
            ("cron(0 0 0 * ? *)", "day-of-month value `0` is outside 1-31", 10),
            ("cron(0 0 32 * ? *)", "day-of-month value `32` is outside 1-31", 10),
            ("cron(0 0 ? 13 * *)", "month value `13` is outside 1-12 or JAN-DEC", 12),
            ("cron(0 0 ? FOO * *)", "`FOO` is not a month; use 1-12 or JAN-DEC", 12),
            ("cron(0 0 ? JANUARY * *)", "write month names with three letters, not `JANUARY`", 12),
            ("cron(0 0 ? * MONDAY *)", "write day-of-week names with three letters, not `MONDAY`", 14),
            (
                "cron(0 0 ? * 0 *)",
                "day-of-week value `0` is outside 1-7 or SUN-SAT (1 is Sunday); AWS numbers Sunday 1, not 0",
                14,
            ),
            ("cron(0 0 ? * 8 *)", "day-of-week value `8` is outside 1-7 or SUN-SAT (1 is Sunday)", 14),
            ("cron(15 12 ? * -1 *)", "`-1` is not a value; day-of-week values are 1-7 or SUN-SAT (1 is Sunday)", 16),
            (
                "cron(0 0 ? * JUL *)",
                "`JUL` is a month, but this is the day-of-week field; month is the fourth field",
                14,
            ),
            (
                "cron(0 0 ? MON * *)",
                "`MON` is a weekday, but this is the month field; day-of-week is the fifth field",
                12,
            ),
            ("cron(0 0 ? * 2 1969)", "year value `1969` is outside 1970-2199", 16),
            ("cron(0 0 ? * 2 2200)", "year value `2200` is outside 1970-2199", 16),
            ("cron(0 0 ? * 2 2030-2025)", "the year range `2030-2025` runs backwards; write `2025-2030`", 16),
            ("cron(0 0 1- * ? *)", "the range `1-` has no end", 12),
            ("cron(0 0 1-2-3 * ? *)", "`1-2-3` is not a range; write `start-end`", 10),
            ("cron(x 0 * * ? *)", "minutes value `x` is not a number; minutes values are 0-59", 6),
            ("cron(é 0 * * ? *)", "unexpected character `é` in `cron(...)`", 6),
            ("cron(0 0 , * ? *)", "day-of-month `,` names no values; use 1-31", 10),
            // `?`, `L`, `W` and `#` in the wrong place.
            ("cron(0 0 * * ? ?)", "`?` is allowed only in day-of-month and day-of-week, not in year", 16),
            ("cron(0 0 * * ?5 *)", "`?` stands alone in day-of-week; remove the rest of `?5`", 14),
            ("cron(0 L * * ? *)", "`L` is allowed only in day-of-month and day-of-week, not in hours", 8),
            ("cron(0 0 * * ? L)", "`L` is allowed only in day-of-month and day-of-week, not in year", 16),
            ("cron(0 0 ? 3W * *)", "`W` is allowed only in day-of-month, not in month", 12),
            ("cron(0 0 * 3#2 ? *)", "`#` is allowed only in day-of-week, not in month", 12),
            ("cron(0 0 W * ? *)", "`W` needs a day before it, e.g. `15W` for the weekday nearest the 15th", 10),
            ("cron(0 0 32W * ? *)", "day-of-month value `32` is outside 1-31", 10),
            ("cron(0 0 1-5W * ? *)", "`W` takes a single day, e.g. `15W`, not `1-5W`", 10),
            ("cron(0 0 L-31 * ? *)", "the offset in `L-31` must be 1-30 days before the last day", 12),
            ("cron(0 0 L-0 * ? *)", "the offset in `L-0` must be 1-30 days before the last day", 12),
            ("cron(0 0 L3 * ? *)", "`L3` is not valid; write `L`, `LW` or `L-3` (third to last day)", 10),
            ("cron(0 0 L/2 * ? *)", "a step `/2` cannot follow `L` in day-of-month", 10),
            ("cron(0 0 ? * 3#6 *)", "the week after `#` in `3#6` must be 1-5, e.g. `3#2` for the second Tuesday", 16),
            ("cron(0 0 ? * 3#0 *)", "the week after `#` in `3#0` must be 1-5, e.g. `3#2` for the second Tuesday", 16),
            ("cron(0 0 ? * #2 *)", "`#2` needs a weekday before `#`, e.g. `3#2` for the second Tuesday", 14),
            ("cron(0 0 ? * 8#2 *)", "day-of-week value `8` is outside 1-7 or SUN-SAT (1 is Sunday)", 14),
            (
                "cron(0 0 ? * 3#1,6#3 *)",
                "`3#1` must stand alone in day-of-week; AWS rejects more than one `#` value or `#` in a list",
                14,
            ),
            (
                "cron(0 0 L,15 * ? *)",
                "`L` must stand alone in day-of-month; AWS does not combine `L` or `W` with other values",
                10,
            ),
            (
                "cron(0 0 1,15W * ? *)",
                "`15W` must stand alone in day-of-month; AWS does not combine `L` or `W` with other values",
                12,
            ),
            (
                "cron(0 0 ? * L,MON *)",
                "`L` must stand alone in day-of-week; for Saturday in a list write `SAT` or `7`",
                14,
            ),
            (
                "cron(0 0 ? * L-2 *)",
                "`L-2` is not valid in day-of-week; write `L` for Saturday or e.g. `6L` for the last Friday",
                14,
            ),
            ("cron(0 0 ? * 2-6L *)", "`L` takes a single weekday, e.g. `6L` for the last Friday, not `2-6L`", 14),
        ];
        for (expr, message, column) in cases {
            assert_eq!(rejected(expr, EventsRule), (message.to_string(), Some(column)), "{expr}");
        }
    }

    #[test]
    fn at_errors() {
        let cases = [
            ("at(2030-01-01T10:00)", "`at()` needs seconds: `at(2030-01-01T10:00:00)`", 20),
            ("at(2030-01-01 10:00:00)", "separate the date and the time with `T`: `at(2030-01-01T10:00:00)`", 14),
            (
                "at(2030-01-01T10:00:00Z)",
                "`at()` takes a local time without `Z` or an offset; set the zone in `ScheduleExpressionTimezone`",
                23,
            ),
            (
                "at(2030-01-01T10:00:00+02:00)",
                "`at()` takes a local time without `Z` or an offset; set the zone in `ScheduleExpressionTimezone`",
                23,
            ),
            ("at(2030-01-01T10:00:00.000)", "`at()` takes whole seconds; remove the fraction", 23),
            ("at(2030-02-30T10:00:00)", "`2030-02-30` is not a calendar date", 4),
            ("at(2030-01-01T24:00:00)", "hour `24` is outside 00-23", 15),
            ("at(2030-01-01T10:60:00)", "minute `60` is outside 00-59", 18),
            ("at(2030-01-01T10:00:60)", "second `60` is outside 00-59", 21),
            (
                "at(tomorrow)",
                "`at()` takes a date and time as `yyyy-mm-ddThh:mm:ss`, e.g. `at(2030-06-01T09:30:00)`",
                4,
            ),
            ("at()", "`at()` takes a date and time as `yyyy-mm-ddThh:mm:ss`, e.g. `at(2030-06-01T09:30:00)`", 4),
        ];
        for (expr, message, column) in cases {
            assert_eq!(rejected(expr, Scheduler), (message.to_string(), Some(column)), "{expr}");
        }
    }

    #[test]
    fn messages_stay_on_one_line() {
        assert_eq!(
            rejected("cron(0 0 * *\n? *)", EventsRule),
            ("unexpected character `\\n` in `cron(...)`".into(), Some(13))
        );
        assert_eq!(msg("every\nhour"), "`every\\nhour` is not a schedule expression; write `rate(...)` or `cron(...)`");
        assert_eq!(
            parse_timezone("Europe/\tParis").unwrap_err().message,
            "`Europe/\\tParis` is not an IANA time zone name; use one such as `America/New_York` or `UTC`"
        );
    }

    #[test]
    fn timezones() {
        assert_eq!(parse_timezone("America/New_York").unwrap().iana_name(), Some("America/New_York"));
        assert!(parse_timezone("UTC").is_ok());
        assert!(parse_timezone("Asia/Kolkata").is_ok());
        let err = |tz: &str| parse_timezone(tz).unwrap_err().message;
        assert_eq!(err("america/new_york"), "write the time zone `america/new_york` as `America/New_York`");
        assert_eq!(
            err("Mars/Olympus"),
            "`Mars/Olympus` is not an IANA time zone name; use one such as `America/New_York` or `UTC`"
        );
        assert_eq!(
            err("Etc/Unknown"),
            "`Etc/Unknown` is not an IANA time zone name; use one such as `America/New_York` or `UTC`"
        );
        assert_eq!(err(""), "the time zone is empty; give an IANA name such as `America/New_York` or `UTC`");
        assert_eq!(err(&"A".repeat(51)), "the time zone is 51 characters long; AWS accepts at most 50");
        let s = ok("cron(0 9 * * ? *)", Scheduler);
        assert!(s.next_fire_times(ts(JAN1), Some("Nowhere/Special"), 1).is_err());
    }

    #[test]
    fn display_round_trips() {
        for e in ["rate(1 minute)", "rate(5 hours)", "cron(0/15 * ? * MON-FRI *)", "at(2030-06-01T09:30:00)"] {
            assert_eq!(ok(e, Scheduler).to_string(), e);
        }
        let Schedule::Cron(c) = ok("cron(0 9 ? * 6L 2025)", EventsRule) else { panic!() };
        assert_eq!(c.fields()[4], "6L");
    }

    #[test]
    fn plain_values_steps_and_ranges() {
        assert_eq!(
            fires("cron(0 10 * * ? *)", JAN1, None, 3),
            ["2025-01-01T10:00:00Z", "2025-01-02T10:00:00Z", "2025-01-03T10:00:00Z"]
        );
        assert_eq!(
            fires("cron(*/15 * * * ? *)", "2025-01-01T00:07:30Z", None, 3),
            ["2025-01-01T00:15:00Z", "2025-01-01T00:30:00Z", "2025-01-01T00:45:00Z"]
        );
        // Strictly after: a fire time equal to `after` is not repeated.
        assert_eq!(fires("cron(0 0 * * ? *)", JAN1, None, 1), ["2025-01-02T00:00:00Z"]);
        assert_eq!(
            fires("cron(5/20 3 * * ? *)", JAN1, None, 4),
            ["2025-01-01T03:05:00Z", "2025-01-01T03:25:00Z", "2025-01-01T03:45:00Z", "2025-01-02T03:05:00Z"]
        );
        assert_eq!(
            fires("cron(0 9-17/4 * * ? *)", JAN1, None, 4),
            ["2025-01-01T09:00:00Z", "2025-01-01T13:00:00Z", "2025-01-01T17:00:00Z", "2025-01-02T09:00:00Z"]
        );
        assert_eq!(
            fires("cron(5,35 14 * * ? *)", JAN1, None, 3),
            ["2025-01-01T14:05:00Z", "2025-01-01T14:35:00Z", "2025-01-02T14:05:00Z"]
        );
        // A wrapping range: 20-2 is 20, 21, 22, 23, 0, 1, 2 (AWS's own example).
        // 2025-01-03 is a Friday; Saturday morning is not MON-FRI.
        assert_eq!(
            fires("cron(0 20-2 ? * MON-FRI *)", "2025-01-03T21:30:00Z", None, 5),
            [
                "2025-01-03T22:00:00Z",
                "2025-01-03T23:00:00Z",
                "2025-01-06T00:00:00Z",
                "2025-01-06T01:00:00Z",
                "2025-01-06T02:00:00Z"
            ]
        );
        // A wrapping range with a step: 20, 22, 0, 2.
        assert_eq!(
            fires("cron(0 20-2/2 * * ? *)", "2025-01-01T19:00:00Z", None, 5),
            [
                "2025-01-01T20:00:00Z",
                "2025-01-01T22:00:00Z",
                "2025-01-02T00:00:00Z",
                "2025-01-02T02:00:00Z",
                "2025-01-02T20:00:00Z"
            ]
        );
        // Day-of-month wrap: 28-3.
        assert_eq!(
            fires("cron(0 0 28-3 * ? *)", "2025-02-01T12:00:00Z", None, 5),
            [
                "2025-02-02T00:00:00Z",
                "2025-02-03T00:00:00Z",
                "2025-02-28T00:00:00Z",
                "2025-03-01T00:00:00Z",
                "2025-03-02T00:00:00Z"
            ]
        );
        // Empty list items are ignored.
        assert_eq!(fires("cron(0 12, * * ? *)", JAN1, None, 1), ["2025-01-01T12:00:00Z"]);
    }

    #[test]
    fn names_months_weekdays_and_years() {
        // 1 is Sunday: 2025-01-05 is the first Sunday of 2025.
        assert_eq!(fires("cron(0 0 ? * 1 *)", JAN1, None, 2), ["2025-01-05T00:00:00Z", "2025-01-12T00:00:00Z"]);
        assert_eq!(fires("cron(0 0 ? * sun *)", JAN1, None, 1), ["2025-01-05T00:00:00Z"]);
        // FRI-MON wraps: Friday 3rd, Saturday 4th, Sunday 5th, Monday 6th, then Friday 10th.
        assert_eq!(
            fires("cron(0 0 ? * FRI-MON *)", JAN1, None, 5),
            [
                "2025-01-03T00:00:00Z",
                "2025-01-04T00:00:00Z",
                "2025-01-05T00:00:00Z",
                "2025-01-06T00:00:00Z",
                "2025-01-10T00:00:00Z"
            ]
        );
        // Every second weekday from Sunday: SUN, TUE, THU, SAT.
        assert_eq!(
            fires("cron(0 0 ? * */2 *)", JAN1, None, 4),
            ["2025-01-02T00:00:00Z", "2025-01-04T00:00:00Z", "2025-01-05T00:00:00Z", "2025-01-07T00:00:00Z"]
        );
        assert_eq!(
            fires("cron(0 0 1 jan,Jul ? *)", JAN1, None, 3),
            ["2025-07-01T00:00:00Z", "2026-01-01T00:00:00Z", "2026-07-01T00:00:00Z"]
        );
        assert_eq!(
            fires("cron(0 0 1 */3 ? *)", JAN1, None, 4),
            ["2025-04-01T00:00:00Z", "2025-07-01T00:00:00Z", "2025-10-01T00:00:00Z", "2026-01-01T00:00:00Z"]
        );
        assert_eq!(
            fires("cron(0 0 1 FEB/5 ? *)", JAN1, None, 3),
            ["2025-02-01T00:00:00Z", "2025-07-01T00:00:00Z", "2025-12-01T00:00:00Z"]
        );
        // Years: a range runs out; a step counts from 1970.
        assert_eq!(fires("cron(0 0 1 1 ? 2027-2028)", JAN1, None, 3), ["2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z"]);
        assert_eq!(fires("cron(0 0 ? 1 MON#1 */50)", JAN1, None, 2), ["2070-01-06T00:00:00Z", "2120-01-01T00:00:00Z"]);
        assert_eq!(fires("cron(59 23 31 12 ? 2199)", JAN1, None, 2), ["2199-12-31T23:59:00Z"]);
    }

    #[test]
    fn last_day_and_offsets() {
        assert_eq!(
            fires("cron(0 12 L * ? *)", "2024-01-15T00:00:00Z", None, 3),
            ["2024-01-31T12:00:00Z", "2024-02-29T12:00:00Z", "2024-03-31T12:00:00Z"]
        );
        assert_eq!(
            fires("cron(0 12 L-3 * ? *)", "2024-01-15T00:00:00Z", None, 3),
            ["2024-01-28T12:00:00Z", "2024-02-26T12:00:00Z", "2024-03-28T12:00:00Z"]
        );
        // L-30 is day 1 of a 31-day month only; January 1st is `after` itself.
        assert_eq!(
            fires("cron(0 0 L-30 * ? *)", JAN1, None, 3),
            ["2025-03-01T00:00:00Z", "2025-05-01T00:00:00Z", "2025-07-01T00:00:00Z"]
        );
        // LW-style offsets with W: L-1W in August 2025 is the 30th (Saturday) -> Friday 29th.
        assert_eq!(fires("cron(0 0 L-1W 8 ? *)", JAN1, None, 1), ["2025-08-29T00:00:00Z"]);
    }

    #[test]
    fn nearest_weekday() {
        // 2025: Jan 15 Wed, Feb 15 Sat -> Fri 14, Mar 15 Sat -> Fri 14.
        assert_eq!(
            fires("cron(0 9 15W * ? *)", JAN1, None, 3),
            ["2025-01-15T09:00:00Z", "2025-02-14T09:00:00Z", "2025-03-14T09:00:00Z"]
        );
        // 2025-06-15 is a Sunday -> Monday 16.
        assert_eq!(fires("cron(0 9 15W * ? *)", "2025-06-01T00:00:00Z", None, 1), ["2025-06-16T09:00:00Z"]);
        // 1W never leaves the month: Saturday Feb 1 -> Monday Feb 3, Sunday Jun 1 -> Monday Jun 2.
        assert_eq!(fires("cron(0 9 1W * ? *)", "2025-01-15T00:00:00Z", None, 1), ["2025-02-03T09:00:00Z"]);
        assert_eq!(fires("cron(0 9 1W * ? *)", "2025-05-15T00:00:00Z", None, 1), ["2025-06-02T09:00:00Z"]);
        // 31W: only in 31-day months; Sunday Aug 31 -> Friday Aug 29, Saturday May 31 -> Friday May 30.
        assert_eq!(
            fires("cron(0 9 31W * ? *)", "2025-04-01T00:00:00Z", None, 4),
            ["2025-05-30T09:00:00Z", "2025-07-31T09:00:00Z", "2025-08-29T09:00:00Z", "2025-10-31T09:00:00Z"]
        );
        // LW: last weekday. 2025: Jan 31 Fri, Feb 28 Fri, May 31 Sat -> 30, Aug 31 Sun -> 29.
        assert_eq!(fires("cron(0 9 LW * ? *)", JAN1, None, 2), ["2025-01-31T09:00:00Z", "2025-02-28T09:00:00Z"]);
        assert_eq!(fires("cron(0 9 LW 5,8 ? *)", JAN1, None, 2), ["2025-05-30T09:00:00Z", "2025-08-29T09:00:00Z"]);
    }

    #[test]
    fn nth_and_last_weekday() {
        // 3#2: second Tuesday.
        assert_eq!(
            fires("cron(0 9 ? * 3#2 *)", JAN1, None, 3),
            ["2025-01-14T09:00:00Z", "2025-02-11T09:00:00Z", "2025-03-11T09:00:00Z"]
        );
        assert_eq!(fires("cron(0 9 ? * TUE#2 *)", JAN1, None, 1), ["2025-01-14T09:00:00Z"]);
        // 6#5: a fifth Friday exists only in some months.
        assert_eq!(
            fires("cron(0 9 ? * 6#5 *)", JAN1, None, 4),
            ["2025-01-31T09:00:00Z", "2025-05-30T09:00:00Z", "2025-08-29T09:00:00Z", "2025-10-31T09:00:00Z"]
        );
        // 6L is the last Friday (AWS's example), 5L the last Thursday.
        assert_eq!(
            fires("cron(15 10 ? * 6L 2025)", JAN1, None, 3),
            ["2025-01-31T10:15:00Z", "2025-02-28T10:15:00Z", "2025-03-28T10:15:00Z"]
        );
        assert_eq!(
            fires("cron(0 9 ? * 5L *)", JAN1, None, 3),
            ["2025-01-30T09:00:00Z", "2025-02-27T09:00:00Z", "2025-03-27T09:00:00Z"]
        );
        assert_eq!(fires("cron(0 9 ? * THUL *)", JAN1, None, 1), ["2025-01-30T09:00:00Z"]);
        // L alone is the last day of the week: every Saturday.
        assert_eq!(fires("cron(0 9 ? * L *)", JAN1, None, 2), ["2025-01-04T09:00:00Z", "2025-01-11T09:00:00Z"]);
    }

    #[test]
    fn never_firing() {
        let after = ts(JAN1);
        for e in [
            "cron(0 0 30 2 ? *)",
            "cron(0 0 31 4,6,9,11 ? *)",
            "cron(0 0 31W 2 ? *)",
            "cron(0 0 L-29 2 ? *)",
            "cron(0 0 ? 2 2#5 2025-2027)",
            "cron(0 0 1 1 ? 2020)",
            "cron(0 0 ? * MON 1970-2024)",
        ] {
            let s = ok(e, EventsRule);
            assert_eq!(s.next_fire_times(after, None, 3).unwrap(), Vec::<Timestamp>::new(), "{e}");
            assert!(!s.can_fire(after, None).unwrap(), "{e}");
        }
        // Past the last year a cron can name, nothing fires.
        assert!(!ok("cron(* * * * ? *)", EventsRule).can_fire(ts("2200-01-01T00:00:00Z"), None).unwrap());
        assert!(ok("cron(0 0 29 2 ? *)", EventsRule).can_fire(after, None).unwrap());
        assert_eq!(fires("cron(0 0 29 2 ? *)", JAN1, None, 1), ["2028-02-29T00:00:00Z"]);
        let at = ok("at(2024-06-01T09:30:00)", Scheduler);
        assert!(!at.can_fire(after, None).unwrap());
    }

    #[test]
    fn time_zones_and_daylight_saving() {
        let ny = Some("America/New_York");
        assert_eq!(fires("cron(0 9 * * ? *)", JAN1, ny, 1), ["2025-01-01T14:00:00Z"]);
        assert_eq!(fires("cron(0 9 * * ? *)", "2025-07-01T00:00:00Z", ny, 1), ["2025-07-01T13:00:00Z"]);
        assert_eq!(fires("cron(0 9 * * ? *)", JAN1, Some("Asia/Kolkata"), 1), ["2025-01-01T03:30:00Z"]);
        // `after` late in the UTC day is already the next local day in Tokyo.
        assert_eq!(fires("cron(0 8 * * ? *)", "2025-01-01T22:00:00Z", Some("Asia/Tokyo"), 1), ["2025-01-01T23:00:00Z"]);
        // Spring forward (2025-03-09 02:00 -> 03:00 in New York): 02:30 does not exist that day and is skipped.
        assert_eq!(
            fires("cron(30 2 * * ? *)", "2025-03-07T12:00:00Z", ny, 2),
            ["2025-03-08T07:30:00Z", "2025-03-10T06:30:00Z"]
        );
        // Fall back (2025-11-02 02:00 -> 01:00): 01:30 happens twice and fires once, the first time.
        assert_eq!(
            fires("cron(30 1 * * ? *)", "2025-11-01T12:00:00Z", ny, 2),
            ["2025-11-02T05:30:00Z", "2025-11-03T06:30:00Z"]
        );
        // Every half hour across the fold: the repeated hour does not fire again.
        assert_eq!(
            fires("cron(*/30 * * * ? *)", "2025-11-02T04:45:00Z", ny, 3),
            ["2025-11-02T05:00:00Z", "2025-11-02T05:30:00Z", "2025-11-02T07:00:00Z"]
        );
        // Asked from inside the repeated hour (01:15 EST), the next time is 02:00 EST.
        assert_eq!(fires("cron(*/30 * * * ? *)", "2025-11-02T06:15:00Z", ny, 1), ["2025-11-02T07:00:00Z"]);
        // Across the spring gap, every 30 minutes: 01:30 EST, then 03:00 EDT.
        assert_eq!(
            fires("cron(*/30 * * * ? *)", "2025-03-09T06:15:00Z", ny, 2),
            ["2025-03-09T06:30:00Z", "2025-03-09T07:00:00Z"]
        );
        // Europe/London, last Sunday of March 2025 (30th) 01:00 -> 02:00.
        assert_eq!(
            fires("cron(30 1 * * ? *)", "2025-03-29T12:00:00Z", Some("Europe/London"), 2),
            ["2025-03-31T00:30:00Z", "2025-04-01T00:30:00Z"]
        );
    }

    #[test]
    fn rates_count_from_after() {
        assert_eq!(
            fires("rate(5 minutes)", "2025-01-01T10:00:30Z", None, 3),
            ["2025-01-01T10:05:30Z", "2025-01-01T10:10:30Z", "2025-01-01T10:15:30Z"]
        );
        assert_eq!(fires("rate(1 hour)", JAN1, None, 2), ["2025-01-01T01:00:00Z", "2025-01-01T02:00:00Z"]);
        // A day is 24 hours, also across a daylight saving change in the schedule's zone.
        assert_eq!(
            fires("rate(1 day)", "2025-03-08T12:00:00Z", Some("America/New_York"), 2),
            ["2025-03-09T12:00:00Z", "2025-03-10T12:00:00Z"]
        );
        let Schedule::Rate(r) = ok("rate(3 days)", EventsRule) else { panic!() };
        assert_eq!(r.interval(), SignedDuration::from_hours(72));
        // Near the end of time the list stops instead of overflowing.
        let far = ok("rate(99999999999 days)", EventsRule);
        assert!(far.next_fire_times(ts(JAN1), None, 3).unwrap().len() < 3);
    }

    #[test]
    fn one_time_schedules() {
        assert_eq!(fires("at(2030-06-01T09:30:00)", JAN1, None, 3), ["2030-06-01T09:30:00Z"]);
        assert_eq!(fires("at(2030-06-01T09:30:00)", JAN1, Some("Europe/Paris"), 3), ["2030-06-01T07:30:00Z"]);
        assert_eq!(fires("at(2030-06-01T09:30:00)", "2030-06-01T09:30:00Z", None, 3), Vec::<String>::new());
        assert_eq!(fires("at(2030-06-01T09:30:00)", JAN1, None, 0), Vec::<String>::new());
        // Inside the spring-forward gap the time moves forward by the gap.
        assert_eq!(fires("at(2025-03-09T02:30:00)", JAN1, Some("America/New_York"), 1), ["2025-03-09T07:30:00Z"]);
    }

    #[test]
    fn no_fire_times_requested() {
        assert!(ok("cron(* * * * ? *)", EventsRule).next_fire_times(ts(JAN1), None, 0).unwrap().is_empty());
        assert!(ok("rate(1 minute)", EventsRule).next_fire_times(ts(JAN1), None, 0).unwrap().is_empty());
    }

    /// An independent reading of the day fields, one date at a time, written
    /// from the documented meaning rather than from `Cron::days`.
    fn day_matches(expr: &str, date: Date) -> bool {
        let fields: Vec<&str> = expr.trim_start_matches("cron(").trim_end_matches(')').split(' ').collect();
        let (dom, dow) = (fields[2], fields[4]);
        let last = date.last_of_month();
        let is_weekend = |d: Date| matches!(d.weekday(), jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday);
        // The weekday nearest `target` within the month.
        let nearest = |target: Date| -> Date {
            if !is_weekend(target) {
                return target;
            }
            let candidates = [-1i64, 1, -2, 2];
            let order: &[i64] =
                if target.weekday() == jiff::civil::Weekday::Saturday { &candidates } else { &[1, -1, 2, -2] };
            order
                .iter()
                .filter_map(|k| target.checked_add(SignedDuration::from_hours(24 * k)).ok())
                .find(|d| d.month() == target.month() && !is_weekend(*d))
                .unwrap()
        };
        let wd = date.weekday().to_sunday_one_offset();
        if dom != "?" {
            if dom == "L" {
                return date == last;
            }
            if dom == "LW" {
                return date == nearest(last);
            }
            if let Some(n) = dom.strip_suffix('W') {
                let n: i8 = n.parse().unwrap();
                return n <= last.day() && date == nearest(date.first_of_month().with().day(n).build().unwrap());
            }
            if let Some(off) = dom.strip_prefix("L-") {
                let off: i8 = off.parse().unwrap();
                return last.day() - off >= 1 && date.day() == last.day() - off;
            }
            let d = date.day();
            return dom.split(',').any(|part| match part.split_once('-') {
                Some((a, b)) => (a.parse::<i8>().unwrap()..=b.parse().unwrap()).contains(&d),
                None => part == "*" || part.parse::<i8>().unwrap() == d,
            });
        }
        if let Some((w, k)) = dow.split_once('#') {
            let (w, k): (i8, i8) = (w.parse().unwrap(), k.parse().unwrap());
            return wd == w && (date.day() - 1) / 7 + 1 == k;
        }
        if let Some(w) = dow.strip_suffix('L').filter(|w| !w.is_empty()) {
            let w: i8 = w.parse().unwrap();
            return wd == w && date.checked_add(SignedDuration::from_hours(24 * 7)).unwrap().month() != date.month();
        }
        dow.split(',').any(|part| match part.split_once('-') {
            Some((a, b)) => (a.parse::<i8>().unwrap()..=b.parse().unwrap()).contains(&wd),
            None => part == "*" || part.parse::<i8>().unwrap() == wd,
        })
    }

    #[test]
    fn day_fields_agree_with_a_day_by_day_reading() {
        let exprs = [
            "cron(0 0 L * ? *)",
            "cron(0 0 LW * ? *)",
            "cron(0 0 L-1 * ? *)",
            "cron(0 0 L-15 * ? *)",
            "cron(0 0 1W * ? *)",
            "cron(0 0 2W * ? *)",
            "cron(0 0 15W * ? *)",
            "cron(0 0 28W * ? *)",
            "cron(0 0 29W * ? *)",
            "cron(0 0 30W * ? *)",
            "cron(0 0 31W * ? *)",
            "cron(0 0 1,15,31 * ? *)",
            "cron(0 0 10-20 * ? *)",
            "cron(0 0 ? * 1#1 *)",
            "cron(0 0 ? * 4#3 *)",
            "cron(0 0 ? * 7#5 *)",
            "cron(0 0 ? * 1L *)",
            "cron(0 0 ? * 6L *)",
            "cron(0 0 ? * 2-6 *)",
            "cron(0 0 ? * 1,7 *)",
        ];
        for expr in exprs {
            let s = ok(expr, EventsRule);
            let got: Vec<Date> = s
                .next_fire_times(ts("2023-12-31T12:00:00Z"), None, 5000)
                .unwrap()
                .into_iter()
                .map(|t| TimeZone::UTC.to_datetime(t).date())
                .take_while(|d| d.year() < 2031)
                .collect();
            let mut want = Vec::new();
            let mut d = jiff::civil::date(2024, 1, 1);
            while d.year() < 2031 {
                if day_matches(expr, d) {
                    want.push(d);
                }
                d = d.tomorrow().unwrap();
            }
            assert_eq!(got, want, "{expr}");
        }
    }

    #[test]
    fn fire_times_increase_and_stay_on_whole_minutes() {
        for (expr, tz) in [
            ("cron(*/7 */5 * * ? *)", Some("America/New_York")),
            ("cron(0,30 1-3 ? * SUN *)", Some("America/New_York")),
            ("cron(15 0-23/6 L * ? *)", Some("Australia/Lord_Howe")),
            ("cron(0 2 ? * 1#2 *)", Some("America/Santiago")),
            ("cron(*/10 * * * ? *)", Some("Asia/Kathmandu")),
        ] {
            let s = ok(expr, Scheduler);
            let after = ts("2024-01-01T00:00:00Z");
            let times = s.next_fire_times(after, tz, 2000).unwrap();
            assert_eq!(times.len(), 2000, "{expr}");
            assert!(times[0] > after);
            assert!(times.windows(2).all(|w| w[0] < w[1]), "{expr}");
            let zone = parse_timezone(tz.unwrap()).unwrap();
            assert!(times.iter().all(|t| zone.to_datetime(*t).second() == 0), "{expr}");
        }
    }
}
