//! Reading model fields out of a parsed document, with type checks that
//! become input errors (file, line, column) instead of stopping the file.

use super::field::{F, Unknown, Val};
use crate::analysis::placeholder;
use crate::source::json::{Kind, Member, Node};
use crate::source::{FileId, Loc};

/// How property names are spelled: the ECS API and CLI JSON use camelCase;
/// CloudFormation uses PascalCase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyStyle {
    Camel,
    Pascal,
}

/// A problem with an input that ECS would reject before any rule applies
/// (wrong type), reported as an input error.
#[derive(Debug, Clone, PartialEq)]
pub struct InputIssue {
    pub at: Loc,
    pub msg: String,
}

/// What a shaped field accepts as a placeholder.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Text {
    /// Free text (names, commands): template syntax only.
    Free,
    /// Shaped values (image, region, ARNs, ids): also all-caps stand-ins.
    Shaped,
}

pub struct Reader {
    pub file: FileId,
    pub style: KeyStyle,
    pub issues: Vec<InputIssue>,
    /// Where placeholders were found, with the property name.
    pub placeholders: Vec<(Loc, String)>,
}

#[derive(Clone, Copy)]
pub struct Obj<'n, 's> {
    pub members: &'n [Member<'s>],
    pub at: Loc,
}

impl<'n, 's> Obj<'n, 's> {
    pub fn has(&self, key: &str) -> bool {
        self.members.iter().any(|m| m.key == key)
    }
}

impl Reader {
    pub fn new(file: FileId, style: KeyStyle) -> Self {
        Reader { file, style, issues: Vec::new(), placeholders: Vec::new() }
    }

    pub fn loc(&self, off: u32) -> Loc {
        Loc { file: self.file, off }
    }

    fn key_name(&self, key: &str) -> String {
        match self.style {
            KeyStyle::Camel => key.to_string(),
            KeyStyle::Pascal => {
                let mut c = key.chars();
                c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
            }
        }
    }

    /// The member for `key` (API spelling); the last one wins, as in the AWS
    /// CLI's JSON reader.
    pub fn member<'n, 's>(&self, o: &Obj<'n, 's>, key: &str) -> Option<&'n Member<'s>> {
        match self.style {
            KeyStyle::Camel => o.members.iter().rev().find(|m| m.key == key),
            KeyStyle::Pascal => {
                let k = self.key_name(key);
                o.members.iter().rev().find(|m| m.key == k)
            }
        }
    }

    pub fn as_obj<'n, 's>(&mut self, node: &'n Node<'s>, what: &str) -> Option<Obj<'n, 's>> {
        match &node.kind {
            Kind::Obj(members) => Some(Obj { members, at: self.loc(node.off) }),
            Kind::Null | Kind::Unknown => None,
            k => {
                self.type_error(node.off, what, "an object", k.type_name());
                None
            }
        }
    }

    pub fn type_error(&mut self, off: u32, what: &str, expected: &str, found: &str) {
        self.issues.push(InputIssue { at: self.loc(off), msg: format!("`{what}` must be {expected}, found {found}") });
    }

    /// Generic field access: absent/null handling, and the key's location.
    fn field<'n, 's, T>(
        &mut self,
        o: &Obj<'n, 's>,
        key: &str,
        conv: impl FnOnce(&mut Self, &'n Node<'s>, Loc) -> Val<T>,
    ) -> F<T> {
        match self.member(o, key) {
            None => F::absent(o.at),
            Some(m) => {
                let at = self.loc(m.key_off);
                let val = match &m.value.kind {
                    Kind::Null => Val::Null,
                    Kind::Unknown => Val::Unknown(Unknown::Unresolved),
                    _ => conv(self, &m.value, at),
                };
                F { val, at }
            }
        }
    }

    fn string_val(&mut self, node: &Node<'_>, at: Loc, key: &str, text: Text) -> Val<String> {
        match &node.kind {
            Kind::Str(s) => self.check_placeholder(s, at, key, text),
            Kind::Unknown => Val::Unknown(Unknown::Unresolved),
            // CloudFormation turns numbers and booleans into strings.
            Kind::Num(n) if self.style == KeyStyle::Pascal => Val::Known(n.to_string()),
            Kind::Bool(b) if self.style == KeyStyle::Pascal => Val::Known(b.to_string()),
            k => {
                self.type_error(node.off, key, "a string", k.type_name());
                Val::Unknown(Unknown::Invalid)
            }
        }
    }

