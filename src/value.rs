//! A small syntax-neutral value tree that transforms build and the engine renders
//! into TypeScript, JSON or YAML in the file's own style.

use crate::lang::Syntax;
use crate::style::Style;

/// A value to insert. CloudFormation intrinsics and TypeScript code are first-class
/// so one transform can describe its change once for every flavor.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Str(String),
    /// TypeScript expression text, inserted verbatim (continuation lines re-indented).
    Code(String),
    /// TypeScript call `callee(args…)`, e.g. `new sqs.Queue` with `this, 'Id', {…}`.
    Call(String, Vec<Value>),
    /// CloudFormation `Ref`.
    Ref(String),
    /// CloudFormation `Fn::GetAtt` of resource and attribute.
    GetAtt(String, String),
    /// Any other intrinsic, by its long name (`Fn::Sub`, `Fn::Join`…).
    Fn(String, Box<Value>),
    List(Vec<Value>),
    Map(Vec<(String, Value)>),
}

impl Value {
    pub fn str(s: impl Into<String>) -> Value {
        Value::Str(s.into())
    }
    pub fn code(s: impl Into<String>) -> Value {
        Value::Code(s.into())
    }
    pub fn map<K: Into<String>>(entries: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Map(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    fn is_scalar(&self) -> bool {
        !matches!(
            self,
            Value::List(_) | Value::Map(_) | Value::Fn(..) | Value::Call(..)
        ) || matches!(self, Value::Map(m) if m.is_empty())
            || matches!(self, Value::List(l) if l.is_empty())
    }
}

/// Renders values for one file. `indent` arguments are the indentation of the line
/// the rendered text starts on; continuation lines are indented relative to it.
pub struct Renderer<'s> {
    pub syntax: Syntax,
    pub style: &'s Style,
    /// YAML only: render in flow style (inside `{…}` or `[…]`).
    pub flow: bool,
}

const INLINE_WIDTH: usize = 64;

impl<'s> Renderer<'s> {
    pub fn new(syntax: Syntax, style: &'s Style) -> Self {
        Renderer {
            syntax,
            style,
            flow: false,
        }
    }

    fn nl(&self) -> &'static str {
        self.style.newline
    }

    /// A mapping key as the syntax spells it.
    pub fn key(&self, key: &str) -> String {
        match self.syntax {
            Syntax::Json => json_string(key),
            Syntax::TypeScript if is_identifier(key) => key.to_string(),
            Syntax::TypeScript => quote(key, self.style.quote),
            Syntax::Yaml => self.yaml_scalar(key),
        }
    }

    /// `key: value` as one entry (without separator), its first line at `indent`.
    pub fn entry(&self, key: &str, value: &Value, indent: &str) -> String {
        let mut out = String::new();
        self.entry_into(&mut out, key, value, indent);
        out
    }

    /// [`Renderer::entry`] appended to `out`: one buffer for a whole rendered value
    /// instead of a string per level joined into its parent's.
    fn entry_into(&self, out: &mut String, key: &str, value: &Value, indent: &str) {
        match self.syntax {
            Syntax::Json => json_string_into(out, key),
            Syntax::Yaml => self.yaml_scalar_into(out, key),
            Syntax::TypeScript => out.push_str(&self.key(key)),
        }
        if self.syntax == Syntax::Yaml && !self.flow {
            out.push(':');
            let at = out.len();
            if self.yaml_block_into(out, value, indent) {
                return;
            }
            out.truncate(at);
            out.push(' ');
        } else {
            out.push_str(": ");
        }
        self.value_into(out, value, indent);
    }

    /// The value where it stands after `key: ` (or as an array item) on a line indented by `indent`.
    pub fn value(&self, value: &Value, indent: &str) -> String {
        let mut out = String::new();
        self.value_into(&mut out, value, indent);
        out
    }

    /// [`Renderer::value`] appended to `out`.
    fn value_into(&self, out: &mut String, value: &Value, indent: &str) {
        match self.syntax {
            Syntax::TypeScript => out.push_str(&self.ts(value, indent)),
            Syntax::Json => self.json_into(out, value, indent),
            Syntax::Yaml => self.yaml_inline_into(out, value),
        }
    }

    fn inner(&self, indent: &str) -> String {
        format!("{indent}{}", self.style.indent)
    }

