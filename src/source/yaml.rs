//! YAML (CloudFormation templates) into the same positioned tree the JSON
//! parser builds, so that everything after parsing handles one shape.
//!
//! CloudFormation's short intrinsic tags become their long JSON form
//! (`!Ref X` is `{"Ref": "X"}`, `!GetAtt A.B` is `{"Fn::GetAtt": "A.B"}`),
//! duplicate keys are reported rather than fatal (the last value wins, as in
//! the AWS CLI), and aliases are expanded within a budget: CloudFormation
//! rejects aliases unless `aws cloudformation package` or SAM expands them
//! first, and a "billion laughs" document must not exhaust memory.

use super::json::{Kind, Member, Node, ParseError};
use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use std::borrow::Cow;

/// Nesting deeper than this is rejected.
pub const MAX_DEPTH: usize = 256;

/// What the loader noticed besides the tree.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Notes {
    /// Keys that appear twice in one mapping: (key, first offset, second offset).
    pub duplicate_keys: Vec<(String, u32, u32)>,
    /// Offsets of aliases (`*name`) that were expanded.
    pub aliases: Vec<u32>,
    /// Tags that are neither CloudFormation's nor YAML's: (tag, offset).
    pub unknown_tags: Vec<(String, u32)>,
}

/// The CloudFormation short forms and the function each stands for.
const TAGS: &[(&str, &str)] = &[
    ("Ref", "Ref"),
    ("Condition", "Condition"),
    ("GetAtt", "Fn::GetAtt"),
    ("Sub", "Fn::Sub"),
    ("Join", "Fn::Join"),
    ("Select", "Fn::Select"),
    ("Split", "Fn::Split"),
    ("FindInMap", "Fn::FindInMap"),
    ("If", "Fn::If"),
    ("Equals", "Fn::Equals"),
    ("And", "Fn::And"),
    ("Or", "Fn::Or"),
    ("Not", "Fn::Not"),
    ("Base64", "Fn::Base64"),
    ("Cidr", "Fn::Cidr"),
    ("GetAZs", "Fn::GetAZs"),
    ("ImportValue", "Fn::ImportValue"),
    ("Transform", "Fn::Transform"),
    ("Length", "Fn::Length"),
    ("ToJsonString", "Fn::ToJsonString"),
    ("ForEach", "Fn::ForEach"),
];

enum Frame<'s> {
    Map {
        off: u32,
        tag: Option<String>,
        anchor: usize,
        members: Vec<Member<'s>>,
        key: Option<(Cow<'s, str>, u32)>,
        /// Keys seen, for mappings large enough that a scan costs (a
        /// template's `Resources`).
        seen: Option<std::collections::HashMap<String, u32>>,
    },
    Seq {
        off: u32,
        tag: Option<String>,
        anchor: usize,
        items: Vec<Node<'s>>,
    },
}

struct Builder<'s> {
    /// Byte offset of each character, when the text is not ASCII.
    char_bytes: Option<Vec<u32>>,
    stack: Vec<Frame<'s>>,
    anchors: std::collections::HashMap<usize, Node<'s>>,
    root: Option<Node<'s>>,
    notes: Notes,
    /// Nodes created by alias expansion so far, against `budget`.
    expanded: usize,
    budget: usize,
}

fn count_nodes(n: &Node<'_>) -> usize {
    match &n.kind {
        Kind::Arr(items) => 1 + items.iter().map(count_nodes).sum::<usize>(),
        Kind::Obj(members) => 1 + members.iter().map(|m| count_nodes(&m.value)).sum::<usize>(),
        _ => 1,
    }
}

impl<'s> Builder<'s> {
    fn off(&self, span: &Span) -> u32 {
        let i = span.start.index();
        match &self.char_bytes {
            Some(v) => v.get(i).copied().unwrap_or_else(|| *v.last().unwrap_or(&0)),
            None => i as u32,
        }
    }

    fn err(&self, span: &Span, msg: impl Into<String>) -> ParseError {
        ParseError { off: self.off(span), msg: msg.into() }
    }

