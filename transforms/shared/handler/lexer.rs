//! A small lexer for JavaScript/TypeScript and Python handler code, and a token scanner
//! with the helpers transforms use to read it (environment reads, assignments).

use super::*;

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tok {
    Id(String),
    Str(String),
    P(char),
}

#[derive(Clone, Debug)]
pub(crate) struct Token {
    pub(crate) tok: Tok,
    pub(crate) off: usize,
}

/// A small lexer for JavaScript/TypeScript and Python: identifiers, string literals and
/// punctuation; comments dropped; template-literal substitutions lexed as code.
pub(crate) fn tokenize(src: &str, python: bool) -> Vec<Token> {
    let mut out = Vec::new();
    lex_into(src, 0, python, &mut out);
    out
}

pub(crate) fn lex_into(src: &str, base: usize, python: bool, out: &mut Vec<Token>) {
    let b = src.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if python && c == b'#' || !python && c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if !python && c == b'/' && b.get(i + 1) == Some(&b'*') {
            i = src[i + 2..].find("*/").map_or(b.len(), |e| i + 2 + e + 2);
        } else if !python && c == b'/' && regex_allowed(out) {
            // A regular expression literal: skip to its closing slash on the same line.
            let mut j = i + 1;
            let mut class = false;
            while j < b.len() && b[j] != b'\n' {
                match b[j] {
                    b'\\' => j += 1,
                    b'[' => class = true,
                    b']' => class = false,
                    b'/' if !class => break,
                    _ => {}
                }
                j += 1;
            }
            i = j + 1;
        } else if c == b'`' && !python {
            let mut j = i + 1;
            let mut text = String::new();
            while j < b.len() && b[j] != b'`' {
                if b[j] == b'\\' {
                    j += 2;
                    continue;
                }
                if b[j] == b'$' && b.get(j + 1) == Some(&b'{') {
                    let end = matching_brace(src, j + 1);
                    lex_into(&src[j + 2..end], base + j + 2, python, out);
                    text.push_str("${}");
                    j = end + 1;
                    continue;
                }
                text.push(b[j] as char);
                j += 1;
            }
            out.push(Token {
                tok: Tok::Str(text),
                off: base + i,
            });
            i = j + 1;
        } else if c == b'\'' || c == b'"' {
            let triple = python && src[i..].starts_with(&format!("{0}{0}{0}", c as char));
            let q = if triple { 3 } else { 1 };
            let mut j = i + q;
            loop {
                if j >= b.len() || (!triple && b[j] == b'\n') {
                    break;
                }
                if b[j] == b'\\' {
                    j += 2;
                    continue;
                }
                if b[j] == c && (!triple || src[j..].starts_with(&src[i..i + 3])) {
                    break;
                }
                j += 1;
            }
            let end = j.min(b.len());
            out.push(Token {
                tok: Tok::Str(src[i + q..end].to_string()),
                off: base + i,
            });
            i = end + q;
        } else if c.is_ascii_alphanumeric() || c == b'_' || c == b'$' {
            let mut j = i;
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_' || b[j] == b'$') {
                j += 1;
            }
            out.push(Token {
                tok: Tok::Id(src[i..j].to_string()),
                off: base + i,
            });
            i = j;
        } else {
            let ch = src[i..].chars().next().unwrap_or(' ');
            out.push(Token {
                tok: Tok::P(ch),
                off: base + i,
            });
            i += ch.len_utf8();
        }
    }
}

pub(crate) fn regex_allowed(out: &[Token]) -> bool {
    match out.last().map(|t| &t.tok) {
        None => true,
        Some(Tok::P(c)) => !matches!(c, ')' | ']' | '}'),
        Some(Tok::Id(w)) => matches!(w.as_str(), "return" | "typeof" | "case" | "in" | "of"),
        Some(Tok::Str(_)) => false,
    }
}

/// Index of the `}` closing the `{` at `open` (string-unaware; template substitutions are short).
pub(crate) fn matching_brace(src: &str, open: usize) -> usize {
    let mut depth = 0;
    for (k, ch) in src[open..].char_indices() {
        match ch {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return open + k;
                }
            }
            _ => {}
        }
    }
    src.len()
}

pub(crate) struct Scan<'t> {
    pub(crate) t: &'t [Token],
}

