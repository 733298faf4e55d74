//! Text embedded in string literals of a host file — JSON in a CloudFormation string, in a
//! YAML block scalar, in a TypeScript string or template literal — decoded, with a map from
//! every decoded byte back to the host, so that insertions computed on the decoded text
//! (for instance with `MapNode` on a `Parsed` of it) become host edits with the host's
//! escaping and indentation.

use super::mapping::ValueNode;
use super::{named_children, Parsed, Syntax};
use crate::edit::Edit;

/// How one piece of the host spells its string.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    /// JSON string (and YAML double-quoted scalar): backslash escapes, no raw newline.
    Json,
    /// YAML single-quoted scalar: `''` for `'`, no raw newline.
    YamlSingle,
    /// YAML literal block scalar (`|`, `|-`, `|+`): lines indented by `indent`.
    YamlBlock { indent: String },
    /// TypeScript string literal with its quote.
    TsString(char),
    /// TypeScript template literal (substitutions stand as placeholders).
    TsTemplate,
}

/// Decoded text plus the way back to the host.
#[derive(Debug)]
pub struct Embedded {
    pub text: String,
    /// Per decoded byte (and one past the end): host offset and piece, `None` where the byte
    /// has no host spelling (placeholders, separators, inside a multi-byte character).
    offsets: Vec<Option<(usize, usize)>>,
    pieces: Vec<Piece>,
    prev_was_piece: bool,
    last_end: Option<(usize, usize)>,
}

impl Embedded {
    fn empty() -> Embedded {
        Embedded {
            text: String::new(),
            offsets: Vec::new(),
            pieces: Vec::new(),
            prev_was_piece: false,
            last_end: None,
        }
    }

    /// One string value: JSON string, YAML quoted or literal block scalar, TS string or
    /// template literal. TS template substitutions stand as `placeholder`.
    pub fn from_value(value: &ValueNode, placeholder: &str) -> Option<Embedded> {
        let mut e = Embedded::empty();
        e.push_value(value, placeholder)?;
        e.finish();
        Some(e)
    }

    /// Several values joined with `sep` (CloudFormation `Fn::Join`); values that are not
    /// strings (intrinsics) stand as `placeholder`.
    pub fn join(values: &[ValueNode], sep: &str, placeholder: &str) -> Option<Embedded> {
        let mut e = Embedded::empty();
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                e.push_synthetic(sep);
            }
            if e.push_value(v, placeholder).is_none() {
                if v.as_str().is_some() && v.tag.is_none() {
                    return None; // a string we cannot map back: give up rather than guess
                }
                e.push_synthetic(placeholder);
            }
        }
        e.finish();
        Some(e)
    }

    /// The host offset of decoded byte `inner`, when it has one.
    pub fn host_offset(&self, inner: usize) -> Option<usize> {
        self.offsets.get(inner).copied().flatten().map(|(o, _)| o)
    }

    /// Host edits for insertions into the decoded text; `None` when one is not an insertion
    /// or lands where the host has no spelling for it.
    pub fn host_edits(&self, edits: &[Edit]) -> Option<Vec<Edit>> {
        edits
            .iter()
            .map(|e| {
                if !e.range.is_empty() {
                    return None;
                }
                let (at, piece) = self.offsets.get(e.range.start).copied().flatten()?;
                Some(Edit::insert(at, encode(&self.pieces[piece], &e.text)?))
            })
            .collect()
    }

    fn finish(&mut self) {
        let end = if self.prev_was_piece {
            self.last_end
        } else {
            None
        };
        self.offsets.push(end);
    }

    fn push_synthetic(&mut self, text: &str) {
        for (i, _) in text.bytes().enumerate() {
            let at = if i == 0 && self.prev_was_piece {
                self.last_end
            } else {
                None
            };
            self.offsets.push(at);
        }
        self.text.push_str(text);
        self.prev_was_piece = false;
    }

    fn push_char(&mut self, c: char, at: usize, piece: usize) {
        self.text.push(c);
        self.offsets.push(Some((at, piece)));
        for _ in 1..c.len_utf8() {
            self.offsets.push(None);
        }
    }

    /// Decode one host string and append it; `None` (nothing appended) when unsupported.
    fn push_value(&mut self, value: &ValueNode, placeholder: &str) -> Option<()> {
        let doc = value.doc;
        let node = value.node;
        let raw = &doc.source[node.byte_range()];
        let start = node.start_byte();
        let (piece, chars) = match (doc.syntax, node.kind()) {
            (Syntax::Json, "string") | (Syntax::Yaml, "double_quote_scalar") => {
                (Piece::Json, decode_backslash(raw, start, false)?)
            }
            (Syntax::Yaml, "single_quote_scalar") => {
                (Piece::YamlSingle, decode_single(raw, start)?)
            }
            (Syntax::Yaml, "block_scalar") => decode_block(doc, node)?,
            (Syntax::TypeScript, "string") => {
                let q = raw.chars().next()?;
                (Piece::TsString(q), decode_backslash(raw, start, true)?)
            }
            (Syntax::TypeScript, "template_string") => {
                let subs: Vec<(usize, usize)> = named_children(node)
                    .into_iter()
                    .filter(|c| c.kind() == "template_substitution")
                    .map(|c| (c.start_byte(), c.end_byte()))
                    .collect();
                (
                    Piece::TsTemplate,
                    decode_template(raw, start, &subs, placeholder)?,
                )
            }
            _ => return None,
        };
        let idx = self.pieces.len();
        self.pieces.push(piece);
        for (c, at) in chars {
            match at {
                Some(at) => self.push_char(c, at, idx),
                None => {
                    self.text.push(c);
                    self.offsets.extend((0..c.len_utf8()).map(|_| None));
                }
            }
        }
        // The end of this piece's content: before its closing delimiter.
        let content_end = match &self.pieces[idx] {
            Piece::YamlBlock { .. } => doc.trim_back(node.end_byte()),
            _ => node.end_byte() - 1,
        };
        self.last_end = Some((content_end, idx));
        self.prev_was_piece = true;
        Some(())
    }
}

