//! Strict parsers that decide whether a text is valid: tree-sitter recovers from
//! errors, these do not. Used on every input and on every output before writing.

use super::Syntax;
use swc_common::{BytePos, Spanned};
use swc_ecma_parser::{lexer::Lexer, Parser, StringInput, Syntax as SwcSyntax, TsSyntax};

/// How many nodes a YAML document may stand for once its aliases are expanded.
/// Past this a template is a "billion laughs" bomb, not infrastructure code.
const MAX_YAML_EXPANSION: u64 = 1_000_000;

/// `Ok` when `source` parses strictly as `syntax`, else a one-line reason with line:column.
pub fn check(syntax: Syntax, source: &str) -> Result<(), String> {
    match syntax {
        Syntax::TypeScript => check_typescript(source),
        Syntax::Json => check_json(source),
        Syntax::Yaml => check_yaml(source),
    }
}

/// Deepest bracket nesting accepted in TypeScript: swc's recursive descent takes about
/// 10 KB of stack per level, so without a bound a 10,000-deep array would overflow it.
const MAX_TS_NESTING: usize = 1_000;

/// Stack of the thread swc runs on: room for `MAX_TS_NESTING` levels many times over
/// (reserved, not committed, until used).
const TS_PARSER_STACK: usize = 256 << 20;

fn check_typescript(source: &str) -> Result<(), String> {
    let depth = ts_nesting(source);
    if depth > MAX_TS_NESTING {
        return Err(format!(
            "nested too deeply ({depth} levels of brackets, the limit is {MAX_TS_NESTING}); refusing it"
        ));
    }
    std::thread::scope(|scope| {
        match std::thread::Builder::new()
            .name("iac-fix-swc".into())
            .stack_size(TS_PARSER_STACK)
            .spawn_scoped(scope, || check_typescript_here(source))
        {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            // No thread to be had: parse here (fine for any realistic nesting).
            Err(_) => check_typescript_here(source),
        }
    })
}

/// Deepest nesting of `(`, `[`, `{` (and `${` in templates) outside strings, comments,
/// template text and regular expression literals: a cheap upper bound of how deep
/// swc will recurse.
fn ts_nesting(source: &str) -> usize {
    let b = source.as_bytes();
    let (mut i, mut depth, mut max) = (0, 0usize, 0usize);
    // Depths at which a `}` returns into template text.
    let mut templates: Vec<usize> = Vec::new();
    let mut prev = b'(';
    let skip_quoted = |mut i: usize, q: u8| {
        while i < b.len() && b[i] != q && b[i] != b'\n' {
            i += if b[i] == b'\\' { 2 } else { 1 };
        }
        i + 1
    };
    // Template text from `i` (after the backtick or `}`): returns (next index, entered `${`).
    let skip_template = |mut i: usize| {
        while i < b.len() {
            match b[i] {
                b'\\' => i += 2,
                b'`' => return (i + 1, false),
                b'$' if b.get(i + 1) == Some(&b'{') => return (i + 2, true),
                _ => i += 1,
            }
        }
        (i, false)
    };
    while i < b.len() {
        let c = b[i];
        match c {
            b'"' | b'\'' => i = skip_quoted(i + 1, c),
            b'`' => {
                let (next, entered) = skip_template(i + 1);
                if entered {
                    templates.push(depth);
                    depth += 1;
                }
                i = next;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
            }
            b'/' if b"(,=:[!&|?{};+-*%<>~^".contains(&prev) => {
                // A regular expression literal: skip to its closing `/`.
                i += 1;
                let mut class = false;
                while i < b.len() && b[i] != b'\n' && (class || b[i] != b'/') {
                    match b[i] {
                        b'\\' => i += 1,
                        b'[' => class = true,
                        b']' => class = false,
                        _ => {}
                    }
                    i += 1;
                }
                i += 1;
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
                i += 1;
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                i += 1;
                if c == b'}' && templates.last() == Some(&depth) {
                    templates.pop();
                    let (next, entered) = skip_template(i);
                    if entered {
                        templates.push(depth);
                        depth += 1;
                    }
                    i = next;
                }
            }
            _ => i += 1,
        }
        if let Some(&p) = b.get(i.saturating_sub(1)) {
            if !p.is_ascii_whitespace() {
                prev = p;
            }
        }
    }
    max
}

