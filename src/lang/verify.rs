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
    serde_json::from_str::<serde::de::IgnoredAny>(text)
        .map(|_| ())
        .map_err(|e| format!("JSON syntax error: {e}"))
}

fn check_yaml(source: &str) -> Result<(), String> {
    use saphyr_parser::{Event, Parser};
    let mut parser = Parser::new_from_str(source);
    // Size of each anchored node, so an alias counts for what it would expand to.
    let mut anchor_sizes: std::collections::HashMap<usize, u64> = Default::default();
    // Open collections: (anchor id, node count so far).
    let mut open: Vec<(usize, u64)> = Vec::new();
    // Nodes that aliases add (a long template without aliases is fine).
    let mut expanded: u64 = 0;
    while let Some(next) = parser.next_event() {
        let (event, _span) = next.map_err(|e| {
            let m = e.marker();
            format!(
                "YAML syntax error at {}:{}: {}",
                m.line(),
                m.col() + 1,
                e.info()
            )
        })?;
        let size = match event {
            Event::Scalar(_, _, anchor, _) => {
                if anchor > 0 {
                    anchor_sizes.insert(anchor, 1);
                }
                1
            }
            Event::Alias(id) => {
                let size = anchor_sizes.get(&id).copied().unwrap_or(1);
                expanded = expanded.saturating_add(size);
                size
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                open.push((anchor, 1));
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (anchor, size) = open.pop().unwrap_or((0, 1));
                if anchor > 0 {
                    anchor_sizes.insert(anchor, size);
                }
                size
            }
            _ => continue,
        };
        if let Some((_, count)) = open.last_mut() {
            *count = count.saturating_add(size);
        }
        if expanded > MAX_YAML_EXPANSION {
            return Err(format!(
                "YAML aliases expand to more than {MAX_YAML_EXPANSION} nodes (a \"billion laughs\" document); refusing it"
            ));
        }
    }
    Ok(())
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