type Decoded = Vec<(char, Option<usize>)>;

/// `"…"`/`'…'` with backslash escapes; `ts` allows TS escapes and line continuations.
fn decode_backslash(raw: &str, start: usize, ts: bool) -> Option<Decoded> {
    let inner = raw.get(1..raw.len().checked_sub(1)?)?;
    let mut out = Vec::new();
    let mut it = inner.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        let at = start + 1 + i;
        if c == '\n' || c == '\r' {
            return None;
        }
        if c != '\\' {
            out.push((c, Some(at)));
            continue;
        }
        let (_, e) = it.next()?;
        let decoded = match e {
            '"' | '\\' | '/' => e,
            '\'' | '`' | '$' if ts => e,
            'b' => '\u{8}',
            'f' => '\u{c}',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'v' if ts => '\u{b}',
            '0' if ts && it.peek().is_none_or(|(_, n)| !n.is_ascii_digit()) => '\0',
            'u' if !ts => {
                let hex: String = (0..4).filter_map(|_| it.next().map(|(_, h)| h)).collect();
                let code = u32::from_str_radix(&hex, 16).ok()?;
                if (0xD800..0xDC00).contains(&code) {
                    // A surrogate pair: `\uD83D\uDE00`.
                    let (_, b) = it.next()?;
                    let (_, u) = it.next()?;
                    let low: String = (0..4).filter_map(|_| it.next().map(|(_, h)| h)).collect();
                    let low = u32::from_str_radix(&low, 16).ok()?;
                    (b == '\\' && u == 'u' && (0xDC00..0xE000).contains(&low)).then_some(())?;
                    char::from_u32(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00))?
                } else {
                    char::from_u32(code)?
                }
            }
            _ => return None,
        };
        out.push((decoded, Some(at)));
    }
    Some(out)
}

fn decode_single(raw: &str, start: usize) -> Option<Decoded> {
    let inner = raw.get(1..raw.len().checked_sub(1)?)?;
    let mut out = Vec::new();
    let mut it = inner.char_indices();
    while let Some((i, c)) = it.next() {
        if c == '\n' || c == '\r' {
            return None;
        }
        if c == '\'' {
            it.next()?; // `''`
        }
        out.push((c, Some(start + 1 + i)));
    }
    Some(out)
}