fn check_typescript_here(source: &str) -> Result<(), String> {
    let end = BytePos(1 + source.len() as u32);
    let lexer = Lexer::new(
        SwcSyntax::Typescript(TsSyntax {
            decorators: true,
            ..Default::default()
        }),
        Default::default(),
        StringInput::new(source, BytePos(1), end),
        None,
    );
    let mut parser = Parser::new_from(lexer);
    let result = parser.parse_module();
    let recovered = parser.take_errors();
    let first = match result {
        Err(e) => Some(e),
        Ok(_) => recovered.into_iter().next(),
    };
    match first {
        None => Ok(()),
        Some(e) => {
            let at = (e.span().lo.0 as usize).saturating_sub(1);
            let (line, col) = crate::edit::line_col(source, at);
            Err(format!(
                "TypeScript syntax error at {line}:{col}: {}",
                e.kind().msg()
            ))
        }
    }
}

fn check_json(source: &str) -> Result<(), String> {
    let text = source.strip_prefix('\u{feff}').unwrap_or(source);
    serde_json::from_str::<NoDuplicateKeys>(text)
        .map(|_| ())
        .map_err(|e| format!("JSON syntax error: {e}"))
}

/// A JSON value read only to check it: an object with the same key twice is an error
/// (`JSON.parse` and `json.loads` keep the last one, so a fix to the first is lost;
/// cfn-lint reports E0000).
struct NoDuplicateKeys;

impl<'de> serde::Deserialize<'de> for NoDuplicateKeys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NoDuplicateKeys)
    }
}

impl<'de> serde::de::Visitor<'de> for NoDuplicateKeys {
    type Value = NoDuplicateKeys;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_unit<E>(self) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self, A::Error> {
        while seq.next_element::<NoDuplicateKeys>()?.is_some() {}
        Ok(self)
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self, A::Error> {
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if !seen.insert(key.to_string()) {
                return Err(serde::de::Error::custom(format_args!(
                    "duplicate key {key:?}"
                )));
            }
            map.next_value::<NoDuplicateKeys>()?;
        }
        Ok(self)
    }
}

/// [`check`] of `parsed.source`, reusing its syntax tree where the check needs one (the
/// YAML flow-indentation fallback, see [`flow_lines_indented`]) instead of parsing the
/// text again. Same result and reason as [`check`]; `parsed` must be the tree of its
/// source that [`super::Parsed::new`] gives (a [`super::Parsed::reparse`] is).
pub fn check_parsed(parsed: &super::Parsed) -> Result<(), String> {
    match parsed.syntax {
        Syntax::Yaml => check_yaml_with(&parsed.source, Some(parsed)),
        syntax => check(syntax, &parsed.source),
    }
}

fn check_yaml(source: &str) -> Result<(), String> {
    check_yaml_with(source, None)
}

/// [`check_yaml`]; `tree`: the tree of `source`, when the caller has it.
fn check_yaml_with(source: &str, tree: Option<&super::Parsed>) -> Result<(), String> {
    let strict = check_yaml_strict(source);
    if strict.is_err() {
        // CloudFormation, PyYAML and cfn-lint read flow collections whose continuation
        // lines (often the closing `]`/`}`) sit at or left of their key's indentation;
        // saphyr, following the YAML 1.2 letter, does not. Leading blanks inside a flow
        // collection carry no meaning, so the same text with those lines indented
        // further stands for the same data: check that instead.
        if let Some(shadow) = flow_lines_indented(source, tree) {
            if check_yaml_strict(&shadow).is_ok() {
                return Ok(());
            }
        }
    }
    strict
}

/// `source` with every continuation line of a multi-line flow collection indented past
/// the line the collection starts on; `None` when there is none (or the text is not one
/// tree-sitter-yaml reads safely and completely). `tree`: the tree of `source`, if the
/// caller has it (else it is parsed here).
fn flow_lines_indented(source: &str, tree: Option<&super::Parsed>) -> Option<String> {
    if crate::files::has_lone_cr(source)
        || super::yaml_indent_depth(source) > crate::files::MAX_YAML_INDENT_LEVELS
        || source.lines().count() > crate::files::MAX_YAML_LINES
    {
        return None;
    }
    let own;
    let parsed = match tree {
        Some(p) if p.syntax == Syntax::Yaml && p.source == source => p,
        _ => {
            own = super::Parsed::new(Syntax::Yaml, source.to_string());
            &own
        }
    };
    if parsed.root().has_error() {
        return None;
    }
    // Extra indentation per line (0-based row).
    let mut extra: std::collections::BTreeMap<usize, usize> = Default::default();
    for node in super::descendants(parsed.root()) {
        if !matches!(node.kind(), "flow_sequence" | "flow_mapping") {
            continue;
        }
        let (first, last) = (node.start_position().row, node.end_position().row);
        if first == last {
            continue;
        }
        // Past the opening bracket: deeper than any block level it belongs to.
        let base = node.start_position().column;
        for row in first + 1..=last {
            let e = extra.entry(row).or_default();
            *e = (*e).max(base + 1);
        }
    }
    if extra.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(source.len() + extra.len() * 8);
    for (row, line) in source.split_inclusive('\n').enumerate() {
        if let Some(&n) = extra.get(&row) {
            out.extend(std::iter::repeat_n(' ', n));
        }
        out.push_str(line);
    }
    Some(out)
}

