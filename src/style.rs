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
    pub fn infer(source: &str, yaml: bool) -> Style {
        let crlf = source.matches("\r\n").count();
        let lf = source.matches('\n').count();
        let newline = if crlf * 2 > lf { "\r\n" } else { "\n" };
        Style {
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

    /// `n` levels of indentation.
    pub fn indent_n(&self, n: usize) -> String {
        self.indent.repeat(n)
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
}