fn decode_template(
    raw: &str,
    start: usize,
    subs: &[(usize, usize)],
    placeholder: &str,
) -> Option<Decoded> {
    let mut out = Vec::new();
    let end = start + raw.len() - 1;
    let mut pos = start + 1;
    let src_at = |p: usize| raw[p - start..].chars().next();
    while pos < end {
        if let Some(&(_, sub_end)) = subs.iter().find(|(s, _)| *s == pos) {
            // Insertions before the substitution go before its `${`.
            out.extend(
                placeholder
                    .chars()
                    .enumerate()
                    .map(|(i, c)| (c, (i == 0).then_some(pos))),
            );
            pos = sub_end;
            continue;
        }
        let c = src_at(pos)?;
        if c == '\\' {
            let e = src_at(pos + 1)?;
            let decoded = match e {
                '\\' | '`' | '$' | '"' | '\'' | '/' => e,
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                _ => return None,
            };
            out.push((decoded, Some(pos)));
            pos += 1 + e.len_utf8();
            continue;
        }
        out.push((c, Some(pos)));
        pos += c.len_utf8();
    }
    Some(out)
}

/// A literal block scalar: its content lines without the block's indentation.
fn decode_block(doc: &Parsed, node: tree_sitter::Node) -> Option<(Piece, Decoded)> {
    let start = node.start_byte();
    let end = doc.trim_back(node.end_byte());
    let text = &doc.source[start..end];
    let header_len = text.find('\n')?;
    let header = text[..header_len].trim_end_matches('\r');
    let header = header.split('#').next().unwrap_or("").trim();
    // Literal style only, no explicit indentation indicator.
    if !matches!(header, "|" | "|-" | "|+") {
        return None;
    }
    let body_start = start + header_len + 1;
    let body = &doc.source[body_start..end];
    let indent: String = body
        .split('\n')
        .find(|l| !l.trim().is_empty())?
        .chars()
        .take_while(|c| *c == ' ')
        .collect();
    let mut out = Vec::new();
    let mut line_start = body_start;
    for (n, line) in body.split('\n').enumerate() {
        if n > 0 {
            out.push(('\n', Some(line_start - 1)));
        }
        let skip = if line.len() >= indent.len() && line.starts_with(indent.as_str()) {
            indent.len()
        } else if line.trim().is_empty() {
            line.len()
        } else {
            return None; // less indented content: not one block
        };
        for (i, c) in line[skip..].char_indices() {
            out.push((c, Some(line_start + skip + i)));
        }
        line_start += line.len() + 1;
    }
    Some((Piece::YamlBlock { indent }, out))
}