    // ---- TypeScript ----

    fn ts(&self, value: &Value, indent: &str) -> String {
        match value {
            Value::Null => "undefined".into(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Str(s) => quote(s, self.style.quote),
            Value::Code(c) => reindent(c, indent, &self.style.indent, self.nl()),
            Value::Call(callee, args) => {
                let args: Vec<String> = args.iter().map(|a| self.ts(a, indent)).collect();
                format!("{callee}({})", args.join(", "))
            }
            Value::Ref(s) | Value::GetAtt(s, _) | Value::Fn(s, _) => s.clone(),
            Value::List(items) => {
                let parts: Vec<String> = items
                    .iter()
                    .map(|v| self.ts(v, &self.inner(indent)))
                    .collect();
                self.ts_container('[', ']', parts, indent, items.iter().all(Value::is_scalar))
            }
            Value::Map(entries) => {
                let inner = self.inner(indent);
                let parts: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| format!("{}: {}", self.key(k), self.ts(v, &inner)))
                    .collect();
                self.ts_container(
                    '{',
                    '}',
                    parts,
                    indent,
                    entries.iter().all(|(_, v)| v.is_scalar()),
                )
            }
        }
    }

    fn ts_container(
        &self,
        open: char,
        close: char,
        parts: Vec<String>,
        indent: &str,
        flat: bool,
    ) -> String {
        if parts.is_empty() {
            return format!("{open}{close}");
        }
        let one_line = parts.join(", ");
        if flat && !one_line.contains('\n') && one_line.len() <= INLINE_WIDTH {
            return if open == '{' {
                format!("{{ {one_line} }}")
            } else {
                format!("[{one_line}]")
            };
        }
        let inner = self.inner(indent);
        let nl = self.nl();
        let sep = format!(",{nl}{inner}");
        let trailing = if self.style.trailing_comma { "," } else { "" };
        format!(
            "{open}{nl}{inner}{}{trailing}{nl}{indent}{close}",
            parts.join(&sep)
        )
    }

    // ---- JSON ----