    fn check_placeholder(&mut self, s: &str, at: Loc, key: &str, text: Text) -> Val<String> {
        let is_ph = match text {
            Text::Free => placeholder::is_placeholder(s),
            Text::Shaped => placeholder::is_placeholder_in_shaped_field(s),
        };
        if is_ph {
            self.placeholders.push((at, key.to_string()));
            Val::Unknown(Unknown::Placeholder)
        } else {
            Val::Known(s.to_string())
        }
    }

    /// A string field; template placeholders make it unknown.
    pub fn string(&mut self, o: &Obj<'_, '_>, key: &str) -> F<String> {
        self.field(o, key, |r, n, at| r.string_val(n, at, key, Text::Free))
    }

    /// A string field with a fixed shape (image, region, ARN, id).
    pub fn shaped(&mut self, o: &Obj<'_, '_>, key: &str) -> F<String> {
        self.field(o, key, |r, n, at| r.string_val(n, at, key, Text::Shaped))
    }

    /// A string field taken as written (commands, environment values).
    pub fn raw_string(&mut self, o: &Obj<'_, '_>, key: &str) -> F<String> {
        self.field(o, key, |r, n, _| match &n.kind {
            Kind::Str(s) => Val::Known(s.to_string()),
            Kind::Num(n) if r.style == KeyStyle::Pascal => Val::Known(n.to_string()),
            Kind::Bool(b) if r.style == KeyStyle::Pascal => Val::Known(b.to_string()),
            k => {
                r.type_error(n.off, key, "a string", k.type_name());
                Val::Unknown(Unknown::Invalid)
            }
        })
    }

    /// A string the API types as a string but that people also write as a
    /// number (task-level `cpu` and `memory`): both are accepted.
    pub fn string_or_number(&mut self, o: &Obj<'_, '_>, key: &str) -> F<String> {
        self.field(o, key, |r, n, at| match &n.kind {
            Kind::Num(s) => Val::Known(s.to_string()),
            _ => r.string_val(n, at, key, Text::Shaped),
        })
    }

    pub fn int(&mut self, o: &Obj<'_, '_>, key: &str) -> F<i64> {
        self.field(o, key, |r, n, at| match &n.kind {
            Kind::Num(s) => match parse_int(s.as_ref()) {
                Some(v) => Val::Known(v),
                None => {
                    r.issues.push(InputIssue {
                        at: r.loc(n.off),
                        msg: format!("`{key}` must be a whole number, found {s}"),
                    });
                    Val::Unknown(Unknown::Invalid)
                }
            },
            Kind::Str(s) if placeholder::is_placeholder(s) => {
                r.placeholders.push((at, key.to_string()));
                Val::Unknown(Unknown::Placeholder)
            }
            // CloudFormation reads numbers written as strings.
            Kind::Str(s) if r.style == KeyStyle::Pascal && parse_int(s.trim()).is_some() => {
                Val::Known(parse_int(s.trim()).expect("checked"))
            }
            k => {
                r.type_error(n.off, key, "a number", k.type_name());
                Val::Unknown(Unknown::Invalid)
            }
        })
    }

    pub fn boolean(&mut self, o: &Obj<'_, '_>, key: &str) -> F<bool> {
        self.field(o, key, |r, n, at| match &n.kind {
            Kind::Bool(b) => Val::Known(*b),
            Kind::Str(s) if r.style == KeyStyle::Pascal && s.eq_ignore_ascii_case("true") => Val::Known(true),
            Kind::Str(s) if r.style == KeyStyle::Pascal && s.eq_ignore_ascii_case("false") => Val::Known(false),
            Kind::Str(s) if placeholder::is_placeholder(s) => {
                r.placeholders.push((at, key.to_string()));
                Val::Unknown(Unknown::Placeholder)
            }
            k => {
                r.type_error(n.off, key, "true or false", k.type_name());
                Val::Unknown(Unknown::Invalid)
            }
        })
    }

