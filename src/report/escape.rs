//! Text that came from a file or a file name, made safe to print: control characters
//! (C0, DEL, C1) and bidirectional overrides are written as escapes, so a file name or a
//! construct id cannot clear the screen, retitle the terminal, hide text, or start a
//! line with a CI workflow command (`::error …`). JSON and SARIF escape on their own.

use std::borrow::Cow;

/// `s` with every control character escaped (`\n`, `\r`, `\t`, `\x1b`, `\u{9b}`,
/// `\u{202e}`); borrowed when there is nothing to escape.
pub fn escape(s: &str) -> Cow<'_, str> {
    escape_keeping(s, &[])
}

/// Each line of a unified diff escaped, keeping its line break and tab indentation.
pub fn escape_diff(diff: &str) -> Cow<'_, str> {
    if !diff
        .chars()
        .any(|c| needs_escape(c) && c != '\n' && c != '\t')
    {
        return Cow::Borrowed(diff);
    }
    let mut out = String::with_capacity(diff.len() + 16);
    for line in diff.split_inclusive('\n') {
        let (body, end) = match line.strip_suffix("\r\n") {
            Some(b) => (b, "\r\n"),
            None => match line.strip_suffix('\n') {
                Some(b) => (b, "\n"),
                None => (line, ""),
            },
        };
        out.push_str(&escape_keeping(body, &['\t']));
        out.push_str(end);
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn escape_keeping<'s>(s: &'s str, keep: &[char]) -> Cow<'s, str> {
    if !s.chars().any(|c| needs_escape(c) && !keep.contains(&c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !needs_escape(c) || keep.contains(&c) {
            out.push(c);
            continue;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape("plain é"), "plain é");
        assert_eq!(escape("x\x1b[2Jy"), "x\\x1b[2Jy");
        assert_eq!(escape("a\n::error::b"), "a\\n::error::b");
        assert_eq!(
            escape("t\u{7}\u{7f}\u{9b}\u{202e}"),
            "t\\x07\\x7f\\u{9b}\\u{202e}"
        );
        assert_eq!(escape("tab\there\r"), "tab\\there\\r");
    }

    #[test]
    fn diffs_keep_line_breaks_and_tabs() {
        let d = "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-\told\r\n+new\x1b]0;t\x07\n";
        assert_eq!(
            escape_diff(d),
            "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-\told\r\n+new\\x1b]0;t\\x07\n"
        );
    }
}
