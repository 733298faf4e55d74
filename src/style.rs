//! The file's own habits, inferred once, so inserted text looks like its neighbours.

/// Formatting habits of one file.
#[derive(Clone, Debug)]
pub struct Style {
    /// `"\r\n"` when most lines end so, else `"\n"`.
    pub newline: &'static str,
    /// One level of indentation (`"  "`, `"    "` or `"\t"`).
    pub indent: String,
    /// `'` or `"` for TypeScript string literals and quoted YAML scalars.
    pub quote: char,
    /// TypeScript: multi-line object literals end their last property with a comma.
    pub trailing_comma: bool,
    /// TypeScript: statements end with `;`.
    pub semicolons: bool,
    /// YAML: sequences nested under a key are indented (`key:\n  - a`) rather than flush.
    pub indented_sequences: bool,
    /// YAML: the file writes intrinsics as short-form tags (`!Ref X`).
    pub short_tags: bool,
}

impl Style {
    /// The habits of `source` (`yaml`: the file is YAML, which prefers single quotes
    /// when the counts tie). One scan of the lines; every habit is a majority vote, with
    /// the defaults two spaces, `\n`, trailing commas and semicolons on ties or no
    /// evidence.
    pub fn infer(source: &str, yaml: bool) -> Style {
        let bytes = source.as_bytes();
        let crlf = memchr::memmem::find_iter(bytes, b"\r\n").count();
        let lf = memchr::memchr_iter(b'\n', bytes).count();
        let newline = if crlf * 2 > lf { "\r\n" } else { "\n" };
        let mut lines = Lines::default();
        for line in source.lines() {
            lines.add(line);
        }
        Style {
            newline,
            indent: lines.indent(),
            quote: infer_quote(source, yaml),
            trailing_comma: lines.comma_with >= lines.comma_without,
            semicolons: lines.semicolon_with >= lines.semicolon_without,
            indented_sequences: lines.indented >= lines.flush,
            short_tags: source.contains("!Ref")
                || source.contains("!Sub")
                || source.contains("!GetAtt"),
        }
    }

    /// `n` levels of indentation.
    pub fn indent_n(&self, n: usize) -> String {
        self.indent.repeat(n)
    }
}

fn leading_ws(line: &str) -> &str {
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

/// The votes of every line, counted in one scan (see [`Lines::add`]).
#[derive(Default)]
struct Lines<'a> {
    /// Indentation: lines indented with a tab first, with spaces.
    tabs: usize,
    spaces: usize,
    /// How often each positive step of 1–8 columns between consecutive non-blank lines
    /// occurs.
    deltas: [usize; 9],
    prev_width: usize,
    /// Trailing commas: a line ending `,` (with) or a value (without) before a closing
    /// `}` / `]` line; `prev_code` is the last line that is not blank nor a `//` comment,
    /// trimmed.
    comma_with: usize,
    comma_without: usize,
    prev_code: Option<&'a str>,
    /// Semicolons: statement-like lines ending `;` (with) or `)` / an import's quote
    /// (without).
    semicolon_with: usize,
    semicolon_without: usize,
    /// YAML sequences under a `key:` line: indented deeper than the key, or flush.
    indented: usize,
    flush: usize,
    /// The last line that is not blank nor a `#` comment.
    prev_yaml: Option<&'a str>,
}

impl<'a> Lines<'a> {
    fn add(&mut self, line: &'a str) {
        let t = line.trim();
        // Semicolons: every line.
        let code = strip_line_comment(line).trim_end();
        if code.ends_with(';') {
            self.semicolon_with += 1;
        } else if code.ends_with(')')
            || (code.starts_with("import ") && (code.ends_with('\'') || code.ends_with('"')))
        {
            self.semicolon_without += 1;
        }
        if t.is_empty() {
            return;
        }
        // Indentation: non-blank lines.
        let ws = leading_ws(line);
        if ws.starts_with('\t') {
            self.tabs += 1;
        } else if !ws.is_empty() {
            self.spaces += 1;
        }
        let width = ws.len();
        if width > self.prev_width && width - self.prev_width <= 8 && !ws.contains('\t') {
            self.deltas[width - self.prev_width] += 1;
        }
        self.prev_width = width;
        // Trailing commas: lines that are not `//` comments.
        if !t.starts_with("//") {
            if t.starts_with('}') || t.starts_with(']') {
                if let Some(p) = self.prev_code {
                    let p = strip_line_comment(p).trim_end();
                    if p.ends_with(',') {
                        self.comma_with += 1;
                    } else if !p.ends_with(['{', '[', '(', ';', '}']) {
                        // A `;` or `}` line before a `}` closes a block, not an object.
                        self.comma_without += 1;
                    }
                }
            }
            self.prev_code = Some(t);
        }
        // YAML sequences: lines that are not `#` comments.
        let start = line.trim_start();
        if !start.starts_with('#') {
            if start.starts_with("- ") || t == "-" {
                if let Some(p) = self.prev_yaml {
                    if p.trim_end().ends_with(':') {
                        if leading_ws(line).len() > leading_ws(p).len() {
                            self.indented += 1;
                        } else {
                            self.flush += 1;
                        }
                    }
                }
            }
            self.prev_yaml = Some(line);
        }
    }

