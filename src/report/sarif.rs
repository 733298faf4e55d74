//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other viewers. One rule
//! per transform (help from its documentation), one result per finding at its place
//! in the file as read, with the fix's replacements against that file (fixes from
//! later passes mapped back; when that cannot be done, `properties.fixNotShown` says
//! why); suppressed
//! findings carry an in-source suppression. Files the run could not read, parse or
//! write are tool execution notifications of the run's invocation (level `error`, the
//! file as location), and the invocation is then not successful.
//!
//! Each result is assembled as JSON and read back through `serde_sarif`'s typed model,
//! which checks it against the SARIF object model before it is printed. Results are
//! converted one at a time, so only the typed log (not a second, untyped copy of every
//! result) is held in memory: on a large repository the log has tens of thousands of
//! results.

use crate::edit::LineIndex;
use crate::files::Processed;
use crate::fixer::Reported;
use crate::transform::Registered;
use serde_json::{json, Value};

/// The SARIF log for `processed` and the run's file `errors` (`(path as reported,
/// reason)`); `display` gives each file's reported path.
pub fn log(
    processed: &[Processed],
    errors: &[(String, String)],
    registry: &[Registered],
    display: impl Fn(&Processed) -> String,
) -> String {
    let rules: Vec<Value> = registry.iter().map(rule).collect();
    let mut results: Vec<serde_sarif::sarif::Result> = Vec::new();
    for p in processed {
        let uri = display(p);
        // Line and column of every replacement, without rescanning the file for each.
        let lines = LineIndex::new(&p.original);
        for f in p.outcome.fixes.iter().chain(&p.outcome.suppressed) {
            let rule_index = registry.iter().position(|r| r.meta().id == f.transform);
            results.push(
                serde_json::from_value(result(p, &lines, &uri, f, rule_index))
                    .expect("a SARIF result matches the SARIF object model"),
            );
        }
    }
    let log = json!({
        "version": "2.1.0",
        "$schema": serde_sarif::sarif::SCHEMA_URL,
        "runs": [{
            "tool": { "driver": {
                "name": "iac-fix",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/iac-fix/iac-fix",
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "invocations": [invocation(errors)],
            "results": [],
        }],
    });
    let mut typed: serde_sarif::sarif::Sarif =
        serde_json::from_value(log).expect("SARIF log matches the SARIF object model");
    typed.runs[0].results = Some(results);
    serde_json::to_string_pretty(&typed).expect("SARIF serializes")
}

/// The run's invocation: successful when no file failed, else one error notification
/// per file, located at the file.
fn invocation(errors: &[(String, String)]) -> Value {
    let notifications: Vec<Value> = errors
        .iter()
        .map(|(path, reason)| {
            json!({
                "level": "error",
                "message": { "text": format!("{path}: {reason}") },
                "locations": [{ "physicalLocation": { "artifactLocation": { "uri": path } } }],
            })
        })
        .collect();
    let mut invocation = json!({ "executionSuccessful": errors.is_empty() });
    if !notifications.is_empty() {
        invocation["toolExecutionNotifications"] = json!(notifications);
    }
    invocation
}

fn rule(r: &Registered) -> Value {
    let m = r.meta();
    json!({
        "id": m.id,
        "name": m.id,
        "shortDescription": { "text": m.title },
        "fullDescription": { "text": m.title },
        "help": { "text": r.docs(), "markdown": r.docs() },
        "defaultConfiguration": { "level": "warning" },
        "properties": {
            "tags": m.equivalents,
            "applicability": m.applicability.as_str(),
        },
    })
}

fn result(
    p: &Processed,
    lines: &LineIndex,
    uri: &str,
    f: &Reported,
    rule_index: Option<usize>,
) -> Value {
    let region = json!({ "startLine": f.line, "startColumn": f.column });
    let mut r = json!({
        "ruleId": f.transform,
        "level": "warning",
        "message": { "text": f.message },
        "locations": [{ "physicalLocation": { "artifactLocation": { "uri": uri }, "region": region } }],
        "properties": { "applicability": f.applicability.as_str(), "applied": f.applied },
    });
    if let Some(i) = rule_index {
        r["ruleIndex"] = json!(i);
    }
    if let Some(by) = &f.suppressed_by {
        r["suppressions"] = json!([{ "kind": "inSource", "justification": by }]);
    }
    if let Some(why) = &f.edits_unavailable {
        // Applied in a later pass on text an earlier fix changed: no replacement
        // against the file as read exists on its own.
        r["properties"]["fixNotShown"] = json!(format!(
            "the fix cannot be shown against the file as read: {why}"
        ));
    }
    if !f.edits.is_empty() {
        // Edits are relative to the text after a byte-order mark.
        let bom = if p.original.starts_with('\u{feff}') {
            3
        } else {
            0
        };
        let replacements: Vec<Value> = f
            .edits
            .iter()
            .map(|e| {
                let (start_line, start_column) = lines.line_col(e.range.start + bom);
                let (end_line, end_column) = lines.line_col(e.range.end + bom);
                json!({
                    "deletedRegion": {
                        "startLine": start_line, "startColumn": start_column,
                        "endLine": end_line, "endColumn": end_column,
                    },
                    "insertedContent": { "text": e.text },
                })
            })
            .collect();
        r["fixes"] = json!([{
            "description": { "text": f.message },
            "artifactChanges": [{ "artifactLocation": { "uri": uri }, "replacements": replacements }],
        }]);
    }
    r
}