    /// `value` as JSON whose first line continues a line indented by `indent`, appended
    /// to `out`. Intrinsics are written in their long form (`{"Ref": …}`).
    fn json_into(&self, out: &mut String, value: &Value, indent: &str) {
        match value {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) => out.push_str(&i.to_string()),
            Value::Str(s) | Value::Code(s) => json_string_into(out, s),
            Value::Call(c, _) => json_string_into(out, c),
            Value::Ref(r) => self.json_members(out, '{', '}', indent, 1, |out, _, _| {
                out.push_str("\"Ref\": ");
                json_string_into(out, r);
            }),
            Value::GetAtt(r, a) => self.json_members(out, '{', '}', indent, 1, |out, _, inner| {
                out.push_str("\"Fn::GetAtt\": ");
                self.json_members(out, '[', ']', inner, 2, |out, i, _| {
                    json_string_into(out, if i == 0 { r } else { a })
                });
            }),
            Value::Fn(name, arg) => self.json_members(out, '{', '}', indent, 1, |out, _, inner| {
                json_string_into(out, name);
                out.push_str(": ");
                self.json_into(out, arg, inner);
            }),
            Value::List(items) if items.is_empty() => out.push_str("[]"),
            Value::Map(entries) if entries.is_empty() => out.push_str("{}"),
            Value::List(items) => {
                self.json_members(out, '[', ']', indent, items.len(), |out, i, inner| {
                    self.json_into(out, &items[i], inner)
                })
            }
            Value::Map(entries) => {
                self.json_members(out, '{', '}', indent, entries.len(), |out, i, inner| {
                    let (k, v) = &entries[i];
                    json_string_into(out, k);
                    out.push_str(": ");
                    self.json_into(out, v, inner);
                })
            }
        }
    }

    /// A JSON object or array of `count` (at least one) members, one per line at one
    /// level deeper than `indent`, the closing bracket on a line of its own at `indent`.
    /// `member(out, i, inner)` writes member `i`, `inner` being its line's indentation.
    fn json_members(
        &self,
        out: &mut String,
        open: char,
        close: char,
        indent: &str,
        count: usize,
        mut member: impl FnMut(&mut String, usize, &str),
    ) {
        let nl = self.nl();
        let inner = self.inner(indent);
        out.push(open);
        for i in 0..count {
            if i > 0 {
                out.push(',');
            }
            out.push_str(nl);
            out.push_str(&inner);
            member(out, i, &inner);
        }
        out.push_str(nl);
        out.push_str(indent);
        out.push(close);
    }

    // ---- YAML ----

    /// Block rendering of a collection value that follows `key:` (starts with a newline)
    /// appended to `out`; false, with nothing written, when the value is written on the
    /// key's line.
    fn yaml_block_into(&self, out: &mut String, value: &Value, indent: &str) -> bool {
        let nl = self.nl();
        match value {
            Value::Map(entries) if !entries.is_empty() => {
                let inner = self.inner(indent);
                for (k, v) in entries {
                    out.push_str(nl);
                    out.push_str(&inner);
                    self.entry_into(out, k, v, &inner);
                }
                true
            }
            Value::List(items) if !items.is_empty() => {
                let dash_indent = if self.style.indented_sequences {
                    self.inner(indent)
                } else {
                    indent.to_string()
                };
                for v in items {
                    out.push_str(nl);
                    out.push_str(&dash_indent);
                    self.yaml_item_into(out, v, &dash_indent);
                }
                true
            }
            Value::Ref(_) | Value::GetAtt(..) | Value::Fn(..) if !self.style.short_tags => {
                self.yaml_block_into(out, &self.long_form(value), indent)
            }
            _ => false,
        }
    }

    /// One `- item` of a block sequence whose dash stands at `dash_indent`.
    pub fn yaml_item(&self, value: &Value, dash_indent: &str) -> String {
        let mut out = String::new();
        self.yaml_item_into(&mut out, value, dash_indent);
        out
    }

    /// [`Renderer::yaml_item`] appended to `out`.
    fn yaml_item_into(&self, out: &mut String, value: &Value, dash_indent: &str) {
        let nl = self.nl();
        let item_indent = format!("{dash_indent}  ");
        out.push_str("- ");
        match value {
            Value::Map(entries) if !entries.is_empty() => {
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push_str(nl);
                        out.push_str(&item_indent);
                    }
                    self.entry_into(out, k, v, &item_indent);
                }
            }
            Value::List(items) if !items.is_empty() => {
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(nl);
                        out.push_str(&item_indent);
                    }
                    self.yaml_item_into(out, v, &item_indent);
                }
            }
            _ => self.yaml_inline_into(out, value),
        }
    }

    fn long_form(&self, value: &Value) -> Value {
        match value {
            Value::Ref(r) => Value::map([("Ref", Value::str(r))]),
            Value::GetAtt(r, a) => Value::map([(
                "Fn::GetAtt",
                Value::List(vec![Value::str(r), Value::str(a)]),
            )]),
            Value::Fn(n, arg) => Value::Map(vec![(n.clone(), (**arg).clone())]),
            other => other.clone(),
        }
    }

    /// A value written on one line: scalars, short tags, flow collections.
    #[cfg(test)]
    fn yaml_inline(&self, value: &Value) -> String {
        let mut out = String::new();
        self.yaml_inline_into(&mut out, value);
        out
    }

    /// A value written on one line (scalars, short tags, flow collections), appended to `out`.
    fn yaml_inline_into(&self, out: &mut String, value: &Value) {
        let flow = Renderer {
            flow: true,
            ..*self
        };
        match value {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) => out.push_str(&i.to_string()),
            Value::Str(s) | Value::Code(s) => self.yaml_scalar_into(out, s),
            Value::Call(c, _) => self.yaml_scalar_into(out, c),
            Value::Ref(r) if self.style.short_tags => {
                out.push_str("!Ref ");
                self.yaml_scalar_into(out, r);
            }
            Value::GetAtt(r, a) if self.style.short_tags => {
                out.push_str("!GetAtt ");
                out.push_str(r);
                out.push('.');
                out.push_str(a);
            }
            Value::Fn(name, arg) if self.style.short_tags => {
                out.push('!');
                out.push_str(name.strip_prefix("Fn::").unwrap_or(name));
                out.push(' ');
                flow.yaml_inline_into(out, arg);
            }
            Value::Ref(_) | Value::GetAtt(..) | Value::Fn(..) => {
                flow.yaml_inline_into(out, &self.long_form(value))
            }
            Value::List(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    flow.yaml_inline_into(out, v);
                }
                out.push(']');
            }
            Value::Map(entries) if entries.is_empty() => out.push_str("{}"),
            Value::Map(entries) => {
                out.push_str("{ ");
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    self.yaml_scalar_into(out, k);
                    out.push_str(": ");
                    flow.yaml_inline_into(out, v);
                }
                out.push_str(" }");
            }
        }
    }

    fn yaml_scalar(&self, s: &str) -> String {
        let mut out = String::new();
        self.yaml_scalar_into(&mut out, s);
        out
    }

    /// `s` as a YAML scalar (plain when that reads back as the same string, else quoted
    /// in the file's quote style), appended to `out`.
    fn yaml_scalar_into(&self, out: &mut String, s: &str) {
        if yaml_plain_ok(s, self.flow) {
            out.push_str(s);
        } else if self.style.quote == '"' || s.contains('\n') {
            json_string_into(out, s);
        } else {
            out.push('\'');
            out.push_str(&s.replace('\'', "''"));
            out.push('\'');
        }
    }
}