    /// The most common positive difference between the indentation of consecutive
    /// lines (two spaces on a tie with 2 or without evidence; a tab when more lines
    /// start with a tab than with spaces).
    fn indent(&self) -> String {
        if self.tabs > self.spaces {
            return "\t".into();
        }
        let best = (1..=8)
            .max_by_key(|&d| (self.deltas[d], d == 2))
            .filter(|&d| self.deltas[d] > 0)
            .unwrap_or(2);
        " ".repeat(best)
    }
}

fn infer_quote(source: &str, yaml: bool) -> char {
    let single = memchr::memchr_iter(b'\'', source.as_bytes()).count();
    let double = memchr::memchr_iter(b'"', source.as_bytes()).count();
    if yaml {
        if single >= double {
            '\''
        } else {
            '"'
        }
    } else if double > single {
        '"'
    } else {
        '\''
    }
}

/// The line without a trailing `//` comment (outside of strings, roughly: a quote
/// opens a string that the same quote closes). Quotes and `/` are ASCII, so the scan
/// is over bytes: no byte of a multi-byte character equals one of them.
fn strip_line_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    let Some(first_slash) = memchr::memchr(b'/', bytes) else {
        return line;
    };
    let mut quote: Option<u8> = None;
    for (i, &c) in bytes.iter().enumerate() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == b'\'' || c == b'"' || c == b'`' => quote = Some(c),
            None if c == b'/' && i >= first_slash && bytes.get(i + 1) == Some(&b'/') => {
                return &line[..i]
            }
            None => {}
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn infers_four_space_crlf_double_quotes() {
        let s = "{\r\n    \"a\": {\r\n        \"b\": 1\r\n    }\r\n}\r\n";
        let st = Style::infer(s, false);
        assert_eq!(st.newline, "\r\n");
        assert_eq!(st.indent, "    ");
        assert_eq!(st.quote, '"');
    }

    #[test]
    fn infers_tabs_and_no_trailing_comma() {
        let s = "const a = {\n\tb: 'x',\n\tc: 'y'\n};\n";
        let st = Style::infer(s, false);
        assert_eq!(st.indent, "\t");
        assert!(!st.trailing_comma);
        assert_eq!(st.quote, '\'');
    }

    #[test]
    fn infers_flush_yaml_sequences() {
        let s = "A:\n  Tags:\n  - Key: a\n  B:\n  - x\n";
        assert!(!Style::infer(s, true).indented_sequences);
        let s = "A:\n  Tags:\n    - Key: a\n";
        assert!(Style::infer(s, true).indented_sequences);
    }

    /// The inference as it was written before the one-scan version, kept as the
    /// oracle the tests compare [`Style::infer`] with.
    mod reference {
        pub fn infer(source: &str, yaml: bool) -> super::Style {
            let crlf = source.matches("\r\n").count();
            let lf = source.matches('\n').count();
            let newline = if crlf * 2 > lf { "\r\n" } else { "\n" };
            super::Style {
                newline,
                indent: infer_indent(source),
                quote: infer_quote(source, yaml),
                trailing_comma: infer_trailing_comma(source),
                semicolons: infer_semicolons(source),
                indented_sequences: infer_indented_sequences(source),
                short_tags: source.contains("!Ref")
                    || source.contains("!Sub")
                    || source.contains("!GetAtt"),
            }
        }

        fn leading_ws(line: &str) -> &str {
            &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
        }

        /// The most common positive difference between the indentation of consecutive lines.
        fn infer_indent(source: &str) -> String {
            let mut tabs = 0;
            let mut spaces = 0;
            let mut deltas = [0usize; 9];
            let mut prev = 0usize;
            for line in source.lines() {
                if line.trim().is_empty() {
                    continue;
                }
                let ws = leading_ws(line);
                if ws.starts_with('\t') {
                    tabs += 1;
                } else if !ws.is_empty() {
                    spaces += 1;
                }
                let width = ws.len();
                if width > prev && width - prev <= 8 && !ws.contains('\t') {
                    deltas[width - prev] += 1;
                }
                prev = width;
            }
            if tabs > spaces {
                return "\t".into();
            }
            let best = (1..=8)
                .max_by_key(|&d| (deltas[d], d == 2))
                .filter(|&d| deltas[d] > 0)
                .unwrap_or(2);
            " ".repeat(best)
        }

        fn infer_quote(source: &str, yaml: bool) -> char {
            let single = source.matches('\'').count();
            let double = source.matches('"').count();
            if yaml {
                if single >= double {
                    '\''
                } else {
                    '"'
                }
            } else if double > single {
                '"'
            } else {
                '\''
            }
        }

        /// Lines that end a property (`...,`) right before a closing `}` line.
        fn infer_trailing_comma(source: &str) -> bool {
            let mut with = 0;
            let mut without = 0;
            let mut prev: Option<&str> = None;
            for line in source.lines() {
                let t = line.trim();
                if t.is_empty() || t.starts_with("//") {
                    continue;
                }
                if t.starts_with('}') || t.starts_with(']') {
                    if let Some(p) = prev {
                        let p = strip_line_comment(p).trim_end();
                        if p.ends_with(',') {
                            with += 1;
                        } else if !p.ends_with(['{', '[', '(', ';', '}']) {
                            // A `;` or `}` line before a `}` closes a block, not an object.
                            without += 1;
                        }
                    }
                }
                prev = Some(t);
            }
            with >= without
        }

        fn infer_semicolons(source: &str) -> bool {
            let mut with = 0;
            let mut without = 0;
            for line in source.lines() {
                let t = strip_line_comment(line).trim_end();
                if t.ends_with(';') {
                    with += 1;
                } else if t.ends_with(')')
                    || (t.starts_with("import ") && (t.ends_with('\'') || t.ends_with('"')))
                {
                    without += 1;
                }
            }
            with >= without
        }

        fn infer_indented_sequences(source: &str) -> bool {
            let mut indented = 0;
            let mut flush = 0;
            let mut prev: Option<&str> = None;
            for line in source.lines() {
                if line.trim().is_empty() || line.trim_start().starts_with('#') {
                    continue;
                }
                if line.trim_start().starts_with("- ") || line.trim() == "-" {
                    if let Some(p) = prev {
                        if p.trim_end().ends_with(':') {
                            if leading_ws(line).len() > leading_ws(p).len() {
                                indented += 1;
                            } else {
                                flush += 1;
                            }
                        }
                    }
                }
                prev = Some(line);
            }
            indented >= flush
        }

        /// The line without a trailing `//` comment (outside of strings, roughly).
        fn strip_line_comment(line: &str) -> &str {
            let mut quote: Option<char> = None;
            let bytes: Vec<char> = line.chars().collect();
            let mut byte = 0;
            for (i, &c) in bytes.iter().enumerate() {
                match quote {
                    Some(q) if c == q => quote = None,
                    Some(_) => {}
                    None if c == '\'' || c == '"' || c == '`' => quote = Some(c),
                    None if c == '/' && bytes.get(i + 1) == Some(&'/') => return &line[..byte],
                    None => {}
                }
                byte += c.len_utf8();
            }
            line
        }
    }

    fn same(a: &Style, b: &Style) -> bool {
        (
            a.newline,
            &a.indent,
            a.quote,
            a.trailing_comma,
            a.semicolons,
        ) == (
            b.newline,
            &b.indent,
            b.quote,
            b.trailing_comma,
            b.semicolons,
        ) && (a.indented_sequences, a.short_tags) == (b.indented_sequences, b.short_tags)
    }

    /// The one-scan inference gives what the five scans gave, on every fixture, on the
    /// shared corpus when it is beside the checkout, and on generated texts made of the
    /// characters the votes look at (quotes, comments, brackets, indentation, CRLF,
    /// multi-byte characters).
    #[test]
    fn one_scan_infers_what_the_separate_scans_did() {
        let mut texts: Vec<String> = crate::lang::fixture_files()
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect();
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
        if corpus.is_dir() {
            let walk = ignore::WalkBuilder::new(&corpus).build();
            for e in walk.flatten().filter(|e| e.path().is_file()).take(3000) {
                if let Ok(t) = std::fs::read_to_string(e.path()) {
                    texts.push(t);
                }
            }
        }
        let pieces = [
            "\n", "\r\n", "\r", "  ", "    ", "\t", " ", "//", "/", "'", "\"", "`", "#", "- ", "-",
            ":", ",", ";", ")", "(", "{", "}", "[", "]", "import ", "x", "é", "→", "!Ref ",
            "\u{a0}",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..4000 {
            let mut t = String::new();
            for _ in 0..(seed % 40) {
                seed = seed
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                t.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            }
            seed = seed.wrapping_add(1);
            texts.push(t);
        }
        assert!(texts.len() > 4000);
        for t in &texts {
            for yaml in [false, true] {
                let (new, old) = (Style::infer(t, yaml), reference::infer(t, yaml));
                assert!(same(&new, &old), "{t:?} (yaml: {yaml}): {new:?} != {old:?}");
            }
        }
    }
}
