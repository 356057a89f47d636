//! A strict RFC 8259 JSON parser that keeps the byte offset of every key and
//! value, so that findings and input errors can point at a line and column.
//!
//! serde_json is faster for plain values but does not expose positions; the
//! tree built here is short-lived (it is turned into the model and dropped),
//! so it borrows from the source text wherever a string has no escapes.

use std::borrow::Cow;

/// Nesting deeper than this is rejected instead of recursing further.
pub const MAX_DEPTH: usize = 256;

#[derive(Debug, Clone, PartialEq)]
pub struct Node<'s> {
    /// Byte offset of the first byte of the value.
    pub off: u32,
    pub kind: Kind<'s>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind<'s> {
    Null,
    Bool(bool),
    /// The number's source text, already checked against the JSON grammar.
    Num(Cow<'s, str>),
    Str(Cow<'s, str>),
    Arr(Vec<Node<'s>>),
    Obj(Vec<Member<'s>>),
    /// A value the input does not determine (a CloudFormation parameter
    /// without a default, an unknown condition). Never produced by parsing.
    Unknown,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Member<'s> {
    pub key: Cow<'s, str>,
    /// Byte offset of the key's opening quote.
    pub key_off: u32,
    pub value: Node<'s>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub off: u32,
    pub msg: String,
}

impl<'s> Node<'s> {
    pub fn type_name(&self) -> &'static str {
        self.kind.type_name()
    }

    /// The value of `key` in an object (the last one, as JSON readers do).
    pub fn get(&self, key: &str) -> Option<&Node<'s>> {
        self.member(key).map(|m| &m.value)
    }

    /// The member `key` of an object.
    pub fn member(&self, key: &str) -> Option<&Member<'s>> {
        match &self.kind {
            Kind::Obj(m) => m.iter().rev().find(|m| m.key == key),
            _ => None,
        }
    }

    /// The text of a string (or number) value.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) | Kind::Num(s) => Some(s),
            _ => None,
        }
    }
}

impl Kind<'_> {
    pub fn type_name(&self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Bool(_) => "a boolean",
            Kind::Num(_) => "a number",
            Kind::Str(_) => "a string",
            Kind::Arr(_) => "an array",
            Kind::Obj(_) => "an object",
            Kind::Unknown => "an unresolved value",
        }
    }
}

/// Parses one JSON document. Input larger than 4 GiB is rejected by the
/// caller before it gets here (offsets are `u32`).
pub fn parse(text: &str) -> Result<Node<'_>, ParseError> {
    let mut p = Parser { src: text, b: text.as_bytes(), i: 0 };
    // A UTF-8 byte-order mark is tolerated: editors on Windows add it.
    if p.b.starts_with(b"\xEF\xBB\xBF") {
        p.i = 3;
    }
    p.ws();
    if p.i >= p.b.len() {
        return Err(p.err("the file is empty (expected a JSON object or array)"));
    }
    let v = p.value(0)?;
    p.ws();
    if p.i < p.b.len() {
        return Err(p.err("unexpected content after the end of the JSON document"));
    }
    Ok(v)
}

struct Parser<'s> {
    src: &'s str,
    b: &'s [u8],
    i: usize,
}

impl<'s> Parser<'s> {
    fn err(&self, msg: impl Into<String>) -> ParseError {
        ParseError { off: self.i as u32, msg: msg.into() }
    }

    fn err_at(&self, at: usize, msg: impl Into<String>) -> ParseError {
        ParseError { off: at as u32, msg: msg.into() }
    }

    #[inline]
    fn ws(&mut self) {
        while let Some(&c) = self.b.get(self.i) {
            if c == b' ' || c == b'\n' || c == b'\r' || c == b'\t' {
                self.i += 1;
            } else {
                break;
            }
        }
    }