fn check_yaml_strict(source: &str) -> Result<(), String> {
    let mut parser = saphyr_parser::Parser::new_from_str(source);
    let mut strict = StrictYaml::default();
    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|e| yaml_error(&e))?;
        strict.event(&event, &span)?;
    }
    Ok(())
}

/// [`check_yaml_strict`] for the tests of other modules.
#[cfg(test)]
pub(crate) fn check_yaml_strict_for_tests(source: &str) -> Result<(), String> {
    check_yaml_strict(source)
}

/// The reason [`check`] gives for a YAML syntax error.
pub(crate) fn yaml_error(e: &saphyr_parser::ScanError) -> String {
    let m = e.marker();
    format!(
        "YAML syntax error at {}:{}: {}",
        m.line(),
        m.col() + 1,
        e.info()
    )
}

/// The strict YAML check beyond syntax, fed one event at a time (so that the write
/// guard can read a template as data from the same events, see
/// [`super::cfn_digest::Digest::read_checked`]): duplicate keys and alias bombs.
#[derive(Default)]
pub(crate) struct StrictYaml {
    /// Size of each anchored node, so an alias counts for what it would expand to.
    anchor_sizes: std::collections::HashMap<usize, u64>,
    /// Open collections: (anchor id, node count so far).
    open: Vec<(usize, u64)>,
    /// Nodes that aliases add (a long template without aliases is fine).
    expanded: u64,
    /// Per open collection: `Some` for a mapping: the next node is a key, keys seen.
    keys: Vec<Option<(bool, fnv::FnvHashSet<String>)>>,
}