    /// Wraps a node in the long form of its CloudFormation tag.
    fn tagged(&mut self, tag: Option<String>, node: Node<'s>) -> Node<'s> {
        let Some(tag) = tag else { return node };
        let off = node.off;
        if let Some(name) = tag.strip_prefix('!')
            && let Some((_, long)) = TAGS.iter().find(|(short, _)| *short == name)
        {
            let member = Member { key: Cow::Borrowed(long), key_off: off, value: node };
            return Node { off, kind: Kind::Obj(vec![member]) };
        }
        if tag.starts_with("tag:yaml.org,2002:") || tag.starts_with("!!") {
            return node;
        }
        self.notes.unknown_tags.push((tag.clone(), off));
        // An unknown tag is an unknown function: the resolver cannot read it.
        let key = Cow::Owned(format!("Fn::UnknownTag{tag}"));
        Node { off, kind: Kind::Obj(vec![Member { key, key_off: off, value: node }]) }
    }

    fn push(&mut self, node: Node<'s>, anchor: usize) -> Result<(), ParseError> {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => {
                if self.root.is_some() {
                    return Err(ParseError {
                        off: node.off,
                        msg: "the file holds more than one YAML document; a template is one document".into(),
                    });
                }
                self.root = Some(node);
            }
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { members, key, seen, .. }) => match key.take() {
                None => {
                    let k = match node.kind {
                        Kind::Str(s) => s,
                        Kind::Num(n) => n,
                        Kind::Bool(b) => Cow::Owned(b.to_string()),
                        Kind::Null => Cow::Borrowed(""),
                        _ => {
                            return Err(ParseError {
                                off: node.off,
                                msg: "a mapping key must be a plain value, not a list or mapping".into(),
                            });
                        }
                    };
                    *key = Some((k, node.off));
                }
                Some((k, key_off)) => {
                    if members.len() >= 16 && seen.is_none() {
                        *seen = Some(members.iter().map(|m| (m.key.to_string(), m.key_off)).collect());
                    }
                    let prev = match seen {
                        Some(map) => map.insert(k.to_string(), key_off),
                        None => members.iter().find(|m| m.key == k).map(|m| m.key_off),
                    };
                    if let Some(prev) = prev {
                        self.notes.duplicate_keys.push((k.to_string(), prev, key_off));
                    }
                    members.push(Member { key: k, key_off, value: node });
                }
            },
        }
        Ok(())
    }
}

fn plain_scalar<'s>(v: Cow<'s, str>) -> Kind<'s> {
    match v.as_ref() {
        "" | "~" | "null" | "Null" | "NULL" => return Kind::Null,
        "true" | "True" | "TRUE" => return Kind::Bool(true),
        "false" | "False" | "FALSE" => return Kind::Bool(false),
        _ => {}
    }
    let t = v.as_ref();
    let body = t.strip_prefix(['-', '+']).unwrap_or(t);
    let numeric = !body.is_empty()
        && body.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b'e' || b == b'E' || b == b'-' || b == b'+')
        && body.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && t.parse::<f64>().is_ok();
    if numeric { Kind::Num(v) } else { Kind::Str(v) }
}