    fn describe_here(&self) -> String {
        match self.src[self.i..].chars().next() {
            None => "the end of the file".to_string(),
            Some(c) if c.is_control() => format!("control character U+{:04X}", c as u32),
            Some(c) => format!("`{c}`"),
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node<'s>, ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.err(format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        let off = self.i as u32;
        let kind = match self.b.get(self.i) {
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => Kind::Str(self.string()?),
            Some(b't') => self.literal("true", Kind::Bool(true))?,
            Some(b'f') => self.literal("false", Kind::Bool(false))?,
            Some(b'n') => self.literal("null", Kind::Null)?,
            Some(b'-' | b'0'..=b'9') => Kind::Num(Cow::Borrowed(self.number()?)),
            Some(b'\'') => return Err(self.err("strings must use double quotes, not single quotes")),
            _ => return Err(self.err(format!("expected a JSON value, found {}", self.describe_here()))),
        };
        Ok(Node { off, kind })
    }

    fn literal(&mut self, word: &str, kind: Kind<'s>) -> Result<Kind<'s>, ParseError> {
        if self.b[self.i..].starts_with(word.as_bytes()) {
            self.i += word.len();
            Ok(kind)
        } else {
            Err(self.err(format!("expected `{word}`, found {}", self.describe_here())))
        }
    }

    fn object(&mut self, depth: usize) -> Result<Kind<'s>, ParseError> {
        let open = self.i;
        self.i += 1;
        let mut members = Vec::new();
        self.ws();
        if self.b.get(self.i) == Some(&b'}') {
            self.i += 1;
            return Ok(Kind::Obj(members));
        }
        loop {
            self.ws();
            match self.b.get(self.i) {
                Some(b'"') => {}
                Some(b'}') => return Err(self.err("trailing comma before `}` is not allowed in JSON")),
                None => return Err(self.err_at(open, "object is never closed (missing `}`)")),
                _ => {
                    return Err(self.err(format!("expected a quoted property name, found {}", self.describe_here())));
                }
            }
            let key_off = self.i as u32;
            let key = self.string()?;
            self.ws();
            if self.b.get(self.i) != Some(&b':') {
                return Err(self.err(format!("expected `:` after property name, found {}", self.describe_here())));
            }
            self.i += 1;
            self.ws();
            let value = self.value(depth + 1)?;
            members.push(Member { key, key_off, value });
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(Kind::Obj(members));
                }
                None => return Err(self.err_at(open, "object is never closed (missing `}`)")),
                _ => {
                    return Err(self
                        .err(format!("expected `,` or `}}` after a property value, found {}", self.describe_here())));
                }
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Kind<'s>, ParseError> {
        let open = self.i;
        self.i += 1;
        let mut items = Vec::new();
        self.ws();
        if self.b.get(self.i) == Some(&b']') {
            self.i += 1;
            return Ok(Kind::Arr(items));
        }
        loop {
            self.ws();
            match self.b.get(self.i) {
                Some(b']') => return Err(self.err("trailing comma before `]` is not allowed in JSON")),
                None => return Err(self.err_at(open, "array is never closed (missing `]`)")),
                _ => {}
            }
            items.push(self.value(depth + 1)?);
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(Kind::Arr(items));
                }
                None => return Err(self.err_at(open, "array is never closed (missing `]`)")),
                _ => {
                    return Err(
                        self.err(format!("expected `,` or `]` after an array element, found {}", self.describe_here()))
                    );
                }
            }
        }
    }

    fn number(&mut self) -> Result<&'s str, ParseError> {
        let start = self.i;
        let b = self.b;
        let mut i = self.i;
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        match b.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                while matches!(b.get(i), Some(b'0'..=b'9')) {
                    i += 1;
                }
            }
            _ => return Err(self.err_at(i, "invalid number: expected a digit")),
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            if !matches!(b.get(i), Some(b'0'..=b'9')) {
                return Err(self.err_at(i, "invalid number: expected a digit after `.`"));
            }
            while matches!(b.get(i), Some(b'0'..=b'9')) {
                i += 1;
            }
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            if !matches!(b.get(i), Some(b'0'..=b'9')) {
                return Err(self.err_at(i, "invalid number: expected a digit in the exponent"));
            }
            while matches!(b.get(i), Some(b'0'..=b'9')) {
                i += 1;
            }
        }
        if matches!(b.get(i), Some(b'0'..=b'9')) {
            return Err(self.err_at(start, "invalid number: leading zeros are not allowed"));
        }
        self.i = i;
        Ok(&self.src[start..i])
    }

    fn string(&mut self) -> Result<Cow<'s, str>, ParseError> {
        let open = self.i;
        self.i += 1;
        let start = self.i;
        // Fast path: no escapes, borrow the text.
        loop {
            match self.b.get(self.i) {
                Some(b'"') => {
                    let s = &self.src[start..self.i];
                    self.i += 1;
                    return Ok(Cow::Borrowed(s));
                }
                Some(b'\\') => break,
                Some(&c) if c < 0x20 => return Err(self.control_in_string(c)),
                Some(_) => self.i += 1,
                None => return Err(self.err_at(open, "string is never closed (missing `\"`)")),
            }
        }
        let mut out = String::with_capacity(self.i - start + 16);
        out.push_str(&self.src[start..self.i]);
        loop {
            let run = self.i;
            while let Some(&c) = self.b.get(self.i) {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                self.i += 1;
            }
            out.push_str(&self.src[run..self.i]);
            match self.b.get(self.i) {
                Some(b'"') => {
                    self.i += 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => {
                    let esc_at = self.i;
                    self.i += 1;
                    let c = match self.b.get(self.i) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.i += 1;
                            let hi = self.hex4(esc_at)?;
                            let cp = if (0xD800..0xDC00).contains(&hi) {
                                if self.b.get(self.i) == Some(&b'\\') && self.b.get(self.i + 1) == Some(&b'u') {
                                    self.i += 2;
                                    let lo = self.hex4(esc_at)?;
                                    if !(0xDC00..0xE000).contains(&lo) {
                                        return Err(self.err_at(esc_at, "invalid unicode escape: unpaired surrogate"));
                                    }
                                    0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                                } else {
                                    return Err(self.err_at(esc_at, "invalid unicode escape: unpaired surrogate"));
                                }
                            } else if (0xDC00..0xE000).contains(&hi) {
                                return Err(self.err_at(esc_at, "invalid unicode escape: unpaired surrogate"));
                            } else {
                                hi
                            };
                            out.push(char::from_u32(cp).expect("valid scalar after surrogate checks"));
                            continue;
                        }
                        None => return Err(self.err_at(open, "string is never closed (missing `\"`)")),
                        Some(_) => return Err(self.err_at(esc_at, "invalid escape sequence in string")),
                    };
                    self.i += 1;
                    out.push(c);
                }
                Some(&c) => return Err(self.control_in_string(c)),
                None => return Err(self.err_at(open, "string is never closed (missing `\"`)")),
            }
        }
    }

    fn control_in_string(&self, c: u8) -> ParseError {
        if c == b'\n' {
            self.err("line break inside a string (write it as \\n)")
        } else {
            self.err(format!("control character U+{:04X} inside a string must be escaped", c))
        }
    }

    fn hex4(&mut self, esc_at: usize) -> Result<u32, ParseError> {
        let digits = self.b.get(self.i..self.i + 4).ok_or_else(|| self.err_at(esc_at, "invalid unicode escape"))?;
        let mut v = 0u32;
        for &d in digits {
            let n = (d as char).to_digit(16).ok_or_else(|| self.err_at(esc_at, "invalid unicode escape"))?;
            v = v * 16 + n;
        }
        self.i += 4;
        Ok(v)
    }
}