impl StrictYaml {
    /// `Err(reason)` when `event` makes the text one [`check`] refuses.
    pub(crate) fn event(
        &mut self,
        event: &saphyr_parser::Event,
        span: &saphyr_parser::Span,
    ) -> Result<(), String> {
        use saphyr_parser::Event;
        // A node in a mapping alternates key, value; the same plain key twice is an error
        // (PyYAML's loader and cfn-lint refuse it; other loaders keep the last one).
        if matches!(
            event,
            Event::Scalar(..)
                | Event::Alias(_)
                | Event::SequenceStart(..)
                | Event::MappingStart(..)
        ) {
            if let Some(Some((is_key, seen))) = self.keys.last_mut() {
                if *is_key {
                    if let Event::Scalar(value, ..) = event {
                        if !seen.insert(value.to_string()) {
                            return Err(format!(
                                "duplicate key {:?} at {}:{}",
                                value.as_ref(),
                                span.start.line(),
                                span.start.col() + 1
                            ));
                        }
                    }
                }
                *is_key = !*is_key;
            }
        }
        match event {
            Event::SequenceStart(..) => self.keys.push(None),
            Event::MappingStart(..) => self.keys.push(Some((true, Default::default()))),
            Event::SequenceEnd | Event::MappingEnd => {
                self.keys.pop();
            }
            _ => {}
        }
        let size = match event {
            Event::Scalar(_, _, anchor, _) => {
                if *anchor > 0 {
                    self.anchor_sizes.insert(*anchor, 1);
                }
                1
            }
            Event::Alias(id) => {
                let size = self.anchor_sizes.get(id).copied().unwrap_or(1);
                self.expanded = self.expanded.saturating_add(size);
                size
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                self.open.push((*anchor, 1));
                return Ok(());
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (anchor, size) = self.open.pop().unwrap_or((0, 1));
                if anchor > 0 {
                    self.anchor_sizes.insert(anchor, size);
                }
                size
            }
            _ => return Ok(()),
        };
        if let Some((_, count)) = self.open.last_mut() {
            *count = count.saturating_add(size);
        }
        if self.expanded > MAX_YAML_EXPANSION {
            return Err(format!(
                "YAML aliases expand to more than {MAX_YAML_EXPANSION} nodes (a \"billion laughs\" document); refusing it"
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typescript_errors_have_positions() {
        assert!(check(
            Syntax::TypeScript,
            "const a: number = 1;\nclass A { @dec() m() {} }"
        )
        .is_ok());
        let err = check(Syntax::TypeScript, "const a = {\n  b: 1,\n").unwrap_err();
        assert!(err.contains("TypeScript syntax error"), "{err}");
    }

    #[test]
    fn typescript_nesting_is_bounded() {
        assert_eq!(ts_nesting("f([{a: '(((', b: /[)]/}])"), 3);
        assert_eq!(ts_nesting("x = `a${ [1] }b${ '{' }` // (((\n/* [[ */"), 2);
        let deep = format!("x = {}1{};", "[".repeat(5_000), "]".repeat(5_000));
        let err = check(Syntax::TypeScript, &deep).unwrap_err();
        assert!(err.contains("nested too deeply"), "{err}");
        let ok = format!("x = {}1{};", "[".repeat(500), "]".repeat(500));
        assert!(check(Syntax::TypeScript, &ok).is_ok());
    }

    #[test]
    fn json_must_be_complete() {
        assert!(check(Syntax::Json, "{\"a\": [1, 2]}").is_ok());
        assert!(check(Syntax::Json, "{\"a\": [1, 2]").is_err());
    }

    #[test]
    fn yaml_accepts_cloudformation_tags() {
        assert!(check(
            Syntax::Yaml,
            "A: !Ref B\nC: !GetAtt D.Arn\nE: !Sub\n  - x\n  - {}\n"
        )
        .is_ok());
        assert!(check(Syntax::Yaml, "A: [1, 2\n").is_err());
    }

    #[test]
    fn flow_collections_closed_at_the_key_indentation_are_read() {
        // As CloudFormation, PyYAML and cfn-lint read them.
        let ok = [
            "A:\n  Action: [\n    \"a\",\n    \"b\",\n  ]\n  B: 1\n",
            "A:\n  S: {\"x\": 1,\n    \"y\": [1,\n      2]\n  }\n  T: 1\n",
            "A:\n  - !Sub [\n    \"${x}\",\n    {x: !Ref Y}\n  ]\n",
        ];
        for text in ok {
            assert!(
                check(Syntax::Yaml, text).is_ok(),
                "{text}: {:?}",
                check(Syntax::Yaml, text)
            );
        }
        // What they refuse stays refused.
        for text in [
            "A:\n  Action: [\n    a,\n  B: 1\n",
            "A: [1, 2\nB: 3\n",
            "A:\n  B: {a: 1\n  C: 2\n",
        ] {
            assert!(check(Syntax::Yaml, text).is_err(), "{text}");
        }
    }

    /// The check on a tree already parsed gives what the check of the text gives, the
    /// flow-indentation fallback (which reads the tree) included.
    #[test]
    fn check_parsed_agrees_with_check() {
        for text in [
            "A:\n  Action: [\n    \"a\",\n    \"b\",\n  ]\n  B: 1\n",
            "A:\n  Action: [\n    a,\n  B: 1\n",
            "A:\n  B: 1\n  B: 2\n",
            "A: !Ref B\n",
        ] {
            let parsed = super::super::Parsed::new(Syntax::Yaml, text.to_string());
            assert_eq!(check_parsed(&parsed), check(Syntax::Yaml, text), "{text}");
        }
        let json = super::super::Parsed::new(Syntax::Json, "{\"a\": 1, \"a\": 2}".into());
        assert_eq!(check_parsed(&json), check(Syntax::Json, &json.source));
    }

    #[test]
    fn duplicate_keys_are_refused() {
        let err = check(Syntax::Yaml, "A:\n  B: 1\n  C: [1, {D: 2, D: 3}]\n").unwrap_err();
        assert!(err.contains("duplicate key \"D\" at 3:17"), "{err}");
        let err = check(Syntax::Yaml, "A:\n  B: 1\n  B: 2\n").unwrap_err();
        assert!(err.contains("duplicate key \"B\" at 3:3"), "{err}");
        // The same key in different mappings, and a value equal to a key, are fine.
        assert!(check(Syntax::Yaml, "A: {B: B}\nC: {B: 1}\nD: [B, B]\n").is_ok());
        let err = check(Syntax::Json, "{\"A\": {\"B\": 1, \"B\": 2}}").unwrap_err();
        assert!(err.contains("duplicate key \"B\""), "{err}");
        assert!(check(
            Syntax::Json,
            "{\"A\": {\"B\": 1}, \"C\": {\"B\": [{\"B\": 1}]}}"
        )
        .is_ok());
    }

    #[test]
    fn yaml_billion_laughs_is_refused() {
        let mut doc = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for name in "bcdefghij".chars() {
            doc.push_str(&format!("{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
            prev = name;
        }
        let err = check(Syntax::Yaml, &doc).unwrap_err();
        assert!(err.contains("billion laughs"), "{err}");
        // Only what aliases add counts: a long document without them is read.
        let long = "- 1\n".repeat(MAX_YAML_EXPANSION as usize + 10);
        assert!(check(Syntax::Yaml, &long).is_ok());
    }
}