/// Re-indent continuation lines of `code`, written with two-space levels, to sit under `indent`.
pub fn reindent(code: &str, indent: &str, unit: &str, nl: &str) -> String {
    let mut out = String::new();
    for (i, line) in code.split('\n').enumerate() {
        let line = line.trim_end_matches('\r');
        if i > 0 {
            out.push_str(nl);
            if !line.trim().is_empty() {
                let spaces = line.len() - line.trim_start_matches(' ').len();
                out.push_str(indent);
                out.push_str(&unit.repeat(spaces / 2));
                out.push_str(&" ".repeat(spaces % 2));
            }
            out.push_str(line.trim_start_matches(' '));
        } else {
            out.push_str(line);
        }
    }
    out
}

/// The inverse of `reindent`: `text` copied from a line indented `base` in units of
/// `unit`, its continuation lines re-expressed as two-space levels relative to that line
/// (the form `reindent` and `TsFile::insert_after` take).
pub fn relative_levels(text: &str, base: &str, unit: &str) -> String {
    let lines: Vec<String> = text
        .split('\n')
        .enumerate()
        .map(|(i, line)| {
            let line = line.trim_end_matches('\r');
            if i == 0 {
                return line.to_string();
            }
            let mut rest = line.strip_prefix(base).unwrap_or(line.trim_start());
            let mut levels = 0;
            while !unit.is_empty() && rest.starts_with(unit) {
                rest = &rest[unit.len()..];
                levels += 1;
            }
            format!("{}{rest}", "  ".repeat(levels))
        })
        .collect();
    lines.join("\n")
}

pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// A TypeScript string literal with the given quote.
pub fn quote(s: &str, q: char) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push(q);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == q => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push(q);
    out
}

pub fn json_string(s: &str) -> String {
    serde_json::to_string(s).expect("strings serialize")
}

/// [`json_string`] appended to `out`.
fn json_string_into(out: &mut String, s: &str) {
    out.push_str(&json_string(s));
}

/// YAML 1.1 reads `2012-10-17` as a date, not a string (IAM policy `Version`s).
fn looks_like_timestamp(s: &str) -> bool {
    let parts: Vec<&str> = s.splitn(3, '-').collect();
    parts.len() == 3
        && parts[0].len() == 4
        && parts[0].chars().all(|c| c.is_ascii_digit())
        && (1..=2).contains(&parts[1].len())
        && parts[1].chars().all(|c| c.is_ascii_digit())
        && parts[2].chars().next().is_some_and(|c| c.is_ascii_digit())
}