/// Builds the RFC 6901 JSON pointer of the key or value that starts at byte
/// `off` (for a key, the pointer names the property). Returns `None` when no
/// key or value starts there.
pub fn pointer_at(root: &Node<'_>, off: u32) -> Option<String> {
    let mut ptr = String::new();
    let mut node = root;
    loop {
        if node.off == off {
            return Some(ptr);
        }
        match &node.kind {
            Kind::Obj(members) => {
                let m = members.iter().take_while(|m| m.key_off <= off).last()?;
                push_token(&mut ptr, &m.key);
                if m.key_off == off {
                    return Some(ptr);
                }
                node = &m.value;
            }
            Kind::Arr(items) => {
                let idx = items.iter().take_while(|n| n.off <= off).count().checked_sub(1)?;
                ptr.push('/');
                ptr.push_str(&idx.to_string());
                node = &items[idx];
            }
            _ => return None,
        }
    }
}

fn push_token(ptr: &mut String, key: &str) {
    ptr.push('/');
    for c in key.chars() {
        match c {
            '~' => ptr.push_str("~0"),
            '/' => ptr.push_str("~1"),
            c => ptr.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> Node<'_> {
        parse(s).unwrap_or_else(|e| panic!("{s:?}: {e:?}"))
    }

    fn err(s: &str) -> ParseError {
        parse(s).expect_err(s)
    }

    #[test]
    fn parses_values_with_offsets() {
        let n = ok(r#" {"a": [1, -2.5e3, "x\"y", true, null], "b": {}}"#);
        let Kind::Obj(m) = &n.kind else { panic!() };
        assert_eq!(n.off, 1);
        assert_eq!(m[0].key, "a");
        assert_eq!(m[0].key_off, 2);
        let Kind::Arr(items) = &m[0].value.kind else { panic!() };
        assert_eq!(items[1].kind, Kind::Num(Cow::Borrowed("-2.5e3")));
        assert_eq!(items[2].kind, Kind::Str(Cow::Owned("x\"y".into())));
        assert_eq!(items[3].kind, Kind::Bool(true));
        assert_eq!(items[4].kind, Kind::Null);
        assert_eq!(m[1].key, "b");
    }

    #[test]
    fn decodes_escapes_and_surrogates() {
        let n = ok(r#""a\u00e9\ud83d\ude00\n\/""#);
        assert_eq!(n.kind, Kind::Str(Cow::Owned("aé😀\n/".into())));
    }

    #[test]
    fn rejects_what_json_rejects() {
        for bad in [
            "",
            "   ",
            "{",
            "[1,]",
            "{\"a\":1,}",
            "{'a':1}",
            "01",
            "1.",
            "-",
            "1e",
            "tru",
            "\"abc",
            "\"a\nb\"",
            "{\"a\" 1}",
            "[1 2]",
            "{} x",
            "\"\\x\"",
            "\"\\ud800\"",
            "NaN",
            "{a:1}",
        ] {
            err(bad);
        }
    }

    #[test]
    fn error_offsets_point_at_the_problem() {
        assert_eq!(err("{\"a\": 1,\n }").off, 10);
        assert_eq!(err("[1, 2").off, 0);
        assert_eq!(err("{\"a\": tru}").off, 6);
    }

    #[test]
    fn depth_is_bounded() {
        let deep = "[".repeat(MAX_DEPTH + 2) + &"]".repeat(MAX_DEPTH + 2);
        assert!(err(&deep).msg.contains("nesting"));
        let fine = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        ok(&fine);
    }

    #[test]
    fn pointers_name_keys_and_elements() {
        let text = r#"{"taskDefinition": {"containerDefinitions": [{"name": "a"}, {"name": "b", "x/y": 1}]}}"#;
        let root = ok(text);
        let off = text.find("\"x/y\"").unwrap() as u32;
        assert_eq!(pointer_at(&root, off).as_deref(), Some("/taskDefinition/containerDefinitions/1/x~1y"));
        let off = text.find("{\"name\": \"b\"").unwrap() as u32;
        assert_eq!(pointer_at(&root, off).as_deref(), Some("/taskDefinition/containerDefinitions/1"));
        assert_eq!(pointer_at(&root, 0).as_deref(), Some(""));
        assert_eq!(pointer_at(&root, 3), None);
    }
}