    /// A nested object, read by `f`.
    pub fn object<T>(&mut self, o: &Obj<'_, '_>, key: &str, f: impl FnOnce(&mut Self, Obj<'_, '_>) -> T) -> F<T> {
        self.field(o, key, |r, n, _| match r.as_obj(n, key) {
            Some(inner) => Val::Known(f(r, inner)),
            None => Val::Unknown(Unknown::Invalid),
        })
    }

    /// An array whose elements are read by `f` (which gets each element and
    /// its location, and returns `None` to drop it).
    pub fn array<'n, 's, T>(
        &mut self,
        o: &Obj<'n, 's>,
        key: &str,
        mut f: impl FnMut(&mut Self, &'n Node<'s>) -> Option<T>,
    ) -> F<Vec<T>> {
        self.field(o, key, |r, n, _| match &n.kind {
            // One element the template does not determine makes the whole
            // list unknown: rules must not judge a list with a hole in it.
            Kind::Arr(items) if items.iter().any(|i| i.kind == Kind::Unknown) => Val::Unknown(Unknown::Unresolved),
            Kind::Arr(items) => {
                // Sized up front: the model of every file is kept until the
                // report is written.
                let mut v = Vec::with_capacity(items.len());
                v.extend(items.iter().filter_map(|item| f(r, item)));
                v.shrink_to_fit();
                Val::Known(v)
            }
            k => {
                r.type_error(n.off, key, "an array", k.type_name());
                Val::Unknown(Unknown::Invalid)
            }
        })
    }

    /// An array of objects, each read by `f`.
    pub fn objects<T>(
        &mut self,
        o: &Obj<'_, '_>,
        key: &str,
        mut f: impl FnMut(&mut Self, Obj<'_, '_>) -> T,
    ) -> F<Vec<T>> {
        let what = format!("{key}[]");
        self.array(o, key, |r, item| match &item.kind {
            Kind::Null => None,
            _ => r.as_obj(item, &what).map(|inner| f(r, inner)),
        })
    }

    /// An array of strings; each element keeps its own location.
    pub fn strings(&mut self, o: &Obj<'_, '_>, key: &str, text: Text) -> F<Vec<F<String>>> {
        let what = format!("{key}[]");
        self.array(o, key, |r, item| {
            let at = r.loc(item.off);
            Some(F { val: r.string_val(item, at, &what, text), at })
        })
    }

    /// An array of strings taken as written (command, entryPoint).
    pub fn raw_strings(&mut self, o: &Obj<'_, '_>, key: &str) -> F<Vec<String>> {
        let what = format!("{key}[]");
        self.array(o, key, |r, item| match &item.kind {
            Kind::Str(s) => Some(s.to_string()),
            Kind::Num(n) if r.style == KeyStyle::Pascal => Some(n.to_string()),
            k => {
                r.type_error(item.off, &what, "a string", k.type_name());
                None
            }
        })
    }

    /// A map of string to string (log driver options), keys as written.
    pub fn string_map(&mut self, o: &Obj<'_, '_>, key: &str) -> F<Vec<MapEntry>> {
        self.field(o, key, |r, n, _| match &n.kind {
            Kind::Obj(members) => Val::Known(
                members
                    .iter()
                    .map(|m| {
                        let at = r.loc(m.key_off);
                        let val = match &m.value.kind {
                            Kind::Null => Val::Null,
                            _ => r.string_val(&m.value, at, &m.key, Text::Shaped),
                        };
                        MapEntry { key: m.key.to_string(), value: F { val, at } }
                    })
                    .collect(),
            ),
            k => {
                r.type_error(n.off, key, "an object", k.type_name());
                Val::Unknown(Unknown::Invalid)
            }
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct MapEntry {
    pub key: String,
    /// Located at the key.
    pub value: F<String>,
}

/// A JSON number that is a whole number (`512`, `512.0`, `5e2`).
pub fn parse_int(s: &str) -> Option<i64> {
    if let Ok(v) = s.parse::<i64>() {
        return Some(v);
    }
    let f: f64 = s.parse().ok()?;
    (f.fract() == 0.0 && f.abs() < 9.0e15).then_some(f as i64)
}