impl<'t> Scan<'t> {
    pub(crate) fn id(&self, i: usize) -> Option<&'t str> {
        match self.t.get(i).map(|t| &t.tok) {
            Some(Tok::Id(s)) => Some(s),
            _ => None,
        }
    }
    pub(crate) fn s(&self, i: usize) -> Option<&'t str> {
        match self.t.get(i).map(|t| &t.tok) {
            Some(Tok::Str(s)) => Some(s),
            _ => None,
        }
    }
    pub(crate) fn p(&self, i: usize, c: char) -> bool {
        self.t.get(i).map(|t| &t.tok) == Some(&Tok::P(c))
    }
    pub(crate) fn is(&self, i: usize, w: &str) -> bool {
        self.id(i) == Some(w)
    }
    /// Index after the bracket group opening at `open` (`(`, `[` or `{`).
    pub(crate) fn close(&self, open: usize) -> usize {
        let mut depth = 0i32;
        for k in open..self.t.len() {
            match self.t[k].tok {
                Tok::P('(' | '[' | '{') => depth += 1,
                Tok::P(')' | ']' | '}') => {
                    depth -= 1;
                    if depth == 0 {
                        return k + 1;
                    }
                }
                _ => {}
            }
        }
        self.t.len()
    }

    /// An environment variable read starting at `i`: (name, tokens it spans).
    pub(crate) fn env_read(&self, i: usize) -> Option<(String, usize)> {
        // process.env.NAME, process.env['NAME']
        if self.is(i, "process") && self.p(i + 1, '.') && self.is(i + 2, "env") {
            if self.p(i + 3, '.') {
                return Some((self.id(i + 4)?.to_string(), 5));
            }
            if self.p(i + 3, '[') && self.p(i + 5, ']') {
                return Some((self.s(i + 4)?.to_string(), 6));
            }
            return None;
        }
        // os.environ['NAME'], os.environ.get('NAME'), os.getenv('NAME'), environ[…], getenv(…)
        let j = if self.is(i, "os") && self.p(i + 1, '.') && !(i > 0 && self.p(i - 1, '.')) {
            i + 2
        } else if i > 0 && self.p(i - 1, '.') {
            return None;
        } else {
            i
        };
        if self.is(j, "environ") {
            if self.p(j + 1, '[') && self.p(j + 3, ']') {
                return Some((self.s(j + 2)?.to_string(), j + 4 - i));
            }
            if self.p(j + 1, '.') && self.is(j + 2, "get") && self.p(j + 3, '(') {
                return Some((self.s(j + 4)?.to_string(), j + 5 - i));
            }
        }
        if self.is(j, "getenv") && self.p(j + 1, '(') {
            return Some((self.s(j + 2)?.to_string(), j + 3 - i));
        }
        None
    }

    /// Environment variables mentioned in tokens `range` (directly or through `aliases`).
    pub(crate) fn env_in(
        &self,
        range: std::ops::Range<usize>,
        aliases: &HashMap<String, BTreeSet<String>>,
    ) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut k = range.start;
        while k < range.end.min(self.t.len()) {
            if let Some((name, len)) = self.env_read(k) {
                out.insert(name);
                k += len;
                continue;
            }
            if let Some(Tok::Str(text)) = self.t.get(k).map(|t| &t.tok) {
                // `${table.tableName}` substituted into inline code by the stack.
                for (n, part) in text.split('\u{1}').enumerate() {
                    if n % 2 == 1 {
                        out.insert(format!("${{{part}}}"));
                    }
                }
            }
            if let Some(w) = self.id(k) {
                // `Key: x` / `Key=x` name a parameter, they do not use a variable.
                let is_key = (self.p(k + 1, ':') && !self.p(k + 2, ':'))
                    || (self.p(k + 1, '=') && !self.p(k + 2, '='));
                if !is_key {
                    if let Some(env) = aliases.get(w) {
                        out.extend(env.iter().cloned());
                    }
                }
            }
            k += 1;
        }
        out
    }

    /// End of the expression that starts at `start` (an assignment's right side).
    pub(crate) fn expr_end(&self, start: usize, src: &Source) -> usize {
        let mut depth = 0i32;
        let mut k = start;
        while k < self.t.len() {
            match self.t[k].tok {
                Tok::P('(' | '[' | '{') => depth += 1,
                Tok::P(')' | ']' | '}') => {
                    if depth == 0 {
                        return k;
                    }
                    depth -= 1;
                }
                Tok::P(';' | ',') if depth == 0 => return k,
                _ => {}
            }
            if depth == 0 && k > start && src.line(self.t[k].off) != src.line(self.t[k - 1].off) {
                let prev_open = matches!(
                    self.t[k - 1].tok,
                    Tok::P(
                        '+' | '-'
                            | '*'
                            | '/'
                            | '.'
                            | '?'
                            | ':'
                            | '|'
                            | '&'
                            | '='
                            | '('
                            | ','
                            | '['
                            | '{'
                            | '\\'
                    )
                );
                let next_cont = matches!(self.t[k].tok, Tok::P('.' | '?' | ':' | '|' | '&' | '+'));
                if !prev_open && !next_cont {
                    return k;
                }
            }
            k += 1;
        }
        k
    }

    /// Assignments `name = …` (declarations, `this.x =`/`self.x =`, Python statements):
    /// (name, start of the right side).
    pub(crate) fn assignments(&self, src: &Source) -> Vec<(String, usize)> {
        let mut out = Vec::new();
        for k in 1..self.t.len() {
            if !self.p(k, '=')
                || self.p(k + 1, '=')
                || self.p(k + 1, '>')
                || self.p(k - 1, '=')
                || self.p(k - 1, '!')
                || self.p(k - 1, '<')
                || self.p(k - 1, '>')
            {
                continue;
            }
            // `x: Type = …` (TS annotation): look back over a simple type.
            let mut n = k - 1;
            if self.id(n).is_some() && n >= 2 && self.p(n - 1, ':') && self.id(n - 2).is_some() {
                n -= 2;
            }
            let Some(name) = self.id(n) else { continue };
            let first_on_line = n == 0 || src.line(self.t[n - 1].off) != src.line(self.t[n].off);
            let declared = n > 0
                && self
                    .id(n - 1)
                    .is_some_and(|w| matches!(w, "const" | "let" | "var"));
            let member = n >= 2
                && self.p(n - 1, '.')
                && self.id(n - 2).is_some_and(|w| matches!(w, "this" | "self"));
            if declared || member || (first_on_line && !(n > 0 && self.p(n - 1, '.'))) {
                out.push((name.to_string(), k + 1));
            }
        }
        out
    }
}
