//! `--format rdjson`: the Reviewdog Diagnostic Format (`DiagnosticResult`, JSON;
//! <https://github.com/reviewdog/reviewdog/tree/master/proto/rdf>), for
//! `reviewdog -f=rdjson`. One diagnostic per finding that remains after the run (a
//! dry run: every finding) and one per file that could not be read, parsed or
//! written. A fix that applies (in a dry run; with `--unsafe` for `review` fixes)
//! comes as `suggestions`: each edit of the fix as a range of the file as read plus
//! its replacement text, so reviewdog posts it as a suggested change on the pull
//! request.
//!
//! Positions as rdjson defines them: lines from 1, columns from 1 counted in UTF-8
//! bytes (`a𐐀b`: `b` is column 6), ranges end-exclusive, an insertion is an empty
//! range. A byte-order mark is part of the first line (reviewdog reads the file's
//! bytes).

use super::{display, Run};
use crate::files::Processed;
use serde_json::{json, Value};

const SOURCE_URL: &str = "https://github.com/iac-fix/iac-fix";

/// The rdjson document (pretty-printed, final newline).
pub fn render(run: &Run) -> String {
    let mut diagnostics = Vec::new();
    for p in run.processed {
        let path = display(&p.path);
        let bom = p.original.len() - super::body(p).len();
        for f in p.outcome.fixes.iter().filter(|f| run.remains(f)) {
            let start = char_to_byte_position(p, bom, f.line, f.column);
            let mut d = json!({
                "message": f.message,
                "location": { "path": path, "range": { "start": start } },
                "severity": "ERROR",
                "source": { "name": "iac-fix", "url": SOURCE_URL },
                "code": { "value": f.transform },
            });
            if f.applied && f.edits_unavailable.is_none() && !f.edits.is_empty() {
                let suggestions: Vec<Value> = f
                    .edits
                    .iter()
                    .map(|e| {
                        json!({
                            "range": {
                                "start": byte_position(&p.original, e.range.start + bom),
                                "end": byte_position(&p.original, e.range.end + bom),
                            },
                            "text": e.text,
                        })
                    })
                    .collect();
                d["suggestions"] = json!(suggestions);
            }
            diagnostics.push(d);
        }
    }
    for (path, message) in run.errors {
        diagnostics.push(json!({
            "message": format!("iac-fix could not process this file: {message}"),
            "location": { "path": path },
            "severity": "ERROR",
            "source": { "name": "iac-fix", "url": SOURCE_URL },
        }));
    }
    let doc = json!({
        "source": { "name": "iac-fix", "url": SOURCE_URL },
        "diagnostics": diagnostics,
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("report serializes");
    s.push('\n');
    s
}

/// rdjson position (line from 1, column from 1 in UTF-8 bytes) of a byte offset.
fn byte_position(text: &str, offset: usize) -> Value {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    json!({ "line": line, "column": offset - line_start + 1 })
}

/// rdjson position of a finding's line and column (a column in characters of the
/// text after the byte-order mark, as findings count them).
fn char_to_byte_position(p: &Processed, bom: usize, line: usize, column: usize) -> Value {
    let body = &p.original[bom..];
    let line_start: usize = body
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = &body[line_start.min(body.len())..];
    let in_line = rest
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(rest.len(), |(i, _)| i);
    byte_position(&p.original, bom + line_start + in_line)
}

#[cfg(test)]
mod tests {
    #[test]
    fn columns_count_utf8_bytes() {
        // The rdjson specification's own example: in `a𐐀b`, `b` is column 6.
        assert_eq!(
            super::byte_position("x\na𐐀b", 7),
            serde_json::json!({ "line": 2, "column": 6 })
        );
    }
}
