//! `--format json-lines`: one JSON object per line (JSON Lines), one per finding,
//! with the fields of a finding in `--format json` plus `path` and `flavor`
//! (suppressed findings carry `suppressed_by`), then one `{"path", "error"}` object per
//! file that could not be read, parsed or written. Streams well into `jq -c`.

use super::{display, Run};
use serde_json::{json, Value};

/// The JSON Lines report (every line ends with a newline; empty when nothing to say).
pub fn render(run: &Run) -> String {
    let mut out = String::new();
    for p in run.processed {
        let path = display(&p.path);
        for f in p.outcome.fixes.iter().chain(&p.outcome.suppressed) {
            let mut v = serde_json::to_value(f).expect("finding serializes");
            if let Value::Object(m) = &mut v {
                m.insert("path".into(), json!(path));
                m.insert("flavor".into(), json!(p.flavor.id()));
                m.insert(
                    "remains".into(),
                    json!(f.suppressed_by.is_none() && run.remains(f)),
                );
            }
            out.push_str(&v.to_string());
            out.push('\n');
        }
    }
    for (path, message) in run.errors {
        out.push_str(&json!({ "path": path, "error": message }).to_string());
        out.push('\n');
    }
    out
}