/// `text` spelled inside `piece`.
fn encode(piece: &Piece, text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len() + 8);
    match piece {
        Piece::Json => {
            for c in text.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                    c => out.push(c),
                }
            }
        }
        Piece::YamlSingle => {
            if text.contains(['\n', '\r']) {
                return None;
            }
            out = text.replace('\'', "''");
        }
        Piece::YamlBlock { indent } => {
            for c in text.chars() {
                out.push(c);
                if c == '\n' {
                    out.push_str(indent);
                }
            }
        }
        Piece::TsString(q) => {
            for c in text.chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    c if c == *q => {
                        out.push('\\');
                        out.push(c);
                    }
                    c => out.push(c),
                }
            }
        }
        Piece::TsTemplate => {
            let mut chars = text.chars().peekable();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '`' => out.push_str("\\`"),
                    '$' if chars.peek() == Some(&'{') => out.push_str("\\$"),
                    c => out.push(c),
                }
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::apply_edits;
    use crate::lang::descendants;

    fn first<'a>(doc: &'a Parsed, kinds: &[&str]) -> ValueNode<'a> {
        let n = descendants(doc.root())
            .into_iter()
            .find(|n| kinds.contains(&n.kind()))
            .unwrap();
        ValueNode::new(doc, n)
    }

    fn insert_after(e: &Embedded, needle: &str, text: &str) -> Vec<Edit> {
        let at = e.text.find(needle).unwrap() + needle.len();
        e.host_edits(&[Edit::insert(at, text)]).unwrap()
    }

    #[test]
    fn json_string_round_trip() {
        let src = r#"{"A": "{\n  \"B\": \"x\\y\"\n}"}"#;
        let doc = Parsed::new(Syntax::Json, src.into());
        let v = first(&doc, &["string"]);
        let v = ValueNode::new(
            &doc,
            v.node
                .parent()
                .unwrap()
                .child_by_field_name("value")
                .unwrap(),
        );
        let e = Embedded::from_value(&v, "0").unwrap();
        assert_eq!(e.text, "{\n  \"B\": \"x\\y\"\n}");
        let edits = insert_after(&e, "\"x\\y\"", ",\n  \"C\": 1");
        let out = apply_edits(src, &edits.iter().collect::<Vec<_>>());
        assert_eq!(out, r#"{"A": "{\n  \"B\": \"x\\y\",\n  \"C\": 1\n}"}"#);
    }

    #[test]
    fn yaml_block_scalar_reindents() {
        let src = "A: !Sub |\n  {\n    \"B\": 1\n  }\nC: 2\n";
        let doc = Parsed::new(Syntax::Yaml, src.into());
        let v = first(&doc, &["block_scalar"]);
        let e = Embedded::from_value(&v, "0").unwrap();
        assert_eq!(e.text, "{\n  \"B\": 1\n}");
        let edits = insert_after(&e, "1", ",\n  \"C\": 2");
        let out = apply_edits(src, &edits.iter().collect::<Vec<_>>());
        assert_eq!(
            out,
            "A: !Sub |\n  {\n    \"B\": 1,\n    \"C\": 2\n  }\nC: 2\n"
        );
    }

    #[test]
    fn ts_template_and_string() {
        let src = "const a = `{\"R\": \"${x.arn}\", \"B\": 1}`;\nconst b = '{\"B\": 1}';\n";
        let doc = Parsed::new(Syntax::TypeScript, src.into());
        let v = first(&doc, &["template_string"]);
        let e = Embedded::from_value(&v, "0").unwrap();
        assert_eq!(e.text, "{\"R\": \"0\", \"B\": 1}");
        let edits = insert_after(&e, "1", ", \"C\": \"`\"");
        let out = apply_edits(src, &edits.iter().collect::<Vec<_>>());
        assert!(out.contains("\"B\": 1, \"C\": \"\\`\"}`"), "{out}");
        let v = first(&doc, &["string"]);
        let e = Embedded::from_value(&v, "0").unwrap();
        let edits = insert_after(&e, "1", ", \"C\": \"'\"");
        let out = apply_edits(src, &edits.iter().collect::<Vec<_>>());
        assert!(out.contains(r#"'{"B": 1, "C": "\'"}'"#), "{out}");
    }

    #[test]
    fn join_maps_pieces_and_placeholders() {
        let src = "[\"{\\\"R\\\": \\\"\", {\"Ref\": \"X\"}, \"\\\", \\\"B\\\": 1}\"]";
        let doc = Parsed::new(Syntax::Json, src.into());
        let list = super::super::mapping::ListNode {
            doc: &doc,
            node: descendants(doc.root())
                .into_iter()
                .find(|n| n.kind() == "array")
                .unwrap(),
        };
        let e = Embedded::join(&list.items(), "", "0").unwrap();
        assert_eq!(e.text, "{\"R\": \"0\", \"B\": 1}");
        let edits = insert_after(&e, "1", ", \"C\": 2");
        let out = apply_edits(src, &edits.iter().collect::<Vec<_>>());
        assert_eq!(
            out,
            "[\"{\\\"R\\\": \\\"\", {\"Ref\": \"X\"}, \"\\\", \\\"B\\\": 1, \\\"C\\\": 2}\"]"
        );
        let e = Embedded::join(&list.items(), "", "00").unwrap();
        let inside = e.text.find("00").unwrap() + 1;
        assert!(e.host_edits(&[Edit::insert(inside, "x")]).is_none());
    }
}