fn yaml_plain_ok(s: &str, flow: bool) -> bool {
    const RESERVED: &[&str] = &[
        "", "~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE", "yes",
        "no", "Yes", "No", "on", "off", "y", "n",
    ];
    if RESERVED.contains(&s)
        || s.trim() != s
        || s.parse::<f64>().is_ok()
        || s.starts_with("0x")
        || s.starts_with("0o")
        || looks_like_timestamp(s)
    {
        return false;
    }
    let first = s.chars().next().unwrap_or(' ');
    if "-?:,[]{}#&*!|>'\"%@`".contains(first)
        && !(first == '-' && s.len() > 1 && !s.starts_with("- "))
    {
        return false;
    }
    if s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
        || s.contains('\n')
        || s.contains('\t')
    {
        return false;
    }
    // In flow style a plain scalar also ends where `-` follows a blank (`[a -]`): strict
    // readers (saphyr) take that `-` for the start of another scalar and reject it.
    !(flow && (s.contains([',', '[', ']', '{', '}']) || s.ends_with(" -")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn style(yaml: bool) -> Style {
        Style::infer("a:\n  b: 1\n", yaml)
    }

    #[test]
    fn yaml_block_map_and_short_tags() {
        let mut st = style(true);
        st.short_tags = true;
        let r = Renderer::new(Syntax::Yaml, &st);
        let v = Value::map([
            ("TargetArn", Value::GetAtt("FnDLQ".into(), "Arn".into())),
            ("Type", Value::str("SQS")),
        ]);
        assert_eq!(
            r.entry("DeadLetterQueue", &v, "    "),
            "DeadLetterQueue:\n      TargetArn: !GetAtt FnDLQ.Arn\n      Type: SQS"
        );
        st.short_tags = false;
        let r = Renderer::new(Syntax::Yaml, &st);
        assert_eq!(r.entry("A", &Value::Ref("B".into()), ""), "A:\n  Ref: B");
    }

    #[test]
    fn yaml_quotes_what_needs_it() {
        let st = style(true);
        let r = Renderer::new(Syntax::Yaml, &st);
        assert_eq!(r.value(&Value::str("true"), ""), "'true'");
        assert_eq!(r.value(&Value::str("a: b"), ""), "'a: b'");
        assert_eq!(r.value(&Value::str("nodejs24.x"), ""), "nodejs24.x");
        assert_eq!(r.value(&Value::str("2012-10-17"), ""), "'2012-10-17'");
        assert_eq!(r.value(&Value::str("2012-xx"), ""), "2012-xx");
        assert_eq!(r.value(&Value::str("'q' x"), ""), "'''q'' x'");
        // In flow style a `-` after a blank at the end is quoted (a strict reader rejects
        // `[0 -]`); in block style, or inside the text, it stays plain.
        let flow = Renderer {
            flow: true,
            ..Renderer::new(Syntax::Yaml, &st)
        };
        let list = Value::List(vec![Value::str("0 -"), Value::str("a -b")]);
        let text = flow.yaml_inline(&list);
        assert_eq!(text, "['0 -', a -b]");
        assert!(crate::lang::verify::check(Syntax::Yaml, &format!("k: {text}\n")).is_ok());
        assert_eq!(r.value(&Value::str("0 -"), ""), "0 -");
    }

    #[test]
    fn json_nested_map() {
        let st = style(false);
        let r = Renderer::new(Syntax::Json, &st);
        let v = Value::map([("A", Value::Bool(true))]);
        assert_eq!(r.entry("K", &v, "  "), "\"K\": {\n    \"A\": true\n  }");
    }

    #[test]
    fn ts_inline_and_multiline() {
        let mut st = Style::infer("const a = {\n  b: 'x',\n};\n", false);
        let r = Renderer::new(Syntax::TypeScript, &st);
        let small = Value::map([("enabled", Value::Bool(true))]);
        assert_eq!(r.value(&small, ""), "{ enabled: true }");
        let nested = Value::map([("a", small.clone()), ("b", Value::str("x"))]);
        assert_eq!(
            r.value(&nested, "  "),
            "{\n    a: { enabled: true },\n    b: 'x',\n  }"
        );
        st.trailing_comma = false;
        let r = Renderer::new(Syntax::TypeScript, &st);
        assert_eq!(
            r.value(&nested, ""),
            "{\n  a: { enabled: true },\n  b: 'x'\n}"
        );
    }

    #[test]
    fn relative_levels_undo_the_file_indentation() {
        assert_eq!(
            relative_levels("{\n\t\t\tb: 1,\r\n\t\t}", "\t\t", "\t"),
            "{\n  b: 1,\n}"
        );
    }

    #[test]
    fn reindent_converts_units() {
        assert_eq!(
            reindent("a({\n  b: 1,\n})", "    ", "\t", "\n"),
            "a({\n    \tb: 1,\n    })"
        );
    }
}