/// Parses a YAML document. `Err` when it is not YAML at all.
pub fn parse(text: &str) -> Result<(Node<'_>, Notes), ParseError> {
    let char_bytes = (!text.is_ascii()).then(|| {
        let mut v: Vec<u32> = text.char_indices().map(|(i, _)| i as u32).collect();
        v.push(text.len() as u32);
        v
    });
    let mut b = Builder {
        char_bytes,
        stack: Vec::new(),
        anchors: std::collections::HashMap::new(),
        root: None,
        notes: Notes::default(),
        expanded: 0,
        budget: 200_000 + text.len() * 4,
    };
    for ev in Parser::new_from_str(text) {
        let (event, span) = ev.map_err(|e| {
            let m = e.marker();
            let off = match &b.char_bytes {
                Some(v) => v.get(m.index()).copied().unwrap_or(text.len() as u32),
                None => m.index() as u32,
            };
            ParseError { off, msg: format!("invalid YAML: {}", e.info()) }
        })?;
        match event {
            Event::Scalar(value, style, anchor, tag) => {
                let off = b.off(&span);
                let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
                let kind = match (style, &tag) {
                    (ScalarStyle::Plain, None) => plain_scalar(value),
                    _ => Kind::Str(value),
                };
                let node = b.tagged(tag, Node { off, kind });
                b.push(node, anchor)?;
            }
            Event::SequenceStart(anchor, tag) => {
                if b.stack.len() >= MAX_DEPTH {
                    return Err(b.err(&span, format!("nesting deeper than {MAX_DEPTH} levels")));
                }
                let off = b.off(&span);
                let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
                b.stack.push(Frame::Seq { off, tag, anchor, items: Vec::new() });
            }
            Event::MappingStart(anchor, tag) => {
                if b.stack.len() >= MAX_DEPTH {
                    return Err(b.err(&span, format!("nesting deeper than {MAX_DEPTH} levels")));
                }
                let off = b.off(&span);
                let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
                b.stack.push(Frame::Map { off, tag, anchor, members: Vec::new(), key: None, seen: None });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, tag, anchor) = match b.stack.pop() {
                    Some(Frame::Seq { off, tag, anchor, items }) => (Node { off, kind: Kind::Arr(items) }, tag, anchor),
                    Some(Frame::Map { off, tag, anchor, members, .. }) => {
                        (Node { off, kind: Kind::Obj(members) }, tag, anchor)
                    }
                    None => return Err(b.err(&span, "unbalanced YAML structure")),
                };
                let node = b.tagged(tag, node);
                b.push(node, anchor)?;
            }
            Event::Alias(id) => {
                let off = b.off(&span);
                let Some(target) = b.anchors.get(&id).cloned() else {
                    return Err(b.err(&span, "alias to an anchor that is not defined before it"));
                };
                b.expanded += count_nodes(&target);
                if b.expanded > b.budget {
                    return Err(b.err(
                        &span,
                        "YAML aliases expand to more nodes than the template could hold (a \"billion laughs\" document?)",
                    ));
                }
                b.notes.aliases.push(off);
                b.push(Node { off, kind: target.kind }, 0)?;
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentStart(_) | Event::DocumentEnd | Event::Nothing => {}
        }
    }
    let root = b.root.take().ok_or(ParseError { off: 0, msg: "the file is empty (expected a template)".into() })?;
    Ok((root, b.notes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj<'a>(n: &'a Node<'a>) -> &'a [Member<'a>] {
        match &n.kind {
            Kind::Obj(m) => m,
            k => panic!("not an object: {k:?}"),
        }
    }

    #[test]
    fn short_tags_become_long_forms() {
        let text =
            "A: !Ref Foo\nB: !GetAtt Role.Arn\nC: !Sub\n  - 'x-${y}'\n  - y: 1\nD: !If [Cond, 1, !Ref AWS::NoValue]\n";
        let (root, notes) = parse(text).unwrap();
        let m = obj(&root);
        let a = obj(&m[0].value);
        assert_eq!(a[0].key, "Ref");
        assert_eq!(a[0].value.kind, Kind::Str(Cow::Borrowed("Foo")));
        assert_eq!(obj(&m[1].value)[0].key, "Fn::GetAtt");
        assert_eq!(obj(&m[2].value)[0].key, "Fn::Sub");
        assert!(matches!(obj(&m[2].value)[0].value.kind, Kind::Arr(_)));
        assert_eq!(obj(&m[3].value)[0].key, "Fn::If");
        assert_eq!(notes, Notes::default());
    }

    #[test]
    fn scalars_resolve_like_yaml_core() {
        let (root, _) = parse("a: 512\nb: '512'\nc: true\nd: ~\ne: 1.5\nf: us-east-1\ng: 0123\n").unwrap();
        let m = obj(&root);
        assert_eq!(m[0].value.kind, Kind::Num(Cow::Borrowed("512")));
        assert_eq!(m[1].value.kind, Kind::Str(Cow::Borrowed("512")));
        assert_eq!(m[2].value.kind, Kind::Bool(true));
        assert_eq!(m[3].value.kind, Kind::Null);
        assert_eq!(m[4].value.kind, Kind::Num(Cow::Borrowed("1.5")));
        assert_eq!(m[5].value.kind, Kind::Str(Cow::Borrowed("us-east-1")));
        assert_eq!(m[6].value.kind, Kind::Num(Cow::Borrowed("0123")));
    }

    #[test]
    fn offsets_are_bytes_even_after_non_ascii() {
        let text = "# 日本語のコメント\nKey: value\n";
        let (root, _) = parse(text).unwrap();
        let m = obj(&root);
        assert_eq!(m[0].key_off as usize, text.find("Key").unwrap());
        assert_eq!(m[0].value.off as usize, text.find("value").unwrap());
    }

    #[test]
    fn duplicate_keys_are_noted_and_the_last_wins() {
        let (root, notes) = parse("Resources:\n  A: 1\n  A: 2\n").unwrap();
        assert_eq!(notes.duplicate_keys.len(), 1);
        assert_eq!(notes.duplicate_keys[0].0, "A");
        let res = obj(&obj(&root)[0].value);
        assert_eq!(res.len(), 2);
    }

    #[test]
    fn aliases_expand_within_a_budget() {
        let (root, notes) = parse("a: &x {k: 1}\nb: *x\n").unwrap();
        assert_eq!(notes.aliases.len(), 1);
        assert!(matches!(obj(&root)[1].value.kind, Kind::Obj(_)));
        let mut lol = String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for i in 0..9 {
            let prev = (b'a' + i) as char;
            let next = (b'a' + i + 1) as char;
            lol.push_str(&format!(
                "{next}: &{next} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
            ));
        }
        let e = parse(&lol).unwrap_err();
        assert!(e.msg.contains("billion laughs"), "{}", e.msg);
    }

    #[test]
    fn bad_yaml_has_a_position() {
        let e = parse("Resources:\n  A: [a-z]*\n").unwrap_err();
        assert!(e.msg.starts_with("invalid YAML"), "{}", e.msg);
        let e = parse("a: b\n  c: d\n").unwrap_err();
        assert!(e.off > 0);
        let deep = "a: ".to_string() + &"[".repeat(1000) + &"]".repeat(1000);
        let e = parse(&deep).unwrap_err();
        assert!(e.msg.contains("nesting") || e.msg.contains("recursion"), "{}", e.msg);
    }

    #[test]
    fn unknown_tags_are_noted() {
        let (_, notes) = parse("a: !Frob x\n").unwrap();
        assert_eq!(notes.unknown_tags, vec![("!Frob".to_string(), 3)]);
    }
}
